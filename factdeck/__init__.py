"""factdeck: YAML fact cards -> Anki decks and printable study cards."""

__version__ = "0.1.0"
