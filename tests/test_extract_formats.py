"""Every format, built from farm.report_synth specs, comes back with every table cell in its place."""

from __future__ import annotations

import functools
import json

import pytest
from click.testing import CliRunner

from conftest_extract import document, norm, parsed_cells, rendered, rows_of, spec_by_name, spec_cells
from pipeline.extract import extract_bytes
from pipeline.parser import parse_document

ALL_FORMATS = ["html", "html-gbk", "html-legacy", "docx", "doc", "wps", "odt", "rtf", "pdf", "xlsx", "xls", "xls-prose"]
CASES = ([("distinct-2021", f) for f in ALL_FORMATS]
         + [("distinct-2019", f) for f in ["html", "docx", "pdf", "doc", "xls"]]
         + [(seed, f) for seed in ("000", "001", "004") for f in ["html", "docx", "pdf", "xlsx"]])
FILENAMES = {"html": "report.html", "html-gbk": "report.html", "html-legacy": "report.htm", "wps": "report.wps",
             "xls-prose": "report.xls"}
SNIFFED = {"html-gbk": "html", "html-legacy": "html", "xls-prose": "xls"}


@functools.lru_cache(maxsize=None)
def _extract(name: str, fmt: str):
    """Extracted once for both the layout and the parser test (LibreOffice formats cost ~1 s each)."""
    return extract_bytes(rendered(name, fmt), FILENAMES.get(fmt, f"report.{fmt}"))


@pytest.mark.parametrize("name,fmt", CASES)
def test_table_rows_come_back_in_place(name, fmt):
    doc = _extract(name, fmt)
    assert doc.meta["sniffed_type"] == SNIFFED.get(fmt, fmt)
    assert rows_of(doc) == rows_of(document(name))


@pytest.mark.parametrize("name,fmt", CASES)
def test_parser_reads_every_value(name, fmt):
    spec = spec_by_name(name)
    result = parse_document(_extract(name, fmt))
    assert result["is_report"]
    got = parsed_cells(result)
    expected = spec_cells(spec)
    wrong = {k: (v, got.get(k)) for k, v in expected.items() if got.get(k) != v}
    assert not wrong


@pytest.mark.parametrize("fmt", ["html", "docx", "pdf"])
def test_prose_survives(fmt):
    doc = _extract("001", fmt)
    text = norm(doc.text())
    for paragraph in spec_by_name("001").prose["overview"][:3] + spec_by_name("001").prose["problems"]:
        assert norm(paragraph) in text


def test_distinct_spec_really_is_distinct():
    values = list(spec_by_name("distinct-2021").values.values())
    assert len(values) == 200 and len(set(values)) == 200


@pytest.mark.parametrize("fmt", ["html", "docx", "doc", "wps", "odt", "rtf", "pdf", "xlsx", "xls"])
def test_nianbao_parse_cli(tmp_path, fmt):
    from nianbao.cli import main

    path = tmp_path / FILENAMES.get(fmt, f"report.{fmt}")
    path.write_bytes(rendered("distinct-2021", fmt))
    result = CliRunner().invoke(main, ["parse", str(path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output[result.output.index("{"):])
    assert parsed_cells(data) == spec_cells(spec_by_name("distinct-2021"))


def test_pdf_pages_and_page_numbers():
    doc = _extract("distinct-2021", "pdf")
    assert doc.meta["pages"] >= 2
    pages = {b.page for b in doc.blocks}
    assert pages >= {1, 2}
    # Table B breaks across pages in this layout yet comes back as one table with its merges.
    table_b = [t for t in doc.tables() if "申请人情况" in t.text()][0]
    assert table_b.n_rows == 28


def test_ods_spreadsheet_through_libreoffice():
    from pipeline.extract import office

    ods = office.convert(rendered("004", "xlsx"), "xlsx", "ods")
    doc = extract_bytes(ods, "report.ods")
    assert doc.meta["sniffed_type"] == "ods"
    assert rows_of(doc) == rows_of(document("004"))  # blank cells of seed 004 stay blank and in place


def test_kept_libreoffice_worker_when_asked(monkeypatch):
    """NIANBAO_LIBREOFFICE=warm uses a kept worker if python3-uno is installed, else falls back to cold soffice."""
    from pipeline.extract.office_warm import available

    monkeypatch.setenv("NIANBAO_LIBREOFFICE", "warm")
    doc = extract_bytes(rendered("distinct-2021", "doc"), "report.doc")
    assert rows_of(doc) == rows_of(document("distinct-2021"))
    assert doc.meta["extractor"] == ("libreoffice-warm+docx" if available() else "libreoffice+docx")
