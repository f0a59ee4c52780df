"""A report column of five townships, crawled over HTTP and built with the real extractors.

Two townships' Word files are the portal page saved to Word: their first line is the breadcrumb
(网站首页 > 政府信息公开 > 政府信息公开年报), and one of them does not print its organ at all. The listing,
the article page and the link text name every township, and the archive must keep all five.
"""

from __future__ import annotations

import random
import sqlite3

import pytest

from archive.db.build import build
from farm.render import render_doc, render_docx, render_pdf
from farm.report_synth import build_document, random_spec
from pipeline.blocks import Paragraph
from pipeline.extract import extract_bytes
from pipeline.parser import parse_document
from test_crawl_site import Site, crawl, html

CRUMB = "网站首页 > 政府信息公开 > 政府信息公开年报"
TOWNS = ["佛堂镇", "大陈镇", "赤岸镇", "苏溪镇", "上溪镇"]


def word_file(town: str, seed: int, breadcrumb: bool, names_organ: bool = True) -> bytes:
    printed = town if names_organ else "本单位"
    spec = random_spec(random.Random(seed), distinct=False, agency=printed, year=2023, admin_level="乡镇")
    spec.title = f"{printed}2023年政府信息公开工作年度报告" if names_organ else "2023年政府信息公开工作年度报告"
    doc = build_document(spec)
    if breadcrumb:
        doc.blocks.insert(0, Paragraph(CRUMB))
    return render_docx(doc)


@pytest.fixture(scope="module")
def column(tmp_path_factory):
    site = Site()
    items = []
    for i, town in enumerate(TOWNS):
        title = f"{town}2023年政府信息公开工作年度报告"
        site.pages[f"/nb/{i}.html"] = html(f"<title>{title}_义乌市人民政府</title><h1>{title}</h1>"
                                           f'<div id="zoom"><p>详见附件。</p>'
                                           f'<a href="/nb/files/P0{i}.docx">附件：{title}.docx</a></div>')
        site.pages[f"/nb/files/P0{i}.docx"] = (word_file(town, 40 + i, breadcrumb=i < 2, names_organ=i != 1),
                                               "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        items.append(f'<li><a href="/nb/{i}.html">{title}</a><span>2024-01-2{i}</span></li>')
    site.pages["/nb/index.html"] = html("<ul>" + "".join(items) + "</ul>")
    site.pages["/robots.txt"] = (b"User-agent: *\nAllow: /\n", "text/plain")
    tmp = tmp_path_factory.mktemp("towns")
    record = crawl(site, tmp, tmp / "archive")
    site.server.shutdown()
    db = tmp / "nianbao.db"
    build(tmp / "archive", db, progress=False)
    conn = sqlite3.connect(db)
    yield record, conn
    conn.close()


def test_the_crawl_archived_every_word_file(column):
    record, _ = column
    assert record["_returncode"] == 0


def test_five_townships_give_five_current_reports(column):
    _, conn = column
    rows = conn.execute("select agency from reports order by agency").fetchall()
    assert sorted(r[0] for r in rows) == sorted(TOWNS)


def test_five_organs(column):
    _, conn = column
    assert conn.execute("select count(distinct organ_id) from reports").fetchone()[0] == 5


def test_breadcrumb_is_never_a_title(column):
    _, conn = column
    assert conn.execute("select count(*) from report_versions where title like '%首页%'").fetchone()[0] == 0


def test_a_file_without_its_organ_takes_it_from_the_crawl(column):
    _, conn = column
    row = conn.execute("select agency_from from reports where agency = '大陈镇'").fetchone()
    assert row[0] in ("page", "listing")


@pytest.fixture(scope="module")
def breadcrumb_docx():
    return word_file("佛堂镇", 7, breadcrumb=True)


@pytest.mark.parametrize("convert", ["docx", "doc", "pdf"])
def test_breadcrumb_first_line_in_every_word_format(breadcrumb_docx, convert):
    data = {"docx": lambda d: d, "doc": render_doc, "pdf": render_pdf}[convert](breadcrumb_docx)
    parsed = parse_document(extract_bytes(data, filename=f"report.{convert}"))
    assert (parsed["title"], parsed["agency"], parsed["year"]) == ("佛堂镇2023年政府信息公开工作年度报告", "佛堂镇", 2023)


def test_index_metadata_table_before_the_title():
    text = ("索引号\t001008003/2024-12345\t发布机构\t义乌市人民政府\n"
            "名称：佛堂镇2023年政府信息公开工作年度报告\n"
            "佛堂镇2023年政府信息公开工作年度报告\n一、总体情况\n2023年，佛堂镇认真贯彻落实《条例》。\n")
    from pipeline.parser import parse_text

    parsed = parse_text(text)
    assert (parsed["title"], parsed["agency"]) == ("佛堂镇2023年政府信息公开工作年度报告", "佛堂镇")
