"""The Done-when of reliability: a build over an archive holding the hostile files finishes under a 3 GB
address-space cap (every process of it: the build and each document's child), records each with its reason,
and publishes every good report."""

from __future__ import annotations

import resource
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from archive.originals.store import ArchiveStore
from support.archive_kit import _put, make_real_archive
from support.hostile import content_bomb_pdf, huge_page_pdf

REPO = Path(__file__).resolve().parents[1]
CAP = 3 * 1024 ** 3

BOMBS = {
    "huge-page.pdf": lambda: huge_page_pdf(14400),
    "content-bomb.pdf": content_bomb_pdf,
    "cells.html": lambda: ("<html><body><table><tr>" + "<td>1</td>" * 5_000_000 + "</tr></table></body></html>").encode(),
    "nested.html": lambda: ("<html><body>" + "<div>" * 100_000 + "正文" + "</div>" * 100_000 + "</body></html>").encode(),
}


def _cap():
    resource.setrlimit(resource.RLIMIT_AS, (CAP, CAP))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("bombs")
    archive = root / "archive"
    truth = make_real_archive(archive, n=2)
    store, shas = ArchiveStore(archive), {}
    for i, (name, make) in enumerate(BOMBS.items()):
        shas[name] = _put(store, make(), url=f"http://127.0.0.1/trs/files/{name}", source_id="trs-yuanzhou",
                          role="attachment", content_type="application/octet-stream",
                          fetched_at=f"2026-11-03T00:00:0{i}Z")
    db = root / "nianbao.db"
    proc = subprocess.run([sys.executable, "-m", "nianbao", "build", "--archive-dir", str(archive), "--db", str(db),
                           "--no-cache", "--quiet", "--jobs", "1", "--task-timeout", "20"],
                          cwd=REPO, capture_output=True, text=True, timeout=600, preexec_fn=_cap)
    return proc, db, shas, truth


def test_the_build_finishes_under_the_cap(built):
    proc, _, _, _ = built
    assert proc.returncode == 0, proc.stderr[-2000:]


@pytest.mark.parametrize("name", list(BOMBS))
def test_each_hostile_file_is_recorded_with_its_reason(built, name):
    _, db, shas, _ = built
    status, error = sqlite3.connect(db).execute(
        "select extraction_status, extraction_error from documents where sha256 = ?", (shas[name],)).fetchone()
    assert status in ("failed", "error") and len(error) > 10


def test_every_good_report_is_published(built):
    _, db, _, truth = built
    conn = sqlite3.connect(db)
    published = {r[0] for r in conn.execute("select document_sha256 from report_versions")}
    assert all(html in published and docx in published for html, docx, _, _ in truth["pairs"])
