"""The type comes from the bytes: magic numbers, OLE2 streams, zip members."""

from __future__ import annotations

import pytest

from conftest_extract import rendered
from farm.render import render_png
from pipeline.extract import ExtractionError, extract_bytes, sniff


@pytest.mark.parametrize("fmt,kind", [("html", "html"), ("docx", "docx"), ("doc", "doc"), ("odt", "odt"),
                                      ("rtf", "rtf"), ("pdf", "pdf"), ("xlsx", "xlsx"), ("xls", "xls")])
def test_sniffed_without_a_name(fmt, kind):
    assert sniff(rendered("distinct-2021", fmt)) == kind


def test_word_binary_named_wps_is_wps():
    assert sniff(rendered("distinct-2021", "doc"), "年报.wps") == "wps"


def test_png_is_an_image():
    assert sniff(render_png(rendered("distinct-2021", "pdf"), dpi=50)) == "image"


def test_mht_published_as_doc_is_read_as_html():
    html = rendered("001", "html").decode("utf-8")
    mht = ("MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b\"\r\n\r\n--b\r\n"
           "Content-Type: text/html; charset=\"utf-8\"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + html + "\r\n--b--\r\n")
    doc = extract_bytes(mht.encode("utf-8"), "年报.doc")
    assert doc.meta["sniffed_type"] == "html"
    assert "祝楼乡" in doc.text()


def test_docx_bytes_named_pdf_refused():
    with pytest.raises(ExtractionError, match="does not match"):
        extract_bytes(rendered("001", "docx"), "年报.pdf")


def test_plain_text_in_gbk():
    doc = extract_bytes("一、总体情况\n本年度收到申请3件。\n".encode("gbk"), "a.txt")
    assert doc.meta["sniffed_type"] == "text" and "收到申请3件" in doc.text()
