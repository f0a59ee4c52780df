"""The published site under what users and operators will do: expensive SQL, a publish while serving,
out-of-range ids, and nothing of the server's file system shown."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sqlite3
import time
import urllib.parse

import pytest

from support.archive_kit import make_site
from archive.web.pinned import PinnedFileLost
from archive.web.site import make_datasette


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("robust")
    return root, make_site(root)


def get(ds, path):
    async def go():
        return await ds.client.get(path)

    return asyncio.run(go())


def sql(ds, query):
    return get(ds, "/nianbao.json?" + urllib.parse.urlencode({"sql": query, "_shape": "array"}))


@pytest.mark.parametrize("query", [
    "select length(cjk_fts_query(printf('%.*c', 20000000, 'a'))) as n",
    "select length(replace(printf('%.*c', 900000000, 'a'), 'a', 'bb')) as n",
    "select length(cjk_snippet('x', printf('%.*c', 5000000, 'a'))) as n",
])
def test_string_bombs_end_within_seconds_of_the_time_limit(site, query):
    """A value may not grow past 8 MB (SQLITE_LIMIT_LENGTH): SQLite's printf gives NULL beyond it, the other
    functions an error; either way the query ends within a few seconds of the 3 s limit, with nothing big."""
    _, db = site
    ds = make_datasette(db)
    start = time.monotonic()
    r = sql(ds, query)
    elapsed = time.monotonic() - start
    small = r.status_code == 200 and (r.json()[0]["n"] or 0) < 1000
    assert elapsed < 8 and (r.status_code == 400 or small), (elapsed, r.text[:200])


def _publish_over(served):
    """What `nianbao run` does when it publishes: a new database renamed over the served one."""
    other = served.with_name("new.db")
    conn = sqlite3.connect(other)
    conn.execute("create table reports (id integer)")
    conn.commit()
    conn.close()
    os.replace(other, served)


def test_a_publish_while_serving_changes_nothing_served(site, tmp_path):
    """30 requests at once after a publish, so every SQL thread is busy (the failure seen: a thread started
    after the publish opened `nianbao.db (deleted)`, an empty file SQLite created, "no such table")."""
    root, db = site
    served = tmp_path / "nianbao.db"
    shutil.copy(db, served)
    ds = make_datasette(served)
    before = sql(ds, "select count(*) as n from reports").json()[0]["n"]
    _publish_over(served)

    async def many():
        url = "/nianbao.json?" + urllib.parse.urlencode({"sql": "select count(*) as n from reports", "_shape": "array"})
        return await asyncio.gather(*(ds.client.get(url) for _ in range(30)))

    answers = {r.json()[0]["n"] if r.status_code == 200 else r.status_code for r in asyncio.run(many())}
    assert (answers, sorted(p.name for p in tmp_path.iterdir())) == ({before}, ["nianbao.db"])


def test_a_connection_opened_after_a_publish_is_refused_not_answered_from_another_file(site, tmp_path):
    _, db = site
    served = tmp_path / "nianbao.db"
    shutil.copy(db, served)
    pin = make_datasette(served).get_database("nianbao").pin
    _publish_over(served)
    with pytest.raises(PinnedFileLost, match="restart the server"):
        pin.connect()


def test_a_reused_descriptor_is_refused_not_answered_from_another_file(site, tmp_path):
    """Were the pinned descriptor closed by mistake and its number reused, /proc/self/fd/N would name an
    unrelated file: a connection to it is refused."""
    _, db = site
    ds = make_datasette(db)
    other = tmp_path / "unrelated.db"
    conn = sqlite3.connect(other)
    conn.execute("create table reports (id integer)")
    conn.commit()
    conn.close()
    pin = ds.get_database("nianbao").pin
    fd = os.open(other, os.O_RDONLY)
    os.dup2(fd, pin.fd)  # what a double close elsewhere followed by an open would do
    os.close(fd)
    with pytest.raises(PinnedFileLost, match="unrelated.db"):
        pin.connect()


def test_a_starting_server_neither_counts_tables_nor_reads_the_whole_file(site, monkeypatch):
    """At a million reports counting every table takes ≈ 20 s and hashing the file reads 47 GB on the event
    loop: the counts come from the build's `table_rows`, the hash is a fingerprint."""
    import datasette.database

    _, db = site
    executed = []
    original = datasette.database.Database.execute

    async def recording(self, sql, *args, **kwargs):
        executed.append(sql)
        return await original(self, sql, *args, **kwargs)

    def whole_file_hash(path):
        raise AssertionError(f"hashed {path}")

    monkeypatch.setattr(datasette.database.Database, "execute", recording)
    monkeypatch.setattr(datasette.database, "inspect_hash", whole_file_hash)
    ds = make_datasette(db)
    statuses = tuple(get(ds, path).status_code for path in ("/", "/.json", "/nianbao", "/-/databases.json"))
    assert (statuses, [q for q in executed if q.startswith("select count(*) from [")]) == ((200,) * 4, [])


def test_the_whole_database_downloads_as_it_was_opened(site, tmp_path):
    _, db = site
    served = tmp_path / "nianbao.db"
    shutil.copy(db, served)
    original = served.read_bytes()
    ds = make_datasette(served)
    (tmp_path / "new.db").write_bytes(b"SQLite format 3\x00 a different file")
    os.replace(tmp_path / "new.db", served)
    r = get(ds, "/nianbao.db")
    assert (r.status_code, r.content == original) == (200, True)


@pytest.mark.parametrize("path", ["/-/report/9223372036854775808", "/-/report/99999999999999999999",
                                  "/-/organ/000000-none"])
def test_out_of_range_ids_are_404(site, path):
    _, db = site
    assert get(make_datasette(db), path).status_code == 404


@pytest.mark.parametrize("path", ["/-/metadata.json", "/-/databases.json", "/.json"])
def test_no_server_path_in_public_json(site, path):
    root, db = site
    ds = make_datasette(db, root / "archive", bundle_dir=root / "bundle")
    r = get(ds, path)
    assert r.status_code == 200 and str(root) not in r.text and "/proc/self" not in r.text


def test_other_pages_keep_answering_while_expensive_sql_runs(site):
    """Three expensive queries at once (one VM step each, SQLite's printf) and a report page: the page answers."""
    import threading
    import urllib.request

    from support.archive_kit import served

    root, db = site
    slow = "select length(replace(printf('%.*c', 900000000, 'a'), 'a', 'bb')) as n"
    with served(db, root / "archive") as base:
        threads = [threading.Thread(target=lambda: urllib.request.urlopen(
            f"{base}/nianbao.json?" + urllib.parse.urlencode({"sql": slow}), timeout=60).read()) for _ in range(3)]
        for t in threads:
            t.start()
        time.sleep(0.5)
        start = time.monotonic()
        with urllib.request.urlopen(f"{base}/nianbao/reports.json?_size=1", timeout=30) as resp:
            ok = resp.status == 200
        elapsed = time.monotonic() - start
        for t in threads:
            t.join()
    assert ok and elapsed < 10, elapsed  # every SQL thread busy, each for a few seconds at most (was 95 s)
