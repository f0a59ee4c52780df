"""The farm's renderer: a block-model `Document` (usually `farm.report_synth.build_document(spec)`) written
as the bytes portals publish. `render_<format>(doc)` means "render this Document as <format>"; it is the
opposite direction of the pipeline's converters (`pipeline.extract`), which read such bytes back.

HTML, DOCX, XLSX and XLS are written directly (real rowspan/colspan, gridSpan/vMerge, merged
ranges). DOC, ODT, RTF and PDF are LibreOffice conversions of the DOCX through
`pipeline.extract.office`, the same helper the extractor uses. Scans are rendered from a PDF with
pypdfium2, then rotated, greyed and noised with Pillow/numpy and wrapped as image-only PDF pages.

`.wps`: LibreOffice cannot write Kingsoft's format. The `.wps` files real portals publish are
mostly Word-97 binaries (OLE2, the Kingsoft extensions ignored by every reader), so `render_wps`
returns the DOC bytes; the extension alone makes it a `.wps` (extraction.md §3.2).
"""

from __future__ import annotations

import html
import io
import re

from pipeline.blocks import Document, Paragraph, Table
from pipeline.extract import office

_HEADING = re.compile(r"^[一二三四五六七八九十]+、")
CJK_FONT = "宋体"
BODY_FONT = "仿宋_GB2312"


def _is_heading(block, index: int) -> bool:
    return isinstance(block, Paragraph) and (index == 0 or bool(_HEADING.match(block.text)) and len(block.text) < 40)


# ------------------------------------------------------------------- HTML ---
_CHROME_HEAD = """<div class="header"><div class="top-bar"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | <a href="/bsfw/">办事服务</a> | <a href="/hdjl/">互动交流</a></div>
<div class="logo"><img src="/images/logo.png" alt="{site}"><h1>{site}</h1></div>
<ul class="nav"><li><a href="/">网站首页</a></li><li><a href="/zwgk/">政府信息公开</a></li><li><a href="/zwgk/xxgkzn/">信息公开指南</a></li><li><a href="/zwgk/xxgkzd/">信息公开制度</a></li><li class="on"><a href="/zwgk/xxgknb/">信息公开年报</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政府信息公开</a> &gt; <a href="/zwgk/xxgknb/">政府信息公开年报</a></div>
<div class="main"><div class="left-menu"><h3>政府信息公开</h3><ul><li><a href="/zwgk/xxgkzn/">政府信息公开指南</a></li><li><a href="/zwgk/xxgkzd/">政府信息公开制度</a></li><li><a href="/zwgk/fdzdgknr/">法定主动公开内容</a></li><li><a href="/zwgk/xxgknb/">政府信息公开年报</a></li></ul></div>
<div class="article">"""
_CHROME_META = """<div class="info"><span>发布时间：{date}</span><span>来源：{site}</span><span>浏览次数：<em id="views">128</em></span>
<span class="font">字号：<a href="javascript:;">大</a> <a href="javascript:;">中</a> <a href="javascript:;">小</a></span></div>"""
_CHROME_FOOT = """</div></div>
<div class="share">分享到：<a href="javascript:;">微信</a> <a href="javascript:;">微博</a> <a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
<div class="related"><h4>相关链接</h4><ul><li><a href="/zwgk/xxgknb/202401/t20240130_1.html">2023年政府信息公开工作年度报告</a></li><li><a href="/zwgk/xxgknb/202301/t20230130_2.html">2022年政府信息公开工作年度报告</a></li></ul></div>
<div class="footer"><p>主办单位：{site}　承办：{site}办公室</p><p>网站标识码：1300000001　<a href="https://beian.miit.gov.cn/">冀ICP备05002345号-1</a>　冀公网安备 13022302000123号</p>
<p>联系电话：0315-7012345　地址：人民路1号</p></div>"""


def _html_table(table: Table) -> str:
    rows: list[list[str]] = [[] for _ in range(table.n_rows)]
    for s in sorted(table.spans, key=lambda s: (s.row, s.col)):
        attrs = (f' rowspan="{s.rowspan}"' if s.rowspan > 1 else "") + (f' colspan="{s.colspan}"' if s.colspan > 1 else "")
        text = html.escape(s.text) if s.text.strip() else "&nbsp;"
        rows[s.row].append(f'<td{attrs} valign="center"><p style="text-align:center"><span style="font-family:{CJK_FONT};'
                           f'font-size:14px">{text}</span></p></td>')
    body = "\n".join(f"<tr>{''.join(cells)}</tr>" for cells in rows)
    return f'<table border="1" cellspacing="0" cellpadding="0" width="100%" style="border-collapse:collapse">\n<tbody>\n{body}\n</tbody></table>'


def _word_html_table(table: Table) -> str:
    """A table as Word's "save as web page" writes it, the markup many older portals paste in."""
    rows: list[list[str]] = [[] for _ in range(table.n_rows)]
    for s in sorted(table.spans, key=lambda s: (s.row, s.col)):
        attrs = (f" rowspan={s.rowspan}" if s.rowspan > 1 else "") + (f" colspan={s.colspan}" if s.colspan > 1 else "")
        lines = s.text.split("\n") if s.text else []
        paras = "".join(f"<p class=MsoNormal align=center style='text-align:center'><span style='font-size:10.5pt;"
                        f"font-family:宋体'>{html.escape(line)}</span></p>" for line in lines)
        paras = paras or "<p class=MsoNormal align=center><span lang=EN-US>&nbsp;</span></p>"
        rows[s.row].append(f"<td width={60 * s.colspan}{attrs} valign=middle style='border:solid windowtext 1.0pt;"
                           f"padding:0cm 5.4pt 0cm 5.4pt'>{paras}</td>")
    body = "\n".join(f"<tr style='height:20.0pt'>{''.join(cells)}</tr>" for cells in rows)
    return (f"<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse;"
            f"border:none'>\n{body}\n</table>")


_LEGACY_PAGE = """<html>
<head>
<meta http-equiv=Content-Type content="text/html; charset={charset}">
<title>{title}</title>
<style>.leftmenu a{{color:#333}} .footer{{font-size:12px}}</style>
</head>
<body topmargin=0>
<table width=1000 border=0 align=center cellpadding=0 cellspacing=0>
<tr><td colspan=2><img src="/images/banner.jpg" width=1000 height=120></td></tr>
<tr><td colspan=2 bgcolor="#1E5AA8"><a href="/">首页</a>　<a href="/zwgk/">政务公开</a>　<a href="/zsyz/">招商引资</a>　<a href="/bmfw/">便民服务</a>　<a href="/hdjl/">互动交流</a></td></tr>
<tr>
<td width=200 valign=top class=leftmenu>
<table width=100%><tr><td><a href="/zwgk/xxgkzn/">信息公开指南</a></td></tr><tr><td><a href="/zwgk/xxgkml/">信息公开目录</a></td></tr>
<tr><td><a href="/zwgk/xxgknb/">信息公开年报</a></td></tr><tr><td><a href="/zwgk/ysqgk/">依申请公开</a></td></tr></table>
</td>
<td width=800 valign=top>
<table width=100% border=0>
<tr><td align=center height=50><font size=5 color="#CC0000"><b>{title}</b></font></td></tr>
<tr><td align=center><font size=2>发布日期：{date}　　来源：{site}　　【<a href="javascript:window.close()">关闭</a>】</font></td></tr>
<tr><td id=content>
{body}
</td></tr>
</table>
</td>
</tr>
<tr><td colspan=2 align=center class=footer>版权所有：{site}　技术支持：某某网络科技有限公司<br>ICP备案号：豫ICP备12003456号</td></tr>
</table>
</body>
</html>
"""


def render_html(doc: Document, encoding: str = "utf-8", chrome: bool = True, meta_charset: str | None = None,
            site: str | None = None, date: str = "2025-01-20", style: str = "cms") -> bytes:
    """A portal article page (or, with chrome=False, just the article fragment) encoded in `encoding`.

    `meta_charset` is what the page claims in `<meta charset>`; pass a different value than
    `encoding` to produce a page that lies about its charset, as some portals do. `style`: "cms"
    (a div-based TRS-like page, CSS-styled tables) or "legacy" (a table-layout page whose article
    tables are Word "save as web page" markup).
    """
    if style == "legacy":
        return _legacy_html(doc, encoding, chrome, meta_charset, site, date)
    title = doc.blocks[0].text if doc.blocks and isinstance(doc.blocks[0], Paragraph) else ""
    site = site or doc.meta.get("agency") or "人民政府"
    parts = []
    for i, block in enumerate(doc.blocks):
        if isinstance(block, Table):
            parts.append(_html_table(block))
        elif i == 0 and chrome:
            continue  # the title sits in the page's <h2>
        elif _is_heading(block, i):
            parts.append(f'<p style="text-indent:2em"><strong>{html.escape(block.text)}</strong></p>')
        else:
            parts.append(f'<p style="text-indent:2em;line-height:1.75"><span style="font-family:{BODY_FONT}">'
                         f"{html.escape(block.text)}</span></p>")
    body = "\n".join(parts)
    if not chrome:
        return body.encode(encoding, errors="xmlcharrefreplace")
    charset = meta_charset or encoding
    page = (f'<!DOCTYPE html>\n<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset={charset}">\n'
            f"<title>{html.escape(title)}_{html.escape(site)}</title>\n"
            '<link rel="stylesheet" href="/css/style.css">\n<script src="/js/jquery.min.js"></script>\n</head>\n<body>\n'
            + _CHROME_HEAD.format(site=html.escape(site))
            + f'\n<h2 class="title">{html.escape(title)}</h2>\n' + _CHROME_META.format(date=date, site=html.escape(site))
            + f'\n<div class="TRS_Editor" id="zoom">\n{body}\n</div>\n' + _CHROME_FOOT.format(site=html.escape(site))
            + "\n<script>var _hmt=_hmt||[];</script>\n</body>\n</html>\n")
    return page.encode(encoding, errors="xmlcharrefreplace")


def _legacy_html(doc: Document, encoding: str, chrome: bool, meta_charset: str | None, site: str | None,
                 date: str) -> bytes:
    title = doc.blocks[0].text if doc.blocks and isinstance(doc.blocks[0], Paragraph) else ""
    site = site or doc.meta.get("agency") or "人民政府"
    parts = []
    for i, block in enumerate(doc.blocks):
        if isinstance(block, Table):
            parts.append(_word_html_table(block))
        elif i == 0 and chrome:
            continue
        else:
            parts.append(f"<p class=MsoNormal style='text-indent:32.0pt'><span style='font-size:16.0pt;"
                         f"font-family:仿宋_GB2312'>{html.escape(block.text)}</span></p>")
    body = "\n".join(parts)
    if not chrome:
        return body.encode(encoding, errors="xmlcharrefreplace")
    page = _LEGACY_PAGE.format(charset=meta_charset or encoding, title=html.escape(title), date=date,
                               site=html.escape(site), body=body)
    return page.encode(encoding, errors="xmlcharrefreplace")


def render_lo_html(doc: Document | bytes, timeout: float = 120) -> bytes:
    """LibreOffice's XHTML export of the DOCX: the markup of reports converted to web pages by office tools."""
    return _from_docx(doc, "html", timeout)


# ------------------------------------------------------------------- DOCX ---
def _set_font(run, name: str, size_pt: float, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _set_widths(t, table: Table, total_cm: float) -> None:
    """Wider columns for long unmerged labels, as real reports have (equal widths squeeze the labels)."""
    from docx.shared import Cm

    def width(text: str) -> float:  # rough cm at 9 pt: CJK 0.35, ASCII 0.2
        return sum(0.2 if ord(ch) < 128 else 0.35 for ch in text) + 0.3

    numeric = re.compile(r"^[\d.+\-]+$")
    value_cols = {s.col for s in table.spans if s.colspan == 1 and numeric.match(s.text)}
    weights = [1.3] * table.n_cols
    for s in table.spans:
        if s.colspan == 1 and (s.col not in value_cols or numeric.match(s.text)):
            weights[s.col] = max(weights[s.col], min(width(s.text), 4.5 if s.rowspan == 1 else 2.0))
    scale = total_cm / sum(weights)
    t.autofit = False
    for i, w in enumerate(weights):
        t.columns[i].width = Cm(w * scale)
        for cell in t.columns[i].cells:
            cell.width = Cm(w * scale)


def _docx_table(document, table: Table) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    n_cols = table.n_cols
    t = document.add_table(rows=table.n_rows, cols=n_cols)
    t.style = "Table Grid"
    size = 8 if n_cols > 10 else 9 if n_cols > 4 else 10.5
    _set_widths(t, table, 17.0)
    for s in table.spans:
        cell = t.cell(s.row, s.col)
        if s.rowspan > 1 or s.colspan > 1:
            cell = cell.merge(t.cell(s.row + s.rowspan - 1, s.col + s.colspan - 1))
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if s.text:
            _set_font(paragraph.add_run(s.text), CJK_FONT, size)


def _page_number_footer(section) -> None:
    """A centred "— N —" footer, as most reports print: extractors must drop it from the text."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("— ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    paragraph.add_run(" —")


def render_docx(doc: Document) -> bytes:
    """A Word document with real tables: merged cells are `w:gridSpan` / `w:vMerge`, A4, 宋体/仿宋_GB2312."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin = section.bottom_margin = Cm(2.5)
    _page_number_footer(section)
    for i, block in enumerate(doc.blocks):
        if isinstance(block, Table):
            _docx_table(document, block)
            continue
        paragraph = document.add_paragraph()
        if i == 0:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _set_font(paragraph.add_run(block.text), "方正小标宋简体", 18)
        elif _is_heading(block, i):
            _set_font(paragraph.add_run(block.text), "黑体", 14)
        else:
            paragraph.paragraph_format.first_line_indent = Cm(0.99)
            _set_font(paragraph.add_run(block.text), BODY_FONT, 14)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# ------------------------------------------------- LibreOffice conversions ---
def _from_docx(doc_or_docx: Document | bytes, target: str, timeout: float) -> bytes:
    data = doc_or_docx if isinstance(doc_or_docx, bytes) else render_docx(doc_or_docx)
    return office.convert(data, "docx", target, timeout=timeout)


def render_doc(doc: Document | bytes, timeout: float = 120) -> bytes:
    """Word 97 binary (OLE2), via LibreOffice from the DOCX (a DOCX may be passed to skip re-rendering)."""
    return _from_docx(doc, "doc", timeout)


def render_wps(doc: Document | bytes, timeout: float = 120) -> bytes:
    """What portals publish as `.wps`: a Word-97 binary (see the module docstring)."""
    return render_doc(doc, timeout)


def render_odt(doc: Document | bytes, timeout: float = 120) -> bytes:
    return _from_docx(doc, "odt", timeout)


def render_rtf(doc: Document | bytes, timeout: float = 120) -> bytes:
    return _from_docx(doc, "rtf", timeout)


def render_pdf(doc: Document | bytes, timeout: float = 120) -> bytes:
    """A PDF with a text layer, exported by LibreOffice from the DOCX (CJK fonts substituted by Noto/WenQuanYi)."""
    return _from_docx(doc, "pdf", timeout)


# ------------------------------------------------------------------ scans ---
def _page_images(pdf_bytes: bytes, dpi: int = 200, pages: list[int] | None = None):
    """PIL images (greyscale) of the PDF's pages."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        indices = pages if pages is not None else range(len(pdf))
        return [pdf[i].render(scale=dpi / 72).to_pil().convert("L") for i in indices]
    finally:
        pdf.close()


def degrade(image, skew_degrees: float = 0.0, noise: float = 0.0, seed: int = 0, blur: float = 0.0,
            paper: int = 255):
    """A scanner's look: rotation, grey paper, Gaussian noise (sigma in grey levels) and blur."""
    import numpy as np
    from PIL import ImageFilter

    if skew_degrees:
        image = image.rotate(skew_degrees, resample=3, expand=False, fillcolor=255)
    if paper < 255 or noise:
        arr = np.asarray(image, dtype=np.float32)
        arr = arr * (paper / 255.0)
        if noise:
            arr += np.random.default_rng(seed).normal(0, noise, arr.shape)
        from PIL import Image

        image = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    return image


def render_scanned_pdf(pdf_bytes: bytes, dpi: int = 200, skew_degrees: float = 0.0, noise: float = 0.0, seed: int = 0,
                   pages: list[int] | None = None, jpeg_quality: int = 85, blur: float = 0.0) -> bytes:
    """An image-only PDF (no text layer) as a scanner would produce from the printed PDF."""
    import img2pdf

    images = []
    for i, page in enumerate(_page_images(pdf_bytes, dpi, pages)):
        page = degrade(page, skew_degrees, noise, seed + i, blur, paper=235 if noise else 255)
        buf = io.BytesIO()
        page.save(buf, "JPEG", quality=jpeg_quality, dpi=(dpi, dpi))
        images.append(buf.getvalue())
    layout = img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))
    return img2pdf.convert(images, layout_fun=layout)


def render_mixed_pdf(pdf_bytes: bytes, scanned_pages: list[int], **scan_options) -> bytes:
    """The PDF with some pages replaced by scans of themselves (text layer gone on those pages only)."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(pdf_bytes)
    scans = {i: pdfium.PdfDocument(render_scanned_pdf(pdf_bytes, pages=[i], **scan_options)) for i in scanned_pages}
    out = pdfium.PdfDocument.new()
    try:
        for i in range(len(src)):
            out.import_pages(scans[i] if i in scans else src, [0] if i in scans else [i])
        buf = io.BytesIO()
        out.save(buf)
        return buf.getvalue()
    finally:
        out.close()
        for doc in scans.values():
            doc.close()
        src.close()


def render_png(pdf_bytes: bytes, page: int = 0, dpi: int = 200, skew_degrees: float = 0.0, noise: float = 0.0,
           seed: int = 0) -> bytes:
    """One page as a PNG image attachment."""
    image = degrade(_page_images(pdf_bytes, dpi, [page])[0], skew_degrees, noise, seed)
    buf = io.BytesIO()
    image.save(buf, "PNG", dpi=(dpi, dpi))
    return buf.getvalue()


# ----------------------------------------------------------- spreadsheets ---
def _sheet_layout(doc: Document, with_prose: bool):
    """(row offset, block) pairs: paragraphs one per row, tables as grids, a blank row around each table."""
    r = 0
    for i, block in enumerate(doc.blocks):
        if isinstance(block, Table):
            if r:
                r += 1
            yield r, block
            r += block.n_rows + 1
        elif with_prose or i == 0 or _is_heading(block, i):
            yield r, block
            r += 1


def render_xlsx(doc: Document, with_prose: bool = False) -> bytes:
    """One sheet: title and headings in single cells, each table a block of merged ranges, blank rows between."""
    import openpyxl
    from openpyxl.styles import Alignment, Border, Side

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "年报"
    thin = Side(style="thin")
    for r0, block in _sheet_layout(doc, with_prose):
        if isinstance(block, Paragraph):
            ws.cell(r0 + 1, 1, block.text)
            continue
        for s in block.spans:
            cell = ws.cell(r0 + s.row + 1, s.col + 1, s.text if s.text else None)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = Border(thin, thin, thin, thin)
            if s.rowspan > 1 or s.colspan > 1:
                ws.merge_cells(start_row=r0 + s.row + 1, start_column=s.col + 1,
                               end_row=r0 + s.row + s.rowspan, end_column=s.col + s.colspan)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def render_xls(doc: Document, with_prose: bool = False) -> bytes:
    """The same sheet as `render_xlsx`, as an Excel 97 workbook written by xlwt (`write_merge`)."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("年报")
    style = xlwt.easyxf("align: horiz center, vert center, wrap on; borders: left thin, right thin, top thin, bottom thin")
    for r0, block in _sheet_layout(doc, with_prose):
        if isinstance(block, Paragraph):
            ws.write(r0, 0, block.text)
            continue
        for s in block.spans:
            if s.rowspan > 1 or s.colspan > 1:
                ws.write_merge(r0 + s.row, r0 + s.row + s.rowspan - 1, s.col, s.col + s.colspan - 1, s.text, style)
            else:
                ws.write(r0 + s.row, s.col, s.text, style)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
