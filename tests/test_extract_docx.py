"""DOCX body walk: order of paragraphs and tables, gridSpan / vMerge / gridBefore, content controls."""

from __future__ import annotations

import io
import zipfile

from pipeline.blocks import Paragraph, Table
from pipeline.extract import extract_bytes

NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx(body: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", f'<?xml version="1.0"?><w:document {NS}><w:body>{body}</w:body></w:document>')
    return buf.getvalue()


def p(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def tc(text: str, span: int = 1, vmerge: str | None = None) -> str:
    props = (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "") + (
        "" if vmerge is None else ('<w:vMerge w:val="restart"/>' if vmerge == "restart" else "<w:vMerge/>"))
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{p(text)}</w:tc>"


def rows(table: Table) -> list[list[str]]:
    return [[s.text for s in row] for row in table.logical_rows()]


def test_paragraphs_and_tables_keep_their_order():
    body = p("标题") + f"<w:tbl><w:tr>{tc('a')}{tc('b')}</w:tr></w:tbl>" + p("之后")
    blocks = extract_bytes(_docx(body), "a.docx").blocks
    assert [type(b) for b in blocks] == [Paragraph, Table, Paragraph]
    assert blocks[2].text == "之后"


def test_grid_span_and_vertical_merge():
    body = ("<w:tbl>"
            f"<w:tr>{tc('三、本年度办理结果', vmerge='restart')}{tc('（一）予以公开', span=2)}{tc('5')}</w:tr>"
            f"<w:tr>{tc('', vmerge='continue')}{tc('（三）不予公开')}{tc('1.属于国家秘密')}{tc('7')}</w:tr>"
            "</w:tbl>")
    table = next(extract_bytes(_docx(body), "a.docx").tables())
    assert rows(table) == [["三、本年度办理结果", "（一）予以公开", "5"],
                           ["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密", "7"]]
    first = [s for s in table.spans if s.row == 0 and s.col == 0][0]
    assert (first.rowspan, first.colspan) == (2, 1)


def test_grid_before_shifts_the_row():
    body = ("<w:tbl>"
            f"<w:tr>{tc('x')}{tc('y')}{tc('z')}</w:tr>"
            f'<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>{tc("b")}{tc("c")}</w:tr>'
            "</w:tbl>")
    table = next(extract_bytes(_docx(body), "a.docx").tables())
    assert {(s.row, s.col, s.text) for s in table.spans if s.row == 1} == {(1, 1, "b"), (1, 2, "c")}


def test_content_controls_are_read():
    body = (f"<w:sdt><w:sdtContent>{p('控件里的段落')}</w:sdtContent></w:sdt>"
            f"<w:tbl><w:tr><w:sdt><w:sdtContent>{tc('控件单元格')}</w:sdtContent></w:sdt>{tc('9')}</w:tr></w:tbl>")
    doc = extract_bytes(_docx(body), "a.docx")
    assert doc.blocks[0].text == "控件里的段落"
    assert rows(next(doc.tables())) == [["控件单元格", "9"]]


def test_cell_with_two_paragraphs_keeps_both_lines():
    cell = f"<w:tc>{p('结果')}{p('维持')}</w:tc>"
    table = next(extract_bytes(_docx(f"<w:tbl><w:tr>{cell}{tc('0')}</w:tr></w:tbl>"), "a.docx").tables())
    assert table.spans[0].text == "结果\n维持"
