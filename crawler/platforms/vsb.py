"""VSB 博达 sites: articles ``/info/<column>/<id>.htm``, listing ``/<list>.htm`` then ``/<list>/<n>.htm``.

The pager (``<span class="p_pages">``, ``共N条 1/M``) links ``下页``/``尾页`` and numbered pages. Page numbers
count from the *oldest* page, so the first page after ``<list>.htm`` is ``<list>/<M-1>.htm``; we follow every
numbered link of the list's own folder, so the direction does not matter.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from crawler.platforms.base import (ListingPage, PageRequest, Strategy, items_from_anchors, items_from_scripts,
                                    pager_links, parse_html)

INFO = re.compile(r"/info/\d+/\d+\.htm")
MARKERS = ("Visual SiteBuilder", "/system/resource/", "vsbscreen", "_sitegray", "VsbUser", "p_pages")


def list_name(url: str) -> tuple[str, str]:
    """(folder, name) of a VSB list URL: ``/zfxxgk/nb.htm`` → (``/zfxxgk/``, ``nb``); ``/zfxxgk/nb/3.htm`` too."""
    path = urlsplit(url).path
    m = re.match(r"^(.*/)([^/]+)/\d+\.htm$", path)
    if m:
        return m.group(1), m.group(2)
    m = re.match(r"^(.*/)([^/]+)\.htm$", path)
    if m:
        return m.group(1), m.group(2)
    return path.rsplit("/", 1)[0] + "/", ""


class VsbStrategy(Strategy):
    name = "vsb"

    def detect(self, response) -> bool:
        text = response.text
        return any(m in text for m in MARKERS) or len(INFO.findall(text)) >= 3

    def parse_listing(self, response, info: dict) -> ListingPage:
        doc = parse_html(response.text, response.url)
        items = items_from_anchors(doc.iter("a"), response.url) + items_from_scripts(doc, response.url)
        folder, name = list_name(response.url)
        pages: list[str] = []
        numbered = re.compile(rf"^{re.escape(folder)}{re.escape(name)}/(\d+)\.htm$") if name else None
        highest = 0
        for a in doc.iter("a"):
            href = (a.get("href") or "").strip()
            if not href:
                continue
            url = urljoin(response.url, href)
            path = urlsplit(url).path
            if numbered is not None:
                m = numbered.match(path)
                if m:
                    pages.append(url)
                    highest = max(highest, int(m.group(1)))
        if numbered is not None and highest:
            # 尾页/下页 links reveal the numbering; every page 1…highest exists.
            pages.extend(urljoin(response.url, f"{folder}{name}/{n}.htm") for n in range(1, highest + 1))
        if not pages:
            pages = pager_links(doc, response.url)
        return ListingPage(items=items, next_pages=[PageRequest(u) for u in dict.fromkeys(pages)])
