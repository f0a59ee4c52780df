"""`nianbao build` with the real extraction and parser, on real HTML and DOCX files."""

from __future__ import annotations

import sqlite3

from click.testing import CliRunner

from support.archive_kit import make_real_archive
from support.hostile import content_bomb_pdf


def test_build_real_files_with_the_cli(tmp_path):
    from nianbao.cli import main

    truth = make_real_archive(tmp_path / "archive")
    db = tmp_path / "out" / "nianbao.db"
    result = CliRunner().invoke(main, ["build", "--archive-dir", str(tmp_path / "archive"), "--db", str(db)])
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db)
    docs = dict(conn.execute("select sha256, extraction_status from documents"))
    assert docs[truth["broken"]] in ("failed", "error")
    assert conn.execute("select extraction_error from documents where sha256 = ?", (truth["broken"],)).fetchone()[0]
    for html_sha, docx_sha, agency, year in truth["pairs"]:
        assert docs[html_sha] == docs[docx_sha] == "ok"
        rows = conn.execute("select document_sha256, status, format_b, county from report_versions where organ_id = "
                            "(select organ_id from report_versions where document_sha256 = ?) and year = ?",
                            (html_sha, year)).fetchall()
        assert len(rows) == 2 and sorted(r[1] for r in rows) == ["current", "duplicate"], rows
        assert all(r[3] == "袁州区" for r in rows)
        # the two renderings give the same numbers
        a, b = (dict(conn.execute("select tbl || row || col, value from cells c "
                                  "where c.report_id = (select id from report_versions where document_sha256 = ?)", (sha,)))
                for sha in (html_sha, docx_sha))
        assert a == b and len(a) >= 198
    assert conn.execute("select sniffed_type from documents where sha256 = ?", (truth["pairs"][0][1],)).fetchone() == (
        "docx",)


def test_a_hostile_document_is_contained_and_the_build_goes_on(tmp_path):
    """The content-bomb PDF is processed in a child process capped in time and memory: it is recorded with a
    reason, and every good report is still published."""
    from archive.db.build import build
    from archive.originals.store import ArchiveStore
    from support.archive_kit import _put

    make_real_archive(tmp_path / "archive", n=2)
    bomb = content_bomb_pdf()
    sha = _put(ArchiveStore(tmp_path / "archive"), bomb, url="http://127.0.0.1/trs/files/bomb.pdf",
               source_id="trs-yuanzhou", role="attachment", content_type="application/pdf",
               fetched_at="2026-11-02T00:03:00Z")
    db = tmp_path / "nianbao.db"
    counts = build(tmp_path / "archive", db, progress=False, use_cache=False, task_timeout=30, memory_mb=1200)
    conn = sqlite3.connect(db)
    status, error = conn.execute("select extraction_status, extraction_error from documents where sha256 = ?",
                                 (sha,)).fetchone()
    assert len(bomb) < 400_000 and status in ("failed", "error") and error
    assert counts["reports"] == 4 and conn.execute("select count(*) from reports").fetchone()[0] == 2
