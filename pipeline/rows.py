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
# A page number as text copies of paged documents print it ("— 2 —", "- 2 -", "第 2 页 共 5 页", "2/5", "P. 8"):
# page furniture, never a row of table values. A bare number is not one (it may be a cell of its own).
PAGE_MARK = re.compile(r"^\s*(?:[-—–－]+\s*\d{1,4}\s*[-—–－]+|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
                       r"|共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页|\d{1,4}\s*/\s*\d{1,4}|P\.?\s*\d{1,4})\s*$", re.I)


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
    if len(parts) >= 2 and len(text) <= 120 and not PAGE_MARK.match(text):
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
    prev_line: str | None = None  # the last line with text, stripped
    after_mark = 0  # a page number was just passed inside a table printed one cell per line

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
        if len(line) <= 30 and PAGE_MARK.match(line):
            # Page furniture (the page number and the running header printed after it) neither ends nor joins
            # the cell a table printed one cell per line was in: the row goes on after it.
            rows.append(Row([Cell(line.strip(), False, {"line": lineno})], False))
            after_mark = 1 if cell_row is not None else 0
            continue
        if after_mark and not line.startswith("\t") and "\t" not in line and "|" not in line and len(line.strip()) <= 60:
            rows.append(Row([Cell(line.strip(), False, {"line": lineno})], False))
            after_mark = 0
            continue
        after_mark = 0
        body = line.lstrip("\t")
        # One leading tab and no other: a cell of the one-cell-per-line layout. Any other tab: a row of cells,
        # trailing empty cells included ("行政处罚\t\t\t" is a row whose value cells are blank).
        cell_line = line.startswith("\t") and line.count("\t") == 1
        if "|" in line and not line.startswith("\t"):
            cell_row = None
            n_empty = _empty_cells(line.strip(), prev_line)
            parts = [""] * n_empty if n_empty is not None else _split_pipes(line)
            rows.append(Row([Cell(p, True, {"line": lineno, "col": i}) for i, p in enumerate(parts)], True))
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
        prev_line = line.strip()
    return [r for r in rows if r.cells]


_PIPES_ONLY = re.compile(r"\|+")


def _empty_cells(stripped: str, prev_line: str | None) -> int | None:
    """How many blank cells a line of bare pipes ("|", "|||") stands for, in the layouts that print one cell
    per line: after a cell ended by its own pipe ("0 |") or after another such line, each pipe ends one blank
    cell; after a cell printed without one ("行政规范性文件" then "|"), the first pipe ends that cell.
    None when the line is not of these layouts (a "| a | b |" row is split as usual)."""
    if prev_line is None or not _PIPES_ONLY.fullmatch(stripped):
        return None
    if _PIPES_ONLY.fullmatch(prev_line) or (prev_line.endswith("|") and not prev_line.startswith("|")):
        return len(stripped)
    if "|" not in prev_line:
        return len(stripped) - 1
    return None


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


def furniture_rows(rows: list[Row], title: str | None = None) -> set[int]:
    """Rows that are page furniture in a text copy of a paged document: page numbers ("— 2 —", "第 2 页"), and
    the running header printed beside them (a line repeated next to page numbers, or the title printed again)."""
    marks = {i for i, r in enumerate(rows) if not r.is_table and len(r.cells) == 1 and PAGE_MARK.match(r.cells[0].text)}
    if not marks and not title:
        return marks
    near: dict[str, list[int]] = {}
    title_n = norm(title) if title else None
    out = set(marks)
    seen_title = False
    for i, r in enumerate(rows):
        if r.is_table or len(r.cells) != 1:
            continue
        n = norm(r.cells[0].text)
        if len(n) < 4 or len(n) > 60 or is_value_like(r.cells[0].text):
            continue  # a value repeated beside page numbers is no running header
        if title_n and n == title_n:
            if seen_title:
                out.add(i)
            seen_title = True
        elif (i - 1 in marks or i + 1 in marks) and i not in marks:
            near.setdefault(n, []).append(i)
    for indices in near.values():
        if len(indices) >= 2:
            out.update(indices)
    return out
