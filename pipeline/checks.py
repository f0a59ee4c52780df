"""The consistency rules of format.md §6 that can be judged on one report.

Blank is not zero: a rule instance is judged only when all its inputs were read
with certainty as numbers; otherwise it is not assessable, and the detail says why.
A rule fails if any of its instances fails, passes if every judged instance passes,
and is not assessable when no instance could be judged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import form
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
    for col in form.B_COLS:
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
    outcomes = form.b_outcome_rows(version_b)
    for col in form.B_COLS:
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
    rows = form.B_ROWS.get(version_b, form.B_ROWS["2021"])
    for row in rows:
        if not any(("B", row, c) in grid.cells for c in form.B_COLS):
            continue
        ok, why = _sum_rule(grid, "B", [(row, c) for c in form.B_APPLICANT_COLS], (row, "total"), row)
        if why:
            skipped.append(why)
        else:
            judged += 1
            if ok is not True:
                failures.append(f"applicant columns of row {ok}")
    return _aggregate("3", "b_row_total", False, judged, skipped, failures, "rows")


def rule_4(grid: Grid) -> Check:
    judged, skipped, failures = 0, [], []
    for row in form.C_ROWS:
        ok, why = _sum_rule(grid, "C", [(row, c) for c in form.C_COLS[:-1]], (row, "total"), row)
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


# Narrative numbers (format.md rule 10), read from the phrasings real reports use. Each figure:
# (what, patterns giving the number (group 1), patterns meaning zero, the table cells it is the sum of).
# Patterns run on norm()'d text (no spaces, full-width → ASCII); the first that matches is taken, and the
# phrase it matched is quoted in the check's detail. "@…" names a group of rows resolved by the table's format.
_N = r"(\d+)(?:件|个|条|宗|份|起|次)"
_NC = r"(\d+)件"  # outcome counts: only 件 (答复4条 are messages, not applications)
_GAP = r"[^，。；,;\d]"
_APPLICATION_VERBS = r"(?:收到|受理|新收|接收|接到|共收到|共受理)"
NARRATIVE = [
    ("new applications",
     [rf"{_APPLICATION_VERBS}[^，。；,;]{{0,20}}?申请{_GAP}{{0,8}}?{_N}", rf"本年新收{_GAP}{{0,16}}?{_N}"],
     [r"(?:未收到|没有收到|未接到|没有接到|未受理|无)[^，。；,;]{0,14}?申请", r"申请(?:数量?)?为(?:0|零)"],
     [("B", "new_received", "total")]),
    ("carried over", [rf"上一?年(?:度)?(?:结转|转结|未办结){_GAP}{{0,10}}?{_N}"], [], [("B", "carried_over", "total")]),
    ("carried forward",
     [rf"(?:结转|转结|转入)(?:至|到)?(?:下一?年(?:度)?|\d{{4}}年(?:度)?){_GAP}{{0,10}}?{_N}",
      rf"{_N}(?:申请)?(?:需)?(?:结转|转结)(?:至|到)?下一?年"],
     [], [("B", "carried_forward", "total")]),
    ("applications answered",
     [rf"(?:办结|答复|办理完毕){_GAP}{{0,12}}?申请{_GAP}{{0,6}}?{_NC}", rf"(?:办结|答复){_NC}"], [],
     [("B", "total_processed", "total")]),
    ("granted and partly granted",
     [rf"(?<!不)予以公开(?:及|和|与|、)部分公开{_GAP}{{0,4}}?{_NC}"], [], [("B", "granted", "total"), ("B", "partial_grant", "total")]),
    ("granted", [rf"(?<!不)予以公开(?![及和与、]部分){_GAP}{{0,4}}?{_NC}"], [], [("B", "granted", "total")]),
    ("partly granted", [rf"(?<!予以公开及)(?<!予以公开和)(?<!予以公开与)(?<!予以公开、)部分公开{_GAP}{{0,4}}?{_NC}"], [],
     [("B", "partial_grant", "total")]),
    ("refused", [rf"不予公开{_GAP}{{0,4}}?{_NC}"], [], [("B", "@denied", "total")]),
    ("unable to provide", [rf"无法提供{_GAP}{{0,4}}?{_NC}"], [], [("B", "@unable", "total")]),
    ("not processed", [rf"不予处理{_GAP}{{0,4}}?{_NC}"], [], [("B", "@not_processed", "total")]),
    ("overdue corrections", [rf"逾期(?:未|不)补正{_GAP}{{0,4}}?{_NC}"], [], [("B", "other.overdue_correction", "total")]),
    ("otherwise processed", [rf"其他处理{_GAP}{{0,4}}?{_NC}"], [], [("B", "@other", "total")]),
    ("administrative reviews", [rf"行政复议{_GAP}{{0,6}}?{_N}"],
     [r"(?:未|没有|无)(?:发生|收到|出现|产生)?[^，。；,;]{0,16}?行政复议"], [("C", "review", "total")]),
    ("lawsuits", [rf"行政诉讼{_GAP}{{0,6}}?{_N}"],
     [r"(?:未|没有|无)(?:发生|收到|出现|产生)?[^，。；,;]{0,16}?行政诉讼"],
     [("C", "litigation_direct", "total"), ("C", "litigation_after_review", "total")]),
    ("normative documents issued",
     [rf"(?:新制定|制定|制发|出台|印发)(?:并)?(?:发布|公开)?(?:了)?(?:行政)?规范性文件{_GAP}{{0,2}}?{_NC}"], [],
     [("A", "normative_documents", "@issued")]),
    ("normative documents repealed", [rf"(?:清理)?废止(?:了)?(?:行政)?(?:规范性)?文件{_GAP}{{0,2}}?{_NC}"], [],
     [("A", "normative_documents", "repealed")]),
    ("normative documents in force", [rf"现行有效(?:的)?(?:行政)?(?:规范性)?文件{_GAP}{{0,2}}?{_NC}"], [],
     [("A", "normative_documents", "in_force")]),
]
# Applicants, read only in the sentence that gives the number of new applications.
_APPLICANTS = [
    ("applications from natural persons", rf"自然人(?:申请|提出(?:申请)?)?{_GAP}{{0,4}}?{_NC}", [("B", "new_received", "natural_person")]),
    ("applications from organisations", rf"法人(?:或|和|及)?(?:其他)?组织(?:申请|提出(?:申请)?)?{_GAP}{{0,4}}?{_NC}",
     [("B", "new_received", c) for c in form.B_APPLICANT_COLS[1:]]),
]
_INCLUDES_CARRIED = re.compile(r"^[（(]?(?:含|包括|其中)(?:上一?年度?)(?:结转|转结)")
_GROUPS = {
    "@denied": [r for r in form.B_ROWS["2021"] if r.startswith("denied.")],
    "@unable": [r for r in form.B_ROWS["2021"] if r.startswith("unable.")],
    "@not_processed": [r for r in form.B_ROWS["2021"] if r.startswith("not_processed.")],
}


def _terms(cells: list[tuple[str, str, str]], version_b: str, version_a: str) -> list[tuple[str, str, str]]:
    out = []
    for table, row, col in cells:
        if row == "@other":
            out += [(table, r, col) for r in (form.B_OTHER_2019 if version_b == "2019" else form.B_OTHER_2021)]
        elif row in _GROUPS:
            out += [(table, r, col) for r in _GROUPS[row]]
        elif col == "@issued":
            out.append((table, row, "made" if version_a == "2019" else "issued"))
        else:
            out.append((table, row, col))
    return out


def _quote(text: str, m: re.Match) -> str:
    """The matched phrase, as a reader finds it in the report (at most 40 characters)."""
    phrase = text[m.start():m.end()]
    return phrase if len(phrase) <= 40 else phrase[:18] + "…" + phrase[-18:]


# Outcome figures are read only in paragraphs about applications ("予以公开文件12件" elsewhere is not one).
_APPLICATION_SCOPE = {"applications answered", "granted and partly granted", "granted", "partly granted", "refused",
                      "unable to provide", "not processed", "overdue corrections", "otherwise processed"}


def narrative_figures(narrative: str) -> list[tuple[str, int, str, list[tuple[str, str, str]]]]:
    """The figures the text states: (what, number, the phrase that says it, the cells it should equal)."""
    text = norm(narrative)
    applications = "。".join(norm(line) for line in narrative.split("\n") if "申请" in line)
    out = []
    for what, number_patterns, zero_patterns, cells in NARRATIVE:
        said = phrase = None
        where = applications if what in _APPLICATION_SCOPE else text
        for p in number_patterns:
            m = re.search(p, where)
            if m:
                said, phrase = int(m.group(1)), _quote(where, m)
                if what == "new applications":
                    after = text[m.end():m.end() + 12]
                    if _INCLUDES_CARRIED.match(after):
                        # "收到申请 10 件（含上年结转 2 件）": the figure counts both.
                        cells = cells + [("B", "carried_over", "total")]
                    sentence = text[m.start():text.find("。", m.end()) % (len(text) + 1)]
                    for who, pattern, who_cells in _APPLICANTS:
                        w = re.search(pattern, sentence)
                        if w:
                            out.append((who, int(w.group(1)), _quote(sentence, w), who_cells))
                break
        if said is None:
            for p in zero_patterns:
                m = re.search(p, where)
                if m:
                    said, phrase = 0, _quote(text, m)
                    break
        if said is None:
            continue
        if what == "otherwise processed" and re.search(r"逾期(?:未|不)补正", where):
            # "逾期未补正2件，其他处理5件": whether 5 includes the 2 is not said.
            out.append((what, said, phrase, []))
            continue
        out.append((what, said, phrase, cells))
    return out


def rule_10(grid: Grid, narrative: str, version_b: str = "unknown", version_a: str = "unknown") -> Check:
    judged, skipped, failures, held = 0, [], [], []
    for what, said, phrase, cells in narrative_figures(narrative):
        if not cells:
            skipped.append(f"{what} “{phrase}” (the text does not say what it includes)")
            continue
        table_vals = [grid.number(*c) for c in _terms(cells, version_b, version_a)]
        whys = [w for _, w in table_vals if w]
        if whys:
            skipped.append(f"{what} (table {whys[0]})")
            continue
        table_total = sum(v for v, _ in table_vals)
        judged += 1
        if table_total != said:
            failures.append(f"text says {said} {what} (“{phrase}”), table says {_fmt(table_total)}")
        else:
            held.append(f"{what} “{phrase}”")
    check = _aggregate("10", "narrative_vs_table", True, judged, skipped, failures, "narrative figures")
    if held and check.status == PASS:
        check.detail = check.detail.replace(f"{judged} narrative figures hold", f"{judged} narrative figures hold: " + "; ".join(held), 1)
    return check


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
        rule_10(grid, narrative, vb, versions.get("A", "unknown")),
        rule_13(full_text, year),
        rule_14(versions, year),
    ]
