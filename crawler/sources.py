"""The source registry: which report columns to crawl (``crawler/sources.csv``).

A CSV with a header. Required columns: ``id, name, url, platform``; optional ``division_code`` (GB/T 2260, six
digits), ``level``, ``hosts`` (extra host names the source may use, separated by spaces, e.g. a file server)
and ``note``. Unknown columns are kept in ``Source.extra``. ``load_sources`` reports every problem of a file
at once, with its line number, as a ``SourceError``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

PLATFORMS = ("trs", "hanweb", "gkmlpt", "vsb", "generic", "trsapi", "xxgk", "eportal", "aspnet", "browser", "auto")
REQUIRED = ("id", "name", "url", "platform")
OPTIONAL = ("division_code", "level", "hosts", "note")
DEFAULT_REGISTRY = Path(__file__).with_name("sources.csv")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
_DIVISION = re.compile(r"^\d{6}$")
_IP = re.compile(r"^(?:\d{1,3}\.){3}\d{1,3}$|:")


class SourceError(ValueError):
    """A source registry that cannot be used; the message lists every problem with its line."""


@dataclass(frozen=True)
class Source:
    id: str
    name: str
    url: str
    platform: str
    division_code: str = ""
    level: str = ""
    hosts: tuple[str, ...] = ()
    note: str = ""
    extra: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def netloc(self) -> str:
        return normalise_netloc(self.url)

    def allowed_netlocs(self) -> set[str]:
        return {self.netloc, *(normalise_netloc(h if "//" in h else "http://" + h) for h in self.hosts)}

    def in_scope(self, url: str) -> bool:
        """Is a URL on this source's own hosts? The column's host (same port), its subdomains and the name
        without ``www.`` (``www.lg.gov.cn`` → ``lg.gov.cn``, ``zwgk.lg.gov.cn``), and the registry's ``hosts``.
        A bare IP address allows only itself (host and port)."""
        netloc = normalise_netloc(url)
        if netloc in self.allowed_netlocs():
            return True
        own = urlsplit(self.url)
        host = (urlsplit(url).hostname or "").lower()
        base = (own.hostname or "").lower()
        if not host or _IP.match(base) or netloc.partition(":")[2] != self.netloc.partition(":")[2]:
            return False
        base = base.removeprefix("www.")
        return host == base or host.endswith("." + base)


def normalise_netloc(url: str) -> str:
    """host[:port] in lower case, without the default port of the scheme."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is None or (parts.scheme == "http" and port == 80) or (parts.scheme == "https" and port == 443):
        return host
    return f"{host}:{port}"


def valid_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in url


def _rows_with_lines(text: str) -> tuple[list[list[str]], list[int]]:
    """CSV rows without comment and blank lines, each with the line an editor shows it starting on (a quoted
    field may span lines: the rows after it keep their own numbers)."""
    kept = [(i + 1, line) for i, line in enumerate(text.splitlines()) if line.strip() and not line.lstrip().startswith("#")]
    handed: list[int] = []

    def feed():
        for number, line in kept:
            handed.append(number)
            yield line + "\n"

    reader = csv.reader(feed())
    rows, starts = [], []
    while True:
        before = len(handed)
        try:
            row = next(reader)
        except StopIteration:
            break
        rows.append(row)
        starts.append(handed[before] if before < len(handed) else handed[-1])
    return rows, starts


def load_sources(path: str | Path, *, require_division: bool = False) -> list[Source]:
    """Read and check a registry; raise ``SourceError`` naming every bad line."""
    path = Path(path)
    if not path.exists():
        raise SourceError(f"{path}: no such source registry")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path}: not UTF-8 ({exc})") from None
    rows, line_numbers = _rows_with_lines(text)
    if not rows:
        raise SourceError(f"{path}: empty source registry")
    header = [h.strip().lower() for h in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise SourceError(f"{path}: header lacks column(s) {', '.join(missing)} (has: {', '.join(header)})")
    problems: list[str] = []
    sources: list[Source] = []
    seen: dict[str, int] = {}
    for row, lineno in zip(rows[1:], line_numbers[1:]):
        where = f"{path}:{lineno}"
        if len(row) != len(header):
            problems.append(f"{where}: {len(row)} fields, the header has {len(header)}")
            continue
        rec = {h: v.strip() for h, v in zip(header, row)}
        sid, url, platform = rec["id"], rec["url"], rec["platform"].lower()
        errs = []
        if not _ID.match(sid):
            errs.append(f"bad id {sid!r} (letters, digits, . _ -)")
        elif sid in seen:
            errs.append(f"duplicate id {sid!r} (first on line {seen[sid]})")
        if not rec["name"]:
            errs.append("empty name")
        if not valid_url(url):
            errs.append(f"bad url {url!r} (need http(s)://host/…)")
        if platform not in PLATFORMS:
            errs.append(f"unknown platform {rec['platform']!r} (one of {', '.join(PLATFORMS)})")
        code = rec.get("division_code", "")
        if code and not _DIVISION.match(code):
            errs.append(f"division_code {code!r} is not six digits (GB/T 2260)")
        elif require_division and not code:
            errs.append("missing division_code")
        hosts = tuple(h for h in rec.get("hosts", "").split() if h)
        for h in hosts:
            if not valid_url(h if "//" in h else "http://" + h):
                errs.append(f"bad host {h!r}")
        if errs:
            problems.extend(f"{where}: {e}" for e in errs)
            continue
        seen[sid] = lineno
        extra = {k: v for k, v in rec.items() if k not in REQUIRED and k not in OPTIONAL}
        sources.append(Source(id=sid, name=rec["name"], url=url, platform=platform, division_code=code,
                              level=rec.get("level", ""), hosts=hosts, note=rec.get("note", ""), extra=extra))
    if problems:
        raise SourceError("bad source registry:\n  " + "\n  ".join(problems))
    if not sources:
        raise SourceError(f"{path}: no sources")
    return sources
