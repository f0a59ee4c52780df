"""A plain portal with ordinary 下一页 links and uuid article paths, as on 宿迁, 清远, 大通 (portals.md §4).

- Column: `/sqsrmzf/gknb/index.shtml`, then `index_2.shtml` … linked by 首页 / 上一页 / 下一页 / 尾页
  anchors (no script needed).
- Articles: `/<site>/<column>/YYYYMM/<32-hex uuid>.shtml`, with a metadata table (索引号, 发布机构, 文号,
  文件下载) above the body in `div.article-content`.
- Attachments: `/attachment/cmsfile/<site>/<column>/YYYYMM/daofile/<hex>.<ext>`.
"""

from __future__ import annotations

from farm.chrome import breadcrumb_html, esc
from farm.model import Item, SiteContent, SitePlan
from farm.sites.common import BuildContext, SiteBuilder, midday, newest, pages_of, stable_hex, stable_int

SITE_DIR = "/sqsrmzf"
COLUMN = f"{SITE_DIR}/gknb/"
PER_PAGE = 8


class GenericSite(SiteBuilder):
    def __init__(self, plan: SitePlan, ctx: BuildContext) -> None:
        super().__init__(plan, ctx)
        self.nav = [("首页", "/"), ("新闻中心", f"{SITE_DIR}/xwzx/"), ("政务公开", f"{SITE_DIR}/zwgk/"),
                    (plan.column_title, COLUMN + "index.shtml"), ("政务服务", f"{SITE_DIR}/zwfw/"), ("政民互动", f"{SITE_DIR}/zmhd/")]

    def build(self) -> SiteContent:
        self.content.column_path = COLUMN + "index.shtml"
        for item in self.plan.items:
            item.url = f"{COLUMN}{item.published:%Y%m}/{stable_hex(self.plan.id, item.key)}.shtml"
        for item in self.plan.items:
            if item.kind != "dead_link":
                self.build_article(item)
        self.build_lists()
        self.add_page("/", self.page(self.plan.name, f'<div class="box"><h3>政务公开</h3><ul><li><a href="{COLUMN}index.shtml">'
                                     f'{esc(self.plan.column_title)}</a></li></ul></div>', current="首页"))
        self.robots(["/sqsrmzf/search/", "/cms/"])
        return self.finish()

    def build_lists(self) -> None:
        pages = pages_of(self.plan.items, PER_PAGE)
        total = len(pages)

        def name(j: int) -> str:
            return "index.shtml" if j == 0 else f"index_{j + 1}.shtml"

        for k, items in enumerate(pages):
            rows = "\n".join(
                f'<tr><td class="bt"><a href="{it.url}" target="_blank" title="{esc(it.title)}">{esc(it.title)}</a></td>'
                f'<td class="rq">{it.published:%Y-%m-%d}</td></tr>' for it in items)
            nav = [f'<a href="{name(0)}">首页</a>']
            if k > 0:
                nav.append(f'<a href="{name(k - 1)}">上一页</a>')
            if k < total - 1:
                nav.append(f'<a href="{name(k + 1)}">下一页</a>')
            nav.append(f'<a href="{name(total - 1)}">尾页</a>')
            crumbs = breadcrumb_html([("首页", "/"), ("政务公开", f"{SITE_DIR}/zwgk/"), (self.plan.column_title, None)])
            body = f"""{crumbs}
<div class="list-con"><div class="list-tit">{esc(self.plan.column_title)}</div>
<table class="list-table" width="100%"><tbody>
{rows}
</tbody></table>
<div class="fanye">共{len(self.plan.items)}条记录 第{k + 1}/{total}页 {" ".join(nav)}</div>
</div>"""
            path = COLUMN + name(k)
            self.add_page(path, self.page(self.plan.column_title, body, current=self.plan.column_title),
                          last_modified=newest(items))
            self.content.listing_paths.append(path)
            if k == 0:
                self.add_page(COLUMN, self.page(self.plan.column_title, body), last_modified=newest(items))

    def build_article(self, item: Item) -> None:
        links = []
        for att in item.attachments:
            ext = att.title.rsplit(".", 1)[1]
            att.url = f"/attachment/cmsfile{COLUMN}{item.published:%Y%m}/daofile/{stable_hex(item.key, att.fmt, n=20)}.{ext}"
            self.add_attachment(att.url, item, att)
            links.append(f'<a href="{att.url}">{esc(att.title)}</a>')
        source = item.agency or self.plan.name
        index_no = f"{stable_int(self.plan.id, 'org', digits=9)}/{item.published:%Y}-{int(item.key[-3:]):05d}"
        meta = f"""<table class="xxgk-meta" width="100%"><tbody>
<tr><th>索引号</th><td>{index_no}</td><th>主题分类</th><td>政务公开</td></tr>
<tr><th>发布机构</th><td>{esc(source)}</td><th>发文日期</th><td>{item.published:%Y-%m-%d}</td></tr>
<tr><th>标题</th><td colspan="3">{esc(item.title)}</td></tr>
<tr><th>文号</th><td></td><th>文件下载</th><td>{" ".join(links)}</td></tr>
</tbody></table>"""
        body = self.item_body(item, "", lambda other: other.url)
        crumbs = breadcrumb_html([("首页", "/"), ("政务公开", f"{SITE_DIR}/zwgk/"), (self.plan.column_title, COLUMN + "index.shtml")])
        page_body = f"""{crumbs}
{meta}
<div class="article"><h1>{esc(item.title)}</h1>
<div class="article-info">发布时间：{item.published:%Y-%m-%d} 来源：{esc(source)}</div>
<div class="article-content">
{body}
</div></div>"""
        self.add_page(item.url, self.page(item.title, page_body), encoding=item.encoding,
                      last_modified=midday(item.published), delay=item.delay)


def build(plan: SitePlan, ctx: BuildContext) -> SiteContent:
    return GenericSite(plan, ctx).build()
