"""Find the three statistical tables in a row stream and read their cells.

The tables are read by their printed labels, not by position on a page: every
row label of the official formats is distinctive, so the values that follow a
label belong to it, however the export laid the cells out. Placeholder cells
left by merges are recognised because they are empty; when the placement of a
row's values is not unique, the row is reported as uncertain instead of guessed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from . import form
from .rows import Cell, Row
from .values import CellValue, norm, read_cell

MAX_LABEL_LEN = 60
# A table heading line (行政复议 … of Table C) is shorter than any paragraph that merely mentions it.
MAX_HEADING_LEN = 40
# Below this OCR confidence a value is not taken as read: it is reported with certain=false.
MIN_OCR_CONFIDENCE = 0.9


@dataclass
class Token:
    cell: Cell
    row_index: int
    n: str  # normalised text
    value: CellValue | None  # None for text (a label or prose)


@dataclass
class ParsedCell:
    table: str
    row: str
    col: str
    raw: str
    value: float | int | None
    semantic: str
    certain: bool = True
    note: str | None = None
    source: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "table": self.table,
            "row": self.row,
            "col": self.col,
            "raw": self.raw,
            "value": self.value,
            "semantic": self.semantic,
            "certain": self.certain,
            "note": self.note,
            "source": self.source,
        }


@dataclass
class TableResult:
    table: str
    found: bool = False
    format_version: str = "unknown"
    cells: list[ParsedCell] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        return {
            "found": self.found,
            "format_version": self.format_version,
            "cells": len(self.cells),
            "uncertain_cells": sum(not c.certain for c in self.cells),
            "notes": self.notes,
        }


def tokens_from_rows(rows: list[Row], skip: set[int] | None = None) -> list[Token]:
    """The cells of every row as tokens; rows in `skip` (page furniture: a page number, a running header
    between the two halves of a table row broken by a page) are left out."""
    tokens = []
    for i, row in enumerate(rows):
        if skip and i in skip:
            continue
        for cell in row.cells:
            if not cell.explicit and cell.text.strip() == "":
                continue
            cv = read_cell(cell.text)
            tokens.append(Token(cell, i, norm(cell.text), None if cv.semantic == "TEXT" else cv))
    return tokens


_NUMBERING = re.compile(r"^(?:[（(][一二三四五六七八九十\d]{1,2}[)）]|[一二三四五六七八九十]{1,2}[、.．]|\d{1,2}[、.．)）]?)+")


def strip_numbering(n: str) -> str:
    return _NUMBERING.sub("", n)


_PARENTHETICAL = re.compile(r"\([^()]*\)")
_OPEN_PARENTHETICAL = re.compile(r"\([^()]*$")


@lru_cache(maxsize=65536)
def label_core(n: str) -> str:
    """A printed (normalised) row label without its numbering and its explanations in brackets: provincial forms
    print "规范性文件（行政机关制定发布的决定、公告…）", a label cut across lines leaves "规章（设区的市、自治州…"."""
    core = strip_numbering(n)
    if "(" not in core:
        return core
    previous = None
    while previous != core:
        previous, core = core, _PARENTHETICAL.sub("", core)
    return _OPEN_PARENTHETICAL.sub("", core) or strip_numbering(n)


# ---- regions -----------------------------------------------------------------------------------

_B_START = re.compile(r"勾稽关系|申请人情况")
_A_START = re.compile(r"第二十条|^信息内容$")
_SECTION5 = re.compile(r"^(?:[一二三四五六七八九十]{1,2}|\d{1,2})[、.．].{0,20}(?:存在的?主要问题|问题及改进|主要问题和改进)")
_SECTION2 = re.compile(r"^(?:[一二三四五六七八九十]{1,2}|\d{1,2})[、.．].{0,8}主动公开政府信息(?:的)?情况")
_SECTION3 = re.compile(r"^(?:[一二三四五六七八九十]{1,2}|\d{1,2})[、.．].{0,8}收到和处理政府信息公开申请")


def find_regions(tokens: list[Token]) -> dict[str, tuple[int, int]]:
    """Token index ranges [start, end) of tables A, B and C (absent tables are left out)."""
    n = len(tokens)

    def first(pattern: re.Pattern, start: int = 0, stop: int | None = None, short: bool = True) -> int | None:
        for i in range(start, n if stop is None else stop):
            t = tokens[i]
            if t.value is None and (not short or len(t.n) <= 80) and pattern.search(t.n):
                return i
        return None

    b_start = first(_B_START)
    if b_start is None:
        b_start = next((i for i, t in enumerate(tokens) if t.value is None and len(t.n) <= MAX_LABEL_LEN
                        and "本年新收" in t.n), None)
    sec3 = first(_SECTION3)
    if b_start is None and sec3 is not None:
        b_start = sec3
    if b_start is None:
        b_start = b_fragment_start(tokens)
    a_start = first(_A_START, 0, b_start)
    if a_start is None:  # no 第二十条/信息内容 header printed: start at the section heading
        a_start = first(_SECTION2, 0, b_start)
    regions: dict[str, tuple[int, int]] = {}
    end5 = first(_SECTION5, b_start or a_start or 0)
    end = end5 if end5 is not None else n
    if b_start is not None:
        # Table C starts at the first 行政复议 header after the last B row label.
        fwd = next((i for i in range(b_start, end) if tokens[i].value is None and len(tokens[i].n) <= MAX_LABEL_LEN
                    and "结转下年" in tokens[i].n), b_start)
        c_start = next((i for i in range(fwd, end) if tokens[i].value is None and len(tokens[i].n) <= MAX_HEADING_LEN
                        and "行政复议" in tokens[i].n), None)
        regions["B"] = (b_start, c_start if c_start is not None else end)
        if c_start is not None:
            regions["C"] = (c_start, end)
        if a_start is not None:
            regions["A"] = (a_start, sec3 if sec3 is not None and sec3 > a_start and sec3 <= b_start else b_start)
    elif a_start is not None:
        regions["A"] = (a_start, end)
    if "C" not in regions:
        c_start = next((i for i in range(0, end) if tokens[i].value is None and len(tokens[i].n) <= MAX_HEADING_LEN
                        and re.search(r"^行政复议$|^行政复议行政诉讼$", tokens[i].n)), None)
        if c_start is not None and c_start >= (regions.get("B", (0, 0))[1]):
            regions["C"] = (c_start, end)
    return regions


def b_fragment_start(tokens: list[Token]) -> int | None:
    """The first row of Table B printed without the table's header: a label only Table B has, followed by
    its seven values."""
    width = len(form.B_COLS)
    for i, t in enumerate(tokens):
        if t.value is None and len(t.n) <= 40 and not re.search(r"[，。；,;]", t.n) and _B_ANCHOR.search(t.n):
            following = tokens[i + 1 : i + 1 + width]
            if len(following) == width and all(v.value is not None for v in following):
                return i
    return None


# ---- choosing a row's values ------------------------------------------------------------------

def columns_of(tokens: list[Token]) -> tuple | None:
    """The printed column of each token, when the source says (a table's grid, a tab- or pipe-separated line)."""
    cols = tuple(t.cell.loc.get("col") for t in tokens)
    return None if None in cols else cols


def choose_values(values: list[Token], width: int, cut_off: bool = False,
                  expected_columns: tuple | None = None) -> tuple[list[Token] | None, str | None]:
    """Pick the `width` cells of a row from the value tokens that follow its label.

    Extra tokens are allowed only if they are empty (placeholders of merged cells);
    if several placements remain and read differently, the one printed in the columns
    where the table's other rows keep their values (`expected_columns`) is taken, and
    otherwise the row is ambiguous.
    A row where the document itself ends (`cut_off`, a truncated text) is read
    from its first cell on, as far as it goes.
    Returns (tokens, None) or (None, reason).
    """
    if len(values) == width:
        return values, None
    if cut_off:
        return values[:width], None
    if len(values) < width:
        return None, f"only {len(values)} of {width} cells found"
    candidates = []
    for start in range(len(values) - width + 1):
        outside = values[:start] + values[start + width :]
        if all(t.value.semantic == "EMPTY" for t in outside):
            window = values[start : start + width]
            key = tuple((t.value.semantic, t.n) for t in window)
            if key not in {c[0] for c in candidates}:
                candidates.append((key, window))
    if len(candidates) == 1:
        return candidates[0][1], None
    if not candidates:
        return None, f"{sum(t.value.semantic != 'EMPTY' for t in values)} filled cells for {width} columns"
    if expected_columns is not None:
        aligned = [window for _, window in candidates if columns_of(window) == expected_columns]
        if len(aligned) == 1:
            return aligned[0], None
    return None, "blank cells make the column positions ambiguous"


def _cell(table: str, row: str, col: str, tok: Token | None, certain: bool = True, note: str | None = None) -> ParsedCell:
    if tok is None:
        return ParsedCell(table, row, col, "", None, "EMPTY", False, note)
    cv = tok.value
    conf = tok.cell.confidence
    if certain and conf is not None and conf < MIN_OCR_CONFIDENCE:
        # an OCR blank with low confidence had ink in it that read as nothing: not known to be empty
        certain, note = False, (f"OCR confidence {conf:.2f}" if cv.semantic != "EMPTY"
                                else "OCR: the cell has ink that reads as nothing")
    value = cv.value if certain else None
    if not certain and cv.value is not None:
        note = f"{note}; read as {cv.value}" if note else f"read as {cv.value}"
    source = dict(tok.cell.loc)
    if conf is not None:
        source["ocr_confidence"] = round(conf, 3)
    return ParsedCell(table, row, col, tok.cell.text, value, cv.semantic, certain, note, source)


def _validate_number(cell: ParsedCell, cv: CellValue, signed: bool = False, money: bool = False) -> ParsedCell:
    """Judge signs and units against what the column may hold; doubtful readings lose their value."""
    if not cell.certain or not cv.is_number:
        return cell
    if cv.sign and not signed:
        cell.certain, cell.note = False, f"signed value {cell.raw.strip()} in a count column (columns may be shifted)"
        cell.value = None
    elif cv.unit in ("万元", "元") and not money:
        cell.certain, cell.note, cell.value = False, f"money unit in a count column: {cell.raw.strip()}", None
    elif money and cv.unit == "元":
        cell.value = round(cv.value / 10000, 6)
        cell.note = "converted from 元 to 万元"
    elif money and cv.unit is None and cell.col == "procurement_amount":
        cell.note = "unit not printed in the cell"
    return cell


def _ends_early(label: Token | None, values: list[Token], width: int, expected_columns: tuple | None) -> bool:
    """Is this a row printed on one line with its cell positions kept (tab- or |-separated), whose values stand
    in its first columns and which simply ends before the last ones ("规章 | 0 | 0" in a three-column table)?
    Its missing cells are then blank — the only reading the printed positions allow."""
    if label is None or not values or len(values) >= width:
        return False
    line = label.cell.loc.get("line")
    if line is None or label.cell.loc.get("col") is None or any(t.cell.loc.get("line") != line for t in values):
        return False
    cols = columns_of(values)
    if cols is None:
        return False
    first = expected_columns[0] if expected_columns else label.cell.loc["col"] + 1
    return cols == tuple(range(first, first + len(values)))


def place_row(result: TableResult, keys: list[tuple[str, str]], values: list[Token], cut_off: bool = False,
              expected_columns: tuple | None = None, label: Token | None = None,
              label_note: str | None = None) -> None:
    """Turn the value tokens that follow a row's label into the cells `keys` (row, col) of `result`.

    Placed values are validated for their column; if the placement is not unique every cell is
    reported uncertain with the reason, its best reading kept in the note. `label_note` (how the
    label was printed, where it differs from the form's) is added to every cell's note.
    """
    ends_early = not cut_off and _ends_early(label, values, len(keys), expected_columns)
    if ends_early:
        chosen, reason = values, None
    else:
        chosen, reason = choose_values(values, len(keys), cut_off, expected_columns)
    for i, (row, col) in enumerate(keys):
        if chosen is None:
            tok = values[i] if i < len(values) else None
            cell = _cell(result.table, row, col, tok, False, reason)
        elif i < len(chosen):
            money = result.table == "A" and col in ("amount", "procurement_amount")
            signed = result.table == "A" and col == "change"
            cell = _validate_number(_cell(result.table, row, col, chosen[i]), chosen[i].value, signed, money)
        elif ends_early:
            cell = ParsedCell(result.table, row, col, "", None, "EMPTY", True,
                              "not printed: the row ends before this column", dict(values[-1].cell.loc, col=None))
        else:
            continue
        if label_note:
            cell.note = f"{cell.note}; {label_note}" if cell.note else label_note
        result.cells.append(cell)
    if chosen is None:
        result.notes.append(f"{keys[0][0]}: {reason}")


# ---- Table A ----------------------------------------------------------------------------------

_A_ROWS = {
    "regulations": re.compile(r"^规章"),
    "normative_documents": re.compile(r"^(?:行政)?规范性?文件"),
    "licensing": re.compile(r"^行政许可"),
    "other_services": re.compile(r"^其他对外管理服?务事项"),
    "penalty": re.compile(r"^行政处罚"),
    "coercion": re.compile(r"^行政强制"),
    "fees": re.compile(r"^行政事业性?收费"),
    "procurement": re.compile(r"^政府集中采购"),
}
# The form's own wording of each row label (2019 prints 规范性文件): a label printed otherwise gets a note.
_A_CANONICAL = {norm(label) for label in form.A_ROW_LABELS.values()} | {"规范性文件"}
_A_2019_WORDS = re.compile(r"本年新制作|本年新公开|对外公开总数|上一年项目|本年增/?减|采购项目|采购总金额|其他对外管理服务|政府集中采购|^本年新$")
_A_2021_WORDS = re.compile(r"本年制发|本年废止|本年度止|现行有效|本年收费金额")


def _collect(tokens: list[Token], match, labels: dict[str, Token] | None = None) -> dict[str, list[Token]]:
    """Values after each matched label, up to the next text token (once the row has values).

    A label is judged by its core (label_core: explanations in brackets left out), and a label split over two
    lines or cells ("行政规范" / "性文件") is matched joined. `labels` receives each row's label token.
    """
    collected: dict[str, list[Token]] = {}
    current: str | None = None
    skip = -1
    for idx, tok in enumerate(tokens):
        if idx == skip:
            continue
        if tok.value is not None:
            if current is not None:
                collected[current].append(tok)
            continue
        key = match(tok) if len(label_core(tok.n)) <= MAX_LABEL_LEN else None
        label = tok
        if key is None and idx + 1 < len(tokens) and len(tok.n) <= 30 and not re.search(r"[。；:：]$", tok.n):
            nxt = tokens[idx + 1]
            if nxt.value is None and len(nxt.n) <= 40 and match(nxt, False) is None:
                label = Token(tok.cell, tok.row_index, tok.n + nxt.n, None)
                key = match(label) if match(label, False) is not None else None
                if key is not None:
                    skip = idx + 1
                    label = Token(Cell(tok.cell.text.strip() + "\n" + nxt.cell.text.strip(), tok.cell.explicit,
                                       tok.cell.loc, tok.cell.confidence), tok.row_index, label.n, None)
        if key is not None:
            current = key
            collected[key] = []
            if labels is not None:
                labels[key] = label
        elif current is not None and any(t.value.semantic != "EMPTY" for t in collected[current]):
            current = None
    return collected


def _label_note(label: Token | None, canonical: set[str]) -> str | None:
    """'label printed as “…”' where the printed label is not the form's own wording (explanations added in
    brackets, typos, a label split over lines): the reader can check what was matched to the row."""
    if label is None:
        return None
    return _printed_label_note(label.n, label.cell.text.strip(), canonical is _A_CANONICAL)


@lru_cache(maxsize=4096)
def _printed_label_note(n: str, text: str, table_a: bool) -> str | None:
    canonical = _A_CANONICAL if table_a else _B_CANONICAL
    printed = strip_numbering(n)
    core = label_core(n)
    if "\n" not in text and (any(printed.endswith(c) for c in canonical)
                             or (printed == core and any(core.endswith(c) for c in canonical))):
        return None
    return f"label printed as “{' / '.join(part.strip() for part in text.splitlines())}”"


def usual_columns(rows: list[tuple[list[Token], int]], quorum: int = 3) -> tuple | None:
    """The printed columns most unambiguous rows keep their values in, as (first column, ...) — or None
    when the source gives no columns or fewer than `quorum` rows agree. `rows`: (value tokens, width)."""
    seen: Counter = Counter()
    for values, width in rows:
        chosen, _ = choose_values(values, width)
        cols = columns_of(chosen) if chosen else None
        if cols is not None and cols == tuple(range(cols[0], cols[0] + len(cols))):
            seen[cols[0]] += 1
    if not seen:
        return None
    first, n = seen.most_common(1)[0]
    return first if n >= quorum else None


def _expected(first: int | None, width: int) -> tuple | None:
    return tuple(range(first, first + width)) if first is not None else None


def parse_table_a(tokens: list[Token], ends_document: bool = False) -> TableResult:
    result = TableResult("A")
    if not tokens:
        return result
    seen: set[str] = set()

    def match(tok: Token, commit: bool = True) -> str | None:
        label = label_core(tok.n)
        for key, pattern in _A_ROWS.items():
            if key not in seen and pattern.search(label):
                if commit:
                    seen.add(key)
                return key
        return None

    labels: dict[str, Token] = {}
    collected = _collect(tokens, match, labels)
    if not collected:
        result.notes.append("no row of table A found")
        return result
    result.found = True
    votes_2019 = sum(1 for t in tokens if t.value is None and _A_2019_WORDS.search(t.n))
    votes_2021 = sum(1 for t in tokens if t.value is None and _A_2021_WORDS.search(t.n))
    if votes_2019 and not votes_2021:
        version = "2019"
    elif votes_2021 and not votes_2019:
        version = "2021"
    else:
        # No (or mixed) header vocabulary: let the row shapes decide.
        fits = {v: sum(len(collected.get(r, [])) == len(cols) for r, cols in form.A_LAYOUT[v].items()) for v in ("2019", "2021")}
        version = max(fits, key=fits.get) if fits["2019"] != fits["2021"] else "unknown"
        result.notes.append(f"format decided from row shapes ({fits})" if version != "unknown" else "format could not be decided")
    result.format_version = version
    if version == "unknown":
        return result
    layout = form.A_LAYOUT[version]
    first = usual_columns([(collected[r], len(cols)) for r, cols in layout.items() if collected.get(r)])
    for row, cols in layout.items():
        if row not in collected:
            result.notes.append(f"row {row} ({form.A_ROW_LABELS[row]}) not found")
            continue
        cut_off = ends_document and bool(collected[row]) and collected[row][-1] is tokens[-1]
        place_row(result, [(row, col) for col in cols], collected[row], cut_off, _expected(first, len(cols)),
                  labels.get(row), _label_note(labels.get(row), _A_CANONICAL))
    return result


# ---- Table B ----------------------------------------------------------------------------------

_B_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("new_received", re.compile(r"本年新收|本年(?:度)?新(?:增|受理)政府信息公开申请")),
    ("carried_over", re.compile(r"上年(?:度)?(?:结转|转结)")),
    ("granted", re.compile(r"(?<!不)予以公开")),
    ("partial_grant", re.compile(r"部分公开")),
    ("denied.state_secret", re.compile(r"国家秘密")),
    ("denied.law_forbidden", re.compile(r"禁止公开|法律行政(?:法规)?止公开|其他法律行政法规")),
    ("denied.safety_stability", re.compile(r"三安全|一稳定")),
    ("denied.third_party", re.compile(r"第三方")),
    ("denied.internal_affairs", re.compile(r"内部事务")),
    ("denied.process_info", re.compile(r"过程性")),
    ("denied.enforcement_case", re.compile(r"执法案卷")),
    ("denied.admin_query", re.compile(r"行政查询")),
    ("unable.no_info", re.compile(r"不掌握")),
    ("unable.need_creation", re.compile(r"现成信息|另行制作")),
    ("unable.unclear", re.compile(r"补正后|仍不明确")),
    ("not_processed.complaint", re.compile(r"信访|举报投诉")),
    ("not_processed.repeat", re.compile(r"重复申请")),
    ("not_processed.publication", re.compile(r"出版物")),
    ("not_processed.massive", re.compile(r"大量反复")),
    ("not_processed.confirm", re.compile(r"重新出具|确认或")),
    ("other", re.compile(r"其他处理")),
    ("other.overdue_correction", re.compile(r"逾期不补正|不补正")),
    ("other.overdue_fee", re.compile(r"收费通知|缴纳费用")),
    ("other.other", re.compile(r"^(?:\d[.、．]?)?其他$")),
    ("total_processed", re.compile(r"^(?:[（(]七[)）])?总计$")),
    ("carried_forward", re.compile(r"结转下年|转结下年")),
]
_B_KEYS = [k for k, _ in _B_PATTERNS]
LOOKAHEAD = 4


# The wording of each row's own label on the form (its last part, and the long official wordings of format.md §4
# that the form shortens), to tell a label printed otherwise.
_B_CANONICAL = {strip_numbering(norm(label.split(" ")[-1])) for label in form.B_ROW_LABELS.values()} | {
    norm(label) for label in ("部分公开（区分处理的，只计这一情形，不计其他情形）",
                              "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                              "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请")}
# Labels that name one row of Table B and nothing else: a row printed without the table's header (a flip-book
# page holding the table's last row, the header on the page before) is placed by such a label alone.
_B_ANCHOR = re.compile(r"本年新收政府信息公开申请|上年结转政府信息公开申请|结转下年度继续办理|本机关不掌握相关政府信息"
                       r"|没有现成信息需要另行制作|补正后申请内容仍不明确|属于三类内部事务信息|属于四类过程性信息"
                       r"|属于行政执法案卷|属于行政查询事项|要求行政机关确认或重新出具|无正当理由大量反复申请")


def parse_table_b(tokens: list[Token], ends_document: bool = False, fragment: bool | None = None) -> TableResult:
    """Table B from its tokens. `fragment`: the tokens are rows of the table without its header (the header is
    on an earlier page, or not in the document at all): the first row is found by its label anywhere in the form.
    None: decided from the tokens (no header words and no 一、本年新收 row)."""
    if fragment is None:
        fragment = bool(tokens) and not any(
            t.value is None and (_B_START.search(t.n) or "本年新收" in t.n or t.n in ("自然人", "总计"))
            for t in tokens[:60])
    result = TableResult("B")
    state = {"i": 0}
    matched_labels: set[str] = set()

    def match(tok: Token, commit: bool = True) -> str | None:
        label = tok.n
        plain = label_core(label)
        bare = strip_numbering(label)
        i = state["i"]
        stop = len(_B_PATTERNS) if fragment and not matched_labels else min(i + LOOKAHEAD, len(_B_PATTERNS))
        hits = [j for j in range(i, stop)
                if _B_PATTERNS[j][1].search(plain if _B_PATTERNS[j][0] in ("other.other", "total_processed") else label)]
        if fragment and not matched_labels and hits and not _B_ANCHOR.search(label):
            hits = []
        if not hits:
            return None
        # A label printed with its group ("（六）其他处理 1.申请人…逾期不补正") names the sub-row: the last hit.
        j = hits[-1]
        key = _B_PATTERNS[j][0]
        if commit:
            state["i"] = j + 1
            matched_labels.add(key)
        return key

    labels: dict[str, Token] = {}
    collected = _collect(tokens, match, labels)
    if not collected:
        result.notes.append("no row of table B found")
        return result
    result.found = True
    if fragment:
        result.notes.append("rows without the table's header: placed by their labels")
    text = "".join(t.n for t in tokens if t.value is None)
    has_2021_rows = any(k in matched_labels for k in form.B_OTHER_2021) or bool(re.search(r"逾期不补正|收费通知", text))
    has_2019_row = bool(collected.get("other")) and any(t.value.semantic != "EMPTY" for t in collected["other"])
    if has_2021_rows and not has_2019_row:
        version = "2021"
    elif has_2019_row and not has_2021_rows:
        version = "2019"
    else:
        version = "unknown"
        result.notes.append("format unknown: the （六）其他处理 rows are not in this fragment" if fragment
                            else "（六）其他处理 rows match neither format")
    result.format_version = version
    rows = form.B_ROWS[version] if version != "unknown" else [k for k in _B_KEYS if k not in ("other", *form.B_OTHER_2021)]
    first = usual_columns([(collected[r], len(form.B_COLS)) for r in rows if collected.get(r)])
    for row in rows:
        values = collected.get(row)
        if not values:
            if not fragment or row in collected:
                result.notes.append(f"row {row} not found" if row not in collected else f"row {row} has no values")
            continue
        cut_off = ends_document and values[-1] is tokens[-1]
        if cut_off and len(values) != len(form.B_COLS):
            result.notes.append(f"row {row}: the text ends inside this row")
        place_row(result, [(row, col) for col in form.B_COLS], values, cut_off, _expected(first, len(form.B_COLS)),
                  labels.get(row), _label_note(labels.get(row), _B_CANONICAL))
    return result


# ---- Table C ----------------------------------------------------------------------------------

def parse_table_c(tokens: list[Token]) -> TableResult:
    """Table C is one data row of 15 cells under a three-level header: take the run of values that carries it."""
    result = TableResult("C")
    runs: list[list[Token]] = []
    current: list[Token] = []
    for tok in tokens:
        if tok.value is not None:
            current.append(tok)
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    width = len(form.C_ROWS) * len(form.C_COLS)
    filled = [r for r in runs if any(t.value.semantic != "EMPTY" for t in r)]
    if filled:
        run = max(filled, key=lambda r: sum(t.value.semantic != "EMPTY" for t in r))
    else:
        long_runs = [r for r in runs if len(r) >= width]
        if not long_runs:
            result.notes.append("no data row of table C found")
            return result
        run = long_runs[-1]
    result.found = True
    place_row(result, [(r, c) for r in form.C_ROWS for c in form.C_COLS], run)
    return result
