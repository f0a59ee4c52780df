"""The item pipeline: writing originals into the archive (``archive.originals.store.ArchiveStore``) and knowing what it
already holds.

``ArchiveIndex`` reads ``fetches.jsonl`` once per crawl and answers: is this URL known (so a second crawl does
not download it again)? which attachments of a known article are still missing (a crawl killed between an
article and its attachments)? ``ArchivePipeline`` stores each ``FetchedDocument`` item: the bytes once
(content-addressed), one ``FetchRecord`` per (url, sha256) — fetching the same bytes at the same URL again
appends nothing, and a changed document at a known URL is a new version beside the old one.

With several crawl processes on one archive (``nianbao crawl --redis``, ``NIANBAO_FETCH_LOG_ID``) each writes
its own fetch log, and the index reads what the others append (at most every
``NIANBAO_INDEX_REFRESH_SECONDS``, and always before writing a record), so a document another process stored
is known here too and not recorded twice. The shared frontier's duplicate filter is the main guard: it hands
every URL to one process only.

Writing waits for the disk (every object and every record is flushed with ``fsync`` before it counts), so
during a crawl the pipeline writes in the reactor's thread pool, several documents at once, while Scrapy goes
on downloading and parsing; the decision what a document is (new, changed, unchanged) and the index itself are
taken under a lock, so concurrent writes record each (url, sha256) once.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.exceptions import DropItem
from tenacity import RetryError, retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from archive.originals.store import ArchiveStore, FetchLogTail, FetchRecord
from crawler.platforms.base import canonical_url
from crawler.run_record import RunTally
from crawler.settings import setting

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

_CRAWLER_ATTR = "_nianbao_archive_index"
_PROCESS_ID: str | None = None


def process_id() -> str:
    """This process's name among several crawling one archive: host, pid and a random part (file-name safe)."""
    global _PROCESS_ID
    if _PROCESS_ID is None:
        host = "".join(c if c.isalnum() or c in "-_" else "-" for c in socket.gethostname())[:40] or "host"
        _PROCESS_ID = f"{host}-{os.getpid()}-{secrets.token_hex(3)}"
    return _PROCESS_ID


@dataclass
class FetchedDocument:
    """A document as fetched, on its way to the archive (the spider's item)."""

    body: bytes = field(repr=False)  # never in a log line: a storage error names the URL and the reason
    url: str
    final_url: str
    status: int
    content_type: str
    headers: dict
    source_id: str
    role: str  # article | attachment
    parent_url: str | None = None
    title: str | None = None
    published: str | None = None
    extra: dict = field(default_factory=dict)


DOCUMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et", ".ofd")
MIN_DOCUMENT_BYTES = 16  # a stub (an empty answer, "error") is shorter than any document file


def suspect_body(doc: FetchedDocument) -> str | None:
    """Why a body is not what its link promised — an HTML page (a WAF, a login or an error page) where a
    document file was linked, or a stub of a few bytes — or None. Such a body is kept, and asked for again."""
    if doc.role != "attachment":
        return None
    path = urlsplit(doc.final_url or doc.url).path.lower()
    if not path.endswith(DOCUMENT_EXTENSIONS):
        return None
    head = doc.body[:1024].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script")):
        return f"an HTML page where a {path.rsplit('.', 1)[1]} file was linked"
    if len(doc.body) < MIN_DOCUMENT_BYTES:
        return f"a body of {len(doc.body)} bytes"
    return None


class ArchiveIndex:
    """What the archive holds, by canonical URL, kept current as the crawl writes."""

    def __init__(self, store: ArchiveStore, refresh_seconds: float = 2.0):
        self.store = store
        self.by_url: dict[str, set[str]] = {}  # canonical url -> shas recorded for it
        self.latest: dict[str, FetchRecord] = {}  # canonical url -> last record
        self.articles: dict[str, FetchRecord] = {}  # canonical article url -> last article record
        self.good: set[str] = set()  # canonical urls with a body that is what the link promised
        # With a per-process fetch log, other processes write the archive too: follow their logs.
        self.tail = FetchLogTail(store, skip_own=False) if store.writer else None
        self.refresh_seconds = refresh_seconds
        self.refreshed = 0.0
        # write() runs in worker threads during a crawl: the index and the decision new/changed/unchanged are
        # taken under this lock; (canonical url, sha256) pairs being recorded right now are in `pending`.
        self.lock = threading.RLock()
        self.pending: set[tuple[str, str]] = set()
        self.record_lock = threading.Lock()  # records are appended one at a time (one fetch log, in order)
        if self.tail is None:
            for rec in store.fetches():
                self._add(rec)
        else:
            self.refresh(force=True)

    def refresh(self, force: bool = False) -> int:
        """Take in what other processes appended to their fetch logs since the last look; how many records."""
        if self.tail is None or (not force and time.monotonic() - self.refreshed < self.refresh_seconds):
            return 0
        with self.lock:
            self.refreshed = time.monotonic()
            new = self.tail.read()
            for rec in new:
                self._add(rec)
        return len(new)

    @classmethod
    def for_crawler(cls, crawler: Crawler) -> ArchiveIndex:
        """One index per crawl, shared by the spider, the middlewares and the pipeline."""
        index = getattr(crawler, _CRAWLER_ATTR, None)
        if index is None:
            directory = crawler.settings.get("ARCHIVE_DIR")
            if not directory:
                raise ValueError("ARCHIVE_DIR is not set (nianbao crawl --archive-dir DIR, or -s ARCHIVE_DIR=DIR)")
            writer = setting(crawler.settings, "NIANBAO_FETCH_LOG_ID")
            writer = process_id() if writer == "auto" else (writer or None)
            index = cls(ArchiveStore(directory, writer=writer),
                        refresh_seconds=setting(crawler.settings, "NIANBAO_INDEX_REFRESH_SECONDS"))
            setattr(crawler, _CRAWLER_ATTR, index)
        return index

    def _add(self, rec: FetchRecord) -> None:
        for url in {rec.url, rec.final_url}:
            if not url:
                continue
            key = canonical_url(url)
            self.by_url.setdefault(key, set()).add(rec.sha256)
            self.latest[key] = rec
            if not rec.extra.get("suspect"):
                self.good.add(key)
        if rec.role == "article":
            self.articles[canonical_url(rec.url)] = rec

    def known(self, url: str) -> bool:
        """Does the archive hold what this URL promised? A suspect body (an error page, a stub) does not count:
        the URL is asked for again on the next run."""
        self.refresh()
        return canonical_url(url) in self.good

    def has(self, url: str, sha256: str) -> bool:
        return sha256 in self.by_url.get(canonical_url(url), ())

    def last_record(self, url: str) -> FetchRecord | None:
        return self.latest.get(canonical_url(url))

    def missing_attachments(self, source_ids: set[str] | None = None) -> list[tuple[FetchRecord, dict]]:
        """(article record, attachment link) for attachments a stored article lists but the archive lacks."""
        out = []
        with self.lock:  # a snapshot: during a crawl, writer threads add to the index
            articles = list(self.articles.values())
        for rec in articles:
            if source_ids is not None and rec.source_id not in source_ids:
                continue
            for link in rec.extra.get("attachments", []):
                if not self.known(link["url"]):
                    out.append((rec, link))
        return out

    @retry(retry=retry_if_exception_type(OSError), stop=stop_after_attempt(4),
           wait=wait_exponential(multiplier=0.2, max=3), reraise=True)
    def _put(self, body: bytes) -> str:
        """Objects are written outside Scrapy, so a transient file-system error is retried here (tenacity)."""
        return self.store.put(body)

    @retry(retry=retry_if_exception_type(OSError), stop=stop_after_attempt(4),
           wait=wait_exponential(multiplier=0.2, max=3), reraise=True)
    def _record(self, rec: FetchRecord) -> None:
        with self.record_lock:
            self.store.record(rec)

    def write(self, doc: FetchedDocument) -> tuple[str, str]:
        """Store a fetched document; answer (sha256, outcome) with outcome new | changed | unchanged.

        Safe to call from several threads at once: the object is written outside the lock (content-addressed,
        atomic), the record is decided under it and written outside it, and enters the index once it is on disk."""
        sha = self._put(doc.body)
        key = (canonical_url(doc.url), sha)
        with self.lock:
            self.refresh(force=True)  # another process may have just recorded this very document
            if self.has(doc.url, sha) or key in self.pending:
                return sha, "unchanged"
            outcome = "changed" if self.known(doc.url) else "new"
            self.pending.add(key)
        try:
            suspect = suspect_body(doc)
            rec = FetchRecord(
                sha256=sha, url=doc.url, final_url=doc.final_url, status=doc.status, content_type=doc.content_type,
                size=len(doc.body), fetched_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                source_id=doc.source_id, role=doc.role, headers=doc.headers, parent_url=doc.parent_url,
                title=doc.title, published=doc.published,
                extra=dict(doc.extra, suspect=suspect) if suspect else doc.extra,
            )
            self._record(rec)
            with self.lock:
                self._add(rec)
        finally:
            with self.lock:
                self.pending.discard(key)
        return sha, outcome


class ArchivePipeline:
    """Item pipeline: every ``FetchedDocument`` into the archive, counted per source in the crawl stats.

    Once the spider is open (a running crawl), each write goes to the reactor's thread pool and
    ``process_item`` answers a Deferred: waiting for ``fsync`` no longer stalls downloading and parsing. Called
    outside a crawl (tests), it writes in the calling thread."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.index = ArchiveIndex.for_crawler(crawler)
        self.threaded = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        return cls(crawler)

    def open_spider(self, spider=None):
        self.threaded = True

    def process_item(self, item, spider=None):
        if not isinstance(item, FetchedDocument):
            return item
        if not self.threaded:
            try:
                result = self.index.write(item)
            except (OSError, RetryError) as exc:
                self._failed(item, exc)
            return self._stored(item, result)
        from twisted.internet import threads

        d = threads.deferToThread(self.index.write, item)
        d.addCallbacks(lambda result: self._stored(item, result),
                       lambda failure: self._failed(item, failure.value) if failure.check(OSError, RetryError)
                       else failure)
        return d

    def _failed(self, item: FetchedDocument, exc: BaseException):
        """The disk refused the document, after tenacity's retries: a storage failure of its source."""
        reason = str(exc.last_attempt.exception() if isinstance(exc, RetryError) else exc)[:300]
        RunTally.for_crawler(self.crawler).failure(item.source_id, item.url, "storage", reason)
        self.crawler.stats.inc_value("nianbao/storage_errors")
        raise DropItem(f"not stored: {item.url}: {reason}") from None

    def _stored(self, item: FetchedDocument, result: tuple[str, str]):
        sha, outcome = result
        tally = RunTally.for_crawler(self.crawler)
        tally.document(item.source_id, item.role, outcome)
        reason = suspect_body(item)
        if reason and outcome != "unchanged":
            tally.failure(item.source_id, item.url, "suspect body", f"{reason}; asked for again next run")
        stats = self.crawler.stats
        stats.inc_value(f"nianbao/documents_{outcome}")
        if outcome != "unchanged":
            stats.inc_value("nianbao/bytes_stored", len(item.body))
        logger.debug("archived %s %s (%s, %s)", item.role, item.url, sha[:12], outcome)
        return item
