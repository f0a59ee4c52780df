"""Crawler components in isolation: polite defaults, switches, the broken-source rule, the listing cache."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Request
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler import settings as crawler_settings
from crawler.cli import crawl_settings
from crawler.middlewares import CharsetMiddleware, ListingRevalidationMiddleware, SourceScopeMiddleware
from crawler.run_record import detected_platform, judge
from crawler.settings import setting


def test_polite_by_default():
    s = crawl_settings("/tmp/unused")
    assert (s.getbool("ROBOTSTXT_OBEY"), s.getbool("AUTOTHROTTLE_ENABLED"), s.getint("CONCURRENT_REQUESTS_PER_DOMAIN"),
            "+http" in s.get("USER_AGENT")) == (True, True, 2, True)


def test_no_polite_keeps_robots():
    s = crawl_settings("/tmp/unused", polite=False)
    assert (s.getbool("ROBOTSTXT_OBEY"), s.getbool("AUTOTHROTTLE_ENABLED"), s.getfloat("DOWNLOAD_DELAY")) == (True, False, 0)


def test_components_enabled_by_settings():
    assert set(crawler_settings.DOWNLOADER_MIDDLEWARES) == {
        "crawler.middlewares.SourceScopeMiddleware", "crawler.middlewares.KnownDocumentMiddleware",
        "crawler.middlewares.ListingRevalidationMiddleware", "crawler.middlewares.CharsetMiddleware"}


@pytest.mark.parametrize("cls,name", [(SourceScopeMiddleware, "NIANBAO_SCOPE_ENABLED"),
                                      (CharsetMiddleware, "NIANBAO_CHARSET_FIX"),
                                      (ListingRevalidationMiddleware, "NIANBAO_CONDITIONAL_LISTINGS")])
def test_component_switched_off(cls, name):
    with pytest.raises(NotConfigured):
        cls.from_crawler(get_crawler(settings_dict={name: False, "ARCHIVE_DIR": "/tmp/x"}))


def test_no_reports_is_broken():
    assert judge(0, [], 0.5) == "no reports found"


def test_far_fewer_than_before_is_broken():
    assert judge(9, [18, 20], 0.5) == "found 9 reports, earlier runs found up to 20"


def test_a_few_fewer_is_fine():
    assert judge(17, [18, 20], 0.5) is None


def test_detected_platform_prefers_specific():
    assert detected_platform(Counter({"generic": 3, "trs": 2})) == "trs"


def test_listing_answered_from_cache_on_304(tmp_path):
    mw = ListingRevalidationMiddleware.from_crawler(get_crawler(settings_dict={"ARCHIVE_DIR": str(tmp_path)}))
    req = Request("http://127.0.0.1:1/col/", meta={"kind": "listing"})
    first = HtmlResponse(req.url, body="<a href='x'>列表</a>".encode(), encoding="utf-8", request=req,
                         headers={"ETag": '"v1"', "Content-Type": "text/html; charset=utf-8"})
    mw.process_response(req, first)
    again = Request(req.url, meta={"kind": "listing"})
    mw.process_request(again)
    cached = mw.process_response(again, HtmlResponse(req.url, status=304, body=b"", request=again))
    assert (again.headers.get("If-None-Match"), cached.status, cached.body, "cached" in cached.flags) == (
        b'"v1"', 200, first.body, True)


def test_settings_declared_once():
    """Every NIANBAO_… setting a component reads has its one default in crawler/settings.py, read by setting()."""
    root = Path(crawler_settings.__file__).parent
    code = "\n".join(p.read_text(encoding="utf-8") for p in root.rglob("*.py") if p.name != "settings.py")
    read = set(re.findall(r"\"(NIANBAO_[A-Z_]+)\"", code))
    assert read and read <= {name for name in dir(crawler_settings) if name.startswith("NIANBAO_")}
    assert not re.search(r"settings\.get\w*\(\s*\"NIANBAO_", code)


def test_setting_defaults_without_project_settings():
    bare = get_crawler().settings
    given = Settings({"NIANBAO_REVALIDATE_AFTER_DAYS": "0.5", "NIANBAO_SKIP_KNOWN": "0"})  # as `-s` gives them
    assert (setting(bare, "NIANBAO_MAX_LISTING_PAGES"), setting(bare, "NIANBAO_CHARSET_FIX"),
            setting(given, "NIANBAO_REVALIDATE_AFTER_DAYS"), setting(given, "NIANBAO_SKIP_KNOWN")) == (
        200, True, 0.5, False)
