"""Serving the farm over real HTTP on loopback: one threaded server per site, each on its own port.

`run_farm(workdir, seed=0)` binds every site to a free port (or `port_base + i`), builds the
sites with those base URLs, writes `manifest.json` and `sources.csv` into `workdir`, serves in
background threads and shuts everything down when the `with` block ends.

The stdlib `ThreadingHTTPServer` is enough: the farm serves pre-built bytes from memory, a
crawler opens at most a few connections per host, and it needs no dependency. It speaks
HTTP/1.1 with keep-alive, answers conditional GETs (ETag / Last-Modified -> 304), HEAD, 302s
and 404s, and sleeps for the pages marked slow.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import email.utils
import gzip
import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qsl, urlsplit

from farm.model import Request, Resource, SiteContent, route_key

NOT_FOUND_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>404 页面不存在</title></head>
<body><div style="text-align:center;margin-top:80px;"><h1>404</h1><p>抱歉，您访问的页面不存在或已被删除。</p>
<p><a href="/">返回首页</a></p></div></body></html>""".encode("utf-8")


@dataclass
class SiteInfo:
    id: str
    name: str
    platform: str
    base_url: str
    column_url: str
    division_code: str
    level: str


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int) -> None:
        super().__init__(("127.0.0.1", port), SiteHandler)
        self.content: SiteContent | None = None
        self.log: list[tuple[str, str, int]] = []
        self.log_lock = threading.Lock()


_COMPRESSIBLE = {"text/html", "text/xml", "text/css", "text/plain", "application/json", "application/javascript"}
_GZIP_LOCK = threading.Lock()
_GZIP_CACHE: dict[int, tuple[bytes, bytes]] = {}


def _gzipped(res: Resource) -> bytes:
    """The resource's body gzipped (deterministically: mtime 0), computed once per body."""
    with _GZIP_LOCK:
        hit = _GZIP_CACHE.get(id(res))
        if hit is not None and hit[0] is res.body:
            return hit[1]
    data = gzip.compress(res.body, mtime=0)
    with _GZIP_LOCK:
        _GZIP_CACHE[id(res)] = (res.body, data)
    return data


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:16] + '"'


class SiteHandler(BaseHTTPRequestHandler):
    server: SiteServer
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - quiet; requests go to server.log
        pass

    def do_GET(self) -> None:
        self._answer("GET")

    def do_HEAD(self) -> None:
        self._answer("HEAD")

    def do_POST(self) -> None:
        self._answer("POST")

    def _answer(self, method: str) -> None:
        split = urlsplit(self.path)
        form: dict[str, str] = {}
        if method == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            form = dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        request = Request(method=method, path=split.path, query=dict(parse_qsl(split.query, keep_blank_values=True)),
                          form=form, headers={k.lower(): v for k, v in self.headers.items()})
        res = self._resolve(request, split.query)
        if res is None:
            res = Resource(NOT_FOUND_PAGE, status=404, conditional=False)
        if res.delay:
            time.sleep(res.delay)
        self._send(method, res)
        with self.server.log_lock:
            self.server.log.append((method, self.path, res.status))

    def _resolve(self, request: Request, query: str) -> Resource | None:
        content = self.server.content
        if content is None:
            return Resource(b"starting", status=503, content_type="text/plain", conditional=False)
        res = content.resources.get(route_key(request.path, query))
        if res is None and query:
            res = content.resources.get(request.path)  # static files ignore the query string
        handler = content.handlers.get(request.path)
        if res is not None:
            if request.method == "POST":
                # A form posting back to its own page (ASP.NET, eportal) is the page's handler's to answer.
                if handler is not None:
                    return handler(request)
                return Resource(b"Method Not Allowed", status=405, content_type="text/plain", conditional=False)
            return res
        return handler(request) if handler else None

    def _send(self, method: str, res: Resource) -> None:
        headers = {"Content-Type": res.content_type, **res.headers}
        status = res.status
        body = res.body
        gzipped = status == 200 and self._wants_gzip(res)
        if gzipped:
            body = _gzipped(res)
            headers["Content-Encoding"] = "gzip"
            headers["Vary"] = "Accept-Encoding"
        if res.conditional and status == 200:
            etag = _etag(res.body)
            # nginx weakens the ETag of a response it compresses on the fly
            headers["ETag"] = "W/" + etag if gzipped else etag
            if res.last_modified is not None:
                headers["Last-Modified"] = email.utils.format_datetime(res.last_modified, usegmt=True)
            if self._not_modified(etag, res):
                status, body = 304, b""
                headers.pop("Content-Encoding", None)
        self.send_response(status)
        for name, value in headers.items():
            if status == 304 and name == "Content-Type":
                continue
            self.send_header(name, value)
        if status != 304:  # a 304 has no body, and its Content-Length would have to be the 200's
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if method != "HEAD" and body:
            self.wfile.write(body)

    def _wants_gzip(self, res: Resource) -> bool:
        """Compress text the way portals' nginx does, when the client accepts gzip; files go as they are."""
        accepted = self.headers.get("Accept-Encoding", "")
        return ("gzip" in accepted and len(res.body) >= 1024
                and res.content_type.split(";")[0].strip() in _COMPRESSIBLE)

    def _not_modified(self, etag: str, res: Resource) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:  # weak comparison, as for GET
            return etag in [t.strip().removeprefix("W/") for t in inm.split(",")] or inm.strip() == "*"
        ims = self.headers.get("If-Modified-Since")
        if ims and res.last_modified is not None:
            try:
                since = email.utils.parsedate_to_datetime(ims)
            except (TypeError, ValueError):
                return False
            return res.last_modified.replace(microsecond=0) <= since
        return False


@dataclass
class Farm:
    workdir: Path
    seed: int
    sites: list[SiteInfo]
    manifest: dict
    servers: dict[str, SiteServer] = field(default_factory=dict, repr=False)

    def site(self, site_id: str) -> SiteInfo:
        return next(s for s in self.sites if s.id == site_id)

    def write_sources_csv(self, path: str | Path) -> Path:
        """The sources file the crawler reads: id,name,division_code,level,url,platform."""
        path = Path(path)
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["id", "name", "division_code", "level", "url", "platform"])
            for s in self.sites:
                writer.writerow([s.id, s.name, s.division_code, s.level, s.column_url, s.platform])
        return path

    def write_manifest(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(json.dumps(self.manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        return path

    def replace(self, url: str, body: bytes, content_type: str | None = None) -> None:
        """Serve new bytes at a URL of the farm (a report revised in place), for tests of change detection.

        The ETag follows the bytes and Last-Modified moves one day on, as a CMS republishing would.
        """
        split = urlsplit(url)
        site = next(s for s in self.sites if urlsplit(s.base_url).netloc == split.netloc)
        content = self.servers[site.id].content
        key = route_key(split.path, split.query)
        old = content.resources[key]
        content.resources[key] = Resource(
            body=body, content_type=content_type or old.content_type, status=old.status, headers=dict(old.headers),
            delay=old.delay, conditional=old.conditional,
            last_modified=(old.last_modified + datetime.timedelta(days=1)) if old.last_modified else None)

    def requests(self, site_id: str) -> list[tuple[str, str, int]]:
        """Requests a site has answered so far: (method, path, status)."""
        server = self.servers[site_id]
        with server.log_lock:
            return list(server.log)


@contextlib.contextmanager
def run_farm(workdir: str | Path, seed: int = 0, port_base: int | None = None,
             cache_dir: str | Path | None = None) -> Iterator[Farm]:
    """Start every site of the farm on loopback; yields a `Farm`; stops all servers on exit.

    Ports are free ones picked by the OS unless `port_base` is given (site i on port_base + i).
    Expensive renderings are cached in `cache_dir` (default `<workdir>/cache`).
    """
    from farm.assemble import build_farm
    from farm.manifest import site_infos
    from farm.plan import SITES

    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    servers: dict[str, SiteServer] = {}
    threads: list[threading.Thread] = []
    try:
        for i, info in enumerate(SITES):
            servers[info["id"]] = SiteServer(port_base + i if port_base else 0)
        base_urls = {sid: f"http://127.0.0.1:{srv.server_address[1]}" for sid, srv in servers.items()}
        plans, contents, manifest = build_farm(seed, base_urls, cache_dir or workdir / "cache")
        for sid, srv in servers.items():
            srv.content = contents[sid]
            t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2}, name=f"farm-{sid}", daemon=True)
            t.start()
            threads.append(t)
        farm = Farm(workdir=workdir, seed=seed, sites=[SiteInfo(**s) for s in site_infos(plans, contents, base_urls)],
                    manifest=manifest, servers=servers)
        farm.write_manifest(workdir / "manifest.json")
        farm.write_sources_csv(workdir / "sources.csv")
        yield farm
    finally:
        for srv in servers.values():
            if srv.content is not None:
                srv.shutdown()
            srv.server_close()
        for t in threads:
            t.join(timeout=5)
