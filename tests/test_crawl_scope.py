"""No request ever leaves a source's scope, whatever its redirects, pagers or robots-like URLs say.

A portal on 127.0.0.1 whose attachment redirects to another local server (an 'admin' service on another port),
whose pager links there too, and whose links dress such URLs up as robots.txt. The other server counts every
request it gets: it must get none.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from archive.originals.store import ArchiveStore
from test_crawl_site import Site, crawl, html


class Secret:
    def __init__(self):
        self.hits: list[str] = []
        secret = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                secret.hits.append(self.path)
                body = b"%PDF-1.4 internal secret"
                self.send_response(200)
                self.send_header("Content-Type", "application/pdf")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    secret, site = Secret(), Site()
    inside = f"{secret.base}/admin/secret?x=/robots.txt"
    local = inside.replace("127.0.0.1", "localhost")
    site.pages["/robots.txt"] = (b"User-agent: *\nAllow: /\n", "text/plain")
    site.pages["/nb/index.html"] = html(
        '<ul><li><a href="/nb/2023.html">某县2023年政府信息公开工作年度报告</a></li></ul>'
        f'<a href="{inside}">下一页</a> <a href="{local}">尾页</a>')
    site.pages["/nb/2023.html"] = html('<div id="zoom"><p>正文</p><a href="/nb/go.pdf">附件.pdf</a>'
                                       f'<a href="{secret.base}/robots.txt">robots.pdf</a>'
                                       '<a href="/nb/go2.pdf">附件2.pdf</a></div>')
    site.pages["/nb/go.pdf"] = (inside.encode(), "redirect")
    site.pages["/nb/go2.pdf"] = (local.encode(), "redirect")
    tmp = tmp_path_factory.mktemp("scope")
    record = crawl(site, tmp, tmp / "archive")
    site.server.shutdown()
    secret.server.shutdown()
    return record, secret, tmp / "archive"


def test_the_other_server_is_never_asked(crawled):
    _, secret, _ = crawled
    assert secret.hits == []


def test_nothing_from_it_is_archived(crawled):
    _, _, archive = crawled
    assert [r.url for r in ArchiveStore(archive).fetches() if "admin" in r.url or "secret" in r.final_url] == []


def test_the_report_itself_is_archived(crawled):
    _, _, archive = crawled
    assert any(r.url.endswith("/nb/2023.html") for r in ArchiveStore(archive).fetches())


def test_the_dropped_requests_are_counted(crawled):
    record, _, _ = crawled
    assert json.loads(json.dumps(record))["sources"]["t"]["offsite_links_dropped"] >= 2
