"""Pictures in the PDF: a PNG's own compressed pixels, at its own size; every picture looks as Typst would show it.

A PNG the PDF can hold as it is reaches the PDF through a stand-in
(builders/printing/png_pixels.py, pictures.py): these tests read the PDF back
and check that each picture's image holds the file's own bytes, shows its
pixels, and that pages look exactly as when Typst embeds the pictures itself.
"""

from __future__ import annotations

import io
import json
import random
import struct
import zipfile
import zlib
from pathlib import Path

import pypdf
import pypdfium2
import pytest
from PIL import Image

from card_folders import write_cards
from factdeck.builders.printing import builder, chunks, pdf_streams, pictures
from factdeck.builders.printing.png_pixels import MARK, _deflated_zeros_after, named_by_mark, png_pixels, stand_in
from factdeck.pipeline import BuildRequest, build, read_deck
from media_files import png, wav

EPOCH = 1700000000


def pil_png(image: Image.Image, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", **options)
    return out.getvalue()


def noisy(mode: str, size: tuple[int, int], seed: int) -> Image.Image:
    rng = random.Random(seed)
    return Image.frombytes(mode, size, rng.randbytes(size[0] * size[1] * len(mode)))


def idat(data: bytes) -> bytes:
    """A PNG's IDAT payloads, joined."""
    out, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        if data[at + 4:at + 8] == b"IDAT":
            out.append(data[at + 8:at + 8 + length])
        at += 12 + length
    return b"".join(out)


# Pictures of each sort; the first three a PDF can hold as their files hold them.
PICTURES = {
    "rgb.png": lambda: png(90, 60, seed=1, noise=True),
    "gradient.png": lambda: png(64, 40, seed=2),
    "grey.png": lambda: pil_png(noisy("L", (50, 70), 3)),
    "alpha.png": lambda: pil_png(noisy("RGBA", (40, 40), 4)),   # transparency: a mask Typst makes
    "palette.png": lambda: pil_png(noisy("RGB", (30, 30), 5).convert("P")),
    "deep.png": lambda: _sixteen_bit((33, 21), 6),               # 16 bits a sample
    "photo.jpg": lambda: _jpeg(noisy("RGB", (48, 36), 7)),
    "big.png": lambda: pil_png(noisy("RGB", (200, 160), 8)),    # its pixels in several IDAT chunks
    "profiled.png": lambda: pil_png(noisy("RGB", (40, 30), 9), icc_profile=_srgb_profile()),
    "gamma.png": lambda: _with_chunk(png(30, 20, seed=10), b"gAMA", struct.pack(">I", 45455)),
}
HELD_AS_THEY_ARE = {"rgb.png", "gradient.png", "grey.png", "big.png", "profiled.png", "gamma.png"}


def _srgb_profile() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _with_chunk(data: bytes, kind: bytes, payload: bytes) -> bytes:
    return data[:33] + chunk(kind, payload) + data[33:]  # after IHDR


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def _sixteen_bit(size: tuple[int, int], seed: int) -> bytes:
    return pil_png(Image.frombytes("I;16", size, random.Random(seed).randbytes(size[0] * size[1] * 2)))


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def pictured(folder: Path, names: list[str] | None = None) -> tuple[Path, dict[str, bytes]]:
    names = names or list(PICTURES)
    files = {name: PICTURES[name]() for name in names}
    cards = [{"id": f"c{index}", "kind": "fact", "question": f"Question {index}?", "answer": f"Answer {index}",
              "image": name, "source": "book"} for index, name in enumerate(names)]
    write_cards(folder, cards)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder, files


def built_pdf(folder: Path, out: Path) -> bytes:
    result = build(BuildRequest(folder, out=out, formats=("pdf",), epoch=EPOCH, cache=False))
    assert result.exit_code == 0 and not result.problems, [p.format() for p in result.problems]
    return result.outputs[0].target.read_bytes()


def images(pdf: bytes) -> list[pypdf.generic.StreamObject]:
    reader = pypdf.PdfReader(io.BytesIO(pdf), strict=True)
    found = {}
    for page in reader.pages:
        for reference in page["/Resources"].get("/XObject", {}).values():
            if reference.get_object()["/Subtype"] == "/Image":
                found[reference.idnum] = reference.get_object()
    return list(found.values())


def rendered(pdf: bytes) -> list[bytes]:
    document = pypdfium2.PdfDocument(pdf)
    return [page.render(scale=2).to_pil().tobytes() for page in document]


def test_a_png_the_pdf_can_hold_is_there_byte_for_byte_at_its_own_size(tmp_path):
    folder, files = pictured(tmp_path / "cards", ["rgb.png", "gradient.png", "grey.png"])
    found = images(built_pdf(folder, tmp_path / "dist"))
    assert len(found) == 3
    by_bytes = {idat(data): name for name, data in files.items()}
    for image in found:
        name = by_bytes[image._data]  # the file's own compressed pixels, not Typst's re-encoding of them
        picture = Image.open(io.BytesIO(files[name]))
        assert (image["/Width"], image["/Height"]) == picture.size
        assert image["/DecodeParms"]["/Predictor"] == 15
        assert image["/DecodeParms"]["/Colors"] == len(picture.mode)
        assert image.decode_as_image().tobytes() == picture.tobytes()  # and it decodes to the picture's pixels


def test_pages_look_exactly_as_when_typst_embeds_every_picture(tmp_path, monkeypatch):
    folder, files = pictured(tmp_path / "cards")
    ours = built_pdf(folder, tmp_path / "ours")
    monkeypatch.setattr(pictures, "_stand_in", lambda picture: None)  # every picture given to Typst as it is
    typst_own = built_pdf(folder, tmp_path / "typst")
    assert rendered(ours) == rendered(typst_own)
    sizes = sorted((image["/Width"], image["/Height"]) for image in images(ours))
    assert sizes == sorted(Image.open(io.BytesIO(data)).size for data in files.values())
    held = {image._data for image in images(ours)} & {idat(data) for data in files.values()}
    assert held == {idat(files[name]) for name in HELD_AS_THEY_ARE}


def test_no_stand_in_is_left_in_the_pdf_and_builds_repeat(tmp_path):
    folder, _ = pictured(tmp_path / "cards")
    pdf = built_pdf(folder, tmp_path / "one")
    for image in images(pdf):
        assert not image.get_data().startswith(MARK)
    assert built_pdf(folder, tmp_path / "two") == pdf


def test_a_pdf_pdf_streams_cannot_read_is_patched_through_pypdf_alike(tmp_path, monkeypatch):
    folder, _ = pictured(tmp_path / "cards", ["rgb.png", "grey.png", "photo.jpg"])
    patched = built_pdf(folder, tmp_path / "patched")
    monkeypatch.setattr(pictures, "replace_streams", lambda pdf, replace: None)
    rewritten = built_pdf(folder, tmp_path / "rewritten")
    assert rendered(patched) == rendered(rewritten)
    assert sorted(image._data for image in images(patched)) == sorted(image._data for image in images(rewritten))


def test_every_chunk_of_a_large_print_gets_its_pictures(tmp_path, monkeypatch):
    names = ["rgb.png", "gradient.png", "grey.png"] * 4
    files = {name: PICTURES[name]() for name in set(names)}
    cards = [{"id": f"c{index}", "kind": "fact", "question": f"Q {index}?", "answer": "A", "image": name,
              "source": "book"} for index, name in enumerate(names)]
    folder = write_cards(tmp_path / "cards", cards)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    monkeypatch.setattr(chunks, "ONE_COMPILE_SHEETS", 0)
    monkeypatch.setattr(chunks, "SHEETS_PER_CHUNK", 1)
    pdf = built_pdf(folder, tmp_path / "dist")
    own = {idat(data) for data in files.values()}
    assert images(pdf) and all(image._data in own for image in images(pdf))


def test_the_preview_shows_the_pictures_themselves(tmp_path):
    folder, _ = pictured(tmp_path / "cards", ["rgb.png"])
    red = pil_png(Image.new("RGB", (60, 60), (230, 20, 20)))
    (folder / "rgb.png").write_bytes(red)
    result = build(BuildRequest(folder, out=tmp_path / "dist", formats=("preview",), epoch=EPOCH, cache=False))
    assert result.exit_code == 0, [p.format() for p in result.problems]
    preview = Image.open(result.outputs[0].target).convert("RGB")
    colours = [colour for _, colour in preview.getcolors(maxcolors=1 << 24)]
    assert any(r > 200 and g < 60 and b < 60 for r, g, b in colours)  # the picture, not a black stand-in


@pytest.mark.parametrize("name", ["alpha.png", "palette.png", "deep.png"])
def test_a_png_typst_must_decode_gets_no_stand_in(name):
    assert png_pixels(PICTURES[name]()) is None


def test_an_interlaced_png_gets_no_stand_in():
    good = png(20, 10, seed=1)
    header = struct.pack(">IIBBBBB", 20, 10, 8, 2, 0, 0, 1)
    assert png_pixels(good[:8] + chunk(b"IHDR", header) + good[33:]) is None


def test_pngs_that_are_not_sound_get_no_stand_in():
    good = png(20, 10, seed=1)
    assert png_pixels(good) is not None
    assert png_pixels(good[:-30]) is None                           # cut short
    assert png_pixels(good[:40] + bytes([good[40] ^ 1]) + good[41:]) is None  # a flipped byte: its CRC fails
    rows = zlib.compress(b"".join(b"\x07" + bytes(60) for _ in range(10)))  # filter 7 does not exist
    header = struct.pack(">IIBBBBB", 20, 10, 8, 2, 0, 0, 0)
    forged = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    assert png_pixels(forged) is None
    turned = good[:33] + chunk(b"eXIf", b"MM\0*") + good[33:]     # an orientation Typst would apply
    assert png_pixels(turned) is None


def test_a_stand_in_is_the_same_png_black_but_for_its_mark():
    picture = pil_png(noisy("RGB", (9, 40), 1), dpi=(300, 300))
    pixels = png_pixels(picture)
    shown = stand_in(pixels, "0123456789abcdef0123.png")
    image, original = Image.open(io.BytesIO(shown)), Image.open(io.BytesIO(picture))
    assert image.size == original.size and image.mode == original.mode
    assert image.info.get("dpi") == original.info.get("dpi")  # same resolution: the face lays out the same
    samples = image.tobytes()
    assert named_by_mark(samples[:80]) == "0123456789abcdef0123.png"
    assert not samples[len(MARK) + 25:].strip(b"\0")
    assert stand_in(png_pixels(png(2, 2)), "0123456789abcdef0123.png") is None  # too small to hold the mark


@pytest.mark.parametrize("head,total", [(b"", 0), (b"abc", 3), (b"abc", 70_000), (b"x" * 99, 3 * 65536 + 5), (b"y" * 5000, 4096 * 7)])
def test_deflated_zeros_inflate_to_the_head_and_zeros(head, total):
    assert zlib.decompress(_deflated_zeros_after(head, total)) == head + bytes(total - len(head))


def test_pdf_streams_keeps_every_other_byte_and_refuses_what_it_cannot_read(tmp_path):
    folder, _ = pictured(tmp_path / "cards", ["rgb.png", "photo.jpg"])
    pdf = built_pdf(folder, tmp_path / "dist")
    assert pdf_streams.replace_streams(pdf, lambda dictionary, data: None) == pdf
    updated = pdf + b"xref\n0 1\n0000000000 65535 f\r\ntrailer\n<</Size 1/Prev 9>>\nstartxref\n%d\n%%%%EOF\n" % len(pdf)
    assert pdf_streams.replace_streams(updated, lambda dictionary, data: None) is None  # an incremental update
    indirect = pdf.replace(b"/Length ", b"/Length 7 0 R/Old ", 1)
    assert pdf_streams.replace_streams(indirect, lambda dictionary, data: None) is None


def test_stand_ins_are_found_in_a_pdf_written_otherwise(tmp_path, monkeypatch):
    folder, files = pictured(tmp_path / "cards", ["rgb.png", "grey.png"])
    monkeypatch.setattr(builder, "embed_pictures", lambda pdf, deck: pdf)
    with_stand_ins = built_pdf(folder, tmp_path / "stand-ins")
    out = io.BytesIO()  # pypdf writes dictionaries over several lines, with spaces: another layout
    pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(with_stand_ins))).write(out)
    deck, _ = read_deck(folder)
    for written in (with_stand_ins, out.getvalue()):
        patched = pictures.embed_pictures(written, deck)
        assert sorted(image._data for image in images(patched)) == sorted(idat(data) for data in files.values())


def test_the_package_stores_compressed_pictures_as_their_files_are(tmp_path):
    folder, files = pictured(tmp_path / "cards", ["rgb.png", "photo.jpg"])
    (folder / "tone.wav").write_bytes(wav())
    cards = folder / "cards.yaml"
    cards.write_text(cards.read_text(encoding="utf-8").replace("image: photo.jpg", "image: photo.jpg\n  audio: tone.wav"),
                     encoding="utf-8")
    result = build(BuildRequest(folder, out=tmp_path / "dist", formats=("apkg",), epoch=EPOCH, cache=False))
    assert result.exit_code == 0, [p.format() for p in result.problems]
    with zipfile.ZipFile(result.outputs[0].target) as package:
        names = json.loads(package.read("media"))
        entries = {names[info.filename]: info for info in package.infolist() if info.filename in names}
        by_extension = {Path(name).suffix: info for name, info in entries.items()}
        assert set(by_extension) == {".png", ".jpg", ".wav"}
        for name, info in entries.items():  # deflating a PNG or JPEG again costs time and saves nothing
            assert info.compress_type == (zipfile.ZIP_DEFLATED if name.endswith(".wav") else zipfile.ZIP_STORED)
        assert package.read(by_extension[".png"]) == files["rgb.png"]
        assert package.read(by_extension[".jpg"]) == files["photo.jpg"]


def test_a_restyled_copy_of_style_typ_prints_the_pictures(tmp_path):
    folder, files = pictured(tmp_path / "cards", ["rgb.png", "photo.jpg"])
    (tmp_path / "templates" / "print").mkdir(parents=True)
    style = (Path(__file__).parent.parent / "templates" / "print" / "style.typ").read_text(encoding="utf-8")
    (tmp_path / "templates" / "print" / "style.typ").write_text(style.replace("#let picture-gap = 1.5mm",
                                                                              "#let picture-gap = 3mm"))
    found = images(built_pdf(folder, tmp_path / "dist"))
    assert sorted(image._data for image in found) == sorted([idat(files["rgb.png"]), files["photo.jpg"]])
