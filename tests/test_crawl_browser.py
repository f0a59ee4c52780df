"""The browser fallback (`platform = browser`): a listing whose next page only a script can fetch, crawled through
headless Chromium (Debian `/usr/bin/chromium` via scrapy-playwright, loopback only), bounded in pages."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from archive.originals.store import ArchiveStore

REPO = Path(__file__).resolve().parents[1]
SITE = "browser-ningshan"
pytestmark = pytest.mark.skipif(shutil.which("chromium") is None and shutil.which("chromium-browser") is None,
                                reason="Debian chromium not installed (scripts/install-system-deps.sh)")


def crawl(sources, archive, *extra):
    proc = subprocess.run([sys.executable, "-m", "nianbao", "crawl", "--sources", str(sources), "--archive-dir",
                           str(archive), "--no-polite", *extra], cwd=REPO, capture_output=True, text=True, timeout=300)
    runs = sorted(Path(archive, "runs").glob("*.json"), key=lambda p: p.stat().st_mtime)
    return proc, json.loads(runs[-1].read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sources(farm, tmp_path_factory):
    return farm.write_sources_csv(tmp_path_factory.mktemp("src") / "sources.csv")


@pytest.fixture(scope="module")
def browsed(farm, sources, tmp_path_factory):
    archive = tmp_path_factory.mktemp("archive")
    proc, run = crawl(sources, archive, "--only", SITE)
    return archive, proc, run


def manifest_reports(farm):
    return [r for r in farm.manifest["reports"] if r["site"] == SITE]


def test_browser_crawl_finishes_ok(browsed):
    _, proc, run = browsed
    assert (proc.returncode, run["sources"][SITE]["status"]) == (0, "ok"), proc.stderr[-3000:]


def test_browser_crawl_archives_every_report_and_nothing_else(farm, browsed):
    recs = [r for r in ArchiveStore(browsed[0]).fetches() if r.source_id == SITE]
    want = {u for r in manifest_reports(farm) for u in r["urls"]}
    assert {r.url for r in recs} == want


def test_browser_crawl_stores_attachment_bytes_as_served(farm, browsed):
    by_url = {r.url: r.sha256 for r in ArchiveStore(browsed[0]).fetches() if r.role == "attachment"}
    assert {a["url"]: a["sha256"] for r in manifest_reports(farm) for a in r["attachments"]} == \
        {a["url"]: by_url.get(a["url"]) for r in manifest_reports(farm) for a in r["attachments"]}


def test_browser_went_through_every_page(farm, browsed):
    run = browsed[2]["sources"][SITE]
    pages = -(-len([p for p in farm.manifest["pages"] if p["site"] == SITE and p["kind"] != "robots"
                    and p["kind"] != "listing"] + manifest_reports(farm)) // 8)
    assert (run["listing_pages"], run["new"], run["listing_gap"]) == (pages, len(manifest_reports(farm)), None)


def test_browser_page_count_is_bounded(farm, sources, tmp_path):
    lines = Path(sources).read_text(encoding="utf-8").splitlines()
    bounded = tmp_path / "sources.csv"
    bounded.write_text("\n".join([lines[0] + ",browser_max_pages"] + [line + ",2" for line in lines[1:]]) + "\n",
                       encoding="utf-8")
    proc, run = crawl(bounded, tmp_path / "archive", "--only", SITE)
    entry = run["sources"][SITE]
    assert (entry["listing_pages"], 0 < entry["reports_found"] < len(manifest_reports(farm))) == (2, True)


def test_second_browser_crawl_downloads_nothing(browsed, sources):
    archive = browsed[0]
    before = len(list(ArchiveStore(archive).fetches()))
    proc, run = crawl(sources, archive, "--only", SITE)
    assert (run["documents_new"], len(list(ArchiveStore(archive).fetches()))) == (0, before)


def test_ordinary_crawl_starts_no_browser(sources, tmp_path):
    proc, run = crawl(sources, tmp_path / "archive", "--only", "generic-suqian")
    assert (proc.returncode, "playwright" in proc.stderr.lower()) == (0, False)
