"""Where everything lives under ARCHIVE_DIR: the one place that knows the directory's layout.

    ARCHIVE_DIR/
        objects/ab/cd/abcd…ef     the bytes exactly as fetched (name = sha256)         crawler writes
        fetches.jsonl             one JSON line per fetch of a document                crawler appends
        runs/<run_id>.json        what each crawl did, per source                      crawler writes
        sources.csv               the registry the last crawl used                     crawler writes
        crawler-state/            listing bodies and validators, gone URLs, checks     crawler keeps
        processed/<version>/      what extraction and parsing made of each original    build caches (derived)
        logs/nianbao-run.log      the scheduled run's log                              `nianbao run` writes
        .nianbao-run.lock         held while a scheduled run works                     `nianbao run`
        .jobdir/                  a scheduled crawl's resume state                     `nianbao run`

Everything but objects/, fetches.jsonl, runs/ and sources.csv is derived or transient: deleting it loses
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
