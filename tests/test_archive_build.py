"""`nianbao build`: the database built from a generated archive (real parser, test extraction envelope)."""

from __future__ import annotations

import csv
import sqlite3

import pytest
from click.testing import CliRunner

from archive.db import regions
from archive.db.build import build
from archive.db.cli import export
from support.archive_kit import envelope_processor, make_archive


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("arch")
    truth = make_archive(root / "archive")
    db = root / "nianbao.db"
    counts = build(root / "archive", db, processor=envelope_processor, progress=False)
    return root, db, truth, counts


def q(db, sql, *params):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def test_counts_and_failures_recorded(built):
    _, db, truth, counts = built
    assert counts == {"documents": 63, "reports": 61, "failed": 1, "not_report": 1}
    (status, error), = q(db, "select extraction_status, extraction_error from documents where sha256 = ?",
                         truth["failed"][0])
    assert status == "failed" and "not a readable document" in error
    assert q(db, "select is_report, not_report_reason from documents where sha256 = ?", truth["not_report"][0]) == [
        (0, "a notice about a report")]


def test_same_archive_same_database_with_worker_processes(built, tmp_path):
    root, db, _, _ = built
    again = tmp_path / "again.db"
    build(root / "archive", again, processor=envelope_processor, progress=False, jobs=2)
    a, b = sqlite3.connect(db), sqlite3.connect(again)
    assert list(a.iterdump()) == list(b.iterdump())


def test_each_organ_counts_its_current_reports_and_all_its_versions(built):
    _, db, _, _ = built
    assert q(db, "select count(*) from organs o where reports != (select count(*) from reports r where r.organ_id = "
                 "o.organ_id) or versions != (select count(*) from report_versions v where v.organ_id = o.organ_id)"
             ) == [(0,)]


def test_article_and_attachment_counted_once(built):
    _, db, truth, _ = built
    for dup in truth["duplicates"]:
        (organ, year), = q(db, "select organ_id, year from report_versions where document_sha256 = ?", dup["of"])
        rows = q(db, "select status, is_current from report_versions where organ_id = ? and year = ?", organ, year)
        assert sum(r[1] for r in rows) == 1 and len(rows) >= 2
        assert {r[0] for r in rows} <= {"current", "duplicate", "superseded"}
        assert q(db, "select versions from reports where organ_id = ? and year = ?", organ, year) == [(len(rows),)]
    # one report per organ and year
    assert q(db, "select organ_id, year, count(*) from reports group by 1, 2 having count(*) > 1") == []
    (current,), = q(db, "select count(*) from reports")
    (superseded,), = q(db, "select count(*) from report_versions where superseded_by is not null")
    assert current + superseded == 61
    assert q(db, "select count(*) from report_versions where is_current = 1") == [(current,)]


def test_regions_from_division_code_and_agency(built):
    _, db, _, _ = built
    rows = dict((a, (p, c, k, code)) for a, p, c, k, code in q(
        db, "select agency, province, city, county, division_code from reports where agency is not null"))
    assert rows["洛南县人民政府"] == ("陕西省", "商洛市", "洛南县", "611021")
    assert rows["商洛市教育局"] == ("陕西省", "商洛市", None, "611000")
    assert rows["袁州区教育体育局"] == ("江西省", "宜春市", "袁州区", "360902")
    assert regions.by_code("330782").county == "义乌市"


def test_cells_trace_to_document_and_wide_tables_agree(built):
    _, db, truth, _ = built
    sha = next(r["sha256"] for r in truth["reports"]
               if q(db, "select 1 from reports where document_sha256 = ?", r["sha256"]))
    (rid,), = q(db, "select id from reports where document_sha256 = ?", sha)
    cells = q(db, "select tbl, count(*) from cells where report_id = ? group by tbl", rid)
    assert dict(cells)["B"] in (161, 175)
    (value, block, doc_sha), = q(db, "select value, block, document_sha256 from cell_provenance "
                                     "where report_id = ? and tbl = 'B' and row = 'new_received' and col = 'total'", rid)
    assert doc_sha == sha and block is not None
    assert q(db, "select new_received__total from applications where report_id = ?", rid) == [(value,)]
    # every stored number of table B reappears in the wide table
    mismatches = q(db, """select count(*) from cells c join applications a on a.report_id = c.report_id
                          where c.tbl = 'B' and c.row = 'total_processed' and c.col = 'total'
                          and c.value is not a.total_processed__total""")
    assert mismatches == [(0,)]


def test_checks_and_runs(built):
    _, db, _, _ = built
    assert q(db, "select count(distinct status) from checks")[0][0] >= 1
    assert q(db, "select source_id, status, error from crawl_run_sources where ok = 0") == [
        ("vsb-shangluo", "failed", "column page returned HTTP 500")]
    assert q(db, "select source_id, last_status from source_status order by 1")[2] == ("vsb-shangluo", "failed")


def test_fts_readable_with_plain_sqlite(built):
    _, db, _, _ = built
    (n,), = q(db, "select count(*) from reports_fts where reports_fts match '\"复议\"'")
    assert n > 0
    (fks,), = q(db, "select count(*) from pragma_foreign_key_list('cells')")
    assert fks == 1


def export_rows(db, tmp_path, *args):
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(export, ["--db", str(db), *args, "--out", str(out)])
    return result, (list(csv.reader(open(out, encoding="utf-8-sig"))) if out.exists() else [])


def test_export_filters_like_facets(built, tmp_path):
    _, db, _, _ = built
    result, rows = export_rows(db, tmp_path, "--table", "applications", "--year", "2023", "--province", "浙江省",
                               "--keys")
    assert result.exit_code == 0, result.output
    records = [dict(zip(rows[0], r)) for r in rows[1:]]
    want = q(db, "select count(*) from applications where year = 2023 and province = '浙江省'")[0][0]
    assert len(records) == want > 0
    assert all(r["year"] == "2023" and r["province"] == "浙江省" for r in records)


def test_export_unknown_table_is_refused(built, tmp_path):
    _, db, _, _ = built
    assert export_rows(db, tmp_path, "--table", "nope")[0].exit_code != 0


def test_export_headers_are_the_official_chinese_labels(built, tmp_path):
    _, db, _, _ = built
    _, rows = export_rows(db, tmp_path, "--table", "applications")
    assert rows[0][:2] == ["报告（现行版本）", "机关编号"] and "一、本年新收政府信息公开申请数量 · 总计" in rows[0]


@pytest.mark.parametrize("given", ["浙江", "浙江省", "330000", "33"])
def test_export_province_by_short_name_full_name_or_code(built, tmp_path, given):
    _, db, _, _ = built
    _, rows = export_rows(db, tmp_path, "--table", "reports", "--province", given, "--keys")
    want = q(db, "select count(*) from reports where province = '浙江省'")[0][0]
    assert len(rows) - 1 == want > 0


def test_export_that_matches_nothing_says_so_and_fails(built, tmp_path):
    _, db, _, _ = built
    result, _ = export_rows(db, tmp_path, "--table", "applications", "--year", "1999")
    assert result.exit_code == 1 and "no rows in applications match year=1999" in result.output


def test_export_unknown_province_is_refused(built, tmp_path):
    _, db, _, _ = built
    result, _ = export_rows(db, tmp_path, "--table", "reports", "--province", "火星")
    assert result.exit_code == 2 and "no province" in result.output


def test_crawler_run_shape(tmp_path):
    import json

    from archive.originals.layout import ArchiveLayout
    from archive.originals.runs import read_runs, run_rows

    (tmp_path / "runs").mkdir()
    run = {"run_id": "r1", "started_at": "2026-11-01T00:00:00+00:00", "finished_at": "2026-11-01T00:10:00+00:00",
           "finish_reason": "finished", "status": "broken", "broken_sources": ["s1"], "documents_new": 3,
           "sources": {"s1": {"status": "broken", "ok": False, "error": "no report listed", "reports_found": 0,
                              "new": 0, "documents_new": 0, "failed": 2,
                              "failures": [{"url": "http://x/1", "kind": "http", "reason": "HTTP 500"},
                                           {"url": "http://x/2", "kind": "extract", "reason": "timeout"}]},
                       "s2": {"status": "ok", "ok": True, "error": None, "reports_found": 7, "documents_new": 3,
                              "failed": 0, "failures": []}}}
    (tmp_path / "runs" / "r1.json").write_text(json.dumps(run))
    (tmp_path / "runs" / "torn.json").write_text("{not json")
    (tmp_path / "runs" / "other.json").write_text('{"sources": ["not", "a", "run"]}')
    (tmp_path / "runs" / "bytes.json").write_bytes(b'{"run_id": "\xff"}')
    runs, per_source = run_rows(read_runs(ArchiveLayout(tmp_path)))
    assert [(r["run_id"], r["status"], r["sources_failed"], r["documents_new"]) for r in runs] == [("r1", "broken", 1, 3)]
    s1, s2 = per_source
    assert (s1["source_id"], s1["ok"], s1["failures"], s1["error"]) == ("s1", 0, 2, "no report listed")
    assert s1["failure_reasons"].splitlines() == ["http HTTP 500 http://x/1", "extract timeout http://x/2"]
    assert (s2["ok"], s2["reports_found"], s2["documents_new"]) == (1, 7, 3)


def test_metadata_describes_every_table_and_column(built):
    import json
    from pathlib import Path

    from archive.web.metadata import build as build_metadata

    path = Path(__file__).resolve().parent.parent / "datasette_metadata.json"
    committed = json.loads(path.read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(build_metadata())), "run: python -m archive.web.metadata > datasette_metadata.json"
    tables = committed["databases"]["nianbao"]["tables"]
    _, db, _, _ = built
    conn = sqlite3.connect(db)
    names = [r[0] for r in conn.execute("select name from sqlite_master where type in ('table', 'view') "
                                        "and name not like 'reports_%fts%' and name not like 'sqlite_%'")]
    for name in names:
        assert name in tables and tables[name].get("description"), name
        columns = [r[1] for r in conn.execute(f"pragma table_info([{name}])")]
        missing = [c for c in columns if c not in tables[name].get("columns", {})]
        assert not missing, (name, missing)
        for text in tables[name]["columns"].values():
            assert any("\u4e00" <= ch <= "\u9fff" for ch in text) and any("a" <= ch.lower() <= "z" for ch in text), text


def test_an_empty_archive_builds_an_empty_database(tmp_path):
    (tmp_path / "archive").mkdir()
    counts = build(tmp_path / "archive", tmp_path / "empty.db", progress=False)
    assert counts == {"documents": 0, "reports": 0, "failed": 0, "not_report": 0}
    assert q(tmp_path / "empty.db", "select count(*) from rules")[0][0] == 12


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """Source a failed in the first run and recovered; source b ran fine but two documents failed."""
    import json

    root = tmp_path_factory.mktemp("runs")
    (root / "archive" / "runs").mkdir(parents=True)
    (root / "archive" / "sources.csv").write_text("id,name,url,platform\na,甲县人民政府,http://127.0.0.1/a/,trs\n"
                                                  "b,乙县人民政府,http://127.0.0.1/b/,trs\n", encoding="utf-8")
    for run_id, a, b in (("20261101T000000Z", {"status": "failed", "ok": False, "error": "HTTP 500"},
                          {"status": "ok", "ok": True}),
                         ("20261102T000000Z", {"status": "ok", "ok": True},
                          {"status": "ok", "ok": True, "failed": 2,
                           "failures": [{"url": "http://127.0.0.1/b/1.pdf", "kind": "http", "reason": "HTTP 404"}]})):
        run = {"run_id": run_id, "started_at": run_id, "finished_at": run_id, "sources": {"a": a, "b": b}}
        (root / "archive" / "runs" / f"{run_id}.json").write_text(json.dumps(run), encoding="utf-8")
    build(root / "archive", root / "n.db", progress=False)
    return root / "n.db"


def test_a_recovered_source_is_not_listed_as_broken(two_runs):
    import asyncio

    from archive.web.site import make_datasette

    async def go():
        return await make_datasette(two_runs).client.get("/n/broken_sources.json?_shape=array")

    assert [r["source_id"] for r in asyncio.run(go()).json()] == []


def test_last_error_comes_from_the_latest_failure(two_runs):
    rows = dict((r[0], r[1:]) for r in q(two_runs, "select source_id, last_error, failed_runs from source_status"))
    assert rows["a"] == ("HTTP 500", 1) and "HTTP 404" in rows["b"][0]


@pytest.fixture(scope="module")
def bundle(built, tmp_path_factory):
    _, db, _, _ = built
    out = tmp_path_factory.mktemp("bundle")
    result = CliRunner().invoke(export, ["--db", str(db), "--bundle", str(out)])
    assert result.exit_code == 0, result.output
    return db, out


def test_bundle_csv_has_chinese_headers_and_current_rows(bundle):
    db, out = bundle
    rows = list(csv.reader(open(out / "applications.csv", encoding="utf-8-sig")))
    assert rows[0][:3] == ["报告（现行版本）", "机关编号", "机关"] and len(rows) - 1 == q(db, "select count(*) from applications")[0][0]


def test_bundle_parquet_equals_the_table(bundle):
    import pyarrow.parquet as pq

    db, out = bundle
    table = pq.read_table(out / "reports.parquet")
    assert table.column("id").to_pylist() == [r[0] for r in q(db, "select id from reports order by id")]
    assert "机关" in table.schema.field("agency").metadata[b"label_zh"].decode()


def test_bundle_cells_only_of_current_reports(bundle):
    import pyarrow.parquet as pq

    db, out = bundle
    want = q(db, "select count(*) from cells where report_id in (select id from reports)")[0][0]
    assert pq.read_metadata(out / "cells.parquet").num_rows == want < q(db, "select count(*) from cells")[0][0]


def test_bundle_data_dictionary_describes_every_column(bundle):
    _, out = bundle
    rows = list(csv.DictReader(open(out / "data_dictionary.csv", encoding="utf-8-sig")))
    described = {(r["表 table"], r["字段 column"]) for r in rows if r["字段 column"]}
    assert ("applications", "new_received__total") in described and ("reports", "organ_id") in described


def test_bundle_is_served_and_listed(bundle):
    import asyncio

    from archive.web.site import make_datasette

    db, out = bundle
    ds = make_datasette(db, bundle_dir=out)

    async def go():
        return [await ds.client.get(p, follow_redirects=True)
                for p in ("/-/bundle/", "/-/bundle/reports.parquet", "/-/bundle/..%2fx.csv", "/-/bundle/nope.csv")]

    listing, parquet, escape, missing = asyncio.run(go())
    assert "reports.parquet" in listing.text and parquet.content == (out / "reports.parquet").read_bytes()
    assert (escape.status_code, missing.status_code) == (404, 404)


def test_damaged_lines_of_the_fetch_log_are_skipped_with_a_warning(built, tmp_path, caplog):
    import shutil

    root, _, _, counts = built
    archive = tmp_path / "archive"
    shutil.copytree(root / "archive", archive, ignore=shutil.ignore_patterns("processed"))
    with open(archive / "fetches.jsonl", "ab") as fh:
        fh.write(b'{"sha256": "x", "unexpected": 1}\n')  # another shape
        fh.write(b'{"sha256": "\xff\xfe"}\n')  # not UTF-8
        fh.write(b'{"torn": ')  # a crash mid-write
    with caplog.at_level("WARNING"):
        again = build(archive, tmp_path / "n.db", processor=envelope_processor, progress=False)
    assert again == counts
    assert {r.getMessage().split(" skipped")[0].rsplit(" line ", 1)[1] for r in caplog.records
            if "fetches.jsonl" in r.getMessage()} == {"64", "65", "66"}


def test_a_damaged_sources_csv_does_not_stop_the_build(built, tmp_path):
    import shutil

    root, _, _, counts = built
    archive = tmp_path / "archive"
    shutil.copytree(root / "archive", archive, ignore=shutil.ignore_patterns("processed"))
    (archive / "sources.csv").write_bytes(b"id,name\nx,\xb9\xe3\xd6\xdd\xff\n")
    assert build(archive, tmp_path / "n.db", processor=envelope_processor, progress=False) == counts


def test_a_damaged_original_is_recorded_not_published(built, tmp_path):
    import shutil

    root, _, truth, counts = built
    archive = tmp_path / "archive"
    shutil.copytree(root / "archive", archive, ignore=shutil.ignore_patterns("processed"))
    sha = truth["reports"][1]["sha256"]
    path = archive / "objects" / sha[:2] / sha[2:4] / sha
    path.write_bytes(path.read_bytes().replace(b"20", b"21", 1))  # one byte changed on disk
    db = tmp_path / "n.db"
    build(archive, db, processor=envelope_processor, progress=False)
    (status, error), = q(db, "select extraction_status, extraction_error from documents where sha256 = ?", sha)
    assert status == "damaged" and sha in error and q(db, "select count(*) from report_versions "
                                                         "where document_sha256 = ?", sha) == [(0,)]


def test_table_rows_holds_every_tables_count(built):
    _, db, _, _ = built
    conn = sqlite3.connect(db)
    names = [n for n, in conn.execute("select name from sqlite_master where type = 'table'")]
    counts = {n: conn.execute(f"select count(*) from [{n}]").fetchone()[0] for n in names}
    assert dict(conn.execute("select name, rows from table_rows")) == counts
