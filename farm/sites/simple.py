"""What the eportal, ASP.NET, Hanweb-xxgk and browser-only sites share: article pages with a title, an info line,
a body container of the platform's own class and attachment links below it. Subclasses lay out URLs and listings."""

from __future__ import annotations

from farm.chrome import breadcrumb_html, esc
from farm.model import Attachment, Item
from farm.sites.common import SiteBuilder, midday


class SimpleSite(SiteBuilder):
    content_open = '<div class="article-content">'
    content_close = "</div>"

    # ------------------------------------------------------------ URLs (subclasses)
    def article_path(self, item: Item) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def attachment_path(self, item: Item, index: int, att: Attachment) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def trail(self) -> list[tuple[str, str | None]]:
        return [("首页", "/"), (self.plan.column_title, self.content.column_path)]

    def article_head(self, item: Item) -> str:
        return ""

    # ------------------------------------------------------------ building
    def build_articles(self) -> None:
        for item in self.plan.items:
            if not item.url:
                item.url = self.article_path(item)
        for item in self.plan.items:
            if item.kind != "dead_link":
                self.build_article(item)

    def attachments_html(self, item: Item) -> str:
        links = []
        for i, att in enumerate(item.attachments):
            att.url = self.attachment_path(item, i, att)
            self.add_attachment(att.url, item, att)
            links.append(f'<li><a href="{esc(att.url)}" target="_blank">{esc(att.title)}</a></li>')
        return f'<div class="fujian"><span>附件：</span><ul>{"".join(links)}</ul></div>' if links else ""

    def article_html(self, item: Item) -> str:
        """The article's part of the page (without the portal frame)."""
        atts = self.attachments_html(item)
        body = self.item_body(item, "", lambda other: other.url)
        source = item.agency or self.plan.name
        crumbs = breadcrumb_html(self.trail() + [("正文", None)])
        return f"""{crumbs}
<div class="article"><h1 class="article-title">{esc(item.title)}</h1>
<div class="article-info"><span>发布日期：{item.published:%Y-%m-%d}</span> <span>来源：{esc(source)}</span></div>
{self.content_open}
{body}
{self.content_close}
{atts}
</div>"""

    def build_article(self, item: Item) -> None:
        text = self.page(item.title, self.article_html(item), head=self.article_head(item))
        self.add_page(item.url, text, encoding=item.encoding, last_modified=midday(item.published), delay=item.delay)

    def home(self) -> None:
        self.add_page("/", self.page(self.plan.name, f'<div class="box"><h3>政务公开</h3><ul><li><a href="'
                                     f'{esc(self.content.column_path)}">{esc(self.plan.column_title)}</a></li></ul></div>',
                                     current="首页"))
