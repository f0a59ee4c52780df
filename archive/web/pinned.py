"""The published database file held open, so a server answers from the file it started with.

`nianbao run` publishes a new database by renaming it over the old one. A server that opened connections by
name would then answer some requests from the old file and some from the new. Instead the file is opened
once and every connection opens ``/proc/self/fd/N``, which names that open file — the old inode — until the
server stops (restart it to serve the new one).

A descriptor is only a number: if some other part of the process closed N by mistake (a double close) and
the number were reused, ``/proc/self/fd/N`` would name an unrelated file and queries would answer from it.
`PinnedFile.check` compares the file N names with the one pinned, before and after each connection opens, so
that case is an error instead of a wrong answer.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

FINGERPRINT_BYTES = 1 << 20  # read from each end of the file


class PinnedFileLost(RuntimeError):
    """The descriptor the server reads the database through no longer names the file it pinned."""


class PinnedFile:
    def __init__(self, db_path: str | Path):
        self.db_path = str(db_path)
        self.fd = os.open(db_path, os.O_RDONLY)
        st = os.fstat(self.fd)
        self.identity = (st.st_dev, st.st_ino)
        proc = f"/proc/self/fd/{self.fd}"
        self.path = proc if os.path.exists(proc) else self.db_path  # no /proc: the plain path

    def check(self) -> None:
        try:
            st = os.fstat(self.fd)
            now = (st.st_dev, st.st_ino)
        except OSError as e:  # closed
            now = e
        if now != self.identity:
            try:
                names = os.readlink(f"/proc/self/fd/{self.fd}")
            except OSError:
                names = "nothing (closed)"
            raise PinnedFileLost(f"descriptor {self.fd}, held open for {self.db_path}, now names {names}: "
                                 "something in this process closed it; restart the server")

    def fingerprint(self) -> str:
        """sha256 of the file's size, modification time, device, inode and its first and last MiB: a cheap
        version id (Datasette's `hash`), never the same for two builds; not the digest of the content."""
        st = os.fstat(self.fd)
        h = hashlib.sha256(f"{st.st_size}:{st.st_mtime_ns}:{st.st_dev}:{st.st_ino}".encode())
        h.update(os.pread(self.fd, FINGERPRINT_BYTES, 0))
        h.update(os.pread(self.fd, FINGERPRINT_BYTES, max(0, st.st_size - FINGERPRINT_BYTES)))
        return h.hexdigest()
