"""Turn a report — plain text or a block Document — into one stream of rows of cells.

Real exports lay tables out in many ways: tab-separated rows (Word → text),
one cell per line behind a tab (seeds 000/003/004), ` | `-separated rows or one
cell per line ending in `|` (portal text), space-separated numbers (PDF text
layers), cells on their own lines (021), and real tables with merges (HTML,
DOCX, PDF). All of them become the same thing here: rows of cells, each cell
remembering where it was printed, so the table parsers never care which it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .blocks import Document, Paragraph, Table
from .values import is_value_like, norm

# Artefacts of Word text exports: "[bookmark: _GoBack]", "[image: C:\...png]".
_EXPORT_ARTEFACT = re.compile(r"\[(?:bookmark|image):[^\]\n]*\]")
_SECTION_HEADING = re.compile(r"^[一二三四五六七八九十]{1,2}[、.．]\S{4,}")


@dataclass
class Cell:
    text: str
    # True when the source marked this as a table cell (so an empty one is a real blank cell).
    explicit: bool
    loc: dict = field(default_factory=dict)
    # OCR's confidence in the text (None when the text is exact, as in every format but scans).
    confidence: float | None = None


@dataclass
class Row:
    cells: list[Cell]
    is_table: bool

    @property
    def text(self) -> str:
        return "\t".join(c.text for c in self.cells)


def _split_pipes(line: str) -> list[str]:
    parts = line.split("|")
    stripped = line.strip()
    if stripped.startswith("|"):
        parts = parts[1:]
    if stripped.endswith("|") and parts:
        parts = parts[:-1]
    return [p.strip() for p in parts]


def _plain_line_row(line: str, lineno: int) -> Row:
    """A line with no cell separators: a paragraph, or a row of space-separated values from a PDF text layer."""
    text = line.strip()
    parts = text.split()
    if len(parts) >= 2 and len(text) <= 120:
        n_values = 0
        for part in reversed(parts):
            if not is_value_like(part):
                break
            n_values += 1
        if n_values == len(parts) or (n_values >= 1 and len(parts) - n_values <= 3):
            label = " ".join(parts[: len(parts) - n_values])
            cells = [Cell(label, False, {"line": lineno})] if label else []
            cells += [Cell(p, True, {"line": lineno, "col": i}) for i, p in enumerate(parts[len(parts) - n_values :])]
            return Row(cells, True)
    return Row([Cell(text, False, {"line": lineno})], False)


def rows_from_text(text: str, first_line: int = 1) -> list[Row]:
    text = _EXPORT_ARTEFACT.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = text.split("\n")
    rows: list[Row] = []
    # State for the "one cell per line behind a tab" layout.
    cell_row: Row | None = None
    blank_run = 0

    def open_cell(content: str, lineno: int) -> None:
        nonlocal cell_row
        if cell_row is None or blank_run:
            cell_row = Row([], True)
            rows.append(cell_row)
        # Rows of this layout list every cell, blank ones included, so the position is the column.
        cell_row.cells.append(Cell(content, True, {"line": lineno, "col": len(cell_row.cells)}))

    for offset, line in enumerate(lines):
        lineno = first_line + offset
        if not line.strip("\t \u3000\u00a0") and not line.startswith("\t"):
            blank_run += 1 if cell_row is not None else 0
            continue
        body = line.lstrip("\t")
        # One leading tab and no other: a cell of the one-cell-per-line layout. Any other tab: a row of cells,
        # trailing empty cells included ("行政处罚\t\t\t" is a row whose value cells are blank).
        cell_line = line.startswith("\t") and line.count("\t") == 1
        if "|" in line and not line.startswith("\t"):
            cell_row = None
            rows.append(Row([Cell(p, True, {"line": lineno, "col": i}) for i, p in enumerate(_split_pipes(line))], True))
        elif "\t" in line and not cell_line:
            cell_row = None
            parts = line.split("\t")
            rows.append(Row([Cell(p.strip(), True, {"line": lineno, "col": i}) for i, p in enumerate(parts)], True))
        elif line.startswith("\t"):
            open_cell(body.strip(), lineno)
        elif cell_row is not None and cell_row.cells and _continues_cell(cell_row, body, blank_run):
            last = cell_row.cells[-1]
            last.text = (last.text + "\n" + body.strip()).strip()
        else:
            cell_row = None
            rows.append(_plain_line_row(line, lineno))
        blank_run = 0
    return [r for r in rows if r.cells]


def _continues_cell(row: Row, line: str, blank_run: int) -> bool:
    """Is a line without a leading tab the continuation of the cell above it?

    Right after a cell line it is (vertical labels "自/然/人", "商业/企业", "\\n0").
    After blank lines only an empty cell can continue (a tall merged label such as
    "三、/本年度办理结果" in seed 003), and never with a section heading.
    """
    stripped = line.strip()
    if _SECTION_HEADING.match(stripped) and len(norm(stripped)) >= 6:
        return False
    if blank_run == 0:
        return len(stripped) <= 60
    return row.cells[-1].text == "" and len(stripped) <= 20


def rows_from_document(doc: Document) -> list[Row]:
    rows: list[Row] = []
    for b_index, block in enumerate(doc.blocks):
        if isinstance(block, Table):
            for r_index, spans in enumerate(block.logical_rows()):
                cells = [
                    Cell(
                        s.text.strip(),
                        True,
                        {"block": b_index, "row": s.row, "col": s.col, **({"page": block.page} if block.page else {})},
                        s.confidence,
                    )
                    for s in spans
                ]
                if cells:
                    rows.append(Row(cells, True))
        elif isinstance(block, Paragraph):
            for row in rows_from_text(block.text):
                for cell in row.cells:
                    line = cell.loc.pop("line", None)
                    cell.loc = {"block": b_index, **({"line": line} if line and line > 1 else {}), **cell.loc}
                    if block.page:
                        cell.loc["page"] = block.page
                rows.append(row)
    return rows
