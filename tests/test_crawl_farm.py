"""The crawler against the live portal farm (real HTTP on 127.0.0.1), checked against the farm's manifest.

Crawls run as subprocesses (`python -m nianbao crawl … --no-polite`), as an operator runs them; one of them
is killed with SIGKILL mid-way and resumed from its JOBDIR. Politeness is off (the farm is local).
"""

from __future__ import annotations

import collections
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive.originals.store import ArchiveStore
from farm.plan import SITES

REPO = Path(__file__).resolve().parents[1]
# Every site of the farm, by id (several sites may share a platform family).
SITE_IDS = [s["id"] for s in SITES]
PLATFORM = {s["id"]: s["platform"] for s in SITES}
# `browser` is opt-in: `auto` never picks it, and reports instead that only the first page was reachable.
AUTO_SITE_IDS = [sid for sid in SITE_IDS if PLATFORM[sid] != "browser"]


def crawl(sources, archive, *extra, check=True, timeout=120):
    cmd = [sys.executable, "-m", "nianbao", "crawl", "--sources", str(sources), "--archive-dir", str(archive),
           "--no-polite", *extra]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"crawl exited {proc.returncode}\n{proc.stdout}\n{proc.stderr[-3000:]}")
    return proc


def last_run(archive) -> dict:
    runs = sorted(Path(archive, "runs").glob("*.json"), key=lambda p: p.stat().st_mtime)
    return json.loads(runs[-1].read_text(encoding="utf-8"))


def records(archive) -> list:
    return list(ArchiveStore(archive).fetches())


def snapshot(archive) -> tuple[set, set]:
    """What an archive holds, independent of fetch times: (url, sha, role) records and object names."""
    recs = {(r.url, r.sha256, r.role) for r in records(archive)}
    objects = {p.name for p in Path(archive, "objects").rglob("*") if p.is_file() and not p.name.startswith(".")}
    return recs, objects


@pytest.fixture(scope="module")
def sources(farm, tmp_path_factory):
    return farm.write_sources_csv(tmp_path_factory.mktemp("src") / "sources.csv")


@pytest.fixture(scope="module")
def first(farm, sources, tmp_path_factory):
    """A full crawl of the farm into a fresh archive: (archive dir, run record, wall seconds)."""
    archive = tmp_path_factory.mktemp("archive")
    t0 = time.monotonic()
    crawl(sources, archive)
    return archive, last_run(archive), time.monotonic() - t0, snapshot(archive)


@pytest.fixture(scope="module")
def second(first, sources):
    archive = first[0]
    before = len(records(archive))
    crawl(sources, archive)
    return last_run(archive), before, len(records(archive))


def site_of(farm, site_id):
    return next(s for s in farm.sites if s.id == site_id)


def manifest_reports(farm, site_id):
    return [r for r in farm.manifest["reports"] if r["site"] == site_id]


# --- a full crawl -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("site_id", SITE_IDS)
def test_every_report_article_archived(farm, first, site_id):
    site = site_of(farm, site_id)
    archived = {r.url for r in records(first[0]) if r.role == "article"}
    missing = [r["article_url"] for r in manifest_reports(farm, site.id) if r["article_url"] not in archived]
    assert missing == []


@pytest.mark.parametrize("site_id", SITE_IDS)
def test_every_attachment_archived(farm, first, site_id):
    site = site_of(farm, site_id)
    fetched = {u for r in records(first[0]) if r.role == "attachment" for u in (r.url, r.final_url)}
    wanted = [a["url"] for r in manifest_reports(farm, site.id) for a in r["attachments"]]
    assert wanted and [u for u in wanted if u not in fetched] == []


@pytest.mark.parametrize("site_id", SITE_IDS)
def test_attachment_bytes_as_served(farm, first, site_id):
    site = site_of(farm, site_id)
    by_url = {r.url: r.sha256 for r in records(first[0]) if r.role == "attachment"}
    atts = [a for r in manifest_reports(farm, site.id) for a in r["attachments"] if a.get("sha256")]
    assert [a["url"] for a in atts if by_url.get(a["url"]) != a["sha256"]] == []


@pytest.mark.parametrize("site_id", SITE_IDS)
def test_no_non_report_archived(farm, first, site_id):
    site = site_of(farm, site_id)
    report_urls = {u for r in manifest_reports(farm, site.id) for u in r["urls"] + [a["file_url"] for a in r["attachments"]]}
    stray = [r.url for r in records(first[0]) if r.source_id == site.id and r.url not in report_urls]
    assert stray == []


@pytest.mark.parametrize("site_id", SITE_IDS)
def test_non_report_pages_never_requested(farm, first, site_id):
    from urllib.parse import urlsplit

    def local(url):  # path and query: on eportal and ASP.NET sites every page shares one path
        parts = urlsplit(url)
        return parts.path + ("?" + parts.query if parts.query else "")

    noise = {local(p["url"]) for p in farm.manifest["pages"]
             if p["site"] == site_id and p["kind"] in ("interpretation", "notice", "unrelated")}
    asked = {local(path) for _method, path, _status in farm.requests(site_id)}
    assert noise and noise & asked == set()


@pytest.mark.parametrize("site_id", SITE_IDS)
def test_run_record_counts_reports(farm, first, site_id):
    site = site_of(farm, site_id)
    entry = first[1]["sources"][site.id]
    assert (entry["status"], entry["new"]) == ("ok", len(manifest_reports(farm, site.id)))


def test_dead_link_recorded_as_failure(farm, first):
    dead = {p["url"] for p in farm.manifest["pages"] if p["kind"] == "dead_link"}
    failed = {f["url"] for e in first[1]["sources"].values() for f in e["failures"] if f["reason"] == "HTTP 404"}
    assert dead <= failed


def test_mislabelled_gb2312_page_decoded(farm, first):
    lying = {r["article_url"] for r in farm.manifest["reports"] if r["encoding"] == "gb2312-mislabeled"}
    encodings = {r.extra.get("encoding") for r in records(first[0]) if r.url in lying}
    assert encodings == {"gb18030"}


def test_nothing_recorded_twice(first):
    counts = collections.Counter((r.url, r.sha256) for r in records(first[0]))
    assert [k for k, n in counts.items() if n > 1] == []


def test_every_record_has_its_object(first):
    store = ArchiveStore(first[0])
    assert all(store.has(r.sha256) for r in records(first[0]))


def test_hanweb_attachment_final_url_after_redirect(farm, first):
    site = site_of(farm, "hanweb-yiwu")
    atts = {a["url"]: a["file_url"] for r in manifest_reports(farm, site.id) for a in r["attachments"]}
    got = {r.url: r.final_url for r in records(first[0]) if r.url in atts}
    assert got == atts


# --- incremental ---------------------------------------------------------------------------------------------------
def test_second_crawl_downloads_no_document(second):
    run, before, after = second
    assert (run["documents_new"], after) == (0, before)


def test_second_crawl_sources_still_ok(second):
    assert second[0]["broken_sources"] == []


def test_second_crawl_uses_conditional_listing_requests(second):
    assert sum(e["listing_not_modified"] for e in second[0]["sources"].values()) > 0


def test_second_crawl_makes_far_fewer_requests(first, second):
    assert second[0]["requests"] <= 0.3 * first[1]["requests"]


# --- killed and resumed -------------------------------------------------------------------------------------------
def test_killed_crawl_resumes_to_the_same_archive(first, sources, tmp_path):
    archive, jobdir = tmp_path / "archive", tmp_path / "job"
    cmd = [sys.executable, "-m", "nianbao", "crawl", "--sources", str(sources), "--archive-dir", str(archive),
           "--jobdir", str(jobdir), "--no-polite", "-s", "DOWNLOAD_DELAY=0.05", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = archive / "fetches.jsonl"
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if log.exists() and sum(1 for _ in open(log, encoding="utf-8")) >= 25:
                break
            time.sleep(0.02)
        assert proc.poll() is None, "the crawl finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    partial = len(records(archive))
    crawl(sources, archive, "--jobdir", str(jobdir))
    assert (partial < len(first[3][0]), last_run(archive)["jobdir_queue_discarded"], snapshot(archive),
            len(records(archive))) == (True, True, first[3], len(first[3][0]))


def test_interrupted_crawl_keeps_its_queue_and_resumes(first, sources, tmp_path):
    archive, jobdir = tmp_path / "archive", tmp_path / "job"
    cmd = [sys.executable, "-m", "nianbao", "crawl", "--sources", str(sources), "--archive-dir", str(archive),
           "--jobdir", str(jobdir), "--no-polite", "-s", "DOWNLOAD_DELAY=0.05", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = archive / "fetches.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if log.exists() and sum(1 for _ in open(log, encoding="utf-8")) >= 15:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)  # graceful: Scrapy finishes what is in flight and saves its queue
    interrupted = proc.wait(timeout=60)
    queued = (jobdir / "requests.queue" / "active.json").exists()
    crawl(sources, archive, "--jobdir", str(jobdir))
    assert (interrupted, queued, snapshot(archive), len(records(archive))) == (3, True, first[3], len(first[3][0]))


# --- broken sources -----------------------------------------------------------------------------------------------
def dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_dead_source_reported_broken(tmp_path):
    src = tmp_path / "sources.csv"
    src.write_text(f"id,name,url,platform\ndead,死站,http://127.0.0.1:{dead_port()}/col/,auto\n", encoding="utf-8")
    proc = crawl(src, tmp_path / "archive", "-s", "RETRY_TIMES=0", check=False)
    run = last_run(tmp_path / "archive")
    assert (proc.returncode, run["broken_sources"], "connection refused" in run["sources"]["dead"]["error"],
            "BROKEN dead" in proc.stderr) == (1, ["dead"], True, True)


def test_source_with_far_fewer_reports_than_before_is_broken(farm, sources, tmp_path):
    archive = tmp_path / "archive"
    (archive / "runs").mkdir(parents=True)
    earlier = {"run_id": "20260101T000000Z-0000", "finished_at": "2026-01-01T00:10:00+00:00",
               "finish_reason": "finished", "sources": {"trs-yuanzhou": {"reports_found": 60, "ok": True}}}
    (archive / "runs" / "20260101T000000Z-0000.json").write_text(json.dumps(earlier), encoding="utf-8")
    proc = crawl(sources, archive, "--only", "trs-yuanzhou", check=False)
    assert (proc.returncode, "earlier runs found up to 60" in last_run(archive)["sources"]["trs-yuanzhou"]["error"]) \
        == (1, True)


# --- plain Scrapy -------------------------------------------------------------------------------------------------
def test_plain_scrapy_crawl_from_repo_root(farm, sources, tmp_path):
    archive = tmp_path / "archive"
    env = dict(os.environ, SCRAPY_SETTINGS_MODULE="")
    env.pop("SCRAPY_SETTINGS_MODULE")
    proc = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "reports", "-a", f"sources={sources}",
                           "-a", "only=generic-suqian", "-s", f"ARCHIVE_DIR={archive}", "-s", "AUTOTHROTTLE_ENABLED=0",
                           "-s", "DOWNLOAD_DELAY=0"], cwd=REPO, capture_output=True, text=True, timeout=120, env=env)
    site = site_of(farm, "generic-suqian")
    assert (proc.returncode, last_run(archive)["sources"]["generic-suqian"]["new"]) == (
        0, len(manifest_reports(farm, site.id)))


# --- platform auto-detection --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def auto(farm, tmp_path_factory):
    """The farm crawled with every source declared `auto`."""
    tmp = tmp_path_factory.mktemp("auto")
    lines = farm.write_sources_csv(tmp / "farm.csv").read_text(encoding="utf-8").splitlines()
    rows = [lines[0]] + [line.rsplit(",", 1)[0] + ",auto" for line in lines[1:]]
    (tmp / "sources.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    crawl(tmp / "sources.csv", tmp / "archive")
    return tmp / "archive", last_run(tmp / "archive")


@pytest.mark.parametrize("site_id", AUTO_SITE_IDS)
def test_auto_detects_platform(farm, auto, site_id):
    assert auto[1]["sources"][site_id]["detected_platform"] == PLATFORM[site_id]


def test_auto_reports_a_listing_only_a_browser_can_page(farm, auto):
    site = site_of(farm, "browser-ningshan")
    entry = auto[1]["sources"][site.id]
    assert (entry["listing_gap"] or "").startswith("only the first page reachable") and \
        0 < entry["reports_found"] < len(manifest_reports(farm, site.id))


@pytest.mark.parametrize("site_id", SITE_IDS)
def test_run_record_has_no_listing_gap(first, site_id):
    assert first[1]["sources"][site_id]["listing_gap"] is None


@pytest.mark.parametrize("site_id", AUTO_SITE_IDS)
def test_auto_archives_every_report(farm, auto, site_id):
    site = site_of(farm, site_id)
    archived = {r.url for r in records(auto[0]) if r.role == "article"}
    assert [r["article_url"] for r in manifest_reports(farm, site.id) if r["article_url"] not in archived] == []


# --- a document replaced in place (keep last: it changes the module's farm) ---------------------------------------
def test_replaced_attachment_becomes_a_new_version(farm, sources, tmp_path):
    site = site_of(farm, "trs-yuanzhou")
    report = next(r for r in manifest_reports(farm, site.id) if r["attachments"])
    url = report["attachments"][0]["url"]
    archive = tmp_path / "archive"
    crawl(sources, archive, "--only", site.id)
    farm.replace(url, b"%PDF-1.4\n% corrected in place\n")
    crawl(sources, archive, "--only", site.id)  # recently fetched: not asked again
    unchanged = last_run(archive)["sources"][site.id]["attachments_changed"]
    time.sleep(1.1)
    crawl(sources, archive, "--only", site.id, "-s", "NIANBAO_REVALIDATE_AFTER_DAYS=0.00001")  # due after ~1 s
    changed = last_run(archive)["sources"][site.id]["attachments_changed"]
    versions = [r.sha256 for r in records(archive) if r.url == url]
    assert (unchanged, changed, len(versions), all(ArchiveStore(archive).has(v) for v in versions)) == (0, 1, 2, True)
