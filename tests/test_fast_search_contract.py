"""What archive/web/fast_search.py relies on in Datasette's internals, checked so an upgrade fails loudly.

The fast search pages reach into Datasette where it has no hook: the SQL it writes for ``?_search=``,
`Database.execute`, and `ColumnFacet`. Should a Datasette upgrade change any of them, the pages would
silently fall back to the slow path (or break): these tests name what changed.
"""

from __future__ import annotations

import asyncio
import inspect

import pytest
from datasette.database import Database
from datasette.facets import ColumnFacet
from datasette.plugins import pm

from support.archive_kit import make_site
from archive.web import fast_search
from archive.web.site import make_datasette

UPGRADE = "Datasette changed what archive/web/fast_search.py relies on: "


@pytest.fixture(scope="module")
def traced(tmp_path_factory):
    db = make_site(tmp_path_factory.mktemp("contract"), n_reports=12, n_plain=20, seed=5)
    ds = make_datasette(db, settings={"trace_debug": True})

    async def go():
        r = await ds.client.get("/nianbao/reports.json?_search=%E5%A4%8D%E8%AE%AE&_trace=1&_shape=objects")
        return r.json()

    fast_search.CACHE.clear()
    return asyncio.run(go())


def test_a_search_page_takes_the_one_match_path(traced):
    sqls = [t["sql"] for t in traced["_trace"]["traces"] if t.get("type") == "sql"]
    assert any(s.startswith("-- hits:") for s in sqls), UPGRADE + "the search count/page SQL no longer matches"


def test_the_search_count_is_not_run_by_datasette(traced):
    sqls = [t["sql"] for t in traced["_trace"]["traces"] if t.get("type") == "sql"]
    assert not [s for s in sqls if s.startswith("select count(*) from reports where id in")], \
        UPGRADE + "the count SQL of a search page changed (_SEARCH_COUNT)"


def test_facets_are_counted_in_one_pass(traced):
    sqls = [t["sql"] for t in traced["_trace"]["traces"] if t.get("type") == "sql"]
    assert any(s.startswith("-- facets") for s in sqls), UPGRADE + "ColumnFacet is no longer replaced"


def test_the_column_facet_class_is_replaced():
    classes = [k for group in pm.hook.register_facet_classes() for k in group]
    assert fast_search.ArchiveColumnFacet in classes and ColumnFacet not in classes, UPGRADE + "facet registration"


def test_database_execute_signature_is_the_one_overridden():
    ours = inspect.signature(fast_search.ArchiveDatabase.execute).parameters
    theirs = inspect.signature(Database.execute).parameters
    assert list(ours) == list(theirs), UPGRADE + f"Database.execute{tuple(theirs)}"


@pytest.mark.parametrize("name", ["get_facet_size", "get_querystring_pairs", "facet_results", "get_configs"])
def test_column_facet_still_has_what_we_call(name):
    assert callable(getattr(ColumnFacet, name, None)), UPGRADE + f"ColumnFacet.{name} is gone"
