"""`make demo` runs `nianbao demo`: farm → crawl → build → summary → serve. Run its steps and ask the served site."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests_support import expected_current_reports, served_report_count

pytestmark = pytest.mark.timeout(1800)


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory, request):
    work = tmp_path_factory.mktemp("demo")
    env = {**os.environ, "NIANBAO_PROCESSED_CACHE": str(request.config.cache.mkdir("processed-cache"))}
    proc = subprocess.run(
        [sys.executable, "-m", "nianbao", "demo", "--no-serve", "--workdir", str(work),
         "--cache-dir", str(request.config.cache.mkdir("farm-render-cache"))],
        capture_output=True, text=True, timeout=1500, env=env, stdin=subprocess.DEVNULL,
    )
    return work, proc


def test_demo_finishes(demo_run):
    _, proc = demo_run
    assert proc.returncode == 0, proc.stderr[-3000:]


def test_demo_prints_a_summary(demo_run):
    _, proc = demo_run
    assert "reports per format:" in proc.stdout and "sources crawled:" in proc.stdout


def test_served_site_answers_with_every_report_of_the_farm(demo_run):
    work, _ = demo_run
    manifest = json.loads((work / "farm" / "manifest.json").read_text(encoding="utf-8"))
    assert served_report_count(work / "nianbao.db", work / "archive") == expected_current_reports(manifest)


@pytest.fixture(scope="module")
def demo_db(demo_run):
    import sqlite3

    work, _ = demo_run
    manifest = json.loads((work / "farm" / "manifest.json").read_text(encoding="utf-8"))
    conn = sqlite3.connect(work / "nianbao.db")
    yield work, manifest, conn
    conn.close()


def current_in_manifest(manifest):
    return [r for r in manifest["reports"] if not r.get("duplicate_of") and not r.get("superseded_by")]


def test_applications_hold_one_row_per_organ_year(demo_db):
    _, manifest, conn = demo_db
    assert conn.execute("select count(*) from applications").fetchone()[0] == len(current_in_manifest(manifest))


def test_export_gives_one_row_per_organ_year(demo_db):
    work, manifest, _ = demo_db
    proc = subprocess.run([sys.executable, "-m", "nianbao", "export", "--db", str(work / "nianbao.db"),
                           "--table", "applications"], capture_output=True, text=True, timeout=120)
    assert len(proc.stdout.splitlines()) - 1 == len(current_in_manifest(manifest))


def test_sums_count_each_organ_year_once(demo_db):
    _, manifest, conn = demo_db
    want: dict[tuple, int] = {}
    for r in current_in_manifest(manifest):
        value = next(c["value"] for c in r["cells"] if (c["table"], c["row"], c["col"]) == ("B", "new_received", "total"))
        want[r["site"], r["year"]] = want.get((r["site"], r["year"]), 0) + value
    got = dict(((site, year), n) for site, year, n in conn.execute(
        "select r.source_id, a.year, sum(a.new_received__total) from applications a join reports r on r.id = a.report_id "
        "group by 1, 2"))
    assert got == want


def test_one_organ_per_organ_of_the_farm_however_printed(demo_db):
    _, manifest, conn = demo_db
    by_url = {r["article_url"]: (r["site"], r["agency"]) for r in manifest["reports"]}
    organs: dict[tuple, set] = {}
    for article_url, organ_id in conn.execute("select article_url, organ_id from reports"):
        organs.setdefault(by_url[article_url], set()).add(organ_id)
    assert all(len(ids) == 1 for ids in organs.values()) and \
        len({next(iter(ids)) for ids in organs.values()}) == len(organs)


def test_no_disagreement_where_every_reading_agrees(demo_db):
    _, _, conn = demo_db
    assert conn.execute("select count(*) from report_versions where identity_conflict is not null").fetchone()[0] == 0


def test_rule_6_as_the_manifest_numbers_say(demo_db):
    _, manifest, conn = demo_db

    def b(report, row):
        return {c["col"]: c["value"] for c in report["cells"] if c["table"] == "B" and c["row"] == row}

    by_organ = {(r["site"], r["agency"], r["year"]): r for r in current_in_manifest(manifest)}
    want = {}
    for (site, agency, year), r in by_organ.items():
        prev = by_organ.get((site, agency, year - 1))
        want[site, agency, year] = ("not_assessable" if prev is None else
                                    "pass" if b(r, "carried_over") == b(prev, "carried_forward") else "fail")
    # a re-post (same numbers) may be the current version: any posting of the organ-year identifies it
    organ_year = {r["article_url"]: (r["site"], r["agency"], r["year"]) for r in manifest["reports"]}
    got = {organ_year[url]: status for url, status in conn.execute(
        "select r.article_url, c.status from checks c join reports r on r.id = c.report_id where c.rule = '6'")}
    assert got == want and {"pass", "fail", "not_assessable"} <= set(got.values())


def test_excel_download_of_applications_is_one_row_per_organ_year(demo_db):
    import asyncio
    import io

    import openpyxl

    from archive.web.site import make_datasette

    work, manifest, _ = demo_db

    async def go():
        return await make_datasette(work / "nianbao.db").client.get("/nianbao/applications.xlsx")

    rows = list(openpyxl.load_workbook(io.BytesIO(asyncio.run(go()).content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "报告（现行版本）" and len(rows) - 2 == len(current_in_manifest(manifest))
