"""Printable double-sided study cards: options, layout, fitting, Typst and chunking.

``options`` holds what a user chooses, ``layout`` where each face sits,
``fitting`` the proof that most faces fit at full size, ``compiler`` Typst and
its errors, ``chunks`` large decks typeset in worker processes, and ``builder``
the PDF and preview builders.
"""
