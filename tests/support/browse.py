"""A small scripted browser that walks the farm's sites as a visitor would (a test helper, not part of the farm).

It knows only what a person reading portals.md knows: how each platform pages its
column (the TRS `createPageHTML` call, the Hanweb datastore and data proxy, the
gkmlpt JSON API, VSB and 下一页 pager links) and where article links and attachments
sit. The farm's tests use it to check that a walk finds exactly what the manifest
says; it is also a reference for the crawler's strategies.
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlencode, urljoin, urlsplit

import lxml.html

USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) nianbao-test-browser/0.1"
ATTACHMENT_EXTS = (".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".zip")


@dataclass
class Response:
    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    final_url: str
    elapsed: float
    redirects: list[int] = field(default_factory=list)


class _Recorder(urllib.request.HTTPRedirectHandler):
    def __init__(self) -> None:
        self.codes: list[int] = []

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        self.codes.append(code)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class Browser:
    def __init__(self, timeout: float = 20) -> None:
        self.timeout = timeout
        self.log: list[tuple[str, str, int]] = []

    def request(self, url: str, data: bytes | None = None, headers: dict | None = None, method: str | None = None) -> Response:
        recorder = _Recorder()
        opener = urllib.request.build_opener(recorder)
        req = urllib.request.Request(url, data=data, method=method,
                                     headers={"User-Agent": USER_AGENT, "Accept-Language": "zh-CN,zh;q=0.9", **(headers or {})})
        start = time.monotonic()
        try:
            with opener.open(req, timeout=self.timeout) as resp:
                body, status, hdrs, final = resp.read(), resp.status, resp.headers, resp.geturl()
        except urllib.error.HTTPError as err:
            body, status, hdrs, final = err.read(), err.code, err.headers, url
        elapsed = time.monotonic() - start
        self.log.append((method or ("POST" if data is not None else "GET"), url, status))
        return Response(url, status, {k.lower(): v for k, v in hdrs.items()}, body, final, elapsed, recorder.codes)

    def get(self, url: str, headers: dict | None = None) -> Response:
        return self.request(url, headers=headers)

    def post_form(self, url: str, form: dict, referer: str) -> Response:
        return self.request(url, data=urlencode(form).encode(), headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8", "Referer": referer,
            "X-Requested-With": "XMLHttpRequest"})


# ------------------------------------------------------------------ decoding ---
def declared_charset(resp: Response) -> str | None:
    """The charset the server or the page claims (header first, then <meta>)."""
    m = re.search(r"charset=([\w-]+)", resp.headers.get("content-type", ""), re.I)
    if m:
        return m.group(1).lower()
    m = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", resp.body[:2048], re.I)
    return m.group(1).decode().lower() if m else None


def decode(resp: Response) -> str:
    """Text as a careful browser gets it: the declared charset, or GB18030 when the bytes contradict it."""
    charset = declared_charset(resp) or "utf-8"
    try:
        return resp.body.decode(charset)
    except (UnicodeDecodeError, LookupError):
        return resp.body.decode("gb18030", errors="replace")


def anchors(text: str, base_url: str) -> list[tuple[str, str]]:
    """(absolute href, title or text) of every link on a page."""
    doc = lxml.html.fromstring(text)
    out = []
    for a in doc.iter("a"):
        href = a.get("href")
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        out.append((urljoin(base_url, href), (a.get("title") or a.text_content()).strip()))
    return out


# ------------------------------------------------------------------ listings ---
@dataclass
class ColumnWalk:
    listing_urls: list[str] = field(default_factory=list)
    items: dict[str, str] = field(default_factory=dict)  # article URL -> title as listed


def _same_site(url: str, base: str) -> bool:
    return urlsplit(url).netloc == urlsplit(base).netloc


def walk_trs(b: Browser, column_url: str, walk: ColumnWalk) -> None:
    """Every listing page of the column and of its sub-columns (区政府 / 部门 / 乡镇 folders).

    Pages beyond the first exist only in the `createPageHTML(count, current, name, ext)` call; sub-columns
    are ordinary links to folders below the column (`./qzfgzbm/`, `更多>>`).
    """
    folder = urlsplit(urljoin(column_url, "./")).path
    article = re.compile(re.escape(folder) + r"(?:[\w-]+/)*\d{6}/t\d{8}_\d+\.s?html?$")
    listing = re.compile(re.escape(folder) + r"(?:[\w-]+/)*(?:index(?:_\d+)?\.s?html?)?$")
    queue, seen = [column_url], {column_url}
    while queue and len(seen) < 200:
        url = queue.pop(0)
        text = decode(b.get(url))
        walk.listing_urls.append(url)
        m = re.search(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']\s*\)", text)
        found = [urljoin(url, f"{m.group(3)}_{i}.{m.group(4)}") for i in range(1, int(m.group(1)))] if m else []
        for href, title in anchors(text, url):
            path = urlsplit(href).path
            if not _same_site(href, column_url):
                continue
            if article.search(path):
                walk.items.setdefault(href, title)
            elif listing.fullmatch(path):
                found.append(href)
        for nxt in found:
            # `x/` and `x/index.html` are one page
            key = re.sub(r"index\.s?html?$", "", nxt)
            if key not in seen and nxt not in seen:
                seen.update({key, nxt})
                queue.append(nxt)


def walk_hanweb(b: Browser, column_url: str, walk: ColumnWalk) -> None:
    text = decode(b.get(column_url))
    walk.listing_urls.append(column_url)

    def records(xml: str) -> None:
        for cdata in re.findall(r"<record><!\[CDATA\[(.*?)\]\]></record>", xml, re.S):
            for href, title in anchors(cdata, column_url):
                walk.items.setdefault(href, title)

    store = re.search(r"<datastore>.*?</datastore>", text, re.S)
    records(store.group(0) if store else "")
    per_page = int(re.search(r"perPage:\s*(\d+)", text).group(1))
    total = int(re.search(r"totalRecord:\s*(\d+)", text).group(1))
    proxy = urljoin(column_url, re.search(r"proxyUrl:\s*'([^']+)'", text).group(1))
    params = dict(re.findall(r"(\w+):\s*'?([^,'}]*)'?", re.search(r"ajaxParam:\s*\{([^}]*)\}", text).group(1)))
    form = {k: v.strip() for k, v in params.items()}
    form["webname"] = lxml.html.fromstring(f"<p>{form['webname']}</p>").text_content()
    start = per_page + 1
    while start <= total:
        end = min(total, start + per_page * 3 - 1)  # the jpage script asks three pages at a time
        url = f"{proxy}?startrecord={start}&endrecord={end}&perpage={per_page}"
        resp = b.post_form(url, form, referer=column_url)
        walk.listing_urls.append(url)
        records(resp.body.decode("utf-8"))
        start = end + 1


def walk_gkmlpt(b: Browser, column_url: str, walk: ColumnWalk) -> None:
    import json

    page_url, _, category = column_url.partition("#")
    text = decode(b.get(page_url))
    walk.listing_urls.append(page_url)
    sid = re.search(r"SID:\s*'(\d+)'", text).group(1)
    page = 1
    while True:
        url = urljoin(page_url, f"/gkmlpt/api/all/{category}?page={page}&sid={sid}")
        data = json.loads(b.get(url, headers={"Referer": page_url}).body)
        walk.listing_urls.append(url)
        if not data.get("articles"):
            break
        for art in data["articles"]:
            walk.items.setdefault(art.get("url") or art.get("post_url"), art["title"])
        page += 1


def _follow_pager(b: Browser, column_url: str, walk: ColumnWalk, next_text: str, item_pattern: str) -> None:
    url, seen = column_url, set()
    while url and url not in seen and len(seen) < 50:
        seen.add(url)
        text = decode(b.get(url))
        walk.listing_urls.append(url)
        nxt = None
        for href, title in anchors(text, url):
            if title == next_text:
                nxt = href
            elif _same_site(href, column_url) and re.search(item_pattern, urlsplit(href).path):
                walk.items.setdefault(href, title)
        url = nxt


def walk_vsb(b: Browser, column_url: str, walk: ColumnWalk) -> None:
    _follow_pager(b, column_url, walk, "下页", r"/info/\d+/\d+\.htm$")


def walk_generic(b: Browser, column_url: str, walk: ColumnWalk) -> None:
    folder = urlsplit(urljoin(column_url, "./")).path
    _follow_pager(b, column_url, walk, "下一页", re.escape(folder) + r"\d{6}/[0-9a-f]{32}\.shtml$")


def walk_trsapi(b: Browser, column_url: str, walk: ColumnWalk) -> None:
    """The static first items, then the list API the `require(["list2.trsapi"])` block configures, page by page."""
    import json

    text = decode(b.get(column_url))
    walk.listing_urls.append(column_url)
    folder = urlsplit(column_url).path
    for href, title in anchors(text, column_url):
        if re.search(re.escape(folder) + r"\d{6}/t\d{8}_\d+\.htm$", urlsplit(href).path):
            walk.items.setdefault(href, title)
    block = text[text.index('require(["list2.trsapi"]'):]
    conf = dict(re.findall(r'(\w+):\s*["\']?([^"\',\n]*)["\']?', block[:block.index("});")]))
    api = urljoin(column_url, conf["url"])
    form = {k: conf[k] for k in ("channelid", "sortfield", "classsql", "classcol", "classnum", "classsort", "cache")}
    page, pages = 2, -(-int(conf["recordCount"]) // int(conf["prepage"]))
    while page <= pages:
        resp = b.post_form(api, {**form, "page": page, "prepage": conf["prepage"]}, referer=column_url)
        walk.listing_urls.append(f"{api}#page={page}")
        for doc in json.loads(resp.body)["data"]:
            walk.items.setdefault(doc["chnldocurl"], doc["doctitle"])
        page += 1


def walk_xxgk(b: Browser, column_url: str, walk: ColumnWalk) -> None:
    """The related links under the selector, then every unit × year the form offers (report, list or 暂无)."""
    text = decode(b.get(column_url))
    walk.listing_urls.append(column_url)
    doc = lxml.html.fromstring(text)
    for a in doc.xpath('//div[@class="xgxx"]//a'):
        walk.items.setdefault(urljoin(column_url, a.get("href")), a.get("title") or a.text_content().strip())
    form = doc.xpath('//form[@id="annualForm"]')[0]
    areas = [o.get("value") for o in form.xpath('.//select[@name="area"]/option')]
    years = [o.get("value") for o in form.xpath('.//select[@name="fbtime"]/option')]
    for area in areas:
        for year in years:
            url = urljoin(column_url, f"{form.get('action')}?area={area}&fbtime={year}")
            page = decode(b.get(url))
            walk.listing_urls.append(url)
            listed = [(h, t) for h, t in anchors(page, url) if "xxgkAnnualReport.jsp" in h and "infoid=" in h]
            if listed:
                for h, t in listed:
                    walk.items.setdefault(h, t)
            else:
                h1 = lxml.html.fromstring(page).find(".//h1")
                if h1 is not None:
                    walk.items.setdefault(url, h1.text_content().strip())


def walk_eportal(b: Browser, column_url: str, walk: ColumnWalk) -> None:
    """The first page, then each pager URL by POSTing the list module's form, as queryArticleByCondition does."""
    text = decode(b.get(column_url))
    walk.listing_urls.append(column_url)
    doc = lxml.html.fromstring(text)
    form = {i.get("name"): i.get("value") or "" for i in doc.xpath('//form[starts-with(@id, "searchForm_")]//input[@name]')}
    urls = list(dict.fromkeys(urljoin(column_url, u.replace("&amp;", "&"))
                              for u in re.findall(r"queryArticleByCondition\(this,'([^']+)'\)", text)))
    pages = [text] + [decode(b.post_form(u, form, referer=column_url)) for u in urls]
    walk.listing_urls += urls
    for page in pages:
        for href, title in anchors(page, column_url):
            if "articleKey=" in href:
                walk.items.setdefault(href, title)


def walk_aspnet(b: Browser, column_url: str, walk: ColumnWalk) -> None:
    """The first page, then 下一页 as __doPostBack does: the form's hidden fields with the event target set."""
    url, seen = column_url, 0
    text = decode(b.get(url))
    while seen < 50:
        seen += 1
        walk.listing_urls.append(f"{url}#{seen}")
        doc = lxml.html.fromstring(text)
        for a in doc.xpath('//table[@id="GridView1"]//a'):
            walk.items.setdefault(urljoin(url, a.get("href")), a.get("title"))
        nxt = [a.get("href") for a in doc.iter("a") if a.text_content().strip() == "下一页" and a.get("href")]
        if not nxt:
            break
        target, argument = re.search(r"__doPostBack\('([^']+)','([^']*)'\)", nxt[0]).groups()
        form = {i.get("name"): i.get("value") or "" for i in doc.xpath('//form[@id="form1"]//input[@name]')}
        form.update({"__EVENTTARGET": target, "__EVENTARGUMENT": argument})
        text = decode(b.post_form(urljoin(url, doc.xpath('//form[@id="form1"]')[0].get("action")), form, referer=url))


def walk_browser(b: Browser, column_url: str, walk: ColumnWalk) -> None:
    """The first page, then the pages the list script fetches: `/api/list/<col>?p=<k>&t=<token>` with the token
    the page's `pageToken` computes (mimicked here, as walk_trs evaluates createPageHTML)."""
    text = decode(b.get(column_url))
    walk.listing_urls.append(column_url)
    col, pages = re.search(r"col: '(\w+)'", text).group(1), int(re.search(r"pages: (\d+)", text).group(1))
    fragments = [text]
    for k in range(2, pages + 1):
        s = 7
        for ch in f"{col}:{k}":
            s = (s * 31 + ord(ch)) % 1000003
        url = urljoin(column_url, f"/api/list/{col}?p={k}&t={s:x}")
        fragments.append(decode(b.get(url)))
        walk.listing_urls.append(url)
    for fragment in fragments:
        for href, title in anchors(f"<ul>{fragment}</ul>", column_url):
            if re.search(r"/Content-\d+\.html$", href):
                walk.items.setdefault(href, title)


WALKERS = {"trs": walk_trs, "hanweb": walk_hanweb, "gkmlpt": walk_gkmlpt, "vsb": walk_vsb, "generic": walk_generic,
           "trsapi": walk_trsapi, "xxgk": walk_xxgk, "eportal": walk_eportal, "aspnet": walk_aspnet,
           "browser": walk_browser}


def walk_column(b: Browser, platform: str, column_url: str) -> ColumnWalk:
    walk = ColumnWalk()
    WALKERS[platform](b, column_url, walk)
    return walk


# ------------------------------------------------------------------ articles ---
@dataclass
class Article:
    url: str
    status: int
    text: str
    title: str
    attachments: dict[str, str]  # URL -> anchor text
    response: Response


def read_article(b: Browser, url: str) -> Article:
    resp = b.get(url)
    if resp.status != 200:
        return Article(url, resp.status, "", "", {}, resp)
    text = decode(resp)
    doc = lxml.html.fromstring(text)
    h1 = doc.find(".//h1")
    title = h1.text_content().strip() if h1 is not None else ""
    atts = {}
    for href, anchor in anchors(text, url):
        path = urlsplit(href).path.lower()
        if _same_site(href, url) and (path.endswith(ATTACHMENT_EXTS) or "download" in path or "downfile" in path):
            atts.setdefault(href, anchor)
    return Article(url, resp.status, text, title, atts, resp)


def looks_like_report(title: str) -> bool:
    """The title test a reader applies: an information-disclosure annual report, not a 解读 or a notice."""
    return ("政府信息公开" in title and ("年度报告" in title or "年报" in title)
            and not any(w in title for w in ("解读", "图解", "通知", "公告")))
