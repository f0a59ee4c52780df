"""Bad input is refused with a reason, never a crash or a silently empty document."""

from __future__ import annotations

import io
import os
import time
import zipfile

import pytest

from support.hostile import huge_page_pdf

from conftest_extract import rendered
from pipeline.extract import ExtractionError, Limits, extract_bytes, extract_file
from pipeline.extract import office


def _reason(data: bytes, filename: str | None = None, limits: Limits | None = None) -> str:
    with pytest.raises(ExtractionError) as info:
        extract_bytes(data, filename, limits=limits)
    return str(info.value)


def test_empty_file():
    assert "empty" in _reason(b"", "a.pdf")


def test_binary_garbage():
    assert "unrecognised" in _reason(os.urandom(4096) + b"\x00" * 10)


def test_truncated_docx():
    data = rendered("001", "docx")
    assert "DOCX" in _reason(data[: len(data) // 2], "a.docx") or "zip" in _reason(data[: len(data) // 2], "a.docx")


def test_truncated_pdf():
    data = rendered("001", "pdf")
    assert "PDF" in _reason(data[:3000], "a.pdf")


def test_corrupt_docx_xml():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document xmlns:w='x'><w:body><w:p>unclosed")
    assert "corrupt DOCX" in _reason(buf.getvalue(), "a.docx")


def test_password_protected_pdf():
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt="secret")
    c.drawString(100, 700, "annual report")
    c.showPage()
    c.save()
    assert _reason(buf.getvalue(), "a.pdf") == "password-protected PDF"


def test_docx_zip_bomb_refused_before_decompressing():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"<w:document>" + b" " * 50_000_000 + b"</w:document>")
    data = buf.getvalue()
    assert len(data) < 1_000_000
    start = time.perf_counter()
    assert "zip bomb" in _reason(data, "a.docx")
    assert time.perf_counter() - start < 1.0


def test_docx_over_unzipped_limit():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", os.urandom(300_000))
    assert "zip bomb" in _reason(buf.getvalue(), "a.docx", Limits(max_unzipped_bytes=100_000))


def test_xml_external_entity_refused():
    xml = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           "<w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", xml)
    reason = _reason(buf.getvalue(), "a.docx")
    assert "entit" in reason and "root:" not in reason


def test_200_mb_file_refused_before_reading(tmp_path):
    path = tmp_path / "huge.pdf"
    with open(path, "wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse: nothing is written or read
    start = time.perf_counter()
    with pytest.raises(ExtractionError, match="larger than 50 MB"):
        extract_file(path)
    assert time.perf_counter() - start < 1.0


def test_500_blank_pages_hit_the_page_limit():
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for _ in range(500):
        c.showPage()
    c.save()
    assert "500 pages" in _reason(buf.getvalue(), "blank.pdf")


def test_blank_pdf_under_the_limit_is_not_silently_empty():
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for _ in range(3):
        c.showPage()
    c.save()
    assert "blank" in _reason(buf.getvalue(), "blank.pdf")


def test_type_not_matching_name():
    page = rendered("001", "html")
    assert "does not match" in _reason(page, "report.pdf")


def test_doc_that_is_really_html_is_read():
    doc = extract_bytes(rendered("001", "html"), "report.doc")
    assert doc.meta["sniffed_type"] == "html"


def test_conversion_timeout_kills_soffice():
    with pytest.raises(ExtractionError, match="timed out"):
        office.convert(rendered("001", "docx"), "docx", "pdf", timeout=0.3)


def test_libreoffice_memory_cap():
    """A conversion that needs more memory than allowed fails with a reason instead of taking the machine."""
    with pytest.raises(ExtractionError, match="could not convert|timed out"):
        extract_bytes(rendered("001", "doc"), "a.doc", limits=Limits(max_memory_mb=64, timeout_seconds=30))


def test_huge_image_refused():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (5000, 5000), 255).save(buf, "PNG")
    assert "megapixels" in _reason(buf.getvalue(), "scan.png", Limits(max_image_pixels=10_000_000))


@pytest.mark.parametrize("name,page,reason", [
    ("100k nested divs", "<html><body>" + "<div>" * 100_000 + "正文" + "</div>" * 100_000 + "</body></html>",
     "nests tags more than 256 deep"),
    ("5 million cells", "<html><body><table><tr>" + "<td>1</td>" * 5_000_000 + "</tr></table></body></html>",
     "more than 200,000 tags"),
])
def test_html_bombs_are_refused_before_a_tree_is_built(name, page, reason):
    import time

    from pipeline.extract import ExtractionError, extract_bytes

    start = time.monotonic()
    with pytest.raises(ExtractionError, match=reason):
        extract_bytes(page.encode(), filename="bomb.html")
    assert time.monotonic() - start < 5


def test_a_deep_but_legal_page_is_read_in_bounded_time():
    import time

    from pipeline.extract import extract_bytes

    block = "<div>" * 250 + "<p>正文内容。</p>" + "</div>" * 250
    start = time.monotonic()
    doc = extract_bytes(("<html><body>" + block * 20 + "</body></html>").encode(), filename="deep.html")
    assert doc.blocks[0].text == "正文内容。" and time.monotonic() - start < 10


def test_a_huge_page_is_refused_before_it_is_rendered():
    import resource
    import time

    from pipeline.extract import ExtractionError
    from pipeline.extract.ocr import ocr_pdf_page

    start, peak = time.monotonic(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ExtractionError, match="too large to OCR"):
        ocr_pdf_page(huge_page_pdf(14400), 0)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak) / 1024
    assert time.monotonic() - start < 5 and grown_mb < 200


def test_a_large_page_is_rendered_at_a_lower_resolution():
    from pipeline.extract.ocr import render_scale

    assert render_scale(5000, 5000, 200, 60_000_000) < 200 / 72 and render_scale(595, 842, 200, 60_000_000) == 200 / 72
