"""`nianbao run` as cron runs it, against the portal farm over real HTTP.

Run twice (the second finds nothing new and exits 0), then break one site: the run exits non-zero,
names the broken source, and the published database is still complete and served.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from farm.server import run_farm
from tests_support import current_reports, expected_current_reports, served_report_count

pytestmark = pytest.mark.timeout(1800)


def nianbao_run(sources, archive, db, env):
    return subprocess.run(
        [sys.executable, "-m", "nianbao", "run", "--sources", str(sources), "--archive-dir", str(archive),
         "--db", str(db), "--no-polite"],
        capture_output=True, text=True, timeout=1500, stdin=subprocess.DEVNULL, env=env,
    )


@pytest.fixture(scope="module")
def cycle(tmp_path_factory, request):
    """The farm, and the outcome of three runs: normal, again unchanged, and with one site down."""
    work = tmp_path_factory.mktemp("run")
    archive, db = work / "archive", work / "nianbao.db"
    cache = request.config.cache.mkdir("farm-render-cache")
    # The farm's documents are the same bytes in every test that crawls it: share what OCR made of them.
    env = {**os.environ, "NIANBAO_PROCESSED_CACHE": str(request.config.cache.mkdir("processed-cache"))}
    with run_farm(work / "farm", seed=0, cache_dir=cache) as farm:
        sources = work / "farm" / "sources.csv"
        first = nianbao_run(sources, archive, db, env)
        reports_after_first = current_reports(db)
        second = nianbao_run(sources, archive, db, env)
        runs = sorted((archive / "runs").glob("*.json"))
        second_record = json.loads(runs[-1].read_text(encoding="utf-8"))
        broken_site = farm.sites[0]
        farm.servers[broken_site.id].shutdown()
        farm.servers[broken_site.id].server_close()
        third = nianbao_run(sources, archive, db, env)
        yield {
            "farm": farm, "db": db, "archive": archive, "first": first, "second": second, "third": third,
            "second_record": second_record, "broken": broken_site.id, "reports_after_first": reports_after_first,
        }


def test_first_run_succeeds(cycle):
    assert cycle["first"].returncode == 0, cycle["first"].stderr[-2000:]


def test_first_run_publishes_every_report_of_the_farm(cycle):
    assert cycle["reports_after_first"] == expected_current_reports(cycle["farm"].manifest)


def test_second_run_succeeds(cycle):
    assert cycle["second"].returncode == 0, cycle["second"].stderr[-2000:]


def test_second_run_downloads_no_document(cycle):
    record = cycle["second_record"]
    assert sum(int(s.get("documents_new") or 0) for s in record["sources"].values()) == 0


def test_broken_site_makes_the_run_fail(cycle):
    assert cycle["third"].returncode == 1


def test_broken_source_is_named(cycle):
    assert f"source {cycle['broken']} broken" in cycle["third"].stderr


def test_database_is_still_complete_after_the_broken_run(cycle):
    assert current_reports(cycle["db"]) == cycle["reports_after_first"]


def test_database_is_still_served_after_the_broken_run(cycle):
    assert served_report_count(cycle["db"], cycle["archive"]) == cycle["reports_after_first"]


def test_health_table_shows_the_broken_source(cycle):
    import sqlite3

    conn = sqlite3.connect(cycle["db"])
    rows = conn.execute("select status from crawl_run_sources where source_id = ? order by run_id desc limit 1",
                        (cycle["broken"],)).fetchall()
    assert rows == [("broken",)]


def test_second_cron_run_waits_for_the_lock(tmp_path):
    from nianbao.run import EXIT_LOCKED, run_cycle, run_lock

    archive = tmp_path / "archive"
    with run_lock(archive / ".nianbao-run.lock"):
        messages = []
        assert run_cycle(archive, tmp_path / "db.sqlite", crawl=False, echo=messages.append) == EXIT_LOCKED


def test_a_bad_registry_exits_2_and_publishes_nothing(tmp_path):
    bad = tmp_path / "sources.csv"
    bad.write_text("id,name,url,platform\nok-1,某县人民政府,http://127.0.0.1:9/col/,trs\nbad id!,x,not-a-url,nope\n",
                   encoding="utf-8")
    db = tmp_path / "nianbao.db"
    db.write_bytes(b"the published file")
    proc = nianbao_run(bad, tmp_path / "archive", db, dict(os.environ))
    assert (proc.returncode, db.read_bytes()) == (2, b"the published file")
    assert "source registry is bad" in proc.stderr and "resumes" not in proc.stderr


def test_the_log_is_rotated_between_runs(tmp_path, monkeypatch):
    from nianbao import run as run_module

    monkeypatch.setattr(run_module, "LOG_MAX_BYTES", 1000)
    log = tmp_path / "archive" / "logs" / "nianbao-run.log"
    log.parent.mkdir(parents=True)
    log.write_text("x" * 2000, encoding="utf-8")
    status = run_module.run_cycle(tmp_path / "archive", tmp_path / "nianbao.db", crawl=False, echo=lambda m: None)
    assert (status, log.with_name("nianbao-run.log.1").stat().st_size, "run finished" in log.read_text()) == (0, 2000, True)
