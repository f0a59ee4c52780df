"""Search in the reports' own words: the form's headings, table labels and stock sentences left out."""

from __future__ import annotations

import asyncio
import json
import random
import urllib.parse
from pathlib import Path

import pytest

from archive.db.build import build
from archive.db.own_words import own_words
from archive.originals.store import ArchiveStore
from support.archive_kit import _put, envelope_processor
from archive.web.site import make_datasette
from farm.report_synth import build_document, random_spec
from pipeline.parser import parse_text

SEEDS = Path(__file__).parent / "data" / "seeds"
# Seed 000 (雷庄镇 2024) prints 行政复议 only in its headings and Table C; seed 003 (白石山镇) likewise.
QUIET_ABOUT_REVIEWS = ["000_055b143dd4413562.txt", "003_2d161daa706ddf23.txt"]


@pytest.mark.parametrize("seed", QUIET_ABOUT_REVIEWS)
def test_the_tables_and_headings_are_not_own_words(seed):
    text = (SEEDS / seed).read_text(encoding="utf-8")
    assert ("复议" in text, "复议" in own_words(text)) == (True, False)


def test_own_words_keep_the_organs_sentences():
    text = (SEEDS / "000_055b143dd4413562.txt").read_text(encoding="utf-8")
    assert "2024年，我镇全年无依申请办理公开事项。" in own_words(text)


def test_the_sentence_listing_the_parts_is_boilerplate():
    text = "本报告内容包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况等。\n全年收到行政复议申请1件。"
    assert own_words(text) == "全年收到行政复议申请1件。"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("own")
    store = ArchiveStore(root / "archive")
    (root / "archive").mkdir(exist_ok=True)
    (root / "archive" / "sources.csv").write_text(
        "id,name,url,platform,division_code,level\ns,滦州市人民政府,http://127.0.0.1/s/,generic,130284,县级\n",
        encoding="utf-8")
    ids = {}
    for i, seed in enumerate(QUIET_ABOUT_REVIEWS):
        text = (SEEDS / seed).read_text(encoding="utf-8")
        ids[seed] = _put(store, {"text": text, "parsed": parse_text(text)}, url=f"http://127.0.0.1/s/{i}.html",
                         source_id="s", fetched_at=f"2026-11-01T00:00:0{i}Z")
    spec = random_spec(random.Random(3), distinct=False, agency="某某镇", year=2023)
    spec.prose.setdefault("review_litigation", []).append("本年度收到行政复议申请2件，均已依法答复。")
    ids["talks"] = _put(store, {"document": build_document(spec).to_dict()}, url="http://127.0.0.1/s/9.html",
                        source_id="s", fetched_at="2026-11-01T00:00:09Z")
    db = root / "nianbao.db"
    build(root / "archive", db, processor=envelope_processor, progress=False)
    return make_datasette(db), ids


def get(ds, path):
    async def go():
        return await ds.client.get(path)

    r = asyncio.run(go())
    assert r.status_code == 200, r.text[:300]
    return r.json()


def shas(ds, rows):
    return {get(ds, f"/nianbao/reports/{r['id']}.json?_shape=array")[0]["document_sha256"] for r in rows}


def test_default_search_finds_only_reports_that_write_about_it(site):
    ds, ids = site
    rows = get(ds, "/nianbao/reports.json?_shape=array&_search=" + urllib.parse.quote("复议"))
    assert shas(ds, rows) == {ids["talks"]}


def test_search_everything_still_finds_every_report_printing_it(site):
    ds, ids = site
    rows = get(ds, "/nianbao/search_everything.json?_shape=array&q=" + urllib.parse.quote("复议"))
    assert shas(ds, rows) == set(ids.values())
