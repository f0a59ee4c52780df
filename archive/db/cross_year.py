"""The soft rules that need two years of one organ (format.md §6, rules 6–8).

They are judged on current versions only, once organs are known, and recorded on the later year's
report with the earlier report named in the detail. Blank is not zero here either: an instance is
judged only when both numbers were read with certainty.

6  上年结转 (Y) = 结转下年度 (Y−1), per applicant column of Table B.
7  (2021 Table A) 现行有效件数 (Y) = 现行有效件数 (Y−1) + 本年制发 (Y) − 本年废止 (Y), and 本年废止 (Y) ≤
   现行有效件数 (Y−1), for 规章 and 行政规范性文件.
8  (2019 Table A) 上一年项目数量 (Y−1) + 本年增/减 (Y−1) = 上一年项目数量 (Y) for the items that carry them;
   within the year, 本年新公开数量 ≤ 本年新制作数量 ≤ … and 对外公开总数量 ≥ 本年新公开数量.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline import form as fmt
from pipeline.checks import FAIL, NOT_ASSESSABLE, PASS

RULE_NAMES = {"6": "carry_over_across_years", "7": "stock_flow_2021", "8": "stock_flow_2019"}
STOCK_ROWS_2021 = ["regulations", "normative_documents"]
ITEM_ROWS_2019 = [row for row, cols in fmt.A_LAYOUT["2019"].items() if "prev_year_items" in cols and "change" in cols]
DOC_ROWS_2019 = [row for row, cols in fmt.A_LAYOUT["2019"].items() if "made" in cols]


@dataclass
class YearReport:
    """What the rules need of one current report: its numbers read with certainty."""

    id: int
    organ_id: str
    year: int
    title: str | None
    format_a: str | None
    numbers: dict[tuple[str, str, str], float] = field(default_factory=dict)

    def get(self, table: str, row: str, col: str) -> float | None:
        return self.numbers.get((table, row, col))

    def name(self) -> str:
        return f"{self.year}年报告 report {self.id}" + (f"《{self.title}》" if self.title else "")


def _n(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


@dataclass
class Outcome:
    rule: str
    judged: int = 0
    failures: list[str] = field(default_factory=list)
    skipped: str | None = None

    def check(self, report_id: int, earlier: YearReport | None) -> tuple:
        against = f"（对照 against {earlier.name()}）" if earlier else ""
        if self.failures:
            status, detail = FAIL, "；".join(self.failures[:12]) + against
        elif self.judged:
            status, detail = PASS, f"{self.judged} 项相符 instances hold{against}"
        else:
            status, detail = NOT_ASSESSABLE, self.skipped or f"无可比较的数字 no numbers to compare{against}"
        return (report_id, self.rule, RULE_NAMES[self.rule], 1, status, detail)


def rule_6(cur: YearReport, prev: YearReport | None) -> Outcome:
    out = Outcome("6")
    if prev is None:
        out.skipped = f"无{cur.year - 1}年度报告 no report of this organ for {cur.year - 1}"
        return out
    for col in fmt.B_COLS:
        now, before = cur.get("B", "carried_over", col), prev.get("B", "carried_forward", col)
        if now is None or before is None:
            continue
        out.judged += 1
        if now != before:
            out.failures.append(f"{fmt.B_COL_LABELS[col]}：{cur.year}年上年结转 {_n(now)} ≠ "
                                f"{prev.year}年结转下年度 {_n(before)}")
    return out


def rule_7(cur: YearReport, prev: YearReport | None) -> Outcome:
    out = Outcome("7")
    if cur.format_a != "2021":
        out.skipped = "表一不是2021年格式 Table A is not in the 2021 format (see rule 8)"
        return out
    if prev is None or prev.format_a != "2021":
        out.skipped = (f"无{cur.year - 1}年度报告 no report for {cur.year - 1}" if prev is None else
                       f"{prev.year}年表一不是2021年格式 the {prev.year} Table A is not in the 2021 format")
        return out
    for row in STOCK_ROWS_2021:
        label = fmt.A_ROW_LABELS[row]
        stock, issued, repealed = (cur.get("A", row, c) for c in ("in_force", "issued", "repealed"))
        before = prev.get("A", row, "in_force")
        if None not in (stock, issued, repealed, before):
            out.judged += 1
            if stock != before + issued - repealed:
                out.failures.append(f"{label}：现行有效 {_n(stock)} ≠ 上年现行有效 {_n(before)} + 制发 {_n(issued)} "
                                    f"− 废止 {_n(repealed)} = {_n(before + issued - repealed)}")
        if repealed is not None and before is not None:
            out.judged += 1
            if repealed > before:
                out.failures.append(f"{label}：本年废止 {_n(repealed)} > 上年现行有效 {_n(before)}")
    return out


def rule_8(cur: YearReport, prev: YearReport | None) -> Outcome:
    out = Outcome("8")
    if cur.format_a != "2019":
        out.skipped = "表一不是2019年格式 Table A is not in the 2019 format (see rule 7)"
        return out
    for row in DOC_ROWS_2019:
        made, published, total = (cur.get("A", row, c) for c in ("made", "published", "total_published"))
        label = fmt.A_ROW_LABELS[row]
        if made is not None and published is not None:
            out.judged += 1
            if published > made:
                out.failures.append(f"{label}：本年新公开 {_n(published)} > 本年新制作 {_n(made)}")
        if total is not None and published is not None:
            out.judged += 1
            if total < published:
                out.failures.append(f"{label}：对外公开总数 {_n(total)} < 本年新公开 {_n(published)}")
    if prev is not None and prev.format_a == "2019":
        for row in ITEM_ROWS_2019:
            items, base, change = cur.get("A", row, "prev_year_items"), prev.get("A", row, "prev_year_items"), \
                prev.get("A", row, "change")
            if None in (items, base, change):
                continue
            out.judged += 1
            if items != base + change:
                out.failures.append(f"{fmt.A_ROW_LABELS[row]}：{cur.year}年上一年项目数量 {_n(items)} ≠ "
                                    f"{prev.year}年 {_n(base)} + 增减 {_n(change)} = {_n(base + change)}")
    if not out.judged:
        out.skipped = "无可比较的数字 no numbers to compare"
    return out


def judge(reports: list[YearReport]) -> list[tuple]:
    """Check rows (report_id, rule, name, soft, status, detail) for every report, by organ and year."""
    by_key = {(r.organ_id, r.year): r for r in reports}
    rows = []
    for r in sorted(reports, key=lambda r: (r.organ_id, r.year, r.id)):
        prev = by_key.get((r.organ_id, r.year - 1))
        for rule in (rule_6, rule_7, rule_8):
            out = rule(r, prev)
            rows.append(out.check(r.id, prev if out.judged or out.failures else None))
    return rows
