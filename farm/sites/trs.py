"""TRS WCM (拓尔思) static publishing, as on 袁州区, 长春, 汉阳 portals (portals.md §1).

- Column: `/zfxxgk/zfxxgknb/` = `index.html`, then `index_1.html`, `index_2.html` …; the pager is
  not in the HTML, only a `createPageHTML(count, current, "index", "html")` script call
  (the function's definition is inline too, as TRS templates emit it).
- Articles: `<column>/YYYYMM/tYYYYMMDD_<docid>.html` (publication date, not report year), linked
  relatively (`./202401/t20240125_3378533.html`).
- Attachments: `P0YYYYMMDD<digits>.<ext>` in the same `YYYYMM/` folder, linked `./P0….pdf`.

Site options (`SitePlan.options`) give the older template as on 汉阳区: another column path, `.shtml`
pages (`createPageHTML(n, k, "index", "shtml")`), list rows in a `<TABLE>` instead of `<ul>`, and
`subcolumns`: the column root is a landing page of sub-columns per unit type (区政府 `qzf/`, 部门
`qzfgzbm/`, 街道 `xzjd/`, as on 汉阳/濂溪), each a TRS listing of its own with its own pager.
"""

from __future__ import annotations

import posixpath

from farm.chrome import breadcrumb_html, esc
from farm.model import Item, SiteContent, SitePlan
from farm.sites.common import BuildContext, SiteBuilder, midday, newest, pages_of, stable_int

COLUMN = "/zfxxgk/zfxxgknb/"
PER_PAGE = 10

CREATE_PAGE_JS = r"""
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
    if(_nPageCount == null || _nPageCount<=1){ return; }
    var nCurrIndex = _nCurrIndex || 0;
    if(nCurrIndex == 0){ document.write("<span class=\"disabled\">首页</span>&nbsp;<span class=\"disabled\">上一页</span>&nbsp;"); }
    else {
        document.write("<a href=\""+_sPageName+"."+_sPageExt+"\">首页</a>&nbsp;");
        if(nCurrIndex == 1) document.write("<a href=\""+_sPageName+"."+_sPageExt+"\">上一页</a>&nbsp;");
        else document.write("<a href=\""+_sPageName+"_" + (nCurrIndex-1) + "."+_sPageExt+"\">上一页</a>&nbsp;");
    }
    if(nCurrIndex == (_nPageCount-1)){ document.write("<span class=\"disabled\">下一页</span>&nbsp;<span class=\"disabled\">尾页</span>"); }
    else {
        document.write("<a href=\""+_sPageName+"_" + (nCurrIndex+1) + "."+_sPageExt+"\">下一页</a>&nbsp;");
        document.write("<a href=\""+_sPageName+"_" + (_nPageCount-1) + "."+_sPageExt+"\">尾页</a>");
    }
    document.write("&nbsp;共" + _nPageCount + "页");
}
"""


class TrsSite(SiteBuilder):
    nav = [("首页", "/"), ("政务动态", "/zwdt/"), ("政府信息公开", "/zfxxgk/"), ("政民互动", "/zmhd/"),
           ("办事服务", "/bsfw/"), ("走进", "/zj/")]
    extra_stubs = ["/zfxxgk/zfxxgkzn/", "/zfxxgk/zfxxgkzd/", "/zfxxgk/fdzdgknr/"]

    def __init__(self, plan: SitePlan, ctx: BuildContext) -> None:
        super().__init__(plan, ctx)
        self.column = plan.options.get("column", COLUMN)
        self.ext = plan.options.get("ext", "html")
        self.markup = plan.options.get("markup", "ul")
        self.subcolumns: list[tuple[str, str]] = [("qzf", "区政府"), ("qzfgzbm", "区政府工作部门"), ("xzjd", "街道（乡镇）")] \
            if plan.options.get("subcolumns") else []

    def folder_of(self, item: Item) -> str:
        """The (sub-)column folder an item is published in."""
        if not self.subcolumns:
            return self.column
        if item.kind == "dead_link" or item.admin_level == "部门":
            sub = "qzfgzbm"
        elif item.kind == "report" and item.admin_level != self.plan.level:
            sub = "xzjd"
        else:  # the government's own reports, and the 解读 / notices / news of the column
            sub = "qzf"
        return f"{self.column}{sub}/"

    def article_path(self, item: Item) -> str:
        docid = stable_int(self.plan.id, item.key)
        return f"{self.folder_of(item)}{item.published:%Y%m}/t{item.published:%Y%m%d}_{docid}.{self.ext}"

    @staticmethod
    def rel(from_folder: str, path: str) -> str:
        """A relative link as TRS writes them (`./202401/t….html`, `../202301/t….html`)."""
        link = posixpath.relpath(path, from_folder)
        return link if link.startswith("..") else "./" + link

    def build(self) -> SiteContent:
        plan = self.plan
        self.nav = [(t + plan.short if t == "走进" else t, h) for t, h in self.nav]
        self.content.column_path = self.column
        for item in plan.items:
            item.url = self.article_path(item)
        for item in plan.items:
            if item.kind != "dead_link":
                self.build_article(item)
        self.build_listings()
        self.build_home()
        self.robots(["/search/", "/protect/", "/wcm/"])
        return self.finish()

    def build_listings(self) -> None:
        """The column's listing pages (per sub-column when the column is split)."""
        plan = self.plan
        if self.subcolumns:
            self.build_landing()
            for sub, title in self.subcolumns:
                folder = f"{self.column}{sub}/"
                self.build_listing(folder, title, [it for it in plan.items if self.folder_of(it) == folder])
        else:
            self.build_listing(self.column, plan.column_title, plan.items)

    def sidebar(self) -> str:
        links = [("政府信息公开指南", "/zfxxgk/zfxxgkzn/"), ("政府信息公开制度", "/zfxxgk/zfxxgkzd/"),
                 ("法定主动公开内容", "/zfxxgk/fdzdgknr/"), (self.plan.column_title, self.column)]
        plan_title = self.plan.column_title
        cur = ' class="cur"'
        lis = "".join(f'<li{cur if t == plan_title else ""}><a href="{h}">{esc(t)}</a></li>' for t, h in links)
        return f'<div class="left-nav"><h3>政府信息公开</h3><ul>{lis}</ul></div>'

    @property
    def list_open(self) -> str:
        return '<TABLE width="100%" border="0" cellspacing="0" cellpadding="0" class="list">' if self.markup == "table" \
            else '<ul class="list">'

    @property
    def list_close(self) -> str:
        return "</TABLE>" if self.markup == "table" else "</ul>"

    def row(self, it: Item, href: str) -> str:
        shown = it.title if len(it.title) <= 30 else it.title[:29] + "…"
        if self.markup == "table":
            return (f'<TR><TD width="12"><IMG src="/images/dot.gif"></TD><TD align="left"><A href="{esc(href)}" '
                    f'target="_blank" title="{esc(it.title)}">{esc(shown)}</A></TD>\n'
                    f'<TD width="80" align="right">{it.published:%Y-%m-%d}</TD></TR>')
        return (f'<li><a href="{esc(href)}" title="{esc(it.title)}" target="_blank">{esc(shown)}</a>'
                f"<span>{it.published:%Y-%m-%d}</span></li>")

    def build_landing(self) -> None:
        """The column root of a site with sub-columns: a box per sub-column, its newest items and 更多."""
        boxes = []
        for sub, title in self.subcolumns:
            folder = f"{self.column}{sub}/"
            items = [it for it in self.plan.items if self.folder_of(it) == folder][:5]
            rows = "\n".join(self.row(it, self.rel(self.column, it.url)) for it in items)
            boxes.append(f'<div class="lm-box"><div class="lm-title"><span>{esc(title)}</span>'
                         f'<a class="more" href="./{sub}/">更多&gt;&gt;</a></div>\n{self.list_open}\n{rows}\n{self.list_close}</div>')
        crumbs = breadcrumb_html([("首页", "/"), ("政府信息公开", "/zfxxgk/"), (self.plan.column_title, self.column)])
        body = f"""{crumbs}
<div class="clearfix">{self.sidebar()}
<div class="right-list"><div class="list-title"><h2>{esc(self.plan.column_title)}</h2></div>
{"".join(boxes)}
</div></div>"""
        text = self.page(self.plan.column_title, body, current="政府信息公开")
        self.add_page(self.column, text, last_modified=newest(self.plan.items))
        self.add_page(f"{self.column}index.{self.ext}", text, last_modified=newest(self.plan.items))
        self.content.listing_paths.append(f"{self.column}index.{self.ext}")

    def build_listing(self, folder: str, title: str, all_items: list[Item]) -> None:
        pages = pages_of(all_items, PER_PAGE)
        trail = [("首页", "/"), ("政府信息公开", "/zfxxgk/"), (self.plan.column_title, self.column)]
        if folder != self.column:
            trail.append((title, folder))
        crumbs = breadcrumb_html(trail)
        for n, items in enumerate(pages):
            rows = [self.row(it, self.rel(folder, it.url)) for it in items]
            body = f"""{crumbs}
<div class="clearfix">{self.sidebar()}
<div class="right-list"><div class="list-title"><h2>{esc(title)}</h2></div>
{self.list_open}
{chr(10).join(rows)}
{self.list_close}
<div class="page"><script type="text/javascript">{CREATE_PAGE_JS}</script>
<script type="text/javascript">createPageHTML({len(pages)}, {n}, "index", "{self.ext}");</script></div>
</div></div>"""
            text = self.page(self.plan.column_title, body, current="政府信息公开")
            name = f"index.{self.ext}" if n == 0 else f"index_{n}.{self.ext}"
            self.add_page(folder + name, text, last_modified=newest(items))
            self.content.listing_paths.append(folder + name)
            if n == 0:
                self.add_page(folder, text, last_modified=newest(items))

    def build_article(self, item: Item) -> None:
        folder = item.url.rsplit("/", 1)[0] + "/"
        links = []
        for i, att in enumerate(item.attachments):
            name = f"P0{item.published:%Y%m%d}{stable_int(item.key, i, digits=12)}.{att.title.rsplit('.', 1)[1]}"
            att.url = folder + name
            self.add_attachment(att.url, item, att)
            links.append(f'<li><a href="./{name}" OLDSRC="/protect/{name}">{esc(att.title)}</a></li>')
        att_html = f'<div class="fj"><p>附件：</p><ul>{"".join(links)}</ul></div>' if links else ""
        body = self.item_body(item, att_html, lambda other: self.rel(folder, other.url))
        idx = self.plan.items.index(item)
        neighbours = [it for it in self.plan.items[max(0, idx - 2):idx + 3] if it is not item and it.kind != "dead_link"][:3]
        rel = "".join(f'<li><a href="{self.rel(folder, it.url)}">{esc(it.title)}</a></li>' for it in neighbours)
        crumbs = breadcrumb_html([("首页", "/"), ("政府信息公开", "/zfxxgk/"), (self.plan.column_title, self.column),
                                  ("正文", None)])
        source = item.agency or self.plan.name
        page_body = f"""{crumbs}
<div class="article">
<h1 class="title">{esc(item.title)}</h1>
<div class="info"><span>发布时间：{item.published:%Y-%m-%d} 10:{int(item.key[-2:]) % 60:02d}</span>
<span>来源：{esc(source)}</span><span>字号：[<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a>]</span></div>
<div class="view TRS_UEDITOR trs_paper_default trs_web">
{body}
</div>
<div class="share"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
<div class="related"><h3>相关文章</h3><ul>{rel}</ul></div>
</div>"""
        self.add_page(item.url, self.page(item.title, page_body), encoding=item.encoding,
                      last_modified=midday(item.published), delay=item.delay)

    def build_home(self) -> None:
        latest = "".join(f'<li><a href="{esc(it.url)}">{esc(it.title)}</a></li>' for it in self.plan.items[:5]
                         if it.kind != "dead_link")
        body = f"""<div class="banner"><img src="/images/banner.jpg" alt=""></div>
<div class="box"><h3>政务动态</h3><ul><li><a href="/zwdt/">{esc(self.plan.short)}召开常务会议</a></li></ul></div>
<div class="box"><h3><a href="/zfxxgk/">政府信息公开</a></h3><ul>
<li><a href="/zfxxgk/zfxxgkzn/">政府信息公开指南</a></li><li><a href="{self.column}">{esc(self.plan.column_title)}</a></li></ul>
<ul class="latest">{latest}</ul></div>"""
        self.add_page("/", self.page(self.plan.name, body, current="首页"))
        gk = f'{breadcrumb_html([("首页", "/"), ("政府信息公开", None)])}{self.sidebar()}'
        self.add_page("/zfxxgk/", self.page("政府信息公开", gk, current="政府信息公开"))


def build(plan: SitePlan, ctx: BuildContext) -> SiteContent:
    return TrsSite(plan, ctx).build()
