"""Crawling on a shared frontier: `nianbao crawl --redis` with a real redis-server on 127.0.0.1.

Two crawl processes started together on the portal farm share one queue and duplicate filter (scrapy-redis):
together they archive exactly what one process archives, each URL fetched once, each into its own fetch log.
"""

from __future__ import annotations

import collections
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from archive.originals.store import ArchiveStore, FetchLogTail, FetchRecord
from support.archive_kit import free_port
from support.services import redis_server

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None,
                                reason="redis-server is not installed (scripts/install-system-deps.sh)")


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


def crawl_cmd(sources, archive, *extra):
    return [sys.executable, "-m", "nianbao", "crawl", "--sources", str(sources), "--archive-dir", str(archive),
            "--no-polite", *extra]


def run(cmd, timeout=180):
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=timeout)
    return proc


def records(archive) -> list[FetchRecord]:
    return list(ArchiveStore(archive).fetches())


def objects(archive) -> set[str]:
    return {p.name for p in Path(archive, "objects").rglob("*") if p.is_file() and not p.name.startswith(".")}


@pytest.fixture(scope="module")
def sources(farm, tmp_path_factory):
    return farm.write_sources_csv(tmp_path_factory.mktemp("src") / "sources.csv")


@pytest.fixture(scope="module")
def single(sources, tmp_path_factory):
    archive = tmp_path_factory.mktemp("single")
    proc = run(crawl_cmd(sources, archive))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return archive


@pytest.fixture(scope="module")
def shared(sources, redis_url, tmp_path_factory):
    """Two crawl processes started together on one shared frontier, into one archive."""
    archive = tmp_path_factory.mktemp("shared")
    procs = [subprocess.Popen(crawl_cmd(sources, archive, "--redis", redis_url), cwd=REPO, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outs = [p.communicate(timeout=180) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, f"exit {p.returncode}\n{out}\n{err[-4000:]}"
    return archive, outs


def test_two_processes_archive_what_one_archives(single, shared):
    archive, _ = shared
    one, two = records(single), records(archive)
    assert {r.sha256 for r in two} == {r.sha256 for r in one}
    assert {r.url for r in two} == {r.url for r in one}
    assert {(r.url, r.sha256, r.role) for r in two} == {(r.url, r.sha256, r.role) for r in one}
    assert objects(archive) == objects(single)


def test_no_url_fetched_or_recorded_twice(shared):
    archive, _ = shared
    recs = records(archive)
    pairs = collections.Counter((r.url, r.sha256) for r in recs)
    assert [p for p, n in pairs.items() if n > 1] == []
    assert len({r.url for r in recs}) == len(recs)


def test_each_process_writes_its_own_fetch_log_and_run_record(shared):
    archive, _ = shared
    logs = sorted(Path(archive).glob("fetches.*.jsonl"))
    assert not (Path(archive) / "fetches.jsonl").exists()
    assert len(logs) == 2
    assert all(log.stat().st_size > 0 for log in logs), "both processes should have taken work"
    runs = [json.loads(p.read_text(encoding="utf-8")) for p in Path(archive, "runs").glob("*.json")]
    assert len({r["run_id"] for r in runs}) == 2
    # Each process judges every source on the reports all processes found: none is broken.
    for r in runs:
        assert r["broken_sources"] == [] and r["finish_reason"] == "finished"
    found = [{sid: e["reports_found"] for sid, e in r["sources"].items()} for r in runs]
    assert found[0] == found[1] and all(n > 0 for n in found[0].values())


def test_the_last_process_clears_the_frontier(shared, redis_url):
    import redis

    assert [k for k in redis.Redis.from_url(redis_url).keys("nianbao:*") if not k.startswith(b"nianbao:host:")] == []


def test_a_second_shared_crawl_downloads_no_document(shared, sources, redis_url):
    archive, _ = shared
    before = records(archive)
    proc = run(crawl_cmd(sources, archive, "--redis", redis_url))
    assert proc.returncode == 0, proc.stderr[-3000:]
    after = records(archive)
    assert len(after) == len(before)


def test_redis_and_jobdir_exclude_each_other(sources, tmp_path, redis_url):
    proc = run(crawl_cmd(sources, tmp_path / "a", "--redis", redis_url, "--jobdir", str(tmp_path / "j")))
    assert proc.returncode == 2 and "--jobdir" in proc.stderr


def test_unreachable_redis_is_a_usage_error(sources, tmp_path):
    proc = run(crawl_cmd(sources, tmp_path / "a", "--redis", f"redis://127.0.0.1:{free_port()}/0"))
    assert proc.returncode == 2 and "cannot reach Redis" in proc.stderr


# --- the archive with several writers -------------------------------------------------------------------------
def _rec(url: str, when: str, sha: str = "0" * 64) -> FetchRecord:
    return FetchRecord(sha256=sha, url=url, final_url=url, status=200, content_type="text/html", size=1,
                       fetched_at=when, source_id="s", role="article")


def test_fetch_logs_merge_in_one_deterministic_order(tmp_path):
    a, b, plain = ArchiveStore(tmp_path, writer="hostA-1-aa"), ArchiveStore(tmp_path, writer="hostB-2-bb"), \
        ArchiveStore(tmp_path)
    a.record(_rec("http://x/1", "2026-01-01T00:00:02+00:00"))
    b.record(_rec("http://x/2", "2026-01-01T00:00:01+00:00"))
    a.record(_rec("http://x/3", "2026-01-01T00:00:03+00:00"))
    plain.record(_rec("http://x/0", "2026-01-01T00:00:02+00:00"))
    b.record(_rec("http://x/4", "2026-01-01T00:00:03+00:00"))
    order = [r.url for r in ArchiveStore(tmp_path).fetches()]
    # by time; on equal times fetches.jsonl first, then the per-process logs by name
    assert order == ["http://x/2", "http://x/0", "http://x/1", "http://x/3", "http://x/4"]
    assert [r.url for r in ArchiveStore(tmp_path).fetches()] == order


def test_fetch_log_tail_reads_complete_lines_only(tmp_path):
    other = ArchiveStore(tmp_path, writer="other")
    tail = FetchLogTail(ArchiveStore(tmp_path, writer="me"))
    assert tail.read() == []
    other.record(_rec("http://x/1", "2026-01-01T00:00:01+00:00"))
    assert [r.url for r in tail.read()] == ["http://x/1"]
    line = json.dumps(_rec("http://x/2", "2026-01-01T00:00:02+00:00").__dict__).encode()
    with open(other.fetch_log, "ab") as fh:
        fh.write(line[:20])  # a line still being written
    assert tail.read() == []
    with open(other.fetch_log, "ab") as fh:
        fh.write(line[20:] + b"\n")
    assert [r.url for r in tail.read()] == ["http://x/2"]
    assert tail.read() == []


def test_a_bad_writer_id_is_refused(tmp_path):
    with pytest.raises(ValueError):
        ArchiveStore(tmp_path, writer="../escape")
