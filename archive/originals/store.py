"""The archive of originals: every fetched document stored once, addressed by its SHA-256.

Objects under ``objects/`` and one line per fetch in ``fetches.jsonl`` (see `archive.originals.layout`).
The crawler only appends here; the pipeline only reads. Writing an object is atomic (temporary file +
rename), and an object that exists is never rewritten, so a crawl killed at any moment leaves a valid
archive behind. A line of the fetch log that cannot be read is skipped with a warning naming it.

Several crawl processes may write one archive at once (``nianbao crawl --redis``, possibly on several
machines sharing ARCHIVE_DIR): objects are content-addressed, so two writers of the same bytes write the same
file; each process appends its fetch records to its own ``fetches.<writer>.jsonl`` (``ArchiveStore(root,
writer=…)``), so lines never interleave, and `ArchiveStore.fetches()` merges every log on read in one
deterministic order (fetch time, then log name, then line). Appends to the shared ``fetches.jsonl`` also take
an OS lock (``flock``), for writers that share it.
"""

from __future__ import annotations

import fcntl
import hashlib
import heapq
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


class DamagedObject(ValueError):
    """A stored object whose bytes no longer match the digest it is stored under (disk damage, tampering)."""


class ArchiveStore:
    def __init__(self, root: str | os.PathLike, writer: str | None = None):
        """`writer`: this process's own fetch log ``fetches.<writer>.jsonl`` (several concurrent crawl
        processes); None appends to the shared ``fetches.jsonl``. Reading always sees every log."""
        self.layout = ArchiveLayout(root)
        self.root = self.layout.root
        self.objects = self.layout.objects
        self.writer = writer or None
        self.fetch_log = self.layout.fetch_log_of(writer) if writer else self.layout.fetch_log

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
        """The object's bytes, checked against their digest: a damaged object raises DamagedObject."""
        data = self.object_path(sha256).read_bytes()
        if self.digest(data) != sha256:
            raise DamagedObject(f"object {sha256} is damaged: its bytes hash to {self.digest(data)}")
        return data

    def record(self, rec: FetchRecord) -> None:
        """Append one fetch record; one write per line so a crash never leaves half a record mid-file. The
        shared ``fetches.jsonl`` is appended under an exclusive OS lock; a per-process log has one writer."""
        self.root.mkdir(parents=True, exist_ok=True)
        line = (json.dumps(asdict(rec), ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
        fd = os.open(self.fetch_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            if self.writer is None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            view = memoryview(line)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)  # closing releases the lock

    def fetch_logs(self) -> list[Path]:
        return self.layout.fetch_logs()

    def fetches(self) -> Iterator[FetchRecord]:
        """All fetch records in order. A line that is not a record — torn by a crash mid-write, not UTF-8, of
        another shape — is skipped with a warning naming its line number; it never stops a build or a crawl.

        One log is read in its own order. Several (concurrent crawl processes) are merged by fetch time, then
        log name (``fetches.jsonl`` first), then line: the same files always give the same sequence."""
        logs = self.fetch_logs()
        if len(logs) == 1:
            for _number, rec in _read_log(logs[0]):
                yield rec
            return
        streams = [_keyed(i, path) for i, path in enumerate(logs)]
        for _key, rec in heapq.merge(*streams, key=lambda pair: pair[0]):
            yield rec


def _keyed(i: int, path: Path) -> Iterator[tuple[tuple, FetchRecord]]:
    for number, rec in _read_log(path):
        yield (rec.fetched_at or "", i, number), rec


def _parse_line(path: Path, number: int, raw: bytes) -> FetchRecord | None:
    try:
        return FetchRecord(**json.loads(raw.decode("utf-8")))
    except (ValueError, TypeError) as exc:  # JSON, UTF-8 and shape errors
        log.warning("%s line %d skipped: %s", path, number, str(exc)[:200])
        return None


def _read_log(path: Path) -> Iterator[tuple[int, FetchRecord]]:
    try:
        fh = open(path, "rb")
    except FileNotFoundError:
        return
    with fh:
        for number, raw in enumerate(fh, 1):
            rec = _parse_line(path, number, raw)
            if rec is not None:
                yield number, rec


class FetchLogTail:
    """Reads what other processes append to the fetch logs, a little at a time (the crawler's index of what
    the archive holds). Only complete lines are consumed; a log that appears later is picked up."""

    def __init__(self, store: ArchiveStore, skip_own: bool = True):
        self.store = store
        self.skip = store.fetch_log if skip_own and store.writer else None
        self.offsets: dict[Path, tuple[int, int]] = {}  # path -> (bytes consumed, lines consumed)

    def read(self) -> list[FetchRecord]:
        """Records appended since the last call, in the merged order of `ArchiveStore.fetches()`."""
        batch = []
        for i, path in enumerate(self.store.fetch_logs()):
            if path == self.skip:
                continue
            offset, lines = self.offsets.get(path, (0, 0))
            try:
                size = path.stat().st_size
                if size <= offset:
                    continue
                with open(path, "rb") as fh:
                    fh.seek(offset)
                    data = fh.read(size - offset)
            except OSError:
                continue
            end = data.rfind(b"\n") + 1  # a line still being written waits for the next call
            for raw in data[:end].splitlines(keepends=True):
                lines += 1
                rec = _parse_line(path, lines, raw)
                if rec is not None:
                    batch.append(((rec.fetched_at or "", i, lines), rec))
            self.offsets[path] = (offset + end, lines)
        batch.sort(key=lambda pair: pair[0])
        return [rec for _key, rec in batch]
