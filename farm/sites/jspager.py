"""A listing only a browser can page (farm platform `browser`): the pattern of script-rendered county portals
such as the Shaanxi `Content-<id>.html` CMS (宁陕, 安康: real samples 021, 035; their list pages are not in
portals.md, so the list markup here is a composite of such front ends, not a copy of one).

- Column: `/zwgk/zfxxgknb/List-<col>.html` shows the first page of items (`<ul id="newsList"><li><a href="/Content-<id>.html">`).
- The pager is `<a href="javascript:void(0)" class="next" onclick="nextPage()">下一页</a>`: the script asks
  `GET /api/list/<col>?p=<k>&t=<token>`, where the token is computed by the page's script from the column id and the
  page number, and writes the answered `<li>` rows into the list. There is no URL of page 2 in the page: a crawler
  that does not run the script sees only the first page.
- Articles `/Content-<id>.html` (body `div.content`), attachments `/uploadfiles/YYYYMM/<hex>.<ext>`.
"""

from __future__ import annotations

from farm.chrome import breadcrumb_html, esc
from farm.model import Attachment, Item, Request, Resource, SiteContent, SitePlan
from farm.sites.common import BuildContext, newest, pages_of, stable_hex, stable_int
from farm.sites.simple import SimpleSite

PER_PAGE = 8

LIST_JS = """
var listState = {page: 1, pages: %(pages)d, col: '%(col)s'};
function pageToken(p) {
    var key = listState.col + ':' + p, s = 7;
    for (var i = 0; i < key.length; i++) { s = (s * 31 + key.charCodeAt(i)) %% 1000003; }
    return s.toString(16);
}
function nextPage() {
    if (listState.page >= listState.pages) { return; }
    var p = listState.page + 1;
    var xhr = new XMLHttpRequest();
    xhr.open('GET', '/api/list/' + listState.col + '?p=' + p + '&t=' + pageToken(p));
    xhr.onload = function () {
        if (xhr.status !== 200) { return; }
        document.getElementById('newsList').innerHTML = xhr.responseText;
        listState.page = p;
        document.getElementById('pageInfo').textContent = p + '/' + listState.pages;
        if (p >= listState.pages) { document.getElementById('nextBtn').className = 'next disabled'; }
    };
    xhr.send();
}
"""


def page_token(col: str, page: int) -> str:
    """What the page's `pageToken` computes (the walker in tests/support/browse.py mimics it the same way)."""
    s = 7
    for ch in f"{col}:{page}":
        s = (s * 31 + ord(ch)) % 1000003
    return format(s, "x")


class JsPagerSite(SimpleSite):
    content_open = '<div class="content" id="content">'

    def __init__(self, plan: SitePlan, ctx: BuildContext) -> None:
        super().__init__(plan, ctx)
        self.col = str(stable_int(plan.id, "col", digits=3))
        self.column = f"/zwgk/zfxxgknb/List-{self.col}.html"
        self.api = f"/api/list/{self.col}"
        self.nav = [("首页", "/"), ("政务公开", "/List-100.html"), (plan.column_title, self.column), ("政务服务", "/List-200.html")]
        self.rows: dict[int, str] = {}

    def article_path(self, item: Item) -> str:
        return f"/Content-{stable_int(self.plan.id, item.key)}.html"

    def attachment_path(self, item: Item, index: int, att: Attachment) -> str:
        return f"/uploadfiles/{item.published:%Y%m}/{stable_hex(item.key, index, n=24)}.{att.title.rsplit('.', 1)[1]}"

    def build(self) -> SiteContent:
        self.content.column_path = self.column
        self.build_articles()
        pages = pages_of(self.plan.items, PER_PAGE)
        for k, items in enumerate(pages, start=1):
            self.rows[k] = "\n".join(f'<li><a href="{esc(it.url)}" target="_blank" title="{esc(it.title)}">{esc(it.title)}</a>'
                                     f'<span class="date">{it.published:%Y-%m-%d}</span></li>' for it in items)
        crumbs = breadcrumb_html([("首页", "/"), ("政务公开", "/List-100.html"), (self.plan.column_title, None)])
        body = f"""{crumbs}
<div class="list-box"><div class="list-title">{esc(self.plan.column_title)}</div>
<ul id="newsList" class="list">
{self.rows[1]}
</ul>
<div class="pager"><a href="javascript:void(0)" id="nextBtn" class="next{' disabled' if len(pages) == 1 else ''}" onclick="nextPage()">下一页</a>
<span id="pageInfo">1/{len(pages)}</span></div>
<script type="text/javascript">{LIST_JS % {"pages": len(pages), "col": self.col}}</script>
</div>"""
        self.add_page(self.column, self.page(self.plan.column_title, body, current=self.plan.column_title),
                      last_modified=newest(pages[0]))
        self.content.listing_paths.append(self.column)
        self.content.handlers[self.api] = self.list_api
        self.home()
        self.robots(["/admin/"])
        return self.finish()

    def list_api(self, request: Request) -> Resource | None:
        try:
            k = int(request.query.get("p", ""))
        except ValueError:
            return None
        if k not in self.rows or request.query.get("t") != page_token(self.col, k):
            return Resource(b"", status=403, content_type="text/html; charset=utf-8", conditional=False)
        return Resource(self.rows[k].encode("utf-8"), content_type="text/html; charset=utf-8", conditional=False)


def build(plan: SitePlan, ctx: BuildContext) -> SiteContent:
    return JsPagerSite(plan, ctx).build()
