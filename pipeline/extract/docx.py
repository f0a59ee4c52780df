"""DOCX: the body XML walked in order; tables as exact spans from gridSpan / vMerge / gridBefore.

The XML is parsed by lxml with entity resolution, DTD loading and network access off, and a
document type declaration is refused outright (OOXML never has one: it can only be an XXE attempt).
The zip's central directory is checked for bombs before anything is decompressed.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from ..blocks import Document, Paragraph, Span, Table
from .errors import ExtractionError
from .limits import Limits
from .sniff import check_zip

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_comments=True)
# Elements that only wrap content: content controls, custom XML, smart tags, tracked insertions.
_WRAPPERS = {W + "sdt", W + "sdtContent", W + "customXml", W + "smartTag", W + "ins", W + "moveTo", W + "hyperlink",
             W + "fldSimple", W + "dir", W + "bdo"}


def safe_xml(raw: bytes, what: str) -> etree._Element:
    head = raw[:2000]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in raw[:100_000]:
        raise ExtractionError(f"{what} declares XML entities (a DOCTYPE): refused, external entities are never resolved")
    try:
        return etree.fromstring(raw, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ExtractionError(f"corrupt {what}: {exc}") from None


def read_member(zf: zipfile.ZipFile, name: str, limits: Limits) -> bytes:
    info = zf.getinfo(name)
    if info.file_size > limits.max_unzipped_bytes:
        raise ExtractionError(f"{name} unpacks to {info.file_size // 2**20} MB: zip bomb?")
    with zf.open(info) as fh:
        data = fh.read(limits.max_unzipped_bytes + 1)
    if len(data) > limits.max_unzipped_bytes:
        raise ExtractionError(f"{name} unpacks beyond its declared size: zip bomb?")
    return data


def _run_text(node: etree._Element) -> str:
    out = []
    for el in node.iter(W + "t", W + "tab", W + "br", W + "cr", W + "noBreakHyphen", W + "sym"):
        tag = el.tag
        if tag == W + "t":
            out.append(el.text or "")
        elif tag == W + "tab":
            # w:tab also appears as a tab-stop definition inside w:pPr/w:tabs: not text
            if el.getparent() is not None and el.getparent().tag != W + "tabs":
                out.append("\t")
        elif tag in (W + "br", W + "cr"):
            out.append("\n")
        elif tag == W + "noBreakHyphen":
            out.append("-")
    return "".join(out)


def _paragraph_text(p: etree._Element) -> str:
    return _run_text(p).strip()


def _children(node: etree._Element, tag: str):
    """Direct children with this tag, looking through wrapper elements (w:sdt, w:customXml …)."""
    for child in node:
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, tag)


def _val(el: etree._Element | None, default=None):
    return default if el is None else el.get(W + "val", default)


def _cell_text(tc: etree._Element, limits: Limits) -> str:
    parts = []
    for block in _body_blocks(tc, limits):
        parts.append(block.text if isinstance(block, Paragraph) else block.text())
    return "\n".join(p for p in parts if p)


def docx_table(tbl: etree._Element, limits: Limits) -> Table:
    spans: list[list] = []  # [row, col, rowspan, colspan, text]
    open_v: dict[int, list] = {}  # grid col -> span still open for vMerge continue
    n_cells = 0
    for r, tr in enumerate(_children(tbl, W + "tr")):
        trpr = tr.find(W + "trPr")
        col = int(_val(trpr.find(W + "gridBefore") if trpr is not None else None, 0) or 0)
        for tc in _children(tr, W + "tc"):
            tcpr = tc.find(W + "tcPr")
            span = int(_val(tcpr.find(W + "gridSpan") if tcpr is not None else None, 1) or 1)
            span = max(1, min(span, 1000))
            vmerge = tcpr.find(W + "vMerge") if tcpr is not None else None
            n_cells += span
            if n_cells > limits.max_table_cells:
                raise ExtractionError(f"DOCX table larger than {limits.max_table_cells} cells")
            if vmerge is not None and _val(vmerge, "continue") != "restart" and col in open_v \
                    and open_v[col][3] == span:
                cont = open_v[col]
                cont[2] = r - cont[0] + 1
                extra = _cell_text(tc, limits)
                if extra:
                    cont[4] = (cont[4] + "\n" + extra).strip()
            else:
                cell = [r, col, 1, span, _cell_text(tc, limits)]
                spans.append(cell)
                for c in range(col, col + span):
                    open_v.pop(c, None)
                if vmerge is not None:
                    open_v[col] = cell
            col += span
    return Table([Span(*s) for s in spans])


def _body_blocks(node: etree._Element, limits: Limits) -> list:
    blocks: list = []
    for child in node:
        tag = child.tag
        if tag == W + "p":
            text = _paragraph_text(child)
            if text:
                blocks.append(Paragraph(text))
        elif tag == W + "tbl":
            table = docx_table(child, limits)
            if table.spans:
                blocks.append(table)
        elif tag in _WRAPPERS:
            blocks.extend(_body_blocks(child, limits))
    return blocks


def extract_docx(data: bytes, limits: Limits) -> Document:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ExtractionError(f"corrupt DOCX: {exc}") from None
    with zf:
        check_zip(zf, limits, "DOCX")
        try:
            raw = read_member(zf, "word/document.xml", limits)
        except KeyError:
            raise ExtractionError("corrupt DOCX: no word/document.xml") from None
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:  # truncated or bad CRC
            raise ExtractionError(f"corrupt DOCX: {exc}") from None
        root = safe_xml(raw, "DOCX document.xml")
    body = root.find(W + "body")
    if body is None:
        raise ExtractionError("corrupt DOCX: document.xml has no body")
    blocks = _body_blocks(body, limits)
    if not blocks:
        raise ExtractionError("DOCX has no text")
    return Document(blocks, {"warnings": []})
