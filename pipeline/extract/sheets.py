"""XLSX / XLS: every sheet as one grid with its merged ranges, cut into tables at blank rows.

A segment whose rows each hold a single cell (a title, a heading) becomes paragraphs.
"""

from __future__ import annotations

import io
import zipfile

from ..blocks import Document, Paragraph, Span, Table
from .errors import ExtractionError
from .limits import Limits
from .sniff import check_zip


def _fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def grid_to_blocks(cells: dict[tuple[int, int], str], merges: list[tuple[int, int, int, int]]) -> list:
    """`cells` (row, col) -> text (0-based); `merges` (row0, col0, row1, col1) inclusive. Blocks in sheet order."""
    covered: dict[tuple[int, int], tuple[int, int]] = {}
    extent: dict[tuple[int, int], tuple[int, int]] = {}
    for r0, c0, r1, c1 in merges:
        extent[r0, c0] = (r1 - r0 + 1, c1 - c0 + 1)
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    covered[r, c] = (r0, c0)
    rows_used = {r for (r, _), t in cells.items() if t} | {r for r0, _, r1, _ in merges for r in range(r0, r1 + 1)}
    if not rows_used:
        return []
    # A row is blank when nothing is written in it and no merge covers it.
    segments: list[list[int]] = []
    for r in range(min(rows_used), max(rows_used) + 1):
        if r in rows_used:
            if segments and segments[-1][-1] == r - 1:
                segments[-1].append(r)
            else:
                segments.append([r])
    blocks: list = []
    for seg in segments:
        top = seg[0]
        written = [(r, c) for (r, c), t in cells.items() if r in seg and t]
        written += [(r, c) for (r, c) in extent if r in seg]
        if not written:
            continue
        c_lo = min(c for _, c in written)
        c_hi = max(c + extent.get((r, c), (1, 1))[1] - 1 for r, c in written)
        spans = []
        for r in seg:
            for c in range(c_lo, c_hi + 1):
                if (r, c) in covered:
                    continue
                rs, cs = extent.get((r, c), (1, 1))
                spans.append(Span(r - top, c, rs, cs, cells.get((r, c), "")))
        if not spans:
            continue
        by_row: dict[int, list[Span]] = {}
        for s in spans:
            by_row.setdefault(s.row, []).append(s)
        if c_lo == c_hi or all(len([s for s in row if s.text]) <= 1 for row in by_row.values()) and len(written) == len(seg):
            blocks.extend(Paragraph(s.text) for s in sorted(spans, key=lambda s: s.row) if s.text)
            continue
        c_min = min(s.col for s in spans)
        blocks.append(Table([Span(s.row, s.col - c_min, s.rowspan, s.colspan, s.text) for s in spans]))
    return blocks


def extract_xlsx(data: bytes, limits: Limits) -> Document:
    import openpyxl

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        check_zip(zf, limits, "XLSX")
        for info in zf.infolist():
            if info.filename.endswith(".xml") or info.filename.endswith(".rels"):
                with zf.open(info) as fh:
                    head = fh.read(4000)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise ExtractionError("XLSX declares XML entities (a DOCTYPE): refused")
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except ExtractionError:
        raise
    except Exception as exc:
        raise ExtractionError(f"corrupt XLSX: {type(exc).__name__}: {exc}"[:300]) from None
    blocks: list = []
    for ws in wb.worksheets:
        if ws.max_row > limits.max_sheet_rows:
            raise ExtractionError(f"sheet {ws.title!r} has {ws.max_row} rows (limit {limits.max_sheet_rows})")
        cells = {(c.row - 1, c.column - 1): _fmt(c.value) for row in ws.iter_rows() for c in row
                 if c.value is not None and c.__class__.__name__ != "MergedCell"}
        merges = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in ws.merged_cells.ranges]
        blocks.extend(grid_to_blocks(cells, merges))
    if not blocks:
        raise ExtractionError("spreadsheet is empty")
    return Document(blocks, {"warnings": [], "sheets": len(wb.worksheets)})


def extract_xls(data: bytes, limits: Limits) -> Document:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True)
    except Exception as exc:
        raise ExtractionError(f"corrupt XLS: {type(exc).__name__}: {exc}"[:300]) from None
    blocks: list = []
    for sheet in book.sheets():
        if sheet.nrows > limits.max_sheet_rows:
            raise ExtractionError(f"sheet {sheet.name!r} has {sheet.nrows} rows (limit {limits.max_sheet_rows})")
        cells = {}
        for r in range(sheet.nrows):
            for c in range(sheet.ncols):
                text = _fmt(sheet.cell_value(r, c))
                if text:
                    cells[r, c] = text
        merges = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in sheet.merged_cells]
        blocks.extend(grid_to_blocks(cells, merges))
    if not blocks:
        raise ExtractionError("spreadsheet is empty")
    return Document(blocks, {"warnings": [], "sheets": book.nsheets})
