"""Several crawl processes on one archive: run ids that never collide, crawl-state files that lose no update."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

from crawler.run_record import new_run_id
from crawler.state import CheckLog, GoneRegistry

REPO = Path(__file__).resolve().parents[1]
T0 = dt.datetime(2026, 12, 1, 3, 52, 9, tzinfo=dt.timezone.utc)

SAME_MOMENT = ("import datetime as dt, secrets; secrets.token_hex = lambda n=2: '0' * (2 * n); "
               "from crawler.run_record import new_run_id; "
               "print(new_run_id(dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)))")


def test_run_ids_of_processes_started_at_the_same_moment_differ():
    """Same microsecond, same "random" part: the process still tells them apart."""
    ids = [subprocess.run([sys.executable, "-c", SAME_MOMENT], cwd=REPO, capture_output=True, text=True,
                          check=True).stdout.strip() for _ in range(2)]
    assert ids[0] != ids[1]


def test_run_ids_sort_by_start_time_to_the_microsecond():
    ids = [new_run_id(T0 + dt.timedelta(microseconds=n)) for n in (0, 1, 999_999, 1_000_000)]
    assert sorted(reversed(ids)) == ids


def test_run_ids_in_one_process_are_unique():
    assert len({new_run_id(T0) for _ in range(2000)}) == 2000


def test_run_id_is_a_file_name():
    assert "/" not in new_run_id() and Path(new_run_id() + ".json").stem.startswith(f"{dt.datetime.now(dt.timezone.utc):%Y}")


def test_two_processes_gone_urls_both_survive(tmp_path):
    path = tmp_path / "crawler-state" / "gone.json"
    a, b = GoneRegistry(path, 7), GoneRegistry(path, 7)  # both opened before either saves
    a.gone("http://x.gov.cn/a.pdf", 404)
    b.gone("http://x.gov.cn/b.pdf", 410)
    a.save()
    b.save()
    assert sorted(json.loads(path.read_text(encoding="utf-8"))) == ["http://x.gov.cn/a.pdf", "http://x.gov.cn/b.pdf"]


def test_a_url_found_back_is_dropped_without_losing_the_others(tmp_path):
    path = tmp_path / "gone.json"
    first = GoneRegistry(path, 7)
    first.gone("http://x.gov.cn/a.pdf", 404)
    first.save()
    a, b = GoneRegistry(path, 7), GoneRegistry(path, 7)
    a.back("http://x.gov.cn/a.pdf")
    b.gone("http://x.gov.cn/c.pdf", 404)
    b.save()
    a.save()
    assert sorted(json.loads(path.read_text(encoding="utf-8"))) == ["http://x.gov.cn/c.pdf"]


def test_two_processes_checks_both_survive(tmp_path):
    path = tmp_path / "checked.json"
    a, b = CheckLog(path), CheckLog(path)
    a.checked("http://x.gov.cn/a.html")
    b.checked("http://x.gov.cn/b.html")
    a.save()
    b.save()
    assert sorted(json.loads(path.read_text(encoding="utf-8"))) == ["http://x.gov.cn/a.html", "http://x.gov.cn/b.html"]


def test_a_saved_registry_sees_the_other_process_entries(tmp_path):
    path = tmp_path / "gone.json"
    a, b = GoneRegistry(path, 7), GoneRegistry(path, 7)
    a.gone("http://x.gov.cn/a.pdf", 404)
    a.save()
    b.gone("http://x.gov.cn/b.pdf", 404)
    b.save()
    assert b.skip("http://x.gov.cn/a.pdf") is not None
