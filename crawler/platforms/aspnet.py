"""ASP.NET WebForms listings (``*.aspx``; portals.md §6: 资阳 ``year_details.aspx``, ``PublicDetail.aspx``).

Pages beyond the first exist only as the answer to a postback: the pager (AspNetPager, GridView) links
``javascript:__doPostBack('<target>','<argument>')``, and the script submits the page's form with
``__EVENTTARGET``/``__EVENTARGUMENT`` set, along with the page's ``__VIEWSTATE`` and ``__EVENTVALIDATION``. We build
each postback with Scrapy's ``FormRequest.from_response`` (the form as the page has it, hidden fields included) for
every pager link whose text is a page number or 下一页/尾页.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from scrapy.http import FormRequest

from crawler.platforms.base import NEXT_PAGE_TEXTS, ListingPage, PageRequest, Strategy, clean_text, items_from_anchors, parse_html

POSTBACK = re.compile(r"""__doPostBack\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]*)['"]\s*\)""")


class AspnetStrategy(Strategy):
    name = "aspnet"

    def detect(self, response) -> bool:
        text = response.text
        return "__VIEWSTATE" in text and bool(POSTBACK.search(text))

    def parse_listing(self, response, info: dict) -> ListingPage:
        doc = parse_html(response.text, response.url)
        items = []
        postbacks: list[tuple[str, str]] = []
        for a in doc.iter("a"):
            m = POSTBACK.search(a.get("href") or "")
            if m:
                label = clean_text(a.text_content()).lower()
                if label.isdigit() or label in NEXT_PAGE_TEXTS:
                    postbacks.append((m.group(1), m.group(2)))
            else:
                items += items_from_anchors([a], response.url)
        if not postbacks:
            return ListingPage(items=items + super().parse_listing(response, info).items,
                               next_pages=super().parse_listing(response, info).next_pages)
        form = doc.xpath("//form[.//input[@name='__VIEWSTATE']]")
        formid = form[0].get("id") if form else None
        pages = []
        for target, argument in dict.fromkeys(postbacks):
            request = FormRequest.from_response(
                response, formid=formid, dont_click=True,
                formdata={"__EVENTTARGET": target, "__EVENTARGUMENT": argument})
            pages.append(PageRequest(request.url, method="POST",
                                     formdata=dict(parse_qsl(request.body.decode(response.encoding or "utf-8"),
                                                             keep_blank_values=True)),
                                     headers={"Referer": response.url},
                                     identity=f"postback {target} {argument}"))
        return ListingPage(items=items, next_pages=pages)
