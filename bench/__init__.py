"""The benchmark: synthetic decks, the genanki + typst floor, ankdown, and the report."""
