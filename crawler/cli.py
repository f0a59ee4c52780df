"""``nianbao crawl``: run the ``reports`` spider over a source registry into an archive directory.

Exit status: 0 when every source yielded its reports; 1 when a source is broken (named on stderr, one line
each, and in ``ARCHIVE_DIR/runs/<run_id>.json``); 2 for a bad source registry or command line; 3 when the crawl
did not finish (interrupted, crashed): with ``--jobdir`` the next run resumes it.

``--redis redis://HOST:PORT/DB`` puts the crawl on a shared frontier (``crawler/frontier.py``): start the same
command on any number of machines that share ARCHIVE_DIR and they divide the work, each URL fetched once.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from archive.originals.runs import CrawlRun


def crawl_settings(archive_dir: str, *, jobdir: str | None = None, polite: bool = True,
                   overrides: dict | None = None, redis: str | None = None):
    """Project settings for one crawl (also used by tests and the benchmark); `redis`: the shared frontier."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.utils.project import get_project_settings

    from crawler import settings as defaults

    settings = get_project_settings()
    settings.set("ARCHIVE_DIR", str(archive_dir), priority="cmdline")
    if jobdir:
        settings.set("JOBDIR", str(jobdir), priority="cmdline")
    if not polite:
        settings.update(defaults.NOT_POLITE, priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    if redis:
        from crawler.frontier import redis_settings

        settings.update(redis_settings(redis, settings), priority="cmdline")
    return settings


def run_crawl(sources: str, archive_dir: str, *, jobdir: str | None = None, polite: bool = True,
              only: str | None = None, overrides: dict | None = None, redis: str | None = None) -> dict | None:
    """Crawl in this process (Twisted: once per process) and return the run record."""
    from scrapy.crawler import CrawlerProcess

    from crawler.spiders.reports import ReportsSpider

    settings = crawl_settings(archive_dir, jobdir=jobdir, polite=polite, overrides=overrides, redis=redis)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(ReportsSpider)
    kwargs = {"sources": sources}
    if only:
        kwargs["only"] = only
    process.crawl(crawler, **kwargs)
    process.start()
    run_file = crawler.stats.get_value("nianbao/run_file") if crawler.stats else None
    if not run_file or not Path(run_file).exists():
        return None
    return CrawlRun.from_json(json.loads(Path(run_file).read_text(encoding="utf-8")))


@click.command("crawl")
@click.option("--sources", "sources", type=click.Path(dir_okay=False), default=None,
              help="Source registry CSV (id,name,url,platform[,division_code,level,hosts]); "
                   "default: the bundled crawler/sources.csv.")
@click.option("--archive-dir", "archive_dir", type=click.Path(file_okay=False), required=True,
              help="Archive of originals to write into (ARCHIVE_DIR).")
@click.option("--jobdir", type=click.Path(file_okay=False), default=None,
              help="Persist the crawl state here; run again with the same --jobdir to resume a killed crawl.")
@click.option("--polite/--no-polite", default=True, show_default=True,
              help="--no-polite lifts AutoThrottle, delays and the 2-per-host limit (local farms, benchmarks).")
@click.option("--only", default=None, help="Comma-separated source ids to crawl (default: all).")
@click.option("--redis", "redis_url", metavar="redis://HOST:PORT/DB", default=None,
              help="Crawl on a shared frontier in Redis (scrapy-redis): run this on any number of machines sharing "
                   "ARCHIVE_DIR; each URL is fetched by one process. Not with --jobdir (Redis holds the queue).")
@click.option("-s", "--set", "sets", multiple=True, metavar="NAME=VALUE", help="Override a Scrapy setting.")
def crawl(sources, archive_dir, jobdir, polite, only, redis_url, sets):
    """Crawl report columns and archive every annual report with its attachments."""
    from crawler.sources import DEFAULT_REGISTRY, SourceError, load_sources

    if redis_url:
        check_redis(redis_url, jobdir)
    sources = sources or str(DEFAULT_REGISTRY)
    try:
        load_sources(sources)
    except SourceError as exc:
        raise click.UsageError(str(exc)) from None
    overrides = {}
    for item in sets:
        if "=" not in item:
            raise click.UsageError(f"-s expects NAME=VALUE, got {item!r}")
        name, value = item.split("=", 1)
        overrides[name] = value
    record = run_crawl(sources, archive_dir, jobdir=jobdir, polite=polite, only=only, overrides=overrides,
                       redis=redis_url)
    if record is None:
        click.echo("crawl failed: no run record was written (see the log above)", err=True)
        sys.exit(3)
    summary = summarise(record)
    click.echo(summary)
    if record.finish_reason != "finished":
        click.echo(f"crawl ended early ({record.finish_reason}); run it again with the same --jobdir to "
                   "resume", err=True)
        sys.exit(3)
    lost = [f for s in record.sources.values() for f in s.failures if f.get("kind") == "storage"]
    if lost:
        for f in lost[:20]:
            click.echo(f"NOT STORED {f['url']}: {f['reason']}", err=True)
        click.echo(f"{len(lost)} document(s) could not be stored; the next run fetches them again", err=True)
        sys.exit(3)
    if record.broken_sources:
        for sid in record.broken_sources:
            click.echo(f"BROKEN {sid}: {record.sources[sid].error}", err=True)
        sys.exit(1)


def check_redis(url: str, jobdir: str | None) -> None:
    """A clear usage error (exit 2) for a bad --redis, before Scrapy starts."""
    if jobdir:
        raise click.UsageError("--redis and --jobdir exclude each other: the shared frontier keeps the queue")
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise click.UsageError(f"--redis expects redis://HOST:PORT/DB, got {url!r}")
    try:
        import redis
        import scrapy_redis  # noqa: F401

        redis.Redis.from_url(url, socket_connect_timeout=10).ping()
    except ImportError as exc:
        raise click.UsageError(f"--redis needs the scrapy-redis package: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - connection refused, bad URL, auth
        raise click.UsageError(f"cannot reach Redis at {url}: {exc}") from None


def summarise(record: CrawlRun) -> str:
    lines = [f"run {record.run_id}: {len(record.sources)} sources, {record.requests} requests, "
             f"{record.documents_new} new documents"]
    for sid, e in sorted(record.sources.items()):
        lines.append(f"  {sid:<24} {e.status:<6} listing pages {e.listing_pages:>3}  reports {e.reports_found:>3}"
                     f"  new {e.new:>3}  changed {e.changed:>2}  attachments new {e.attachments_new:>3}"
                     f"  failed {e.failed:>2}")
    return "\n".join(lines)
