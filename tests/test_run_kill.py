"""`kill -9` of `nianbao run` leaves nothing running, and runs cannot overlap while any part of one lives."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


class SlowPortal:
    """A portal whose column page takes as long as `delay` says (the crawl sits waiting on it)."""

    def __init__(self):
        self.delay = 120.0
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                start = time.monotonic()
                while time.monotonic() < start + portal.delay:  # re-read: a test may end the wait
                    time.sleep(0.2)
                body = "<html><body><p>暂无 none</p></body></html>".encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def crawls_of(archive: Path) -> list[int]:
    """Pids of `nianbao crawl` processes working on this archive."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmd = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"crawl" in cmd and str(archive).encode() in cmd:
                pids.append(int(entry.name))
    return pids


def nianbao_run(sources, archive, db):
    return [sys.executable, "-m", "nianbao", "run", "--sources", str(sources), "--archive-dir", str(archive),
            "--db", str(db), "--no-polite"]


@pytest.fixture(scope="module")
def killed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("kill")
    portal = SlowPortal()
    sources = tmp / "sources.csv"
    sources.write_text(f"id,name,url,platform\nslow,某县人民政府,{portal.base}/col/index.html,generic\n", encoding="utf-8")
    archive, db = tmp / "archive", tmp / "nianbao.db"
    run = subprocess.Popen(nianbao_run(sources, archive, db), cwd=REPO, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not crawls_of(archive) and time.monotonic() < deadline:
        time.sleep(0.2)
    crawling = crawls_of(archive)
    second = subprocess.run(nianbao_run(sources, archive, db), cwd=REPO, capture_output=True, timeout=60)
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    deadline = time.monotonic() + 15
    while crawls_of(archive) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = crawls_of(archive)
    portal.delay = 0
    third = subprocess.run(nianbao_run(sources, archive, db), cwd=REPO, capture_output=True, timeout=300)
    portal.server.shutdown()
    return crawling, second, left, third


def test_the_crawl_ran_in_its_own_process(killed):
    assert killed[0]


def test_a_second_run_waits_while_the_first_lives(killed):
    assert killed[1].returncode == 75


def test_no_crawl_survives_kill_9_of_the_run(killed):
    assert killed[2] == []


def test_the_next_run_starts_cleanly(killed):
    assert killed[3].returncode in (0, 1), killed[3].stderr.decode()[-1000:]
