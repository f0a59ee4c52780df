"""Benchmark: crawl the portal farm with politeness off; then crawl it again (incremental).

    python bench/bench_crawl.py [--seed 0] [--workdir /tmp/nianbao-bench-crawl]

Starts the farm (renderings cached in the workdir), runs `nianbao crawl --no-polite` twice into a fresh
archive as subprocesses, and prints a JSON summary: pages (responses) per second of the first crawl — over
the crawl itself (Scrapy's elapsed time) and over the whole command (process start included) — and the
requests of the second crawl as a ratio of the first. The farm serves one deliberately slow page (1 s),
which bounds the first crawl from below.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _crawl(sources: Path, archive: Path) -> tuple[dict, float]:
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "nianbao", "crawl", "--sources", str(sources), "--archive-dir",
                           str(archive), "--no-polite"], cwd=REPO, capture_output=True, text=True)
    wall = time.monotonic() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"crawl exited {proc.returncode}: {proc.stderr[-2000:]}")
    runs = sorted((archive / "runs").glob("*.json"), key=lambda p: p.stat().st_mtime)
    return json.loads(runs[-1].read_text(encoding="utf-8")), wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", default="/tmp/nianbao-bench-crawl")
    args = parser.parse_args()
    from farm.server import run_farm

    workdir = Path(args.workdir)
    archive = workdir / "archive"
    shutil.rmtree(archive, ignore_errors=True)
    with run_farm(workdir / "farm", seed=args.seed, cache_dir=workdir / "render-cache") as farm:
        sources = farm.write_sources_csv(workdir / "sources.csv")
        first, wall1 = _crawl(sources, archive)
        second, wall2 = _crawl(sources, archive)
        reports = len(farm.manifest["reports"])
    elapsed = first.get("elapsed_seconds") or wall1
    summary = {
        "sites": len(first["sources"]),
        "reports_in_manifest": reports,
        "first_crawl": {"requests": first["requests"], "responses": first["responses"],
                        "documents_new": first["documents_new"], "crawl_seconds": round(elapsed, 2),
                        "command_seconds": round(wall1, 2),
                        "pages_per_second": round(first["responses"] / elapsed, 1),
                        "pages_per_second_with_startup": round(first["responses"] / wall1, 1)},
        "second_crawl": {"requests": second["requests"], "documents_new": second["documents_new"],
                         "listing_not_modified": sum(e["listing_not_modified"] for e in second["sources"].values()),
                         "crawl_seconds": round(second.get("elapsed_seconds") or wall2, 2)},
        "second_to_first_request_ratio": round(second["requests"] / first["requests"], 3),
    }
    print(json.dumps(summary, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
