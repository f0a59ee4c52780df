"""HTML pages: the article body without the portal's chrome, tables with rowspan/colspan as spans.

Charset: the bytes decide (``pipeline.encoding``, shared with the crawler). A page that decodes strictly as
UTF-8 is UTF-8 whatever its meta tag says; otherwise GB18030 (a superset of GBK and GB2312, which pages often
declare wrongly), then charset-normalizer's guess. A declaration that disagrees is reported as a warning.
"""

from __future__ import annotations

import re
import warnings as pywarnings

from bs4 import BeautifulSoup, Comment, NavigableString, Tag, XMLParsedAsHTMLWarning

from ..blocks import Document, Paragraph, Span, Table
from ..encoding import canonical_codec, declared_charsets
from ..encoding import decode as decode_bytes
from .errors import ExtractionError
from .limits import Limits

_CHROME_WORDS = re.compile(
    r"(^|[-_ ])(nav|navbar|menu|header|head|top|topbar|top-bar|footer|foot|bottom|share|related|relate|xgwz|xglj|"
    r"breadcrumb|crumb|position|location|weizhi|dqwz|sidebar|side|left|leftmenu|left-menu|right|banner|logo|search|"
    r"login|print|copyright|links|friend|tools|toolbar|info|fenxiang|bshare|page-tool|skip)($|[-_ ])", re.I)
_CONTENT_HINTS = ["TRS_Editor", "zoom", "UCAP-CONTENT", "article-content", "art_con", "pages_content", "content",
                  "article", "view", "detail", "main-text", "ewb-article", "nr", "wzy_nr", "con"]
_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article", "blockquote",
               "pre", "center", "dd", "dt", "dl", "tr", "header", "footer", "address", "figure", "figcaption"}
# Not "form": VSB pages wrap the article in <form name="_newscontent_fromname">, ASP.NET pages the whole page.
_DROP_TAGS = ["script", "style", "noscript", "iframe", "button", "select", "input", "svg", "object", "embed",
              "nav", "link", "meta", "head", "template"]


def decode(data: bytes) -> tuple[str, str, list[str]]:
    """(text, encoding, warnings) — the encoding is what the bytes are, not what the page claims."""
    text, codec, basis = decode_bytes(data)  # no declared charset is trusted: UTF-8, else GB18030, else a guess
    encoding = "utf-8" if codec == "utf-8-sig" else codec
    warnings: list[str] = []
    if basis == "bom":  # a byte-order mark outranks <meta> (as in browsers): nothing to report
        return text, encoding, warnings
    if basis == "guess":
        warnings.append(f"undecodable bytes; decoded as {encoding} with replacements")
    declared = next(iter(declared_charsets(data)), "").lower()
    if declared and canonical_codec(declared) != canonical_codec(encoding):
        warnings.append(f"page declares charset {declared} but is {encoding}")
    return text, encoding, warnings


def _clean(text: str) -> str:
    return re.sub(r"[ \t\r\f\v\u3000\xa0]+", " ", text.replace("\u200b", "")).strip()


def _cell_text(cell: Tag) -> str:
    lines = [_clean(line) for line in cell.get_text("\n").split("\n")]
    return "\n".join(line for line in lines if line)


def _int_attr(tag: Tag, name: str, cap: int) -> int:
    m = re.match(r"\s*(\d+)", str(tag.get(name) or "1"))
    return max(1, min(int(m.group(1)), cap)) if m else 1


def _rows(table: Tag) -> list[Tag]:
    """The table's own rows (thead/tbody/tfoot included), not those of nested tables."""
    rows = []
    for child in table.find_all("tr"):
        if child.find_parent("table") is table:
            rows.append(child)
    return rows


def html_table(table: Tag, limits: Limits) -> Table:
    rows = _rows(table)
    occupied: set[tuple[int, int]] = set()
    spans: list[Span] = []
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            while (r, c) in occupied:
                c += 1
            rowspan = min(_int_attr(cell, "rowspan", 1000), len(rows) - r)
            colspan = _int_attr(cell, "colspan", 1000)
            if len(occupied) + rowspan * colspan > limits.max_table_cells:
                raise ExtractionError(f"HTML table larger than {limits.max_table_cells} cells")
            for dr in range(rowspan):
                for dc in range(colspan):
                    occupied.add((r + dr, c + dc))
            spans.append(Span(r, c, rowspan, colspan, _cell_text(cell)))
            c += colspan
    return Table(spans)


def _is_layout_table(table: Tag) -> bool:
    return table.find("table") is not None


def _is_chrome(tag: Tag) -> bool:
    if tag.name in ("header", "footer", "aside"):
        return True
    attrs = " ".join([tag.get("id") or "", *(tag.get("class") or [])])
    return bool(attrs) and bool(_CHROME_WORDS.search(attrs)) and not any(h.lower() == a.lower() for h in _CONTENT_HINTS
                                                                          for a in attrs.split())


def _text_len(tag: Tag) -> int:
    return len(re.sub(r"\s+", "", tag.get_text()))


def _link_len(tag: Tag) -> int:
    return sum(_text_len(a) for a in tag.find_all("a"))


def find_body(soup: BeautifulSoup) -> Tag:
    """The element that holds the article: a known CMS container, else the densest text container."""
    root = soup.body or soup
    total = _text_len(root) or 1
    for hint in _CONTENT_HINTS:
        for tag in root.find_all(attrs={"id": hint}) + root.find_all(class_=hint):
            if _text_len(tag) - _link_len(tag) >= 0.3 * total:
                return tag
    scores: dict[int, tuple[float, Tag]] = {}
    tables: dict[int, Tag | None] = {}

    def nearest_table(tag: Tag) -> Tag | None:  # memoised: one walk up per tag, not one per descendant
        chain = []
        node = tag.parent
        while isinstance(node, Tag) and id(node) not in tables and node.name != "table":
            chain.append(node)
            node = node.parent
        found = node if isinstance(node, Tag) and node.name == "table" else tables.get(id(node)) if node else None
        for n in chain:
            tables[id(n)] = found
        return found

    for unit in root.find_all(["p", "table", "h1", "h2", "h3", "h4", "div", "span", "font", "td"]):
        if unit.name in ("div", "span", "font", "td") and unit.find(["p", "div", "table", "td"]):
            continue  # containers only count through their own text units
        table = nearest_table(unit) if unit.name != "table" else None
        if table is not None and not table.find("table"):
            continue  # cells of a data table count through the table
        n = _text_len(unit) - 2 * _link_len(unit)
        if n <= 0:
            continue
        for weight, parent in ((1.0, unit.parent), (0.5, unit.parent.parent if unit.parent else None)):
            if parent is not None and isinstance(parent, Tag):
                old = scores.get(id(parent), (0.0, parent))
                scores[id(parent)] = (old[0] + weight * n, parent)
    if not scores:
        return root
    return max(scores.values(), key=lambda item: item[0])[1]


class _Walker:
    def __init__(self, limits: Limits):
        self.blocks: list = []
        self.buf: list[str] = []
        self.limits = limits

    def flush(self) -> None:
        text = _clean("".join(self.buf))
        self.buf = []
        if text:
            self.blocks.append(Paragraph(text))

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                self.buf.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name == "table":
                self.flush()
                if _is_layout_table(child):
                    for cell in child.find_all(["td", "th"]):
                        if cell.find_parent("table") is child:
                            self.walk(cell)
                            self.flush()
                else:
                    table = html_table(child, self.limits)
                    if table.spans:
                        self.blocks.append(table)
            elif name == "br":
                self.flush()
            elif name in _BLOCK_TAGS:
                self.flush()
                self.walk(child)
                self.flush()
            else:
                self.walk(child)


def _title(soup: BeautifulSoup, body: Tag) -> str | None:
    body_text = body.get_text()
    for tag in soup.find_all(["h1", "h2", "h3"]) + soup.find_all(class_=re.compile("title", re.I)):
        text = _clean(tag.get_text())
        if 4 <= len(text) <= 80 and "报告" in text and text not in body_text:
            return text
    if soup.title and soup.title.string:
        text = re.split(r"[_|－—-]", _clean(soup.title.string))[0].strip()
        if "报告" in text and text not in body_text:
            return text
    return None


_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]{0,15})\b[^<>]*?(/?)>")
# Containers that are closed in practice: their nesting is the page's depth (td, p, li are often left open).
_NESTING = frozenset("div span font table section article blockquote center ul ol form main aside".split())


def check_shape(text: str, limits: Limits) -> None:
    """Refuse, before a tree is built, a page no parser should build: too many tags or nested too deep.

    One linear pass over the tags; the tree walks that follow cost (elements × depth), so bounding both bounds
    the work for any page (100,000 nested divs or 5 million cells are refused in well under a second)."""
    elements = depth = deepest = 0
    for m in _TAG.finditer(text):
        elements += 1
        if elements > limits.max_html_elements:
            raise ExtractionError(f"HTML page has more than {limits.max_html_elements:,} tags")
        name = m.group(2).lower()
        if name not in _NESTING or m.group(3):
            continue
        depth = max(depth - 1, 0) if m.group(1) else depth + 1
        if depth > deepest:
            deepest = depth
            if deepest > limits.max_html_depth:
                raise ExtractionError(f"HTML page nests tags more than {limits.max_html_depth} deep")


def extract_html(data: bytes, limits: Limits, whole_page: bool = False) -> Document:
    text, encoding, warnings = decode(data)
    check_shape(text, limits)
    try:
        with pywarnings.catch_warnings():
            pywarnings.simplefilter("ignore", XMLParsedAsHTMLWarning)  # XHTML exports start with <?xml
            soup = BeautifulSoup(text, "lxml")
    except Exception as exc:  # lxml is forgiving; this is a safety net
        raise ExtractionError(f"unparseable HTML: {exc}") from None
    page_title = _title(soup, soup.new_tag("div"))
    for tag in soup(_DROP_TAGS):
        tag.decompose()
    total = _text_len(soup)
    for tag in list(soup.find_all(True)):
        # Chrome is small: a "left"/"main" wrapper holding most of the page's text is the article's column.
        # (bs4's `decomposed` property searches the subtree for a tag of that name: quadratic on deep pages)
        if (not tag.__dict__.get("_decomposed") and tag.name not in ("html", "body") and _is_chrome(tag)
                and _text_len(tag) < 0.4 * total):
            tag.decompose()
    body = (soup.body or soup) if whole_page else find_body(soup)
    walker = _Walker(limits)
    title = page_title if page_title and page_title not in body.get_text() else None
    if title:
        walker.blocks.append(Paragraph(title))
    walker.walk(body)
    walker.flush()
    if not walker.blocks:
        raise ExtractionError("HTML page has no text")
    return Document(walker.blocks, {"encoding": encoding, "warnings": warnings})
