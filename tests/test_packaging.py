"""The package as a user installs it (`pip install .`, not editable): every module and data file is inside it.

Built as a wheel, installed into a fresh directory and run from elsewhere, with the repository off the path:
the four packages import, the bundled registry and override files are there, and `nianbao serve` serves the
site with its templates and metadata.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from support.archive_kit import free_port, make_site, wait_http

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pkg")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp),
                    str(REPO)], check=True, capture_output=True, timeout=300)
    wheel = next(tmp.glob("nianbao-*.whl"))
    target = tmp / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(target)
    return tmp, target, env


def run(installed, code: str) -> str:
    tmp, _, env = installed
    return subprocess.run([sys.executable, "-c", code], cwd=tmp, env=env, capture_output=True, text=True,
                          timeout=120, check=True).stdout


def test_the_packages_import_from_the_installed_copy(installed):
    _, target, _ = installed
    out = run(installed, "import archive, crawler, pipeline, farm; print(archive.__file__, farm.__file__)")
    assert out.count(str(target)) == 2


def test_data_files_are_installed(installed):
    out = run(installed, "from crawler.sources import DEFAULT_REGISTRY; from archive.db.organs import ALIASES_FILE;"
                         "from archive.web.plugin import TEMPLATES;"
                         "print(DEFAULT_REGISTRY.exists(), ALIASES_FILE.exists(), (TEMPLATES / 'nianbao_report.html').exists())")
    assert out.split() == ["True", "True", "True"]


def test_nianbao_serve_serves_from_the_installed_copy(installed, tmp_path):
    tmp, _, env = installed
    db = make_site(tmp_path)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "nianbao", "serve", "--db", str(db), "--port", str(port)],
                            cwd=tmp, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_http(f"http://127.0.0.1:{port}/-/versions.json", proc)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/rules", timeout=20) as resp:
            assert resp.status == 200 and "申请总量平衡" in resp.read().decode("utf-8")
    finally:
        proc.terminate()
        proc.wait(10)
