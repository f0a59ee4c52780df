"""Counts and facets of a filtered table page computed once from the matching ids.

Datasette counts a filtered table page with one query and each facet with another, every one of
them re-running the filter: a search for 复议 that hits all 100,000 reports re-runs the full-text
match and visits every hit seven times (≈ 0.5 s). The published database is immutable, so:

* the ids a filter selects are fetched once and kept (`HitCache`, a small LRU keyed by the file
  and the query);
* every facet is counted from an in-memory copy of its column (`ColumnStore`: numpy codes aligned
  with the table's sorted ids, loaded on first use and kept while the file is unchanged);
* the count of a plain search of ``reports`` is the number of its hits (every ``reports_fts``
  rowid is a ``reports.id``: `archive.db.build` writes both in one transaction).

Results are the same as Datasette's own (values ordered by count, then value as SQLite orders
them; NULL left out). Tables and views not listed in `STORES` keep Datasette's facets.
"""

from __future__ import annotations

import os
import re
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np
from datasette.database import Database, QueryInterrupted
from datasette.facets import ColumnFacet
from datasette.tracer import trace
from datasette.utils import (
    escape_sqlite,
    path_with_added_args,
    path_with_removed_args,
    sqlite3,
    sqlite_timelimit,
)
from datasette.database import Results

# table or view -> (table holding its rows, integer key shared by both)
STORES = {"reports": ("reports", "id")}
# The where clause Datasette writes for ?_search= on reports, and the same hits without the join.
_SEARCH_WHERE = "where id in (select rowid from reports_fts where reports_fts match escape_fts(:search)) "
_SEARCH_IDS_SQL = "select rowid as k from reports_fts where reports_fts match escape_fts(:search)"
_SEARCH_COUNT = re.compile(r"select count\(\*\) from reports " + re.escape(_SEARCH_WHERE) + r"$")
_SEARCH_PAGE = re.compile(r"^(select .+? from reports )" + re.escape(_SEARCH_WHERE) + r"order by id( desc)? limit (\d+)$", re.S)
_SELECT_FROM = re.compile(r"^select .+? from (\[?[\w]+\]?) (where .*)?$", re.S)


def file_key(path: str) -> tuple:
    st = os.stat(path)
    return (os.path.realpath(path), st.st_mtime_ns, st.st_size)


def _fetch_ids(conn, ids_sql: str, params: dict) -> np.ndarray:
    """The ids (column ``k``) `ids_sql` selects: joined by SQLite and parsed by numpy, 2–3× faster than rows;
    a set larger than one SQLite value may be (8 MB, about 500,000 ids: a word in every report of a
    million-report archive) comes row by row."""
    try:
        return _parse_ids(conn.execute(f"select group_concat(k) from ({ids_sql})", params).fetchone()[0])
    except sqlite3.DataError:  # string or blob too big
        cursor = conn.execute(ids_sql, params)
        parts = []
        while rows := cursor.fetchmany(65536):
            parts.append(np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)))
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


def _parse_ids(text) -> np.ndarray:
    if not text:
        return np.empty(0, dtype=np.int64)
    return np.fromstring(text, dtype=np.int64, sep=",")


def sqlite_order(value):
    """Sort key that orders values as SQLite does: NULL, numbers, text, blobs."""
    if value is None:
        return (0, 0)
    if isinstance(value, (int, float)):
        return (1, value)
    if isinstance(value, str):
        return (2, value)  # code-point order = UTF-8 byte order (BINARY collation)
    return (3, bytes(value))


class ColumnStore:
    """Columns of one table in memory: sorted ids, and per column integer codes of the values."""

    def __init__(self, table: str, key: str, ids: np.ndarray, columns: set[str]):
        self.table, self.key, self.ids = table, key, ids
        self.available = columns
        self._columns: dict[str, tuple[np.ndarray, list]] = {}
        self._lock = threading.Lock()

    @classmethod
    def load(cls, conn, table: str, key: str) -> "ColumnStore":
        t, k = escape_sqlite(table), escape_sqlite(key)
        ids = np.fromiter((r for (r,) in conn.execute(f"select {k} from {t} order by {k}")), dtype=np.int64)
        columns = {row[1] for row in conn.execute(f"pragma table_info({t})")}
        return cls(table, key, ids, columns)

    def column(self, conn, name: str) -> tuple[np.ndarray, list]:
        with self._lock:
            if name not in self._columns:
                t, k, c = escape_sqlite(self.table), escape_sqlite(self.key), escape_sqlite(name)
                index: dict = {}
                codes = np.fromiter(
                    (index.setdefault(v, len(index)) for (v,) in conn.execute(f"select {c} from {t} order by {k}")),
                    dtype=np.int32, count=len(self.ids))
                self._columns[name] = (codes, list(index))
            return self._columns[name]

    def positions(self, keys: np.ndarray) -> np.ndarray:
        """Row positions of `keys` (keys absent from the table are dropped)."""
        if not len(self.ids) or not len(keys):
            return np.empty(0, dtype=np.int64)
        pos = np.searchsorted(self.ids, keys)
        pos = np.minimum(pos, len(self.ids) - 1)
        return pos[self.ids[pos] == keys]

    def counts(self, conn, name: str, positions: np.ndarray | None) -> list[tuple]:
        """(value, count) of one column over the given rows (all rows when None), as Datasette orders them."""
        codes, values = self.column(conn, name)
        counted = np.bincount(codes if positions is None else codes[positions], minlength=len(values))
        pairs = [(values[i], int(counted[i])) for i in np.flatnonzero(counted) if values[i] is not None]
        pairs.sort(key=lambda p: (-p[1], sqlite_order(p[0])))
        return pairs


class HitCache:
    """The ids each (file, filter) selects, most recently used first; stores per file."""

    def __init__(self, size: int = 32, max_ids: int = 4_000_000):
        self.size, self.max_ids = size, max_ids  # at most 32 hit sets and 32 MB of ids
        self._hits: OrderedDict = OrderedDict()
        self._stores: dict = {}
        self._lock = threading.Lock()
        self.misses = 0  # filters whose ids had to be queried (tests and benchmarks read it)

    def clear(self) -> None:
        """Forget every hit set (the column stores stay)."""
        with self._lock:
            self._hits.clear()

    def store(self, conn, path: str, table: str, key: str) -> ColumnStore:
        fkey = (file_key(path), table, key)
        with self._lock:
            found = self._stores.get(fkey)
        if found is None:
            found = ColumnStore.load(conn, table, key)
            with self._lock:
                for old in [k for k in self._stores if k[0][0] == fkey[0][0] and k != fkey]:
                    del self._stores[old]  # the file was replaced
                self._stores[fkey] = found
        return found

    def ids(self, conn, path: str, ids_sql: str, params: dict, time_limit_ms: int) -> np.ndarray:
        hkey = (file_key(path), ids_sql, tuple(sorted((k, str(v)) for k, v in (params or {}).items())))
        with self._lock:
            if hkey in self._hits:
                self._hits.move_to_end(hkey)
                return self._hits[hkey]
        with sqlite_timelimit(conn, time_limit_ms):
            try:
                found = _fetch_ids(conn, ids_sql, params or {})
            except sqlite3.OperationalError as e:
                if e.args == ("interrupted",):  # past the time limit, as Datasette reports it
                    raise QueryInterrupted(e, ids_sql, params)
                raise
        self.misses += 1
        if len(found) > 1 and not bool(np.all(found[1:] > found[:-1])):
            found = np.unique(found)  # sorted, once: pages are slices
        with self._lock:
            self._hits[hkey] = found
            while len(self._hits) > 1 and (len(self._hits) > self.size
                                           or sum(len(v) for v in self._hits.values()) > self.max_ids):
                self._hits.popitem(last=False)
        return found


CACHE = HitCache()


def preload(db_path: str, metadata: dict) -> int:
    """Load the columns of every configured facet of the `STORES` tables (so a server's first page is
    not the one that pays for it); returns how many columns were loaded."""
    tables = {}
    for db_meta in (metadata.get("databases") or {}).values():
        for name, table_meta in (db_meta.get("tables") or {}).items():
            if name in STORES:
                cols = [c for c in table_meta.get("facets", []) if isinstance(c, str)]
                tables.setdefault(STORES[name], set()).update(cols)
    conn = sqlite3.connect(f"file:{Path(db_path).resolve()}?immutable=1", uri=True)
    try:
        loaded = 0
        for (table, key), cols in tables.items():
            store = CACHE.store(conn, str(db_path), table, key)
            for col in sorted(cols & store.available):
                store.column(conn, col)
                loaded += 1
        return loaded
    finally:
        conn.close()


def ids_sql_for(sql: str, table: str, key: str) -> str | None:
    """SQL returning the matching keys (column ``k``) of a table page's `select … from T where …`.

    None when the page is unfiltered (every row matches)."""
    m = _SELECT_FROM.match(sql)
    where = (m.group(2) or "") if m else None
    if m is not None and not where.strip():
        return None
    if table == "reports" and where == _SEARCH_WHERE:
        return _SEARCH_IDS_SQL
    return _all_ids_sql(sql, key)


def _all_ids_sql(sql: str, key: str) -> str:
    return f"select {escape_sqlite(key)} as k from ({sql})"


class ArchiveColumnFacet(ColumnFacet):
    """Datasette's column facet, all columns counted in one pass over the filtered ids."""

    async def facet_results(self):
        db = self.ds.get_database(self.database)
        configs = self.get_configs()
        if self.table not in STORES or db.is_mutable or not db.path or not configs:
            return await super().facet_results()
        store_table, key = STORES[self.table]
        columns = [c["config"].get("column") or c["config"]["simple"] for c in configs]
        time_limit = self.ds.setting("facet_time_limit_ms")

        def count_all(conn):
            store = CACHE.store(conn, db.path, store_table, key)
            if any(c not in store.available for c in columns):
                return None
            ids_sql = ids_sql_for(self.sql, self.table, key)
            if ids_sql is None and self.table == store_table:
                positions = None  # unfiltered: every row
            else:
                ids_sql = ids_sql or _all_ids_sql(self.sql, key)
                positions = store.positions(CACHE.ids(conn, db.path, ids_sql, self.params, time_limit))
            return {c: store.counts(conn, c, positions) for c in columns}

        try:
            with trace("sql", database=self.database, sql=f"-- facets {columns} of: {self.sql.strip()}",
                       params=self.params):
                counted = await db.execute_fn(count_all)
        except QueryInterrupted:
            return [], columns
        if counted is None:
            return await super().facet_results()
        results = []
        for source_and_config, column in zip(configs, columns):
            results.append(await self._result(column, source_and_config["source"], counted[column]))
        return results, []

    async def _result(self, column: str, source: str, pairs: list[tuple]) -> dict:
        facet_size = self.get_facet_size()
        qs_pairs = self.get_querystring_pairs()
        shown = pairs[:facet_size]
        expanded = {}
        if self.table:
            expanded = await self.ds.expand_foreign_keys(self.database, self.table, column, [v for v, _ in shown])
        column_qs = f"{column}__exact" if column.startswith("_") else column
        values = []
        for value, count in shown:
            selected = (column_qs, str(value)) in qs_pairs
            if selected:
                toggle = path_with_removed_args(self.request, {column_qs: str(value)})
            else:
                toggle = path_with_added_args(self.request, {column_qs: value})
            values.append({
                "value": value,
                "label": expanded.get((column, value), value),
                "count": count,
                "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(toggle)),
                "selected": selected,
            })
        return {
            "name": column,
            "type": self.type,
            "hideable": source != "metadata",
            "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, {"_facet": column})),
            "results": values,
            "truncated": len(pairs) > facet_size,
        }


def replace_column_facet(facet_class_lists: list) -> list:
    """The registered facet classes with Datasette's column facet replaced by ours."""
    return [[ArchiveColumnFacet if k is ColumnFacet else k for k in classes] for classes in facet_class_lists]


class ArchiveDatabase(Database):
    """The immutable published database; a plain search of ``reports`` runs its full-text match once.

    Its count is the size of the cached hit set, and its first page in id order is read by the ids
    of that page (the hits are sorted ids, so the page is a slice).

    With a `PinnedFile`, the connections Datasette will ask for (one per SQL thread) are opened when the
    database is made, while the file's name still leads to it (see `archive.web.pinned`)."""

    def __init__(self, ds, *args, pin=None, **kwargs):
        super().__init__(ds, *args, **kwargs)
        self.pin = pin
        self._opened: list = []
        self._opened_lock = threading.Lock()
        if pin is not None:
            self._opened = [pin.connect() for _ in range(max(1, ds.setting("num_sql_threads") or 0))]

    def connect(self, write=False):
        if self.pin is None:
            return super().connect(write)
        with self._opened_lock:
            conn = self._opened.pop() if self._opened else None
        conn = conn or self.pin.connect()
        self._all_file_connections.append(conn)
        return conn

    async def _search_ids(self, params, custom_time_limit):
        limit = min(custom_time_limit or self.ds.sql_time_limit_ms, self.ds.sql_time_limit_ms)
        with trace("sql", database=self.name, sql=f"-- hits: {_SEARCH_IDS_SQL}", params=params):
            return await self.execute_fn(lambda conn: CACHE.ids(conn, self.path, _SEARCH_IDS_SQL, params, limit))

    async def execute(self, sql, params=None, truncate=False, custom_time_limit=None, page_size=None,
                      log_sql_errors=True):
        plain_search = (not self.is_mutable and self.path and isinstance(params, dict) and set(params) == {"search"})
        if plain_search and _SEARCH_COUNT.match(sql):
            n = len(await self._search_ids(params, custom_time_limit))
            return Results([(n,)], False, (("count(*)", None, None, None, None, None, None),))
        page = _SEARCH_PAGE.match(sql) if plain_search else None
        if page:
            ids = await self._search_ids(params, custom_time_limit)
            size = int(page.group(3))
            chosen = ids[-size:][::-1] if page.group(2) else ids[:size]
            sql = (f"{page.group(1)}where id in ({','.join(str(int(i)) for i in chosen)}) "
                   f"order by id{page.group(2) or ''} limit {size}")
        return await super().execute(sql, params=params, truncate=truncate, custom_time_limit=custom_time_limit,
                                     page_size=page_size, log_sql_errors=log_sql_errors)
