"""The one spider: every source's report column, its reports and their attachments, into the archive.

    scrapy crawl reports -a sources=FILE -s ARCHIVE_DIR=DIR [-a only=id1,id2] [-s JOBDIR=DIR]

Per source the platform strategy (``crawler/platforms``) reads listing pages and names further pages; the
spider decides from each listed title whether it is a report (``crawler.classify``), skips what the archive
already holds, fetches the report page and the documents it links, and yields each as a
``FetchedDocument`` for the archive pipeline.

Every request carries plain meta only and spider-method callbacks, so a ``JOBDIR`` queue can be pickled.
Listing and document requests bypass Scrapy's duplicate filter (``dont_filter``) and are de-duplicated
here and by the archive instead: after a SIGKILL a resumed crawl re-derives everything that was in
flight, and the archive's idempotent writes make a second fetch harmless.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import scrapy
from scrapy.http import FormRequest, Request, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from archive.originals.layout import ArchiveLayout
from archive.originals.runs import read_sources
from archive.originals.store import write_atomic
from crawler.classify import NOT_REPORT, UNCERTAIN, classify_title
from crawler.middlewares import AlreadyArchived, OutOfScope
from crawler.pipelines import ArchiveIndex, FetchedDocument
from crawler.platforms import article_titles, canonical_url, detect_platform, get_strategy
from crawler.platforms.base import PageRequest, script_pager
from crawler.platforms.browser import COLLECT_JS, browser_bounds, chromium_path
from crawler.run_record import RunTally
from crawler.settings import setting
from crawler.sources import DEFAULT_REGISTRY, Source, load_sources, normalise_netloc
from crawler.state import GONE_STATUSES, CheckLog, GoneRegistry

HTML_TYPES = ("text/html", "application/xhtml", "text/plain", "text/xml", "application/xml")


def header_dict(headers) -> dict[str, str]:
    out = {}
    for key, values in headers.items():
        name = key.decode("latin-1")
        texts = []
        for v in values:
            try:
                texts.append(v.decode("utf-8"))
            except UnicodeDecodeError:
                texts.append(v.decode("latin-1"))
        out[name] = ", ".join(texts)
    return out


def failure_reason(failure) -> str:
    if failure.check(HttpError):
        return f"HTTP {failure.value.response.status}"
    exc = failure.value
    name = type(exc).__name__
    text = str(exc).strip()
    if "Refused" in name or "refused" in text.lower():
        return "connection refused"
    if "DNSLookup" in name:
        return "host name not found"
    if "Timeout" in name or "timed out" in text.lower():
        return "timed out"
    if failure.check(OutOfScope):
        return "off the source's hosts"
    if name == "IgnoreRequest" and "robots" in text.lower():
        return "forbidden by robots.txt"
    return f"{name}: {text[:200]}" if text else name


_LISTING_PATH = re.compile(r"(?:/|/index(?:_\d+)?\.s?html?)$", re.IGNORECASE)


def is_sub_column(source: Source, url: str) -> bool:
    """A listing page below the source's column folder (``…/zfxxgknb/2024n/qzf/``), not the column itself."""
    own, other = urlsplit(source.url), urlsplit(url)
    if normalise_netloc(url) != source.netloc or other.query:
        return False
    folder = own.path if own.path.endswith("/") else own.path.rsplit("/", 1)[0] + "/"
    path = other.path
    if not path.startswith(folder) or not _LISTING_PATH.search(path):
        return False
    rest = re.sub(r"(?:^|/)index(?:_\d+)?\.s?html?$", "", path[len(folder):], flags=re.IGNORECASE)
    return bool(rest.strip("/"))


class ReportsSpider(scrapy.Spider):
    name = "reports"

    # Generator callbacks. Scrapy reads each one's source (ast) to warn about `return value` in a generator, and
    # caches the answer under a weak reference to the bound method: a fresh bound method per request missed
    # that cache whenever the last one had been collected (~300 source parses per 2,000 pages).
    CALLBACKS = ("parse_listing", "parse_article", "parse_attachment")

    def __init__(self, sources: str | None = None, only: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources_path = sources
        self.only = {s.strip() for s in only.split(",") if s.strip()} if only else None
        for name in self.CALLBACKS:  # one bound method per callback, for every request (see CALLBACKS)
            setattr(self, name, getattr(self, name))

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        path = spider.sources_path or setting(settings, "NIANBAO_SOURCES") or DEFAULT_REGISTRY
        loaded = load_sources(path)
        if spider.only:
            unknown = spider.only - {s.id for s in loaded}
            if unknown:
                raise ValueError(f"unknown source id(s): {', '.join(sorted(unknown))}")
            loaded = [s for s in loaded if s.id in spider.only]
        spider.sources = {s.id: s for s in loaded}
        # Scrapy's own offsite filter sees host names; SourceScopeMiddleware adds ports and per-source scope.
        spider.allowed_domains = sorted({urlsplit(s.url).hostname for s in loaded}
                                        | {h.split(":")[0] for s in loaded for h in s.hosts})
        spider.index = ArchiveIndex.for_crawler(crawler)
        spider.tally = RunTally.for_crawler(crawler)
        spider.max_pages = setting(settings, "NIANBAO_MAX_LISTING_PAGES")
        spider.skip_known = setting(settings, "NIANBAO_SKIP_KNOWN")
        spider.revalidate = setting(settings, "NIANBAO_REVALIDATE_KNOWN")
        spider.revalidate_after = setting(settings, "NIANBAO_REVALIDATE_AFTER_DAYS")
        layout = ArchiveLayout(settings.get("ARCHIVE_DIR"))
        spider.gone = GoneRegistry(layout.gone, setting(settings, "NIANBAO_GONE_RECHECK_DAYS"))
        spider.checks = CheckLog(layout.checked)
        spider._listing_seen: dict[str, set[str]] = {}
        spider._scheduled: set[str] = set()
        spider._items_seen: dict[str, set[str]] = {}
        spider.write_sources_copy(layout)
        spider.browser = None
        if any(s.platform == "browser" for s in loaded):
            spider.browser = spider.enable_browser(crawler)
        return spider

    def enable_browser(self, crawler) -> str | None:
        """Route requests through scrapy-playwright's download handler: only when a browser source is crawled
        (settings are not frozen before the spider exists). Requests without ``meta["playwright"]`` still go
        through Scrapy's own HTTP client, so only the browser sources' listing pages start Chromium."""
        executable = chromium_path()
        if executable is None:
            self.logger.error("browser sources need Chromium (scripts/install-system-deps.sh or CHROMIUM_PATH)")
            return None
        try:
            import scrapy_playwright  # noqa: F401
        except ImportError:
            self.logger.error("browser sources need scrapy-playwright (pip install scrapy-playwright)")
            return None
        settings = crawler.settings
        handler = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
        settings.set("DOWNLOAD_HANDLERS", {**settings.getdict("DOWNLOAD_HANDLERS"), "http": handler, "https": handler},
                     priority="spider")
        settings.set("PLAYWRIGHT_BROWSER_TYPE", "chromium", priority="spider")
        settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", {
            "executable_path": executable, "headless": True,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update"],
            "timeout": 30000}, priority="spider")
        settings.set("PLAYWRIGHT_MAX_CONTEXTS", 1, priority="spider")
        settings.set("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT", 2, priority="spider")
        settings.set("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT", 30000, priority="spider")
        # Only pages whose request asks for the browser go through it; robots.txt and documents do not.
        settings.set("PLAYWRIGHT_PROCESS_REQUEST_HEADERS", None, priority="spider")
        return executable

    def write_sources_copy(self, layout: ArchiveLayout) -> None:
        """Keep ARCHIVE_DIR/sources.csv (the database's list of sources) current: merge ours in by id. An
        unreadable copy (damaged bytes) is replaced by ours, with a warning, rather than stopping the crawl."""
        import csv
        import io

        fields = ["id", "name", "division_code", "level", "url", "platform"]
        rows = {sid: {"id": sid, "name": r.get("name") or "", "division_code": r.get("division_code") or "",
                      "level": r.get("level") or "", "url": r.get("column_url") or "", "platform": r.get("platform") or ""}
                for sid, r in read_sources(layout).items()}
        for s in self.sources.values():
            rows[s.id] = {"id": s.id, "name": s.name, "division_code": s.division_code, "level": s.level,
                          "url": s.url, "platform": s.platform}
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows[k] for k in sorted(rows))
        write_atomic(layout.sources_csv, out.getvalue().encode("utf-8"))

    # --- start ----------------------------------------------------------------------------------------------
    async def start(self):
        for source in self.sources.values():
            self.tally.source(source.id).platform = source.platform
            strategy = get_strategy("generic" if source.platform == "auto" else source.platform)
            fragment = urlsplit(source.url).fragment
            for page in strategy.first_requests(source):
                if fragment:  # never sent to the server, but it may name the column (gkmlpt: #<category>)
                    page.info.setdefault("fragment", fragment)
                request = self._listing_request(source, source.platform, page)
                if request is not None:
                    yield request
        # Attachments of archived articles that a killed crawl did not get to.
        for rec, link in self.index.missing_attachments(set(self.sources)):
            request = self._document_request(self.sources[rec.source_id], link["url"], "attachment",
                                             parent_url=rec.url, title=link.get("title"))
            if request is not None:
                yield request

    # --- listings -------------------------------------------------------------------------------------------
    def _listing_request(self, source: Source, platform: str, page: PageRequest) -> Request | None:
        seen = self._listing_seen.setdefault(source.id, set())
        if page.key in seen:
            return None
        if len(seen) >= self.max_pages:
            tally = self.tally.source(source.id)
            if not tally.listing_pages_capped:
                tally.listing_pages_capped = True
                self.logger.warning("%s: stopped at %d listing pages (NIANBAO_MAX_LISTING_PAGES)",
                                    source.id, self.max_pages)
            return None
        seen.add(page.key)
        meta = {"kind": "listing", "source_id": source.id, "platform": platform, "page_info": page.info}
        if source.platform == "browser" and page.method == "GET":
            return self._browser_request(source, page, meta)
        if page.method == "POST":
            return FormRequest(page.url, formdata=page.formdata or {}, headers=page.headers or None, meta=meta,
                               callback=self.parse_listing, errback=self.request_failed, dont_filter=True)
        return Request(page.url, headers=page.headers or None, meta=meta, callback=self.parse_listing,
                       errback=self.request_failed, dont_filter=True)

    def _browser_request(self, source: Source, page: PageRequest, meta: dict) -> Request | None:
        """A listing page loaded and paged in headless Chromium (``platform = browser``)."""
        if self.browser is None:
            self.tally.failure(source.id, page.url, "listing", "browser fallback unavailable (no Chromium or "
                                                              "scrapy-playwright)")
            return None
        from scrapy_playwright.page import PageMethod

        pages, seconds = browser_bounds(source)
        # Not "listing": the conditional-request middleware must not answer a browser page from its cache.
        meta = dict(meta, kind="browser-listing", playwright=True, download_timeout=seconds + 60,
                    playwright_page_methods=[PageMethod("evaluate", COLLECT_JS, {
                        "maxPages": pages, "maxMs": int(seconds * 1000)})])
        return Request(page.url, meta=meta, callback=self.parse_listing, errback=self.request_failed,
                       dont_filter=True)

    def parse_listing(self, response):
        source = self.sources[response.meta["source_id"]]
        tally = self.tally.source(source.id)
        tally.listing_pages += 1
        methods = response.meta.get("playwright_page_methods") or []
        if methods and isinstance(getattr(methods[0], "result", None), int):
            tally.listing_pages += max(0, methods[0].result - 1)  # further pages reached in the browser
            tally.browser_pages += methods[0].result
        if "cached" in response.flags:
            tally.listing_not_modified += 1
        if not isinstance(response, TextResponse):
            self.tally.failure(source.id, response.url, "listing", "listing page is not text")
            return
        requested = response.meta["platform"]
        info = response.meta.get("page_info") or {}
        platform = requested
        if requested == "auto":
            # Pages a strategy asked for continue with it; anything else (the column, its sub-columns) is
            # recognised anew: a landing page may be plain while its sub-columns are TRS.
            platform = info.get("via") or detect_platform(response)
            tally.detected[platform] += 1
            if not info.get("via"):
                self.logger.info("%s: %s looks like %s", source.id, response.url, platform)
        strategy = get_strategy(platform)
        page = strategy.parse_listing(response, info)
        if not page.next_pages and platform != "browser" and not tally.listing_gap and script_pager(response.text):
            # The page pages on by script and this strategy found no way to the next page.
            tally.listing_gap = response.url
            self.logger.warning("%s: only the first page reachable: %s pages by script and the %s strategy cannot "
                                "page it (platform = browser may)", source.id, response.url, platform)
        seen_items = self._items_seen.setdefault(source.id, set())
        fresh = {canonical_url(item.url) for item in page.items} - seen_items
        seen_items |= fresh
        for item in page.items:
            if is_sub_column(source, item.url):
                # Columns split by year or kind of organ (2024n/, qzf/, bmxxgknb/): descend like a pager.
                request = self._listing_request(source, requested, PageRequest(item.url))
                if request is not None:
                    yield request
                continue
            yield from self._consider(source, item, platform, response.url)
        if not fresh and page.items and tally.listing_pages > 1:
            # A page that shows nothing new (a pager the server ignores, a loop): do not follow it further.
            self.logger.debug("%s: %s lists nothing new; not following its pager", source.id, response.url)
            return
        for nxt in page.next_pages:
            if requested == "auto":
                nxt.info.setdefault("via", platform)
            request = self._listing_request(source, requested, nxt)
            if request is not None:
                yield request

    def _consider(self, source: Source, item, platform: str, listing_url: str):
        verdict = classify_title(item.title)
        tally = self.tally.source(source.id)
        if verdict.kind == NOT_REPORT:
            if "信息公开" in item.title or "年报" in item.title or "年度报告" in item.title:
                tally.not_reports += 1
                self.logger.debug("%s: not a report: %s (%s)", source.id, item.title, verdict.reason)
            return
        if not source.in_scope(item.url):
            tally.offsite += 1
            return
        key = canonical_url(item.url)
        if verdict.kind != UNCERTAIN or self.index.known(item.url):
            tally.reports.add(key)
        request = self._document_request(
            source, item.url, "article", title=item.title, published=item.published,
            extra={"year": verdict.year, "platform": platform, "listing_url": listing_url,
                   "uncertain": verdict.kind == UNCERTAIN})
        if request is not None:
            yield request

    # --- documents ------------------------------------------------------------------------------------------
    def _document_request(self, source: Source, url: str, kind: str, *, parent_url: str | None = None,
                          title: str | None = None, published: str | None = None,
                          extra: dict | None = None) -> Request | None:
        key = canonical_url(url)
        if key in self._scheduled:
            return None
        self._scheduled.add(key)
        meta = {"kind": kind, "source_id": source.id, "parent_url": parent_url, "title": title,
                "published": published, "extra": extra or {}, "handle_httpstatus_list": [304]}
        headers = {}
        gone = self.gone.skip(url)
        if gone is not None:
            self.tally.failure(source.id, url, kind, f"HTTP {gone['status']} since {gone['since'][:10]} "
                                                     "(not asked again before NIANBAO_GONE_RECHECK_DAYS)")
            return None
        if self.skip_known and self.index.known(url):
            last = self.index.last_record(url)
            if not (self.revalidate or self._due(last)):
                self.tally.source(source.id).known_skipped += kind == "article"
                return None
            lowered = {k.lower(): v for k, v in (last.headers or {}).items()} if last else {}
            if lowered.get("etag"):
                headers["If-None-Match"] = lowered["etag"]
            if lowered.get("last-modified"):
                headers["If-Modified-Since"] = lowered["last-modified"]
            meta["revalidate"] = True
        callback = self.parse_article if kind == "article" else self.parse_attachment
        return Request(url, headers=headers or None, meta=meta, callback=callback, errback=self.request_failed,
                       dont_filter=True)

    def _due(self, last) -> bool:
        """Is an archived document due for a conditional re-check (NIANBAO_REVALIDATE_AFTER_DAYS)?"""
        if self.revalidate_after <= 0 or last is None:
            return False
        when = max(filter(None, [last.fetched_at, self.checks.last(last.url)]))
        try:
            fetched = dt.datetime.fromisoformat(when.replace("Z", "+00:00"))
        except (TypeError, ValueError):
            return True
        if fetched.tzinfo is None:
            fetched = fetched.replace(tzinfo=dt.timezone.utc)
        return dt.datetime.now(dt.timezone.utc) - fetched >= dt.timedelta(days=self.revalidate_after)

    def _document(self, response, role: str, extra: dict) -> FetchedDocument:
        redirects = response.meta.get("redirect_urls") or []
        url = redirects[0] if redirects else response.url
        if redirects:
            extra = dict(extra, redirects=list(redirects))
        return FetchedDocument(
            body=response.body, url=url, final_url=response.url, status=response.status,
            content_type=response.headers.get(b"Content-Type", b"").decode("latin-1"),
            headers=header_dict(response.headers), source_id=response.meta["source_id"], role=role,
            parent_url=response.meta.get("parent_url"), title=response.meta.get("title"),
            published=response.meta.get("published"), extra=extra)

    @staticmethod
    def _is_html(response) -> bool:
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
        if isinstance(response, TextResponse) and (not ctype or any(t in ctype for t in HTML_TYPES)):
            return response.body[:1024].lstrip()[:1] == b"<" or "html" in ctype
        return False

    def parse_article(self, response):
        source = self.sources[response.meta["source_id"]]
        tally = self.tally.source(source.id)
        if response.meta.get("revalidate"):
            self.checks.checked((response.meta.get("redirect_urls") or [response.url])[0])
        if response.status == 304:
            # Unchanged page: its attachments may still have been replaced in place; ask for them too.
            last = self.index.last_record(response.url)
            for link in (last.extra.get("attachments", []) if last else []):
                request = self._document_request(source, link["url"], "attachment", parent_url=last.url,
                                                 title=link.get("title"), published=last.published)
                if request is not None:
                    yield request
            return
        self.gone.back(response.url)
        extra = dict(response.meta.get("extra") or {})
        is_html = self._is_html(response)
        if extra.pop("uncertain", False):
            candidates = article_titles(response.text, response.url) if is_html else []
            own = next((t for t in candidates if classify_title(t).is_report), "")
            verdict = classify_title(own)
            if not own:
                tally.not_reports += 1
                return
            tally.reports.add(canonical_url(response.meta.get("redirect_urls", [response.url])[0]))
            extra["article_title"] = own
            extra["year"] = extra.get("year") or verdict.year
        links = []
        if is_html:
            extra["encoding"] = response.encoding
            strategy = get_strategy(extra.get("platform") or "generic")
            links = [link for link in strategy.attachments(response)
                     if canonical_url(link.url) != canonical_url(response.url)]
        offsite = [link for link in links if not source.in_scope(link.url)]
        links = [link for link in links if source.in_scope(link.url)]
        tally.offsite += len(offsite)
        extra["attachments"] = [{"url": link.url, "title": link.text} for link in links]
        if offsite:  # provenance only: never fetched (mirrors, other organs' sites)
            extra["offsite_links"] = [{"url": link.url, "title": link.text} for link in offsite]
        yield self._document(response, "article", extra)
        article_url = (response.meta.get("redirect_urls") or [response.url])[0]
        for link in links:
            request = self._document_request(source, link.url, "attachment", parent_url=article_url,
                                             title=link.text, published=response.meta.get("published"))
            if request is not None:
                yield request

    def parse_attachment(self, response):
        if response.meta.get("revalidate"):
            self.checks.checked((response.meta.get("redirect_urls") or [response.url])[0])
        if response.status == 304:
            return
        self.gone.back(response.url)
        yield self._document(response, "attachment", {})

    def closed(self, reason):
        self.gone.save()
        self.checks.save()

    # --- failures -------------------------------------------------------------------------------------------
    def request_failed(self, failure):
        request = failure.request
        if failure.check(AlreadyArchived):
            return
        sid = request.meta.get("source_id")
        if not sid:
            return
        kind = request.meta.get("kind", "?")
        reason = failure_reason(failure)
        self.tally.failure(sid, request.url, kind, reason)
        if kind in ("article", "attachment") and failure.check(HttpError) and \
                failure.value.response.status in GONE_STATUSES:
            self.gone.gone(request.url, failure.value.response.status)
        if failure.check(OutOfScope):
            return
        self.logger.warning("%s: %s %s failed: %s", sid, kind, request.url, reason)
