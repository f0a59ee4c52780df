"""What every platform builder shares: registering pages and files, robots.txt, nav stubs, item bodies."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from farm import bodies, chrome
from farm.cache import RenderCache
from farm.model import Attachment, Item, Resource, SiteContent, SitePlan, route_key
from farm.report_content import CONTENT_TYPES, attachment_bytes, inline_html


@dataclass
class BuildContext:
    base_urls: dict[str, str]  # site id -> http://127.0.0.1:port
    cache: RenderCache
    _inline: dict[str, str] = field(default_factory=dict)

    def inline_html(self, item: Item) -> str:
        if item.key not in self._inline:
            self._inline[item.key] = inline_html(item.report)
        return self._inline[item.key]


def midday(date: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(date.year, date.month, date.day, hour, 30, tzinfo=dt.timezone.utc)


def stable_int(*parts: object, digits: int = 7) -> int:
    """A deterministic pseudo-random id (article ids, file ids) from the parts it stands for."""
    h = int(hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest(), 16)
    low = 10 ** (digits - 1)
    return low + h % (9 * low)


def stable_hex(*parts: object, n: int = 32) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:n]


class SiteBuilder:
    """Collects a site's resources. Platform modules subclass it and lay out URLs their way."""

    nav: list[tuple[str, str]] = []
    # Other in-site links of the chrome (side menus) that should answer with a page, not a 404.
    extra_stubs: list[str] = []

    def __init__(self, plan: SitePlan, ctx: BuildContext) -> None:
        self.plan = plan
        self.ctx = ctx
        self.base_url = ctx.base_urls[plan.id]
        self.content = SiteContent(plan=plan, column_path="")
        self.by_key = {it.key: it for it in plan.items}

    # ------------------------------------------------------------ registering
    def add(self, path: str, body: bytes, content_type: str, *, last_modified: dt.datetime | None = None,
            delay: float = 0.0, status: int = 200, headers: dict | None = None, conditional: bool = True) -> Resource:
        parts = urlsplit(path)
        res = Resource(body=body, content_type=content_type, status=status, headers=dict(headers or {}),
                       delay=delay, conditional=conditional, last_modified=last_modified)
        self.content.resources[route_key(parts.path, parts.query)] = res
        return res

    def add_page(self, path: str, text: str, *, encoding: str = "utf-8", last_modified: dt.datetime | None = None,
                 delay: float = 0.0) -> Resource:
        body, ctype = chrome.encode_page(text, encoding)
        return self.add(path, body, ctype, last_modified=last_modified, delay=delay)

    def add_attachment(self, path: str, item: Item, att: Attachment, *, download_name: bool = False) -> None:
        data = attachment_bytes(item.report, att.fmt, self.ctx.cache)
        att.content_type = CONTENT_TYPES[att.fmt]
        att.sha256 = hashlib.sha256(data).hexdigest()
        headers = {}
        if download_name:  # download scripts name the file; static files do not
            headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(att.title)}"
        self.add(path, data, att.content_type, last_modified=midday(item.published), headers=headers)

    def page(self, title: str, body: str, *, current: str | None = None, head: str = "") -> str:
        return chrome.page(self.plan, title=title, body=body, nav=self.nav, current=current, head=head,
                           body_class=self.plan.platform)

    def robots(self, disallow: list[str]) -> None:
        lines = ["User-agent: *"] + [f"Disallow: {p}" for p in disallow] + ["", "User-agent: Baiduspider", "Allow: /", ""]
        self.add("/robots.txt", "\n".join(lines).encode(), "text/plain", conditional=True)

    def stubs(self) -> None:
        """Pages behind nav links and footer links that are not built otherwise: short lists of news."""
        targets = [href for _, href in self.nav] + ["/wzdt.html", "/lxwm.html", "/sitemap/"] + self.extra_stubs
        for href in targets:
            path = urlsplit(href).path
            if not href.startswith("/") or route_key(path) in self.content.resources:
                continue
            text = self.page("栏目", f'{chrome.breadcrumb_html([("首页", "/"), ("栏目", None)])}'
                             '<div class="list"><ul><li>暂无信息</li></ul></div>')
            self.add_page(path, text)

    # ------------------------------------------------------------ bodies
    def item_body(self, item: Item, attachment_links: str, href_of) -> str:
        """The article body of an item; `href_of(item)` gives the link to another item's article."""
        if item.kind == "report":
            return bodies.report_body(item, self.ctx.inline_html(item) if item.inline else "", attachment_links)
        if item.kind == "interpretation":
            report = self.by_key[item.about]
            self.add(f"/images/tujie_{report.year}.jpg", _PNG, "image/png")
            return bodies.interpretation_body(item, report, href_of(report))
        if item.kind == "notice":
            return bodies.notice_body(item, self.plan)
        return bodies.unrelated_body(item, self.plan)

    def assets(self) -> None:
        """The stylesheet, script and images every page references, so a browser's requests succeed."""
        for path, body, ctype in ASSETS:
            if route_key(path) not in self.content.resources:
                self.add(path, body, ctype)

    def finish(self) -> SiteContent:
        self.stubs()
        self.assets()
        return self.content


# A 1x1 grey PNG: logos and banners only need to exist.
_PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010800000000"
                     "3a7e9b550000000a4944415478da63f8ff1f0003ff01ff5a1f6ac40000000049454e44ae426082")
ASSETS = [
    ("/css/common.css", b"body{margin:0;font:14px/1.8 'Microsoft YaHei',SimSun;}.w1200{width:1200px;margin:0 auto;}"
                        b".nav ul li{float:left;}.list li span{float:right;}.footer{text-align:center;}", "text/css"),
    ("/js/jquery.min.js", b"/*! jQuery v1.12.4 | (c) jQuery Foundation | jquery.org/license (stub served by the farm) */",
     "application/javascript"),
    ("/images/logo.png", _PNG, "image/png"),
    ("/images/banner.jpg", _PNG, "image/png"),
    ("/images/jiucuo.png", _PNG, "image/png"),
    ("/images/dot.gif", _PNG, "image/png"),
]


def pages_of(items: list[Item], per_page: int) -> list[list[Item]]:
    return [items[i:i + per_page] for i in range(0, len(items), per_page)] or [[]]


def newest(items: list[Item]) -> dt.datetime:
    return midday(max(it.published for it in items)) if items else midday(dt.date(2019, 1, 1))
