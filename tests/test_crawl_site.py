"""The crawler on a tiny hand-made site whose content a test can change between crawls.

What the farm cannot show: a corrected document at the same URL (a new version beside the old one),
robots.txt, links off the source's host, and a pager that never ends.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from archive.originals.store import ArchiveStore

REPO = Path(__file__).resolve().parents[1]
PDF_V1 = b"%PDF-1.4\n% report v1\n"
PDF_V2 = b"%PDF-1.4\n% report v2, corrected\n"


class Site:
    def __init__(self):
        self.pages: dict[str, tuple[bytes, str]] = {}
        self.log: list[str] = []
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _handler(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                site.log.append(self.path)
                if self.path.startswith("/loop/"):  # a pager that never ends
                    n = int(self.path.split("/")[2].split(".")[0])
                    body = f'<html><body><a href="/loop/{n + 1}.html">下一页</a></body></html>'.encode()
                    ctype = "text/html; charset=utf-8"
                elif site.pages.get(self.path, (b"", ""))[1] == "redirect":
                    self.send_response(302)
                    self.send_header("Location", site.pages[self.path][0].decode())
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                elif self.path in site.pages:
                    body, ctype = site.pages[self.path]
                else:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                etag = '"' + hashlib.sha1(body).hexdigest() + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", email.utils.formatdate(usegmt=True))
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


def html(body: str) -> tuple[bytes, str]:
    return f'<html><head><meta charset="utf-8"></head><body>{body}</body></html>'.encode(), "text/html; charset=utf-8"


@pytest.fixture(scope="module")
def site():
    s = Site()
    other = "http://127.0.0.2:9/nb/2022.html"  # another host: a mirror must never be followed
    s.pages["/robots.txt"] = (b"User-agent: *\nDisallow: /private/\n", "text/plain")
    s.pages["/nb/index.html"] = html(
        '<ul><li><a href="/nb/2023.html">测试县2023年政府信息公开工作年度报告</a><span>2024-01-20</span></li>'
        '<li><a href="/private/2021.html">测试县2021年政府信息公开工作年度报告</a><span>2022-01-20</span></li>'
        f'<li><a href="{other}">测试县2022年政府信息公开工作年度报告</a><span>2023-01-20</span></li></ul>'
        '<div class="sub"><a href="/nb/bm/">部门</a> <a href="/nb/2020n/index.html">2020年政府信息公开年报</a></div>'
        # Titles the portal cut short, without a title attribute: the article's own title decides.
        '<ul><li><a href="/nb/cut.html">测试县2019年政府信息公开工作年度…</a></li>'
        '<li><a href="/nb/cut-jd.html">《测试县2019年政府信息公开工作年度报告》解…</a></li></ul>')
    s.pages["/nb/cut.html"] = html('<title>测试县2019年政府信息公开工作年度报告_测试县人民政府</title>'
                                   '<h1>测试县人民政府</h1><div id="zoom">2019</div>')
    s.pages["/nb/cut-jd.html"] = html('<title>《测试县2019年政府信息公开工作年度报告》解读_测试县人民政府</title>'
                                      '<div id="zoom">解读</div>')
    # Sub-columns by kind of organ and by year, as real TRS columns have them.
    s.pages["/nb/bm/"] = html('<ul><li><a href="/nb/bm/cz2023.html">测试县财政局2023年政府信息公开工作年度报告</a></li></ul>')
    s.pages["/nb/bm/cz2023.html"] = html('<div id="zoom">财政局</div>')
    s.pages["/nb/2020n/index.html"] = html('<ul><li><a href="/nb/2020n/x.html">测试县2020年政府信息公开工作年度报告</a></li></ul>')
    s.pages["/nb/2020n/x.html"] = html('<div id="zoom">2020</div>')
    s.pages["/nb/2023.html"] = html('<div id="zoom"><p>正文</p><a href="/nb/P02024.pdf">附件.pdf</a>'
                                    f'<a href="http://127.0.0.2:9/x.pdf">镜像.pdf</a>'
                                    '<a href="/nb/go.pdf">跳转.pdf</a></div>')
    s.pages["/nb/go.pdf"] = (b"http://127.0.0.2:9/y.pdf", "redirect")  # a download that leaves the host
    s.pages["/nb/P02024.pdf"] = (PDF_V1, "application/pdf")
    s.pages["/private/2021.html"] = html("<p>私有</p>")
    yield s
    s.server.shutdown()


def crawl(site, tmp: Path, archive: Path, *settings: str, source_url: str = "/nb/index.html") -> dict:
    src = tmp / "sources.csv"
    src.write_text(f"id,name,url,platform\nt,测试县人民政府,{site.base}{source_url},generic\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "nianbao", "crawl", "--sources", str(src), "--archive-dir", str(archive),
           "--no-polite"]
    for s in settings:
        cmd += ["-s", s]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=120)
    runs = sorted((archive / "runs").glob("*.json"), key=lambda p: p.stat().st_mtime)
    record = json.loads(runs[-1].read_text(encoding="utf-8"))
    record["_returncode"] = proc.returncode
    return record


@pytest.fixture(scope="module")
def runs(site, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("site")
    archive = tmp / "archive"
    first = crawl(site, tmp, archive)
    site.pages["/nb/P02024.pdf"] = (PDF_V2, "application/pdf")  # the portal replaces the file in place
    site.log.clear()
    second = crawl(site, tmp, archive, "NIANBAO_REVALIDATE_KNOWN=1")
    return first, second, archive, [site.base.split("/")[2]]


def test_first_crawl_archives_report_and_attachment(runs):
    e = runs[0]["sources"]["t"]
    assert (e["new"], e["attachments_new"]) == (4, 1)


def test_sub_columns_descended_and_cut_titles_checked(runs):
    articles = {r.url.split("/", 3)[3] for r in ArchiveStore(runs[2]).fetches() if r.role == "article"}
    assert articles == {"nb/2023.html", "nb/bm/cz2023.html", "nb/2020n/x.html", "nb/cut.html"}


def test_robots_txt_obeyed(runs):
    assert [f["url"].rsplit("/", 2)[1] for f in runs[0]["sources"]["t"]["failures"]
            if f["reason"] == "forbidden by robots.txt"] == ["private"]


def test_off_host_links_dropped(runs):
    assert runs[0]["sources"]["t"]["offsite_links_dropped"] == 3


def test_redirect_off_the_host_is_a_failure(runs):
    assert [f["url"].rsplit("/", 1)[1] for f in runs[0]["sources"]["t"]["failures"]
            if f["reason"] == "off the source's hosts"] == ["y.pdf"]


def test_nothing_from_other_hosts_archived(runs):
    assert {r.final_url.split("/")[2] for r in ArchiveStore(runs[2]).fetches()} == {runs[3][0]}


def test_changed_attachment_is_a_new_version(runs):
    assert runs[1]["sources"]["t"]["attachments_changed"] == 1


def test_old_version_kept(runs):
    store = ArchiveStore(runs[2])
    shas = [r.sha256 for r in store.fetches() if r.url.endswith("/P02024.pdf")]
    assert [store.get(s) for s in shas] == [PDF_V1, PDF_V2]


def test_unchanged_article_revalidated_not_refetched(runs):
    e = runs[1]["sources"]["t"]
    assert (e["new"], e["changed"]) == (0, 0)


def test_revalidation_is_conditional(runs):
    store = ArchiveStore(runs[2])
    assert sum(1 for r in store.fetches() if r.url.endswith("/nb/2023.html")) == 1


def test_pager_loop_is_bounded(site, tmp_path):
    record = crawl(site, tmp_path, tmp_path / "archive", "NIANBAO_MAX_LISTING_PAGES=5", source_url="/loop/1.html")
    e = record["sources"]["t"]
    assert (e["listing_pages"], e["listing_pages_capped"], e["status"], record["_returncode"]) == (5, True, "broken", 1)


def test_bad_registry_is_a_usage_error(tmp_path):
    from click.testing import CliRunner

    from crawler.cli import crawl as crawl_command

    src = tmp_path / "sources.csv"
    src.write_text("id,name,url,platform\nx,甲,not-a-url,trs\n", encoding="utf-8")
    result = CliRunner().invoke(crawl_command, ["--sources", str(src), "--archive-dir", str(tmp_path / "a")])
    assert (result.exit_code, "sources.csv:2: bad url" in result.output) == (2, True)
