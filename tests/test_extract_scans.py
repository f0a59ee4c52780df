"""Scans: ≥99 % of table values right, and every wrong one flagged by a low confidence or a check.

OCR is slow, so only two pages are recognised: page 2 of the distinct-number report inside an
otherwise text-layer PDF (a mixed PDF, decided page by page), and the same page as a skewed,
noisy PNG attachment.
"""

from __future__ import annotations

import functools
import re

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
