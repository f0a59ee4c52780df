"""Messy real-world printing: blanks inside rows, full-width digits, units in cells, collapsed blanks."""

from __future__ import annotations

import random

from farm.report_synth import build_document, random_spec
from pipeline.parser import parse_document, parse_text


def _spec(changes=None):
    spec = random_spec(random.Random(42), distinct=True, format_a="2019", format_b="2021")
    spec.values.update(changes or {})
    return spec


def _cell(result, table, row, col):
    return next(c for c in result["cells"] if (c["table"], c["row"], c["col"]) == (table, row, col))


def test_blank_cell_inside_a_row_does_not_shift_the_next():
    spec = _spec({("B", "granted", "research"): ""})
    result = parse_document(build_document(spec))
    after = _cell(result, "B", "granted", "social_welfare")
    assert (after["raw"], after["certain"]) == (spec.value("B", "granted", "social_welfare"), True)


def test_blank_cell_inside_a_row_stays_blank():
    spec = _spec({("B", "granted", "research"): ""})
    assert _cell(parse_document(build_document(spec)), "B", "granted", "research")["semantic"] == "EMPTY"


def test_full_width_digits_are_read():
    spec = _spec({("C", "review", "maintained"): "１２"})
    assert _cell(parse_document(build_document(spec)), "C", "review", "maintained")["value"] == 12


def test_procurement_amount_in_yuan_is_converted_to_wan_yuan():
    spec = _spec({("A", "procurement", "procurement_amount"): "251000元"})
    cell = _cell(parse_document(build_document(spec)), "A", "procurement", "procurement_amount")
    assert (cell["value"], cell["note"]) == (25.1, "converted from 元 to 万元")


def test_procurement_amount_without_unit_is_kept_and_noted():
    spec = _spec({("A", "procurement", "procurement_amount"): "1035000"})
    cell = _cell(parse_document(build_document(spec)), "A", "procurement", "procurement_amount")
    assert (cell["value"], cell["note"]) == (1035000, "unit not printed in the cell")


def test_collapsed_blanks_make_a_row_uncertain_not_wrong():
    # One cell per line with blank cells simply missing (as in text copied from some portals):
    # 5 numbers for 7 columns cannot be placed, so none of them is given as certain.
    text = "\n".join([
        "某某镇2024年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况", "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        "申请人情况", "自然人", "法人或其他组织", "总计", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他",
        "一、本年新收政府信息公开申请数量", "4", "1", "2", "1", "8",
        "二、上年结转政府信息公开申请数量", "0", "0", "0", "0", "0", "0", "0",
        "四、政府信息公开行政复议、行政诉讼情况",
    ])
    cells = [c for c in parse_text(text)["cells"] if c["row"] == "new_received"]
    assert {(c["certain"], c["value"]) for c in cells} == {(False, None)}


def test_pdf_text_layer_with_space_separated_values():
    text = "\n".join([
        "四、政府信息公开行政复议、行政诉讼情况", "行政复议 行政诉讼", "未经复议直接起诉 复议后起诉",
        "结果 结果 其他 尚未 总", "维持 纠正 结果 审结 计", "1 2 3 4 10 0 0 0 1 1 0 0 0 0 0",
        "五、存在的主要问题及改进情况",
    ])
    cells = {(c["row"], c["col"]): c["value"] for c in parse_text(text)["cells"]}
    assert (cells[("review", "total")], cells[("litigation_direct", "total")]) == (10, 1)


def test_headings_numbered_with_arabic_digits():
    spec = _spec()
    text = build_document(spec).text().replace("三、收到和处理", "3、收到和处理").replace("四、政府信息公开行政复议", "4、政府信息公开行政复议")
    assert list(parse_text(text)["sections"])[2:4] == ["applications", "review_litigation"]
