"""Any site with ordinary links: items are the anchors of the page, further pages the ``下一页``/``尾页`` and
numbered pager links (also ``?page=``-style). This is the fallback for platforms we do not know."""

from __future__ import annotations

from crawler.platforms.base import Strategy


class GenericStrategy(Strategy):
    name = "generic"

    def detect(self, response) -> bool:
        return True
