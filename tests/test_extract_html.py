"""HTML pages: the article without the portal chrome, and charsets that lie."""

from __future__ import annotations

from conftest_extract import document, norm, paragraphs, rendered, rows_of
from farm.render import render_html
from pipeline.extract import extract_bytes


def test_chrome_removed_article_kept():
    doc = extract_bytes(rendered("001", "html"), "a.html")
    text = doc.text()
    for chrome in ("网站标识码", "当前位置", "相关链接", "【打印本页】", "信息公开指南", "浏览次数"):
        assert chrome not in text
    assert paragraphs(doc)[0] == document("001").blocks[0].text  # the title comes from the page heading


def test_gbk_page_declaring_utf8():
    data = rendered("distinct-2021", "html-gbk")
    doc = extract_bytes(data, "a.html")
    assert doc.meta["encoding"] == "gb18030"
    assert any("declares charset utf-8" in w for w in doc.meta["warnings"])
    assert rows_of(doc) == rows_of(document("distinct-2021"))


def test_utf8_page_declaring_gb2312():
    data = render_html(document("004"), encoding="utf-8", meta_charset="gb2312")
    doc = extract_bytes(data, "a.html")
    assert doc.meta["encoding"] == "utf-8"
    assert norm(document("004").blocks[0].text) in norm(doc.text())


def test_gb18030_only_characters():
    data = render_html(document("001"), encoding="gb18030").replace("祝楼乡".encode("gb18030"), "𠀀楼乡".encode("gb18030"))
    doc = extract_bytes(data, "a.html")
    assert "𠀀楼乡" in doc.text()


def test_fragment_without_chrome():
    doc = extract_bytes(render_html(document("004"), chrome=False), "a.html")
    assert rows_of(doc) == rows_of(document("004"))


def test_junk_spans_and_blank_cells():
    page = ('<html><body><div class="content"><p>报告</p><table border=1>'
            '<tr><td rowspan="2;">A</td><td colspan="2">B</td></tr><tr><td>&nbsp;</td><td>1</td></tr>'
            '</table></div></body></html>').encode()
    table = next(extract_bytes(page, "a.html").tables())
    assert [[s.text for s in row] for row in table.logical_rows()] == [["A", "B"], ["A", "", "1"]]


def test_legacy_table_layout_page_in_gb2312():
    """An older portal: layout tables, Word "save as web page" tables inside, GB2312."""
    data = render_html(document("distinct-2021"), encoding="gb2312", style="legacy")
    doc = extract_bytes(data, "a.htm")
    assert rows_of(doc) == rows_of(document("distinct-2021"))
    assert paragraphs(doc)[0] == document("distinct-2021").blocks[0].text
    assert "版权所有" not in doc.text() and "信息公开目录" not in doc.text()


def test_libreoffice_xhtml_export():
    doc = extract_bytes(rendered("004", "lo.html"), "a.html")
    assert rows_of(doc) == rows_of(document("004"))
