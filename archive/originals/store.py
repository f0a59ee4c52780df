"""The archive of originals: every fetched document stored once, addressed by its SHA-256.

Objects under ``objects/`` and one line per fetch in ``fetches.jsonl`` (see `archive.originals.layout`).
The crawler only appends here; the pipeline only reads. Writing an object is atomic (temporary file +
rename), and an object that exists is never rewritten, so a crawl killed at any moment leaves a valid
archive behind. A line of the fetch log that cannot be read is skipped with a warning naming it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterator

from archive.originals.layout import ArchiveLayout

log = logging.getLogger(__name__)


def write_atomic(path: str | os.PathLike, data: bytes, durable: bool = True) -> None:
    """Write a file so that a reader (or a crash) sees either nothing or all of it: temporary file + rename.

    `durable` also flushes it to disk before the rename (for originals and records; caches may skip it).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


@dataclass
class FetchRecord:
    """One fetch of one document (an article page or an attachment)."""

    sha256: str
    url: str
    final_url: str
    status: int
    content_type: str
    size: int
    fetched_at: str  # ISO 8601, UTC
    source_id: str
    role: str  # "article" (the report page) or "attachment"
    headers: dict = field(default_factory=dict)
    parent_url: str | None = None  # for attachments: the article that links to it
    title: str | None = None  # title as listed on the portal (or link text of an attachment)
    published: str | None = None  # date as listed on the portal, YYYY-MM-DD
    extra: dict = field(default_factory=dict)


class ArchiveStore:
    def __init__(self, root: str | os.PathLike):
        self.layout = ArchiveLayout(root)
        self.root = self.layout.root
        self.objects = self.layout.objects
        self.fetch_log = self.layout.fetch_log

    @staticmethod
    def digest(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()

    def object_path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a sha256 hex digest: {sha256!r}")
        return self.objects / sha256[:2] / sha256[2:4] / sha256

    def has(self, sha256: str) -> bool:
        return self.object_path(sha256).exists()

    def put(self, data: bytes) -> str:
        """Store bytes (once) and return their sha256."""
        sha = self.digest(data)
        path = self.object_path(sha)
        if not path.exists():
            write_atomic(path, data)
        return sha

    def get(self, sha256: str) -> bytes:
        return self.object_path(sha256).read_bytes()

    def record(self, rec: FetchRecord) -> None:
        """Append one fetch record; one write per line so a crash never leaves half a record mid-file."""
        self.root.mkdir(parents=True, exist_ok=True)
        line = json.dumps(asdict(rec), ensure_ascii=False, sort_keys=True) + "\n"
        with open(self.fetch_log, "a", encoding="utf-8") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())

    def fetches(self) -> Iterator[FetchRecord]:
        """All fetch records in order. A line that is not a record — torn by a crash mid-write, not UTF-8, of
        another shape — is skipped with a warning naming its line number; it never stops a build or a crawl."""
        if not self.fetch_log.exists():
            return
        with open(self.fetch_log, "rb") as fh:
            for number, raw in enumerate(fh, 1):
                try:
                    data = json.loads(raw.decode("utf-8"))
                    yield FetchRecord(**data)
                except (ValueError, TypeError) as exc:  # JSON, UTF-8 and shape errors
                    log.warning("%s line %d skipped: %s", self.fetch_log, number, str(exc)[:200])
