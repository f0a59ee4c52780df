"""Benchmark: build throughput, local vs a Dask cluster of 2 workers on loopback.

    python bench/bench_cluster.py [--n 30] [--workdir /tmp/nianbao-bench-cluster]

Makes an archive of real documents (`support.archive_kit.make_real_archive`: n HTML article pages + n DOCX
attachments + one broken file, generated reports with both table formats), then builds it with the real
extraction and parser, the processing cache off: locally with 1 and 2 processes, and with `--cluster` on a
`dask scheduler` + 2 `dask worker --nthreads 1` started here on 127.0.0.1. Prints JSON: documents, seconds
and documents per second per mode, and whether every database equals the local one (`iterdump`).
On one 2-core machine the cluster cannot beat `--jobs 2`; the figure shows the cost of the cluster's
per-task overhead (scheduling, one kept child process per worker) against the same cores.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))  # the test kit (tests/support/) makes the archive


def _dask() -> list[str]:
    exe = Path(sys.executable).parent / "dask"
    return [str(exe)] if exe.exists() else ["dask"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30, help="reports (each an HTML page and a DOCX)")
    parser.add_argument("--workdir", default="/tmp/nianbao-bench-cluster")
    args = parser.parse_args()

    from archive.db.build import build
    from support.archive_kit import free_port, make_real_archive

    work = Path(args.workdir)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    make_real_archive(work / "archive", n=args.n)
    results: dict = {}

    def timed(name, **kw):
        t0 = time.monotonic()
        counts = build(work / "archive", work / f"{name}.db", progress=False, use_cache=False, **kw)
        secs = time.monotonic() - t0
        results[name] = {"documents": counts["documents"], "seconds": round(secs, 2),
                         "docs_per_s": round(counts["documents"] / secs, 2)}

    timed("local_jobs1")
    timed("local_jobs2", jobs=2)
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = [subprocess.Popen(_dask() + ["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                              cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    procs += [subprocess.Popen(_dask() + ["worker", address, "--nthreads", "1", "--host", "127.0.0.1",
                                          "--no-dashboard"], cwd=REPO, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL) for _ in range(2)]
    try:
        from distributed import Client

        with Client(address, timeout="60s", set_as_default=False) as client:
            client.wait_for_workers(2, timeout=120)
        timed("cluster_2_workers_first", cluster=address)  # includes starting each worker's child process
        timed("cluster_2_workers", cluster=address)
    finally:
        for proc in reversed(procs):
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
    dumps = {name: list(sqlite3.connect(work / f"{name}.db").iterdump()) for name in results}
    results["identical_to_local"] = all(d == dumps["local_jobs1"] for d in dumps.values())
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
