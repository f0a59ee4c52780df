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
    build_mod.build(store.root, tmp_path / "1.db", progress=False, isolate=False)  # the spy counts in-process
    build_mod.build(store.root, tmp_path / "2.db", progress=False, isolate=False)
    assert len(counting) == 2


def test_a_new_document_is_the_only_one_processed(tmp_path, counting):
    store = ArchiveStore(tmp_path / "a")
    _store_report(store, 1)
    build_mod.build(store.root, tmp_path / "1.db", progress=False, isolate=False)
    _store_report(store, 3)
    build_mod.build(store.root, tmp_path / "2.db", progress=False, isolate=False)
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


def test_a_cache_that_cannot_be_written_does_not_fail(tmp_path):
    cache = ProcessedCache(tmp_path, version="v1")
    cache.root.parent.mkdir(parents=True)
    cache.root.write_text("a file where the cache's folder should be")  # every write now fails
    cache.put("a" * 64, {"status": "ok"})
    assert cache.get("a" * 64) is None and cache.warned


def test_prune_keeps_only_this_pipeline_version(tmp_path):
    old, new = ProcessedCache(tmp_path, version="old"), ProcessedCache(tmp_path, version="new")
    old.put("a" * 64, {"status": "ok"})
    new.put("b" * 64, {"status": "ok"})
    new.prune()
    assert (old.get("a" * 64), new.get("b" * 64)) == (None, {"status": "ok"})


def test_leftovers_of_killed_builds_are_removed_at_the_next_start(tmp_path):
    import subprocess

    from archive.db.build import build

    dead = subprocess.Popen(["true"])
    dead.wait()
    leftover = tmp_path / f".nianbao.db.building-{dead.pid}"
    leftover.write_bytes(b"x" * 1000)
    (tmp_path / "archive").mkdir()
    build(tmp_path / "archive", tmp_path / "nianbao.db", progress=False)
    assert not leftover.exists() and (tmp_path / "nianbao.db").exists()
