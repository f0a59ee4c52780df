"""Reading a plain-text report: decoding and refusing what is not text."""

from __future__ import annotations

import codecs

MAX_TEXT_BYTES = 20 * 1024 * 1024


class NotText(ValueError):
    """The bytes are not a readable text document; the message says why."""


def decode_text(data: bytes, max_bytes: int = MAX_TEXT_BYTES) -> str:
    if not data.strip():
        raise NotText("empty file")
    if len(data) > max_bytes:
        raise NotText(f"file too large for a report: {len(data) / 1e6:.1f} MB (limit {max_bytes / 1e6:.0f} MB)")
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding)
    if b"\x00" in data[:4096]:
        raise NotText("binary data, not text (NUL bytes)")
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise NotText("not text: the bytes decode neither as UTF-8 nor as GB18030")
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > max(8, len(text[:65536]) // 100):
        raise NotText("binary data, not text (control characters)")
    return text
