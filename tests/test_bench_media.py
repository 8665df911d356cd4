"""bench/media.py builds a deck with pictures and without, and says whether the 2x aim is met."""

from __future__ import annotations

import re
import zipfile

from bench import media


def test_every_card_gets_a_picture_of_its_own_and_the_aim_is_reported(tmp_path, capsys):
    assert media.main(["--cards", "12", "--picture-kb", "3", "--repeat", "1"]) == 0
    printed = capsys.readouterr().out
    assert "with 12 pictures" in printed
    assert re.search(r"ratio: \d+\.\d\d wall, \d+\.\d\d CPU", printed) and "load " in printed
    assert re.search(r"aim: at most 2x: (met|not met) on the wall clock, (met|not met) in CPU time", printed)


def test_the_pictures_are_noise_that_does_not_shrink(tmp_path):
    from bench.generate import generate

    cards, _ = generate(tmp_path / "deck", 5, seed=3)
    assert media.add_pictures(cards, 20_000) == 5
    pictures = sorted((cards / "pictures").iterdir())
    assert len({p.read_bytes() for p in pictures}) == 5 and all(p.stat().st_size >= 20_000 for p in pictures)
    with zipfile.ZipFile(tmp_path / "probe.zip", "w", zipfile.ZIP_DEFLATED) as probe:
        probe.write(pictures[0], "p")
    assert (tmp_path / "probe.zip").stat().st_size > 0.95 * pictures[0].stat().st_size


def test_another_checkout_is_timed_in_turn(capsys):
    assert media.main(["--cards", "6", "--picture-kb", "2", "--repeat", "1", "--before", str(media.CHECKOUT)]) == 0
    printed = capsys.readouterr().out
    assert "this checkout (" in printed and "before (" in printed
    assert len(re.findall(r"aim: at most 2x", printed)) == 2
