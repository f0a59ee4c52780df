"""Datasette plugin of the archive: Chinese search, report pages, archived originals, charts.

Registered as the ``nianbao`` entry point of the ``datasette`` group (pyproject.toml) and by
`archive.web.site.make_datasette()` for `nianbao serve` and the tests.

* ``escape_fts`` is replaced (``trylast`` so it wins over Datasette's own registration) by the
  bigram rewrite of `archive.db.fts`; ``cjk_fts_query(q)`` and ``cjk_snippet(text, q)`` serve the
  ranked canned search query.
* ``/-/report/<id>``: a report laid out like the official format, with checks and sections.
* ``/-/original/<sha256>``: the archived original, by its digest only, as a download.
* ``/-/organ/<organ_id>``: an organ's reports year by year, main figures side by side, checks across years.
* ``/-/rules``: every consistency rule in Chinese with English beside, and how many reports fail it.
* ``/-/charts``: applications over the years and outcome shares (inline SVG, no JavaScript).
* ``.xlsx`` beside ``.csv`` on every table, view and query: Chinese headers (`archive.web.excel`).
* Column facets of ``reports`` are counted in one pass over the matching ids
  (`archive.web.fast_search`).
"""

from __future__ import annotations

import html
import re
import sqlite3
import urllib.parse
from pathlib import Path

from datasette import hookimpl
from datasette.utils import tilde_decode, tilde_encode
from datasette.utils.asgi import AsgiFileDownload, NotFound, Response
from jinja2 import ChoiceLoader, FileSystemLoader

from archive.db import fts
from archive.web import charts, excel, fast_search, organ_view, report_view

TEMPLATES = Path(__file__).with_name("templates")
DOWNLOAD_TYPES = {  # sniffed type -> (content type, extension); anything else is octet-stream
    "pdf": ("application/pdf", "pdf"),
    "pdf-scanned": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "doc": ("application/msword", "doc"),
    "wps": ("application/vnd.ms-works", "wps"),
    "rtf": ("application/rtf", "rtf"),
    "odt": ("application/vnd.oasis.opendocument.text", "odt"),
    "xls": ("application/vnd.ms-excel", "xls"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "html": ("text/html; charset=utf-8", "html"),
    "text": ("text/plain; charset=utf-8", "txt"),
    "image": ("application/octet-stream", "bin"),
}


# No string or blob a query builds may pass this (SQLITE_LIMIT_LENGTH): printf('%.*c', 20000000, 'a') fails at
# once instead of running past the time limit in one VM step. The largest report text is far below it.
MAX_VALUE_LENGTH = 8_000_000
MAX_QUERY_LENGTH = 1_000  # characters of a search query given to cjk_fts_query / cjk_snippet
# The ranked searches score at most this many hits with bm25 (≈ 0.6 s here); more come unranked (metadata.py).
RANK_BOUND = 300_000


def _bounded(fn):
    def call(*args):
        if any(isinstance(a, str) and len(a) > MAX_QUERY_LENGTH for a in args[-1:]):
            raise ValueError(f"search query longer than {MAX_QUERY_LENGTH} characters")
        return fn(*args)

    return call


@hookimpl(trylast=True)
def prepare_connection(conn):
    # The published file is read-only: map it and keep more pages cached (search joins touch many rows).
    conn.execute("PRAGMA mmap_size = 1073741824")
    conn.execute("PRAGMA cache_size = -65536")
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_LENGTH)
    conn.create_function("escape_fts", 1, _bounded(fts.fts_query), deterministic=True)
    conn.create_function("cjk_fts_query", 1, _bounded(fts.fts_query), deterministic=True)
    conn.create_function("cjk_snippet", 2, _bounded(lambda text, q: fts.snippet(text or "", q or "")),
                         deterministic=True)
    conn.create_function("nianbao_rank_bound", 0, lambda: RANK_BOUND)


@hookimpl(hookwrapper=True)
def register_facet_classes():
    # Column facets of the big tables are counted in one pass (archive/fast_search.py).
    outcome = yield
    outcome.force_result(fast_search.replace_column_facet(outcome.get_result()))


@hookimpl
def prepare_jinja2_environment(env, datasette):
    env.loader = ChoiceLoader([FileSystemLoader(str(TEMPLATES)), env.loader])


def _db_name(datasette):
    config = datasette.plugin_config("nianbao") or {}
    if config.get("database"):
        return config["database"]
    names = [n for n in datasette.databases if n != "_internal"]
    return names[0]


def _server_path(datasette, key: str) -> str | None:
    """A directory on the server (archive_dir, bundle_dir): given to `make_datasette`, or in the plugin's
    configuration when run as `datasette … -m`; never put into the metadata that /-/metadata.json shows."""
    paths = getattr(datasette, "nianbao_paths", None) or {}
    return paths.get(key) or (datasette.plugin_config("nianbao") or {}).get(key)


def _archive_dir(datasette):
    return _server_path(datasette, "archive_dir")


async def report_page(datasette, request):
    rid = int(request.url_vars["id"])
    if rid >= 2 ** 63:  # beyond SQLite's integers: no such report
        raise NotFound(f"no report {rid}")
    db_name = _db_name(datasette)
    db = datasette.get_database(db_name)
    context = await report_view.load(db, rid)
    if context is None:
        raise NotFound(f"no report {rid}")
    context.update(database=db_name, has_archive=bool(_archive_dir(datasette)))
    return Response.html(await datasette.render_template("nianbao_report.html", context, request=request))


INLINE_TYPES = {"pdf", "pdf-scanned", "html", "text"}  # shown in the browser (sandboxed); the rest downloads
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def download_name(title: str | None, sha: str, ext: str) -> str:
    """A file name made from the report's title (what a reader saves it as), else from the digest."""
    name = _UNSAFE_NAME.sub(" ", title or "").strip(" .")[:80]
    return f"{name or sha}.{ext}"


async def original_file(datasette, request):
    """The archived original, found by its digest only; streamed, never read whole into memory."""
    sha = request.url_vars["sha256"]
    db = datasette.get_database(_db_name(datasette))
    row = (await db.execute(
        "select d.sniffed_type, coalesce((select v.title from report_versions v where v.document_sha256 = d.sha256 "
        "order by v.is_current desc limit 1), d.listed_title) as title from documents d where d.sha256 = ?",
        [sha])).first()
    archive_dir = _archive_dir(datasette)
    if row is None or not archive_dir:
        raise NotFound("no such archived original")
    from archive.originals.store import ArchiveStore

    path = ArchiveStore(archive_dir).object_path(sha)  # validates the digest: no path can escape
    if not path.is_file():
        raise NotFound("original missing from the archive")
    kind = row["sniffed_type"] or ""
    content_type, ext = DOWNLOAD_TYPES.get(kind, ("application/octet-stream", "bin"))
    name = download_name(row["title"], sha, ext)
    disposition = "inline" if kind in INLINE_TYPES else "attachment"
    headers = {
        "content-disposition": f'{disposition}; filename="{sha[:16]}.{ext}"; '
                               f"filename*=UTF-8''{urllib.parse.quote(name)}",
        "x-content-type-options": "nosniff",
        # A portal's page may carry scripts: shown inline it runs none, loads nothing and reaches nothing.
        "content-security-policy": "sandbox; default-src 'none'; img-src 'none'; style-src 'unsafe-inline'",
        "cache-control": "public, max-age=31536000, immutable",
    }
    return AsgiFileDownload(path, content_type=content_type, headers=headers)


_BUNDLE_FILE = re.compile(r"^[a-z_]+\.(?:csv|parquet|txt)$")


def _bundle_dir(datasette) -> Path | None:
    path = _server_path(datasette, "bundle_dir")
    return Path(path) if path else None


async def bundle_page(datasette, request):
    """The bulk download (`nianbao export --bundle DIR`, served with `nianbao serve --bundle-dir DIR`)."""
    root = _bundle_dir(datasette)
    name = request.url_vars.get("name")
    if root is None or not root.is_dir():
        raise NotFound("no bulk download is published here")
    if not name:
        files = sorted(p.name for p in root.iterdir() if _BUNDLE_FILE.match(p.name))
        items = "".join(f'<li><a href="{datasette.urls.path("/-/bundle/" + f)}">{f}</a> '
                        f'({(root / f).stat().st_size:,} bytes)</li>' for f in files)
        return Response.html(f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>批量数据 Bulk download</title>"
                             f"</head><body><h1>批量数据 Bulk download</h1><ul>{items}</ul></body></html>")
    if not _BUNDLE_FILE.match(name) or not (root / name).is_file():
        raise NotFound("no such file in the bulk download")
    kind = {"csv": "text/csv; charset=utf-8", "parquet": "application/vnd.apache.parquet",
            "txt": "text/plain; charset=utf-8"}[name.rsplit(".", 1)[1]]
    return AsgiFileDownload(root / name, content_type=kind, headers={
        "content-disposition": f'attachment; filename="{name}"', "x-content-type-options": "nosniff"})


async def organ_page(datasette, request):
    db_name = _db_name(datasette)
    db = datasette.get_database(db_name)
    context = await organ_view.load(db, tilde_decode(request.url_vars["organ_id"]))
    if context is None:
        raise NotFound("no such organ")
    context.update(database=db_name, has_archive=bool(_archive_dir(datasette)))
    return Response.html(await datasette.render_template("nianbao_organ.html", context, request=request))


async def rules_page(datasette, request):
    db_name = _db_name(datasette)
    db = datasette.get_database(db_name)
    counts = {(r["rule"], r["status"]): r["reports"] for r in (await db.execute(
        "select rule, status, reports from rule_counts")).rows}  # written by the build (archive/db/summaries.py)
    rows = [dict(r) | {"failed": counts.get((r["rule"], "fail"), 0), "passed": counts.get((r["rule"], "pass"), 0)}
            for r in (await db.execute("select * from rules order by cast(rule as integer)")).rows]
    context = {"database": db_name, "rules": rows}
    return Response.html(await datasette.render_template("nianbao_rules.html", context, request=request))


async def charts_page(datasette, request):
    db_name = _db_name(datasette)
    db = datasette.get_database(db_name)
    context = await charts.load(db, {k: request.args.get(k) for k in charts.FILTERS})
    context["database"] = db_name
    return Response.html(await datasette.render_template("nianbao_charts.html", context, request=request))


SITE_CSS = """
dl.column-descriptions { max-height: 9em; overflow-y: auto; border: 1px solid #ddd; padding: 0.3em 0.6em;
  font-size: 0.85em; }
.rows-and-columns td.col-title, .rows-and-columns td.col-agency { min-width: 16em; }
.rows-and-columns td.col-snippet { min-width: 30em; }
.nb-table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
.nb-table th, .nb-table td { border: 1px solid #999; padding: 3px 6px; }
.nb-table th { background: #eef2f7; font-weight: normal; }
.nb-table td.num { text-align: right; min-width: 3em; }
.nb-table td.uncertain { background: #fff3c4; }
.nb-table td.missing { background: #f4f4f4; }
.nb-change { color: #666; font-size: 0.85em; }
.nb-check-fail { color: #b00020; font-weight: bold; }
.nb-check-pass { color: #2f7a32; }
.nb-section { white-space: pre-wrap; border-left: 3px solid #ddd; padding-left: 0.8em; }
.nb-facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2em 1em; }
.nb-facts dt { font-weight: bold; }
.nb-facts dd { margin: 0; }
"""


async def site_css(datasette, request):
    return Response(SITE_CSS, content_type="text/css; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=3600"})


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.path("/-/nianbao.css")]


@hookimpl
def register_routes():
    return [
        (r"^/-/nianbao\.css$", site_css),
        (r"^/-/report/(?P<id>\d{1,19})$", report_page),
        (r"^/-/original/(?P<sha256>[0-9a-f]{64})$", original_file),
        (r"^/-/charts$", charts_page),
        (r"^/-/rules$", rules_page),
        (r"^/-/databases(?:\.json)?$", databases_json),
        (r"^/-/bundle/(?P<name>[^/]*)$", bundle_page),
        (r"^/-/organ/(?P<organ_id>[^/]{1,200})$", organ_page),
    ]


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    from markupsafe import Markup

    if table in ("reports", "report_versions", None) and column == "title" and value and "id" in row.keys() \
            and isinstance(row["id"], int):
        return Markup(f'<a href="{datasette.urls.path("/-/report/" + str(row["id"]))}">{html.escape(value)}</a>')
    if table == "organs" and column == "name" and value and isinstance(row["organ_id"], str):
        return Markup(f'<a href="{datasette.urls.path("/-/organ/" + tilde_encode(row["organ_id"]))}">'
                      f'{html.escape(value)}</a>')
    if column == "organ_id" and isinstance(value, dict):  # the foreign key expanded to {value, label}
        label, value = value.get("label"), value.get("value")
        if isinstance(value, str) and value:
            return Markup(f'<a href="{datasette.urls.path("/-/organ/" + tilde_encode(value))}">'
                          f'{html.escape(label or value)}</a>')
    if column == "organ_id" and isinstance(value, str) and value:
        return Markup(f'<a href="{datasette.urls.path("/-/organ/" + tilde_encode(value))}">{html.escape(value)}</a>')
    if column == "report_id" and isinstance(value, int) and table not in ("report_texts",):
        return Markup(f'<a href="{datasette.urls.path("/-/report/" + str(value))}">{value}</a>')
    if column == "snippet" and isinstance(value, str) and fts.MARK[0] in value:
        out = html.escape(value).replace(fts.MARK[0], "<mark>").replace(fts.MARK[1], "</mark>")
        return Markup(out)
    if column in ("document_sha256",) and isinstance(value, str) and len(value) == 64:
        return Markup(f'<a href="{datasette.urls.path("/-/original/" + value)}" title="{value}">'
                      f'{value[:12]}…</a>')
    return None


@hookimpl
def register_output_renderer(datasette):
    return {"extension": "xlsx", "render": excel.render_xlsx, "can_render": excel.can_render_xlsx}


@hookimpl
def menu_links(datasette, actor, request):
    return [{"href": datasette.urls.path("/-/charts"), "label": "图表 Charts"}]


@hookimpl
def extra_template_vars(datasette):
    return {"nianbao_charts_url": datasette.urls.path("/-/charts")}


def load_metadata() -> dict:
    """The site's metadata, made by `archive.web.metadata` (inside the package: an installed copy serves too;
    the repository's datasette_metadata.json is the same, written out for `datasette -m`)."""
    from archive.web.metadata import build

    return build()


async def databases_json(datasette, request):
    """/-/databases.json without the server's file paths (Datasette's own lists them)."""
    return Response.json([{"name": db.name, "route": db.route, "is_mutable": db.is_mutable, "hash": db.hash}
                          for db in datasette.databases.values() if db.name != "_internal"])
