"""Small crawl state kept beside the archive (``ARCHIVE_DIR/crawler-state/``).

``GoneRegistry``: document URLs that answered 404/410. They are asked again only after
``NIANBAO_GONE_RECHECK_DAYS`` days, so a dead link on a portal does not cost a request on every run;
the run record still lists them as failures.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from archive.originals.store import write_atomic
from crawler.platforms.base import canonical_url

GONE_STATUSES = (404, 410)


def write_json_atomic(path: Path, data) -> None:
    write_atomic(path, (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8"))


class GoneRegistry:
    def __init__(self, path: Path, recheck_days: float):
        self.path = path
        self.recheck = dt.timedelta(days=recheck_days)
        self.entries: dict[str, dict] = {}
        self.dirty = False
        try:
            self.entries = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.entries = {}

    def skip(self, url: str, now: dt.datetime | None = None) -> dict | None:
        """The entry of a URL known gone and not due for a recheck, else None."""
        entry = self.entries.get(canonical_url(url))
        if entry is None or self.recheck.total_seconds() <= 0:
            return None
        now = now or dt.datetime.now(dt.timezone.utc)
        if now - dt.datetime.fromisoformat(entry["checked"]) >= self.recheck:
            return None
        return entry

    def gone(self, url: str, status: int) -> None:
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        key = canonical_url(url)
        entry = self.entries.get(key) or {"status": status, "since": now}
        entry.update(status=status, checked=now)
        self.entries[key] = entry
        self.dirty = True

    def back(self, url: str) -> None:
        if self.entries.pop(canonical_url(url), None) is not None:
            self.dirty = True

    def save(self) -> None:
        if self.dirty:
            write_json_atomic(self.path, self.entries)
            self.dirty = False


class CheckLog:
    """When each archived document URL was last asked (200 or 304), for NIANBAO_REVALIDATE_AFTER_DAYS."""

    def __init__(self, path: Path):
        self.path = path
        self.dirty = False
        try:
            self.entries: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.entries = {}

    def checked(self, url: str) -> None:
        self.entries[canonical_url(url)] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        self.dirty = True

    def last(self, url: str) -> str | None:
        return self.entries.get(canonical_url(url))

    def save(self) -> None:
        if self.dirty:
            write_json_atomic(self.path, self.entries)
            self.dirty = False


class JobdirGuard:
    """Extension: makes a ``JOBDIR`` safe to resume after a SIGKILL.

    Scrapy writes the state of its on-disk request queue (``requests.queue/active.json`` and the queue
    headers) only when a crawl closes cleanly. After a SIGKILL the queue files no longer match that state,
    and reading them can yield garbage. This guard leaves a marker in the JOBDIR while a crawl runs; if the
    marker is there when the next crawl starts, the previous one was killed, and its queue is discarded
    (before the scheduler opens it). Nothing is lost: the spider re-derives every request from the listings
    and from what the archive already holds. A crawl stopped gracefully (Ctrl-C, SIGTERM) keeps its queue.
    """

    MARKER = "nianbao-crawl-running"

    def __init__(self, crawler):
        from scrapy.exceptions import NotConfigured

        jobdir = crawler.settings.get("JOBDIR")
        if not jobdir:
            raise NotConfigured
        self.jobdir = Path(jobdir)
        self.marker = self.jobdir / self.MARKER
        self.discarded = False
        if self.marker.exists():
            import shutil

            shutil.rmtree(self.jobdir / "requests.queue", ignore_errors=True)
            (self.jobdir / "requests.seen").unlink(missing_ok=True)
            self.discarded = True
        self.jobdir.mkdir(parents=True, exist_ok=True)
        self.marker.write_text(dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), encoding="utf-8")

    @classmethod
    def from_crawler(cls, crawler):
        from scrapy import signals

        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider):
        if self.discarded:
            spider.logger.warning("the previous crawl in %s was killed: its request queue was discarded; "
                                  "requests are re-derived from the listings and the archive", self.jobdir)
            spider.crawler.stats.set_value("nianbao/jobdir_queue_discarded", True)

    def spider_closed(self, spider, reason):
        self.marker.unlink(missing_ok=True)
