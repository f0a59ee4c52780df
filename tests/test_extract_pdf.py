"""Text-layer PDFs: page furniture dropped, prose lines rejoined, nothing outside a table pulled into it."""

from __future__ import annotations

import io
import re

import pdfplumber

from conftest_extract import document, norm, paragraphs, rendered
from pipeline.blocks import Paragraph
from pipeline.extract import extract_bytes


def test_page_numbers_are_dropped():
    pdf = rendered("001", "pdf")
    with pdfplumber.open(io.BytesIO(pdf)) as opened:
        footers = [page.extract_text_lines()[-1]["text"] for page in opened.pages]
    assert footers[1] == "— 2 —"  # the footer is in the text layer …
    doc = extract_bytes(pdf, "a.pdf")
    assert not [p for p in paragraphs(doc) if re.fullmatch(r"[—\-\s\d]+", p)]  # … but not in the document


def test_wrapped_prose_lines_become_one_paragraph_each():
    doc = extract_bytes(rendered("001", "pdf"), "a.pdf")
    got = [norm(p) for p in paragraphs(doc)]
    for paragraph in document("001").blocks:
        if isinstance(paragraph, Paragraph) and len(paragraph.text) > 60:
            assert norm(paragraph.text) in got


def test_heading_under_a_table_stays_out_of_it():
    """pdfplumber's crop clips character boxes; selecting by centre keeps the next heading out of the last row."""
    doc = extract_bytes(rendered("distinct-2021", "pdf"), "a.pdf")
    for table in doc.tables():
        assert not any("收到和处理" in s.text or "行政复议、行政诉讼情况" in s.text for s in table.spans)
    assert "三、收到和处理政府信息公开申请情况" in paragraphs(doc)


def test_blocks_carry_their_page():
    doc = extract_bytes(rendered("004", "pdf"), "a.pdf")
    pages = [b.page for b in doc.blocks]
    assert pages == sorted(pages) and pages[0] == 1 and pages[-1] == doc.meta["pages"]
