"""Hanweb 大汉 jcms, as on 义乌, 东阳, 龙游 portals (portals.md §2).

- Column: `/col/col<columnid>/index.html`. Only the first page of records is in the page, as
  `<datastore><recordset><record><![CDATA[…]]></record>…` XML inside `<script type="text/xml">`,
  next to the jpage call that carries webid / unitid / webname.
- Further pages only through `POST /module/web/jpage/dataproxy.jsp?startrecord=&endrecord=&perpage=`
  with the form the jpage script sends (col, appid, webid, path, columnid, sourceContentType, unitid,
  webname, permissiontype). A GET, or a POST with the wrong column/unit, gets nothing.
- Articles: `/art/YYYY/M/D/art_<columnid>_<articleid>.html`, body in `div#zoom`.
- Attachments: `/module/download/downfile.jsp?classid=0&filename=<32hex>.<ext>` answers 302 to
  `/attach/0/<32hex>.<ext>`; the file name carries no title, only the anchor text does.
"""

from __future__ import annotations

from urllib.parse import quote

from farm.chrome import breadcrumb_html, esc
from farm.model import Item, Request, Resource, SiteContent, SitePlan
from farm.sites.common import BuildContext, SiteBuilder, midday, newest, stable_hex, stable_int

PER_PAGE = 10
PROXY = "/module/web/jpage/dataproxy.jsp"


def downfile_links(builder: SiteBuilder, item: Item) -> str:
    """Hanweb's attachment links: `downfile.jsp?classid=0&filename=<hex>.<ext>`, answered by a 302 to
    `/attach/0/<hex>.<ext>` (the jcms article pages and the xxgk annual-report module alike)."""
    links = []
    for att in item.attachments:
        ext = att.title.rsplit(".", 1)[1]
        name = f"{stable_hex(builder.plan.id, item.key, att.fmt)}.{ext}"
        att.url = f"/module/download/downfile.jsp?classid=0&filename={name}"
        att.file_url = f"/attach/0/{name}"
        builder.add_attachment(att.file_url, item, att)
        builder.add(att.url, b"", "text/html;charset=UTF-8", status=302, headers={"Location": att.file_url},
                    conditional=False)
        links.append(f'<p>附件：<a href="{esc(att.url)}" target="_blank">{esc(att.title)}</a></p>')
    return "\n".join(links)


class HanwebSite(SiteBuilder):
    def __init__(self, plan: SitePlan, ctx: BuildContext) -> None:
        super().__init__(plan, ctx)
        self.column_id = str(stable_int(plan.id, "column", digits=10))
        self.webid = str(stable_int(plan.id, "webid", digits=4))
        self.unitid = str(stable_int(plan.id, "unitid", digits=7))
        self.column = f"/col/col{self.column_id}/index.html"
        self.nav = [("首页", "/"), ("政务动态", f"/col/col{stable_int(plan.id, 'zwdt', digits=10)}/index.html"),
                    ("政务公开", "/col/col1229000000/index.html"), (plan.column_title, self.column),
                    ("政务服务", "/col/col1229000001/index.html"), ("互动交流", "/col/col1229000002/index.html")]

    def article_path(self, item: Item) -> str:
        d = item.published
        return f"/art/{d.year}/{d.month}/{d.day}/art_{self.column_id}_{stable_int(self.plan.id, item.key)}.html"

    def build(self) -> SiteContent:
        self.content.column_path = self.column
        for item in self.plan.items:
            item.url = self.article_path(item)
        for item in self.plan.items:
            if item.kind != "dead_link":
                self.build_article(item)
        self.build_column()
        self.content.handlers[PROXY] = self.dataproxy
        self.add("/module/jslib/jquery/jpage/jquery.page.min.js", b"/* jpage: pages a datastore via dataproxy.jsp */",
                 "application/javascript")
        self.content.handlers["/module/visitcount/articlehits.jsp"] = lambda request: Resource(
            b'document.write("128");', content_type="application/javascript", conditional=False)
        self.add_page("/", self.page(self.plan.name, f'<div class="box"><h3>政务公开</h3><ul><li><a href="{self.column}">'
                                     f'{esc(self.plan.column_title)}</a></li></ul></div>', current="首页"))
        self.robots(["/module/search/", "/module/xxgk/search.jsp", "/jcms/"])
        return self.finish()

    def record(self, item: Item) -> str:
        return (f'<record><![CDATA[<li><a href="{item.url}" title="{esc(item.title)}" target="_blank">{esc(item.title)}</a>'
                f'<span class="bt-data-time">{item.published:%Y-%m-%d}</span></li>]]></record>')

    def build_column(self) -> None:
        items = self.plan.items
        first = items[:PER_PAGE]
        webname = quote(self.plan.name)
        records = "\n".join(self.record(it) for it in first)
        crumbs = breadcrumb_html([("首页", "/"), ("政务公开", "/col/col1229000000/index.html"), (self.plan.column_title, None)])
        body = f"""{crumbs}
<div class="con-left"><div class="left-title">政务公开</div><ul><li class="on"><a href="{self.column}">{esc(self.plan.column_title)}</a></li></ul></div>
<div class="con-right"><div class="right-title">{esc(self.plan.column_title)}</div>
<div class="default_pgContainer" id="{self.unitid}">
<script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="{PROXY}?page=1&webid={self.webid}&path=/&columnid={self.column_id}&unitid={self.unitid}&webname={webname}&permissiontype=0"></a>]]></nextgroup>
<recordset>
{records}
</recordset>
</datastore></script>
</div>
<script type="text/javascript" src="/module/jslib/jquery/jpage/jquery.page.min.js"></script>
<script type="text/javascript">
$(document).ready(function(){{
  $('#{self.unitid}').jpage({{
    containerTag: 'div.default_pgContainer', pagerTag: 'div.default_pgPager', dataStore: dataStore,
    perPage: {PER_PAGE}, totalRecord: {len(items)}, groupSize: 1, proxyUrl: '{PROXY}',
    ajaxParam: {{ col: 1, appid: 1, webid: {self.webid}, path: '/', columnid: {self.column_id}, sourceContentType: 1,
                 unitid: {self.unitid}, webname: '{esc(self.plan.name)}', permissiontype: 0 }}
  }});
}});
</script>
<div class="default_pgPager"></div>
</div>"""
        text = self.page(self.plan.column_title, body, current=self.plan.column_title)
        self.add_page(self.column, text, last_modified=newest(first))
        self.content.listing_paths.append(self.column)

    def dataproxy(self, request: Request) -> Resource | None:
        """The jpage data proxy: records [startrecord, endrecord] (1-based, inclusive) of the column."""
        if request.method != "POST":
            return Resource(b"<html><body>Method Not Allowed</body></html>", status=405, conditional=False)
        params = {**request.query, **request.form}
        items = self.plan.items
        ok = (params.get("columnid") == self.column_id and params.get("unitid") == self.unitid
              and params.get("webid") == self.webid)
        try:
            start = max(1, int(params.get("startrecord", "1")))
            end = int(params.get("endrecord", str(start + PER_PAGE - 1)))
            perpage = max(1, int(params.get("perpage", str(PER_PAGE))))
        except ValueError:
            ok = False
        chosen = items[start - 1:end] if ok else []
        total = len(items) if ok else 0
        xml = (f'<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n<totalrecord>{total}</totalrecord>\n'
               f"<totalpage>{-(-total // perpage) if ok else 0}</totalpage>\n<recordset>\n"
               + "\n".join(self.record(it) for it in chosen) + "\n</recordset>\n</datastore>\n")
        return Resource(xml.encode("utf-8"), content_type="text/xml;charset=UTF-8", conditional=False)

    def build_article(self, item: Item) -> None:
        body = self.item_body(item, downfile_links(self, item), lambda other: other.url)
        source = item.agency or self.plan.name
        head = (f'<meta name="ArticleTitle" content="{esc(item.title)}">\n<meta name="PubDate" content="{item.published:%Y-%m-%d} 09:30">\n'
                f'<meta name="ContentSource" content="{esc(source)}">\n<meta name="ColumnName" content="{esc(self.plan.column_title)}">')
        crumbs = breadcrumb_html([("首页", "/"), ("政务公开", "/col/col1229000000/index.html"), (self.plan.column_title, self.column)])
        page_body = f"""{crumbs}
<div class="main-txt">
<div class="title"><h1>{esc(item.title)}</h1></div>
<div class="info"><span>发布日期：{item.published:%Y-%m-%d}</span><span>信息来源：{esc(source)}</span><span>浏览次数：<script language="javascript" src="/module/visitcount/articlehits.jsp?colid={self.column_id}&artid={item.url.rsplit('_', 1)[1][:-5]}"></script></span></div>
<div id="zoom">
{body}
</div>
<div class="dyfx"><a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></div>
</div>"""
        self.add_page(item.url, self.page(item.title, page_body, head=head), encoding=item.encoding,
                      last_modified=midday(item.published), delay=item.delay)


def build(plan: SitePlan, ctx: BuildContext) -> SiteContent:
    return HanwebSite(plan, ctx).build()
