"""Decode Chinese portal pages right, even when the declared charset lies.

Portals declare ``gb2312`` and send GBK/GB18030, or declare ``utf-8`` and send GBK. The bytes decide:

1. bytes that are valid UTF-8 are UTF-8 (GBK text with Chinese in it is practically never valid UTF-8);
2. otherwise the declared charset (header, then ``<meta>``), decoded *strictly*, GB2312/GBK widened to
   GB18030 (its superset);
3. otherwise GB18030 strictly, then charset-normalizer's best guess, then GB18030 with replacement.
"""

from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-:.]+)", re.IGNORECASE)
_WIDEN = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
          "euc-cn": "gb18030", "hz-gb-2312": "gb18030"}


def canonical_codec(name: str | None) -> str | None:
    """A Python codec name for a declared charset, GB family widened to gb18030; None if unknown."""
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    if name in _WIDEN:
        return _WIDEN[name]
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return _WIDEN.get(codec, codec)


def declared_charsets(body: bytes, content_type: str | None) -> list[str]:
    found: list[str] = []
    if content_type:
        m = _HEADER_CHARSET.search(content_type)
        if m:
            found.append(m.group(1))
    m = _META_CHARSET.search(body[:4096])
    if m:
        found.append(m.group(1).decode("ascii", "ignore"))
    return found


def _strict(body: bytes, codec: str) -> bool:
    try:
        body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def detect_encoding(body: bytes, content_type: str | None = None) -> str:
    """The codec that decodes these bytes correctly (see module docstring)."""
    if body.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if _strict(body, "utf-8"):
        return "utf-8"
    for name in declared_charsets(body, content_type):
        codec = canonical_codec(name)
        if codec and codec not in ("utf-8",) and _strict(body, codec):
            return codec
    if _strict(body, "gb18030"):
        return "gb18030"
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(body).best()
        if best is not None and best.encoding:
            return canonical_codec(best.encoding) or best.encoding
    except Exception:  # pragma: no cover - detection is a best effort
        pass
    return "gb18030"


def decode_body(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """(text, codec) for the bytes of an HTML/text/JSON document."""
    codec = detect_encoding(body, content_type)
    return body.decode(codec, errors="replace"), codec
