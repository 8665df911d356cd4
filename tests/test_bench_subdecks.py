"""bench/subdecks.py builds the shape it names: the same cards spread over many card files (subdecks)."""

from __future__ import annotations

import sqlite3
import zipfile

from bench import generate as synthetic
from bench.subdecks import apkg_seconds


def test_the_subdeck_shape_makes_one_anki_deck_per_card_file(tmp_path, monkeypatch):
    monkeypatch.setattr(synthetic, "CARDS_PER_FILE", synthetic.CARDS_PER_FILE)  # restored afterwards
    result = apkg_seconds(300, 60, tmp_path)
    assert result["cards"] == 300 and result["subdecks"] == 60
    with zipfile.ZipFile(tmp_path / "deck-300-60.apkg") as package:
        (tmp_path / "collection.anki2").write_bytes(package.read("collection.anki2"))
    connection = sqlite3.connect(tmp_path / "collection.anki2")
    (notes,) = connection.execute("SELECT count(*) FROM notes").fetchone()
    (decks_used,) = connection.execute("SELECT count(DISTINCT did) FROM cards").fetchone()
    connection.close()
    assert notes == 300 and decks_used == 60
