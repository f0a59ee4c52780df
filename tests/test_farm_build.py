"""The farm's build: deterministic per seed, one command to build or serve, clean shutdown."""

from __future__ import annotations

import hashlib
import json
import socket

import pytest
from click.testing import CliRunner

from farm.assemble import build_farm
from farm.plan import SITES, plan_farm
from farm.server import run_farm

BASE_URLS = {s["id"]: f"http://127.0.0.1:{8600 + i}" for i, s in enumerate(SITES)}


@pytest.fixture(scope="module")
def cache(request):
    return request.config.cache.mkdir("farm-render-cache")


def fingerprint(seed, cache):
    _, contents, manifest = build_farm(seed, BASE_URLS, cache)
    served = {sid: {path: hashlib.sha256(res.body).hexdigest() for path, res in c.resources.items()}
              for sid, c in contents.items()}
    return served, json.dumps(manifest, ensure_ascii=False, sort_keys=True)


def test_same_seed_gives_the_same_sites_and_bytes(cache):
    assert fingerprint(0, cache) == fingerprint(0, cache)


def test_another_seed_gives_other_reports():
    titles = [[(it.title, it.published) for it in site.items] for site in plan_farm(0)]
    assert titles != [[(it.title, it.published) for it in site.items] for site in plan_farm(1)]


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_renderings_are_reproducible_without_the_cache(tmp_path, fmt):
    """LibreOffice and python-docx stamp times and random ids into files; the farm pins them."""
    import time

    import random

    from farm import report_synth
    from farm.cache import RenderCache
    from farm.report_content import Report, attachment_bytes

    spec = report_synth.random_spec(random.Random(7), year=2022, distinct=False)
    report = Report(spec, report_synth.build_document(spec))
    first = attachment_bytes(report, fmt, RenderCache(tmp_path / "a"))
    time.sleep(2.1)  # zip and PDF time stamps have a resolution of 2 s and 1 s
    assert first == attachment_bytes(report, fmt, RenderCache(tmp_path / "b"))


def test_cli_build_writes_manifest_and_sources(tmp_path, cache):
    from nianbao.cli import main

    result = CliRunner().invoke(main, ["portals", "build", "--workdir", str(tmp_path), "--cache-dir", str(cache)])
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    header = (tmp_path / "sources.csv").read_text(encoding="utf-8").splitlines()[0]
    assert (result.exit_code, len(manifest["sites"]), header) == (0, len(SITES), "id,name,division_code,level,url,platform")


def test_farm_stops_listening_on_exit(tmp_path, cache):
    with run_farm(tmp_path, seed=0, cache_dir=cache) as farm:
        ports = [srv.server_address[1] for srv in farm.servers.values()]
    refused = []
    for port in ports:
        with socket.socket() as sock:
            refused.append(sock.connect_ex(("127.0.0.1", port)) != 0)
    assert all(refused)
