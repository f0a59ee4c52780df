"""Guangdong 政府信息公开目录平台 (gkmlpt).

Listings exist only as JSON: ``GET /gkmlpt/api/all/<category>?page=N&sid=<site id>`` answers
``{"total": N, "articles": [{"title", "url" | "post_url", "display_publish_time" | "create_time", …}]}``.
The site id is in the catalogue page's script (``SID: '755031'``); the category of the report column is the
``#<id>`` of a catalogue URL (a source may also give the API URL itself). Articles are
``…/content/post_<id>.html``; attachments ``/attachment/0/<a>/<b>/<id>.<ext>``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from crawler.platforms.base import ListingItem, ListingPage, PageRequest, Strategy, find_date

SID = re.compile(r"""\bSID\b\s*[:=]\s*['"]?(\d+)""", re.IGNORECASE)
SID_QUERY = re.compile(r"[?&]sid=(\d+)")
CATEGORY = re.compile(r"""(?:\bCAT(?:EGORY)?_?ID\b|\bcatid\b)\s*[:=]\s*['"]?(\d+)""", re.IGNORECASE)
API = re.compile(r"/gkmlpt/api/all/(\d+)")
REPORT_CATEGORY = re.compile(r"""\{[^{}]*?["']?id["']?\s*:\s*["']?(\d+)["']?[^{}]*?(?:年报|年度报告)[^{}]*\}""")


def _fmt_time(value) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.isdigit()):
        seconds = int(value)
        if seconds > 10**11:  # milliseconds
            seconds //= 1000
        return dt.datetime.fromtimestamp(seconds, dt.timezone(dt.timedelta(hours=8))).date().isoformat()
    return find_date(str(value))


def api_url(base: str, category: str, sid: str | None, page: int) -> str:
    query = {"page": str(page)}
    if sid:
        query["sid"] = sid
    return urljoin(base, f"/gkmlpt/api/all/{category}?{urlencode(query)}")


def _with_page(url: str, page: int) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query["page"] = str(page)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


class GkmlptStrategy(Strategy):
    name = "gkmlpt"

    def detect(self, response) -> bool:
        return "/gkmlpt/" in response.url or "gkmlpt" in response.text[:200000]

    def first_requests(self, source) -> list[PageRequest]:
        if API.search(source.url):
            query = dict(parse_qsl(urlsplit(source.url).query))
            page = int(query.get("page", 1))
            return [PageRequest(_with_page(source.url, page), info={"api": True, "page": page})]
        # The catalogue page: the category is its #fragment, which never reaches the server.
        fragment = urlsplit(source.url).fragment
        info = {"category": fragment} if fragment.isdigit() else {}
        return [PageRequest(source.url, info=info)]

    def parse_listing(self, response, info: dict) -> ListingPage:
        if info.get("api") or API.search(response.url):
            return self._parse_api(response, info)
        text = response.text
        sid = SID.search(text) or SID_QUERY.search(text) or SID_QUERY.search(response.url)
        category = info.get("category") or (info.get("fragment") if str(info.get("fragment", "")).isdigit() else None)
        if not category:
            m = REPORT_CATEGORY.search(text) or CATEGORY.search(text) or API.search(text)
            category = m.group(1) if m else "0"
        first = api_url(response.url, category, sid.group(1) if sid else None, 1)
        # The catalogue page itself may also list items as links (server-side rendered variant).
        page = super().parse_listing(response, info)
        return ListingPage(items=page.items, next_pages=[PageRequest(first, info={"api": True, "page": 1})])

    def _parse_api(self, response, info: dict) -> ListingPage:
        try:
            data = json.loads(response.text)
        except ValueError:
            return ListingPage()
        articles = data.get("articles") or data.get("data") or []
        if isinstance(articles, dict):
            articles = articles.get("articles") or articles.get("list") or []
        items = []
        for art in articles:
            if not isinstance(art, dict):
                continue
            url = art.get("url") or art.get("post_url") or art.get("link")
            title = art.get("title") or art.get("name") or ""
            if not url or not title:
                continue
            published = _fmt_time(art.get("display_publish_time") or art.get("publish_time")
                                  or art.get("first_publish_time") or art.get("create_time") or art.get("date"))
            items.append(ListingItem(url=urljoin(response.url, url), title=str(title).strip(), published=published))
        page = int(info.get("page", 1))
        pages: list[PageRequest] = []
        if articles and not info.get("fanned_out"):
            total = data.get("total")
            try:
                count = math.ceil(int(total) / len(articles))
            except (TypeError, ValueError):
                count = None
            if count is not None:
                # Sites differ on whether pages count from 0 or 1: ask for 0…count, duplicates collapse.
                for p in range(0, count + 1):
                    if p != page:
                        pages.append(PageRequest(_with_page(response.url, p),
                                                 info={"api": True, "page": p, "fanned_out": True}))
            else:
                pages.append(PageRequest(_with_page(response.url, page + 1), info={"api": True, "page": page + 1}))
        return ListingPage(items=items, next_pages=pages)
