"""A cache of what extraction and parsing made of each original, so a run processes only what is new.

Results live in ``ARCHIVE_DIR/processed/<pipeline-version>/ab/<sha256>.json``. The version is a hash of
the pipeline's own source code, so any change to an extractor or the parser (a parser upgrade) makes
every original be processed again, while an unchanged pipeline re-reads only new documents. The cache
is derived data: deleting it loses nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

from archive.originals.layout import ArchiveLayout
from archive.originals.store import write_atomic
from pipeline.version import code_version


class ProcessedCache:
    def __init__(self, archive_dir: str | Path, version: str | None = None):
        self.root = ArchiveLayout(archive_dir).processed / (version or code_version())

    def _path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}.json"

    def get(self, sha256: str) -> dict | None:
        try:
            return json.loads(self._path(sha256).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return None

    def put(self, sha256: str, entry: dict) -> None:
        write_atomic(self._path(sha256), json.dumps(entry, ensure_ascii=False).encode("utf-8"), durable=False)
