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

Per-process logs would pile up (one per crawl process per run), so `ArchiveStore.compact()` (`nianbao run`
after its crawl, or `nianbao compact`) merges every log whose writer has ended into ``fetches.jsonl``. A writer
holds a shared ``flock`` on its own log for as long as it lives (the kernel drops it when the process dies), so
a log that cannot be locked exclusively belongs to a live crawl and is left alone. The merged file replaces
``fetches.jsonl`` by rename, then the merged logs are deleted; a crash between the two leaves records twice,
and reading drops a record identical to one already read at the same fetch time.
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
        self._own_fd: int | None = None  # a per-process log, kept open under a shared lock while we live

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
        shared ``fetches.jsonl`` is appended under an exclusive OS lock; a per-process log has one writer, which
        keeps it open under a shared lock (so `compact` knows it is alive)."""
        line = (json.dumps(asdict(rec), ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
        if self.writer is not None:
            _write_all(self._own_log(), line)
            os.fsync(self._own_fd)
            return
        self.root.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(self.fetch_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                if _same_file(fd, self.fetch_log):  # not replaced by a compaction while we waited for the lock
                    _write_all(fd, line)
                    os.fsync(fd)
                    return
            finally:
                os.close(fd)  # closing releases the lock

    def _own_log(self) -> int:
        if self._own_fd is None:
            self.root.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.fetch_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            fcntl.flock(fd, fcntl.LOCK_SH)
            self._own_fd = fd
        return self._own_fd

    def close(self) -> None:
        """Close this process's own fetch log (and let `compact` take it); exiting does the same."""
        if self._own_fd is not None:
            os.close(self._own_fd)
            self._own_fd = None

    def compact(self) -> list[str]:
        """Merge the per-process fetch logs of ended writers into ``fetches.jsonl``; the names merged.

        Reading gives the same records in the same order before and after. Logs of live writers stay as they
        are; so do unreadable lines' neighbours (an unreadable line is dropped with the warning reading gives)."""
        held: list[tuple[Path, int]] = []
        shared = None
        try:
            for path in self.fetch_logs():
                if path == self.layout.fetch_log or path == self.fetch_log:
                    continue
                fd = os.open(path, os.O_RDONLY)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:  # its crawl is still running
                    os.close(fd)
                    continue
                held.append((path, fd))
            if not held:
                return []
            shared = os.open(self.layout.fetch_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            fcntl.flock(shared, fcntl.LOCK_EX)  # appenders to fetches.jsonl wait, then see it was replaced
            logs = [self.layout.fetch_log] + [path for path, _fd in held]
            merged = b"".join((json.dumps(asdict(rec), ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
                              for rec in _merged(logs))
            write_atomic(self.layout.fetch_log, merged)
            for path, _fd in held:
                path.unlink()
            _fsync_dir(self.root)
            return [path.name for path, _fd in held]
        finally:
            for _path, fd in held:
                os.close(fd)
            if shared is not None:
                os.close(shared)

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
        yield from _merged(logs)


def _merged(logs: list[Path]) -> Iterator[FetchRecord]:
    """Several logs in one order (fetch time, log, line), each record once: a compaction interrupted between
    writing the merged file and deleting what it merged leaves identical records, at the same fetch time."""
    streams = [_keyed(i, path) for i, path in enumerate(logs)]
    at, seen = None, []
    for (fetched_at, _i, _n), rec in heapq.merge(*streams, key=lambda pair: pair[0]):
        if fetched_at != at:
            at, seen = fetched_at, []
        if rec in seen:  # dataclass equality: every field
            continue
        seen.append(rec)
        yield rec


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _same_file(fd: int, path: Path) -> bool:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    own = os.fstat(fd)
    return (own.st_dev, own.st_ino) == (st.st_dev, st.st_ino)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
        self.offsets: dict[Path, tuple[int, int, tuple]] = {}  # path -> (bytes, lines consumed, file identity)

    def read(self) -> list[FetchRecord]:
        """Records appended since the last call, in the merged order of `ArchiveStore.fetches()`."""
        batch = []
        for i, path in enumerate(self.store.fetch_logs()):
            if path == self.skip:
                continue
            offset, lines, identity = self.offsets.get(path, (0, 0, None))
            try:
                with open(path, "rb") as fh:
                    st = os.fstat(fh.fileno())
                    if (st.st_dev, st.st_ino) != identity:  # new, or replaced by a compaction: read it whole
                        offset, lines, identity = 0, 0, (st.st_dev, st.st_ino)
                    if st.st_size <= offset:
                        continue
                    fh.seek(offset)
                    data = fh.read(st.st_size - offset)
            except OSError:
                continue
            end = data.rfind(b"\n") + 1  # a line still being written waits for the next call
            for raw in data[:end].splitlines(keepends=True):
                lines += 1
                rec = _parse_line(path, lines, raw)
                if rec is not None:
                    batch.append(((rec.fetched_at or "", i, lines), rec))
            self.offsets[path] = (offset + end, lines, identity)
        batch.sort(key=lambda pair: pair[0])
        return [rec for _key, rec in batch]
