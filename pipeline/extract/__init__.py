"""Extraction: every format portals publish, read into the block model (docs/CONTRACTS.md).

`extract_bytes(data, filename=None)` sniffs the type from the bytes (the name is only checked for
consistency), routes to one extractor per format and returns a `Document` whose meta says what
was found (`sniffed_type`, `extractor`, `pages`, `ocr`, `encoding`, `warnings`). Every failure is an
`ExtractionError` with a reason.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..blocks import Document, Paragraph
from .errors import ExtractionError
from .limits import Limits
from .sniff import check_name, sniff

__all__ = ["extract_file", "extract_bytes", "ExtractionError", "Limits", "sniff"]


def to_docx(data: bytes, ext: str, limits: Limits) -> tuple[bytes, str]:
    """LibreOffice conversion to DOCX: a kept worker when NIANBAO_LIBREOFFICE=warm and python3-uno is
    there (~0.3-0.5 s per file), else one soffice per file (~1 s). Returns (docx, how)."""
    from . import office

    if os.environ.get("NIANBAO_LIBREOFFICE") == "warm":
        from .office_warm import available, convert_warm

        if available():
            return convert_warm(data, ext, "docx", timeout=limits.timeout_seconds), "libreoffice-warm"
    converted = office.convert(data, ext, "docx", timeout=limits.timeout_seconds, memory_mb=limits.max_memory_mb)
    return converted, "libreoffice"


def _office(data: bytes, kind: str, limits: Limits) -> Document:
    from .docx import extract_docx

    converted, how = to_docx(data, {"wps": "doc"}.get(kind, kind), limits)
    doc = extract_docx(converted, limits)
    doc.meta["extractor"] = f"{how}+docx"
    return doc


def _ods(data: bytes, limits: Limits) -> Document:
    from . import office
    from .sheets import extract_xlsx

    converted = office.convert(data, "ods", "xlsx", timeout=limits.timeout_seconds, memory_mb=limits.max_memory_mb)
    return extract_xlsx(converted, limits)


def _text(data: bytes, limits: Limits) -> Document:
    from .html import decode

    text, encoding, warnings = decode(data)
    if not text.strip():
        raise ExtractionError("text file is empty")
    # One paragraph holding the text as it is: its tabs and blank lines are how a text export lays out
    # table cells, and the parser reads them (pipeline/rows.py).
    return Document([Paragraph(text)], {"encoding": encoding, "warnings": warnings})


def _mht(data: bytes, limits: Limits) -> Document:
    """MIME HTML ("Web page, single file", often published as .doc): its text/html part."""
    import email
    from email import policy

    from .html import extract_html

    msg = email.message_from_bytes(data, policy=policy.default)
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            return extract_html(part.get_payload(decode=True) or b"", limits)
    raise ExtractionError("MIME HTML file without an HTML part")


def _pdf(data: bytes, limits: Limits) -> Document:
    from .pdf import extract_pdf

    def ocr_page(pdf_bytes: bytes, index: int):
        from .ocr import ocr_pdf_page

        return ocr_pdf_page(pdf_bytes, index)

    doc = extract_pdf(data, limits, ocr_page)
    doc.meta["extractor"] = "pdfplumber+ocr" if doc.meta.get("ocr") else "pdfplumber"
    return doc


def _image(data: bytes, limits: Limits) -> Document:
    from .ocr import ocr_image_bytes

    blocks = ocr_image_bytes(data, limits.max_image_pixels)
    if not blocks:
        raise ExtractionError("no text found in the image")
    return Document(blocks, {"pages": 1, "ocr": True, "warnings": []})


def _route(kind: str):
    from . import docx, html, sheets

    return {
        "html": (lambda d, lim: html.extract_html(d, lim), "html"),
        "mht": (_mht, "html"),
        "docx": (docx.extract_docx, "docx"),
        "doc": (lambda d, lim: _office(d, "doc", lim), None),
        "wps": (lambda d, lim: _office(d, "wps", lim), None),
        "rtf": (lambda d, lim: _office(d, "rtf", lim), None),
        "odt": (lambda d, lim: _office(d, "odt", lim), None),
        "pdf": (_pdf, None),
        "xlsx": (sheets.extract_xlsx, "openpyxl"),
        "ods": (_ods, "libreoffice+openpyxl"),
        "xls": (sheets.extract_xls, "xlrd"),
        "image": (_image, "rapidocr"),
        "text": (_text, "text"),
    }[kind]


def extract_bytes(data: bytes, filename: str | None = None, content_type: str | None = None,
                  limits: Limits | None = None) -> Document:
    """Read a document from its bytes. `content_type` is recorded only: servers often send the wrong one."""
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        raise ExtractionError(f"file larger than {limits.max_bytes // 2**20} MB")
    kind = sniff(data, filename, limits)
    check_name(kind, filename)
    extractor, name = _route(kind)
    doc = extractor(data, limits)
    meta = doc.meta
    meta.setdefault("warnings", [])
    meta.setdefault("ocr", False)
    if kind == "pdf" and meta.get("ocr") and all(
            isinstance(b, Paragraph) or b.page in meta.get("ocr_pages", []) for b in doc.blocks):
        meta["sniffed_type"] = "pdf-scanned"
    else:
        meta["sniffed_type"] = "html" if kind == "mht" else kind
    if name:
        meta["extractor"] = name
    if content_type:
        meta["content_type"] = content_type
    if not doc.text().strip():
        raise ExtractionError(f"{kind.upper()} has no text")
    return doc


def extract_file(path: str | os.PathLike, limits: Limits | None = None) -> Document:
    """Read a document from disk; the size limit is checked before the file is read."""
    limits = limits or Limits()
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ExtractionError(f"cannot read {path.name}: {exc.strerror}") from None
    if size > limits.max_bytes:
        raise ExtractionError(f"file larger than {limits.max_bytes // 2**20} MB")
    with open(path, "rb") as fh:
        data = fh.read(limits.max_bytes + 1)
    return extract_bytes(data, path.name, limits=limits)
