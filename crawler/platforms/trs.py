"""TRS WCM (拓尔思) static sites.

The pager is not in the HTML: the template writes ``createPageHTML(count, current, "index", "html")`` and a
script builds the links. Page 0 is ``index.html``, page k is ``index_k.html`` in the same folder (extension
as the call says: ``html``/``shtml``/``htm``). Some templates set ``var countPage = N`` instead. Items are
relative links ``./YYYYMM/tYYYYMMDD_<id>.html``; attachments sit next to the article (``./P0….pdf``).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from crawler.platforms.base import (ListingPage, PageRequest, Strategy, items_from_anchors, items_from_scripts,
                                    pager_links, parse_html)

CREATE_PAGE = re.compile(r"createPageHTML\s*\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"](\w+)['\"]\s*,\s*['\"](\w+)['\"]")
# Newer templates name the pager's element first and the record count last:
# createPageHTML('page_div', 13, 1, 'index', 'shtml', 195)
CREATE_PAGE_DIV = re.compile(r"createPageHTML\s*\(\s*['\"][^'\"]*['\"]\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,"
                             r"\s*['\"](\w+)['\"]\s*,\s*['\"](\w+)['\"]")
COUNT_PAGE = re.compile(r"var\s+countPage\s*=\s*['\"]?(\d+)")
CURRENT_PAGE = re.compile(r"var\s+currentPage\s*=\s*['\"]?(\d+)")


def page_urls(listing_url: str, count: int, current: int, name: str = "index", ext: str = "html") -> list[str]:
    """URLs of every page of a column but ``current`` (page 0 is ``name.ext``, page k ``name_k.ext``)."""
    path_tail = listing_url.split("?")[0].rsplit("/", 1)[-1]
    if path_tail and "." not in path_tail:  # a column root without its trailing slash
        listing_url = listing_url.split("?")[0] + "/"
    urls = []
    for k in range(count):
        if k == current:
            continue
        urls.append(urljoin(listing_url, f"{name}.{ext}" if k == 0 else f"{name}_{k}.{ext}"))
    return urls


def pager_call(text: str) -> tuple[int, int, str, str] | None:
    m = CREATE_PAGE.search(text)
    if m:
        return int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
    m = CREATE_PAGE_DIV.search(text)
    if m:  # whether `current` counts from 0 or 1 differs between templates: ask for every page
        return int(m.group(1)), -1, m.group(3), m.group(4)
    m = COUNT_PAGE.search(text)
    if m:
        cur = CURRENT_PAGE.search(text)
        return int(m.group(1)), int(cur.group(1)) if cur else 0, "index", "html"
    return None


class TrsStrategy(Strategy):
    name = "trs"

    def detect(self, response) -> bool:
        text = response.text
        return bool(CREATE_PAGE.search(text) or CREATE_PAGE_DIV.search(text) or COUNT_PAGE.search(text)) or bool(
            re.search(r"href=[\"']\.?/?\d{6}/t\d{8}_\d+", text))

    def parse_listing(self, response, info: dict) -> ListingPage:
        text = response.text
        doc = parse_html(text, response.url)
        items = items_from_anchors(doc.iter("a"), response.url) + items_from_scripts(doc, response.url)
        call = pager_call(text)
        if call is not None:
            count, current, name, ext = call
            # Only page 0 knows it is the start; every page states the count, so any page can fan out
            # (the spider drops pages it has already seen).
            pages = [PageRequest(u) for u in page_urls(response.url, count, current, name, ext)]
        else:
            pages = [PageRequest(u) for u in pager_links(doc, response.url)]
        return ListingPage(items=items, next_pages=pages)
