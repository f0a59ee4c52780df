"""A disk that refuses writes: the documents are failed with the URL and the reason, the crawl exits non-zero,
and no document body reaches the log."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from test_crawl_site import Site, html

REPO = Path(__file__).resolve().parents[1]
BODY = b"%PDF-1.4 " + b"SECRET-BODY-BYTES " * 200


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    site = Site()
    site.pages["/robots.txt"] = (b"User-agent: *\nAllow: /\n", "text/plain")
    site.pages["/nb/index.html"] = html('<ul><li><a href="/nb/2023.html">某县2023年政府信息公开工作年度报告</a></li></ul>')
    site.pages["/nb/2023.html"] = html('<div id="zoom"><p>正文</p><a href="/nb/r.pdf">附件.pdf</a></div>')
    site.pages["/nb/r.pdf"] = (BODY, "application/pdf")
    tmp = tmp_path_factory.mktemp("full")
    archive = tmp / "archive"
    archive.mkdir(parents=True)
    (archive / "objects").write_text("a file where the objects folder should be")  # every object write fails
    sources = tmp / "sources.csv"
    sources.write_text(f"id,name,url,platform\nt,某县人民政府,{site.base}/nb/index.html,generic\n", encoding="utf-8")
    env = dict(os.environ)
    proc = subprocess.run([sys.executable, "-m", "nianbao", "crawl", "--sources", str(sources), "--archive-dir",
                           str(archive), "--no-polite"], cwd=REPO, capture_output=True, text=True, timeout=120, env=env)
    site.server.shutdown()
    return proc


def test_the_crawl_exits_non_zero(crawled):
    assert crawled.returncode == 3, crawled.stderr[-2000:]


def test_each_lost_document_is_named_with_its_reason(crawled):
    assert "NOT STORED http://" in crawled.stderr and "/nb/r.pdf" in crawled.stderr


def test_no_body_reaches_the_log(crawled):
    assert "SECRET-BODY-BYTES" not in crawled.stderr + crawled.stdout


def test_storage_error_is_recorded_in_process(tmp_path):
    """The pipeline itself, with an index whose writes fail: a failure with URL and reason, no body logged."""
    from scrapy.exceptions import DropItem
    from scrapy.utils.test import get_crawler

    from crawler.pipelines import ArchivePipeline, FetchedDocument
    from crawler.run_record import RunTally

    crawler = get_crawler(settings_dict={"ARCHIVE_DIR": str(tmp_path)})
    pipeline = ArchivePipeline(crawler)

    def refuse(doc):
        raise OSError(28, "No space left on device")

    pipeline.index.write = refuse
    doc = FetchedDocument(body=BODY, url="http://127.0.0.1:1/r.pdf", final_url="http://127.0.0.1:1/r.pdf", status=200,
                          content_type="application/pdf", headers={}, source_id="t", role="attachment")
    with pytest.raises(DropItem) as dropped:
        pipeline.process_item(doc)
    failure = RunTally.for_crawler(crawler).source("t").failures[0]
    assert (failure["kind"], "No space left" in failure["reason"]) == ("storage", True)
    assert b"SECRET" not in str(dropped.value).encode() and "SECRET" not in repr(doc)


@pytest.fixture(scope="module")
def waf(tmp_path_factory):
    """A report whose PDF link first answers with a WAF page, then with the PDF."""
    from test_crawl_site import crawl

    site = Site()
    site.pages["/robots.txt"] = (b"User-agent: *\nAllow: /\n", "text/plain")
    site.pages["/nb/index.html"] = html('<ul><li><a href="/nb/2023.html">某县2023年政府信息公开工作年度报告</a></li></ul>')
    site.pages["/nb/2023.html"] = html('<div id="zoom"><p>正文</p><a href="/nb/r.pdf">附件.pdf</a></div>')
    site.pages["/nb/r.pdf"] = html("<p>访问过于频繁，请稍后再试 Too many requests</p>")
    tmp = tmp_path_factory.mktemp("waf")
    first = crawl(site, tmp, tmp / "archive")
    site.pages["/nb/r.pdf"] = (BODY, "application/pdf")
    site.log.clear()
    second = crawl(site, tmp, tmp / "archive")
    site.server.shutdown()
    return first, second, list(site.log), tmp / "archive"


def test_a_waf_page_where_a_pdf_was_linked_is_flagged(waf):
    first, _, _, _ = waf
    assert [f["kind"] for f in first["sources"]["t"]["failures"]] == ["suspect body"]


def test_it_is_asked_for_again_and_the_pdf_archived(waf):
    from archive.originals.store import ArchiveStore

    _, second, log, archive = waf
    shas = {r.sha256 for r in ArchiveStore(archive).fetches() if r.url.endswith("/nb/r.pdf")}
    assert "/nb/r.pdf" in log and ArchiveStore.digest(BODY) in shas and second["sources"]["t"]["failures"] == []
