"""A rebuild re-reads only what is new: results are cached per original and pipeline version."""

from __future__ import annotations

import random

import pytest

import archive.db.build as build_mod
from archive.originals.processed import ProcessedCache
from pipeline.version import code_version
from archive.originals.store import ArchiveStore, FetchRecord
from farm.render import render_html
from farm.report_synth import build_document, random_spec


def _store_report(store: ArchiveStore, seed: int) -> str:
    data = render_html(build_document(random_spec(random.Random(seed))))
    sha = store.put(data)
    store.record(FetchRecord(sha, f"http://127.0.0.1/{seed}.html", f"http://127.0.0.1/{seed}.html", 200,
                             "text/html", len(data), "2025-01-01T00:00:00+00:00", "src", "article"))
    return sha


@pytest.fixture
def counting(monkeypatch):
    calls = []
    real = build_mod.default_processor

    def spy(data, filename, content_type):
        calls.append(filename)
        return real(data, filename, content_type)

    monkeypatch.setattr(build_mod, "default_processor", spy)
    return calls


def test_second_build_processes_nothing_again(tmp_path, counting):
    store = ArchiveStore(tmp_path / "a")
    _store_report(store, 1)
    _store_report(store, 2)
    build_mod.build(store.root, tmp_path / "1.db", progress=False)
    build_mod.build(store.root, tmp_path / "2.db", progress=False)
    assert len(counting) == 2


def test_a_new_document_is_the_only_one_processed(tmp_path, counting):
    store = ArchiveStore(tmp_path / "a")
    _store_report(store, 1)
    build_mod.build(store.root, tmp_path / "1.db", progress=False)
    _store_report(store, 3)
    build_mod.build(store.root, tmp_path / "2.db", progress=False)
    assert counting == ["1.html", "3.html"]


def test_cached_build_gives_the_same_reports(tmp_path):
    import sqlite3

    store = ArchiveStore(tmp_path / "a")
    _store_report(store, 4)
    build_mod.build(store.root, tmp_path / "1.db", progress=False)
    build_mod.build(store.root, tmp_path / "2.db", progress=False)
    rows = [sqlite3.connect(tmp_path / n).execute("select * from cells order by 1,2,3,4").fetchall() for n in ("1.db", "2.db")]
    assert rows[0] == rows[1] and rows[0]


def test_cache_is_keyed_by_the_pipeline_version(tmp_path):
    store = ArchiveStore(tmp_path / "a")
    sha = _store_report(store, 5)
    build_mod.build(store.root, tmp_path / "1.db", progress=False)
    assert (ProcessedCache(store.root).get(sha) is not None,
            ProcessedCache(store.root, version="older-pipeline").get(sha)) == (True, None)


def test_pipeline_version_is_a_digest_of_its_code():
    assert len(code_version()) == 16
