"""What a crawl did, per source, written to ``ARCHIVE_DIR/runs/<run_id>.json``; broken sources named.

``RunTally`` is filled during the crawl by the spider (listing pages, reports found, failures) and the
archive pipeline (documents new / changed). At the end ``RunRecorder`` (an extension) judges each source:

- *broken* when it yielded no report at all (whatever the reason: dead host, changed layout, empty column);
- *broken* when it found far fewer reports than earlier runs did (fewer than ``NIANBAO_BROKEN_RATIO`` ×
  the most any of the last ``NIANBAO_HISTORY_RUNS`` runs found), because reports are never taken down in
  bulk — a drop means the listing or the pager stopped working.

The record's shape is `archive.originals.runs.CrawlRun` (one shape for the writer here and every reader);
the file is written atomically; ``nianbao crawl`` exits non-zero when a source is broken.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured

from archive.originals.layout import ArchiveLayout
from archive.originals.runs import CrawlRun, SourceRun, read_runs, write_run
from crawler.settings import setting

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

_CRAWLER_ATTR = "_nianbao_run_tally"
MAX_FAILURES_KEPT = 200


def utcnow() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def new_run_id(now: dt.datetime | None = None) -> str:
    """A run id unique across processes and machines, sorting by start time (to the microsecond):
    ``20261201T035209.123456Z-<pid>-<8 random hex>`` — several crawl processes started in one second
    (``nianbao crawl --redis``) on one or several hosts each get their own ``runs/<run_id>.json``."""
    now = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
    return f"{now:%Y%m%dT%H%M%S.%fZ}-{os.getpid()}-{secrets.token_hex(4)}"


@dataclass
class SourceTally:
    platform: str = ""
    detected: Counter = field(default_factory=Counter)  # platform recognised per listing page (auto)
    listing_pages: int = 0
    listing_not_modified: int = 0
    listing_pages_capped: bool = False
    reports: set = field(default_factory=set)  # canonical URLs of listed reports
    not_reports: int = 0
    known_skipped: int = 0
    offsite: int = 0
    counts: Counter = field(default_factory=Counter)  # "<role>s_<outcome>" from the pipeline
    failures: list = field(default_factory=list)  # {url, kind, reason}
    listing_gap: str | None = None  # a listing page that pages by script, which no strategy could page
    browser_pages: int = 0  # listing pages reached in the headless browser (platform = browser)


def gap_note(url: str | None) -> str | None:
    """The run record's word for a listing whose further pages no strategy could reach."""
    if not url:
        return None
    return (f"only the first page reachable: {url} pages by script and no strategy could page it "
            "(try platform = browser)")


class RunTally:
    def __init__(self) -> None:
        self.run_id = new_run_id()
        self.started_at = utcnow()
        self.sources: dict[str, SourceTally] = {}

    @classmethod
    def for_crawler(cls, crawler: Crawler) -> RunTally:
        tally = getattr(crawler, _CRAWLER_ATTR, None)
        if tally is None:
            tally = cls()
            setattr(crawler, _CRAWLER_ATTR, tally)
        return tally

    def source(self, sid: str) -> SourceTally:
        return self.sources.setdefault(sid, SourceTally())

    def failure(self, sid: str, url: str, kind: str, reason: str) -> None:
        tally = self.source(sid)
        if len(tally.failures) < MAX_FAILURES_KEPT:
            tally.failures.append({"url": url, "kind": kind, "reason": reason})

    def document(self, sid: str, role: str, outcome: str) -> None:
        self.source(sid).counts[f"{role}s_{outcome}"] += 1


def detected_platform(counts: Counter) -> str | None:
    """The platform most listing pages of an ``auto`` source looked like (a specific one before generic)."""
    specific = Counter({k: v for k, v in counts.items() if k != "generic"})
    if specific:
        return specific.most_common(1)[0][0]
    return "generic" if counts else None


def judge(found: int, history: list[int], ratio: float) -> str | None:
    """Why a source counts as broken, or None."""
    if found == 0:
        return "no reports found"
    if history:
        best = max(history)
        if best > 0 and found < ratio * best:
            return f"found {found} reports, earlier runs found up to {best}"
    return None


class RunRecorder:
    """Extension: writes the run record when the spider closes (``NIANBAO_RUN_RECORD``, on by default)."""

    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        if not setting(settings, "NIANBAO_RUN_RECORD"):
            raise NotConfigured
        directory = settings.get("ARCHIVE_DIR")
        if not directory:
            raise NotConfigured
        self.crawler = crawler
        self.layout = ArchiveLayout(directory)
        self.ratio = setting(settings, "NIANBAO_BROKEN_RATIO")
        self.history = setting(settings, "NIANBAO_HISTORY_RUNS")
        self.tally = RunTally.for_crawler(crawler)
        self.path: Path | None = None
        self.record: CrawlRun | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRecorder:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.spider_error, signal=signals.spider_error)
        return ext

    def spider_error(self, failure, response, spider) -> None:
        """A bug or an unexpected page in a callback: a failure of that source, with the exception as reason."""
        sid = (response.meta.get("source_id") if response is not None and response.request else None) or "?"
        exc = failure.value
        self.tally.failure(sid, getattr(response, "url", ""), "spider error", f"{type(exc).__name__}: {exc}"[:300])

    def spider_closed(self, spider, reason: str) -> None:
        self.record = self.build(spider, reason)
        self.path = write_run(self.layout, self.record)
        self.crawler.stats.set_value("nianbao/run_file", str(self.path))
        self.crawler.stats.set_value("nianbao/broken_sources", self.record.broken_sources)
        for sid in self.record.broken_sources:
            spider.logger.error("source %s is broken: %s", sid, self.record.sources[sid].error)

    def build(self, spider, reason: str) -> CrawlRun:
        history = [r for r in reversed(read_runs(self.layout)) if r.complete][:self.history]
        sources = getattr(spider, "sources", {}) or {}
        per_source: dict[str, SourceRun] = {}
        for sid in sorted(set(sources) | set(self.tally.sources)):
            t = self.tally.source(sid)
            found = len(t.reports)
            earlier = [r.sources[sid].reports_found for r in history if sid in r.sources]
            why = judge(found, earlier, self.ratio)
            if why and t.failures:
                reasons = Counter(f["reason"] for f in t.failures)
                why += " (" + "; ".join(f"{r} ×{n}" if n > 1 else r for r, n in reasons.most_common(3)) + ")"
            if why and t.listing_pages_capped:
                why += " (listing stopped at NIANBAO_MAX_LISTING_PAGES)"
            c = t.counts
            per_source[sid] = SourceRun(
                status="broken" if why else "ok", ok=why is None, error=why,
                platform=t.platform or getattr(sources.get(sid), "platform", ""),
                detected_platform=detected_platform(t.detected), listing_pages=t.listing_pages,
                listing_not_modified=t.listing_not_modified, listing_pages_capped=t.listing_pages_capped,
                reports_found=found, reports_already_archived=t.known_skipped, not_reports_listed=t.not_reports,
                new=c["articles_new"], changed=c["articles_changed"], unchanged=c["articles_unchanged"],
                attachments_new=c["attachments_new"], attachments_changed=c["attachments_changed"],
                documents_new=c["articles_new"] + c["attachments_new"], offsite_links_dropped=t.offsite,
                failed=len(t.failures), failures=t.failures, earlier_reports_found=max(earlier) if earlier else None,
                listing_gap=gap_note(t.listing_gap),
            )
        broken = [sid for sid, e in per_source.items() if not e.ok]
        stats = self.crawler.stats
        return CrawlRun(
            run_id=self.tally.run_id, started_at=self.tally.started_at, finished_at=utcnow(), finish_reason=reason,
            status="broken" if broken else ("ok" if reason == "finished" else reason), broken_sources=broken,
            elapsed_seconds=stats.get_value("elapsed_time_seconds"),
            requests=stats.get_value("downloader/request_count", 0),
            responses=stats.get_value("downloader/response_count", 0),
            documents_new=sum(e.documents_new for e in per_source.values()), jobdir=self.crawler.settings.get("JOBDIR"),
            jobdir_queue_discarded=bool(stats.get_value("nianbao/jobdir_queue_discarded")), sources=per_source,
        )
