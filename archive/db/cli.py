"""`nianbao build` and `nianbao export`: the database from the archive, and CSV extracts of it."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import click

EXPORT_TABLES = ["reports", "report_versions", "organs", "documents", "cells", "checks", "active_disclosure",
                 "applications", "review_litigation", "sources", "source_status", "crawl_runs", "crawl_run_sources",
                 "report_texts"]
# Tables that hold rows of every version: by default only the current versions' rows are exported.
PER_VERSION = {"cells": "report_id", "checks": "report_id", "report_texts": "report_id"}
ORDER = {"reports": "id", "report_versions": "id", "organs": "organ_id", "documents": "sha256", "sources": "id",
         "cells": "report_id, tbl, row, col", "checks": "report_id, rule", "source_status": "source_id",
         "active_disclosure": "report_id", "applications": "report_id", "review_litigation": "report_id",
         "report_texts": "report_id", "crawl_runs": "run_id", "crawl_run_sources": "run_id, source_id"}


@click.command()
@click.option("--archive-dir", required=True, type=click.Path(file_okay=False), help="The archive of originals.")
@click.option("--db", "db_path", required=True, type=click.Path(dir_okay=False), help="SQLite file to write.")
@click.option("--sources", "sources_file", type=click.Path(dir_okay=False, exists=True),
              help="Source registry CSV (default: ARCHIVE_DIR/sources.csv when present).")
@click.option("--jobs", type=int, default=1, show_default=True,
              help="Worker processes for extraction and parsing (the result does not depend on it).")
@click.option("--quiet", is_flag=True, help="No progress lines.")
@click.option("--no-cache", is_flag=True,
              help="Extract and parse every original again, ignoring ARCHIVE_DIR/processed (a changed pipeline "
                   "already does this by itself).")
@click.option("--cluster", metavar="tcp://HOST:PORT", default=None,
              help="Extract and parse on this Dask scheduler's workers (they must see ARCHIVE_DIR at the same path); "
                   "the database is the same as a local build's.")
@click.option("--task-timeout", type=float, default=None, metavar="SECONDS",
              help="A document taking longer is stopped and recorded as failed (default 300).")
@click.option("--memory-mb", type=int, default=None, metavar="MB",
              help="Address space a document's processing may use (default 3072); past it the document fails.")
def build(archive_dir, db_path, sources_file, jobs, quiet, no_cache, cluster, task_timeout, memory_mb):
    """Build the database from every stored original (no network). Same archive, same database."""
    from archive.db.build import build as run_build

    if not Path(archive_dir).is_dir():
        raise click.ClickException(f"no archive at {archive_dir}")
    if task_timeout is not None and task_timeout <= 0:
        raise click.BadParameter("must be positive", param_hint="--task-timeout")
    counts = run_build(archive_dir, db_path, sources_file=sources_file, progress=not quiet, jobs=jobs,
                       use_cache=not no_cache, cluster=cluster, task_timeout=task_timeout, memory_mb=memory_mb)
    click.echo(f"{db_path}: {counts['documents']} documents, {counts['reports']} reports, "
               f"{counts['failed']} failed, {counts['not_report']} not reports", err=True)


def export_source(table: str, all_versions: bool) -> str:
    return "report_versions" if table == "reports" and all_versions else table


def export_sql(table: str, year: int | None, province: str | None, level: str | None,
               all_versions: bool = False) -> tuple[str, list]:
    """The query behind `nianbao export`: current versions unless `all_versions`, filtered like the facets."""
    if table not in EXPORT_TABLES:
        raise click.BadParameter(f"unknown table {table!r}; one of: {', '.join(EXPORT_TABLES)}")
    source = export_source(table, all_versions)
    where, params = [], []
    if table in PER_VERSION and not all_versions:
        where.append(f"{PER_VERSION[table]} in (select id from reports)")
    if year is not None:
        where.append("year = ?")
        params.append(year)
    if province:
        where.append("province = ?")
        params.append(province)
    if level:
        where.append("admin_level = ?")
        params.append(level)
    sql = f"select * from [{source}]" + (" where " + " and ".join(where) if where else "")
    return sql + f" order by {ORDER.get(table, 'rowid')}", params


def province_name(value: str) -> str:
    """江西 / 江西省 / 36 / 360000 -> 江西省 (the name the database stores); a clear error for anything else."""
    from pipeline.divisions import by_code, index

    text = value.strip()
    if text.isdigit():
        region = by_code(text)
        if region is not None and region.province:
            return region.province
    provinces = sorted({r.province for r in index().values() if r.province})
    matches = [p for p in provinces if p == text] or [p for p in provinces if p.startswith(text)]
    if len(matches) == 1:
        return matches[0]
    raise click.BadParameter(f"no province {value!r}" + (f" (which one: {', '.join(matches)}?)" if matches else
                                                          f"; one of: {', '.join(provinces)}"), param_hint="--province")


@click.command()
@click.option("--db", "db_path", required=True, type=click.Path(dir_okay=False, exists=True))
@click.option("--table", help="Table or view: " + ", ".join(EXPORT_TABLES))
@click.option("--bundle", "bundle", type=click.Path(file_okay=False), default=None,
              help="Write every current table as CSV and Parquet with a data dictionary into this directory.")
@click.option("--year", type=int)
@click.option("--province", help="省: 江西, 江西省 or its code 360000")
@click.option("--level", help="admin level e.g. 乡镇, 县级")
@click.option("--all-versions", is_flag=True,
              help="Every version (duplicates and superseded ones too): `reports` reads report_versions, cells, "
                   "checks and report_texts keep every version's rows. The wide tables hold current versions only.")
@click.option("--keys", is_flag=True, help="Machine column names as the header (default: the official Chinese labels).")
@click.option("--out", "out", type=click.Path(dir_okay=False), default="-", help="CSV file (default stdout).")
def export(db_path, table, bundle, year, province, level, all_versions, keys, out):
    """Write a table as CSV (UTF-8 with BOM for spreadsheets): one row per organ-year unless --all-versions,
    filtered like the site's facets, headed by the official Chinese labels. Exits 1 when nothing matches.
    With --bundle DIR: every current table as CSV and Parquet, with a data dictionary."""
    import sqlite3

    if bundle:
        from archive.db.bundle import write_bundle

        for name, n in write_bundle(db_path, bundle).items():
            click.echo(f"{name}: {n} rows", err=True)
        return
    if not table:
        raise click.UsageError("give --table (or --bundle DIR)")
    from archive.db.schema import WIDE_TABLES
    from archive.web.excel import chinese_label, column_descriptions

    if all_versions and table in WIDE_TABLES.values():
        raise click.BadParameter(f"{table} holds current versions only; every version's cells are in `cells` "
                                 "(export --table cells --all-versions)")
    province = province_name(province) if province else None
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    sql, params = export_sql(table, year, province, level, all_versions)
    source = export_source(table, all_versions)
    columns = [r[1] for r in conn.execute(f"pragma table_info([{source}])")]
    for col, value in (("year", year), ("province", province), ("admin_level", level)):
        if value is not None and col not in columns:
            raise click.BadParameter(f"{table} has no column {col}")
    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    descriptions = column_descriptions(source)
    fh = sys.stdout if out == "-" else open(out, "w", encoding="utf-8-sig", newline="")
    try:
        writer = csv.writer(fh)
        writer.writerow(names if keys else [chinese_label(descriptions.get(c), c) for c in names])
        n = 0
        for row in cur:
            writer.writerow(row)
            n += 1
    finally:
        if fh is not sys.stdout:
            fh.close()
    click.echo(f"{n} rows", err=True)
    if n == 0:
        filters = ", ".join(f"{k}={v}" for k, v in (("year", year), ("province", province), ("level", level)) if v)
        raise click.ClickException(f"no rows in {table}" + (f" match {filters}" if filters else ""))
