"""`nianbao demo` (what `make demo` runs): the whole job end to end on the bundled offline portals.

start the portal farm → crawl it → build the database → print a summary → serve it with Datasette.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import click


def step(n: int, total: int, text: str) -> None:
    click.secho(f"[{n}/{total}] {text}", bold=True)


def summary(db_path: Path) -> list[str]:
    """The closing summary: sources crawled, reports archived, reports per format, checks failed."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        q = lambda sql: conn.execute(sql).fetchall()  # noqa: E731
        sources = q("select count(*) from sources")[0][0]
        broken = q("select count(*) from crawl_run_sources where run_id = (select max(run_id) from crawl_runs) "
                   "and status = 'broken'")[0][0]
        docs = q("select count(*) from documents")[0][0]
        versions = q("select count(*) from report_versions")[0][0]
        current = q("select count(*) from reports")[0][0]
        organs = q("select count(*) from organs")[0][0]
        unresolved = q("select count(*) from organs where resolved = 0")[0][0]
        disagreements = q("select count(*) from reports where identity_conflict is not null")[0][0]
        by_type = q("select coalesce(document_type, '?'), count(*) from reports group by 1 order by 2 desc")
        by_format = q("select coalesce(format_version, 'unknown'), count(*) from reports group by 1 order by 1")
        failed = q("select count(*) from reports where checks_failed_hard > 0")[0][0]
        carry = q("select count(*) from checks where rule = '6' and status = 'fail' "
                  "and report_id in (select id from reports)")[0][0]
        doc_failed = q("select count(*) from documents where extraction_status not in ('ok', 'parsed')")[0][0]
    finally:
        conn.close()
    return [
        f"sources crawled:        {sources} ({broken} broken)",
        f"documents archived:     {docs} ({doc_failed} could not be read — see the documents table)",
        f"organs:                 {organs} ({unresolved} unresolved — see the organs table)",
        f"reports:                {current} organ-years, current versions ({versions} versions in all; "
        f"{disagreements} with readings that disagree)",
        "reports per file type:  " + ", ".join(f"{t} {n}" for t, n in by_type),
        "reports per format:     " + ", ".join(f"{f} {n}" for f, n in by_format),
        f"reports failing a hard consistency check: {failed}",
        f"reports whose 上年结转 differs from the year before's 结转下年度 (rule 6): {carry}",
    ]


@click.command()
@click.option("--workdir", default="demo-data", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="Where the farm, the archive and the database go.")
@click.option("--port", default=8001, show_default=True, type=int, help="Datasette port on 127.0.0.1.")
@click.option("--serve/--no-serve", default=True, show_default=True, help="Serve the database when done.")
@click.option("--seed", default=0, show_default=True, type=int, help="The farm's seed.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the farm caches its rendered documents (default: WORKDIR/farm/cache).")
def demo(workdir: Path, port: int, serve: bool, seed: int, cache_dir: Path | None) -> None:
    """Crawl the bundled offline portal farm, build the database and serve it on http://127.0.0.1:PORT."""
    from archive.db.build import build
    from farm.server import run_farm

    total = 5 if serve else 4
    archive_dir, db_path = workdir / "archive", workdir / "nianbao.db"
    started = time.monotonic()
    step(1, total, f"Starting the offline portal farm in {workdir / 'farm'} (first start renders documents, ~1 min)")
    with run_farm(workdir / "farm", seed=seed, cache_dir=cache_dir) as farm:
        for site in farm.sites:
            click.echo(f"      {site.platform:8} {site.name:16} {site.column_url}")
        sources_csv = workdir / "farm" / "sources.csv"
        step(2, total, f"Crawling {len(farm.sites)} sources into {archive_dir}")
        rc = subprocess.call([sys.executable, "-m", "nianbao", "crawl", "--sources", str(sources_csv),
                              "--archive-dir", str(archive_dir), "--no-polite", "-s", "LOG_LEVEL=WARNING"],
                             stdin=subprocess.DEVNULL)
        if rc not in (0, 1):
            raise click.ClickException(f"the crawl failed (exit code {rc})")
    step(3, total, f"Building the database {db_path} from the archive (no network)")
    build(archive_dir, db_path, sources_file=sources_csv, progress=True, jobs=os.cpu_count() or 1)
    step(4, total, f"Summary ({time.monotonic() - started:.0f} s)")
    for line in summary(db_path):
        click.echo(f"      {line}")
    if not serve:
        return
    step(5, total, f"Serving at http://127.0.0.1:{port}/  (Ctrl-C to stop)")
    click.echo(f"      search:  http://127.0.0.1:{port}/nianbao/reports?_search=复议")
    click.echo(f"      tables:  http://127.0.0.1:{port}/nianbao")
    subprocess.call([sys.executable, "-m", "nianbao", "serve", "--db", str(db_path), "--archive-dir", str(archive_dir),
                     "--port", str(port)])
