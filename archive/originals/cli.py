"""`nianbao compact`: merge the fetch logs of ended crawl processes into the archive's one log."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option("--archive-dir", required=True, type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="The archive of originals.")
def compact(archive_dir: Path) -> None:
    """Merge per-process fetch logs (fetches.<writer>.jsonl, left by `nianbao crawl --redis`) whose crawl has
    ended into fetches.jsonl. Logs of crawls still running are left alone; reading gives the same records in the
    same order before and after. `nianbao run` does this after every crawl."""
    from archive.originals.store import ArchiveStore

    merged = ArchiveStore(archive_dir).compact()
    click.echo(f"merged {len(merged)} fetch log(s) into fetches.jsonl" + (": " + ", ".join(merged) if merged else ""))
