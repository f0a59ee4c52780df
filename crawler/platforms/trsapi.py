"""TRS front ends that page by a JS list API, as Fujian's provincial cluster (数字福建) serves them.

The column shows its first items statically (``<dl><dd><a href="./YYYYMM/tYYYYMMDD_N.htm">``) and loads the rest
with ``require(["list2.trsapi"], …)``, configured in the page with the cluster's document library
(``channelid``), the column's condition (``classsql: "chnlid=…"``), the sort, the page size (``prepage``) and the
record count (``recordCount: '57'``). The script POSTs that form with ``page=N`` (from 1) to ``/fjdzapp/search``
(or the ``url`` the page names), which answers JSON ``{"data": [{"doctitle", "chnldocurl", "docreltime"}],
"pageCount", …}`` (some deployments: ``docs`` with ``title``/``url``). We ask every page the count implies.
"""

from __future__ import annotations

import json
import math
import re
from urllib.parse import urljoin

from crawler.platforms.base import (ListingItem, ListingPage, PageRequest, Strategy, find_date, items_from_anchors,
                                    parse_html)

REQUIRE = re.compile(r"""require\(\s*\[\s*["'](list\d*\.trsapi)["']""")
API_PATH = "/fjdzapp/search"
FORM_KEYS = ("channelid", "sortfield", "classsql", "classcol", "classnum", "classsort", "cache", "templet")


def _param(text: str, name: str) -> str | None:
    m = re.search(rf"""(?<![\w.]){name}\s*[:=]\s*(?:"([^"]*)"|'([^']*)'|(\d+))""", text)
    if not m:
        return None
    return next(g for g in m.groups() if g is not None)


def api_config(text: str) -> dict | None:
    """The list API's form, endpoint, page size and record count from the page's script, or None."""
    m = REQUIRE.search(text)
    if not m:
        return None
    block = text[m.start():m.start() + 4000]
    form = {k: v for k in FORM_KEYS if (v := _param(block, k)) is not None}
    if "channelid" not in form or "classsql" not in form:
        return None
    prepage = int(_param(block, "prepage") or _param(block, "pagesize") or 10)
    count = _param(block, "recordCount") or _param(block, "recordcount") or _param(text, "recordCount")
    return {"url": _param(block, "url") or API_PATH, "form": form, "prepage": prepage,
            "count": int(count) if count and count.isdigit() else None}


class TrsApiStrategy(Strategy):
    name = "trsapi"

    def detect(self, response) -> bool:
        return bool(REQUIRE.search(response.text)) and api_config(response.text) is not None

    def parse_listing(self, response, info: dict) -> ListingPage:
        if info.get("trsapi"):
            return self._parse_api(response, info)
        text = response.text
        doc = parse_html(text, response.url)
        items = items_from_anchors(doc.iter("a"), response.url)
        config = api_config(text)
        if config is None:
            return super().parse_listing(response, info)
        url = urljoin(response.url, config["url"])
        per = config["prepage"]
        pages = math.ceil(config["count"] / per) if config["count"] else None
        if pages is None:  # no count in the page: ask page 2 and follow the answer's pageCount
            return ListingPage(items=items, next_pages=[self._page(url, config, 2, response.url)])
        # Page 1 is what the page shows statically; ask it too (the static list may be shorter than a page).
        return ListingPage(items=items, next_pages=[self._page(url, config, k, response.url) for k in range(1, pages + 1)])

    @staticmethod
    def _page(url: str, config: dict, page: int, referer: str, fanned: bool = True) -> PageRequest:
        form = dict(config["form"], page=str(page), prepage=str(config["prepage"]))
        return PageRequest(url, method="POST", formdata=form,
                           headers={"Referer": referer, "X-Requested-With": "XMLHttpRequest"},
                           info={"trsapi": True, "page": page, "config": config, "referer": referer, "fanned": fanned})

    def _parse_api(self, response, info: dict) -> ListingPage:
        try:
            data = json.loads(response.text)
        except ValueError:
            return ListingPage()
        docs = data.get("data") or data.get("docs") or [] if isinstance(data, dict) else []
        items = []
        for doc in docs if isinstance(docs, list) else []:
            if not isinstance(doc, dict):
                continue
            url = doc.get("chnldocurl") or doc.get("docpuburl") or doc.get("url")
            title = doc.get("doctitle") or doc.get("title")
            if url and title:
                items.append(ListingItem(url=urljoin(response.url, url), title=str(title).strip(),
                                         published=find_date(str(doc.get("docreltime") or doc.get("pubdate") or ""))))
        pages: list[PageRequest] = []
        if not info.get("fanned") and docs:
            try:
                count = int(data.get("pageCount") or data.get("pagecount") or 0)
            except (TypeError, ValueError):
                count = 0
            pages = [self._page(response.url, info["config"], k, info["referer"]) for k in range(1, count + 1)]
        return ListingPage(items=items, next_pages=pages)
