"""An ASP.NET WebForms portal, as gk.ziyang.gov.cn (`year_details.aspx?dept=&id=`, `department.aspx?id=`) and
zmhd.dsz.gov.cn (`PublicDetail.aspx?id=`) (portals.md §6).

- Column: `/xxgk/year_list.aspx` (the list page's name is assumed; its detail pages are `year_details.aspx?dept=<d>&id=<id>`
  as on 资阳). The whole list sits in `<form name="form1" method="post" action="./year_list.aspx" id="form1">` with
  the hidden `__EVENTTARGET`, `__EVENTARGUMENT`, `__VIEWSTATE`, `__VIEWSTATEGENERATOR`, `__EVENTVALIDATION`.
- Pager: Webdiyer's AspNetPager, the usual one on Chinese ASP.NET sites: `<a href="javascript:__doPostBack('AspNetPager1','3')">3</a>`,
  下一页, 尾页. A page beyond the first exists only as the answer to that POST; the server checks that
  `__EVENTVALIDATION` belongs to the posted `__VIEWSTATE` (else the ASP.NET error page, HTTP 500).
- Attachments: `/UpLoadFile/YYYYMMDD/<digits>.<ext>`.
"""

from __future__ import annotations

import base64
import hashlib

from farm.chrome import breadcrumb_html, esc
from farm.model import Attachment, Item, Request, Resource, SiteContent, SitePlan
from farm.sites.common import BuildContext, newest, pages_of, stable_int
from farm.sites.simple import SimpleSite

PER_PAGE = 8
LIST = "/xxgk/year_list.aspx"
PAGER = "AspNetPager1"

DO_POSTBACK_JS = """
//<![CDATA[
var theForm = document.forms['form1'];
if (!theForm) {
    theForm = document.form1;
}
function __doPostBack(eventTarget, eventArgument) {
    if (!theForm.onsubmit || (theForm.onsubmit() != false)) {
        theForm.__EVENTTARGET.value = eventTarget;
        theForm.__EVENTARGUMENT.value = eventArgument;
        theForm.submit();
    }
}
//]]>
"""

ERROR_PAGE = """<html><head><title>回发或回调参数无效。</title></head><body><span><H1>“/”应用程序中的服务器错误。<hr width=100% size=1 color=silver></H1>
<h2><i>回发或回调参数无效。</i></h2></span><p>Invalid postback or callback argument.</p></body></html>""".encode("utf-8")


class AspnetSite(SimpleSite):
    content_open = '<div class="detail" id="zoom">'

    def __init__(self, plan: SitePlan, ctx: BuildContext) -> None:
        super().__init__(plan, ctx)
        self.generator = f"{stable_int(plan.id, 'gen', digits=8):08X}"[:8]
        self.units = [plan.name] + plan.departments + plan.townships
        self.nav = [("首页", "/"), ("信息公开", "/xxgk/index.aspx"), (plan.column_title, LIST), ("部门信息公开", "/department.aspx?id=40")]
        self.listing_pages: dict[int, Resource] = {}

    def dept_of(self, item: Item) -> int:
        for i, unit in enumerate(self.units):
            if item.agency and (item.agency == unit or item.agency.startswith(unit)):
                return 38 + i
        return 38

    def article_path(self, item: Item) -> str:
        return f"/xxgk/year_details.aspx?dept={self.dept_of(item)}&id={stable_int(self.plan.id, item.key, digits=5)}"

    def attachment_path(self, item: Item, index: int, att: Attachment) -> str:
        return f"/UpLoadFile/{item.published:%Y%m%d}/{stable_int(item.key, index, digits=12)}.{att.title.rsplit('.', 1)[1]}"

    def viewstate(self, k: int) -> str:
        raw = f"/wEPDwUKMTM1NjA0|{self.plan.id}|{PAGER}.CurrentPageIndex={k}|".encode()
        return base64.b64encode(raw + hashlib.sha256(raw).digest()[:20]).decode()

    def validation(self, viewstate: str) -> str:
        return base64.b64encode(hashlib.sha256(f"{self.generator}|{viewstate}".encode()).digest()[:24]).decode()

    def build(self) -> SiteContent:
        self.content.column_path = LIST
        self.build_articles()
        self.build_lists()
        self.content.handlers[LIST] = self.postback
        self.home()
        self.add_page("/xxgk/index.aspx", self.page("信息公开", f'<div class="box"><a href="{LIST}">{esc(self.plan.column_title)}</a></div>'))
        self.add_page("/department.aspx?id=40", self.page("部门信息公开", '<div class="box"><ul><li>暂无信息</li></ul></div>'))
        self.robots(["/admin/", "/WebResource.axd"])
        return self.finish()

    def build_lists(self) -> None:
        pages = pages_of(self.plan.items, PER_PAGE)
        total = len(pages)
        crumbs = breadcrumb_html([("首页", "/"), ("信息公开", "/xxgk/index.aspx"), (self.plan.column_title, None)])
        for k, items in enumerate(pages, start=1):
            rows = "\n".join(
                f'<tr><td class="title"><a href="{esc(it.url.rsplit("/", 1)[1])}" target="_blank" title="{esc(it.title)}">{esc(it.title)}</a></td>'
                f'<td class="date">{it.published:%Y-%m-%d}</td></tr>' for it in items)

            def post(n: int, text: str) -> str:
                return f"<a href=\"javascript:__doPostBack('{PAGER}','{n}')\">{text}</a>"

            pager = [post(1, "首页") if k > 1 else '<a disabled="disabled">首页</a>',
                     post(k - 1, "上一页") if k > 1 else '<a disabled="disabled">上一页</a>']
            pager += [f'<span class="cpb">{n}</span>' if n == k else post(n, str(n)) for n in range(1, total + 1)]
            pager += [post(k + 1, "下一页") if k < total else '<a disabled="disabled">下一页</a>',
                      post(total, "尾页") if k < total else '<a disabled="disabled">尾页</a>']
            state = self.viewstate(k)
            body = f"""{crumbs}
<form name="form1" method="post" action="./year_list.aspx" id="form1">
<div class="aspNetHidden">
<input type="hidden" name="__EVENTTARGET" id="__EVENTTARGET" value="" />
<input type="hidden" name="__EVENTARGUMENT" id="__EVENTARGUMENT" value="" />
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="{state}" />
</div>
<script type="text/javascript">{DO_POSTBACK_JS}</script>
<div class="aspNetHidden">
<input type="hidden" name="__VIEWSTATEGENERATOR" id="__VIEWSTATEGENERATOR" value="{self.generator}" />
<input type="hidden" name="__EVENTVALIDATION" id="__EVENTVALIDATION" value="{self.validation(state)}" />
</div>
<div class="list-box"><div class="list-title">{esc(self.plan.column_title)}</div>
<table id="GridView1" class="list" cellspacing="0" border="0" style="width:100%;border-collapse:collapse;">
{rows}
</table>
<div id="{PAGER}" class="paginator">{"&nbsp;".join(pager)}&nbsp;共{len(self.plan.items)}条 第{k}/{total}页</div>
</div>
</form>"""
            text = self.page(self.plan.column_title, body, current=self.plan.column_title)
            if k == 1:
                self.add_page(LIST, text, last_modified=newest(items))
                self.content.listing_paths.append(LIST)
            self.listing_pages[k] = Resource(text.encode("utf-8"), conditional=True, last_modified=newest(items))

    def postback(self, request: Request) -> Resource | None:
        if request.method != "POST":
            return self.listing_pages[1]
        form = request.form
        state = form.get("__VIEWSTATE", "")
        if not state or form.get("__EVENTVALIDATION") != self.validation(state) or \
                state not in {self.viewstate(k) for k in self.listing_pages}:
            return Resource(ERROR_PAGE, status=500, conditional=False)
        if form.get("__EVENTTARGET") != PAGER:
            return self.listing_pages[1]
        try:
            k = int(form.get("__EVENTARGUMENT", "1"))
        except ValueError:
            return Resource(ERROR_PAGE, status=500, conditional=False)
        return self.listing_pages.get(k) or self.listing_pages[1]


def build(plan: SitePlan, ctx: BuildContext) -> SiteContent:
    return AspnetSite(plan, ctx).build()
