"""Title, agency, year and level as real titles print them."""

from __future__ import annotations

import pytest

from pipeline.meta import admin_level, find_agency_and_year


@pytest.mark.parametrize(
    "title,agency,year",
    [
        ("雷庄镇2024年度政府信息公开工作年度报告", "雷庄镇", 2024),
        ("2023年东风镇政府信息公开工作年度报告", "东风镇", 2023),
        ("东风镇二〇二三年度政府信息公开工作年度报告", "东风镇", 2023),
        ("衡阳市衡东县杨林镇2023年政府信息公开年度报告", "衡阳市衡东县杨林镇", 2023),
        ("Page 8 - 威海市文登区信访局2022年政府信息公开工作年度报告", "威海市文登区信访局", 2022),
        ("撫遠市自然資源局2022年政府信息公開工作年度報告", "抚远市自然资源局", 2022),
        ("义乌市人民政府关于2024年度政府信息公开工作的年度报告", "义乌市人民政府", 2024),
    ],
)
def test_agency_and_year_from_title(title, agency, year):
    assert find_agency_and_year(title, "") == (agency, year)


def test_year_from_the_opening_when_the_title_has_none():
    head = "我镇编制了蛟河市白石山镇2024年政府信息公开工作年度报告（以下简称《年报》）。"
    assert find_agency_and_year("白石山镇政府信息公开工作年度报告", head) == ("白石山镇", 2024)


@pytest.mark.parametrize(
    "agency,level",
    [
        ("雷庄镇", "乡镇"), ("祝楼乡", "乡镇"), ("孟津区城关镇人民政府", "乡镇"), ("佳荣里街道办事处", "街道"),
        ("长春市退役军人事务局", "部门"), ("长春市人民政府办公厅", "部门"), ("九江市濂溪区人民政府", "县级"),
        ("城口县人民政府", "县级"), ("长春市人民政府", "市级"), ("吉林省人民政府", "省级"), (None, "unknown"),
    ],
)
def test_admin_level(agency, level):
    assert admin_level(agency) == level


def _rows(*lines):
    from pipeline.rows import rows_from_text

    return rows_from_text("\n".join(lines))


def test_title_wrapped_inside_the_last_word():
    from pipeline.meta import find_title

    rows = _rows("宿迁市人民政府关于2023年度政府信息公开工作的年度报", "告",
                 "本报告由宿迁市人民政府按照《中华人民共和国政府信息公开条例》和",
                 "《中华人民共和国政府信息公开工作年度报告格式》要求编制，内容包括总体")
    assert find_title(rows) == "宿迁市人民政府关于2023年度政府信息公开工作的年度报告"


def test_citation_of_the_format_document_is_not_a_title():
    from pipeline.meta import find_title

    rows = _rows("本报告按照《中华人民共和国政府信息公开条例》和",
                 "《中华人民共和国政府信息公开工作年度报告格式》要求编制，内容包括总体", "一、总体情况")
    assert find_title(rows) is None


def test_agency_from_the_opening_sentence_when_the_title_is_lost():
    head = "本报告由宿迁市人民政府按照《中华人民共和国政府信息公开条例》要求编制。本报告所列数据的统计期限自2023年1月1日起至2023年12月31日止。"
    assert find_agency_and_year(None, head) == ("宿迁市人民政府", 2023)
