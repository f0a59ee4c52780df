"""Downloader middlewares of the crawler, each switched by a ``NIANBAO_…`` setting.

- ``SourceScopeMiddleware``: a request made for a source stays on that source's own hosts (host *and* port),
  redirects included — stricter than Scrapy's OffsiteMiddleware, which ignores ports and lets
  ``dont_filter`` requests through.
- ``KnownDocumentMiddleware``: drops a queued article/attachment request whose URL the archive already holds
  (a resumed ``JOBDIR`` queue may still carry requests made before the kill).
- ``ListingRevalidationMiddleware``: conditional requests for listing pages. It keeps the last listing body
  with its ``ETag``/``Last-Modified`` under ``ARCHIVE_DIR/crawler-state/listings/`` and sends
  ``If-None-Match``/``If-Modified-Since``; a 304 is answered from the kept body (flag ``cached``).
- ``CharsetMiddleware``: sets the encoding of HTML/text responses from their bytes (``pipeline.encoding``), so
  GBK pages that claim UTF-8 decode right.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, TextResponse
from scrapy.responsetypes import responsetypes

from archive.originals.layout import ArchiveLayout
from archive.originals.store import write_atomic
from crawler.pipelines import ArchiveIndex
from crawler.run_record import RunTally
from crawler.settings import setting
from pipeline.encoding import detect_encoding

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class OutOfScope(IgnoreRequest):
    """A request left the hosts of its source."""


class AlreadyArchived(IgnoreRequest):
    """The archive holds this document already."""


class SourceScopeMiddleware:
    """Every request of a source, and every redirect hop of it (Scrapy re-schedules a redirect as a new request
    through these middlewares), stays on the source's own hosts and port (`Source.in_scope`). Nothing in a URL
    (a path, a query ending in /robots.txt) can make an exception."""

    def __init__(self, crawler: Crawler):
        if not setting(crawler.settings, "NIANBAO_SCOPE_ENABLED"):
            raise NotConfigured
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SourceScopeMiddleware:
        return cls(crawler)

    def process_request(self, request, spider=None):
        spider = spider or self.crawler.spider
        sid = request.meta.get("source_id")
        sources = getattr(spider, "sources", None)
        if not sid or not sources or sid not in sources:
            return None  # Scrapy's own requests (robots.txt) carry no source: they follow an in-scope request
        if not sources[sid].in_scope(request.url):
            RunTally.for_crawler(self.crawler).source(sid).offsite += 1
            self.crawler.stats.inc_value("nianbao/offsite_dropped")
            raise OutOfScope(f"{request.url} is outside the hosts of source {sid}")
        return None


class KnownDocumentMiddleware:
    def __init__(self, crawler: Crawler):
        if not setting(crawler.settings, "NIANBAO_SKIP_KNOWN"):
            raise NotConfigured
        self.crawler = crawler
        self.index = ArchiveIndex.for_crawler(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> KnownDocumentMiddleware:
        return cls(crawler)

    def process_request(self, request, spider=None):
        if request.meta.get("kind") not in ("article", "attachment") or request.meta.get("revalidate"):
            return None
        if self.index.known(request.url):
            self.crawler.stats.inc_value("nianbao/known_dropped")
            raise AlreadyArchived(request.url)
        return None


class ListingRevalidationMiddleware:
    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        if not setting(settings, "NIANBAO_CONDITIONAL_LISTINGS") or not settings.get("ARCHIVE_DIR"):
            raise NotConfigured
        self.crawler = crawler
        self.dir = ArchiveLayout(settings.get("ARCHIVE_DIR")).listings
        self.max_bytes = setting(settings, "NIANBAO_LISTING_CACHE_MAX_BYTES")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ListingRevalidationMiddleware:
        return cls(crawler)

    def _key(self, request) -> str:
        fp = self.crawler.request_fingerprinter.fingerprint(request)
        return hashlib.sha1(fp).hexdigest()

    def _paths(self, key: str) -> tuple[Path, Path]:
        return self.dir / key[:2] / f"{key}.json", self.dir / key[:2] / f"{key}.body"

    def _load(self, key: str) -> dict | None:
        meta_path, body_path = self._paths(key)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            meta["body"] = body_path.read_bytes()
        except (OSError, ValueError):
            return None
        if hashlib.sha256(meta["body"]).hexdigest() != meta.get("sha256"):
            return None  # torn write: ignore
        return meta

    def _save(self, key: str, response) -> None:
        meta_path, body_path = self._paths(key)
        meta_path.parent.mkdir(parents=True, exist_ok=True)
        headers = {k.decode("latin-1"): [v.decode("latin-1") for v in vs] for k, vs in response.headers.items()}
        meta = {"url": response.url, "status": response.status, "headers": headers,
                "sha256": hashlib.sha256(response.body).hexdigest()}
        for path, data in ((body_path, response.body), (meta_path, json.dumps(meta).encode("utf-8"))):
            write_atomic(path, data, durable=False)

    def process_request(self, request, spider=None):
        if request.meta.get("kind") != "listing":
            return None
        entry = self._load(self._key(request))
        if entry is None:
            return None
        headers = {k.lower(): v for k, v in entry["headers"].items()}
        if headers.get("etag"):
            request.headers.setdefault("If-None-Match", headers["etag"][0])
        if headers.get("last-modified"):
            request.headers.setdefault("If-Modified-Since", headers["last-modified"][0])
        return None

    def process_response(self, request, response, spider=None):
        if request.meta.get("kind") != "listing":
            return response
        key = self._key(request)
        if response.status == 304:
            entry = self._load(key)
            if entry is None:
                return response
            self.crawler.stats.inc_value("nianbao/listing_not_modified")
            headers = {k: v for k, v in entry["headers"].items()}
            cls = responsetypes.from_args(headers=headers, url=entry["url"], body=entry["body"])
            return cls(url=entry["url"], status=200, headers=headers, body=entry["body"], request=request,
                       flags=["cached"])
        if response.status == 200 and len(response.body) <= self.max_bytes and (
                b"ETag" in response.headers or b"Last-Modified" in response.headers):
            self._save(key, response)
        return response


class CharsetMiddleware:
    def __init__(self, crawler: Crawler):
        if not setting(crawler.settings, "NIANBAO_CHARSET_FIX"):
            raise NotConfigured
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CharsetMiddleware:
        return cls(crawler)

    def process_response(self, request, response, spider=None):
        if not isinstance(response, TextResponse) or not response.body:
            return response
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        codec = detect_encoding(response.body, content_type)
        declared = response.encoding
        if codec.replace("_", "-") == (declared or "").replace("_", "-"):
            return response
        if codec != "utf-8" or (declared and declared.lower() not in ("utf-8", "utf8")):
            self.crawler.stats.inc_value("nianbao/charset_corrected")
            logger.debug("decoding %s as %s (declared %s)", response.url, codec, declared)
        kind = HtmlResponse if isinstance(response, HtmlResponse) else type(response)
        return response.replace(cls=kind, encoding=codec)
