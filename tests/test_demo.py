"""`make demo` runs `nianbao demo`: farm → crawl → build → summary → serve. Run its steps and ask the served site."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests_support import expected_current_reports, served_report_count

pytestmark = pytest.mark.timeout(1800)


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory, request):
    work = tmp_path_factory.mktemp("demo")
    env = {**os.environ, "NIANBAO_PROCESSED_CACHE": str(request.config.cache.mkdir("processed-cache"))}
    proc = subprocess.run(
        [sys.executable, "-m", "nianbao", "demo", "--no-serve", "--workdir", str(work),
         "--cache-dir", str(request.config.cache.mkdir("farm-render-cache"))],
        capture_output=True, text=True, timeout=1500, env=env, stdin=subprocess.DEVNULL,
    )
    return work, proc


def test_demo_finishes(demo_run):
    _, proc = demo_run
    assert proc.returncode == 0, proc.stderr[-3000:]


def test_demo_prints_a_summary(demo_run):
    _, proc = demo_run
    assert "reports per format:" in proc.stdout and "sources crawled:" in proc.stdout


def test_served_site_answers_with_every_report_of_the_farm(demo_run):
    work, _ = demo_run
    manifest = json.loads((work / "farm" / "manifest.json").read_text(encoding="utf-8"))
    assert served_report_count(work / "nianbao.db", work / "archive") == expected_current_reports(manifest)
