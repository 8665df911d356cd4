"""Media paths and files: kept inside the cards folder, of the type their names say, read once."""

from __future__ import annotations

import os

import pytest

from factdeck.media import MAX_IMAGE_BYTES, MediaError, MediaLibrary

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 20
MP3 = b"ID3\x04" + b"\0" * 20


@pytest.fixture
def cards(tmp_path):
    folder = tmp_path / "cards"
    (folder / "pictures").mkdir(parents=True)
    (folder / "pictures" / "map.png").write_bytes(PNG)
    (folder / "word.mp3").write_bytes(MP3)
    return folder


def test_a_good_file_is_named_by_its_content(cards):
    library = MediaLibrary(cards)
    image = library.get("pictures/map.png", "image")
    assert image.data == PNG and image.kind == "image"
    assert image.name.endswith(".png") and len(image.name) == 24
    assert library.get("word.mp3", "audio").name != image.name
    (cards / "pictures" / "map.png").write_bytes(PNG + b"changed")
    assert MediaLibrary(cards).get("pictures/map.png", "image").name != image.name


def test_each_file_is_read_once(cards, monkeypatch):
    library = MediaLibrary(cards)
    reads = []
    original = type(cards).read_bytes
    monkeypatch.setattr(type(cards), "read_bytes", lambda self: reads.append(self) or original(self))
    for _ in range(3):
        library.get("pictures/map.png", "image")
    library.get("./pictures/map.png", "image")
    assert len(reads) == 1


@pytest.mark.parametrize(("written", "kind", "message"), [
    ("/etc/passwd.png", "image", "absolute path"),
    ("C:/x.png", "image", "absolute path"),
    ("../outside.png", "image", "climbs out"),
    ("pictures/../../outside.png", "image", "climbs out"),
    ("pictures/none.png", "image", "not found"),
    ("pictures", "image", "not a known image type"),
    ("pictures/map.bmp", "image", "not a known image type"),
    ("word.mp3", "image", "not a known image type"),
    ("pictures/map.png", "audio", "not a known audio type"),
])
def test_bad_paths_are_refused(cards, written, kind, message):
    with pytest.raises(MediaError, match=message):
        MediaLibrary(cards).get(written, kind)


def test_a_symlink_out_of_the_folder_is_refused(cards, tmp_path):
    (tmp_path / "secret.png").write_bytes(PNG)
    os.symlink(tmp_path / "secret.png", cards / "pictures" / "link.png")
    with pytest.raises(MediaError, match="leads out of the cards folder"):
        MediaLibrary(cards).get("pictures/link.png", "image")
    os.symlink(cards / "pictures" / "map.png", cards / "inside.png")
    assert MediaLibrary(cards).get("inside.png", "image").data == PNG


@pytest.mark.parametrize(("name", "data"), [
    ("fake.png", b"GIF89a not a png"), ("fake.jpg", PNG), ("fake.svg", b"<html></html>"),
    ("fake.mp3", b"hello"), ("fake.ogg", b"RIFF1234WAVE"), ("fake.wav", b"OggS"), ("fake.webp", PNG),
])
def test_bytes_must_match_the_extension(cards, name, data):
    (cards / name).write_bytes(data)
    kind = "audio" if name.endswith(("mp3", "ogg", "wav", "m4a")) else "image"
    with pytest.raises(MediaError, match="is not a"):
        MediaLibrary(cards).get(name, kind)


@pytest.mark.parametrize(("name", "data"), [
    ("ok.jpeg", b"\xff\xd8\xff\xe0"), ("ok.gif", b"GIF87a"), ("ok.webp", b"RIFF\0\0\0\0WEBPVP8 "),
    ("ok.svg", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'),
    ("ok.ogg", b"OggS\0"), ("ok.wav", b"RIFF\0\0\0\0WAVEfmt "), ("ok.m4a", b"\0\0\0\x20ftypM4A "),
    ("ok.mp3", b"\xff\xfb\x90\x64"),
])
def test_each_format_is_recognised(cards, name, data):
    kind = "audio" if name.endswith(("mp3", "ogg", "wav", "m4a")) else "image"
    (cards / name).write_bytes(data)
    assert MediaLibrary(cards).get(name, kind).extension == name[name.rindex("."):]


def test_over_the_size_limit(cards):
    (cards / "huge.png").write_bytes(PNG + b"\0" * MAX_IMAGE_BYTES)
    with pytest.raises(MediaError, match="at most 2 MiB"):
        MediaLibrary(cards).get("huge.png", "image")


def test_alt_text_and_names_are_escaped_in_the_anki_field(cards):
    from factdeck.builders.anki_media import MEDIA_TEMPLATE, image_field, sound_field
    from factdeck.templating import make_environment

    template = make_environment().get_template(MEDIA_TEMPLATE)
    image = MediaLibrary(cards).get("pictures/map.png", "image")
    field = image_field(template, image, 'A "map" <b>& more</b>')
    assert field == f'<img src="{image.name}" alt="A &#34;map&#34; &lt;b&gt;&amp; more&lt;/b&gt;">'
    assert sound_field(template, MediaLibrary(cards).get("word.mp3", "audio")).startswith("[sound:")
    assert image_field(template, None, "x") == ""
