"""Small crawl state kept beside the archive (``ARCHIVE_DIR/crawler-state/``).

``GoneRegistry``: document URLs that answered 404/410. They are asked again only after
``NIANBAO_GONE_RECHECK_DAYS`` days, so a dead link on a portal does not cost a request on every run;
the run record still lists them as failures.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from crawler.platforms.base import canonical_url
from crawler.runs import write_json_atomic

GONE_STATUSES = (404, 410)


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
