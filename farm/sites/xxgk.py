"""Hanweb's 信息公开目录 (xxgk) annual-report module, as on 瓯海, 微山, 滨州高新区, 丽水 (portals.md §2,
"xxgk module"): reports are not listed in a column but fetched per reporting unit and year.

- Column: a Hanweb column page `/col/col<id>/index.html` whose body is the module's selector: a form with
  `action="/module/xxgk/xxgkAnnualReport.jsp"`, `<select name="area">` (one option per unit: its code, as Ouhai's
  internal hierarchical codes `001008003012…`) and `<select name="fbtime">` (the years). No link lists the reports:
  the page's script builds `xxgkAnnualReport.jsp?area=<unit>&fbtime=<year>` from the form. Under the selector, a box
  of related pages (解读, notices, other news) as ordinary Hanweb `/art/…` links.
- `xxgkAnnualReport.jsp?area=&fbtime=`: the unit's report of that year, rendered in place (title, body in
  `div#zoom`, attachments); "暂无…年度报告" when the unit has none. When a unit has several postings for a year
  (a re-post, a 更正) the page lists them, each `…&infoid=<id>&showType=2` (the variant with title and date) — the
  listing variant and `infoid` are modelled, not seen in portals.md.
- Attachments as on Hanweb: `/module/download/downfile.jsp?classid=0&filename=<32hex>.<ext>` → 302 → `/attach/0/…`.
"""

from __future__ import annotations

from farm.chrome import breadcrumb_html, esc
from farm.model import Attachment, Item, SiteContent, SitePlan
from farm.plan import YEARS, _agency_of_unit
from farm.sites.common import BuildContext, midday, newest, stable_int
from farm.sites.hanweb import downfile_links
from farm.sites.simple import SimpleSite

JSP = "/module/xxgk/xxgkAnnualReport.jsp"
AREA_PREFIX = "001008003012"


class XxgkSite(SimpleSite):
    content_open = '<div id="zoom">'

    def __init__(self, plan: SitePlan, ctx: BuildContext) -> None:
        super().__init__(plan, ctx)
        self.column_id = str(stable_int(plan.id, "column", digits=10))
        self.column = f"/col/col{self.column_id}/index.html"
        names = [plan.name] + plan.departments + plan.townships
        self.units = [(f"{AREA_PREFIX}{i + 1:03d}", _agency_of_unit(n) if n != plan.name else n, n)
                      for i, n in enumerate(names)]
        self.nav = [("首页", "/"), ("政务公开", "/col/col1229000000/index.html"), (plan.column_title, self.column),
                    ("政务服务", "/col/col1229000001/index.html")]

    def trail(self):
        return [("首页", "/"), ("政务公开", "/col/col1229000000/index.html"), (self.plan.column_title, self.column)]

    @staticmethod
    def jsp(area: str, year: int) -> str:
        return f"{JSP}?area={area}&fbtime={year}"

    def attachments_html(self, item: Item) -> str:
        return downfile_links(self, item)

    def attachment_path(self, item: Item, index: int, att: Attachment) -> str:  # pragma: no cover - not used
        return ""

    def article_path(self, item: Item) -> str:
        d = item.published
        return f"/art/{d.year}/{d.month}/{d.day}/art_{self.column_id}_{stable_int(self.plan.id, item.key)}.html"

    def build(self) -> SiteContent:
        self.content.column_path = self.column
        by_unit_year: dict[tuple[str, int], list[Item]] = {}
        agencies = {agency: area for area, agency, _ in self.units}
        for item in self.plan.items:
            if item.is_report and item.agency in agencies:
                by_unit_year.setdefault((agencies[item.agency], item.year), []).append(item)
        for (area, year), items in by_unit_year.items():
            if len(items) == 1:
                items[0].url = self.jsp(area, year)
            else:
                for it in items:
                    it.url = f"{self.jsp(area, year)}&infoid={stable_int(self.plan.id, it.key)}&showType=2"
        self.build_articles()  # noise items get Hanweb /art/ pages; reports get their jsp URL
        for area, agency, name in self.units:
            for year in YEARS:
                items = by_unit_year.get((area, year), [])
                if len(items) != 1:
                    self.unit_year_page(area, name, year, items)
        self.build_column()
        self.home()
        self.robots(["/module/search/", "/jcms/"])
        return self.finish()

    def unit_year_page(self, area: str, name: str, year: int, items: list[Item]) -> None:
        crumbs = breadcrumb_html(self.trail() + [(f"{name}{year}年度报告", None)])
        if items:
            rows = "\n".join(f'<tr><td><a href="{esc(it.url)}" target="_blank">{esc(it.title)}</a></td>'
                             f'<td>{it.published:%Y-%m-%d}</td></tr>' for it in sorted(items, key=lambda i: i.published))
            inner = f'<table class="nb-list" width="100%"><tr><th>标题</th><th>发布日期</th></tr>\n{rows}\n</table>'
            when = newest(items)
        else:
            inner = f'<div class="nodata">{esc(name)}暂无{year}年度政府信息公开工作年度报告。</div>'
            when = midday(self.plan.items[-1].published)
        path = self.jsp(area, year)
        self.add_page(path, self.page(f"{name}{year}年度报告", f"{crumbs}\n<div class=\"xxgk-nb\">{inner}</div>"),
                      last_modified=when)
        self.content.listing_paths.append(path)

    def build_column(self) -> None:
        areas = "\n".join(f'<option value="{area}">{esc(name)}</option>' for area, _, name in self.units)
        years = "\n".join(f'<option value="{y}">{y}年</option>' for y in sorted(YEARS, reverse=True))
        related = [it for it in self.plan.items if not it.is_report]
        rows = "\n".join(f'<li><a href="{esc(it.url)}" title="{esc(it.title)}" target="_blank">{esc(it.title)}</a>'
                         f'<span>{it.published:%Y-%m-%d}</span></li>' for it in related)
        crumbs = breadcrumb_html([("首页", "/"), ("政务公开", "/col/col1229000000/index.html"), (self.plan.column_title, None)])
        body = f"""{crumbs}
<div class="xxgk-annual">
<div class="right-title">{esc(self.plan.column_title)}</div>
<form id="annualForm" name="annualForm" action="{JSP}" method="get" target="_blank">
<label>公开单位：</label><select name="area" id="area">
{areas}
</select>
<label>年度：</label><select name="fbtime" id="fbtime">
{years}
</select>
<input type="button" value="查看年报" onclick="showAnnualReport()">
</form>
<script type="text/javascript">
function showAnnualReport() {{
    var f = document.getElementById('annualForm');
    window.open('{JSP}?area=' + f.area.value + '&fbtime=' + f.fbtime.value);
}}
</script>
<div class="xgxx"><div class="xgxx-title">年报解读及相关信息</div><ul>
{rows}
</ul></div>
</div>"""
        self.add_page(self.column, self.page(self.plan.column_title, body, current=self.plan.column_title),
                      last_modified=newest(self.plan.items))
        self.content.listing_paths.insert(0, self.column)


def build(plan: SitePlan, ctx: BuildContext) -> SiteContent:
    return XxgkSite(plan, ctx).build()
