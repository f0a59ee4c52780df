"""Which codec a page's bytes are in: the one charset detector of the crawler and the extraction.

Chinese portals declare ``gb2312`` and send GBK/GB18030, or declare ``utf-8`` and send GBK. The bytes decide:

1. a byte-order mark (UTF-8, UTF-16);
2. bytes that are valid UTF-8 are UTF-8 (GBK text with Chinese in it is practically never valid UTF-8);
3. otherwise the charsets the caller trusts, in its order, decoded *strictly*, GB2312/GBK widened to GB18030
   (their superset);
4. otherwise GB18030 strictly, then charset-normalizer's best guess, then GB18030 with replacement.

The crawler (``CharsetMiddleware``, ``detect_encoding``) trusts what a page declares (the ``Content-Type``
header, then ``<meta>``); the extraction (``pipeline.extract.html.decode``) trusts no declaration — it goes
from UTF-8 straight to GB18030 — and only reports one that disagrees with the bytes.
"""

from __future__ import annotations

import codecs
import re
from typing import Iterable, NamedTuple

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-:.]+)", re.IGNORECASE)
_WIDEN = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
          "euc-cn": "gb18030", "hz-gb-2312": "gb18030"}
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class Decoded(NamedTuple):
    text: str
    codec: str
    # What settled the codec: "bom", "strict" (every byte decodes) or "guess" (charset-normalizer or the
    # GB18030 fallback; the text has replacement characters).
    basis: str


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


def declared_charsets(body: bytes, content_type: str | None = None) -> list[str]:
    """The charsets a document claims, as written: the ``Content-Type`` header's, then its ``<meta>`` tag's."""
    found: list[str] = []
    if content_type:
        m = _HEADER_CHARSET.search(content_type)
        if m:
            found.append(m.group(1))
    m = _META_CHARSET.search(body[:4096])
    if m:
        found.append(m.group(1).decode("ascii", "ignore"))
    return found


def _strict(body: bytes, codec: str) -> str | None:
    """The text if ``codec`` decodes every byte, else None."""
    try:
        return body.decode(codec)
    except UnicodeError:  # the bytes are not in this codec (UnicodeDecodeError, or a codec's own UnicodeError)
        return None
    except LookupError:  # a declared "charset" that is a bytes-to-bytes codec (base64, zlib): not this one
        return None


def decode(body: bytes, trusted: Iterable[str] = ()) -> Decoded:
    """The text of these bytes and the codec they are in (see the module docstring); ``trusted`` are the
    declared charsets to try after UTF-8 and before GB18030."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return Decoded(body.decode(codec, "replace"), codec, "bom")
    candidates = ["utf-8"]
    for name in trusted:
        codec = canonical_codec(name)
        if codec and codec not in candidates:
            candidates.append(codec)
    if "gb18030" not in candidates:
        candidates.append("gb18030")
    for codec in candidates:
        text = _strict(body, codec)
        if text is not None:
            return Decoded(text, codec, "strict")
    best = from_bytes(body).best()
    codec = (canonical_codec(best.encoding) or best.encoding) if best is not None and best.encoding else "gb18030"
    return Decoded(body.decode(codec, "replace"), codec, "guess")


def detect_encoding(body: bytes, content_type: str | None = None) -> str:
    """The codec that decodes a fetched page correctly, trusting what the page declares after UTF-8."""
    return decode(body, declared_charsets(body, content_type)).codec


def decode_body(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """(text, codec) for the bytes of a fetched HTML/text/JSON document (``detect_encoding``'s codec)."""
    text, codec, _ = decode(body, declared_charsets(body, content_type))
    return text, codec
