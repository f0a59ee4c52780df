"""TRS front end with a JS list API, as on Fujian's provincial cluster (数字福建: www.fujian.gov.cn, gxt., sthjt.,
scjgj.fujian.gov.cn and the county portals on it).

- Column: `/zwgk/zfxxgkzl/zfxxgknb/` (= `index.htm`). Only the first ten items are in the HTML, as
  `<dl><dd><a href="./YYYYMM/tYYYYMMDD_<docid>.htm" title="…">…</a><span>YYYY-MM-DD</span></dd>…</dl>`; there is no
  `index_N.htm` and no `createPageHTML`. The rest is loaded by a script: `require(["list2.trsapi"], …)` with the
  cluster's document library (`channelid`), the column's condition (`classsql: "chnlid=<id>"`), the sort, the page
  size (`prepage`) and the record count (`recordCount: '57'`).
- The list API: `POST /fjdzapp/search` with the form `channelid, sortfield, classsql, classcol, classnum, classsort,
  cache, page, prepage` (page counts from 1) answers JSON `{"page", "pageCount", "total", "data": [{"doctitle",
  "chnldocurl", "docreltime", …}]}` — the form and the field names are those public crawlers of Fujian's sites post
  and read (portals.md does not describe this platform; the `require` block's exact keys are modelled on them).
  A wrong `channelid`/`classsql` gets an empty list.
- Articles and attachments as on every TRS site: `YYYYMM/tYYYYMMDD_<docid>.htm`, `./P0….pdf` next to them.
"""

from __future__ import annotations

import json

from farm.chrome import breadcrumb_html, esc
from farm.model import Item, Request, Resource, SiteContent, SitePlan
from farm.sites.common import BuildContext, newest, stable_int
from farm.sites.trs import TrsSite

PER_PAGE = 10
API = "/fjdzapp/search"
CHANNEL_ID = "229105"  # the cluster's document library, the same on every Fujian site


class TrsApiSite(TrsSite):
    def __init__(self, plan: SitePlan, ctx: BuildContext) -> None:
        super().__init__(plan, ctx)
        self.chnlid = str(stable_int(plan.id, "chnlid", digits=5))
        self.classsql = f"chnlid={self.chnlid}"

    def build_listings(self) -> None:
        """The first ten items in the page; the rest only through the list API the page's script asks."""
        self.build_api_listing()
        self.content.handlers[API] = self.search
        self.add("/static/js/require.js", b"/* RequireJS 2.3.6 (stub served by the farm) */", "application/javascript")
        self.add("/static/js/list2.trsapi.js", b"/* list2.trsapi: POSTs to /fjdzapp/search, renders dd rows */",
                 "application/javascript")

    def build_api_listing(self) -> None:
        items = self.plan.items
        first = items[:PER_PAGE]
        rows = "\n".join(f'<dd><a href="{esc(self.rel(self.column, it.url))}" title="{esc(it.title)}" target="_blank">'
                         f'{esc(it.title)}</a><span>{it.published:%Y-%m-%d}</span></dd>' for it in first)
        crumbs = breadcrumb_html([("首页", "/"), ("政府信息公开", "/zfxxgk/"), (self.plan.column_title, None)])
        body = f"""{crumbs}
<div class="clearfix">{self.sidebar()}
<div class="right-list"><div class="list-title"><h2>{esc(self.plan.column_title)}</h2></div>
<div class="gl_list" id="list"><dl>
{rows}
</dl></div>
<div class="pagination" id="pagination"></div>
<script src="/static/js/require.js"></script>
<script type="text/javascript">
require(["list2.trsapi"], function (list) {{
    list.init({{
        url: "{API}",
        channelid: "{CHANNEL_ID}",
        classsql: "{self.classsql}",
        sortfield: "-docorderpri,-docreltime",
        classcol: "publishyear", classnum: "100", classsort: "0", cache: "true",
        prepage: {PER_PAGE},
        recordCount: '{len(items)}',
        container: "#list dl", pager: "#pagination"
    }});
}});
</script>
</div></div>"""
        text = self.page(self.plan.column_title, body, current="政府信息公开")
        self.add_page(self.column, text, last_modified=newest(first))
        self.add_page(f"{self.column}index.{self.ext}", text, last_modified=newest(first))
        self.content.listing_paths.append(f"{self.column}index.{self.ext}")

    def doc(self, item: Item) -> dict:
        return {"docid": stable_int(self.plan.id, item.key), "doctitle": item.title,
                "chnldocurl": self.base_url + item.url, "docreltime": f"{item.published:%Y-%m-%d} 10:30:00",
                "chnlid": int(self.chnlid), "publishyear": str(item.published.year)}

    def search(self, request: Request) -> Resource:
        params = {**request.query, **request.form}
        ok = params.get("channelid") == CHANNEL_ID and params.get("classsql") == self.classsql
        try:
            page = max(1, int(params.get("page", "1")))
            per = max(1, min(500, int(params.get("prepage", str(PER_PAGE)))))
        except ValueError:
            ok, page, per = False, 1, PER_PAGE
        items = self.plan.items if ok else []
        chosen = items[(page - 1) * per:page * per]
        data = {"page": page, "pageCount": -(-len(items) // per), "total": len(items),
                "data": [self.doc(it) for it in chosen]}
        return Resource(json.dumps(data, ensure_ascii=False).encode("utf-8"),
                        content_type="application/json;charset=UTF-8", conditional=False)


def build(plan: SitePlan, ctx: BuildContext) -> SiteContent:
    return TrsApiSite(plan, ctx).build()
