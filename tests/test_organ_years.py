"""Organ-years in the built database: who published which report for which year, from all the evidence.

Each case is a small archive of real parser input (block documents, as the extractors make them) with the
crawl's provenance (listing titles, article pages, link texts), built by the real build.
"""

from __future__ import annotations

import json
import random
import sqlite3

import pytest

from archive.db.build import build
from archive.originals.store import ArchiveStore
from support.archive_kit import _put, envelope_processor
from farm.report_synth import build_document, continue_from, random_spec
from pipeline.blocks import Paragraph

SOURCES = [  # id, name, division_code, level
    ("luanzhou", "滦州市人民政府", "130284", "县级"),
    ("yiwu", "义乌市人民政府", "330782", "县级"),
    ("shangluo", "商洛市人民政府", "611000", "市级"),
    ("yongdeng", "永登县人民政府", "620121", "县级"),
    ("chengguan", "兰州市城关区人民政府", "620102", "县级"),
]


class Archive:
    def __init__(self, root):
        self.root = root
        self.store = ArchiveStore(root)
        self.n = 0
        root.mkdir(parents=True, exist_ok=True)
        (root / "sources.csv").write_text(
            "id,name,url,platform,division_code,level\n" + "".join(
                f"{sid},{name},http://127.0.0.1/{sid}/col/,generic,{code},{level}\n"
                for sid, name, code, level in SOURCES), encoding="utf-8")

    def report(self, source, spec, *, listed=None, title=None, breadcrumb=None, attachment_of=None,
               link=None) -> str:
        """Store a report document; returns its sha256."""
        if title is not None:
            spec.title = title
        doc = build_document(spec)
        if breadcrumb:
            doc.blocks.insert(0, Paragraph(breadcrumb))
        self.n += 1
        url = f"http://127.0.0.1/{source}/art/{self.n}.html"
        rec = dict(url=url, source_id=source, title=listed, published=f"{spec.year + 1}-02-{self.n % 27 + 1:02d}",
                   fetched_at=f"2026-11-01T00:00:{self.n:02d}Z")
        if attachment_of:
            rec.update(url=url.replace(".html", ".docx"), role="attachment", parent_url=attachment_of, title=link)
        return _put(self.store, {"document": doc.to_dict(), "type": "docx" if attachment_of else "html"}, **rec)

    def page(self, source, title, body="详见附件。") -> str:
        """An article page that only links its attachment (not a report itself)."""
        self.n += 1
        url = f"http://127.0.0.1/{source}/art/{self.n}.html"
        doc = {"blocks": [{"type": "p", "text": title}, {"type": "p", "text": body}], "meta": {}}
        _put(self.store, {"document": doc}, url=url, source_id=source, title=title,
             fetched_at=f"2026-11-01T00:00:{self.n:02d}Z")
        return url

    def build(self):
        db = self.root.parent / "nianbao.db"
        build(self.root, db, processor=envelope_processor, progress=False)
        conn = sqlite3.connect(db)
        conn.row_factory = sqlite3.Row
        return conn


def spec(agency, year, seed, **kw):
    return random_spec(random.Random(seed), distinct=False, agency=agency, year=year,
                       admin_level=kw.pop("admin_level", "乡镇"), **kw)


@pytest.fixture(scope="module")
def leizhuang(tmp_path_factory):
    """雷庄镇 prints itself as 雷庄镇人民政府 in 2023 and 雷庄镇 in 2024; the 2024 上年结转 differs in one column."""
    arch = Archive(tmp_path_factory.mktemp("lz") / "archive")
    y2023 = spec("雷庄镇人民政府", 2023, 1)
    y2024 = continue_from(y2023, spec("雷庄镇", 2024, 2))
    for row in ("carried_over", "carried_forward"):  # the organ's own slip; rule 1 still holds
        for col in ("natural_person", "total"):
            y2024.values["B", row, col] = str(int(y2024.values["B", row, col]) + 2)
    arch.report("luanzhou", y2023, title="雷庄镇人民政府2023年政府信息公开工作年度报告",
                listed="雷庄镇人民政府2023年政府信息公开工作年度报告")
    arch.report("luanzhou", y2024, title="雷庄镇2024年政府信息公开工作年度报告",
                listed="雷庄镇2024年政府信息公开工作年度报告")
    # a county-level city's government and a 设区的市's, both printing 规章 counts (rule 9)
    arch.report("yiwu", random_spec(random.Random(3), distinct=True, agency="义乌市人民政府", year=2023,
                                    admin_level="市级"), title="义乌市人民政府2023年政府信息公开工作年度报告")
    arch.report("shangluo", random_spec(random.Random(4), distinct=True, agency="商洛市人民政府", year=2023,
                                        admin_level="市级"), title="商洛市人民政府2023年政府信息公开工作年度报告")
    # one organ under three spellings over three years, with a year missing in between
    previous = None
    for year, printed, seed in ((2019, "义乌市佛堂镇人民政府", 5), (2020, "佛堂镇人民政府", 6), (2021, "佛堂镇", 7),
                                (2023, "佛堂镇", 8)):
        this = spec("佛堂镇", year, seed)
        this = continue_from(previous, this) if previous and previous.year == year - 1 else this
        arch.report("yiwu", this, title=f"{printed}{year}年政府信息公开工作年度报告")
        previous = this
    # two 城关镇 in two counties, same year
    arch.report("yongdeng", spec("城关镇", 2023, 10), title="城关镇2023年政府信息公开工作年度报告")
    arch.report("chengguan", spec("城关镇", 2023, 11), title="城关镇2023年政府信息公开工作年度报告")
    return arch.build()


def one(conn, sql, *params):
    return conn.execute(sql, params).fetchone()


def test_two_spellings_share_an_organ(leizhuang):
    ids = {r[0] for r in leizhuang.execute("select organ_id from reports where agency like '雷庄镇%'")}
    assert ids == {"130284-雷庄镇"}


def test_carry_over_mismatch_fails_rule_6(leizhuang):
    row = one(leizhuang, "select c.status, c.detail from checks c join reports r on r.id = c.report_id "
                         "where r.organ_id = '130284-雷庄镇' and r.year = 2024 and c.rule = '6'")
    assert row["status"] == "fail" and "自然人" in row["detail"] and "2023" in row["detail"]


def test_rule_6_names_the_earlier_report(leizhuang):
    (earlier,) = one(leizhuang, "select id from reports where organ_id = '130284-雷庄镇' and year = 2023")
    (detail,) = one(leizhuang, "select c.detail from checks c join reports r on r.id = c.report_id "
                               "where r.organ_id = '130284-雷庄镇' and r.year = 2024 and c.rule = '6'")
    assert f"report {earlier}" in detail


def test_first_year_has_nothing_to_carry_from(leizhuang):
    (status,) = one(leizhuang, "select c.status from checks c join reports r on r.id = c.report_id "
                               "where r.organ_id = '130284-雷庄镇' and r.year = 2023 and c.rule = '6'")
    assert status == "not_assessable"


def test_chained_years_pass_rule_6(leizhuang):
    rows = leizhuang.execute("select r.year, c.status from checks c join reports r on r.id = c.report_id "
                             "where r.organ_id = '330782-佛堂镇' and c.rule = '6' order by 1").fetchall()
    assert [tuple(r) for r in rows] == [(2019, "not_assessable"), (2020, "pass"), (2021, "pass"),
                                        (2023, "not_assessable")]


def test_county_level_city_government_is_county_level(leizhuang):
    assert one(leizhuang, "select admin_level from reports where organ_id = '330782-人民政府'")[0] == "县级"


def test_rule_9_judged_at_the_corrected_level(leizhuang):
    rows = dict(leizhuang.execute("select r.organ_id, c.status from checks c join reports r on r.id = c.report_id "
                                  "where c.rule = '9' and r.organ_id in ('330782-人民政府', '611000-人民政府')"))
    assert rows == {"330782-人民政府": "fail", "611000-人民政府": "pass"}


def test_three_spellings_one_organ_with_the_missing_year_visible(leizhuang):
    row = one(leizhuang, "select years, missing_years, aliases from organs where organ_id = '330782-佛堂镇'")
    assert (row["years"], row["missing_years"]) == ("2019,2020,2021,2023", "2022")
    assert len(json.loads(row["aliases"])) == 3


def test_the_government_is_its_own_organ(leizhuang):
    row = one(leizhuang, "select years, missing_years, kind, level from organs where organ_id = '330782-人民政府'")
    assert tuple(row) == ("2023", None, "government", "县级")


def test_two_chengguan_towns_stay_two_organs(leizhuang):
    rows = leizhuang.execute("select organ_id from reports where agency = '城关镇' order by 1").fetchall()
    assert [r[0] for r in rows] == ["620102-城关镇", "620121-城关镇"]


def test_one_report_per_organ_year(leizhuang):
    assert leizhuang.execute("select organ_id, year from reports group by 1, 2 having count(*) > 1").fetchall() == []


@pytest.fixture(scope="module")
def evidence_db(tmp_path_factory):
    """Attachments whose own first lines mislead, and a listing that names another organ."""
    arch = Archive(tmp_path_factory.mktemp("ev") / "archive")
    crumb = "网站首页 > 政府信息公开 > 政府信息公开年报"
    towns = ["佛堂镇", "大陈镇", "赤岸镇", "苏溪镇", "上溪镇"]
    for i, town in enumerate(towns):
        page = arch.page("yiwu", f"{town}2023年政府信息公开工作年度报告")
        title, printed = f"{town}2023年政府信息公开工作年度报告", town
        if i == 1:  # the file names no organ (本报告由本单位…): the page, the listing and the link do
            title, printed = "2023年政府信息公开工作年度报告", "本单位"
        arch.report("yiwu", spec(printed, 2023, 20 + i), title=title, breadcrumb=crumb if i < 2 else None,
                    attachment_of=page, link=f"附件：{town}2023年政府信息公开工作年度报告.docx")
    page = arch.page("yiwu", "稠城街道2023年政府信息公开工作年度报告")
    arch.report("yiwu", spec("廿三里街道", 2023, 30), title="廿三里街道2023年政府信息公开工作年度报告",
                attachment_of=page, link="附件.docx")  # the portal posted it under another street's title
    return arch.build()


def test_breadcrumb_files_keep_their_townships(evidence_db):
    rows = evidence_db.execute("select agency from reports where organ_id like '330782-%镇' order by 1").fetchall()
    assert sorted(r[0] for r in rows) == sorted(["佛堂镇", "大陈镇", "赤岸镇", "苏溪镇", "上溪镇"])


def test_organ_taken_from_the_page_when_the_file_names_none(evidence_db):
    row = one(evidence_db, "select agency, agency_from, identity_conflict from reports where organ_id = '330782-大陈镇'")
    assert (row["agency"], row["agency_from"], row["identity_conflict"]) == ("大陈镇", "page", None)


def test_disagreement_is_recorded_not_silent(evidence_db):
    row = one(evidence_db, "select agency, identity_conflict from reports where organ_id like '330782-%街道'")
    assert row["agency"] == "廿三里街道" and "稠城街道" in row["identity_conflict"]


def test_evidence_kept_as_readings(evidence_db):
    (text,) = one(evidence_db, "select identity_evidence from reports where organ_id = '330782-大陈镇'")
    assert [r["where"] for r in json.loads(text)] == ["document", "page", "listing", "link"]


def test_no_breadcrumb_reaches_a_title(evidence_db):
    assert one(evidence_db, "select count(*) from report_versions where title like '%首页%' or agency like '%首页%'")[0] == 0
