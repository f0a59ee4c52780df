"""Per-process fetch logs (`nianbao crawl --redis`) are merged into fetches.jsonl once their crawl has ended.

A writer keeps its own log open under a shared lock while it lives; `ArchiveStore.compact()` takes only logs it can
lock exclusively, replaces fetches.jsonl by rename and then deletes what it merged.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from archive.originals.store import ArchiveStore, FetchLogTail, FetchRecord

REPO = Path(__file__).resolve().parents[1]


def _rec(url: str, when: str) -> FetchRecord:
    return FetchRecord(sha256="0" * 64, url=url, final_url=url, status=200, content_type="text/html", size=1,
                       fetched_at=when, source_id="s", role="article")


def _t(second: int) -> str:
    return f"2026-01-01T00:00:{second:02d}+00:00"


def _three_writers(root: Path) -> list[ArchiveStore]:
    a, b, plain = ArchiveStore(root, writer="hostA-1-aa"), ArchiveStore(root, writer="hostB-2-bb"), ArchiveStore(root)
    a.record(_rec("http://x/1", _t(2)))
    b.record(_rec("http://x/2", _t(1)))
    plain.record(_rec("http://x/0", _t(2)))
    a.record(_rec("http://x/3", _t(3)))
    b.record(_rec("http://x/4", _t(3)))
    return [a, b, plain]


def _urls(root: Path) -> list[str]:
    return [r.url for r in ArchiveStore(root).fetches()]


def test_compaction_keeps_every_record_in_the_same_order(tmp_path):
    writers = _three_writers(tmp_path)
    before = _urls(tmp_path)
    for w in writers:
        w.close()
    ArchiveStore(tmp_path).compact()
    assert _urls(tmp_path) == before


def test_compaction_leaves_one_log(tmp_path):
    for w in _three_writers(tmp_path):
        w.close()
    ArchiveStore(tmp_path).compact()
    assert [p.name for p in ArchiveStore(tmp_path).fetch_logs()] == ["fetches.jsonl"]


def test_a_live_writers_log_is_left_alone(tmp_path):
    a, b, plain = _three_writers(tmp_path)
    a.close()  # b is still crawling: its log stays open under its lock
    assert ArchiveStore(tmp_path).compact() == ["fetches.hostA-1-aa.jsonl"]
    assert b.fetch_log.exists()


def test_a_live_writer_goes_on_writing_after_a_compaction(tmp_path):
    a, b, plain = _three_writers(tmp_path)
    a.close()
    ArchiveStore(tmp_path).compact()
    b.record(_rec("http://x/5", _t(4)))
    assert _urls(tmp_path)[-1] == "http://x/5"


def test_the_shared_log_takes_appends_after_it_was_replaced(tmp_path):
    a, b, plain = _three_writers(tmp_path)
    a.close()
    b.close()
    ArchiveStore(tmp_path).compact()
    plain.record(_rec("http://x/6", _t(5)))
    assert _urls(tmp_path)[-1] == "http://x/6"


def test_an_interrupted_compaction_reads_each_record_once(tmp_path):
    """Killed after the merged fetches.jsonl was renamed into place, before the merged logs were deleted."""
    writers = _three_writers(tmp_path)
    before = _urls(tmp_path)
    for w in writers:
        w.close()
    kept = {p: p.read_bytes() for p in ArchiveStore(tmp_path).fetch_logs() if p.name != "fetches.jsonl"}
    ArchiveStore(tmp_path).compact()
    for path, data in kept.items():
        path.write_bytes(data)
    assert _urls(tmp_path) == before


def test_a_tail_reads_on_after_a_compaction(tmp_path):
    a, b, plain = _three_writers(tmp_path)
    tail = FetchLogTail(ArchiveStore(tmp_path, writer="reader"))
    tail.read()
    a.close()
    b.close()
    ArchiveStore(tmp_path).compact()
    plain.record(_rec("http://x/7", _t(6)))
    assert "http://x/7" in [r.url for r in tail.read()]


def test_the_writer_lock_dies_with_its_process(tmp_path):
    """A crawl process that ended (here: a child that recorded and exited) no longer holds its log."""
    code = ("import sys; from archive.originals.store import ArchiveStore, FetchRecord;"
            "ArchiveStore(sys.argv[1], writer='child-1-cc').record(FetchRecord(sha256='0'*64, url='http://x/9', "
            "final_url='http://x/9', status=200, content_type='text/html', size=1, "
            "fetched_at='2026-01-01T00:00:09+00:00', source_id='s', role='article'))")
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=REPO, check=True)
    assert ArchiveStore(tmp_path).compact() == ["fetches.child-1-cc.jsonl"]


def test_nianbao_compact_command(tmp_path):
    for w in _three_writers(tmp_path):
        w.close()
    proc = subprocess.run([sys.executable, "-m", "nianbao", "compact", "--archive-dir", str(tmp_path)], cwd=REPO,
                          capture_output=True, text=True)
    assert (proc.returncode, proc.stdout.split(":")[0]) == (0, "merged 2 fetch log(s) into fetches.jsonl")


def test_a_scheduled_run_compacts_the_logs_of_ended_crawls(tmp_path):
    archive = tmp_path / "archive"
    for w in _three_writers(archive):
        w.close()
    subprocess.run([sys.executable, "-m", "nianbao", "run", "--archive-dir", str(archive), "--db",
                    str(tmp_path / "n.db"), "--no-crawl"], cwd=REPO, capture_output=True, text=True)
    assert [p.name for p in ArchiveStore(archive).fetch_logs()] == ["fetches.jsonl"]
