"""Run records: what each crawl did, per source — one shape, one writer, one reader.

The crawler (`crawler/run_record.py`) fills a `CrawlRun` and `write_run` stores it as
``ARCHIVE_DIR/runs/<run_id>.json``; the build, `nianbao run` and the crawler's own history all read them
with `read_runs`, newest last by run id (ids begin with the UTC start time). A file that cannot be read,
or is not a run record, is skipped with a warning naming it; it never stops a build or a crawl.

`read_sources` reads the registry the last crawl used (``ARCHIVE_DIR/sources.csv``, or a given CSV).
"""

from __future__ import annotations

import csv
import dataclasses
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from archive.originals.layout import ArchiveLayout
from archive.originals.store import write_atomic

log = logging.getLogger(__name__)


@dataclass
class SourceRun:
    """One source in one crawl."""

    status: str = "ok"  # ok | broken
    ok: bool = True
    error: str | None = None  # why the source is broken
    platform: str = ""
    detected_platform: str | None = None
    listing_pages: int = 0
    listing_not_modified: int = 0
    listing_pages_capped: bool = False
    reports_found: int = 0
    reports_already_archived: int = 0
    not_reports_listed: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    attachments_new: int = 0
    attachments_changed: int = 0
    documents_new: int = 0
    offsite_links_dropped: int = 0
    failed: int = 0
    failures: list[dict] = field(default_factory=list)  # {url, kind, reason}
    earlier_reports_found: int | None = None
    # Set when a listing paged by script and no strategy could page it: "only the first page reachable: …".
    listing_gap: str | None = None

    def failure_reasons(self, most: int = 20) -> str | None:
        """The per-document failures as one readable line each."""
        if not self.failures:
            return None
        lines = [" ".join(str(f.get(k)) for k in ("kind", "reason", "url") if f.get(k)) for f in self.failures[:most]]
        more = len(self.failures) - most
        return "\n".join(lines) + (f"\n… {more} more" if more > 0 else "")


@dataclass
class CrawlRun:
    run_id: str
    started_at: str | None = None
    finished_at: str | None = None
    finish_reason: str | None = None  # Scrapy's: finished, shutdown, …
    status: str | None = None  # ok | broken | the finish reason
    broken_sources: list[str] = field(default_factory=list)
    elapsed_seconds: float | None = None
    requests: int = 0
    responses: int = 0
    documents_new: int = 0
    jobdir: str | None = None
    jobdir_queue_discarded: bool = False
    sources: dict[str, SourceRun] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return bool(self.finished_at) and self.finish_reason == "finished"

    def to_json(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict, name: str = "") -> "CrawlRun":
        """A record as written by `write_run`; keys it does not know are ignored, missing ones take defaults.
        Raises ValueError for anything that is not a run record."""
        if not isinstance(data, dict) or not isinstance(data.get("sources", {}), dict):
            raise ValueError("not a run record")
        known = {f.name for f in dataclasses.fields(cls)}
        run = cls(**{k: v for k, v in data.items() if k in known and k not in ("sources", "run_id")},
                  run_id=str(data.get("run_id") or name))
        source_fields = {f.name for f in dataclasses.fields(SourceRun)}
        for sid, entry in (data.get("sources") or {}).items():
            if not isinstance(entry, dict):
                raise ValueError(f"source {sid!r} is not an object")
            entry = {k: v for k, v in entry.items() if k in source_fields}
            if "ok" not in entry:
                entry["ok"] = entry.get("status", "ok") == "ok"
            run.sources[str(sid)] = SourceRun(**entry)
        return run


def write_run(layout: ArchiveLayout, run: CrawlRun) -> Path:
    path = layout.runs / f"{run.run_id}.json"
    write_atomic(path, (json.dumps(run.to_json(), ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8"))
    return path


def read_runs(layout: ArchiveLayout) -> list[CrawlRun]:
    """Every readable run record, oldest first (by run id, which begins with the start time)."""
    runs = []
    for path in sorted(layout.runs.glob("*.json")):
        try:
            runs.append(CrawlRun.from_json(json.loads(path.read_text(encoding="utf-8")), path.stem))
        except (OSError, ValueError, TypeError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            log.warning("run record %s skipped: %s", path, exc)
    return sorted(runs, key=lambda r: r.run_id)


def latest_run(layout: ArchiveLayout) -> CrawlRun | None:
    runs = read_runs(layout)
    return runs[-1] if runs else None


def run_rows(runs: list[CrawlRun]) -> tuple[list[dict], list[dict]]:
    """Rows of the database tables `crawl_runs` and `crawl_run_sources`."""
    run_table, source_table = [], []
    for run in runs:
        rows = [{
            "run_id": run.run_id, "source_id": sid, "status": s.status, "ok": int(s.ok),
            "reports_found": s.reports_found, "documents_new": s.documents_new, "failures": s.failed,
            "error": s.error, "failure_reasons": s.failure_reasons(), "started_at": run.started_at,
            "finished_at": run.finished_at, "raw": json.dumps(dataclasses.asdict(s), ensure_ascii=False, sort_keys=True),
        } for sid, s in sorted(run.sources.items())]
        source_table += rows
        run_table.append({
            "run_id": run.run_id, "started_at": run.started_at, "finished_at": run.finished_at,
            "status": run.status, "sources": len(rows), "sources_failed": sum(1 for r in rows if not r["ok"]),
            "documents_new": run.documents_new or sum(r["documents_new"] for r in rows),
            "reports_found": sum(r["reports_found"] for r in rows),
            "raw": json.dumps(run.to_json(), ensure_ascii=False, sort_keys=True),
        })
    return run_table, source_table


SOURCE_FIELDS = ("id", "name", "platform", "level", "base_url", "column_url", "division_code")


def read_sources(layout: ArchiveLayout, extra: str | Path | None = None) -> dict[str, dict]:
    """Sources by id from the registry CSV: `extra`, or ARCHIVE_DIR/sources.csv (the last crawl's)."""
    path = Path(extra) if extra else layout.sources_csv
    out: dict[str, dict] = {}
    if not path.exists():
        return out
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            items = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        log.warning("source registry %s not read: %s", path, exc)
        return out
    for item in items:
        sid = item.get("id")
        if not sid:
            continue
        row = {f: item.get(f) or None for f in SOURCE_FIELDS}
        row["column_url"] = row["column_url"] or item.get("url") or None
        out[str(sid)] = row
    return out
