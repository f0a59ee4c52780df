"""The kept child processes of a build share the cores: each child's OCR engine gets its share of threads."""

from __future__ import annotations

import os
from pathlib import Path

from archive.db.build import DocumentInfo, Processed
from archive.db.sandbox import Sandbox
from archive.originals.store import ArchiveStore, FetchRecord

TESTS = Path(__file__).resolve().parent


def threads_processor(data, filename, content_type) -> Processed:
    """Says what the child was told (imported by the child from this module)."""
    return Processed({"sniffed_type": "text"}, os.environ.get("NIANBAO_OCR_THREADS", "unset"), {"is_report": False})


def _child_says(tmp_path, monkeypatch, **kwargs) -> str:
    monkeypatch.setenv("PYTHONPATH", str(TESTS))
    store = ArchiveStore(tmp_path)
    sha = store.put(b"any original")
    info = DocumentInfo(sha, [FetchRecord(sha256=sha, url="http://x/a.txt", final_url="http://x/a.txt", status=200,
                                          content_type="text/plain", size=12, fetched_at="2026-01-01T00:00:00+00:00",
                                          source_id="s", role="article")])
    box = Sandbox(**kwargs)
    try:
        processed, status, error = box.run(str(tmp_path), info, threads_processor, 60)
    finally:
        box.stop()
    assert status == "ok", error
    return processed.text


def test_a_child_gets_its_share_of_ocr_threads(tmp_path, monkeypatch):
    monkeypatch.delenv("NIANBAO_OCR_THREADS", raising=False)
    assert _child_says(tmp_path, monkeypatch, ocr_threads=1) == "1"


def test_an_operators_ocr_threads_setting_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("NIANBAO_OCR_THREADS", "3")
    assert _child_says(tmp_path, monkeypatch, ocr_threads=1) == "3"
