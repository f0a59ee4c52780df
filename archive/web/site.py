"""The Datasette instance that publishes a database: read-only, with our metadata and plugin."""

from __future__ import annotations

import copy
import os
import sqlite3
from pathlib import Path

from datasette.app import Datasette
from datasette.plugins import pm

from archive.web import plugin
from archive.web.fast_search import ArchiveDatabase
from archive.web.pinned import PinnedFile

SETTINGS = {
    "default_page_size": 50,
    "sql_time_limit_ms": 3000,
    "facet_time_limit_ms": 500,
    "suggest_facets": False,  # suggestions re-scan big tables on every page
    "allow_csv_stream": True,
    "max_csv_mb": 0,
}


def register_plugin() -> None:
    if not pm.is_registered(plugin) and "nianbao" not in {pm.get_name(p) for p in pm.get_plugins()}:
        pm.register(plugin, name="nianbao")


def metadata_for(db_path: str | Path) -> dict:
    meta = copy.deepcopy(plugin.load_metadata())
    name = Path(db_path).stem
    dbs = meta.get("databases", {})
    if "nianbao" in dbs and name != "nianbao":
        dbs[name] = dbs.pop("nianbao")
        for holder in (meta, dbs[name]):  # the landing links name the database
            if "description_html" in holder:
                holder["description_html"] = holder["description_html"].replace("/nianbao", f"/{name}")
    meta.setdefault("plugins", {}).setdefault("nianbao", {})["database"] = name
    return meta


def make_datasette(db_path: str | Path, archive_dir: str | Path | None = None,
                   bundle_dir: str | Path | None = None, **kwargs) -> Datasette:
    """Datasette over `db_path`, immutable (opened read-only, counts cached, searches counted once)."""
    register_plugin()
    name = Path(db_path).stem
    pin = PinnedFile(db_path)  # answers come from this file even after a new one is published in its place
    ds = Datasette(
        immutables=[str(db_path)],
        metadata=metadata_for(db_path),
        settings=dict(SETTINGS, **kwargs.pop("settings", {})),
        inspect_data=({name: counts} if (counts := table_counts(pin)) else None),
        **kwargs,
    )
    ds.nianbao_paths = {"archive_dir": str(archive_dir) if archive_dir else None,
                        "bundle_dir": str(bundle_dir) if bundle_dir else None}
    ds.remove_database(name)
    database = ArchiveDatabase(ds, path=pin.path, is_mutable=False, pin=pin)
    # Datasette would hash the whole file on the event loop at the first landing page (47 GB at a million
    # reports): its `hash` is a version fingerprint instead (`PinnedFile.fingerprint`), not the digest.
    database.cached_hash = pin.fingerprint()
    ds.add_database(database, name=name)
    return ds


def table_counts(pin: PinnedFile) -> dict | None:
    """Every table's row count in `datasette inspect`'s format, from the `table_rows` table the build writes;
    None for a database without it (Datasette then counts every table when it starts: ≈ 20 s for 200 million
    cells)."""
    conn = pin.connect()
    try:
        rows = conn.execute("select name, rows from table_rows").fetchall()
    except sqlite3.Error:  # built before the table existed, or not our database
        return None
    finally:
        conn.close()
    return {"file": Path(pin.db_path).name, "size": os.fstat(pin.fd).st_size,
            "tables": {table: {"count": n} for table, n in rows}}
