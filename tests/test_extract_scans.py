"""Scans: ≥99 % of table values right, and every wrong one flagged by a low confidence."""

from __future__ import annotations

import functools
import re

import pytest

from conftest_extract import norm, rendered
from farm.documents import to_png, to_scanned_pdf
from pipeline.extract import extract_bytes
from pipeline.extract.limits import Limits
from pipeline.extract.pdf import extract_pdf

PAGE = 1  # the page holding Table B (and the end of Table A) in the distinct-2021 report
LOW = 0.9


@functools.lru_cache(maxsize=None)
def truth_rows() -> list[list[str]]:
    """The same page read from the text layer (verified exact by the format tests)."""
    doc = extract_pdf(rendered("distinct-2021", "pdf"), Limits())
    return [[norm(s.text) for s in row] for t in doc.tables() for row in t.logical_rows()]


@functools.lru_cache(maxsize=None)
def scanned(kind: str):
    pdf = rendered("distinct-2021", "pdf")
    if kind == "pdf200":
        return extract_bytes(to_scanned_pdf(pdf, dpi=200, pages=[PAGE]), "scan.pdf")
    return extract_bytes(to_png(pdf, page=PAGE, dpi=160, skew_degrees=0.8, noise=10, seed=3), "scan.png")


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


@pytest.mark.parametrize("kind", ["pdf200", "png-skewed-noisy"])
def test_scan_cells(kind):
    doc = scanned(kind)
    assert doc.meta["ocr"] is True
    right, total, unflagged = _score(doc)
    assert total >= 170  # Table B's 25 rows x 7 values are on this page
    assert right / total >= 0.99, (right, total)
    assert not unflagged


def test_scanned_pdf_is_typed_as_scanned():
    assert scanned("pdf200").meta["sniffed_type"] == "pdf-scanned"
    assert scanned("png-skewed-noisy").meta["sniffed_type"] == "image"


def test_scan_spans_carry_confidence():
    spans = [s for t in scanned("pdf200").tables() for s in t.spans]
    assert spans and all(s.confidence is not None and 0 <= s.confidence <= 1 for s in spans)
