"""The "eportal" CMS, as on xlgl.gov.cn (real sample 045), customs.gov.cn, bjjs.gov.cn (portals.md §6).

- Every page is `/eportal/ui?…`: the column `/eportal/ui?pageId=<n>`, articles
  `/eportal/ui?articleKey=<32hex>&columnId=<32hex>&pageId=<n>` (045's parameter order).
- The list module (`moduleId`, 32 hex) prints its first page; the pager's links are
  `onclick="queryArticleByCondition(this,'/eportal/ui?pageId=<n>&currentPage=<k>&moduleId=<id>&staticRequest=yes')"`
  with `href="javascript:;"`: the function POSTs the module's search form (`filter_LIKE_TITLE`, …) to that URL.
  This deployment pages only by that POST: a GET of the pager URL shows the first page again. (portals.md gives
  the pager URL; the form and the function are modelled on eportal's list template, not on a stored copy.)
- Attachments: `/eportal/fileDir/<site>/resource/cms/YYYY/MM/<YYYYMMDDhhmmss><5 digits>.<ext>` (eportal's file
  store; unverified in portals.md).
"""

from __future__ import annotations

from farm.chrome import breadcrumb_html, esc
from farm.model import Attachment, Item, Request, Resource, SiteContent, SitePlan
from farm.sites.common import BuildContext, newest, pages_of, stable_hex, stable_int
from farm.sites.simple import SimpleSite

PER_PAGE = 8
UI = "/eportal/ui"

QUERY_JS = """
function queryArticleByCondition(el, url) {
    var form = document.getElementById('searchForm_%s');
    form.action = url;
    form.submit();
}
"""


class EportalSite(SimpleSite):
    content_open = '<div class="article-content" id="zoom">'

    def __init__(self, plan: SitePlan, ctx: BuildContext) -> None:
        super().__init__(plan, ctx)
        self.page_id = str(stable_int(plan.id, "page", digits=7))
        self.article_page_id = str(stable_int(plan.id, "article-page", digits=7))
        self.module_id = stable_hex(plan.id, "module")
        self.column_key = stable_hex(plan.id, "column")
        self.file_dir = plan.id.split("-", 1)[1]
        self.column = f"{UI}?pageId={self.page_id}"
        self.nav = [("首页", "/"), ("政务公开", f"{UI}?pageId=1000001"), (plan.column_title, self.column),
                    ("政务服务", f"{UI}?pageId=1000002"), ("互动交流", f"{UI}?pageId=1000003")]
        self.listing_pages: dict[int, Resource] = {}

    def article_path(self, item: Item) -> str:
        return f"{UI}?articleKey={stable_hex(self.plan.id, item.key)}&columnId={self.column_key}&pageId={self.article_page_id}"

    def attachment_path(self, item: Item, index: int, att: Attachment) -> str:
        ext = att.title.rsplit(".", 1)[1]
        stamp = f"{item.published:%Y%m%d}0930{stable_int(item.key, index, digits=7)}"
        return f"/eportal/fileDir/{self.file_dir}/resource/cms/{item.published:%Y/%m}/{stamp}.{ext}"

    def build(self) -> SiteContent:
        self.content.column_path = self.column
        self.build_articles()
        self.build_lists()
        self.content.handlers[UI] = self.ui
        self.home()
        self.robots(["/eportal/fileDir/*/template/", "/eportal/search"])
        return self.finish()

    def stubs(self) -> None:
        """The other eportal pages the frame links to (`/eportal/ui?pageId=…`): stubs at their full address, never
        at the bare `/eportal/ui`, which would answer every unknown page (the dead link must stay dead)."""
        for _, href in self.nav:
            if "?" in href and href != self.column:
                self.add_page(href, self.page("栏目", '<div class="list"><ul><li>暂无信息</li></ul></div>'))
        self.nav, nav = [(t, h) for t, h in self.nav if "?" not in h], self.nav
        super().stubs()
        self.nav = nav

    def pager_url(self, k: int) -> str:
        return f"{UI}?pageId={self.page_id}&currentPage={k}&moduleId={self.module_id}&staticRequest=yes"

    def build_lists(self) -> None:
        pages = pages_of(self.plan.items, PER_PAGE)
        total = len(pages)
        crumbs = breadcrumb_html([("首页", "/"), ("政务公开", f"{UI}?pageId=1000001"), (self.plan.column_title, None)])
        for k, items in enumerate(pages, start=1):
            rows = "\n".join(f'<li><a href="{esc(it.url)}" target="_blank" title="{esc(it.title)}">{esc(it.title)}</a>'
                             f'<span class="date">{it.published:%Y-%m-%d}</span></li>' for it in items)

            def link(n: int, text: str) -> str:
                return (f'<a href="javascript:;" onclick="queryArticleByCondition(this,\'{esc(self.pager_url(n))}\')">'
                        f"{text}</a>")

            pager = [link(1, "首页")]
            if k > 1:
                pager.append(link(k - 1, "上一页"))
            pager += [f'<span class="current">{n}</span>' if n == k else link(n, str(n)) for n in range(1, total + 1)]
            if k < total:
                pager.append(link(k + 1, "下一页"))
            pager.append(link(total, "尾页"))
            body = f"""{crumbs}
<div class="eportal-list" id="{self.module_id}">
<div class="list-title">{esc(self.plan.column_title)}</div>
<form id="searchForm_{self.module_id}" name="searchForm" method="post" action="{esc(self.pager_url(k))}">
<input type="text" name="filter_LIKE_TITLE" value="" placeholder="标题">
<input type="hidden" name="filter_LIKE_SOURCE" value="">
<input type="hidden" name="filter_GE_PUBLISHED_TIME" value="">
<input type="hidden" name="filter_LE_PUBLISHED_TIME" value="">
<input type="button" value="查询" onclick="queryArticleByCondition(this,'{esc(self.pager_url(1))}')">
</form>
<ul class="list">
{rows}
</ul>
<div class="easysite-page-wrap">共{len(self.plan.items)}条 {" ".join(pager)} 当前第{k}/{total}页</div>
<script type="text/javascript">{QUERY_JS % self.module_id}</script>
</div>"""
            text = self.page(self.plan.column_title, body, current=self.plan.column_title)
            if k == 1:
                self.add_page(self.column, text, last_modified=newest(items))
                self.content.listing_paths.append(self.column)
            self.listing_pages[k] = Resource(text.encode("utf-8"), conditional=True, last_modified=newest(items))

    def ui(self, request: Request) -> Resource | None:
        """`/eportal/ui` beyond the static pages: the list module's POST paging."""
        q = request.query
        if q.get("pageId") != self.page_id:
            return None
        if request.method != "POST" or q.get("moduleId") != self.module_id or "filter_LIKE_TITLE" not in request.form:
            return self.listing_pages[1]  # GET (or a stray POST): the first page, whatever currentPage says
        try:
            k = int(q.get("currentPage", "1"))
        except ValueError:
            k = 1
        return self.listing_pages.get(k) or self.listing_pages[1]


def build(plan: SitePlan, ctx: BuildContext) -> SiteContent:
    return EportalSite(plan, ctx).build()
