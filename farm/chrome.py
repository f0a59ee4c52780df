"""Page chrome shared by the farm's sites: header, navigation, breadcrumbs, footer, related links.

Real portals wrap every list and article in a heavy frame of navigation and
footer links, much of it pointing off-site (中国政府网, the province). A crawler has
to find the report column inside that frame, so the farm serves it too. Each
platform family picks its own class names and layout; only the boilerplate lives here.
"""

from __future__ import annotations

import html

from farm.model import SitePlan

RELATED = [
    ("中国政府网", "http://www.gov.cn/"),
    ("国务院部门网站", "http://www.gov.cn/home/2023-03/29/content_5748954.htm"),
    ("国家政务服务平台", "http://gjzwfw.www.gov.cn/"),
]

PROVINCE_SITES = {
    "36": ("江西省人民政府", "http://www.jiangxi.gov.cn/"),
    "33": ("浙江省人民政府", "http://www.zj.gov.cn/"),
    "44": ("广东省人民政府", "http://www.gd.gov.cn/"),
    "61": ("陕西省人民政府", "http://www.shaanxi.gov.cn/"),
    "32": ("江苏省人民政府", "http://www.jiangsu.gov.cn/"),
}

ICP = {"36": "赣ICP备05004376号", "33": "浙ICP备05010226号", "44": "粤ICP备05086362号",
       "61": "陕ICP备05004698号", "32": "苏ICP备05003621号"}


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def nav_html(nav: list[tuple[str, str]], current: str | None = None, cls: str = "nav") -> str:
    items = []
    for text, href in nav:
        on = ' class="on"' if text == current else ""
        items.append(f'<li{on}><a href="{esc(href)}" target="_self">{esc(text)}</a></li>')
    return f'<div class="{cls}"><ul class="clearfix">{"".join(items)}</ul></div>'


def breadcrumb_html(trail: list[tuple[str, str | None]], sep: str = "&gt;", cls: str = "position") -> str:
    parts = []
    for text, href in trail:
        parts.append(f'<a href="{esc(href)}">{esc(text)}</a>' if href else f"<span>{esc(text)}</span>")
    return f'<div class="{cls}">当前位置：{f" {sep} ".join(parts)}</div>'


def footer_html(site: SitePlan) -> str:
    prov = site.division_code[:2]
    links = RELATED + [PROVINCE_SITES.get(prov, ("省人民政府", "http://www.gov.cn/"))]
    related = "".join(f'<li><a href="{esc(u)}" target="_blank">{esc(t)}</a></li>' for t, u in links)
    code = site.division_code + "0001"
    return f"""<div class="links"><span class="tit">相关链接</span><ul>{related}</ul></div>
<div class="footer">
  <p>主办：{esc(site.name)}办公室 &nbsp; 承办：{esc(site.short)}大数据中心</p>
  <p>网站标识码：{code} &nbsp; <a href="https://beian.miit.gov.cn/" target="_blank">{ICP.get(prov, "ICP备05000000号")}</a>
     &nbsp; <a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode={site.division_code}02000101" target="_blank">公网安备 {site.division_code}02000101号</a></p>
  <p><a href="/wzdt.html">网站地图</a> | <a href="/lxwm.html">联系我们</a> | <a href="/sitemap/" rel="nofollow">隐私声明</a></p>
  <p><img src="/images/jiucuo.png" alt="政府网站找错"/></p>
</div>"""


def page(site: SitePlan, *, title: str, body: str, nav: list[tuple[str, str]], current: str | None = None,
         charset: str = "utf-8", head: str = "", body_class: str = "") -> str:
    """A full HTML page in the portal's frame."""
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="{charset}">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="SiteName" content="{esc(site.name)}">
<meta name="SiteDomain" content="">
<meta name="SiteIDCode" content="{site.division_code}0001">
{head}
<title>{esc(title)}</title>
<link rel="stylesheet" href="/css/common.css">
<script src="/js/jquery.min.js"></script>
</head>
<body class="{body_class}">
<div class="top"><div class="w1200"><span class="date"></span><a href="/">无障碍浏览</a> | <a href="/">长者模式</a> | <a href="/">繁体</a></div></div>
<div class="header"><div class="w1200"><a href="/" class="logo"><img src="/images/logo.png" alt="{esc(site.name)}"></a>
<form action="/search/" method="get" class="search"><input type="text" name="q" placeholder="请输入关键字"><button type="submit">搜索</button></form></div></div>
{nav_html(nav, current)}
<div class="main w1200">
{body}
</div>
{footer_html(site)}
</body>
</html>
"""


def encode_page(text: str, encoding: str) -> tuple[bytes, str]:
    """Bytes and Content-Type of a page in one of the encodings real portals use.

    `gbk`: GBK bytes, a matching <meta charset>, and a Content-Type without charset (so the meta decides).
    `gb2312-mislabeled`: GB2312 bytes while both the header and the meta claim utf-8 — a lie seen on
    real portals, which a crawler must detect from the bytes.
    """
    if encoding == "gbk":
        text = text.replace('<meta charset="utf-8">', '<meta charset="gbk">', 1)
        return text.encode("gbk", errors="xmlcharrefreplace"), "text/html"
    if encoding == "gb2312-mislabeled":
        return text.encode("gb2312", errors="xmlcharrefreplace"), "text/html; charset=utf-8"
    return text.encode("utf-8"), "text/html; charset=utf-8"
