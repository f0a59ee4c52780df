"""A cache of what extraction and parsing made of each original, so a run processes only what is new.

Results live in ``ARCHIVE_DIR/processed/<pipeline-version>/ab/<sha256>.json``. The version is a hash of
the pipeline's own source code, so any change to an extractor or the parser (a parser upgrade) makes
every original be processed again, while an unchanged pipeline re-reads only new documents. The cache
is derived data: deleting it loses nothing.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

from archive.originals.layout import ArchiveLayout
from archive.originals.store import write_atomic
from pipeline.version import code_version

log = logging.getLogger(__name__)


class ProcessedCache:
    def __init__(self, archive_dir: str | Path, version: str | None = None):
        self.root = ArchiveLayout(archive_dir).processed / (version or code_version())
        self.warned = False

    def _path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}.json"

    def get(self, sha256: str) -> dict | None:
        try:
            return json.loads(self._path(sha256).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return None

    def put(self, sha256: str, entry: dict) -> None:
        """Best effort: a cache that cannot be written (full disk, read-only) costs time later, never the build."""
        try:
            write_atomic(self._path(sha256), json.dumps(entry, ensure_ascii=False).encode("utf-8"), durable=False)
        except OSError as exc:
            if not self.warned:
                log.warning("processing cache %s not written (%s); the build goes on without it", self.root, exc)
                self.warned = True

    def prune(self) -> list[Path]:
        """Remove the results of other pipeline versions (they are never read again)."""
        removed = []
        for other in self.root.parent.glob("*"):
            if other.is_dir() and other != self.root:
                shutil.rmtree(other, ignore_errors=True)
                removed.append(other)
        return removed
