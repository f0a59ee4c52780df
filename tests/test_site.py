"""The published site: real Datasette in-process and over HTTP, on a database built from a generated archive."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import sqlite3
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from archive.db import fts
from archive.db.own_words import own_words
from archive.web.site import make_datasette
from support.archive_kit import make_site, served

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    return root, make_site(root)


def run(coro):
    return asyncio.run(coro)


def truth(db, query, column="own_words"):
    """Reports whose title or own words (default) or full text contain every term: a plain substring search,
    the boilerplate taken off by `own_words` independently of the index."""
    conn = sqlite3.connect(db)
    rows = conn.execute("select r.id, r.title, t.text from reports r join report_texts t on t.report_id = r.id")
    terms = fts.query_terms(query)
    out = set()
    for rid, title, text in rows:
        body = own_words(text) if column == "own_words" else text
        if terms and all(t in fts.normalize(title or "") or t in fts.normalize(body or "") for t in terms):
            out.add(rid)
    return out


async def search_ids(ds, query, table="reports"):
    params = {"_search": query, "_shape": "objects", "_size": "max"}
    if table == "reports":
        params["_col"] = "title"
    ids, url = set(), f"/nianbao/{table}.json?" + urllib.parse.urlencode(params)
    while url:
        r = await ds.client.get(url)
        assert r.status_code == 200, (query, r.text[:300])
        data = r.json()
        ids |= {row["id"] for row in data["rows"]}
        url = data.get("next_url")
        if url:
            url = url.replace("http://localhost", "")
    return ids


CURRENT = 54  # organ-years of the generated archive: 61 report versions, 3 copies and 4 older versions

QUERIES = ["复议", "公开", "诉", "2023年", "行政复议", "复议 公开", "年度报告", "议", "不予处理", "2022年 复议", "测试1号",
           '"', "NEAR(", "NEAR(复议", "AND", "复议 AND 公开", "'; drop table reports; --", "*", "(", "：", "abc"]


def test_search_box_finds_exactly_the_reports_containing_the_query(site):
    _, db = site
    ds = make_datasette(db)

    async def go():
        seen_partial = 0
        for q in QUERIES:
            got = await search_ids(ds, q)
            want = truth(db, q)
            assert got == want, q
            seen_partial += 0 < len(want) < CURRENT
        assert seen_partial >= 5  # the corpus discriminates: hits are neither none nor all

    run(go())


def test_key_queries_have_the_expected_shape(site):
    _, db = site
    ds = make_datasette(db)

    async def go():
        conn = sqlite3.connect(db)
        formal = {r[0] for r in conn.execute("select id from reports where agency not like '测试%'")}
        assert len(formal) == 14  # 21 versions of 14 organ-years
        for q in ("公开", "复议", "诉"):  # every full report has these words in its title or tables
            hits = await search_ids(ds, q)
            assert formal <= hits and len(hits) < CURRENT, q
        year_2023 = {r[0] for r in conn.execute("select id from reports where year = 2023 and agency not like '测试%'")}
        assert year_2023 and year_2023 <= await search_ids(ds, "2023年")
        assert await search_ids(ds, "诉") >= await search_ids(ds, "诉讼")

    run(go())


def test_ranked_canned_search_with_snippet(site):
    _, db = site
    ds = make_datasette(db)

    async def go():
        r = await ds.client.get("/nianbao/search.json?" + urllib.parse.urlencode({"q": "复议", "_shape": "array"}))
        assert r.status_code == 200
        rows = r.json()
        assert {row["id"] for row in rows} == truth(db, "复议")
        assert all("⟦复议⟧" in row["snippet"] or "复议" in row["title"] for row in rows)
        r = await ds.client.get("/nianbao/search?" + urllib.parse.urlencode({"q": "复议"}))
        assert "<mark>复议</mark>" in r.text
        r = await ds.client.get("/nianbao/search?" + urllib.parse.urlencode({"q": 'NEAR("'}))
        assert r.status_code == 200

    run(go())


def test_facets_and_csv(site):
    _, db = site
    ds = make_datasette(db)
    conn = sqlite3.connect(db)

    async def go():
        r = await ds.client.get("/nianbao/reports.json?_size=0")
        facets = r.json()["facet_results"]
        assert set(facets) >= {"province", "year", "admin_level", "format_version", "checks_failed_hard", "checks_failed_soft"}
        counts = {f["value"]: f["count"] for f in facets["province"]["results"]}
        assert counts == dict(conn.execute("select province, count(*) from reports where province is not null "
                                           "group by province").fetchall())
        r = await ds.client.get("/nianbao/reports.csv?" + urllib.parse.urlencode(
            {"province": "浙江省", "year": "2023", "_stream": "on", "_size": "max"}))
        assert r.status_code == 200
        rows = list(csv.DictReader(io.StringIO(r.text)))
        want = conn.execute("select id from reports where province = '浙江省' and year = 2023").fetchall()
        assert sorted(int(x["id"]) for x in rows) == sorted(w[0] for w in want) and rows
        r = await ds.client.get("/nianbao/cells.csv?_stream=on")
        assert len(list(csv.reader(io.StringIO(r.text)))) - 1 == conn.execute("select count(*) from cells").fetchone()[0]
        for table in ("applications", "active_disclosure", "review_litigation", "checks", "documents",
                      "report_versions", "organs", "source_status", "crawl_runs"):
            r = await ds.client.get(f"/nianbao/{table}.csv?_stream=on")
            assert r.status_code == 200, table

    run(go())


def test_report_page_original_and_charts(site):
    root, db = site
    ds = make_datasette(db, root / "archive")
    conn = sqlite3.connect(db)
    rid, sha = conn.execute("select id, document_sha256 from reports where format_b = '2021' "
                            "order by id limit 1").fetchone()
    raw = conn.execute("select raw from cells where report_id = ? and tbl = 'B' and row = 'new_received' "
                       "and col = 'total'", (rid,)).fetchone()[0]

    async def go():
        r = await ds.client.get(f"/-/report/{rid}")
        assert r.status_code == 200
        for marker in ("nb-table-a", "nb-table-b", "nb-table-c", "（七）总计", "结转下年度继续办理", "行政复议",
                       "未经复议直接起诉", f">{raw}<", "nb-checks", "一、总体情况"):
            assert marker in r.text, marker
        r = await ds.client.get(f"/-/original/{sha}")
        kind, title = conn.execute("select d.sniffed_type, r.title from documents d join reports r "
                                   "on r.document_sha256 = d.sha256 where d.sha256 = ?", (sha,)).fetchone()
        assert r.status_code == 200
        assert r.headers["content-disposition"].startswith("inline;" if kind in ("html", "pdf") else "attachment;")
        assert urllib.parse.quote(title) in r.headers["content-disposition"]
        assert r.headers["x-content-type-options"] == "nosniff" and "sandbox" in r.headers["content-security-policy"]
        assert r.content == (root / "archive" / "objects" / sha[:2] / sha[2:4] / sha).read_bytes()
        for bad in ("/-/original/" + "0" * 64, "/-/original/..%2f..%2fetc%2fpasswd", "/-/original/" + sha.upper(),
                    "/-/report/999999999999"):
            assert (await ds.client.get(bad, follow_redirects=True)).status_code == 404, bad
        r = await ds.client.get("/-/charts")
        assert r.status_code == 200 and r.text.count('<svg role="img"') == 4 and "<rect" in r.text
        for name in ("applications_by_province_year", "inconsistent_reports", "broken_sources", "failed_documents"):
            r = await ds.client.get(f"/nianbao/{name}.json?_shape=array")
            assert r.status_code == 200, name
        r = await ds.client.get("/nianbao/broken_sources.json?_shape=array")
        assert "vsb-shangluo" in {row["source_id"] for row in r.json()}
        r = await ds.client.get("/nianbao/agency_series.json?_shape=array&agency=" + urllib.parse.quote("湛郎乡"))
        assert [row["year"] for row in r.json()] == sorted(row["year"] for row in r.json()) and r.json()

    run(go())


@pytest.fixture(scope="module")
def server(site):
    root, db = site
    with served(db, root / "archive") as base:
        yield base, root, db


def get(url):
    with urllib.request.urlopen(url, timeout=20) as resp:
        return resp.status, resp.read().decode("utf-8")


def test_over_http(server):
    base, _, db = server
    for q in ("复议", "公开", "诉", "2023年"):
        status, body = get(f"{base}/nianbao/reports.json?" + urllib.parse.urlencode(
            {"_search": q, "_shape": "array", "_size": "max", "_col": "title"}))
        assert status == 200
        assert {row["id"] for row in json.loads(body)} == truth(db, q), q
    status, body = get(f"{base}/nianbao/reports.csv?_stream=on&_size=max")
    assert status == 200 and len(list(csv.reader(io.StringIO(body)))) == CURRENT + 1
    status, body = get(f"{base}/nianbao/reports?_search=" + urllib.parse.quote("复议"))
    assert status == 200 and "/-/report/" in body
    # read-only: writes are refused
    req = urllib.request.Request(f"{base}/nianbao/-/query", data=b"sql=delete+from+reports", method="POST")
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(req, timeout=10)
    status, body = get(f"{base}/nianbao.json?sql=" + urllib.parse.quote("select count(*) as n from reports"))
    assert json.loads(body)["rows"] == [[CURRENT]]


def xlsx_rows(ds, path):
    import openpyxl

    async def go():
        return await ds.client.get(path)

    r = run(go())
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    return list(openpyxl.load_workbook(io.BytesIO(r.content)).worksheets[0].iter_rows(values_only=True))


def test_excel_download_has_chinese_headers_and_every_current_report(site):
    _, db = site
    rows = xlsx_rows(make_datasette(db), "/nianbao/applications.xlsx")
    n = sqlite3.connect(db).execute("select count(*) from applications").fetchone()[0]
    assert (rows[0][2], rows[1][2], len(rows) - 2) == ("机关", "agency", n)


def test_excel_download_keeps_the_page_filters(site):
    _, db = site
    rows = xlsx_rows(make_datasette(db), "/nianbao/reports.xlsx?" + urllib.parse.urlencode(
        {"_search": "复议", "province": "浙江省"}))
    want = {r for r in truth(db, "复议") if sqlite3.connect(db).execute(
        "select province from reports where id = ?", (r,)).fetchone()[0] == "浙江省"}
    assert {row[0] for row in rows[2:]} == want


def test_excel_link_on_every_table_page(site):
    _, db = site

    async def go():
        return await make_datasette(db).client.get("/nianbao/reports")

    assert "reports.xlsx" in run(go()).text


def test_checks_on_the_report_page_read_in_chinese(site):
    _, db = site
    conn = sqlite3.connect(db)
    rid, = conn.execute("select r.id from reports r join checks c on c.report_id = r.id and c.rule = '1' "
                        "where c.status = 'pass' limit 1").fetchone()

    async def go():
        return await make_datasette(db).client.get(f"/-/report/{rid}")

    text = run(go()).text
    assert "申请总量平衡" in text and "通过 pass" in text and "硬性 hard" in text


def test_rules_page_lists_every_rule_with_its_failures(site):
    _, db = site
    conn = sqlite3.connect(db)
    failing = conn.execute("select count(*) from checks where rule = '9' and status = 'fail' "
                           "and report_id in (select id from reports)").fetchone()[0]

    async def go():
        return await make_datasette(db).client.get("/-/rules")

    text = run(go()).text
    assert text.count('<tr id="rule-') == 12 and "跨年度结转衔接" in text and f"status=fail\">{failing}</a>" in text


def organ_page(db, organ_id, archive=None):
    from datasette.utils import tilde_encode

    async def go():
        return await make_datasette(db, archive).client.get("/-/organ/" + tilde_encode(organ_id))

    return run(go())


def test_organ_page_lists_its_reports_year_by_year(site):
    root, db = site
    conn = sqlite3.connect(db)
    organ_id, years = conn.execute("select organ_id, years from organs where reports >= 2 order by organ_id").fetchone()
    r = organ_page(db, organ_id, root / "archive")
    table = r.text[r.text.index('id="nb-organ-reports"'):r.text.index('id="nb-organ-figures"')]
    assert r.status_code == 200 and [int(y) for y in years.split(",")] == [
        int(cell) for cell in __import__("re").findall(r"<tr>\s*<td>(\d{4})</td>", table)]


def test_organ_page_shows_the_change_from_year_to_year(site):
    _, db = site
    conn = sqlite3.connect(db)
    organ_id, = conn.execute("select organ_id from organs where reports >= 2 order by organ_id").fetchone()
    values = [v for v, in conn.execute(
        "select a.new_received__total from applications a join reports r on r.id = a.report_id "
        "where r.organ_id = ? order by r.year", (organ_id,))]
    text = organ_page(db, organ_id).text
    assert f"{values[1]} <span class=\"nb-change\">({values[1] - values[0]:+d})</span>" in text


def test_unknown_organ_is_404(site):
    _, db = site
    assert organ_page(db, "000000-nothing").status_code == 404


def test_organ_ids_link_to_the_organ_page(site):
    _, db = site

    async def go():
        return await make_datasette(db).client.get("/nianbao/reports")

    assert 'href="/-/organ/' in run(go()).text


def canned(db, name, **params):
    async def go():
        return await make_datasette(db).client.get(f"/nianbao/{name}.json?" + urllib.parse.urlencode(
            {**params, "_shape": "array"}))

    r = run(go())
    assert r.status_code == 200, r.text[:300]
    return r.json()


def test_search_everything_is_an_exact_substring_search_of_all_text(site):
    _, db = site
    for q in ("复议", "行政复议", "公开 议", "2023年"):
        assert {r["id"] for r in canned(db, "search_everything", q=q)} == truth(db, q, column="text"), q


def test_ranked_search_pages_past_100_and_gives_the_total(tmp_path_factory):
    db = make_site(tmp_path_factory.mktemp("many"), n_reports=6, n_plain=230, seed=9)
    want = truth(db, "年")
    first, second = canned(db, "search", q="年"), canned(db, "search", q="年", page="2")
    pages = [r["id"] for r in first + second + canned(db, "search", q="年", page="3")]
    assert len(want) > 200 and first[0]["hits"] == len(want) and len(first) == 100 and sorted(pages) == sorted(want)


def test_a_query_in_more_reports_than_the_bound_pages_through_every_hit_unranked(tmp_path_factory, monkeypatch):
    """Past the bound (a word nearly every report has) the hits come in id order, each once, marked unranked."""
    from archive.web import plugin

    monkeypatch.setattr(plugin, "RANK_BOUND", 50)
    db = make_site(tmp_path_factory.mktemp("common"), n_reports=6, n_plain=230, seed=9)
    want = truth(db, "年")
    pages = [canned(db, "search", q="年", page=str(p)) for p in (1, 2, 3)]
    rows = [r for page in pages for r in page]
    assert ([r["id"] for r in rows], {(r["hits"], r["ranked"]) for r in rows}) == (sorted(want), {(len(want), 0)})


def test_a_query_under_the_bound_is_ranked(site):
    _, db = site
    assert {r["ranked"] for r in canned(db, "search", q="复议")} == {1}


def test_snippet_marks_every_term(site):
    _, db = site
    rows = canned(db, "search_everything", q="复议 诉讼")
    assert rows and all("⟦复议⟧" in r["snippet"] and "⟦诉讼⟧" in r["snippet"] for r in rows)


def test_word_originals_download_under_the_report_title_over_http(server):
    base, root, db = server
    sha, title = sqlite3.connect(db).execute(
        "select d.sha256, v.title from documents d join report_versions v on v.document_sha256 = d.sha256 "
        "where d.sniffed_type = 'docx' limit 1").fetchone()
    with urllib.request.urlopen(f"{base}/-/original/{sha}", timeout=20) as resp:
        body, disposition = resp.read(), resp.headers["content-disposition"]
    assert body == (root / "archive" / "objects" / sha[:2] / sha[2:4] / sha).read_bytes()
    assert disposition.startswith("attachment;") and disposition.endswith(urllib.parse.quote(f"{title}.docx"))


def test_report_page_gives_a_gbt7714_citation(site):
    _, db = site
    rid, organ, title, published, url, sha = sqlite3.connect(db).execute(
        "select id, organ_name, title, published, article_url, document_sha256 from reports "
        "where role = 'attachment' limit 1").fetchone()

    async def go():
        return await make_datasette(db).client.get(f"/-/report/{rid}")

    text = run(go()).text
    assert f"{organ}. {title}[EB/OL]. ({published})[2026-11-01]. {url}. 存档 archived copy: sha256 {sha}." in text


def test_landing_leads_with_a_search_of_the_reports(site):
    _, db = site

    async def go():
        ds = make_datasette(db)
        return (await ds.client.get("/")).text, (await ds.client.get("/nianbao")).text

    home, database = run(go())
    for page in (home, database):
        assert 'action="/nianbao/reports"' in page and 'href="/-/charts"' in page and 'href="/nianbao.db"' in page


def chart_page(db, **filters):
    async def go():
        return await make_datasette(db).client.get("/-/charts?" + urllib.parse.urlencode(filters))

    r = run(go())
    assert r.status_code == 200
    return r.text


def test_charts_count_the_reports_behind_each_bar(site):
    _, db = site
    n = sqlite3.connect(db).execute("select count(*) from applications where year = 2023 "
                                    "and new_received__total is not null").fetchone()[0]
    assert f"{n}份 reports" in chart_page(db)


def test_charts_filter_by_province_and_level(site):
    _, db = site
    conn = sqlite3.connect(db)
    total = conn.execute("select sum(new_received__total) from applications where province = '陕西省' "
                         "and year = 2024").fetchone()[0]
    text = chart_page(db, province="陕西省")
    received = text[text.index('id="chart-received"'):text.index('id="chart-median"')]
    assert f"2024: {total}</title>" in received and "selected>陕西省" in text


def test_median_chart_beside_the_sums(site):
    _, db = site
    values = sorted(v for v, in sqlite3.connect(db).execute(
        "select new_received__total from applications where year = 2024 and new_received__total is not null"))
    median = values[len(values) // 2] if len(values) % 2 else (values[len(values) // 2 - 1] + values[len(values) // 2]) / 2
    text = chart_page(db)
    assert f"2024: {median:g}</title>" in text[text.index('id="chart-median"'):]


def test_a_cell_explains_itself_in_chinese_on_hover(site):
    _, db = site
    rid, value = sqlite3.connect(db).execute(
        "select report_id, value from cells where tbl = 'B' and row = 'new_received' and col = 'total' "
        "and certain = 1 and semantic = 'NUMERIC' and report_id in (select id from reports) limit 1").fetchone()

    async def go():
        return await make_datasette(db).client.get(f"/-/report/{rid}")

    assert f'title="数字 number；读作 read as {value}"' in run(go()).text
