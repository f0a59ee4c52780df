"""The served file's fingerprint: the same for the same file, different for a file published in its place."""

from __future__ import annotations

import os

from archive.web.pinned import PinnedFile


def test_fingerprint_is_stable_for_one_file_and_changes_with_a_new_one(tmp_path):
    path = tmp_path / "nianbao.db"
    path.write_bytes(b"SQLite format 3\x00" + bytes(4096))
    first, again = PinnedFile(path).fingerprint(), PinnedFile(path).fingerprint()
    (tmp_path / "new.db").write_bytes(b"SQLite format 3\x00" + bytes(4096))  # same size, same bytes
    os.replace(tmp_path / "new.db", path)
    assert (first == again, PinnedFile(path).fingerprint() != first) == (True, True)
