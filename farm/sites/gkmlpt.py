"""Guangdong 政府网站集约化: NFCMS article pages plus the gkmlpt disclosure catalogue (portals.md §3).

- Column: the catalogue page `/gkmlpt/index#<category id>`; its HTML holds no list at all, only the
  app shell with the site id in its JS config (`SID: '755307'`) and the category menu.
- Listing only through the JSON API `GET /gkmlpt/api/all/<category>?page=<n>&sid=<sid>` (pages count
  from 1; page 0 is read as 1; a wrong sid gets an empty list), answering
  `{"total", "page", "page_size", "articles": [{"id", "title", "url", "create_time", "display_publish_time",
  "publisher", "identifier", …}]}` with absolute article URLs.
- Articles: `/xxgk/xxgknb/content/post_<id>.html`, NFCMS meta tags, body `div.news_cont_d_wrap`.
- Attachments: `/attachment/0/<a>/<b>/<id>.<ext>`.
"""

from __future__ import annotations

import calendar
import json

from farm.chrome import breadcrumb_html, esc
from farm.model import Item, Request, Resource, SiteContent, SitePlan
from farm.sites.common import BuildContext, SiteBuilder, midday, newest, pages_of, stable_int

PAGE_SIZE = 10
ARTICLES = "/xxgk/xxgknb/content/"


class GkmlptSite(SiteBuilder):
    def __init__(self, plan: SitePlan, ctx: BuildContext) -> None:
        super().__init__(plan, ctx)
        self.sid = str(stable_int(plan.id, "sid", digits=6))
        self.category = str(stable_int(plan.id, "category", digits=4))
        self.api = f"/gkmlpt/api/all/{self.category}"
        self.nav = [("首页", "/"), ("要闻动态", "/xxgk/yw/"), ("政务公开", "/gkmlpt/index"), ("政务服务", "/zwfw/"),
                    ("政民互动", "/zmhd/"), ("走进" + plan.short, "/zjlg/")]
        self.api_pages: dict[int, Resource] = {}

    def build(self) -> SiteContent:
        for item in self.plan.items:
            item.url = f"{ARTICLES}post_{stable_int(self.plan.id, item.key, digits=8)}.html"
        for item in self.plan.items:
            if item.kind != "dead_link":
                self.build_article(item)
        self.build_catalogue()
        self.build_api()
        for js in ("/gkmlpt/static/js/manifest.js", "/gkmlpt/static/js/app.js"):
            self.add(js, b"/* gkmlpt app: reads window._CONFIG.SID and calls /gkmlpt/api/all/<cat> */",
                     "application/javascript")
        self.add_page("/", self.page(self.plan.name, '<div class="box"><h3>政务公开</h3><ul>'
                                     '<li><a href="/gkmlpt/index">政府信息公开目录</a></li></ul></div>', current="首页"))
        self.robots(["/search/", "/manage/"])
        return self.finish()

    def build_catalogue(self) -> None:
        self.content.column_path = f"/gkmlpt/index#{self.category}"
        menu = [("机构职能", stable_int(self.plan.id, "jgzn", digits=4)), ("政策文件", stable_int(self.plan.id, "zcwj", digits=4)),
                ("规划计划", stable_int(self.plan.id, "ghjh", digits=4)), (self.plan.column_title, self.category),
                ("财政信息", stable_int(self.plan.id, "czxx", digits=4))]
        lis = "".join(f'<li><a href="#{cid}">{esc(t)}</a></li>' for t, cid in menu)
        body = f"""{breadcrumb_html([("首页", "/"), ("政府信息公开目录", None)])}
<div id="app" class="gkml"><div class="gkml-left"><h3>政府信息公开目录</h3><ul class="tree">{lis}</ul>
<p><a href="/gkmlpt/guide">政府信息公开指南</a></p></div>
<div class="gkml-right"><div class="list-wrap" v-cloak><ul><li v-for="item in articles"><a :href="item.url">{{{{item.title}}}}</a></li></ul></div>
<div class="pager" v-cloak></div></div></div>
<script type="text/javascript">
  window._CONFIG = {{ SID: '{self.sid}', SITE_NAME: '{esc(self.plan.name)}', API_BASE: '/gkmlpt/api/', ACCEPT_PAGE: 1 }};
</script>
<script type="text/javascript" src="/gkmlpt/static/js/manifest.js"></script>
<script type="text/javascript" src="/gkmlpt/static/js/app.js"></script>"""
        self.add_page("/gkmlpt/index", self.page("政府信息公开目录", body, current="政务公开"),
                      last_modified=newest(self.plan.items))
        guide = f'{breadcrumb_html([("首页", "/"), ("政府信息公开指南", None)])}<div class="article"><p>政府信息公开申请可通过广东省依申请公开系统在线提交。</p></div>'
        self.add_page("/gkmlpt/guide", self.page("政府信息公开指南", guide))

    def article_json(self, item: Item) -> dict:
        ts = calendar.timegm(midday(item.published).timetuple())
        return {
            "id": int(item.url.rsplit("_", 1)[1][:-5]), "title": item.title, "url": self.base_url + item.url,
            "create_time": ts, "display_publish_time": ts, "first_publish_time": ts,
            "publisher": item.agency or self.plan.name, "document_number": "",
            "identifier": f"{self.plan.division_code}-{item.published:%Y}-{int(item.key[-3:]):06d}",
            "is_attach": bool(item.attachments),
        }

    def build_api(self) -> None:
        pages = pages_of(self.plan.items, PAGE_SIZE)
        for n, items in enumerate(pages, start=1):
            payload = {"total": len(self.plan.items), "page": n, "page_size": PAGE_SIZE,
                       "articles": [self.article_json(it) for it in items]}
            body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            self.api_pages[n] = Resource(body, content_type="application/json;charset=UTF-8", conditional=True,
                                         last_modified=newest(items))
            self.content.listing_paths.append(f"{self.api}?page={n}&sid={self.sid}")
        self.content.handlers[self.api] = self.api_handler

    def api_handler(self, request: Request) -> Resource:
        try:
            page = max(1, int(request.query.get("page", "1")))
        except ValueError:
            page = 1
        if request.query.get("sid") != self.sid:
            return Resource(b'{"total":0,"articles":[]}', content_type="application/json;charset=UTF-8", conditional=False)
        res = self.api_pages.get(page)
        if res is None:
            empty = {"total": len(self.plan.items), "page": page, "page_size": PAGE_SIZE, "articles": []}
            return Resource(json.dumps(empty).encode(), content_type="application/json;charset=UTF-8", conditional=False)
        return res

    def build_article(self, item: Item) -> None:
        links = []
        for i, att in enumerate(item.attachments):
            ext = att.title.rsplit(".", 1)[1]
            b = stable_int(self.plan.id, item.key, "b", digits=6)
            att.url = f"/attachment/0/{b // 1000}/{b}/{stable_int(self.plan.id, item.key, i)}.{ext}"
            self.add_attachment(att.url, item, att)
            links.append(f'<p class="attachment">附件：<a href="{att.url}" target="_blank">{esc(att.title)}</a></p>')
        body = self.item_body(item, "\n".join(links), lambda other: other.url)
        source = item.agency or self.plan.name
        head = (f'<meta name="ArticleTitle" content="{esc(item.title)}">\n<meta name="PubDate" content="{item.published:%Y-%m-%d} 09:30">\n'
                f'<meta name="ContentSource" content="{esc(source)}">\n<meta name="ArticleId" content="{item.url.rsplit("_", 1)[1][:-5]}">')
        crumbs = breadcrumb_html([("首页", "/"), ("信息公开", "/gkmlpt/index"), (self.plan.column_title, None)])
        page_body = f"""{crumbs}
<div class="news_cont_d">
<div class="classify"><table class="table"><tr><td>索引号：</td><td>{self.article_json(item)["identifier"]}</td><td>分类：</td><td>{esc(self.plan.column_title)}</td></tr>
<tr><td>发布机构：</td><td>{esc(source)}</td><td>成文日期：</td><td>{item.published:%Y-%m-%d}</td></tr></table></div>
<h1 class="news_cont_d_title">{esc(item.title)}</h1>
<div class="news_cont_d_info"><span>发布日期：{item.published:%Y-%m-%d} 09:30:00</span><span>来源：{esc(source)}</span></div>
<div class="news_cont_d_wrap">
{body}
</div></div>"""
        self.add_page(item.url, self.page(item.title, page_body, head=head), encoding=item.encoding,
                      last_modified=midday(item.published), delay=item.delay)


def build(plan: SitePlan, ctx: BuildContext) -> SiteContent:
    return GkmlptSite(plan, ctx).build()
