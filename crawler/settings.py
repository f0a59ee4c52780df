"""Scrapy settings of the nianbao crawler (``scrapy.cfg`` → ``crawler.settings``).

Polite by default: robots.txt obeyed, AutoThrottle on, at most 2 concurrent requests per host, an identifying
User-Agent with a contact URL. ``nianbao crawl --no-polite`` (tests, benchmarks against the local farm) lifts
the rate limits only; robots.txt and the per-source host scope always hold.

Our own settings are namespaced ``NIANBAO_…``; ``ARCHIVE_DIR`` says where originals go. Each is declared here
once, with its default; components read it with ``setting(settings, NAME)`` (below), never with a default
of their own.
"""

from __future__ import annotations

import os

BOT_NAME = "nianbao"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Where originals go (archive.originals.store layout). `nianbao crawl --archive-dir` / `-s ARCHIVE_DIR=…`. Read as is, not
# through setting(): a crawler built without this module must be given one (no run record, no listing cache else).
ARCHIVE_DIR = os.environ.get("NIANBAO_ARCHIVE_DIR", "demo-data/archive")

# --- politeness -------------------------------------------------------------------------------------------
# Identifies the crawler and says where to reach its operator: set NIANBAO_CONTACT_URL when you deploy.
NIANBAO_CONTACT_URL = os.environ.get("NIANBAO_CONTACT_URL", "https://github.com/nianbao/nianbao/issues")
USER_AGENT = f"nianbao-crawler/0.1 (+{NIANBAO_CONTACT_URL}; archive of government information-disclosure annual reports)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # ±50 %
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
COOKIES_ENABLED = False
# Scrapy starts this many tasks per response to handle its callback's output, however little it yields; ours
# yield a handful (an article: its document and attachment requests; a listing: its items and pages).
CONCURRENT_ITEMS = 16
TELNETCONSOLE_ENABLED = False
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 200 * 1024 * 1024
DOWNLOAD_WARNSIZE = 50 * 1024 * 1024
# Scrapy's retry for requests (transient failures); permanent ones are recorded in the run record.
RETRY_ENABLED = True
RETRY_TIMES = 2
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9",
}

# Settings applied by `nianbao crawl --no-polite` (and the tests): the local farm only. No delays, and Scrapy's
# own concurrency (16 in all, 8 per host): more connections at once to one small server gain nothing and can
# lose a lot — a server with a short listen backlog (`python -m http.server`: 5) drops the surplus SYNs and
# each dropped one costs the client a 1-second retransmit (a 2,100-page column took 3× as long at 32/16).
NOT_POLITE = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "DOWNLOAD_DELAY_JITTER": 0,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
}

# --- components -----------------------------------------------------------------------------------------
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.SourceScopeMiddleware": 60,
    "crawler.middlewares.KnownDocumentMiddleware": 70,
    # process_response runs from high to low numbers: these see bodies after HttpCompression (590).
    "crawler.middlewares.ListingRevalidationMiddleware": 575,
    "crawler.middlewares.CharsetMiddleware": 570,
}
ITEM_PIPELINES = {
    "crawler.pipelines.ArchivePipeline": 300,
}
EXTENSIONS = {
    "crawler.run_record.RunRecorder": 500,
    "crawler.state.JobdirGuard": 0,  # only with JOBDIR: a killed crawl's queue is discarded, not misread
}

# --- nianbao ------------------------------------------------------------------------------------------------
# Read with setting(), which types the value like the default declared here (so a float stays a float).
NIANBAO_SOURCES = ""  # default source registry when `-a sources=` is not given ("" = crawler/sources.csv)
NIANBAO_MAX_LISTING_PAGES = 200  # per source and run: a pager loop cannot run away
NIANBAO_SKIP_KNOWN = True  # articles/attachments whose URL the archive holds are not downloaded again
NIANBAO_REVALIDATE_KNOWN = False  # instead, ask again with If-None-Match/If-Modified-Since (finds corrections)
NIANBAO_REVALIDATE_AFTER_DAYS = 30.0  # …and do so anyway for documents last fetched this long ago (0: never)
NIANBAO_CONDITIONAL_LISTINGS = True  # conditional requests for listing pages (ListingRevalidationMiddleware)
NIANBAO_LISTING_CACHE_MAX_BYTES = 5 * 1024 * 1024  # larger listing bodies are not kept for answering a 304
NIANBAO_CHARSET_FIX = True  # CharsetMiddleware: decode HTML/text responses by their bytes
NIANBAO_SCOPE_ENABLED = True  # SourceScopeMiddleware: requests stay on their source's hosts (and ports)
NIANBAO_RUN_RECORD = True  # RunRecorder: write ARCHIVE_DIR/runs/<run_id>.json and judge broken sources
NIANBAO_BROKEN_RATIO = 0.5  # fewer than this share of the best earlier count = broken
NIANBAO_HISTORY_RUNS = 5  # how many earlier run records the broken-source rule looks back on
NIANBAO_GONE_RECHECK_DAYS = 7.0  # a 404/410 document URL is asked again after this many days (0: every run)
# --- several crawl processes (`nianbao crawl --redis URL`; crawler/frontier.py) -----------------------------
# `--redis` adds crawler.frontier's scheduler, SharedFrontier (extension) and SharedHostThrottle (middleware).
NIANBAO_REDIS_URL = ""  # redis://HOST:PORT/DB of the shared frontier ("" = one process, Scrapy's own scheduler)
NIANBAO_REDIS_PREFIX = "nianbao"  # key prefix in Redis: crawls of different archives need different prefixes/DBs
NIANBAO_WORKER_TTL = 60.0  # seconds: a crawl process silent this long counts as dead for the shared frontier
NIANBAO_FETCH_LOG_ID = ""  # this process's own fetch log fetches.<id>.jsonl ("" = fetches.jsonl; "auto" = unique)
NIANBAO_INDEX_REFRESH_SECONDS = 2.0  # how often the index of archived URLs reads the other processes' logs

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"


def setting(settings, name: str):
    """Our setting ``name`` from a crawler's ``settings``, typed like its default above.

    A Settings object built without this module (``scrapy.utils.test.get_crawler()``, a bare ``Settings()``)
    gets the default declared here: this is the one place a component finds it.
    """
    default = globals()[name]
    if settings.get(name) is None:
        return default
    if isinstance(default, bool):
        return settings.getbool(name)
    if isinstance(default, int):
        return settings.getint(name)
    if isinstance(default, float):
        return settings.getfloat(name)
    return settings.get(name)
