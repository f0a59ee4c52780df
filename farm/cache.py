"""A disk cache of expensive renderings (LibreOffice conversions, scanned PDFs).

Entries are keyed by the content they were made from, so a second start of the
farm with the same seed reuses every binary and a changed report is rendered anew.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Callable

from archive.originals.store import write_atomic


class RenderCache:
    def __init__(self, directory: str | os.PathLike) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    @staticmethod
    def key(*parts: object) -> str:
        """A stable key for any JSON-serialisable description of a rendering."""
        blob = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()

    def path(self, key: str) -> Path:
        return self.directory / key[:2] / key

    def get_or_make(self, key: str, make: Callable[[], bytes]) -> bytes:
        path = self.path(key)
        if path.exists():
            return path.read_bytes()
        data = make()
        # Atomically, so a farm killed mid-render never leaves half a file behind.
        write_atomic(path, data, durable=False)
        return data
