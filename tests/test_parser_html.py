"""A report published as an HTML page with real <table>s (rowspan/colspan, &nbsp; blanks, portal chrome,
GBK) parses like its text form."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from farm.render import render_html
from farm.report_synth import a_keys, b_rows, build_document, random_spec, spec_from_values
from pipeline.extract import extract_bytes
from pipeline.parser import parse_document, parse_text
from pipeline.form import B_COLS

SEEDS = Path(__file__).parent / "data" / "seeds"
FORMATS = [("2021", "2021"), ("2019", "2019"), ("2021", "2019")]


def _cells(result: dict) -> dict:
    return {(c["table"], c["row"], c["col"]): (c["semantic"], c["value"]) for c in result["cells"] if c["certain"]}


def _seed_spec(name: str):
    """The seed's own table values (as its text form parses) laid out as an official HTML report."""
    parsed = parse_text(next(SEEDS.glob(f"{name}_*.txt")).read_text(encoding="utf-8"))
    raw = {(c["table"], c["row"], c["col"]): c["raw"].strip() for c in parsed["cells"]}
    fa, fb = parsed["format_version"]["A"], parsed["format_version"]["B"]
    spec = spec_from_values(
        parsed["agency"], parsed["year"], format_a=fa, format_b=fb,
        a=[raw[k] for k in a_keys(fa)],
        b=[[raw[("B", r, c)] for c in B_COLS] for r in b_rows(fb)],
        c=[raw[("C", r, c)] for r in ("review", "litigation_direct", "litigation_after_review")
           for c in ("maintained", "corrected", "other", "pending", "total")],
    )
    return spec, parsed


@pytest.mark.parametrize("fmt", FORMATS, ids="/".join)
def test_html_page_gives_every_cell(fmt):
    spec = random_spec(random.Random(21), distinct=True, format_a=fmt[0], format_b=fmt[1])
    result = parse_document(extract_bytes(render_html(build_document(spec)), "t20250120_1.html"))
    assert {k: v[1] for k, v in _cells(result).items()} == {k: float(spec.value(*k)) if "." in spec.value(*k)
                                                              else int(spec.value(*k)) for k in spec.keys()}


@pytest.mark.parametrize("seed", ["001", "004"])
def test_seed_as_html_parses_like_its_text(seed):
    spec, text_result = _seed_spec(seed)
    html = render_html(build_document(spec), encoding="gbk")
    assert _cells(parse_document(extract_bytes(html, "report.html"))) == _cells(text_result)


def test_html_page_that_lies_about_its_charset():
    spec, text_result = _seed_spec("001")
    html = render_html(build_document(spec), encoding="gb2312", meta_charset="utf-8")
    result = parse_document(extract_bytes(html, "report.html"))
    assert (result["agency"], _cells(result)) == (text_result["agency"], _cells(text_result))


def test_portal_chrome_is_not_part_of_the_report():
    spec, _ = _seed_spec("002")
    result = parse_document(extract_bytes(render_html(build_document(spec)), "report.html"))
    assert (result["title"], result["is_report"]) == (spec.full_title, True)


def test_article_inside_a_form_is_read():
    # VSB portals wrap the article in <form name="_newscontent_fromname">; ASP.NET portals the whole page.
    spec, text_result = _seed_spec("001")
    page = render_html(build_document(spec)).decode("utf-8")
    page = page.replace('<div class="TRS_Editor" id="zoom">', '<form name="_newscontent_fromname"><div id="vsb_content">')
    page = page.replace("</body>", "</form></body>", 1) if "</form>" not in page else page
    result = parse_document(extract_bytes(page.encode("utf-8"), "1234.htm"))
    assert _cells(result) == _cells(text_result)
