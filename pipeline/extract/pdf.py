"""PDF: pdfplumber tables with spans rebuilt from the cell boxes, text outside the tables, page numbers.

Characters are assigned to cells and to the text outside tables by their centre point, never by
cropping (pdfplumber's crop clips boxes and pulls the heading under a table into its last row).
A page whose text layer is (nearly) empty and that carries an image goes to OCR; blank pages are
skipped. A table continued on the next page is stitched to the previous part when the column
edges agree, and a vertically merged label cut by the page break is joined again.
"""

from __future__ import annotations

import io
import re
import unicodedata

import numpy as np

from ..blocks import Document, Paragraph, Span, Table
from .errors import ExtractionError
from .limits import Limits

MIN_TEXT_CHARS = 20
_PAGE_NUMBER = re.compile(r"^[-—－–\s]*(第\s*)?\d{1,4}(\s*页)?(\s*/\s*(共\s*)?\d+\s*页?)?[-—－–\s]*$")
# On NFKC text: fonts that print the Kangxi radicals ⼀ ⼆ (U+2F00…) for 一 二, and full-width ．, match too.
_HEADING = re.compile(r"^([一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十]+[)）]|\d+[、.])")


def open_pdf(data: bytes, limits: Limits):
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        n_pages = len(pdf.pages)
    except Exception as exc:
        text = f"{type(exc).__name__} {exc} {exc.args!r} {exc.__context__!r}".lower()
        if "password" in text or "encrypt" in text:
            raise ExtractionError("password-protected PDF") from None
        raise ExtractionError(f"corrupt or truncated PDF: {type(exc).__name__}: {exc}"[:300]) from None
    if n_pages == 0:
        pdf.close()
        raise ExtractionError("PDF has no pages")
    if n_pages > limits.max_pages:
        pdf.close()
        raise ExtractionError(f"PDF has {n_pages} pages (limit {limits.max_pages})")
    return pdf


def _join_lines(lines: list[str]) -> str:
    out = ""
    for line in lines:
        if out and out[-1].isascii() and out[-1].isalpha() and line[:1].isascii() and line[:1].isalpha():
            out += " "
        out += line
    return out


def _lines(chars: list[dict], tol: float = 3.0) -> list[str]:
    """Characters grouped into lines by their vertical position, each line left to right."""
    rows: list[list[dict]] = []
    for ch in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
        if rows and abs(rows[-1][0]["top"] - ch["top"]) <= tol:
            rows[-1].append(ch)
        else:
            rows.append([ch])
    result = []
    for row in rows:
        row.sort(key=lambda c: c["x0"])
        text = ""
        for prev, ch in zip([None] + row[:-1], row):
            if prev is not None and ch["x0"] - prev["x1"] > 0.6 * max(ch.get("size", 10), 1):
                text += " "
            text += ch["text"]
        if text.strip():
            result.append(text.strip())
    return result


def _cluster(values: list[float], tol: float = 2.0) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    return int(np.argmin([abs(e - v) for e in edges]))


def table_from_cells(cells: list[tuple], chars: list[dict], centres: np.ndarray) -> tuple[Table, list[float]]:
    """Spans from cell rectangles: clustered x/y edges give the grid, each box its position and extent."""
    xs = _cluster([c[0] for c in cells] + [c[2] for c in cells])
    ys = _cluster([c[1] for c in cells] + [c[3] for c in cells])
    spans = []
    seen = set()
    for x0, top, x1, bottom in cells:
        col, row = _index(xs, x0), _index(ys, top)
        colspan = max(1, _index(xs, x1) - col)
        rowspan = max(1, _index(ys, bottom) - row)
        if (row, col) in seen:
            continue
        seen.add((row, col))
        if len(centres):
            inside = ((centres[:, 0] >= x0) & (centres[:, 0] < x1) & (centres[:, 1] >= top) & (centres[:, 1] < bottom))
            cell_chars = [chars[i] for i in np.nonzero(inside)[0]]
        else:
            cell_chars = []
        spans.append(Span(row, col, rowspan, colspan, _join_lines(_lines(cell_chars))))
    return Table(spans), xs


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _is_number(text: str) -> bool:
    return bool(re.fullmatch(r"[\d.,+\-\s]*", text))


_ROW_LABEL_START = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．])")


def _row_cut_by_the_page(last: list[Span], first: list[Span]) -> bool:
    """Is the next page's first row the rest of the previous page's last row (one row broken by the page)?

    Both print the same cells; either the values are all on the next page (the label, or its first part, on
    this one), or they are all on this page and the next page holds only the end of the label.
    """
    if not last or not first or [(s.col, s.colspan) for s in last] != [(s.col, s.colspan) for s in first]:
        return False
    if any(s.rowspan != 1 for s in last + first) or len(last) < 2:
        return False
    last_values, first_values = [s.text.strip() for s in last[1:]], [s.text.strip() for s in first[1:]]
    if not any(last_values) and any(first_values) and all(_is_number(v) for v in first_values):
        # The label (or its first part) on this page, the values on the next, under the label's end or nothing.
        label, rest = last[0].text.strip(), first[0].text.strip()
        return bool(label) and "第二十条" not in label and (
            not rest or (len(rest) <= 10 and not _ROW_LABEL_START.match(rest)))
    if any(last_values) and not any(first_values) and first[0].text.strip():
        return not _ROW_LABEL_START.match(first[0].text)
    return False


def stitch(prev: Table, nxt: Table) -> Table:
    """Append `nxt` (the next page's first table) to `prev`, rejoining vertical merges cut by the page break
    and a row broken by it."""
    offset = prev.n_rows
    last = sorted((s for s in prev.spans if s.row == offset - 1), key=lambda s: s.col)
    first = sorted((s for s in nxt.spans if s.row == 0), key=lambda s: s.col)
    if _row_cut_by_the_page(last, first):
        joined = {s.col: Span(s.row, s.col, 1, s.colspan, (s.text + f.text).strip(), s.confidence)
                  for s, f in zip(last, first)}
        prev = Table([joined.get(s.col, s) if s.row == offset - 1 else s for s in prev.spans], prev.page)
        rest = [Span(s.row - 1, s.col, s.rowspan, s.colspan, s.text, s.confidence) for s in nxt.spans if s.row > 0]
        spans = list(prev.spans) + [Span(s.row + prev.n_rows, s.col, s.rowspan, s.colspan, s.text, s.confidence)
                                    for s in rest]
        return Table(spans, prev.page)
    last_row = {s.col: s for s in prev.spans if s.row + s.rowspan == offset}
    spans = list(prev.spans)
    for s in sorted(nxt.spans, key=lambda s: (s.row, s.col)):
        above = last_row.get(s.col)
        if (s.row == 0 and above is not None and above.colspan == s.colspan and (not s.text or not above.text)
                and (max(above.rowspan, s.rowspan) > 1 or not _is_number(above.text + s.text))):
            spans.remove(above)
            merged = Span(above.row, above.col, above.rowspan + s.rowspan, above.colspan, above.text or s.text)
            spans.append(merged)
            continue
        spans.append(Span(s.row + offset, s.col, s.rowspan, s.colspan, s.text))
    return Table(spans, prev.page)


def _paragraphs(lines: list[dict], page_no: int, left: float, right: float) -> list[tuple[float, Paragraph]]:
    """Text lines joined into paragraphs: a new one at an indent, a heading, or after a short line."""
    out: list[tuple[float, Paragraph]] = []
    prev = None
    for line in lines:
        text = line["text"].strip()
        if not text:
            continue
        size = max((c.get("size", 10) for c in line.get("chars", [])[:3]), default=10)
        starts_new = (prev is None or line["x0"] > left + 1.2 * size
                      or _HEADING.match(unicodedata.normalize("NFKC", text))
                      or prev["x1"] < right - 2.5 * size or line["top"] - prev["bottom"] > 1.2 * size)
        if starts_new:
            out.append((line["top"], Paragraph(text, page_no)))
        else:
            top, para = out[-1]
            out[-1] = (top, Paragraph(_join_lines([para.text, text]), page_no))
        prev = line
    return out


def _boxed_lines(page, lines: list[dict]) -> list[tuple[dict, tuple[float, float, float, float]]]:
    """Text lines enclosed by ruling lines on four sides: one-cell tables, which pdfplumber drops.

    The first row of a table that breaks right after it (e.g. 第二十条第（一）项 at the foot of a page)
    is such a table; without this it would read as a paragraph.
    """
    hs = [e for e in page.horizontal_edges]
    vs = [e for e in page.vertical_edges]
    out = []
    for line in lines:
        x0, top, x1, bottom = line["x0"], line["top"], line["x1"], line["bottom"]
        above = [e["top"] for e in hs if top - 20 < e["top"] <= top + 2 and e["x0"] <= x0 and e["x1"] >= x1]
        below = [e["top"] for e in hs if bottom - 2 <= e["top"] < bottom + 20 and e["x0"] <= x0 and e["x1"] >= x1]
        left = [e["x0"] for e in vs if e["x0"] <= x0 and e["top"] <= top + 2 and e["bottom"] >= bottom - 2]
        right = [e["x0"] for e in vs if e["x0"] >= x1 and e["top"] <= top + 2 and e["bottom"] >= bottom - 2]
        if above and below and left and right:
            out.append((line, (max(left), max(above), min(right), min(below))))
    return out


# ---- tables drawn without ruling lines ---------------------------------------------------------------------
# pdfplumber finds tables by their lines; a table printed without them comes out as text lines whose cells are
# separated by wide gaps. Runs of such lines become a Table whose columns come from the words' positions, so a
# blank cell keeps its column instead of vanishing (and the lines are not glued into one paragraph).
_VALUE = re.compile(r"^[+\-−－]?\d[\d,.]*(?:万元|元|件|个|%)?$|^[/／—\-－–]+$")


def _segments(line: dict) -> list[tuple[float, float, str]]:
    """A line's words as printed: characters split where the gap is wider than one and a half characters."""
    chars = sorted(line.get("chars", []), key=lambda c: c["x0"])
    out: list[list] = []
    for ch in chars:
        size = max(ch.get("size", 10), 1)
        if out and ch["x0"] - out[-1][1] <= 1.5 * size:
            out[-1][1] = max(out[-1][1], ch["x1"])
            out[-1][2] += ch["text"]
        else:
            out.append([ch["x0"], ch["x1"], ch["text"]])
    return [(x0, x1, text) for x0, x1, text in out if text.strip()]


def _columns(rows: list[list[tuple[float, float, str]]]) -> list[tuple[float, float]] | None:
    """Column extents from the lines that print the most cells; None if those lines disagree."""
    k = max(len(r) for r in rows)
    full = [r for r in rows if len(r) == k]
    cols = [(min(r[j][0] for r in full), max(r[j][1] for r in full)) for j in range(k)]
    if any(cols[j][1] > cols[j + 1][0] for j in range(k - 1)):
        return None
    return cols


def _position_tables(lines: list[dict], page_no: int) -> list[tuple[list[dict], Table, list[float]]]:
    """Runs of text lines that are rows of a table without ruling lines: (the lines, the table, column edges)."""
    segs = [_segments(line) for line in lines]
    runs: list[list[int]] = []
    i = 0
    while i < len(lines):
        if len(segs[i]) < 2:
            i += 1
            continue
        run = [i]
        j = i + 1
        while j < len(lines):
            prev = lines[run[-1]]
            height = max(prev["bottom"] - prev["top"], 1)
            if lines[j]["top"] - prev["bottom"] > 2.2 * height:
                break
            if len(segs[j]) >= 2:
                run.append(j)
            elif (len(lines[j]["text"]) <= 25 and not lines[j]["text"].rstrip().endswith("。") and j + 1 < len(lines)
                  and len(segs[j + 1]) >= 2 and lines[j + 1]["top"] - lines[j]["bottom"] <= 2.2 * height):
                run.append(j)  # a caption row inside the table (第二十条第（五）项)
            else:
                break
            j += 1
        multi = [r for r in run if len(segs[r]) >= 2]
        numeric = [r for r in multi if any(_VALUE.match(t.strip()) for _, _, t in segs[r])]
        if len(multi) >= 2 and numeric:
            runs.append(run)
        i = j if j > i + 1 else i + 1
    out = []
    for run in runs:
        cols = _columns([segs[r] for r in run if len(segs[r]) >= 2])
        if cols is None:
            continue
        spans: list[Span] = []
        for r_index, r in enumerate(run):
            taken: dict[int, Span] = {}
            for x0, x1, text in segs[r]:
                hit = [j for j, (c0, c1) in enumerate(cols) if x0 < c1 - 1 and x1 > c0 + 1]
                if not hit:
                    centre = (x0 + x1) / 2
                    hit = [min(range(len(cols)), key=lambda j: abs((cols[j][0] + cols[j][1]) / 2 - centre))]
                first, last = min(hit), max(hit)
                if len(segs[r]) == 1:
                    first, last = 0, len(cols) - 1  # a caption spans the table
                if first in taken:
                    old = taken[first]
                    taken[first] = Span(r_index, first, 1, max(old.colspan, last - first + 1), f"{old.text} {text.strip()}")
                else:
                    taken[first] = Span(r_index, first, 1, last - first + 1, text.strip())
            covered = {c for sp in taken.values() for c in range(sp.col, sp.col + sp.colspan)}
            # A cell left blank keeps its place: an empty span in each column the row does not print.
            spans += list(taken.values()) + [Span(r_index, c, 1, 1, "") for c in range(len(cols)) if c not in covered]
        edges = [c0 for c0, _ in cols] + [cols[-1][1]]
        out.append(([lines[r] for r in run], Table(spans, page_no), edges))
    return out


def _needs_ocr(page, chars: list[dict]) -> bool:
    """No text layer to speak of, or a page-sized image with only a little text on it (a stamp, a header)."""
    if not page.images:
        return False
    if len(chars) < MIN_TEXT_CHARS:
        return True
    area = sum(max(0, im["x1"] - im["x0"]) * max(0, im["bottom"] - im["top"]) for im in page.images)
    return area > 0.5 * page.width * page.height and len(chars) < 200


def _page_items(page, page_no: int, chars: list[dict]) -> list[tuple[float, object]]:
    """Paragraphs and (table, column edges) of a text-layer page, sorted top to bottom."""
    centres = np.array([((c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2) for c in chars])
    in_table = np.zeros(len(chars), dtype=bool)
    tables_here = []
    for found in page.find_tables():
        x0, top, x1, bottom = found.bbox
        in_table |= ((centres[:, 0] >= x0) & (centres[:, 0] <= x1) & (centres[:, 1] >= top) & (centres[:, 1] <= bottom))
        table, xs = table_from_cells(found.cells, chars, centres)
        table.page = page_no
        tables_here.append((top, table, xs))
    outside_ids = {id(chars[i]) for i in np.nonzero(~in_table)[0]}
    text_page = page.filter(lambda obj: obj.get("object_type") != "char" or id(obj) in outside_ids)
    lines = [ln for ln in text_page.extract_text_lines(return_chars=True)
             if not (_PAGE_NUMBER.match(ln["text"])
                     and (ln["top"] > page.height * 0.85 or ln["bottom"] < page.height * 0.1))]
    for line, (bx0, btop, bx1, _) in _boxed_lines(page, lines):
        lines.remove(line)
        tables_here.append((btop, Table([Span(0, 0, 1, 1, line["text"].strip())], page_no), [bx0, bx1]))
    for run, table, edges in _position_tables(lines, page_no):
        for line in run:
            lines.remove(line)
        tables_here.append((run[0]["top"], table, edges))
    left = min((ln["x0"] for ln in lines), default=0)
    right = max((ln["x1"] for ln in lines), default=page.width)
    items: list[tuple[float, object]] = list(_paragraphs(lines, page_no, left, right))
    items.extend((top, (table, xs)) for top, table, xs in tables_here)
    items.sort(key=lambda it: it[0])
    return items


def extract_pdf(data: bytes, limits: Limits, ocr_page=None) -> Document:
    """`ocr_page(pdf_bytes, page_index) -> list[block]` reads pages without a text layer."""
    pdf = open_pdf(data, limits)
    blocks: list = []
    warnings: list[str] = []
    ocr_pages: list[int] = []
    last_edges: list[float] | None = None  # column edges of the table that ended the previous page
    running: set[str] = set()  # the first lines of earlier pages: a line repeated atop a page is a running header
    try:
        n_pages = len(pdf.pages)
        for index, page in enumerate(pdf.pages):
            page_no = index + 1
            try:
                chars = [c for c in page.chars if c["text"].strip()]
            except Exception as exc:
                raise ExtractionError(f"corrupt PDF page {page_no}: {exc}"[:300]) from None
            if _needs_ocr(page, chars):
                if ocr_page is None:
                    raise ExtractionError("scanned PDF page and no OCR available")
                if len(ocr_pages) >= limits.max_ocr_pages:
                    raise ExtractionError(f"more than {limits.max_ocr_pages} scanned pages to OCR")
                ocr_pages.append(page_no)
                blocks.extend(ocr_page(data, index))
                last_edges = None
                continue
            if not chars:
                continue  # blank page
            items = _page_items(page, page_no, chars)
            # A running header (the same line atop every page) is page furniture: it does not stop a table
            # continued from the previous page from being stitched to it.
            lead = 0
            while lead < min(2, len(items)) and isinstance(items[lead][1], Paragraph) \
                    and _squeeze(items[lead][1].text) in running:
                lead += 1
            tops = [_squeeze(it.text) for _, it in items[:2] if isinstance(it, Paragraph)]
            for pos, (_, item) in enumerate(items):
                if isinstance(item, Paragraph):
                    if pos < lead and last_edges is not None and lead < len(items) \
                            and not isinstance(items[lead][1], Paragraph):
                        continue  # the running header between two parts of one table
                    blocks.append(item)
                    last_edges = None
                    continue
                table, xs = item
                # A table at the top of a page with the same column edges continues the last one.
                if pos == lead and last_edges is not None and len(xs) == len(last_edges) \
                        and all(abs(a - b) < 3 for a, b in zip(xs, last_edges)):
                    blocks[-1] = stitch(blocks[-1], table)
                else:
                    blocks.append(table)
                last_edges = xs
            running.update(t for t in tops if t)
    finally:
        pdf.close()
    if not blocks:
        raise ExtractionError(f"PDF has no text and no scanned pages ({n_pages} blank pages)")
    if ocr_pages:
        warnings.append(f"pages read by OCR: {', '.join(map(str, ocr_pages))}")
    meta = {"pages": n_pages, "warnings": warnings, "ocr": bool(ocr_pages)}
    if ocr_pages:
        meta["ocr_pages"] = ocr_pages
    return Document(blocks, meta)
