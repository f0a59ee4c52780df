"""Scans: ≥99 % of table values right, and every wrong one flagged by a low confidence or a check.

OCR is slow, so only two pages are recognised: page 2 of the distinct-number report inside an
otherwise text-layer PDF (a mixed PDF, decided page by page), and the same page as a skewed,
noisy PNG attachment.
"""

from __future__ import annotations

import functools
import os
import re

import numpy as np
import pytest

from conftest_extract import norm, rendered
from conftest_extract import parsed_cells, spec_by_name, spec_cells
from farm.render import render_mixed_pdf, render_png
from pipeline.extract import extract_bytes
from pipeline.extract.limits import Limits
from pipeline.extract.pdf import extract_pdf
from pipeline.parser import parse_document

PAGE = 1  # the page holding Table B (and the end of Table A) in the distinct-2021 report
from pipeline.tables import MIN_OCR_CONFIDENCE as LOW  # the parser withholds values below it


@functools.lru_cache(maxsize=None)
def truth_rows() -> list[list[str]]:
    """The same page read from the text layer (verified exact by the format tests)."""
    doc = extract_pdf(rendered("distinct-2021", "pdf"), Limits())
    return [[norm(s.text) for s in row] for t in doc.tables() for row in t.logical_rows()]


@functools.lru_cache(maxsize=None)
def scanned(kind: str):
    pdf = rendered("distinct-2021", "pdf")
    if kind == "mixed-pdf200":
        return extract_bytes(render_mixed_pdf(pdf, [PAGE], dpi=200), "scan.pdf")
    return extract_bytes(render_png(pdf, page=PAGE, dpi=160, skew_degrees=0.8, noise=10, seed=3), "scan.png")


def _score(doc):
    """(right, total, unflagged wrong) over the numeric cells of the rows the scan holds."""
    truth = {tuple(r[:3]): r for r in truth_rows()}
    right = total = 0
    unflagged = []
    for table in doc.tables():
        for row in table.logical_rows():
            key = tuple(norm(s.text) for s in row[:3])
            expected = truth.get(key)
            if expected is None:
                continue
            for i, span in enumerate(row):
                if i >= len(expected) or not re.fullmatch(r"[+\-]?\d+(\.\d+)?", expected[i]):
                    continue
                total += 1
                if norm(span.text) == expected[i]:
                    right += 1
                elif (span.confidence or 1.0) >= LOW:
                    unflagged.append((expected[i], span.text, span.confidence))
    return right, total, unflagged


@pytest.mark.parametrize("kind", ["mixed-pdf200", "png-skewed-noisy"])
def test_scan_cells(kind):
    doc = scanned(kind)
    assert doc.meta["ocr"] is True
    right, total, unflagged = _score(doc)
    assert total >= 170  # Table B's 25 rows x 7 values are on this page
    assert right / total >= 0.99, (right, total)
    assert not unflagged


def test_only_the_page_without_text_layer_is_ocred():
    doc = scanned("mixed-pdf200")
    assert doc.meta["ocr_pages"] == [PAGE + 1] and doc.meta["sniffed_type"] == "pdf"
    assert scanned("png-skewed-noisy").meta["sniffed_type"] == "image"


def test_scan_spans_carry_confidence():
    doc = scanned("mixed-pdf200")
    ocr_spans = [s for t in doc.tables() if t.page == PAGE + 1 for s in t.spans]
    text_spans = [s for t in doc.tables() if t.page != PAGE + 1 for s in t.spans]
    assert ocr_spans and all(s.confidence is not None and 0 <= s.confidence <= 1 for s in ocr_spans)
    assert text_spans and all(s.confidence is None for s in text_spans)


def test_parser_on_mixed_pdf():
    """Through the parser: ≥99 % of all 200 values right; a wrong one has a low-confidence span or fails a check."""
    doc = scanned("mixed-pdf200")
    result = parse_document(doc)
    expected = spec_cells(spec_by_name("distinct-2021"))
    got = parsed_cells(result)
    wrong = [k for k, v in expected.items() if got.get(k) != v]
    assert (len(expected) - len(wrong)) / len(expected) >= 0.99, wrong
    failed_checks = " ".join(str(c) for c in result["checks"] if c["status"] == "fail")
    for cell in result["cells"]:
        key = (cell["table"], cell["row"], cell["col"])
        if key not in wrong:
            continue
        src = cell.get("source") or {}
        span = doc.blocks[src["block"]].grid()[src["row"]][src["col"]] if "block" in src else None
        flagged = (span is not None and (span.confidence or 1.0) < LOW) or not cell["certain"] \
            or cell["row"] in failed_checks
        assert flagged, cell


def test_text_outside_tables_becomes_paragraphs():
    doc = scanned("png-skewed-noisy")
    texts = [norm(b.text) for b in doc.blocks if not hasattr(b, "spans")]
    assert norm("三、收到和处理政府信息公开申请情况") in texts
    # the heading comes before the table it introduces
    kinds = ["table" if hasattr(b, "spans") else norm(b.text) for b in doc.blocks]
    heading = kinds.index(norm("三、收到和处理政府信息公开申请情况"))
    assert "table" in kinds[heading + 1:]


WQY = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"  # installed by scripts/install-system-deps.sh


def _ruled_table_scan(rows: list[list[str]], widths: list[int], row_height: int = 90, size: int = 28):
    """A scanned-looking page (grey paper, noise) holding one ruled table; "\\n" in a cell breaks its line."""
    from PIL import Image, ImageDraw, ImageFont

    from farm.render import degrade

    font = ImageFont.truetype(WQY, size)
    x0, y0 = 100, 150
    image = Image.new("L", (x0 * 2 + sum(widths), y0 * 2 + row_height * len(rows)), 255)
    draw = ImageDraw.Draw(image)
    xs = [x0 + sum(widths[:i]) for i in range(len(widths) + 1)]
    ys = [y0 + row_height * i for i in range(len(rows) + 1)]
    for x in xs:
        draw.line([(x, ys[0]), (x, ys[-1])], fill=0, width=2)
    for y in ys:
        draw.line([(xs[0], y), (xs[-1], y)], fill=0, width=2)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            lines = text.split("\n")
            top = ys[r] + (row_height - len(lines) * (size + 6)) // 2
            for k, line in enumerate(lines):
                draw.text((xs[c] + 10, top + k * (size + 6)), line, font=font, fill=0)
    return np.asarray(degrade(image, noise=10, seed=5, paper=235))


def test_cells_are_read_from_their_own_lines():
    """A cell's text is cut out of the cell, not detected: a number wrapped in a narrow cell (1245 over 0) reads
    as one number, a label on two lines as one label, the thin strokes of 二 and 三 stay one line, an empty
    cell stays blank and the rules are not read as 1 or |."""
    assert os.path.exists(WQY), "WenQuanYi Zen Hei is missing: run scripts/install-system-deps.sh"
    from pipeline.extract.ocr import ocr_page_image

    rows = [["项目", "申请", "总计", "备注"],
            ["（五）不予\n处理", "1245\n0", "三", ""],
            ["二", "7", "36", "209"]]
    blocks = ocr_page_image(_ruled_table_scan(rows, [220, 90, 160, 160]))
    tables = [b for b in blocks if hasattr(b, "spans")]
    assert len(tables) == 1
    got = [[norm(s.text) for s in row] for row in tables[0].logical_rows()]
    assert got == [[norm(t.replace("\n", "")) for t in row] for row in rows]


def test_a_cell_whose_ink_reads_as_nothing_is_blank_with_confidence_0():
    """A seal or smudge over a cell (ink the recogniser has no character for) is not a certain blank; a cell
    without ink is."""
    from PIL import Image, ImageDraw

    from pipeline.extract.ocr import ocr_page_image

    rows = [["项目", "申请", "总计", "备注"], ["二", "7", "36", "209"], ["三", "8", "", ""]]
    image = Image.fromarray(_ruled_table_scan(rows, [220, 90, 160, 160]))
    x, y = 100 + 220 + 90, 150 + 90 * 2  # the cell 总计 of the last row
    ImageDraw.Draw(image).rectangle([x + 40, y + 30, x + 110, y + 60], fill=40)
    table = next(b for b in ocr_page_image(np.asarray(image)) if hasattr(b, "spans"))
    got = {(s.row, s.col): (s.text, s.confidence) for s in table.spans if s.row == 2 and s.col in (2, 3)}
    assert got == {(2, 2): ("", 0.0), (2, 3): ("", 1.0)}


def test_cell_lines_by_projection():
    """Bands of ink rows are lines; a thin band close to a line is part of it (a stroke of 三), a far one a speck."""
    from pipeline.extract.ocr import _cell_lines

    ink = np.zeros((120, 200), dtype=bool)
    ink[10:40, 20:150] = True  # a line of text
    ink[50:53, 32:58] = ink[60:63, 34:56] = ink[70:73, 30:60] = True  # 三 on the next line
    ink[112:114, 180:184] = True  # a speck far below
    assert _cell_lines(ink, 25) == [(20, 10, 150, 40), (30, 50, 60, 73)]
    assert _cell_lines(ink, None) == [(20, 10, 150, 40), (32, 50, 58, 53), (34, 60, 56, 63), (30, 70, 60, 73)]
