"""VSB 博达 sites, as on 商洛, 咸宁 portals (portals.md §5).

- Column: `/zwgk/zfxxgknb.htm` (newest first), further pages `/zwgk/zfxxgknb/<n>.htm` where n counts
  from the oldest page: with 3 pages, page two is `zfxxgknb/2.htm` and the last is `zfxxgknb/1.htm`.
  The pager is VSB's `span.p_pages` block (首页 上页 1 2 3 下页 尾页) plus a go-to-page form.
- Articles: `/info/<col>/<id>.htm`, linked relatively (`../info/…` / `../../info/…`), body in `#vsb_content`.
- Attachments: `/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=<n>&wbfileid=<n>`,
  answered with the file and a Content-Disposition naming it.
"""

from __future__ import annotations

from farm.chrome import breadcrumb_html, esc
from farm.model import Item, SiteContent, SitePlan
from farm.sites.common import BuildContext, SiteBuilder, midday, newest, pages_of, stable_int

LIST = "/zwgk/zfxxgknb"
PER_PAGE = 10


class VsbSite(SiteBuilder):
    def __init__(self, plan: SitePlan, ctx: BuildContext) -> None:
        super().__init__(plan, ctx)
        self.col = stable_int(plan.id, "col", digits=4)
        self.owner = stable_int(plan.id, "owner", digits=10)
        self.nav = [("网站首页", "/index.htm"), (plan.short[:2] + "要闻", "/zwdt/yw.htm"), ("政务公开", "/zwgk.htm"),
                    ("政府信息公开年报", LIST + ".htm"), ("政务服务", "/zwfw.htm"), ("互动交流", "/hdjl.htm")]

    def build(self) -> SiteContent:
        self.content.column_path = LIST + ".htm"
        for item in self.plan.items:
            item.url = f"/info/{self.col}/{stable_int(self.plan.id, item.key, digits=5)}.htm"
        for item in self.plan.items:
            if item.kind != "dead_link":
                self.build_article(item)
        self.build_lists()
        home = self.page(self.plan.name, f'<div class="box"><h3>政务公开</h3><ul><li><a href="{LIST[1:]}.htm">'
                                         f'{esc(self.plan.column_title)}</a></li></ul></div>', current="网站首页")
        self.add_page("/index.htm", home)
        self.add_page("/", home)
        self.robots(["/system/resource/", "/_sitegray/", "/_visitcountdisplay"])
        return self.finish()

    def page_path(self, k: int, total: int) -> str:
        """Path of the k-th page counted from the newest (k = 0 is the list itself)."""
        return f"{LIST}.htm" if k == 0 else f"{LIST}/{total - k}.htm"

    def build_lists(self) -> None:
        pages = pages_of(self.plan.items, PER_PAGE)
        total = len(pages)
        name = LIST.rsplit("/", 1)[1]
        for k, items in enumerate(pages):
            up = "../" if k == 0 else "../../"

            def href(j: int) -> str:  # link from page k to page j
                if k == 0:
                    return f"{name}.htm" if j == 0 else f"{name}/{total - j}.htm"
                return f"../{name}.htm" if j == 0 else f"{total - j}.htm"

            rows = "\n".join(
                f'<li id="line_u8_{i}"><a href="{up}{it.url[1:]}" target="_blank" title="{esc(it.title)}">{esc(it.title)}</a>'
                f"<span>{it.published:%Y-%m-%d}</span></li>" for i, it in enumerate(items))
            pager = [f"<span class=\"p_t\">共{len(self.plan.items)}条</span>&nbsp;&nbsp;<span class=\"p_t\">{k + 1}/{total}</span>&nbsp;",
                     '<span class="p_pages">']
            if k == 0:
                pager.append('<span class="p_first_d p_fun_d">首页</span><span class="p_prev_d p_fun_d">上页</span>')
            else:
                pager.append(f'<span class="p_first p_fun"><a href="{href(0)}">首页</a></span>'
                             f'<span class="p_prev p_fun"><a href="{href(k - 1)}">上页</a></span>')
            for j in range(total):
                pager.append(f'<span class="p_no_d">{j + 1}</span>' if j == k
                             else f'<span class="p_no"><a href="{href(j)}">{j + 1}</a></span>')
            if k == total - 1:
                pager.append('<span class="p_next_d p_fun_d">下页</span><span class="p_last_d p_fun_d">尾页</span>')
            else:
                pager.append(f'<span class="p_next p_fun"><a href="{href(k + 1)}">下页</a></span>'
                             f'<span class="p_last p_fun"><a href="{href(total - 1)}">尾页</a></span>')
            pager.append("</span>")
            pager.append(f'<span class="p_goto"><script language="javascript" type="text/javascript">'
                         f"function a{self.col}_gopage_fun(){{_simple_list_gotopage_fun({total},'a{self.col}GOPAGE',2)}}</script>"
                         f'转到第<input type="text" name="a{self.col}GOPAGE" id="a{self.col}GOPAGE" size="2">页</span>')
            crumbs = breadcrumb_html([("网站首页", up + "index.htm"), ("政务公开", up + "zwgk.htm"), (self.plan.column_title, None)])
            body = f"""{crumbs}
<div class="list-right"><h2>{esc(self.plan.column_title)}</h2>
<ul class="list">
{rows}
</ul>
<div class="pb_sys_common pb_sys_normal pb_sys_style1">{"".join(pager)}</div>
</div>"""
            path = self.page_path(k, total)
            self.add_page(path, self.page(self.plan.column_title, body, current="政府信息公开年报"),
                          last_modified=newest(items))
            self.content.listing_paths.append(path)

    def build_article(self, item: Item) -> None:
        links = []
        for i, att in enumerate(item.attachments):
            fid = stable_int(self.plan.id, item.key, i, digits=7)
            att.url = f"/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner={self.owner}&wbfileid={fid}"
            self.add_attachment(att.url, item, att, download_name=True)
            links.append(f'<li>附件【<a href="{esc(att.url)}" target="_blank">{esc(att.title)}</a>】已下载'
                         f'<span id="nattach{fid}"><script language="javascript">getClickTimes({fid},{self.owner},"wbnewsfile","attach")</script></span>次</li>')
        att_html = f'<ul style="list-style-type:none;">{"".join(links)}</ul>' if links else ""
        # VSB prints the attachment list after the content block, inside the news form.
        body = self.item_body(item, "", lambda other: f"../../{other.url[1:]}")
        source = item.agency or self.plan.name
        crumbs = breadcrumb_html([("网站首页", "../../index.htm"), ("政务公开", "../../zwgk.htm"),
                                  (self.plan.column_title, f"../../{LIST[1:]}.htm"), ("正文", None)])
        page_body = f"""{crumbs}
<form name="_newscontent_fromname">
<div class="content-title"><h1>{esc(item.title)}</h1>
<div class="content-info">发布时间：{item.published:%Y-%m-%d} 来源：{esc(source)} 点击数：<script>_showDynClicks("wbnews", {self.owner}, {item.url.rsplit('/', 1)[1][:-4]})</script></div></div>
<div id="vsb_content"><div class="v_news_content">
{body}
</div></div>
<div>{att_html}</div>
</form>"""
        self.add_page(item.url, self.page(item.title, page_body), encoding=item.encoding,
                      last_modified=midday(item.published), delay=item.delay)


def build(plan: SitePlan, ctx: BuildContext) -> SiteContent:
    return VsbSite(plan, ctx).build()
