"""One-pass counts, pages and facets (archive/fast_search.py) equal what plain SQL says."""

from __future__ import annotations

import asyncio
import sqlite3
import urllib.parse

import pytest

from archive.db import fts
from archive.web import fast_search
from archive.web.site import make_datasette
from support.archive_kit import make_site

from archive.web.metadata import FACETS  # noqa: E402 - the facets the site shows
SEARCH = "id in (select rowid from reports_fts where reports_fts match escape_fts(:search))"
# (request arguments, the same filter as SQL over the table)
CASES = [
    ({}, "1"),
    ({"_search": "复议"}, SEARCH),
    ({"_search": "公开 议"}, SEARCH),
    ({"_search": "诉"}, SEARCH),
    ({"_search": "不在任何报告里的词"}, SEARCH),
    ({"_search": ""}, SEARCH),
    ({"_search": '"NEAR('}, SEARCH),
    ({"_search": "复议", "province": "浙江省"}, SEARCH + " and province = '浙江省'"),
    ({"_search": "公开", "year__gte": "2022"}, SEARCH + " and year >= 2022"),
    ({"year": "2021"}, "year = 2021"),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return make_site(tmp_path_factory.mktemp("facets"), n_reports=24, n_plain=60, seed=11)


def oracle(path, where, search, table="reports"):
    conn = sqlite3.connect(path)
    conn.create_function("escape_fts", 1, fts.fts_query)
    params = {"search": search}
    count = conn.execute(f"select count(*) from {table} where {where}", params).fetchone()[0]
    ids = [r[0] for r in conn.execute(f"select id from {table} where {where} order by id", params)]
    facets = {c: conn.execute(f"select {c}, count(*) from {table} where {where} and {c} is not null "
                              f"group by {c} order by count(*) desc, {c}", params).fetchall() for c in FACETS}
    return count, ids, facets


def fetch(path, args, table="reports"):
    ds = make_datasette(path)

    async def go():
        r = await ds.client.get(f"/nianbao/{table}.json?" + urllib.parse.urlencode({"_facet_size": "max", "_shape": "objects", **args}))
        assert r.status_code == 200, r.text[:300]
        return r.json()

    return asyncio.run(go())


@pytest.mark.parametrize("args,where", CASES, ids=[urllib.parse.urlencode(a) or "all" for a, _ in CASES])
def test_count_page_and_facets_equal_plain_sql(db, args, where):
    count, ids, facets = oracle(db, where, args.get("_search"))
    data = fetch(db, args)
    got = {c: [(v["value"], v["count"]) for v in data["facet_results"][c]["results"]] for c in FACETS}
    assert (data["filtered_table_rows_count"], [r["id"] for r in data["rows"]], got) == \
           (count, ids[:50], {c: [tuple(p) for p in facets[c]] for c in FACETS})


def test_search_page_in_descending_id_order_is_the_last_hits(db):
    _, ids, _ = oracle(db, SEARCH, "公开")
    data = fetch(db, {"_search": "公开", "_sort_desc": "id", "_size": 5})
    assert [r["id"] for r in data["rows"]] == ids[::-1][:5]


def test_facet_asked_for_in_the_url_is_counted_too(db):
    conn = sqlite3.connect(db)
    want = conn.execute("select county, count(*) from reports where county is not null "
                        "group by county order by count(*) desc, county").fetchall()
    data = fetch(db, {"_facet": "county"})
    assert [(v["value"], v["count"]) for v in data["facet_results"]["county"]["results"]] == [tuple(w) for w in want]


def test_facet_size_truncates_like_datasette(db):
    data = fetch(db, {"_search": "公开", "_facet_size": 2})
    province = data["facet_results"]["province"]
    assert (len(province["results"]), province["truncated"]) == (2, True)


def test_facet_value_links_toggle_the_filter(db):
    data = fetch(db, {"_search": "复议", "province": "浙江省"})
    selected = [v for v in data["facet_results"]["province"]["results"] if v["selected"]]
    assert [(v["value"], "province=" not in v["toggle_url"]) for v in selected] == [("浙江省", True)]


def test_search_is_matched_once_per_query(db):
    fast_search.CACHE.clear()
    before = fast_search.CACHE.misses
    fetch(db, {"_search": "行政复议"})
    fetch(db, {"_search": "行政复议", "_sort_desc": "id"})
    assert fast_search.CACHE.misses - before == 1


def test_preload_loads_the_default_facet_columns(db):
    from archive.web.site import metadata_for

    assert fast_search.preload(db, metadata_for(db)) == len(FACETS)


def test_hit_cache_is_bounded_by_the_ids_it_holds(db):
    import sqlite3 as sq

    cache = fast_search.HitCache(size=10, max_ids=5)
    conn = sq.connect(db)
    for n in (3, 2, 4):
        cache.ids(conn, str(db), f"select id as k from reports order by id limit {n}", {}, 1000)
    assert [len(v) for v in cache._hits.values()] == [4]


def test_more_ids_than_one_sqlite_value_holds_come_row_by_row(db):
    """Joined, a million ids are 16 MB, past the 8 MB a value may grow to (the server's limit against string
    bombs): such a set is fetched row by row, the same ids."""
    import sqlite3 as sq

    conn = sq.connect(db)
    want = fast_search._fetch_ids(conn, "select id as k from reports order by id", {})
    conn.setlimit(sq.SQLITE_LIMIT_LENGTH, 100)  # a few ids already pass it
    assert (list(fast_search._fetch_ids(conn, "select id as k from reports order by id", {})), len(want) > 10) == \
        (list(want), True)


def test_a_search_past_the_time_limit_is_reported_as_interrupted(db):
    import sqlite3 as sq

    from datasette.database import QueryInterrupted

    slow = "select a.id as k from reports a, reports b, reports c, reports d"
    with pytest.raises(QueryInterrupted):
        fast_search.HitCache().ids(sq.connect(db), str(db), slow, {}, 20)
