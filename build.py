#!/usr/bin/env python3
"""Build the deck in cards/ into dist/: ``python build.py --help`` for options."""

from factdeck.cli import console_main

if __name__ == "__main__":
    console_main()
