"""Chunks joined by renumbering their objects read as the pages of every chunk, in order, in one document."""

from __future__ import annotations

import io

import pdfplumber
import pypdf
import pytest
import typst

from factdeck.builders.printing import chunks as pdf_chunks
from factdeck.builders.printing.joining import UnexpectedPdf, join_pdfs

EPOCH = 1700000000
# A title whose string holds what looks like references, parentheses and a backslash.
TITLE = r"Deck (5 0 R) \ ) stream"


def typeset(tmp_path, name: str, body: str) -> bytes:
    main = tmp_path / f"{name}.typ"
    main.write_text(f'#set document(title: "{TITLE.replace(chr(92), chr(92) * 2)}")\n'
                    '#set page(width: 60mm, height: 40mm)\n' + body, encoding="utf-8")
    compiler = typst.Compiler(str(main), root=str(tmp_path), ignore_system_fonts=True)
    pdf, _ = compiler.compile_with_warnings(format="pdf", timestamp=EPOCH, pdf_tags=False)
    return pdf


@pytest.fixture
def three_chunks(tmp_path) -> list[bytes]:
    return [typeset(tmp_path, "one", "Page one\n#pagebreak()\nPage two *bold*"),
            typeset(tmp_path, "two", "_Page three_ #link(\"https://example.org/(a)\")[a link]"),
            typeset(tmp_path, "three", "Page four\n#pagebreak()\nPage five\n#pagebreak()\nPage six")]


def texts(pdf: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [page.extract_text() for page in document.pages]


def test_joined_pages_read_in_order_with_the_first_chunks_title(three_chunks):
    joined = join_pdfs(three_chunks)
    reader = pypdf.PdfReader(io.BytesIO(joined), strict=True)
    assert [page.extract_text() for page in reader.pages] == [
        "Page one", "Page two bold", "Page three a link", "Page four", "Page five", "Page six"]
    assert reader.metadata.title == TITLE
    assert "/Metadata" not in reader.trailer["/Root"]  # the XMP would count the first chunk's pages only
    assert reader.trailer["/ID"] == pypdf.PdfReader(io.BytesIO(three_chunks[0])).trailer["/ID"]
    links = [annotation.get_object()["/A"]["/URI"] for annotation in reader.pages[2]["/Annots"]]
    assert links == ["https://example.org/(a)"]
    assert texts(joined) == [text for chunk in three_chunks for text in texts(chunk)]


def test_joining_repeats_byte_for_byte(three_chunks):
    assert join_pdfs(three_chunks) == join_pdfs(list(three_chunks))
    assert join_pdfs(three_chunks[:1]) != three_chunks[0]  # rewritten, but reads the same
    assert texts(join_pdfs(three_chunks[:1])) == texts(three_chunks[0])


def test_a_chunk_not_laid_out_as_typst_writes_one_is_joined_by_pypdf(three_chunks):
    rewritten = io.BytesIO()
    pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(three_chunks[1]))).write(rewritten)
    mixed = [three_chunks[0], rewritten.getvalue(), three_chunks[2]]
    with pytest.raises(UnexpectedPdf):
        join_pdfs(mixed)
    assert texts(pdf_chunks.join(mixed)) == texts(join_pdfs(three_chunks))
