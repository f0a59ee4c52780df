"""What every platform strategy shares: listing items, pager links, attachments, article titles.

A strategy never makes Scrapy requests itself (requests must be picklable for ``JOBDIR``, so their callbacks
are the spider's methods). It reads a response and answers plain data: the items a listing page shows
(``ListingItem``) and the further listing pages to fetch (``PageRequest``). The spider turns those into
requests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable
from urllib.parse import urljoin, urlsplit, urlunsplit

import lxml.html

if TYPE_CHECKING:
    from scrapy.http import Response

    from crawler.sources import Source

ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et", ".ofd", ".rtf", ".odt", ".zip",
                         ".rar")
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp")
# Where the article body lives on the platforms we know (TRS, Hanweb, NFCMS, VSB, generic templates).
CONTENT_SELECTORS = (
    "div#zoom", "div.TRS_Editor", "div.trs_editor_view", "div#UCAP-CONTENT", "div.article-content",
    "div.news_cont_d_wrap", "div#vsb_content", "div.v_news_content", "div#vsb_content_2", "div.article",
    "div.content", "div#content", "div.detail", "div.xxgk_content", "article", "div.main-txt", "div.con",
)
NEXT_PAGE_TEXTS = {"下一页", "下页", "后页", "下一頁", "尾页", "末页", "最后一页", "尾頁", ">", ">>", "»", "›", "next"}
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_SKIP_HREF = re.compile(r"^\s*(?:javascript:|mailto:|tel:|#)", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_SCRIPT_HREF = re.compile(r"""href\s*=\s*\\?["']([^"'<>\s\\]+(?:\\/[^"'<>\s\\]+)*)\\?["'][^>]*>([^<]{0,200})""",
                          re.IGNORECASE)
_CUT = re.compile(r"(?:\.{2,}|…+)\s*$")


@dataclass
class ListingItem:
    url: str
    title: str
    published: str | None = None  # YYYY-MM-DD as listed


@dataclass
class PageRequest:
    """A listing page to fetch: GET by default, or a form POST (Hanweb's data proxy)."""

    url: str
    method: str = "GET"
    formdata: dict[str, str] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    info: dict = field(default_factory=dict)  # strategy state carried to the next page
    # What identifies the page when the form does not (ASP.NET: the same target page posted from two pages
    # carries two view states); None: the form itself.
    identity: str | None = None

    @property
    def key(self) -> str:
        body = self.identity if self.identity is not None else \
            "&".join(f"{k}={v}" for k, v in sorted((self.formdata or {}).items()))
        # A folder and its index page are the same listing page (TRS page 0 is both).
        url = re.sub(r"/index\.s?html?(?=$|\?)", "/", canonical_url(self.url))
        return f"{self.method} {url} {body}"


@dataclass
class ListingPage:
    items: list[ListingItem] = field(default_factory=list)
    next_pages: list[PageRequest] = field(default_factory=list)


@dataclass
class Link:
    url: str
    text: str


def canonical_url(url: str) -> str:
    """The identity of a document URL: no fragment, TRS mobile ``_wap`` rendition folded into the page."""
    parts = urlsplit(url.strip())
    path = re.sub(r"_wap(\.s?html?)$", r"\1", parts.path)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def clean_text(text: str | None) -> str:
    return _SPACE.sub(" ", (text or "").replace("\xa0", " ")).strip()


def find_date(text: str) -> str | None:
    m = _DATE.search(text or "")
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def parse_html(text: str, base_url: str) -> lxml.html.HtmlElement:
    if not text.strip():
        text = "<html></html>"
    # lxml refuses str input with an XML encoding declaration
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    return lxml.html.document_fromstring(text, base_url=base_url)


def anchor_title(a: lxml.html.HtmlElement) -> str:
    """The fuller of an anchor's text and its title attribute (portals cut the text, not the attribute)."""
    text = clean_text(a.text_content())
    attr = clean_text(a.get("title"))
    if not attr:
        return text
    stem = _CUT.sub("", text)
    if not text or stem != text or attr.startswith(stem) or len(attr) >= len(text):
        return attr
    return text


def anchor_date(a: lxml.html.HtmlElement) -> str | None:
    """The date printed next to an anchor: in its row (li/tr/…) if the row holds only this anchor."""
    node = a
    for _ in range(3):
        node = node.getparent()
        if node is None or node.tag in ("ul", "ol", "table", "tbody", "body", "html"):
            return None
        if len(node.xpath(".//a[@href]")) > 1:
            return None
        date = find_date(node.text_content())
        if date:
            return date
    return None


def items_from_anchors(anchors: Iterable[lxml.html.HtmlElement], base_url: str) -> list[ListingItem]:
    items: list[ListingItem] = []
    for a in anchors:
        href = (a.get("href") or "").strip()
        if not href or _SKIP_HREF.match(href):
            continue
        title = anchor_title(a)
        if not title:
            continue
        items.append(ListingItem(url=urljoin(base_url, href), title=title, published=anchor_date(a)))
    return items


def items_from_scripts(doc: lxml.html.HtmlElement, base_url: str) -> list[ListingItem]:
    """Items a template writes from a script (``document.write('<li><a href=\"./2024…\">…</a>')``)."""
    items: list[ListingItem] = []
    for script in doc.iter("script"):
        text = script.text or ""
        if "href" not in text:
            continue
        for m in _SCRIPT_HREF.finditer(text):
            title = clean_text(m.group(2))
            if title and not _SKIP_HREF.match(m.group(1)):
                items.append(ListingItem(url=urljoin(base_url, m.group(1).replace("\\/", "/")), title=title,
                                         published=find_date(text[m.end():m.end() + 80])))
    return items


def items_from_html(text: str, base_url: str) -> list[ListingItem]:
    doc = parse_html(text, base_url)
    return items_from_anchors(doc.iter("a"), base_url)


def pager_links(doc: lxml.html.HtmlElement, base_url: str) -> list[str]:
    """Further listing pages a browser user would click: 下一页/尾页 anchors and numbered page links."""
    urls: list[str] = []
    for a in doc.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or _SKIP_HREF.match(href):
            continue
        text = clean_text(a.text_content()).lower()
        if text in NEXT_PAGE_TEXTS or (text.isdigit() and 0 < len(text) <= 4):
            urls.append(urljoin(base_url, href))
    return urls


_SCRIPT_PAGER_MARKERS = re.compile(r"""require\(\s*\[\s*["']list\d*\.trsapi|__doPostBack\(|queryArticleByCondition\(""")


def script_pager(text: str) -> bool:
    """Does a listing page page on by script only: a live 下一页 (or numbered page) control without an address
    (``javascript:``, ``#``, ``onclick``), or a platform's paging script (TRS list API, ASP.NET postback, eportal)? Used to tell an operator that only the first page was reachable."""
    if _SCRIPT_PAGER_MARKERS.search(text):
        return True
    doc = parse_html(text, "http://x/")
    for el in doc.iter("a", "button", "span", "li"):
        label = clean_text(el.text_content()).lower()
        if label not in NEXT_PAGE_TEXTS or "disabled" in (el.get("class") or "") or el.get("disabled") is not None:
            continue
        href = (el.get("href") or "").strip()
        if el.get("onclick") or (el.tag == "a" and (not href or _SKIP_HREF.match(href))):
            return True
    return False


# Download scripts: Hanweb downfile.jsp (302 to /attach/…), VSB /system/_content/download.jsp, ASP.NET and
# PHP equivalents, and VSB's /__local/ file store.
_DOWNLOAD_SCRIPT = re.compile(r"(?:/down(?:load)?(?:file)?\.(?:jsp|aspx?|php|do|action)$|/__local/)")


def is_attachment_url(url: str) -> bool:
    path = urlsplit(url).path.lower()
    return (path.endswith(ATTACHMENT_EXTENSIONS) or path.endswith(IMAGE_EXTENSIONS)
            or bool(_DOWNLOAD_SCRIPT.search(path)))


_LINK_EXTENSIONS = ATTACHMENT_EXTENSIONS + IMAGE_EXTENSIONS


def may_be_attachment(href: str) -> bool:
    """A cheap test on a link as written, before resolving it: False only when ``urljoin(base, href)`` cannot
    pass `is_attachment_url` on a page whose own path does not (`_plain_page`). The resolved path ends with the
    href's path whenever the href has one; an href without a path (``?page=2``, ``#top``) keeps the page's."""
    path = href.split("#", 1)[0].split("?", 1)[0].lower()
    return not path or path.endswith(_LINK_EXTENSIONS) or "down" in path or "__local" in path


def _plain_page(base_url: str) -> bool:
    """A page address under which a relative link cannot turn into a download-script or file-store address."""
    path = urlsplit(base_url).path.lower()
    return "__local" not in path and not is_attachment_url(base_url)


_CONTENT_SELECTORS = None


def content_root(doc: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    global _CONTENT_SELECTORS
    if _CONTENT_SELECTORS is None:  # compiled once: translating CSS to XPath costs more than matching it
        from lxml.cssselect import CSSSelector

        _CONTENT_SELECTORS = [CSSSelector(css, translator="html") for css in CONTENT_SELECTORS]
    for selector in _CONTENT_SELECTORS:
        found = selector(doc)
        if found:
            return found[0]
    return None


def attachment_links(text: str, base_url: str) -> list[Link]:
    """Documents an article links to (by extension or download script) and the images in its body."""
    doc = parse_html(text, base_url)
    links: list[Link] = []
    seen: set[str] = set()

    def add(url: str, label: str) -> None:
        key = canonical_url(url)
        if key not in seen and urlsplit(url).scheme in ("http", "https"):
            seen.add(key)
            links.append(Link(url=url, text=label))

    plain = _plain_page(base_url)
    for a in doc.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or _SKIP_HREF.match(href) or (plain and not may_be_attachment(href)):
            continue
        url = urljoin(base_url, href)
        if is_attachment_url(url):
            add(url, anchor_title(a))
    # Templates that write the attachment list from a script (document.write('<a href="./P0….pdf">…')).
    for script in doc.iter("script"):
        for m in _SCRIPT_HREF.finditer(script.text or ""):
            url = urljoin(base_url, m.group(1).replace("\\/", "/"))
            if is_attachment_url(url):
                add(url, clean_text(re.sub(r"<[^>]+>", "", m.group(2) or "")))
    root = content_root(doc)
    if root is not None:
        for img in root.iter("img"):
            src = (img.get("src") or img.get("data-src") or "").strip()
            if src and not src.startswith("data:"):
                add(urljoin(base_url, src), clean_text(img.get("alt") or img.get("title")))
        for tag in root.xpath(".//iframe[@src] | .//embed[@src] | .//object[@data]"):
            url = urljoin(base_url, (tag.get("src") or tag.get("data")).strip())
            if is_attachment_url(url):
                add(url, clean_text(tag.get("title")))
    return links


def article_titles(text: str, base_url: str) -> list[str]:
    """Candidates for the article's own title, best first: the CMS meta tags, the headings, the parts of
    <title> (portals append the site name: ``…年度报告_某某人民政府``)."""
    doc = parse_html(text, base_url)
    out: list[str] = []
    for name in ("ArticleTitle", "articletitle", "title", "Title"):
        out += [clean_text(m) for m in doc.xpath(f'//meta[@name="{name}"]/@content')]
    for tag in ("h1", "h2", "h3"):
        out += [clean_text(h.text_content()) for h in doc.iter(tag)]
    t = doc.find(".//title")
    if t is not None:
        whole = clean_text(t.text_content())
        out += [whole] + [clean_text(p) for p in re.split(r"\s*[_|｜—-]+\s*", whole)]
    return [c for c in dict.fromkeys(out) if c]


class Strategy:
    """Listings of one platform family. Subclasses override what differs."""

    name = "generic"

    def first_requests(self, source: Source) -> list[PageRequest]:
        return [PageRequest(source.url)]

    def detect(self, response: Response) -> bool:  # pragma: no cover - overridden
        return False

    def parse_listing(self, response: Response, info: dict) -> ListingPage:
        """Items and further pages of one listing response. ``info`` is the PageRequest's state."""
        doc = parse_html(response.text, response.url)
        items = items_from_anchors(doc.iter("a"), response.url) + items_from_scripts(doc, response.url)
        pages = [PageRequest(u) for u in pager_links(doc, response.url)]
        return ListingPage(items=items, next_pages=pages)

    def attachments(self, response: Response) -> list[Link]:
        return attachment_links(response.text, response.url)
