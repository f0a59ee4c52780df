"""Where everything lives under ARCHIVE_DIR: the one place that knows the directory's layout.

    ARCHIVE_DIR/
        objects/ab/cd/abcd…ef     the bytes exactly as fetched (name = sha256)         crawler writes
        fetches.jsonl             one JSON line per fetch of a document                crawler appends
        fetches.<writer>.jsonl    the same, one file per crawl process on a shared     crawler appends
                                  frontier (`nianbao crawl --redis`); read merged,
                                  merged into fetches.jsonl by `nianbao compact`
        runs/<run_id>.json        what each crawl did, per source                      crawler writes
        sources.csv               the registry the last crawl used                     crawler writes
        crawler-state/            listing bodies and validators, gone URLs, checks     crawler keeps
        processed/<version>/      what extraction and parsing made of each original    build caches (derived)
        logs/nianbao-run.log      the scheduled run's log                              `nianbao run` writes
        .nianbao-run.lock         held while a scheduled run works                     `nianbao run`
        .jobdir/                  a scheduled crawl's resume state                     `nianbao run`

Everything but objects/, fetches*.jsonl, runs/ and sources.csv is derived or transient: deleting it loses
nothing. The crawler writes the originals; the build only reads them and writes its own cache.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ArchiveLayout:
    root: Path

    def __init__(self, root: str | os.PathLike):
        object.__setattr__(self, "root", Path(root))

    @property
    def objects(self) -> Path:
        return self.root / "objects"

    @property
    def fetch_log(self) -> Path:
        return self.root / "fetches.jsonl"

    def fetch_log_of(self, writer: str) -> Path:
        """The fetch log one crawl process appends to when several write the archive at once."""
        if not writer or not all(c.isalnum() or c in "._-" for c in writer) or writer.startswith("."):
            raise ValueError(f"not a fetch-log writer id (letters, digits, '._-'): {writer!r}")
        return self.root / f"fetches.{writer}.jsonl"

    def fetch_logs(self) -> list[Path]:
        """Every fetch log: ``fetches.jsonl`` first, then the per-process logs by name."""
        logs = [self.fetch_log] if self.fetch_log.exists() else []
        return logs + sorted(p for p in self.root.glob("fetches.*.jsonl") if p.is_file())

    @property
    def runs(self) -> Path:
        return self.root / "runs"

    @property
    def sources_csv(self) -> Path:
        return self.root / "sources.csv"

    @property
    def crawler_state(self) -> Path:
        return self.root / "crawler-state"

    @property
    def listings(self) -> Path:
        return self.crawler_state / "listings"

    @property
    def gone(self) -> Path:
        return self.crawler_state / "gone.json"

    @property
    def checked(self) -> Path:
        return self.crawler_state / "checked.json"

    @property
    def processed(self) -> Path:
        """The processing cache; NIANBAO_PROCESSED_CACHE puts it elsewhere (e.g. shared by several archives of
        the same documents, as the test suite's farm crawls are: entries are keyed by content)."""
        return Path(os.environ.get("NIANBAO_PROCESSED_CACHE") or self.root / "processed")

    @property
    def run_log(self) -> Path:
        return self.root / "logs" / "nianbao-run.log"

    @property
    def run_lock(self) -> Path:
        return self.root / ".nianbao-run.lock"

    @property
    def jobdir(self) -> Path:
        return self.root / ".jobdir"
