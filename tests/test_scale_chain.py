"""Issue 16's whole chain on loopback: two crawl processes on one Redis frontier, then a build on a Dask cluster.

Two `nianbao crawl --redis` processes archive a farm portal (real HTTP on 127.0.0.1) and `nianbao build --cluster`
processes what they archived on a real scheduler with two workers, with the real pipeline and no processing cache.
The reports and cells equal those of one plain crawl built locally.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from archive.originals.store import ArchiveStore
from support.archive_kit import free_port
from support.services import redis_server

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SITES = "trs-yuanzhou,hanweb-yiwu"

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None or not (BIN / "dask").exists(),
                                reason="redis-server (scripts/install-system-deps.sh) or dask (pip distributed) missing")


def _stop(procs) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="module")
def cluster():
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    scheduler = subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                  "--no-dashboard"], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
    workers = [subprocess.Popen([str(BIN / "dask"), "worker", address, "--nthreads", "1", "--host", "127.0.0.1",
                                 "--no-dashboard", "--name", f"w{i}", "--death-timeout", "60"], cwd=REPO, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for i in range(2)]
    try:
        from distributed import Client

        with Client(address, timeout="60s", set_as_default=False) as client:
            client.wait_for_workers(2, timeout=90)
        yield address
    finally:
        _stop(workers + [scheduler])


def _nianbao(*args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "nianbao", *map(str, args)], cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _ok(proc: subprocess.Popen, timeout=600) -> None:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, f"exit {proc.returncode}\n{out[-2000:]}\n{err[-4000:]}"


@pytest.fixture(scope="module")
def built(farm, redis_url, cluster, tmp_path_factory):
    root = tmp_path_factory.mktemp("chain")
    sources = farm.write_sources_csv(root / "sources.csv")
    crawl = ["crawl", "--sources", sources, "--no-polite", "--only", SITES]
    two = [_nianbao(*crawl, "--archive-dir", root / "shared", "--redis", redis_url) for _ in range(2)]
    for proc in two:
        _ok(proc)
    _ok(_nianbao(*crawl, "--archive-dir", root / "single"))
    _ok(_nianbao("build", "--archive-dir", root / "shared", "--db", root / "cluster.db", "--sources", sources,
                 "--cluster", cluster, "--no-cache", "--quiet"))
    _ok(_nianbao("build", "--archive-dir", root / "single", "--db", root / "local.db", "--sources", sources,
                 "--no-cache", "--quiet"))
    return root


def _rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return sorted(conn.execute(sql).fetchall(), key=repr)
    finally:
        conn.close()


def test_the_shared_crawl_archives_every_document_once(built):
    urls = [r.url for r in ArchiveStore(built / "shared").fetches()]
    assert len(urls) == len(set(urls)) and {r.sha256 for r in ArchiveStore(built / "shared").fetches()} == \
        {r.sha256 for r in ArchiveStore(built / "single").fetches()}


def test_the_cluster_build_has_the_reports_of_a_local_build(built):
    sql = ("select id, organ_id, agency, year, admin_level, document_sha256, format_version, checks_failed "
           "from reports")
    cluster = _rows(built / "cluster.db", sql)
    assert cluster and cluster == _rows(built / "local.db", sql)


def test_the_cluster_build_has_the_cells_of_a_local_build(built):
    sql = "select report_id, tbl, row, col, raw, value, semantic, certain from cells"
    cluster = _rows(built / "cluster.db", sql)
    assert cluster and cluster == _rows(built / "local.db", sql)
