"""Hanweb's 信息公开目录 annual-report module (``/module/xxgk/xxgkAnnualReport.jsp?area=<unit>&fbtime=<year>``;
portals.md §2 "xxgk module": 瓯海, 微山, 滨州高新区, 丽水).

Reports are not listed in a column: a page (a Hanweb column, or the module itself) holds a form whose action is
``xxgkAnnualReport.jsp`` with a ``<select name="area">`` of reporting units and a ``<select name="fbtime">`` of years.
We ask the module for every unit × year. Its answer is the unit's report of that year rendered in place (an item
at the page's own URL, titled by its heading), a short list when the unit posted several (a re-post, a 更正), or a
"暂无" page. A source may also give one ``xxgkAnnualReport.jsp?area=…&fbtime=…`` URL directly.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode, urljoin, urlsplit

from crawler.classify import classify_title
from crawler.platforms.base import (ListingItem, ListingPage, PageRequest, Strategy, article_titles, clean_text,
                                    items_from_anchors, parse_html)

JSP = re.compile(r"xxgkAnnualReport\.jsp", re.IGNORECASE)


def selector_requests(doc, base_url: str) -> list[str]:
    """Every unit × year URL the page's annual-report form can ask for."""
    urls: list[str] = []
    for form in doc.iter("form"):
        action = form.get("action") or ""
        if not JSP.search(action):
            continue
        selects = {s.get("name"): [o.get("value") or clean_text(o.text_content()) for o in s.iter("option")]
                   for s in form.iter("select") if s.get("name")}
        hidden = {i.get("name"): i.get("value") or "" for i in form.iter("input")
                  if i.get("name") and (i.get("type") or "").lower() == "hidden"}
        areas = [a for a in selects.get("area", []) if a]
        years = [y for y in selects.get("fbtime", []) if y]
        for area in areas:
            for year in years:
                urls.append(urljoin(base_url, f"{action.split('?')[0]}?{urlencode({'area': area, 'fbtime': year, **hidden})}"))
    return urls


class XxgkStrategy(Strategy):
    name = "xxgk"

    def detect(self, response) -> bool:
        if JSP.search(urlsplit(response.url).path):
            return True
        doc = parse_html(response.text, response.url)
        return bool(selector_requests(doc, response.url))

    def parse_listing(self, response, info: dict) -> ListingPage:
        doc = parse_html(response.text, response.url)
        if not JSP.search(urlsplit(response.url).path):
            items = items_from_anchors(doc.iter("a"), response.url)
            return ListingPage(items=items, next_pages=[PageRequest(u, info={"xxgk": True})
                                                        for u in selector_requests(doc, response.url)])
        # A unit × year page: several postings listed, or the report itself.
        listed = [it for it in items_from_anchors(doc.iter("a"), response.url) if JSP.search(it.url)
                  and it.url != response.url]
        if listed:
            return ListingPage(items=listed)
        title = next((t for t in article_titles(response.text, response.url) if classify_title(t).is_report), None)
        if title:
            return ListingPage(items=[ListingItem(url=response.url, title=title)])
        return ListingPage()
