"""The official form, stated once: the rows, columns, labels and sections of the annual report in both formats.

Source: ../shared/reference/format.md §3–5 (国办公开办函〔2019〕60号 and 〔2021〕30号). Labels are the official
Chinese wording, for people; keys are what the data uses. The parser, the checks, the farm's synthesiser,
the database's wide tables and the site's labels all take them from here.
"""

from __future__ import annotations

# ---- Table A: 主动公开政府信息情况 -------------------------------------------------------
A_ROW_LABELS = {
    "regulations": "规章",
    "normative_documents": "行政规范性文件",
    "licensing": "行政许可",
    "other_services": "其他对外管理服务事项",
    "penalty": "行政处罚",
    "coercion": "行政强制",
    "fees": "行政事业性收费",
    "procurement": "政府集中采购",
}

A_COL_LABELS = {
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "decisions": "本年处理决定数量",
    "amount": "本年收费金额（万元）",
    "made": "本年新制作数量",
    "published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "prev_year_items": "上一年项目数量",
    "change": "本年增/减",
    "procurement_items": "采购项目数量",
    "procurement_amount": "采购总金额",
}

# row -> its columns, in printed order
A_LAYOUT = {
    "2021": {
        "regulations": ["issued", "repealed", "in_force"],
        "normative_documents": ["issued", "repealed", "in_force"],
        "licensing": ["decisions"],
        "penalty": ["decisions"],
        "coercion": ["decisions"],
        "fees": ["amount"],
    },
    "2019": {
        "regulations": ["made", "published", "total_published"],
        "normative_documents": ["made", "published", "total_published"],
        "licensing": ["prev_year_items", "change", "decisions"],
        "other_services": ["prev_year_items", "change", "decisions"],
        "penalty": ["prev_year_items", "change", "decisions"],
        "coercion": ["prev_year_items", "change", "decisions"],
        "fees": ["prev_year_items", "change"],
        "procurement": ["procurement_items", "procurement_amount"],
    },
}

# ---- Table B: 收到和处理政府信息公开申请情况 ------------------------------------------------
B_COLS = ["natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total"]
B_COL_LABELS = {
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "social_welfare": "社会公益组织",
    "legal_service": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}
B_APPLICANT_COLS = B_COLS[:-1]

B_ROW_LABELS = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partial_grant": "（二）部分公开",
    "denied.state_secret": "（三）不予公开 1.属于国家秘密",
    "denied.law_forbidden": "（三）不予公开 2.其他法律行政法规禁止公开",
    "denied.safety_stability": "（三）不予公开 3.危及“三安全一稳定”",
    "denied.third_party": "（三）不予公开 4.保护第三方合法权益",
    "denied.internal_affairs": "（三）不予公开 5.属于三类内部事务信息",
    "denied.process_info": "（三）不予公开 6.属于四类过程性信息",
    "denied.enforcement_case": "（三）不予公开 7.属于行政执法案卷",
    "denied.admin_query": "（三）不予公开 8.属于行政查询事项",
    "unable.no_info": "（四）无法提供 1.本机关不掌握相关政府信息",
    "unable.need_creation": "（四）无法提供 2.没有现成信息需要另行制作",
    "unable.unclear": "（四）无法提供 3.补正后申请内容仍不明确",
    "not_processed.complaint": "（五）不予处理 1.信访举报投诉类申请",
    "not_processed.repeat": "（五）不予处理 2.重复申请",
    "not_processed.publication": "（五）不予处理 3.要求提供公开出版物",
    "not_processed.massive": "（五）不予处理 4.无正当理由大量反复申请",
    "not_processed.confirm": "（五）不予处理 5.要求行政机关确认或重新出具已获取信息",
    "other": "（六）其他处理",
    "other.overdue_correction": "（六）其他处理 1.申请人无正当理由逾期不补正",
    "other.overdue_fee": "（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用",
    "other.other": "（六）其他处理 3.其他",
    "total_processed": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}

_B_OUTCOMES = [
    "granted",
    "partial_grant",
    "denied.state_secret",
    "denied.law_forbidden",
    "denied.safety_stability",
    "denied.third_party",
    "denied.internal_affairs",
    "denied.process_info",
    "denied.enforcement_case",
    "denied.admin_query",
    "unable.no_info",
    "unable.need_creation",
    "unable.unclear",
    "not_processed.complaint",
    "not_processed.repeat",
    "not_processed.publication",
    "not_processed.massive",
    "not_processed.confirm",
]
B_OTHER_2019 = ["other"]
B_OTHER_2021 = ["other.overdue_correction", "other.overdue_fee", "other.other"]

B_ROWS = {
    "2019": ["new_received", "carried_over", *_B_OUTCOMES, *B_OTHER_2019, "total_processed", "carried_forward"],
    "2021": ["new_received", "carried_over", *_B_OUTCOMES, *B_OTHER_2021, "total_processed", "carried_forward"],
}


def b_outcome_rows(version: str) -> list[str]:
    """The rows that add up to （七）总计 (format.md rule 2)."""
    return _B_OUTCOMES + (B_OTHER_2019 if version == "2019" else B_OTHER_2021)


# ---- Table C: 政府信息公开行政复议、行政诉讼情况 ----------------------------------------------
C_ROWS = ["review", "litigation_direct", "litigation_after_review"]
C_COLS = ["maintained", "corrected", "other", "pending", "total"]
C_ROW_LABELS = {"review": "行政复议", "litigation_direct": "行政诉讼 未经复议直接起诉", "litigation_after_review": "行政诉讼 复议后起诉"}
C_COL_LABELS = {"maintained": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结", "total": "总计"}

SECTION_LABELS = {
    "overview": "一、总体情况",
    "active_disclosure": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "review_litigation": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况",
    "other": "六、其他需要报告的事项",
}
SECTION_KEYS = list(SECTION_LABELS)  # the six sections in printed order


# ---- The printed form: how the official tables lay these keys out -------------------------------------
# What a generator of reports needs beyond the keys and labels above (farm/report_synth.py draws the tables from
# these). Table A is printed in blocks, one per item of 条例 第二十条 reported on; a block's rows share its columns.
A_ROW_ARTICLES = {
    "regulations": "第二十条第（一）项",
    "normative_documents": "第二十条第（一）项",
    "licensing": "第二十条第（五）项",
    "other_services": "第二十条第（五）项",
    "penalty": "第二十条第（六）项",
    "coercion": "第二十条第（六）项",
    "fees": "第二十条第（八）项",
    "procurement": "第二十条第（九）项",
}

# The wording printed on the form where a label above is shortened or differs between the format versions:
# Table A by version (row and column keys), Table B rows (a group heading, a space, then the row's own label).
A_PRINTED_LABELS = {
    "2019": {"normative_documents": "规范性文件", "decisions": "处理决定数量"},
    "2021": {"amount": "本年收费金额（单位：万元）"},
}
B_PRINTED_LABELS = {
    "partial_grant": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "other.overdue_correction": "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other.overdue_fee": "（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
}

# The section whose heading each table follows.
TABLE_SECTIONS = {"A": "active_disclosure", "B": "applications", "C": "review_litigation"}
