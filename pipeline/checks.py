"""The consistency rules of format.md §6 that can be judged on one report.

Blank is not zero: a rule instance is judged only when all its inputs were read
with certainty as numbers; otherwise it is not assessable, and the detail says why.
A rule fails if any of its instances fails, passes if every judged instance passes,
and is not assessable when no instance could be judged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import schema
from .tables import ParsedCell
from .values import norm

PASS, FAIL, NOT_ASSESSABLE = "pass", "fail", "not_assessable"


@dataclass
class Check:
    rule: str
    name: str
    soft: bool
    status: str
    detail: str
    failures: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"rule": self.rule, "name": self.name, "soft": self.soft, "status": self.status, "detail": self.detail}


class Grid:
    """Look-up of parsed cells by (table, row, col)."""

    def __init__(self, cells: list[ParsedCell]):
        self.cells = {(c.table, c.row, c.col): c for c in cells}

    def number(self, table: str, row: str, col: str) -> tuple[float | None, str | None]:
        """(value, None) for a certain number, else (None, why it can't be used)."""
        c = self.cells.get((table, row, col))
        if c is None:
            return None, "missing"
        if not c.certain:
            return None, "uncertain"
        if c.value is None:
            return None, c.semantic.lower()
        return c.value, None


def _aggregate(rule: str, name: str, soft: bool, judged: int, skipped: list[str], failures: list[str], what: str) -> Check:
    if failures:
        status = FAIL
        detail = "; ".join(failures[:12]) + (f" (+{len(failures) - 12} more)" if len(failures) > 12 else "")
    elif judged:
        status = PASS
        detail = f"{judged} {what} hold"
    else:
        status = NOT_ASSESSABLE
        detail = "no input present"
    if skipped:
        detail += f"; not judged: {', '.join(skipped[:8])}" + (" …" if len(skipped) > 8 else "")
    return Check(rule, name, soft, status, detail, failures)


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def _sum_rule(grid: Grid, table: str, terms: list[tuple[str, str]], target: tuple[str, str], where: str):
    vals, missing = [], []
    for row, col in [*terms, target]:
        v, why = grid.number(table, row, col)
        if why:
            missing.append(f"{row}/{col} {why}")
        vals.append(v)
    if missing:
        return None, f"{where} ({missing[0]})"
    total = sum(vals[:-1])
    if abs(total - vals[-1]) > 1e-9:
        return f"{where}: {_fmt(total)} ≠ {_fmt(vals[-1])}", None
    return True, None


def rule_1(grid: Grid, version_b: str) -> Check:
    judged, skipped, failures = 0, [], []
    for col in schema.B_COLS:
        v, why = [], []
        for row in ("new_received", "carried_over", "total_processed", "carried_forward"):
            x, w = grid.number("B", row, col)
            v.append(x)
            if w:
                why.append(f"{row} {w}")
        if why:
            skipped.append(f"{col} ({why[0]})")
            continue
        judged += 1
        if abs(v[0] + v[1] - v[2] - v[3]) > 1e-9:
            failures.append(f"{col}: 一+二 = {_fmt(v[0] + v[1])} but （七）总计+四 = {_fmt(v[2] + v[3])}")
    return _aggregate("1", "b_identity", False, judged, skipped, failures, "columns")


def rule_2(grid: Grid, version_b: str) -> Check:
    if version_b not in ("2019", "2021"):
        return Check("2", "b_result_total", False, NOT_ASSESSABLE, "table B format unknown")
    judged, skipped, failures = 0, [], []
    outcomes = schema.b_outcome_rows(version_b)
    for col in schema.B_COLS:
        ok, why = _sum_rule(grid, "B", [(r, col) for r in outcomes], ("total_processed", col), col)
        if why:
            skipped.append(why)
        elif ok is True:
            judged += 1
        else:
            judged += 1
            failures.append(f"outcome rows sum to （七）总计 in column {ok}")
    return _aggregate("2", "b_result_total", False, judged, skipped, failures, "columns")


def rule_3(grid: Grid, version_b: str) -> Check:
    judged, skipped, failures = 0, [], []
    rows = schema.B_ROWS.get(version_b, schema.B_ROWS["2021"])
    for row in rows:
        if not any(("B", row, c) in grid.cells for c in schema.B_COLS):
            continue
        ok, why = _sum_rule(grid, "B", [(row, c) for c in schema.B_APPLICANT_COLS], (row, "total"), row)
        if why:
            skipped.append(why)
        else:
            judged += 1
            if ok is not True:
                failures.append(f"applicant columns of row {ok}")
    return _aggregate("3", "b_row_total", False, judged, skipped, failures, "rows")


def rule_4(grid: Grid) -> Check:
    judged, skipped, failures = 0, [], []
    for row in schema.C_ROWS:
        ok, why = _sum_rule(grid, "C", [(row, c) for c in schema.C_COLS[:-1]], (row, "total"), row)
        if why:
            skipped.append(why)
        else:
            judged += 1
            if ok is not True:
                failures.append(f"维持+纠正+其他+尚未审结 = 总计 in {ok}")
    return _aggregate("4", "c_group_total", False, judged, skipped, failures, "groups")


def rule_5(cells: list[ParsedCell]) -> Check:
    judged, failures, skipped, na_marks = 0, [], [], 0
    for c in cells:
        where = f"{c.table}/{c.row}/{c.col}"
        if not c.certain:
            skipped.append(f"{where} uncertain")
            continue
        if c.semantic == "EMPTY":
            continue
        if c.semantic == "NA":
            na_marks += 1
            continue
        judged += 1
        if c.semantic == "TEXT":
            failures.append(f"{where} is text: {c.raw.strip()!r}")
            continue
        v = c.value
        if c.table == "A" and c.col == "change":
            if not float(v).is_integer():
                failures.append(f"{where} {c.raw.strip()} is not a whole number")
        elif c.table == "A" and c.col in ("amount", "procurement_amount"):
            if v < 0:
                failures.append(f"{where} {c.raw.strip()} is negative")
        elif v < 0 or not float(v).is_integer():
            failures.append(f"{where} {c.raw.strip()} is not a non-negative whole number")
    check = _aggregate("5", "types_domains", False, judged, skipped, failures, "cells")
    if na_marks:
        check.detail += f"; {na_marks} cells marked not applicable"
    return check


_RULE_9_OK_LEVELS = {"省级", "市级"}


def rule_9(grid: Grid, level: str) -> Check:
    values = []
    for col in ("issued", "repealed", "in_force", "made", "published", "total_published"):
        v, why = grid.number("A", "regulations", col)
        if v is not None:
            values.append((col, v))
    if not values:
        return Check("9", "regulations_by_level", True, NOT_ASSESSABLE, "no 规章 count present")
    nonzero = [f"{col}={_fmt(v)}" for col, v in values if v != 0]
    if not nonzero:
        return Check("9", "regulations_by_level", True, PASS, "no 规章 reported")
    if level == "unknown":
        return Check("9", "regulations_by_level", True, NOT_ASSESSABLE, f"规章 {', '.join(nonzero)} but the organ's level is unknown")
    if level in _RULE_9_OK_LEVELS:
        return Check("9", "regulations_by_level", True, PASS, f"规章 {', '.join(nonzero)} for a {level} organ")
    return Check("9", "regulations_by_level", True, FAIL,
                 f"规章 {', '.join(nonzero)} for a {level} organ: only provincial and 设区的市 governments make 规章")


# Narrative numbers: (what, pattern giving the number, patterns meaning zero, how to read the table)
_N = r"(\d+)\s*(?:件|个|条|宗|份|起)"
NARRATIVE = [
    ("new applications", [rf"(?:收到|受理|新收|接收|接到)[^，。；,;]{{0,20}}?申请[^，。；,;\d]{{0,8}}?{_N}"],
     [r"(?:未收到|没有收到|未接到|没有接到|未受理|无)[^，。；,;]{0,14}?申请", r"申请(?:数量?)?为(?:0|零)"],
     [("B", "new_received", "total")]),
    ("carried over", [rf"上年(?:度)?(?:结转|转结)[^，。；,;\d]{{0,10}}?{_N}"], [], [("B", "carried_over", "total")]),
    ("carried forward", [rf"(?:结转|转结)(?:至)?下(?:一)?年(?:度)?[^，。；,;\d]{{0,10}}?{_N}"], [], [("B", "carried_forward", "total")]),
    ("administrative reviews", [rf"行政复议[^，。；,;\d]{{0,6}}?{_N}"],
     [r"(?:未|没有|无)(?:发生|收到|出现|产生)?[^，。；,;]{0,16}?行政复议"], [("C", "review", "total")]),
    ("lawsuits", [rf"行政诉讼[^，。；,;\d]{{0,6}}?{_N}"],
     [r"(?:未|没有|无)(?:发生|收到|出现|产生)?[^，。；,;]{0,16}?行政诉讼"],
     [("C", "litigation_direct", "total"), ("C", "litigation_after_review", "total")]),
]


def rule_10(grid: Grid, narrative: str) -> Check:
    text = norm(narrative)
    judged, skipped, failures = 0, [], []
    for what, number_patterns, zero_patterns, cells in NARRATIVE:
        said = None
        for p in number_patterns:
            m = re.search(p, text)
            if m:
                said = int(m.group(1))
                break
        if said is None and any(re.search(p, text) for p in zero_patterns):
            said = 0
        if said is None:
            continue
        table_vals = [grid.number(*c) for c in cells]
        whys = [w for _, w in table_vals if w]
        if whys:
            skipped.append(f"{what} (table {whys[0]})")
            continue
        table_total = sum(v for v, _ in table_vals)
        judged += 1
        if table_total != said:
            failures.append(f"text says {said} {what}, table says {_fmt(table_total)}")
    return _aggregate("10", "narrative_vs_table", True, judged, skipped, failures, "narrative figures")


_PERIOD = re.compile(
    r"统计(?:期限|时限|时间|区间|范围|周期)[^。]{0,20}?(\d{4})年(\d{1,2})月(\d{1,2})日[^。\d]{0,6}?(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日"
)


def rule_13(text: str, year: int | None) -> Check:
    n = norm(text)
    # Anchor the (backtracking) period pattern at each "统计" rather than scanning the whole text.
    m = None
    start = n.find("统计")
    while start != -1 and m is None:
        m = _PERIOD.match(n, start)
        start = n.find("统计", start + 2)
    if not m:
        broken = re.search(r"统计(?:期限|时限|时间|区间)[^。]{0,30}", n)
        if broken and re.search(r"\d{5,}月", broken.group(0)):
            return Check("13", "statistical_period", True, FAIL, f"malformed period: {broken.group(0)}")
        return Check("13", "statistical_period", True, NOT_ASSESSABLE, "no statistical period stated")
    y1, m1, d1, y2, m2, d2 = m.groups()
    y2 = y2 or y1
    period = f"{y1}-{m1}-{d1} – {y2}-{m2}-{d2}"
    if year is None:
        return Check("13", "statistical_period", True, NOT_ASSESSABLE, f"period {period}, report year unknown")
    ok = int(y1) == int(y2) == year and (int(m1), int(d1)) == (1, 1) and (int(m2), int(d2)) == (12, 31)
    return Check("13", "statistical_period", True, PASS if ok else FAIL,
                 f"period {period} {'is' if ok else 'is not'} the calendar year {year}")


def rule_14(versions: dict[str, str], year: int | None) -> Check:
    if year is None:
        return Check("14", "format_year", True, NOT_ASSESSABLE, "report year unknown")
    expected = "2021" if year >= 2021 else "2019" if year >= 2019 else None
    if expected is None:
        return Check("14", "format_year", True, NOT_ASSESSABLE, f"{year} predates the 2019 format")
    judged = {t: v for t, v in versions.items() if t in ("A", "B") and v in ("2019", "2021")}
    if not judged:
        return Check("14", "format_year", True, NOT_ASSESSABLE, "no table format known")
    wrong = [f"table {t} uses the {v} format" for t, v in judged.items() if v != expected]
    if wrong:
        return Check("14", "format_year", True, FAIL, f"a {year} report should use the {expected} format: " + "; ".join(wrong))
    return Check("14", "format_year", True, PASS, f"tables {', '.join(judged)} use the {expected} format")


def run_checks(cells: list[ParsedCell], versions: dict[str, str], year: int | None, level: str,
               narrative: str, full_text: str) -> list[Check]:
    grid = Grid(cells)
    vb = versions.get("B", "unknown")
    return [
        rule_1(grid, vb),
        rule_2(grid, vb),
        rule_3(grid, vb),
        rule_4(grid),
        rule_5(cells),
        rule_9(grid, level),
        rule_10(grid, narrative),
        rule_13(full_text, year),
        rule_14(versions, year),
    ]
