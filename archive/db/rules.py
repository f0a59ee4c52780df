"""The consistency rules in words people read: a Chinese name and explanation, English beside (format.md §6).

Written to the `rules` table of every database, joined to `checks` by the report page and listed at
`/-/rules`. Hard rules restate what the official tables print or imply; soft rules are warnings.
"""

from __future__ import annotations

import re

from pipeline import form as fmt

# rule, key, soft, Chinese name, English name, Chinese explanation, English explanation
RULES: list[tuple[str, str, bool, str, str, str, str]] = [
    ("1", "b_identity", False, "申请总量平衡", "Table B balance",
     "表二每一列：一、本年新收 + 二、上年结转 = 三、（七）总计 + 四、结转下年度（表头印明的勾稽关系）。",
     "Every column of Table B: new + carried over = total processed + carried forward (printed in the table head)."),
    ("2", "b_result_total", False, "办理结果合计", "Table B outcome total",
     "表二每一列：予以公开、部分公开、不予公开、无法提供、不予处理、其他处理各项之和 = （七）总计。",
     "Every column of Table B: the outcome rows add up to the total processed."),
    ("3", "b_row_total", False, "申请人合计", "Table B applicant total",
     "表二每一行：自然人 + 五类法人或其他组织 = 总计。",
     "Every row of Table B: natural persons + the five kinds of organisations = total."),
    ("4", "c_group_total", False, "复议诉讼合计", "Table C totals",
     "表三每组（行政复议、未经复议直接起诉、复议后起诉）：结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计。",
     "Each group of Table C: upheld + corrected + other + pending = total."),
    ("5", "types_domains", False, "数值类型", "Value types",
     "件数为非负整数；2019年格式的“本年增/减”可为负；金额为非负数。",
     "Counts are non-negative whole numbers; the 2019 change column may be negative; amounts are non-negative."),
    ("6", "carry_over_across_years", True, "跨年度结转衔接", "Carry-over across years",
     "同一机关：本年度“二、上年结转”= 上一年度“四、结转下年度继续办理”，每一列。",
     "One organ: this year's carried over = last year's carried forward, per column."),
    ("7", "stock_flow_2021", True, "现行有效件数衔接（2021年格式）", "Stock and flow (2021 format)",
     "同一机关：现行有效件数 = 上年现行有效件数 + 本年制发件数 − 本年废止件数；本年废止件数不超过上年现行有效件数"
     "（规章、行政规范性文件）。",
     "One organ: in force = last year's in force + issued − repealed; repealed ≤ last year's in force."),
    ("8", "stock_flow_2019", True, "项目数量衔接（2019年格式）", "Stock and flow (2019 format)",
     "同一机关：本年“上一年项目数量”= 上年“上一年项目数量”+ 上年“本年增/减”；本年新公开数量 ≤ 本年新制作数量；"
     "对外公开总数量 ≥ 本年新公开数量。",
     "One organ: items this year = last year's items + last year's change; published ≤ made; total ≥ published."),
    ("9", "regulations_by_level", True, "规章与机关层级", "Regulations and level",
     "只有省级人民政府和设区的市、自治州人民政府制定规章；乡镇、街道、部门和县级报告有规章数字应复核。",
     "Only provincial and prefecture-level governments make 规章; a number elsewhere needs review."),
    ("10", "narrative_vs_table", True, "正文与表格一致", "Text and tables agree",
     "“一、总体情况”等正文所写的申请数、结转数、复议和诉讼数应与表格一致。",
     "Figures written in the text (applications, carry-over, reviews, lawsuits) equal the tables."),
    ("13", "statistical_period", True, "统计期限", "Statistical period",
     "统计期限应为报告年度的1月1日至12月31日。", "The period is 1 January – 31 December of the report year."),
    ("14", "format_year", True, "格式与年度", "Format and year",
     "2021年及以后的报告应使用2021年格式表格，2019、2020年使用2019年试行格式。",
     "Reports for 2021 on use the 2021 tables; 2019–2020 the 2019 trial tables."),
]
STATUS = {"pass": "通过 pass", "fail": "未通过 fail", "not_assessable": "无法评估 not assessable"}


def rows() -> list[dict]:
    return [{"rule": r, "name": key, "soft": int(soft), "title": f"{zh} {en}", "explanation": f"{ezh} {een}"}
            for r, key, soft, zh, en, ezh, een in RULES]


def _labels() -> dict[str, str]:
    """Row and column keys -> the official labels, most specific first (a key printed in a detail)."""
    out: dict[str, str] = {}
    for table in (fmt.B_ROW_LABELS, fmt.A_ROW_LABELS, fmt.C_ROW_LABELS, fmt.A_COL_LABELS, fmt.C_COL_LABELS,
                  fmt.B_COL_LABELS):
        for key, label in table.items():
            out.setdefault(key, label)
    return out


_KEY = re.compile(r"\b[a-z][a-z_]*(?:\.[a-z_]+)?\b")


def in_chinese(detail: str | None) -> str:
    """A check's detail with the row and column keys it names replaced by their printed labels."""
    if not detail:
        return ""
    labels = _labels()
    return _KEY.sub(lambda m: labels.get(m.group(0), m.group(0)), detail)
