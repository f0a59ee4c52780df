"""The browser fallback (``platform = browser``): for listings nothing else can page.

The listing page is loaded in headless Chromium (scrapy-playwright; the spider enables its download handler only
when a browser source is crawled). In the page, ``COLLECT_JS`` keeps every link it shows, clicks the script-driven
下一页 control (an anchor without an address, a button, an ``onclick``), waits for the list to change and keeps the
new links — bounded per source by the registry's optional columns ``browser_max_pages`` (default 30) and
``browser_max_seconds`` (default 90) — and appends them all
to the document (``#nianbao-browser-pages``). Scrapy then gets that document as the response, and the ordinary
report detection and archiving take over: items are its anchors, as for a generic listing.
"""

from __future__ import annotations

import os
import shutil

from crawler.platforms.base import ListingPage, Strategy, items_from_anchors, parse_html

COLLECT_JS = r"""
async ({maxPages, maxMs}) => {
  const t0 = Date.now();
  const NEXT = ["下一页", "下页", "后页", "下一頁", "next", ">", ">>", "»", "›"];
  const out = document.createElement("div");
  out.id = "nianbao-browser-pages";
  out.style.display = "none";
  const snapshot = () => Array.from(document.querySelectorAll("a[href]")).map(a => a.href + "\u0001" + a.textContent).join("\n");
  const keep = () => {
    for (const a of document.querySelectorAll("a[href]")) {
      if (/^\s*(javascript:|#|mailto:)/i.test(a.getAttribute("href"))) continue;
      const row = a.closest("li,tr,dd,p") || a;
      const p = document.createElement("p");
      const copy = document.createElement("a");
      copy.setAttribute("href", a.href);
      if (a.title) copy.setAttribute("title", a.title);
      copy.textContent = a.textContent;
      const when = document.createElement("span");
      when.textContent = row === a ? "" : row.textContent.replace(a.textContent, " ");
      p.appendChild(copy); p.appendChild(when); out.appendChild(p);
    }
  };
  const scripted = e => {
    if (e.classList.contains("disabled") || e.hasAttribute("disabled")) return false;
    const href = (e.getAttribute("href") || "").trim();
    return e.hasAttribute("onclick") || e.tagName === "BUTTON" || (e.tagName === "A" && (!href || /^(javascript:|#)/i.test(href)));
  };
  let pages = 1;
  keep();
  while (pages < maxPages && Date.now() - t0 < maxMs) {
    const next = Array.from(document.querySelectorAll("a,button,span,li,div"))
      .find(e => NEXT.includes((e.textContent || "").trim().toLowerCase()) && scripted(e));
    if (!next) break;
    const before = snapshot();
    next.click();
    let changed = false;
    const until = Math.min(Date.now() + 5000, t0 + maxMs);
    while (Date.now() < until) {
      await new Promise(r => setTimeout(r, 100));
      if (snapshot() !== before) { changed = true; break; }
    }
    if (!changed) break;
    await new Promise(r => setTimeout(r, 150));
    keep();
    pages += 1;
  }
  document.body.appendChild(out);
  return pages;
}
"""


MAX_PAGES = 30
MAX_SECONDS = 90.0


def chromium_path() -> str | None:
    """Debian's Chromium (scripts/install-system-deps.sh), or the environment's CHROMIUM_PATH."""
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


def browser_bounds(source) -> tuple[int, float]:
    """(pages, seconds) a browser listing may take: the source's ``browser_max_pages``/``browser_max_seconds``
    registry columns, else the defaults."""
    extra = getattr(source, "extra", {}) or {}
    try:
        pages = max(1, int(extra.get("browser_max_pages") or MAX_PAGES))
        seconds = max(1.0, float(extra.get("browser_max_seconds") or MAX_SECONDS))
    except ValueError:
        pages, seconds = MAX_PAGES, MAX_SECONDS
    return pages, seconds


class BrowserStrategy(Strategy):
    name = "browser"

    def detect(self, response) -> bool:  # opt-in only: never chosen by `auto`
        return False

    def parse_listing(self, response, info: dict) -> ListingPage:
        doc = parse_html(response.text, response.url)
        return ListingPage(items=items_from_anchors(doc.iter("a"), response.url))
