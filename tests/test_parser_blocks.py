"""The parser reads the block model (tables with exact merges) exactly like the text form of the same report.

Reports come from farm.report_synth with a different number in every cell, so a shifted cell cannot pass.
"""

from __future__ import annotations

import random

import pytest

from farm.report_synth import build_document, random_spec
from pipeline.parser import parse_document, parse_text

FORMATS = [("2021", "2021"), ("2019", "2019"), ("2021", "2019"), ("2019", "2021")]


def _cells(result: dict) -> dict:
    return {(c["table"], c["row"], c["col"]): c["raw"].strip() for c in result["cells"] if c["certain"]}


def _spec(seed: int, fmt: tuple[str, str], distinct: bool = True):
    return random_spec(random.Random(seed), distinct=distinct, format_a=fmt[0], format_b=fmt[1])


@pytest.mark.parametrize("fmt", FORMATS, ids="/".join)
@pytest.mark.parametrize("seed", range(5))
def test_block_document_gives_every_cell(fmt, seed):
    spec = _spec(seed, fmt)
    result = parse_document(build_document(spec))
    assert _cells(result) == {k: spec.value(*k) for k in spec.keys()}


@pytest.mark.parametrize("fmt", FORMATS, ids="/".join)
def test_text_form_parses_like_the_blocks(fmt):
    doc = build_document(_spec(11, fmt))
    assert _cells(parse_text(doc.text())) == _cells(parse_document(doc))


@pytest.mark.parametrize("fmt", FORMATS, ids="/".join)
def test_format_version_per_table(fmt):
    result = parse_document(build_document(_spec(3, fmt)))
    assert (result["format_version"]["A"], result["format_version"]["B"]) == fmt


def test_consistent_report_passes_hard_rules():
    result = parse_document(build_document(_spec(5, ("2021", "2021"), distinct=False)))
    assert {c["rule"]: c["status"] for c in result["checks"] if not c["soft"]} == {
        "1": "pass", "2": "pass", "3": "pass", "4": "pass", "5": "pass"}


def test_cells_trace_back_to_their_table_position():
    doc = build_document(_spec(7, ("2021", "2021")))
    result = parse_document(doc)
    cell = next(c for c in result["cells"] if (c["table"], c["row"], c["col"]) == ("B", "granted", "research"))
    block = doc.blocks[cell["source"]["block"]]
    span = next(s for s in block.spans if (s.row, s.col) == (cell["source"]["row"], cell["source"]["col"]))
    assert span.text == cell["raw"]


def test_low_ocr_confidence_withholds_the_value():
    from pipeline.blocks import Span, Table

    doc = build_document(_spec(9, ("2021", "2021")))
    cell = next(c for c in parse_document(doc)["cells"] if (c["table"], c["row"], c["col"]) == ("C", "review", "total"))
    loc = cell["source"]
    table = doc.blocks[loc["block"]]
    table.spans = [Span(s.row, s.col, s.rowspan, s.colspan, s.text, 0.42 if (s.row, s.col) == (loc["row"], loc["col"])
                        else 0.99) for s in table.spans]
    again = next(c for c in parse_document(doc)["cells"] if (c["table"], c["row"], c["col"]) == ("C", "review", "total"))
    assert (again["certain"], again["value"], again["note"].startswith("OCR confidence 0.42")) == (False, None, True)


def _with_cell(spec_seed: int, key: tuple, text: str, confidence: float) -> dict:
    """The parsed cell `key` after its span is replaced by what OCR gave (`text`, `confidence`)."""
    from pipeline.blocks import Span

    doc = build_document(_spec(spec_seed, ("2021", "2021")))
    loc = next(c for c in parse_document(doc)["cells"] if (c["table"], c["row"], c["col"]) == key)["source"]
    table = doc.blocks[loc["block"]]
    table.spans = [Span(s.row, s.col, s.rowspan, s.colspan, text if (s.row, s.col) == (loc["row"], loc["col"])
                        else s.text, confidence if (s.row, s.col) == (loc["row"], loc["col"]) else 0.99)
                   for s in table.spans]
    return next(c for c in parse_document(doc)["cells"] if (c["table"], c["row"], c["col"]) == key)


def test_an_ocr_blank_with_ink_that_read_as_nothing_is_not_a_certain_blank():
    cell = _with_cell(9, ("C", "review", "total"), "", 0.0)
    assert (cell["semantic"], cell["certain"], cell["note"]) == ("EMPTY", False,
                                                                 "OCR: the cell has ink that reads as nothing")


def test_an_ocr_blank_without_ink_is_a_certain_blank():
    cell = _with_cell(9, ("C", "review", "total"), "", 1.0)
    assert (cell["semantic"], cell["certain"]) == ("EMPTY", True)


def test_confident_ocr_cells_are_taken():
    from pipeline.blocks import Span

    doc = build_document(_spec(9, ("2021", "2021")))
    for block in doc.tables():
        block.spans = [Span(s.row, s.col, s.rowspan, s.colspan, s.text, 0.97) for s in block.spans]
    assert all(c["certain"] for c in parse_document(doc)["cells"])
