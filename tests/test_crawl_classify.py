"""Which listing titles are annual reports (and which year they cover)."""

from __future__ import annotations

import pytest

from crawler.classify import NOT_REPORT, REPORT, UNCERTAIN, classify_title, title_year

REPORTS = [
    ("东宝区2024年政府信息公开工作年度报告", 2024),
    ("宁陕县梅子镇人民政府2024年度政府信息公开工作年度报告", 2024),
    ("衡阳市衡东县杨林镇2023年政府信息公开年度报告", 2023),
    ("2022年袁州区财政局政府信息公开工作年度报告", 2022),
    ("袁州区关于2021年度政府信息公开工作的年度报告", 2021),
    ("宿迁市财政局2023年政府信息公开工作年度报告（更正）", 2023),
    ("义乌市２０２２年政府信息公开工作年度报告", 2022),
    ("商洛市二〇二〇年政府信息公开工作年度报告", 2020),
    ("某局2019年政府信息公开年报", 2019),
    ("大五里镇2020年政府信息公开工作年度报告.pdf", 2020),
    ("政府信息公开工作年度报告（2023年）", 2023),
    ("某镇政府信息公开工作年度报告—2022", 2022),
]
NOT_REPORTS = [
    "《义乌市2023年政府信息公开工作年度报告》解读",
    "图解：龙岗区2022年政府信息公开工作年度报告",
    "一图读懂宿迁市2023年政府信息公开工作年度报告",
    "关于做好2023年度政府信息公开工作年度报告编制和发布工作的通知",
    "关于袁州区各单位2022年政府信息公开工作年度报告发布情况的公告",
    "袁州区2023年法治政府建设年度报告",
    "袁州区召开2024年政务公开工作推进会",
    "袁州区2021年国民经济和社会发展统计公报",
    "中华人民共和国政府信息公开工作年度报告格式",
    "某局政府信息公开工作年度报告",  # no year
    "某县2023年政府信息公开工作年度报告统计表",
    "某县2023年度政务公开工作年度报告",  # 政务公开, not the 条例's 信息公开 report
    "",
]


@pytest.mark.parametrize("title,year", REPORTS)
def test_report(title, year):
    assert (classify_title(title).kind, classify_title(title).year) == (REPORT, year)


@pytest.mark.parametrize("title", NOT_REPORTS)
def test_not_report(title):
    assert classify_title(title).kind == NOT_REPORT


def test_cut_title_is_uncertain():
    assert classify_title("长春市人民政府办公厅2024年政府信息公开工作年度...").kind == UNCERTAIN


def test_year_in_chinese_digits():
    assert title_year("二〇二三年度政府信息公开工作年度报告") == 2023
