"""Map the hand-read cells of tests/data/real_samples (Chinese section/row/col labels) to the parser's keys.

Written independently of the parser's own label matching, from format.md's row lists.
"""

from __future__ import annotations

import unicodedata

A_ROWS = {
    "规章": "regulations",
    "行政规范性文件": "normative_documents",
    "规范性文件": "normative_documents",
    "行政许可": "licensing",
    "其他对外管理服务事项": "other_services",
    "行政处罚": "penalty",
    "行政强制": "coercion",
    "行政事业性收费": "fees",
    "政府集中采购": "procurement",
}
A_COLS = {
    "本年制发件数": "issued",
    "本年废止件数": "repealed",
    "现行有效件数": "in_force",
    "本年处理决定数量": "decisions",
    "处理决定数量": "decisions",
    "本年收费金额（单位：万元）": "amount",
    "本年新制作数量": "made",
    "本年新公开数量": "published",
    "对外公开总数量": "total_published",
    "上一年项目数量": "prev_year_items",
    "本年增/减": "change",
    "采购项目数量": "procurement_items",
    "采购总金额": "procurement_amount",
    "采购总金额（万元，保留四位小数）": "procurement_amount",
}
A_2019 = {
    "regulations": ["made", "published", "total_published"],
    "normative_documents": ["made", "published", "total_published"],
    "licensing": ["prev_year_items", "change", "decisions"],
    "other_services": ["prev_year_items", "change", "decisions"],
    "penalty": ["prev_year_items", "change", "decisions"],
    "coercion": ["prev_year_items", "change", "decisions"],
    "fees": ["prev_year_items", "change"],
    "procurement": ["procurement_items", "procurement_amount"],
}
B_ROWS = [
    ("本年新收", "new_received"), ("上年结转", "carried_over"), ("予以公开", "granted"), ("部分公开", "partial_grant"),
    ("国家秘密", "denied.state_secret"), ("禁止公开", "denied.law_forbidden"), ("三安全", "denied.safety_stability"),
    ("第三方", "denied.third_party"), ("内部事务", "denied.internal_affairs"), ("过程性", "denied.process_info"),
    ("执法案卷", "denied.enforcement_case"), ("行政查询", "denied.admin_query"), ("不掌握", "unable.no_info"),
    ("另行制作", "unable.need_creation"), ("仍不明确", "unable.unclear"), ("信访", "not_processed.complaint"),
    ("重复申请", "not_processed.repeat"), ("出版物", "not_processed.publication"), ("大量反复", "not_processed.massive"),
    ("重新出具", "not_processed.confirm"), ("逾期不补正", "other.overdue_correction"), ("收费通知", "other.overdue_fee"),
    ("（七）总计", "total_processed"), ("结转下年", "carried_forward"),
]
B_COLS = {
    "自然人": "natural_person", "法人或其他组织/商业企业": "commercial", "法人或其他组织/科研机构": "research",
    "法人或其他组织/社会公益组织": "social_welfare", "法人或其他组织/法律服务机构": "legal_service",
    "法人或其他组织/其他": "other_org", "总计": "total",
}
C_GROUPS = {"行政复议": "review", "行政诉讼/未经复议直接起诉": "litigation_direct", "行政诉讼/复议后起诉": "litigation_after_review"}
C_RESULTS = {"结果维持": "maintained", "结果纠正": "corrected", "其他结果": "other", "尚未审结": "pending", "总计": "total"}


def _nfkc(s: str) -> str:
    # Keep full-width brackets as printed in the samples' keys but unify ASCII ones.
    return s.replace("(", "（").replace(")", "）").replace(",", "，").replace(":", "：")


def keys_for(cell: dict) -> list[tuple[str, str, str]]:
    """(table, row, col) keys a hand-read sample cell stands for (several for '(all three columns)')."""
    section, row, col = _nfkc(cell["section"]), _nfkc(cell["row"]), _nfkc(cell["col"])
    if section.startswith("二"):
        r = A_ROWS[row]
        if "columns" in col:  # "(all three columns)", "(both columns)": the 2019 layout in the samples
            return [("A", r, c) for c in A_2019[r]]
        return [("A", r, A_COLS[col])]
    if section.startswith("三"):
        r = next(k for word, k in B_ROWS if word in row)
        return [("B", r, B_COLS[col])]
    if section.startswith("四"):
        group, result = col.rsplit("/", 1)
        return [("C", C_GROUPS[group], C_RESULTS[result])]
    raise KeyError(section)


def expected_value(cell: dict):
    """The hand-read value as the parser should report it (signed strings become numbers)."""
    v = cell["value"]
    if isinstance(v, str):
        s = unicodedata.normalize("NFKC", v).strip()
        if s.startswith("--"):
            return -int(s[2:])
        if s.startswith("+"):
            return int(s[1:])
        return float(s) if "." in s else int(s)
    return v
