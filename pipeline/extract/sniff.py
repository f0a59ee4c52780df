"""Decide a file's type from its bytes (magic numbers, OLE2 streams, zip members), never from its name."""

from __future__ import annotations

import io
import re
import zipfile

from .errors import ExtractionError
from .limits import Limits

IMAGE_MAGIC = [(b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"), (b"GIF87a", "gif"), (b"GIF89a", "gif"),
               (b"BM", "bmp"), (b"II*\x00", "tiff"), (b"MM\x00*", "tiff")]
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_HINT = re.compile(rb"<\s*(!doctype\s+html|html|head|body|meta|table|div|p|title)\b", re.I)

# name extension -> types whose bytes are acceptable under that name. Portals publish .doc files that
# are RTF, HTML or DOCX, .wps files that are Word binaries, and .xls files that are HTML tables.
# What a file name's extension allows the bytes to be. Server-script names (download.jsp, downfile.jsp,
# .asp, .php, .do) say nothing about what they send, so they are not listed and never refused.
COMPATIBLE = {
    "doc": {"doc", "wps", "rtf", "html", "docx", "text"},
    "wps": {"doc", "wps", "docx", "rtf"},
    "docx": {"docx", "doc"},
    "rtf": {"rtf", "doc"},
    "odt": {"odt"},
    "ods": {"ods"},
    "pdf": {"pdf"},
    "xls": {"xls", "xlsx", "html"},
    "xlsx": {"xlsx", "xls"},
    "html": {"html", "text"}, "htm": {"html", "text"}, "shtml": {"html", "text"},
    "txt": {"text", "html"},
    "png": {"image"}, "jpg": {"image"}, "jpeg": {"image"}, "gif": {"image"}, "bmp": {"image"},
    "tif": {"image"}, "tiff": {"image"},
}


def _ole_type(data: bytes, filename: str | None) -> str:
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:  # olefile re-raises a parsing defect as whatever it was (struct.error, IndexError…)
        raise ExtractionError(f"corrupt OLE2 (Word/Excel 97) file: {exc}") from None
    try:
        streams = {"/".join(entry).lower() for entry in ole.listdir()}
        try:
            creator = ole.get_metadata().creating_application
        except OSError:  # olefile.OleFileError: a broken property stream; the creator is only a hint (WPS or Word)
            creator = None
        app = creator.decode("latin-1").lower() if isinstance(creator, bytes) else ""
    finally:
        ole.close()
    if "encryptedpackage" in streams or "encryptioninfo" in streams:
        raise ExtractionError("password-protected Office document")
    if "worddocument" in streams:
        if "wps" in app or "kingsoft" in app or (filename or "").lower().endswith(".wps"):
            return "wps"
        return "doc"
    if "workbook" in streams or "book" in streams:
        return "xls"
    if "powerpoint document" in streams:
        raise ExtractionError("unsupported file type: PowerPoint presentation")
    raise ExtractionError("unsupported OLE2 file (no Word or Excel stream)")


def check_zip(zf: zipfile.ZipFile, limits: Limits, what: str) -> None:
    """Refuse zip bombs from the central directory, before decompressing anything."""
    infos = zf.infolist()
    if len(infos) > limits.max_zip_members:
        raise ExtractionError(f"{what} has {len(infos)} zip members (limit {limits.max_zip_members})")
    total = sum(i.file_size for i in infos)
    if total > limits.max_unzipped_bytes:
        raise ExtractionError(f"{what} unpacks to {total // 2**20} MB (limit {limits.max_unzipped_bytes // 2**20} MB): "
                              "zip bomb?")
    for i in infos:
        if i.file_size > 1_000_000 and i.compress_size and i.file_size / i.compress_size > limits.max_zip_ratio:
            raise ExtractionError(f"{what} member {i.filename} is compressed {i.file_size // i.compress_size}:1: zip bomb?")


def _zip_type(data: bytes, limits: Limits) -> str:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ExtractionError(f"corrupt or truncated zip container: {exc}") from None
    with zf:
        kind = ("docx" if "word/document.xml" in names else "xlsx" if "xl/workbook.xml" in names
                else "odt" if "mimetype" in names else None)
        if kind == "odt":
            mimetype = zf.read("mimetype")[:100]
            kind = ("odt" if b"opendocument.text" in mimetype else
                    "ods" if b"opendocument.spreadsheet" in mimetype else None)
        if kind is None:
            raise ExtractionError("unsupported zip file (not DOCX, XLSX, ODT or ODS)")
        check_zip(zf, limits, kind.upper())
    return kind


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for enc in ("utf-8", "gb18030"):
        try:
            text = head.decode(enc)
        except UnicodeDecodeError as exc:
            if exc.start > len(head) - 4:  # cut inside a multi-byte character
                return True
            continue
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
        return controls <= len(text) // 100
    return False


def sniff(data: bytes, filename: str | None = None, limits: Limits | None = None) -> str:
    """One of html, mht, docx, doc, wps, rtf, odt, ods, pdf, xls, xlsx, image, text; ExtractionError otherwise."""
    limits = limits or Limits()
    if not data:
        raise ExtractionError("empty file")
    head = data[:4096]
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if data.startswith(OLE_MAGIC):
        return _ole_type(data, filename)
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data, limits)
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if stripped.startswith(b"{\\rtf"):
        return "rtf"
    for magic, _ in IMAGE_MAGIC:
        if data.startswith(magic):
            return "image"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image"
    if stripped[:12].lower().startswith(b"mime-version") and b"text/html" in data[:20000].lower():
        return "mht"
    if _HTML_HINT.search(head) and _looks_like_text(head):
        return "html"
    if _looks_like_text(head):
        return "text"
    raise ExtractionError("unrecognised file type (not a document, spreadsheet, PDF or image)")


def check_name(kind: str, filename: str | None) -> None:
    """A file whose bytes contradict its name is refused: it is usually an error page or a wrong attachment."""
    if not filename or "." not in filename:
        return
    ext = filename.rsplit(".", 1)[1].lower()
    allowed = COMPATIBLE.get(ext)
    family = "html" if kind == "mht" else kind
    if allowed is not None and family not in allowed:
        raise ExtractionError(f"type does not match the name: {filename!r} holds {kind.upper()} data")
