"""Shared builders for the extraction tests: specs from the seeds and a distinct-number spec, and
every rendered format, each built once per test session (LibreOffice and OCR are the slow parts)."""

from __future__ import annotations

import functools
import random
import re
import unicodedata
from pathlib import Path

from farm import render
from farm.report_synth import SECTIONS, ReportSpec, build_document, expected_rows, random_spec, spec_from_values
from pipeline.blocks import Document, Paragraph

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
Z7 = ["0"] * 7


def seed_prose(name: str) -> dict[str, list[str]]:
    """The seed's prose (lines without tabs, long enough to be sentences) under its section headings."""
    text = (FIXTURES / f"seed_{name}.txt").read_text(encoding="utf-8")
    text = re.sub(r"\[(bookmark|image)[^\]]*\]", "", text)
    prose: dict[str, list[str]] = {"preface": []}
    current = "preface"
    for raw in text.splitlines():
        if raw.startswith("\t"):
            continue  # a table cell of a Word text export
        line = raw.strip()
        for key, heading in SECTIONS:
            if line.startswith(heading[:4]) and len(line) < 30:
                current = key
                prose.setdefault(key, [])
                break
        else:
            if len(line) >= 25 and "\t" not in line:
                prose.setdefault(current, []).append(line)
    return prose


@functools.lru_cache(maxsize=None)
def seed_spec(name: str) -> ReportSpec:
    """Seeds 000 (2019 Table B with one （六） row), 001 (3s and a 1) and 004 (blank cells) as printed."""
    if name == "000":
        a = ["0", "0", "0", "0", "0", "0", "676", "31", "0", "0"]
        return spec_from_values("滦州市雷庄镇人民政府", 2024, a=a, b=[Z7] * 23, c=["0"] * 15, format_b="2019",
                                prose=seed_prose("000"), title="雷庄镇2024年度政府信息公开工作年度报告")
    if name == "001":
        b = [["3", "0", "0", "0", "0", "0", "3"]] + [Z7] * 2 + [["3", "0", "0", "0", "0", "0", "3"]] + [Z7] * 19
        b += [["3", "0", "0", "0", "0", "0", "3"], Z7]
        c = ["0", "1", "0", "0", "1"] + ["0"] * 10
        return spec_from_values("平原城乡一体化示范区祝楼乡人民政府", 2024, a=["0"] * 10, b=b, c=c, prose=seed_prose("001"),
                                title="平原城乡一体化示范区祝楼乡2024年政府信息公开工作年度报告")
    if name == "004":
        a = [""] * 6 + ["0", "0", "0", "0"]
        b = [Z7] * 12 + [["1", "0", "0", "0", "0", "0", "1"]] + [Z7] * 11 + [[""] * 7]
        return spec_from_values("梁山县韩垓镇人民政府", 2024, a=a, b=b, c=["0"] * 15, prose=seed_prose("004"),
                                title="梁山县韩垓镇2024年政府信息公开工作年度报告")
    raise KeyError(name)


@functools.lru_cache(maxsize=None)
def distinct_spec(fmt: str = "2021") -> ReportSpec:
    """A different number in every cell, so that a shifted cell cannot pass for the right one."""
    return random_spec(random.Random(20261123 + int(fmt)), distinct=True, format_a=fmt, format_b=fmt,
                       year=2024 if fmt == "2021" else 2020)


def spec_by_name(name: str) -> ReportSpec:
    return distinct_spec(name.split("-")[1]) if name.startswith("distinct") else seed_spec(name)


@functools.lru_cache(maxsize=None)
def document(name: str) -> Document:
    return build_document(spec_by_name(name))


@functools.lru_cache(maxsize=None)
def rendered(name: str, fmt: str) -> bytes:
    """The report `name` as bytes of format `fmt`; LibreOffice formats are converted from the one DOCX."""
    doc = document(name)
    if fmt in ("doc", "odt", "rtf", "pdf"):
        return getattr(render, f"render_{fmt}")(rendered(name, "docx"))
    if fmt == "lo.html":
        return render.render_lo_html(rendered(name, "docx"))
    if fmt == "wps":
        return rendered(name, "doc")
    if fmt == "xls-prose":
        return render.render_xls(doc, with_prose=True)
    if fmt == "html-legacy":
        return render.render_html(doc, encoding="gb2312", style="legacy")
    if fmt == "html-gbk":
        return render.render_html(doc, encoding="gbk", meta_charset="utf-8")
    return getattr(render, f"render_{fmt}")(doc)


def norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def rows_of(doc: Document) -> list[list[str]]:
    """All tables' logical rows as one stream of normalised texts (tables may break across pages)."""
    return [[norm(t) for t in row] for table in expected_rows(doc) for row in table]


def spec_cells(spec: ReportSpec) -> dict[tuple[str, str, str], str]:
    """Every cell key of the spec's layout -> printed text ('' for blank)."""
    return {key: norm(spec.values.get(key, "")) for key in spec.keys()}


def parsed_cells(result: dict) -> dict[tuple[str, str, str], str]:
    return {(c["table"], c["row"], c["col"]): norm(c["raw"] or "") for c in result["cells"]}


def paragraphs(doc: Document) -> list[str]:
    return [b.text for b in doc.blocks if isinstance(b, Paragraph)]
