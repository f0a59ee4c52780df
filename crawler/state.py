"""Small crawl state kept beside the archive (``ARCHIVE_DIR/crawler-state/``).

``GoneRegistry``: document URLs that answered 404/410. They are asked again only after
``NIANBAO_GONE_RECHECK_DAYS`` days, so a dead link on a portal does not cost a request on every run;
the run record still lists them as failures.

``CheckLog``: when each archived document URL was last asked (for ``NIANBAO_REVALIDATE_AFTER_DAYS``).

Several crawl processes may share these files (``nianbao crawl --redis``). Each keeps what it changed during
the crawl and, on saving, merges only its own changes into the file as it is *now* — read, merge and write
under an exclusive ``flock`` on ``<file>.lock`` — so no process loses another's updates.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
from pathlib import Path

from archive.originals.store import write_atomic
from crawler.platforms.base import canonical_url

GONE_STATUSES = (404, 410)


def write_json_atomic(path: Path, data) -> None:
    write_atomic(path, (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8"))


def read_json(path: Path) -> dict:
    """A state file's entries; a missing or unreadable file is empty."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


@contextlib.contextmanager
def locked(path: Path):
    """An exclusive lock for read-merge-write of ``path`` among processes (``<path>.lock``, ``flock``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _utcnow() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class GoneRegistry:
    def __init__(self, path: Path, recheck_days: float):
        self.path = path
        self.recheck = dt.timedelta(days=recheck_days)
        self.entries: dict[str, dict] = read_json(path)
        self.changed: dict[str, dict] = {}  # this process's gone entries since the last save
        self.removed: dict[str, str] = {}  # URLs this process found back, and when

    @property
    def dirty(self) -> bool:
        return bool(self.changed or self.removed)

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
        now = _utcnow()
        key = canonical_url(url)
        entry = dict(self.entries.get(key) or {"status": status, "since": now})
        entry.update(status=status, checked=now)
        self.entries[key] = entry
        self.changed[key] = entry
        self.removed.pop(key, None)

    def back(self, url: str) -> None:
        key = canonical_url(url)
        if self.entries.pop(key, None) is not None or key in self.changed:
            self.changed.pop(key, None)
            self.removed[key] = _utcnow()

    def save(self) -> None:
        """Merge this process's changes into the file as it is now (other processes may have saved theirs):
        a later check of a URL wins; a URL seen back is dropped unless another process found it gone later."""
        if not self.dirty:
            return
        with locked(self.path):
            merged = read_json(self.path)
            for key, entry in self.changed.items():
                current = merged.get(key)
                if isinstance(current, dict) and str(current.get("checked", "")) > entry["checked"]:
                    entry = current
                if isinstance(current, dict) and current.get("since"):
                    entry = dict(entry, since=min(str(current["since"]), entry.get("since") or current["since"]))
                merged[key] = entry
            for key, when in self.removed.items():
                current = merged.get(key)
                if not isinstance(current, dict) or str(current.get("checked", "")) <= when:
                    merged.pop(key, None)
            write_json_atomic(self.path, merged)
        self.entries = merged
        self.changed, self.removed = {}, {}


class CheckLog:
    """When each archived document URL was last asked (200 or 304), for NIANBAO_REVALIDATE_AFTER_DAYS."""

    def __init__(self, path: Path):
        self.path = path
        self.entries: dict[str, str] = read_json(path)
        self.changed: dict[str, str] = {}  # this process's checks since the last save

    @property
    def dirty(self) -> bool:
        return bool(self.changed)

    def checked(self, url: str) -> None:
        key = canonical_url(url)
        self.entries[key] = self.changed[key] = _utcnow()

    def last(self, url: str) -> str | None:
        return self.entries.get(canonical_url(url))

    def save(self) -> None:
        """Merge this process's checks into the file as it is now; the later time of a URL wins."""
        if not self.dirty:
            return
        with locked(self.path):
            merged = read_json(self.path)
            for key, when in self.changed.items():
                if str(merged.get(key) or "") < when:
                    merged[key] = when
            write_json_atomic(self.path, merged)
        self.entries = merged
        self.changed = {}


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
