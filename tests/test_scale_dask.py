"""`nianbao build --cluster`: extraction and parsing on a real Dask cluster on 127.0.0.1.

A scheduler and two workers (`dask scheduler`, `dask worker --nthreads 1`) run as subprocesses. A cluster
build gives the database of a local build (iterdump); a worker killed mid-build loses nothing; a document
that hangs is stopped by the per-task limit and recorded as failed; cache hits never reach the cluster.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.db.build import build
from support.archive_kit import envelope_processor, free_port, make_archive, make_real_archive
from support.services import stop_process

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TESTS = Path(__file__).resolve().parent

pytestmark = pytest.mark.skipif(not (BIN / "dask").exists() and shutil.which("dask") is None,
                                reason="the dask command is not installed (pip package distributed)")


# --- processors the workers import from this module (tests/ is on their PYTHONPATH) ------------------------------
def slow_processor(data, filename, content_type):
    """The test envelope, slowly; leaves a mark per document naming the worker process that ran it."""
    marks = os.environ.get("NIANBAO_TEST_MARKS")
    time.sleep(0.25)
    if marks:
        Path(marks, f"{os.getppid()}-{time.monotonic_ns()}").touch()
    return envelope_processor(data, filename, content_type)


def hanging_processor(target: str, data, filename, content_type):
    import hashlib

    if hashlib.sha256(data).hexdigest() == target:
        time.sleep(3600)
    return envelope_processor(data, filename, content_type)


# --- the cluster ---------------------------------------------------------------------------------------------------
def dask_cmd() -> list[str]:
    exe = BIN / "dask"
    return [str(exe)] if exe.exists() else ["dask"]


def worker_env(marks: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), str(REPO), env.get("PYTHONPATH", "")])
    env["NIANBAO_TEST_MARKS"] = str(marks)
    return env


def start_worker(address: str, marks: Path, name: str) -> subprocess.Popen:
    return subprocess.Popen(dask_cmd() + ["worker", address, "--nthreads", "1", "--no-nanny", "--host", "127.0.0.1",
                                          "--no-dashboard", "--name", name, "--death-timeout", "60"],
                            cwd=REPO, env=worker_env(marks), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_workers(address: str, n: int, timeout: float = 60) -> None:
    from distributed import Client

    with Client(address, timeout="30s", set_as_default=False) as client:
        client.wait_for_workers(n, timeout=timeout)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    marks = tmp_path_factory.mktemp("marks")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    scheduler = subprocess.Popen(dask_cmd() + ["scheduler", "--host", "127.0.0.1", "--port", str(port),
                                               "--no-dashboard"],
                                 cwd=REPO, env=worker_env(marks), stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
    workers = [start_worker(address, marks, f"w{i}") for i in range(2)]
    try:
        wait_workers(address, 2)
        yield address, marks
    finally:
        for proc in workers + [scheduler]:
            stop_process(proc)


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    root = tmp_path_factory.mktemp("arch")
    truth = make_archive(root / "archive")
    local = root / "local.db"
    build(root / "archive", local, processor=envelope_processor, progress=False)
    return root / "archive", local, truth


def dump(db) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_cluster_build_equals_local_build(cluster, archive, tmp_path):
    address, _ = cluster
    arch, local, _ = archive
    db = tmp_path / "cluster.db"
    counts = build(arch, db, processor=envelope_processor, progress=False, cluster=address)
    assert counts == {"documents": 63, "reports": 61, "failed": 1, "not_report": 1}
    assert dump(db) == dump(local)


def test_a_killed_worker_loses_nothing(cluster, archive, tmp_path):
    address, marks = cluster
    arch, local, _ = archive
    victim = start_worker(address, marks, "victim")
    try:
        wait_workers(address, 3)
        db = tmp_path / "cluster.db"
        result: dict = {}

        def run():
            try:
                result["counts"] = build(arch, db, processor=slow_processor, progress=False, cluster=address)
            except BaseException as exc:  # noqa: BLE001
                result["error"] = exc

        thread = threading.Thread(target=run)
        thread.start()
        deadline = time.monotonic() + 60
        while sum(1 for p in marks.iterdir() if p.name.startswith(f"{victim.pid}-")) < 2:
            assert time.monotonic() < deadline and thread.is_alive(), "the victim worker never got work"
            time.sleep(0.05)
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(10)
        thread.join(180)
        assert not thread.is_alive()
        assert "error" not in result, result.get("error")
        assert result["counts"]["documents"] == 63
        assert dump(db) == dump(local)
    finally:
        stop_process(victim)


def test_a_hanging_document_is_stopped_and_recorded_as_failed(cluster, archive, tmp_path):
    address, _ = cluster
    arch, _, truth = archive
    target = truth["duplicates"][0]["of"]
    db = tmp_path / "cluster.db"
    t0 = time.monotonic()
    counts = build(arch, db, processor=functools.partial(hanging_processor, target), progress=False,
                   cluster=address, task_timeout=3)
    assert time.monotonic() - t0 < 60
    conn = sqlite3.connect(db)
    status, error = conn.execute("select extraction_status, extraction_error from documents where sha256 = ?",
                                 (target,)).fetchone()
    assert status == "failed" and "limit of 3 s" in error
    assert counts["failed"] == 2 and counts["documents"] == 63
    # the other documents were processed as usual
    assert conn.execute("select count(*) from documents where extraction_status = 'ok'").fetchone()[0] == 61


def test_real_pipeline_on_the_cluster_and_cache_hits_stay_home(cluster, tmp_path, monkeypatch):
    """The real extraction and parser on the workers; a second build finds everything in the processing cache
    and never contacts the cluster (its address is dead)."""
    from nianbao.cli import main

    address, _ = cluster
    monkeypatch.setenv("NIANBAO_PROCESSED_CACHE", str(tmp_path / "cache"))
    make_real_archive(tmp_path / "archive")
    arch = str(tmp_path / "archive")
    first = CliRunner().invoke(main, ["build", "--archive-dir", arch, "--db", str(tmp_path / "a.db"), "--quiet",
                                      "--cluster", address, "--task-timeout", "120"])
    assert first.exit_code == 0, first.output
    again = CliRunner().invoke(main, ["build", "--archive-dir", arch, "--db", str(tmp_path / "b.db"), "--quiet",
                                      "--cluster", f"tcp://127.0.0.1:{free_port()}"])
    assert again.exit_code == 0, again.output
    local = CliRunner().invoke(main, ["build", "--archive-dir", arch, "--db", str(tmp_path / "c.db"), "--quiet",
                                      "--no-cache"])
    assert local.exit_code == 0, local.output
    assert dump(tmp_path / "a.db") == dump(tmp_path / "b.db") == dump(tmp_path / "c.db")
    statuses = sqlite3.connect(tmp_path / "a.db").execute(
        "select extraction_status, count(*) from documents group by 1").fetchall()
    assert dict(statuses)["ok"] == 8
