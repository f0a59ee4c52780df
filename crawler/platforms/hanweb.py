"""Hanweb 大汉 jcms columns (``/col/col<columnid>/index.html``).

The column page embeds its first records as XML in a script block::

    <script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1…">]]>
    </nextgroup><recordset><record><![CDATA[<li><a href="/art/2024/1/18/art_…html" title="…">…</a>…]]></record>…

Further records only come from the data proxy: ``POST /module/web/jpage/dataproxy.jsp?startrecord=S&endrecord=E
&perpage=P`` with the form ``col=1&appid&webid&path&columnid&sourceContentType&unitid&webname&permissiontype``
(values found in the column page), answering the same datastore XML. We step ``startrecord`` by one proxy
window (``perpage`` × 3, as the jpage script does) until the total is reached or a window comes back short.
Attachments are ``/module/download/downfile.jsp?classid=0&filename=<hex>.<ext>``, answering 302 to the file.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

from crawler.platforms.base import ListingItem, ListingPage, PageRequest, Strategy, items_from_html

RECORD = re.compile(r"<record[^>]*>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.DOTALL | re.IGNORECASE)
DATASTORE = re.compile(r"<datastore", re.IGNORECASE)
PROXY = re.compile(r"""(/module/(?:web/)?jpage/dataproxy\.jsp[^"'<>\s]*)""", re.IGNORECASE)
TOTAL = re.compile(r"""(?:<totalrecord>\s*(\d+)\s*</totalrecord>|totalRecord\s*[:=]\s*['"]?(\d+))""", re.IGNORECASE)
PERPAGE = re.compile(r"""(?:<perpage>\s*(\d+)\s*</perpage>|perPage\s*[:=]\s*['"]?(\d+))""", re.IGNORECASE)
COLUMN_IN_URL = re.compile(r"/col/col(\d+)/")
PARAMS = ("col", "appid", "webid", "path", "columnid", "sourceContentType", "unitid", "webname", "permissiontype")
_PARAM_IN_JS = r"""(?<![A-Za-z]){name}\s*[=:]\s*['"]?([^&'",\s<>;}}]*)"""
PROXY_PATH = "/module/web/jpage/dataproxy.jsp"


def records(text: str, base_url: str) -> list[ListingItem]:
    items: list[ListingItem] = []
    for fragment in RECORD.findall(text):
        items.extend(items_from_html(f"<html><body><ul>{fragment}</ul></body></html>", base_url))
    return items


def _first_int(pattern: re.Pattern, text: str) -> int | None:
    m = pattern.search(text)
    if not m:
        return None
    return int(next(g for g in m.groups() if g))


def proxy_form(text: str, page_url: str) -> dict[str, str]:
    """The data-proxy form of a column: from the nextgroup link and the page's script, URL as fallback."""
    form: dict[str, str] = {}
    m = PROXY.search(text)
    if m:
        query = urlsplit(m.group(1).replace("&amp;", "&")).query
        for k, v in parse_qsl(query, keep_blank_values=True):
            if k in PARAMS:
                form[k] = v
    for name in PARAMS:
        if name not in form:
            found = re.search(_PARAM_IN_JS.format(name=name), text)
            if found and found.group(1):
                form[name] = unquote(found.group(1))
    if "columnid" not in form:
        col = COLUMN_IN_URL.search(page_url)
        if col:
            form["columnid"] = col.group(1)
    form.setdefault("col", "1")
    form.setdefault("appid", "1")
    form.setdefault("path", "/")
    form.setdefault("sourceContentType", "1")
    form.setdefault("permissiontype", "0")
    return form


class HanwebStrategy(Strategy):
    name = "hanweb"

    def detect(self, response) -> bool:
        text = response.text
        return bool(DATASTORE.search(text) and RECORD.search(text)) or "dataproxy.jsp" in text

    def parse_listing(self, response, info: dict) -> ListingPage:
        text = response.text
        items = records(text, response.url)
        total = _first_int(TOTAL, text)
        if info.get("proxy"):
            # A data-proxy answer: carry on from where this window ended.
            start, end, perpage = info["start"], info["end"], info["perpage"]
            total = total if total is not None else info.get("total")
            window = end - start + 1
            count = len(RECORD.findall(text))
            if not count or count < window or (total is not None and end >= total):
                return ListingPage(items=items)
            nxt = self._window(info["referer"], info["form"], end + 1, window, perpage, total)
            return ListingPage(items=items, next_pages=[nxt])
        if not DATASTORE.search(text):
            return super().parse_listing(response, info)
        perpage = _first_int(PERPAGE, text) or 15
        embedded = len(RECORD.findall(text))
        if total is not None and embedded >= total:
            return ListingPage(items=items)
        if total is None and embedded == 0:
            return ListingPage(items=items)
        form = proxy_form(text, response.url)
        window = perpage * 3
        nxt = self._window(response.url, form, embedded + 1, window, perpage, total)
        return ListingPage(items=items, next_pages=[nxt])

    @staticmethod
    def _window(referer: str, form: dict, start: int, window: int, perpage: int, total: int | None) -> PageRequest:
        end = start + window - 1
        if total is not None:
            end = min(end, total)
        url = urljoin(referer, f"{PROXY_PATH}?startrecord={start}&endrecord={end}&perpage={perpage}")
        return PageRequest(
            url, method="POST", formdata=dict(form), headers={"Referer": referer},
            info={"proxy": True, "start": start, "end": end, "perpage": perpage, "total": total,
                  "form": dict(form), "referer": referer},
        )
