"""What makes `nianbao crawl` fast, checked for what it must keep doing (never timed).

- `--no-polite` runs at Scrapy's own concurrency (a small server drops surplus connections: 1-second retries);
- the spider hands Scrapy one bound method per callback (Scrapy's callback-source cache stays warm);
- article pages: content selectors compiled once pick the same body; the cheap link pre-test never drops a link
  the full attachment rule takes;
- the archive index may be written from several threads at once: each (url, sha256) recorded once.
"""

from __future__ import annotations

import threading
from urllib.parse import urljoin

import lxml.html
import pytest

from archive.originals.store import ArchiveStore
from crawler.cli import crawl_settings
from crawler.pipelines import ArchiveIndex, FetchedDocument
from crawler.platforms.base import (_plain_page, attachment_links, content_root, is_attachment_url,
                                    may_be_attachment)
from crawler.spiders.reports import ReportsSpider


def test_no_polite_uses_scrapys_own_concurrency():
    s = crawl_settings("/tmp/unused", polite=False)
    assert (s.getint("CONCURRENT_REQUESTS"), s.getint("CONCURRENT_REQUESTS_PER_DOMAIN")) == (16, 8)


def test_polite_keeps_two_per_host():
    assert crawl_settings("/tmp/unused").getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 2


def test_spider_callbacks_are_one_bound_method_each():
    spider = ReportsSpider()
    assert all(getattr(spider, name) is getattr(spider, name) for name in ReportsSpider.CALLBACKS)


def test_content_root_prefers_the_earlier_selector():
    doc = lxml.html.document_fromstring('<html><body><div class="content"><p>外</p><div id="zoom"><p>正文</p></div>'
                                        '</div></body></html>')
    assert content_root(doc).get("id") == "zoom"


def test_content_root_finds_a_trs_editor_body():
    doc = lxml.html.document_fromstring('<html><body><DIV class="nav">x</DIV><DIV class="TRS_Editor"><p>正文</p>'
                                        '</DIV></body></html>')
    assert content_root(doc).get("class") == "TRS_Editor"


def test_images_in_the_body_are_attachments():
    html = ('<html><body><div class="nav"><img src="/logo.png"></div><div id="zoom"><img src="./W0.jpg" alt="表一">'
            '</div></body></html>')
    assert [link.url for link in attachment_links(html, "http://x.gov.cn/a/t1.html")] == ["http://x.gov.cn/a/W0.jpg"]


BASES = ["http://a.gov.cn/col/202401/t20240101_1.html", "http://a.gov.cn/__local/8/a.htm", "http://a.gov.cn/",
         "http://a.gov.cn/module/download/downfile.jsp?classid=0", "http://a.gov.cn/files/report.pdf",
         "http://a.gov.cn"]
HREFS = ["./P020240101.pdf", "X.PDF", "?id=1", "#top", "", "../download.do", "downfile.jsp?classid=0&filename=a.pdf",
         "/__local/1/2.pdf", "//b.gov.cn/x.doc", "http://c.gov.cn/x.jpg?x=1", "a.pdf#page=2", "a.html", "..", "./",
         "x.pdf/.", "a.pdf;jsessionid=1", "file.ZIP", "a.htm?f=x.pdf", "../__local/a.htm", "DownLoad.aspx?id=3",
         "img.webp", "t20240101_2.html", "/col/index_1.html"]


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("href", HREFS)
def test_link_pre_test_never_drops_an_attachment(base, href):
    assert not is_attachment_url(urljoin(base, href)) or not _plain_page(base) or may_be_attachment(href)


def _doc(url: str, body: bytes) -> FetchedDocument:
    return FetchedDocument(body=body, url=url, final_url=url, status=200, content_type="application/pdf",
                           headers={}, source_id="s", role="attachment")


def test_concurrent_writes_of_one_document_record_it_once(tmp_path):
    index = ArchiveIndex(ArchiveStore(tmp_path))
    doc = _doc("http://x.gov.cn/a.pdf", b"%PDF-1.4 one document " * 100)
    outcomes: list[str] = []
    threads = [threading.Thread(target=lambda: outcomes.append(index.write(doc)[1])) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert (sorted(outcomes), len(list(ArchiveStore(tmp_path).fetches()))) == (["new"] + ["unchanged"] * 7, 1)


def test_concurrent_writes_of_many_documents_record_each(tmp_path):
    index = ArchiveIndex(ArchiveStore(tmp_path))
    docs = [_doc(f"http://x.gov.cn/{n}.pdf", b"%%PDF-1.4 document %d " % n * 50) for n in range(40)]
    threads = [threading.Thread(target=lambda part=docs[k::4]: [index.write(d) for d in part]) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    recs = list(ArchiveStore(tmp_path).fetches())
    assert sorted(r.url for r in recs) == sorted(d.url for d in docs) and all(index.known(d.url) for d in docs)
