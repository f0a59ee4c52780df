"""The same reports exported to text in every layout real exports use, with blank cells sprinkled in.

Where the layout keeps blank cells (tab-separated rows, ` | ` rows, one cell per line behind a tab), every
value must come out right and certain. Where blanks vanish (one cell per line, a PDF text layer joined by
spaces) a row with a blank cannot be placed: it may be uncertain, but no certain value may ever be wrong.
"""

from __future__ import annotations

import random

import pytest

from farm.report_synth import build_document, random_spec
from pipeline.blocks import Paragraph
from pipeline.parser import parse_text

LAYOUTS = ["tab", "pipe", "cell_per_tab_line", "cell_per_line", "space_joined"]
KEEPS_BLANKS = {"tab", "pipe", "cell_per_tab_line"}
SPECS = 40


def _grid_rows(table) -> list[list[str]]:
    """Each grid row with a merged cell's text at its top-left position and empty cells elsewhere."""
    rows = []
    for r, row in enumerate(table.grid()):
        rows.append([s.text if s is not None and (s.row, s.col) == (r, c) else "" for c, s in enumerate(row)])
    return rows


def export(doc, layout: str) -> str:
    lines: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            lines.append(block.text)
            continue
        for cells in _grid_rows(block):
            if layout == "tab":
                lines.append("\t".join(cells))
            elif layout == "pipe":
                lines.append("| " + " | ".join(cells) + " |")
            elif layout == "cell_per_tab_line":
                lines += ["\t" + c for c in cells] + [""]
            elif layout == "cell_per_line":
                lines += [c for c in cells if c.strip()]
            elif layout == "space_joined":
                lines.append(" ".join(c for c in cells if c.strip()))
    return "\n".join(lines)


def _case(seed: int):
    rng = random.Random(seed)
    spec = random_spec(rng, distinct=rng.random() < 0.5, format_a=rng.choice(["2019", "2021"]),
                       format_b=rng.choice(["2019", "2021"]))
    for key in list(spec.values):
        if rng.random() < 0.05:
            spec.values[key] = ""
    return spec, build_document(spec)


@pytest.fixture(scope="module")
def results():
    out = {}
    for seed in range(SPECS):
        spec, doc = _case(seed)
        truth = {k: spec.value(*k).strip() for k in spec.keys()}
        for layout in LAYOUTS:
            cells = {(c["table"], c["row"], c["col"]): c for c in parse_text(export(doc, layout))["cells"]}
            out[(seed, layout)] = (truth, cells)
    return out


@pytest.mark.parametrize("layout", LAYOUTS)
def test_no_certain_value_is_wrong(results, layout):
    wrong = [(seed, k, truth[k], cells[k]["raw"]) for (seed, lay), (truth, cells) in results.items() if lay == layout
             for k in truth if k in cells and cells[k]["certain"] and cells[k]["raw"].strip() != truth[k]]
    assert wrong == []


@pytest.mark.parametrize("layout", sorted(KEEPS_BLANKS))
def test_layouts_that_keep_blanks_give_every_cell(results, layout):
    missing = [(seed, k) for (seed, lay), (truth, cells) in results.items() if lay == layout
               for k in truth if k not in cells or not cells[k]["certain"]]
    assert missing == []


@pytest.mark.parametrize("layout", sorted(set(LAYOUTS) - KEEPS_BLANKS))
def test_rows_without_blanks_are_read_even_when_blanks_vanish(results, layout):
    # A Table B row with all seven values printed is placed with certainty even in these layouts.
    unread = []
    for (seed, lay), (truth, cells) in results.items():
        if lay != layout:
            continue
        for row in {k[1] for k in truth if k[0] == "B"}:
            keys = [k for k in truth if k[:2] == ("B", row)]
            if all(truth[k] for k in keys) and not all(k in cells and cells[k]["certain"] for k in keys):
                unread.append((seed, row))
    assert unread == []
