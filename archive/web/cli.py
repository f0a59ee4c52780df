"""`nianbao serve`: the database published read-only with Datasette, our metadata and plugin."""

from __future__ import annotations

import click


@click.command()
@click.option("--db", "db_path", required=True, type=click.Path(dir_okay=False, exists=True))
@click.option("--archive-dir", type=click.Path(file_okay=False), help="Serve archived originals from here.")
@click.option("--bundle-dir", type=click.Path(file_okay=False),
              help="Serve the bulk download written by `nianbao export --bundle DIR` at /-/bundle/.")
@click.option("--port", default=8001, show_default=True, type=int)
@click.option("--host", default="127.0.0.1", show_default=True)
def serve(db_path, archive_dir, bundle_dir, port, host):
    """Serve the database read-only with Datasette, our metadata and plugin."""
    import uvicorn

    from archive.web.fast_search import preload
    from archive.web.site import make_datasette, metadata_for

    ds = make_datasette(db_path, archive_dir, bundle_dir)
    preload(db_path, metadata_for(db_path))
    click.echo(f"Serving {db_path} on http://{host}:{port}/", err=True)
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
