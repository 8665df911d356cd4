"""The fonts the print is set in, found in installed packages and the deck's ``fonts/`` folder, never the system's.

Typst ships Libertinus Serif (Latin, Greek, Cyrillic, Hebrew), New Computer
Modern and DejaVu Sans Mono. Every other script comes from a Python package
that carries Noto fonts under the SIL Open Font License, serif where the
script has one, to sit beside Libertinus Serif:

- installed with factdeck (about 1.5 MB): Noto Naskh Arabic, Noto Serif
  Devanagari (``pylopdf-fonts-ar``, ``pylopdf-fonts-hi``; Hebrew's Noto Serif
  Hebrew from ``pylopdf-fonts-he`` where Libertinus lacks a sign);
- ``pip install 'factdeck[fonts]'`` (some 50 MB): Noto Serif JP, KR, SC and
  TC (``pylopdf-fonts-jp``, ``-ko``, ``-zh-cn``, ``-zh-tw``) and Noto Emoji
  with Noto Sans for a dozen more scripts (``manimgx-fonts``).

A deck's own fonts (any ``.ttf``, ``.otf``, ``.ttc`` in ``fonts/`` beside its
cards) come before the packaged ones. Typst embeds only the glyphs a PDF uses.
"""

from __future__ import annotations

import importlib.util
import io
import mmap
import struct
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import takewhile
from pathlib import Path
from typing import TYPE_CHECKING

from ...errors import FactdeckError, Position, Problem

if TYPE_CHECKING:
    from fontTools.ttLib import TTFont

TEMPLATE_FONT = "Libertinus Serif"  # style.typ's face, shipped inside Typst: tried first
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
EXTRA = "pip install 'factdeck[fonts]'"


@dataclass(frozen=True)
class PackagedFont:
    """A font file inside an installed package: ``module`` is the package's import name."""

    module: str
    file: str
    family: str
    extra: bool  # only with factdeck[fonts]


# In the order Typst tries them after the template's font; the CJK ones are reordered by language.
PACKAGED_FONTS = (
    PackagedFont("pylopdf_fonts_he", "NotoSerifHebrew-Variable.ttf", "Noto Serif Hebrew", extra=False),
    PackagedFont("pylopdf_fonts_ar", "NotoNaskhArabic-Variable.ttf", "Noto Naskh Arabic", extra=False),
    PackagedFont("pylopdf_fonts_hi", "NotoSerifDevanagari-Variable.ttf", "Noto Serif Devanagari", extra=False),
    PackagedFont("pylopdf_fonts_jp", "NotoSerifJP-Regular.otf", "Noto Serif JP", extra=True),
    PackagedFont("pylopdf_fonts_zh_cn", "NotoSerifSC-Regular.otf", "Noto Serif SC", extra=True),
    PackagedFont("pylopdf_fonts_zh_tw", "NotoSerifTC-Regular.otf", "Noto Serif TC", extra=True),
    PackagedFont("pylopdf_fonts_ko", "NotoSerifKR-Regular.otf", "Noto Serif KR", extra=True),
    PackagedFont("manimgx_fonts", "NotoEmoji[wght].ttf", "Noto Emoji", extra=True),
)
# Han characters take the forms of the font tried first: the language's own.
_HAN_FIRST = {"ja": "Noto Serif JP", "ko": "Noto Serif KR", "zh": "Noto Serif SC", "zh-cn": "Noto Serif SC",
              "zh-sg": "Noto Serif SC", "zh-hans": "Noto Serif SC", "zh-tw": "Noto Serif TC",
              "zh-hk": "Noto Serif TC", "zh-mo": "Noto Serif TC", "zh-hant": "Noto Serif TC"}
# Scripts the extra brings; for any other, a deck adds a font of its own.
EXTRA_SCRIPTS = {"Hani", "Hira", "Kana", "Hang", "Bopo", "Thai", "Beng", "Taml", "Telu", "Knda", "Mlym",
                 "Gujr", "Guru", "Orya", "Sinh", "Khmr", "Laoo", "Mymr", "Ethi", "Geor", "Armn"}


@dataclass(frozen=True)
class FontSet:
    """What Typst is given: ``paths`` to read fonts from, ``families`` to try after the template's font."""

    paths: tuple[Path, ...]
    families: tuple[str, ...]
    deck_fonts: tuple[Path, ...] = ()

    def for_language(self, language: str = "") -> tuple[str, ...]:
        """The families in the order Typst tries them, after the print style's own font, for text in
        ``language`` (a BCP 47 tag or ""): the language's own Han forms first."""
        first = _HAN_FIRST.get(language.lower()) or _HAN_FIRST.get(language.lower().split("-")[0])
        if first not in self.families:
            return self.families
        return (first, *(family for family in self.families if family != first))

    def files(self) -> tuple[Path, ...]:
        """Every font file Typst can use besides its own."""
        return tuple(sorted(path for folder in self.paths for path in _font_files(folder)))


@dataclass(frozen=True)
class TypstLanguage:
    """A language tag as Typst's ``text`` takes it: ``lang`` ("zh") and ``region`` ("TW") apart."""

    lang: str
    region: str | None


def typst_language(tag: str) -> TypstLanguage:
    """``"zh-TW"`` -> lang "zh", region "TW"; "" -> English, as the print was before languages."""
    parts = (tag or "en").split("-")
    region = next((part.upper() for part in parts[1:] if len(part) == 2 and part.isalpha()), None)
    return TypstLanguage(parts[0].lower(), region)


def font_set(deck_fonts: Path | None) -> FontSet:
    """The packaged fonts that are installed, and the deck's ``fonts/`` folder if it has one."""
    paths: list[Path] = []
    families: list[str] = []
    own = tuple(_font_files(deck_fonts)) if deck_fonts is not None and deck_fonts.is_dir() else ()
    if own:
        paths.append(deck_fonts)  # type: ignore[arg-type]
        families.extend(dict.fromkeys(family for path in own for family in font_families(path)))
    for font in PACKAGED_FONTS:
        folder = package_folder(font.module)
        if folder is not None and (folder / font.file).is_file():
            if folder not in paths:
                paths.append(folder)
            families.append(font.family)
    return FontSet(tuple(paths), tuple(dict.fromkeys(families)), own)


def package_folder(module: str) -> Path | None:
    """Where an installed package's files are, without importing it; None if it is not installed."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _font_files(folder: Path) -> Iterable[Path]:
    return sorted(path for path in folder.iterdir() if path.suffix.lower() in FONT_SUFFIXES and path.is_file())


def font_families(path: Path) -> tuple[str, ...]:
    """The family names of the fonts in a font file (a collection holds several), as Typst reads them."""
    return _read_font_file(path, *_stamp(path))[0]


def file_coverage(path: Path) -> frozenset[int]:
    """The code points a font file (every font of a collection) has glyphs for, from its cmap."""
    if path.suffix.lower() in (".ttc", ".otc"):
        return _read_font_file(path, *_stamp(path))[1]
    return _single_font_coverage(path, *_stamp(path))


@lru_cache(maxsize=None)
def _single_font_coverage(path: Path, mtime: int, size: int) -> frozenset[int]:
    """A .ttf or .otf's code points, read without fontTools where its cmap allows (see cmap_codes)."""
    try:
        return _coverage_of(path.read_bytes())
    except (KeyError, struct.error, IndexError):  # not a font: fontTools says what is wrong
        return _read_font_file(path, mtime, size)[1]


def _stamp(path: Path) -> tuple[int, int]:
    """What tells a font file changed (``--watch`` rebuilds with the deck's fonts as they are now)."""
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=None)
def _read_font_file(path: Path, mtime: int, size: int) -> tuple[tuple[str, ...], frozenset[int]]:
    from fontTools.ttLib import TTCollection, TTFont

    try:
        fonts = TTCollection(path, lazy=True).fonts if path.suffix.lower() in (".ttc", ".otc") else [
            TTFont(path, lazy=True)]
        names = tuple(str(font["name"].getBestFamilyName() or path.stem) for font in fonts)
        covered = frozenset(code for font in fonts for code in cmap_codes(font))
    except Exception as error:  # fontTools raises many kinds on a file that is not a font
        raise FactdeckError([Problem(Position(_shown(path)), f"not a font factdeck can read ({error}); "
                                                             "remove it or replace it with a .ttf or .otf")])
    return names, covered


def _shown(path: Path) -> str:
    """``path`` as messages show it: relative to the working folder where it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def typst_fonts_found() -> bool:
    """Whether the fonts Typst ships could be found in its library (see :func:`_typst_fonts`)."""
    return next(iter(_typst_fonts()), None) is not None


def uncovered(chars: Iterable[str], fonts: FontSet) -> set[str]:
    """The characters of ``chars`` that no font Typst is given has a glyph for.

    The fonts' cmaps are read in the order Typst tries them (Libertinus Serif,
    the deck's and the packaged fonts, then Typst's others), and only until
    every character is found: a Latin deck reads one.
    """
    missing = {char for char in chars if not char.isspace()}
    own = {font.family: font for font in PACKAGED_FONTS}
    listed = [*fonts.deck_fonts, *(package_folder(own[family].module) / own[family].file  # type: ignore[operator]
                                   for family in fonts.families if family in own)]
    # Libertinus Serif comes first in Typst's library: only as far as it goes is the library searched
    # before the listed fonts (any of its styles found later is still read, in the third part).
    template = takewhile(lambda font: font[0].startswith(TEMPLATE_FONT), _typst_fonts())
    coverages = _chain((cmap() for _, cmap in template),
                       (file_coverage(path) for path in listed),
                       (cmap() for _, cmap in _typst_fonts()),  # read once: the first part's are cached
                       (file_coverage(path) for path in fonts.files() if path not in listed))
    for coverage in coverages:
        missing = {char for char in missing if ord(char) not in coverage}
        if not missing:
            break
    return missing


def _chain(*sources: Iterable[frozenset[int]]) -> Iterable[frozenset[int]]:
    for source in sources:
        yield from source


_TYPST_FONTS: list[tuple[str, bytes]] = []  # Typst's own fonts found so far, in its order
_TYPST_SCAN = [0]  # where in Typst's library the search for the next one goes on; -1 when done


def _typst_fonts() -> Iterable[tuple[str, Callable[[], frozenset[int]]]]:
    """Typst's own fonts, each family (the template's, or "" for another) and a way to read its
    cmap, found only as far as they are asked for.

    Typst embeds them in its library as OpenType files; each begins with the
    ``OTTO`` tag and its table directory says how long it is. They are read
    without fontTools, whose import alone would be most of a Latin deck's check.
    """
    index = 0
    while True:
        if index == len(_TYPST_FONTS) and not _find_next_typst_font():
            return
        family, font = _TYPST_FONTS[index]
        yield family, lambda font=font: _font_coverage(font)  # type: ignore[misc]
        index += 1


def _find_next_typst_font() -> bool:
    library = package_folder("typst")
    binaries = sorted(library.glob("_typst*")) if library is not None else []
    if _TYPST_SCAN[0] < 0 or not binaries:
        return False
    with binaries[0].open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        start = data.find(b"OTTO", _TYPST_SCAN[0])
        while start >= 0:
            _TYPST_SCAN[0] = start + 4
            font = _embedded_font(data, start)
            if font is not None and all(font != known for _, known in _TYPST_FONTS):
                names = _tables(font)[b"name"]
                _TYPST_FONTS.append((TEMPLATE_FONT if TEMPLATE_FONT.encode("utf-16-be") in names else "", font))
                return True
            start = data.find(b"OTTO", start + 4)
    _TYPST_SCAN[0] = -1
    return False


@lru_cache(maxsize=None)
def _font_coverage(font: bytes) -> frozenset[int]:
    return _coverage_of(font)


def _coverage_of(font: bytes) -> frozenset[int]:
    """The code points of one OpenType font's bytes."""
    codes = _cmap_table_codes(_tables(font)[b"cmap"])
    if codes is None:  # a kind of cmap read here only through fontTools
        from fontTools.ttLib import TTFont

        codes = frozenset(TTFont(io.BytesIO(font), lazy=True).getBestCmap() or {})
    return codes


def _tables(font: bytes) -> dict[bytes, bytes]:
    """An OpenType font's tables by tag, from its table directory."""
    (count,) = struct.unpack_from(">H", font, 4)
    tables = {}
    for index in range(count):
        tag, _, offset, length = struct.unpack_from(">4sIII", font, 12 + 16 * index)
        tables[tag] = font[offset:offset + length]
    return tables


def cmap_codes(font: TTFont) -> frozenset[int]:
    """The code points ``font``'s cmap maps to a glyph.

    A CJK font maps tens of thousands, and fontTools builds a dictionary entry
    for each (0.24 s for Noto Serif JP): its subtable is read here as ranges
    instead (0.015 s); a kind of cmap not read here goes through fontTools.
    """
    raw = font.reader["cmap"] if font.reader is not None and "cmap" in font.reader else b""
    codes = _cmap_table_codes(raw)
    return frozenset(font.getBestCmap() or {}) if codes is None else codes


# The Unicode subtables, best first: (platform, encoding) and format.
_UNICODE_SUBTABLES = (((3, 10), 12), ((0, 6), 12), ((0, 4), 12), ((3, 1), 4), ((0, 3), 4))


def _cmap_table_codes(raw: bytes) -> frozenset[int] | None:
    """The code points a raw cmap table maps to a glyph, from its best Unicode subtable of format 12
    (ranges) or 4 (segments); None if it has neither."""
    if len(raw) < 4:
        return None
    found = {}
    for index in range(struct.unpack_from(">H", raw, 2)[0]):
        platform, encoding, start = struct.unpack_from(">HHI", raw, 4 + 8 * index)
        found[(platform, encoding), struct.unpack_from(">H", raw, start)[0]] = start
    for key in _UNICODE_SUBTABLES:
        if key in found:
            return (_format_12 if key[1] == 12 else _format_4)(raw, found[key])
    return None


def _format_12(raw: bytes, start: int) -> frozenset[int]:
    (groups,) = struct.unpack_from(">I", raw, start + 12)
    codes: set[int] = set()
    for first, last, _ in struct.iter_unpack(">III", raw[start + 16:start + 16 + 12 * groups]):
        codes.update(range(first, last + 1))
    return frozenset(codes)


def _format_4(raw: bytes, start: int) -> frozenset[int]:
    (doubled,) = struct.unpack_from(">H", raw, start + 6)
    segments = doubled // 2
    ends = struct.unpack_from(f">{segments}H", raw, start + 14)
    firsts = struct.unpack_from(f">{segments}H", raw, start + 16 + doubled)
    deltas = struct.unpack_from(f">{segments}h", raw, start + 16 + 2 * doubled)
    offsets_at = start + 16 + 3 * doubled
    offsets = struct.unpack_from(f">{segments}H", raw, offsets_at)
    codes: set[int] = set()
    for index, (first, last, delta, offset) in enumerate(zip(firsts, ends, deltas, offsets)):
        for code in range(first, min(last, 0xFFFE) + 1):
            if offset == 0:
                glyph = (code + delta) & 0xFFFF
            else:
                (glyph,) = struct.unpack_from(">H", raw, offsets_at + 2 * index + offset + 2 * (code - first))
                glyph = (glyph + delta) & 0xFFFF if glyph else 0
            if glyph:
                codes.add(code)
    return frozenset(codes)


def _embedded_font(data: mmap.mmap, start: int) -> bytes | None:
    """The OpenType font at ``start`` (its length from its table directory), or None if it is none."""
    tables = int.from_bytes(data[start + 4:start + 6], "big")
    if not 4 <= tables <= 64:
        return None
    directory = data[start + 12:start + 12 + 16 * tables]
    tags = {directory[16 * i:16 * i + 4] for i in range(tables)}
    if not {b"cmap", b"name"} <= tags:
        return None
    end = max(int.from_bytes(directory[16 * i + 8:16 * i + 12], "big")
              + int.from_bytes(directory[16 * i + 12:16 * i + 16], "big") for i in range(tables))
    return bytes(data[start:start + end]) if start + end <= len(data) else None
