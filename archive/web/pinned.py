"""The published database file held open, so a server answers from the file it started with.

`nianbao run` publishes a new database by renaming it over the old one. A server that opened connections by
name would then answer some requests from the old file and some from the new. Instead the file is opened once
and connections open ``/proc/self/fd/N``, which the kernel resolves to that open file, the old inode.

SQLite, though, resolves the symbolic link itself (`unixFullPathname`) and opens the *name* it reads: after a
publish that is ``…/nianbao.db (deleted)``, which does not exist — opened read-write, SQLite created an empty
file of that name and the connection answered "no such table: reports" (a test saw it once in a few runs: only
when Datasette started a new SQL thread after the publish). So every connection the server will need is opened
when it starts (`ArchiveDatabase`), read-only, and each is checked to be the pinned inode (``PRAGMA
database_list`` names the file SQLite opened); one opened later that cannot reach the pinned file is an error
that says to restart, never answers from another file.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

FINGERPRINT_BYTES = 1 << 20  # read from each end of the file


class PinnedFileLost(RuntimeError):
    """A connection to the pinned file cannot be opened any more (it was replaced by name)."""


class PinnedFile:
    def __init__(self, db_path: str | Path):
        self.db_path = str(db_path)
        self.fd = os.open(db_path, os.O_RDONLY)
        st = os.fstat(self.fd)
        self.identity = (st.st_dev, st.st_ino)
        proc = f"/proc/self/fd/{self.fd}"
        self.path = proc if os.path.exists(proc) else self.db_path  # no /proc: the plain path

    def connect(self) -> sqlite3.Connection:
        """A read-only connection to the pinned file (any thread may use it); `PinnedFileLost` when the name
        SQLite resolves no longer leads to it (the file was replaced since the server started)."""
        try:
            conn = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        except sqlite3.OperationalError as e:
            raise self._lost(f"cannot be opened by name ({e})") from None
        opened = conn.execute("pragma database_list").fetchone()[2]
        try:
            st = os.stat(opened)
            same = (st.st_dev, st.st_ino) == self.identity
        except OSError:
            same = False
        if not same:
            conn.close()
            raise self._lost(f"is not what {opened} names any more")
        return conn

    def _lost(self, why: str) -> PinnedFileLost:
        return PinnedFileLost(f"the database this server started with ({self.db_path}) {why}: a new one was "
                              "published in its place; restart the server to serve it")

    def fingerprint(self) -> str:
        """sha256 of the file's size, modification time, device, inode and its first and last MiB: a cheap
        version id (Datasette's `hash`), never the same for two builds; not the digest of the content."""
        st = os.fstat(self.fd)
        h = hashlib.sha256(f"{st.st_size}:{st.st_mtime_ns}:{st.st_dev}:{st.st_ino}".encode())
        h.update(os.pread(self.fd, FINGERPRINT_BYTES, 0))
        h.update(os.pread(self.fd, FINGERPRINT_BYTES, max(0, st.st_size - FINGERPRINT_BYTES)))
        return h.hexdigest()
