"""Helpers shared by the end-to-end tests: counting reports in a database, and serving it for real."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request


def expected_current_reports(manifest: dict) -> int:
    """Reports a reader should find: every report of the farm, counting a duplicate post or a corrected
    version once (the farm's manifest marks both)."""
    return sum(1 for r in manifest["reports"] if not r.get("duplicate_of") and not r.get("superseded_by"))


def current_reports(db) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("select count(*) from reports").fetchone()[0]
    finally:
        conn.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def served_report_count(db, archive_dir=None) -> int:
    """Start `nianbao serve` on a free port and ask Datasette, over HTTP, how many current reports it has."""
    port = free_port()
    cmd = [sys.executable, "-m", "nianbao", "serve", "--db", str(db), "--port", str(port)]
    if archive_dir:
        cmd += ["--archive-dir", str(archive_dir)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        name = db.stem if hasattr(db, "stem") else "nianbao"
        url = f"http://127.0.0.1:{port}/{name}/reports.json?_size=0&_shape=objects"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as resp:
                    return json.loads(resp.read())["filtered_table_rows_count"]
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"nianbao serve did not answer: {proc.stderr.read().decode()[-2000:]}")
                time.sleep(0.3)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
