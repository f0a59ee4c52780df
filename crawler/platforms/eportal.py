"""The "eportal" CMS (``/eportal/ui?pageId=…``; portals.md §6).

A list module prints its first page; its pager links are ``href="javascript:;"`` with
``onclick="queryArticleByCondition(this,'/eportal/ui?pageId=<n>&currentPage=<k>&moduleId=<id>&staticRequest=yes')"``,
and the function POSTs the module's search form (``filter_LIKE_TITLE`` …) to that URL. We POST that form, with its
fields as the page has them, to every pager URL. Articles ``/eportal/ui?articleKey=…&columnId=…&pageId=…``.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin

from crawler.platforms.base import ListingPage, PageRequest, Strategy, items_from_anchors, parse_html

QUERY = re.compile(r"""queryArticleByCondition\(\s*this\s*,\s*['"]([^'"]+)['"]""")


def module_form(doc, module_id: str | None) -> dict[str, str]:
    """The fields of the list module's search form (the one queryArticleByCondition submits)."""
    forms = [f for f in doc.iter("form") if module_id and module_id in (f.get("id") or "")] or \
        [f for f in doc.iter("form") if (f.get("method") or "").lower() == "post"]
    fields: dict[str, str] = {}
    if forms:
        for inp in forms[0].iter("input", "select", "textarea"):
            name = inp.get("name")
            if name and (inp.get("type") or "").lower() not in ("button", "submit", "image", "reset"):
                fields[name] = inp.get("value") or ""
    return fields


class EportalStrategy(Strategy):
    name = "eportal"

    def detect(self, response) -> bool:
        return "/eportal/ui" in response.url and bool(QUERY.search(response.text)) or \
            bool(QUERY.search(response.text) and "/eportal/ui?" in response.text)

    def parse_listing(self, response, info: dict) -> ListingPage:
        text = response.text
        doc = parse_html(text, response.url)
        items = items_from_anchors(doc.iter("a"), response.url)
        urls = list(dict.fromkeys(urljoin(response.url, html.unescape(u)) for u in QUERY.findall(text)))
        if not urls:
            return super().parse_listing(response, info)
        module = re.search(r"moduleId=([0-9a-fA-F]{16,})", urls[0])
        form = module_form(doc, module.group(1) if module else None) or {"filter_LIKE_TITLE": ""}
        pages = [PageRequest(u, method="POST", formdata=dict(form), headers={"Referer": response.url}) for u in urls]
        return ListingPage(items=items, next_pages=pages)
