"""Report content for the farm: a plan item becomes a `farm.report_synth` spec, a Document and its renderings.

This module is the only place that knows how the farm calls `farm.report_synth` and
`farm.render`; binary renderings go through the on-disk `RenderCache` because
they cost about a second each (LibreOffice, rasterising).
"""

from __future__ import annotations

import copy
import hashlib
import random
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from farm import report_synth
from farm.cache import RenderCache
from farm.model import Item
from pipeline.blocks import Document, Paragraph

# Bumped when the way reports are made changes, so cached renderings are not reused.
CONTENT_VERSION = 4
# The first line of a portal page saved to Word (网站首页 > … > column): DOCX, DOC and WPS attachments carry it.
SAVED_PAGE_BREADCRUMB = "网站首页 > 政府信息公开 > 政府信息公开年度报告"

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "pdf-scanned": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "wps": "application/kswps",
    "xls": "application/vnd.ms-excel",
}


@dataclass
class Report:
    spec: report_synth.ReportSpec
    doc: Document

    @property
    def format_version(self) -> dict[str, str]:
        # Table C is the same in both formats; it takes the report's (Table A's) version, as the parser reports it.
        return {"A": self.spec.format_a, "B": self.spec.format_b, "C": self.spec.format_a}

    def cells(self) -> list[dict]:
        """Every table value as the manifest states it: key, raw text as printed, and its number."""
        out = []
        for table, row, col in self.spec.keys():
            raw = self.spec.value(table, row, col)
            out.append({"table": table, "row": row, "col": col, "raw": raw, "value": _number(raw)})
        return out


def _number(raw: str) -> int | float | None:
    text = raw.strip().replace("万元", "")
    if not text:
        return None
    try:
        d = Decimal(text)
    except InvalidOperation:
        return None
    return int(d) if d == d.to_integral_value() and "." not in text else float(d)


def make_report(item: Item, site_level: str, previous: report_synth.ReportSpec | None = None) -> Report:
    """The report an item stands for. Duplicates share the spec seed, so they get identical content.

    `previous` is the same organ's report of the year before: this one carries over from it (rules 6–8),
    except in the years whose numbers are all distinct (they stay as drawn, and rule 6 fails there, as it
    does in real series).
    """
    rng = random.Random(item.spec_seed)
    year = item.year
    fmt = "2021" if year >= 2021 else "2019"
    # Real reports lag behind the format change: some 2021+ reports keep the 2019 application table.
    format_b = "2019" if year >= 2021 and rng.random() < 0.12 else fmt
    # Most reports have small numbers and many zeros, as real ones do; the site's own government gets
    # all-distinct numbers in two years, so a cell shifted by an extractor cannot pass for its neighbour.
    distinct = item.admin_level == site_level and year in (2020, 2023)
    spec = report_synth.random_spec(rng, distinct=distinct, format_a=fmt, format_b=format_b, year=year,
                             admin_level=item.admin_level, agency=item.agency)
    if previous is not None and not distinct:
        spec = report_synth.continue_from(previous, spec)
    spec.title = item.title.removesuffix("（更正）")
    if item.variant:
        spec = _corrected(spec, rng)
        spec.title = item.title
    return Report(spec, report_synth.build_document(spec))


def _corrected(spec: report_synth.ReportSpec, rng: random.Random) -> report_synth.ReportSpec:
    """The corrected version (更正): the same report with two Table A counts fixed.

    Table A has no arithmetic rules tying cells together, so changing it keeps the report consistent.
    """
    fixed = copy.deepcopy(spec)
    counts = [k for k in fixed.keys() if k[0] == "A" and re.fullmatch(r"\d+", fixed.value(*k) or "x")
              and k[1] != "regulations"]
    for key in rng.sample(counts, 2):
        fixed.values[key] = str(int(fixed.values[key]) + rng.randint(1, 9))
    fixed.prose = report_synth.seed_prose(fixed, random.Random(spec.year * 7 + 1))
    return fixed


# ---------------------------------------------------------------- HTML ---
def inline_html(report: Report) -> str:
    """The report as an article body fragment: paragraphs and <table>s with the real merges (no title)."""
    from farm import render

    return render.render_html(report.doc, chrome=False).decode("utf-8")


# ---------------------------------------------------------------- binaries ---
def pin_zip_dates(data: bytes) -> bytes:
    """Make a DOCX reproducible: python-docx stamps each zip member with the time it was written."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            pinned = zipfile.ZipInfo(info.filename, date_time=(2020, 1, 1, 0, 0, 0))
            pinned.compress_type = info.compress_type
            pinned.external_attr = info.external_attr
            dst.writestr(pinned, src.read(info.filename))
    return out.getvalue()


def pin_pdf_dates(data: bytes, year: int) -> bytes:
    """Make a LibreOffice PDF reproducible: fixed CreationDate/ModDate and /ID, same byte lengths.

    LibreOffice stamps the export time and a random file id; replacing them with values of equal
    length keeps every xref offset valid, so the same seed gives the same bytes on any machine.
    """
    stamp = f"{year + 1}0115093000".encode()

    def date(m: re.Match) -> bytes:
        digits = m.group(2)
        return m.group(1) + (stamp + b"0" * len(digits))[:len(digits)]

    data = re.sub(rb"(/(?:CreationDate|ModDate)\s*\(D:)(\d+)", date, data)
    # /ID is random and /DocChecksum covers the stamped bytes: derive both from everything else.
    core = re.sub(rb"/ID\s*\[[^\]]*\]|/DocChecksum\s*/[0-9A-F]{32}", b"", data)
    digest = hashlib.md5(core).hexdigest().upper().encode()
    data = re.sub(rb"(/ID\s*\[\s*<)([0-9A-Fa-f]{32})(>\s*<)([0-9A-Fa-f]{32})(>)",
                  lambda m: m.group(1) + digest + m.group(3) + digest + m.group(5), data)
    return re.sub(rb"(/DocChecksum\s*/)[0-9A-F]{32}", lambda m: m.group(1) + digest, data)


def attachment_bytes(report: Report, fmt: str, cache: RenderCache) -> bytes:
    """The report rendered as an attachment file, from the cache when it was made before.

    DOC/WPS/PDF are LibreOffice conversions of the DOCX, and a scan is rasterised from the PDF, so
    the intermediate renderings are cached too.
    """
    from farm import render

    content = report.doc.to_dict()

    def cached(kind: str, make, **params) -> bytes:
        return cache.get_or_make(cache.key("attachment", CONTENT_VERSION, kind, params, content), make)

    def docx() -> bytes:
        return cached("docx", lambda: pin_zip_dates(render.render_docx(report.doc)))

    def saved_page_docx() -> bytes:
        """Word files are often the portal page saved to Word: the breadcrumb comes first."""
        doc = Document([Paragraph(SAVED_PAGE_BREADCRUMB), *report.doc.blocks], dict(report.doc.meta))
        return cached("docx-saved-page", lambda: pin_zip_dates(render.render_docx(doc)))

    def pdf() -> bytes:
        return cached("pdf", lambda: pin_pdf_dates(render.render_pdf(docx()), report.spec.year))

    if fmt == "docx":
        return saved_page_docx()
    if fmt == "pdf":
        return pdf()
    if fmt in ("doc", "wps"):
        return cached("doc-saved-page", lambda: render.render_doc(saved_page_docx()))
    if fmt == "xls":
        return cached("xls", lambda: render.render_xls(report.doc, with_prose=True), with_prose=True)
    if fmt == "pdf-scanned":
        scan = {"dpi": 150, "skew_degrees": 0.6, "noise": 6.0, "seed": report.spec.year}
        return cached("pdf-scanned", lambda: pin_pdf_dates(render.render_scanned_pdf(pdf(), **scan), report.spec.year),
                      **scan)
    raise ValueError(f"unknown attachment format {fmt!r}")
