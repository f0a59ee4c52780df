"""One identity per organ: printed names resolved inside the division tree (archive/organs.py)."""

from __future__ import annotations

import pytest

from archive.db.evidence import Reading, decide, reading
from archive.db.organs import OrganRegistry, is_organ_name, load_aliases, resolve
from pipeline.meta import admin_level


@pytest.mark.parametrize("printed,code,organ_id", [
    ("义乌市人民政府", "330782", "330782-人民政府"),
    ("义乌市政府", "330782", "330782-人民政府"),
    ("浙江省义乌市人民政府", "330782", "330782-人民政府"),
    ("义乌市佛堂镇人民政府", "330782", "330782-佛堂镇"),
    ("佛堂镇", "330782", "330782-佛堂镇"),
    ("西村镇人民政府", "360902", "360902-西村镇"),
    ("灵泉街道办事处", "360902", "360902-灵泉街道"),
    ("灵泉街道", "360902", "360902-灵泉街道"),
    ("义乌市民政局", "330782", "330782-民政局"),
    ("民政局", "330782", "330782-民政局"),
    ("滦州市雷庄镇人民政府", "130284", "130284-雷庄镇"),
    ("雷庄镇", "130284", "130284-雷庄镇"),
    ("滦州市雷庄镇人民政府", "130200", "130284-雷庄镇"),  # on the city's portal: the county printed narrows it
    ("商州区人民政府", "611000", "611002-人民政府"),
    ("商洛市教育局", "611000", "611000-教育局"),
    ("义乌市人民政府办公室", "330782", "330782-人民政府办公室"),
    ("义乌市政府办公室", "330782", "330782-人民政府办公室"),
    ("義烏市佛堂鎮人民政府", "330782", "330782-佛堂镇"),  # 繁体
    ("义乌市　佛堂镇（本级）", "330782", "330782-佛堂镇"),  # full-width space, a bracketed remark
])
def test_printed_names_resolve_to_one_organ(printed, code, organ_id):
    assert resolve(printed, code).organ_id == organ_id


def test_equal_short_names_in_two_counties_stay_apart():
    assert resolve("城关镇", "620121").organ_id != resolve("城关镇", "620102").organ_id


@pytest.mark.parametrize("printed,code,level", [
    ("义乌市人民政府", "330782", "县级"),  # a county-level city (县级市)
    ("商洛市人民政府", "611000", "市级"),  # a 设区的市
    ("深圳市龙岗区人民政府", "440307", "县级"),
    ("义乌市民政局", "330782", "部门"),  # a county-level city's bureau
    ("北京市人民政府", "110000", "省级"),
    ("佛堂镇人民政府", "330782", "乡镇"),
    ("灵泉街道办事处", "360902", "街道"),
])
def test_levels_come_from_the_division_tree(printed, code, level):
    assert resolve(printed, code).level == level


@pytest.mark.parametrize("printed,level", [("义乌市人民政府", "县级"), ("兰溪市政府", "县级"), ("商洛市人民政府", "市级"),
                                           ("浙江省金华市义乌市人民政府", "县级")])
def test_parser_reads_county_level_cities_as_county_level(printed, level):
    assert admin_level(printed) == level


def test_a_name_without_any_division_is_its_own_flagged_organ():
    ref = resolve("某某局", None)
    assert (ref.organ_id, ref.resolved) == ("x-某某局", False)


def test_override_file_settles_an_abbreviation():
    assert resolve("深圳市龙岗区人社局", "440307").organ_id == resolve("深圳市龙岗区人力资源局", "440307").organ_id


def test_override_file_is_scoped_to_its_division():
    assert resolve("人社局", "330782").organ_id == "330782-人社局"


def test_override_file_has_rows():
    assert any(a.printed == "人社局" for a in load_aliases())


def test_township_printed_without_its_county_on_a_city_portal_joins_the_county_organ():
    registry = OrganRegistry()
    full = registry.add("滦州市雷庄镇人民政府", "130200", "tangshan")
    bare = registry.add("雷庄镇", "130200", "tangshan")
    registry.merge_county_less()
    assert registry.final(bare).organ_id == registry.final(full).organ_id == "130284-雷庄镇"


def test_a_city_department_is_not_folded_into_a_county_department():
    registry = OrganRegistry()
    city = registry.add("唐山市教育局", "130200", "tangshan")
    registry.add("滦州市教育局", "130200", "tangshan")
    registry.merge_county_less()
    assert registry.final(city).organ_id == "130200-教育局"


@pytest.mark.parametrize("name,ok", [("西村镇", True), ("义乌市民政局", True), ("网站首页", False),
                                     ("网站首页>政府信息公开>年度报告", False), ("", False), (None, False)])
def test_what_counts_as_an_organ_name(name, ok):
    assert is_organ_name(name) is ok


def same(a, b):
    return resolve(a, "330782").organ_id == resolve(b, "330782").organ_id


def test_document_without_organ_takes_the_listing():
    ident = decide([Reading("document", "2023年政府信息公开工作年度报告", None, 2023),
                    reading("listing", "佛堂镇2023年政府信息公开工作年度报告")], same)
    assert (ident.agency, ident.agency_from, ident.conflicts) == ("佛堂镇", "listing", [])


def test_same_organ_spelled_differently_is_no_disagreement():
    ident = decide([Reading("document", "佛堂镇人民政府2023年…", "佛堂镇人民政府", 2023),
                    reading("listing", "佛堂镇2023年政府信息公开工作年度报告")], same)
    assert ident.conflicts == []


def test_a_disagreement_is_recorded_and_the_document_decides():
    ident = decide([Reading("document", "佛堂镇2023年…", "佛堂镇", 2023),
                    reading("page", "大陈镇2022年政府信息公开工作年度报告")], same)
    assert ident.agency == "佛堂镇" and ident.year == 2023 and len(ident.conflicts) == 2


# Organs of the real samples (tests/data/real_samples), resolved inside the region the sample came from.
@pytest.mark.parametrize("printed,code,organ_id,level", [
    ("长春市人民政府办公厅", "220100", "220100-人民政府办公厅", "部门"),
    ("九江市濂溪区人民政府", "360402", "360402-人民政府", "县级"),
    ("祁阳市人民政府", "431181", "431181-人民政府", "县级"),  # a county-level city
    ("衡东县杨林镇人民政府", "430424", "430424-杨林镇", "乡镇"),
    ("城口县人民政府机关(县政府及其办公室)", "500229", "500229-人民政府", "县级"),
    ("威海市文登区信访局", "371003", "371003-信访局", "部门"),
    ("迁安市大五里镇人民政府", "130200", "130283-大五里镇", "乡镇"),  # on the city's portal
    ("抚远市自然资源局", "230883", "230883-自然资源局", "部门"),
])
def test_real_samples_organs(printed, code, organ_id, level):
    ref = resolve(printed, code)
    assert (ref.organ_id, ref.level, ref.resolved) == (organ_id, level, True)
