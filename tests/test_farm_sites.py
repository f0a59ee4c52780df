"""The portal farm walked over real HTTP the way a browser would, checked against its manifest.

One farm for the module (free ports on 127.0.0.1); renderings are cached in pytest's cache dir,
so only the first run pays for LibreOffice.
"""

from __future__ import annotations

import collections
import re
import email.utils
import hashlib
import urllib.robotparser
from urllib.parse import urlsplit

import lxml.html
import pytest

from farm.server import run_farm
from support.browse import Browser, decode, looks_like_report, read_article, walk_column

SITE_IDS = ["trs-yuanzhou", "hanweb-yiwu", "gkmlpt-longgang", "vsb-shangluo", "trs-hanyang", "generic-suqian",
            "trsapi-gulou", "xxgk-ouhai", "eportal-xilinhot", "aspnet-ziyang", "browser-ningshan"]
MAGIC = {"pdf": b"%PDF", "pdf-scanned": b"%PDF", "docx": b"PK\x03\x04", "doc": b"\xd0\xcf\x11\xe0",
         "wps": b"\xd0\xcf\x11\xe0", "xls": b"\xd0\xcf\x11\xe0"}


@pytest.fixture(scope="module")
def walks(farm):
    """Per site: the column walk and every listed article as read by the browser."""
    browser = Browser()
    out = {}
    for site in farm.sites:
        walk = walk_column(browser, site.platform, site.column_url)
        out[site.id] = (walk, {url: read_article(browser, url) for url in walk.items})
    return out


def reports(farm, site_id):
    return [r for r in farm.manifest["reports"] if r["site"] == site_id]


def pages(farm, site_id, *kinds):
    return [p for p in farm.manifest["pages"] if p["site"] == site_id and p["kind"] in kinds]


def test_farm_serves_every_platform_family(farm):
    assert {s.platform for s in farm.sites} == {"generic", "gkmlpt", "hanweb", "trs", "vsb", "trsapi", "xxgk", "eportal",
                                                "aspnet", "browser"}


def test_sites_listen_on_loopback_only(farm):
    assert {srv.server_address[0] for srv in farm.servers.values()} == {"127.0.0.1"}


@pytest.mark.parametrize("site_id", SITE_IDS)
def test_column_walk_finds_every_listed_item(farm, walks, site_id):
    expected = {r["article_url"] for r in reports(farm, site_id)}
    expected |= {p["url"] for p in pages(farm, site_id, "interpretation", "notice", "unrelated", "dead_link")}
    assert set(walks[site_id][0].items) == expected


@pytest.mark.parametrize("site_id", SITE_IDS)
def test_walk_finds_exactly_the_manifest_reports(farm, walks, site_id):
    found = {url for url, art in walks[site_id][1].items() if art.status == 200 and looks_like_report(art.title)}
    assert found == {r["article_url"] for r in reports(farm, site_id)}


@pytest.mark.parametrize("site_id", SITE_IDS)
def test_article_pages_link_the_manifest_attachments(farm, walks, site_id):
    articles = walks[site_id][1]
    found = {r["id"]: sorted(articles[r["article_url"]].attachments) for r in reports(farm, site_id)}
    assert found == {r["id"]: sorted(a["url"] for a in r["attachments"]) for r in reports(farm, site_id)}


@pytest.mark.parametrize("site_id", SITE_IDS)
def test_attachments_download_as_the_manifest_files(farm, site_id):
    browser = Browser()
    got, want = {}, {}
    for r in reports(farm, site_id):
        for a in r["attachments"]:
            resp = browser.get(a["url"])
            got[a["url"]] = (resp.status, hashlib.sha256(resp.body).hexdigest(), resp.body[:4] == MAGIC[a["format"]][:4])
            want[a["url"]] = (200, a["sha256"], True)
    assert got == want


@pytest.mark.parametrize("site_id", SITE_IDS)
def test_inline_reports_print_every_manifest_value_in_tables(farm, walks, site_id):
    missing = {}
    for r in reports(farm, site_id):
        if not r["inline"]:
            continue
        doc = lxml.html.fromstring(walks[site_id][1][r["article_url"]].text)
        cells = collections.Counter(td.text_content().strip() for td in doc.iter("td"))
        wanted = collections.Counter(c["raw"] for c in r["cells"] if c["raw"])
        lacking = wanted - cells
        if lacking:
            missing[r["id"]] = dict(lacking)
    assert missing == {}


@pytest.mark.parametrize("site_id", SITE_IDS)
def test_noise_pages_are_what_the_manifest_says(farm, walks, site_id):
    articles = walks[site_id][1]
    got = {p["url"]: (articles[p["url"]].status, articles[p["url"]].title, looks_like_report(articles[p["url"]].title))
           for p in pages(farm, site_id, "interpretation", "notice", "unrelated")}
    assert got == {p["url"]: (200, p["title"], False) for p in pages(farm, site_id, "interpretation", "notice", "unrelated")}


@pytest.mark.parametrize("site_id", SITE_IDS)
def test_interpretations_link_to_the_report_they_explain(farm, walks, site_id):
    by_id = {r["id"]: r for r in reports(farm, site_id)}
    articles = walks[site_id][1]
    links = {p["id"]: by_id[p["about"]]["article_url"] in {u for u, _ in _links(articles[p["url"]])}
             for p in pages(farm, site_id, "interpretation")}
    assert links and all(links.values())


def _links(article):
    from support.browse import anchors

    return anchors(article.text, article.url)


@pytest.mark.parametrize("site_id", SITE_IDS)
def test_dead_links_answer_404(farm, walks, site_id):
    dead = pages(farm, site_id, "dead_link")
    assert dead and {walks[site_id][1][p["url"]].status for p in dead} == {404}


@pytest.mark.parametrize("site_id", SITE_IDS)
def test_duplicate_report_repeats_the_original(farm, walks, site_id):
    by_id = {r["id"]: r for r in reports(farm, site_id)}
    dups = [r for r in reports(farm, site_id) if r["duplicate_of"]]
    articles = walks[site_id][1]

    def tables(url):
        # the report's own tables (bordered), not the page's metadata tables
        return [lxml.html.tostring(t) for t in lxml.html.fromstring(articles[url].text).xpath('//table[@border="1"]')]

    assert dups and all(tables(d["article_url"]) == tables(by_id[d["duplicate_of"]]["article_url"])
                        and d["cells"] == by_id[d["duplicate_of"]]["cells"] for d in dups)


@pytest.mark.parametrize("site_id", SITE_IDS)
def test_correction_replaces_a_report_with_other_values(farm, site_id):
    by_id = {r["id"]: r for r in reports(farm, site_id)}
    fixes = [r for r in reports(farm, site_id) if r["corrects"]]
    assert fixes and all("更正" in f["title"] and by_id[f["corrects"]]["superseded_by"] == f["id"]
                         and f["cells"] != by_id[f["corrects"]]["cells"] for f in fixes)


@pytest.mark.parametrize("site_id", SITE_IDS)
def test_slow_page_is_slow(farm, walks, site_id):
    slow = [r for r in reports(farm, site_id) if r["delay"]]
    assert slow and all(walks[site_id][1][r["article_url"]].response.elapsed >= r["delay"] for r in slow)


def _encoded(farm, walks, site_id, encoding):
    r = next(r for r in reports(farm, site_id) if r["encoding"] == encoding)
    return r, walks[site_id][1][r["article_url"]].response


@pytest.mark.parametrize("site_id", SITE_IDS)
def test_gbk_page_declares_gbk_in_meta(farm, walks, site_id):
    r, resp = _encoded(farm, walks, site_id, "gbk")
    assert ("charset" not in resp.headers["content-type"], b'<meta charset="gbk">' in resp.body[:600],
            r["title"] in resp.body.decode("gbk")) == (True, True, True)


@pytest.mark.parametrize("site_id", SITE_IDS)
def test_gb2312_page_lies_that_it_is_utf8(farm, walks, site_id):
    r, resp = _encoded(farm, walks, site_id, "gb2312-mislabeled")
    try:
        resp.body.decode("utf-8")
        valid_utf8 = True
    except UnicodeDecodeError:
        valid_utf8 = False
    assert ("utf-8" in resp.headers["content-type"], b'<meta charset="utf-8">' in resp.body[:600], valid_utf8,
            r["title"] in resp.body.decode("gb2312")) == (True, True, False, True)


@pytest.mark.parametrize("site_id", SITE_IDS)
def test_listing_pages_answer_conditional_requests(farm, site_id):
    browser = Browser()
    url = pages(farm, site_id, "listing")[0]["url"]
    first = browser.get(url)
    by_etag = browser.get(url, headers={"If-None-Match": first.headers["etag"]})
    by_date = browser.get(url, headers={"If-Modified-Since": first.headers["last-modified"]})
    older = email.utils.format_datetime(email.utils.parsedate_to_datetime(first.headers["last-modified"]).replace(year=2015), usegmt=True)
    changed = browser.get(url, headers={"If-Modified-Since": older})
    assert (first.status, by_etag.status, by_etag.body, by_date.status, changed.status) == (200, 304, b"", 304, 200)


@pytest.mark.parametrize("site_id", SITE_IDS)
def test_robots_txt_allows_the_column_and_its_articles(farm, site_id):
    site = farm.site(site_id)
    rp = urllib.robotparser.RobotFileParser()
    rp.parse(decode(Browser().get(site.base_url + "/robots.txt")).splitlines())
    urls = [site.column_url] + [p["url"] for p in pages(farm, site_id, "listing")] + \
        [u for r in reports(farm, site_id) for u in r["urls"]]
    assert [u for u in urls if not rp.can_fetch("nianbao", u)] == []


@pytest.mark.parametrize("site_id", SITE_IDS)
def test_pages_carry_portal_chrome(farm, walks, site_id):
    art = next(a for a in walks[site_id][1].values() if a.status == 200)
    offsite = [u for u, _ in _links(art) if urlsplit(u).netloc.endswith("gov.cn")]
    assert ("当前位置" in art.text, "网站标识码" in art.text, bool(offsite)) == (True, True, True)


@pytest.mark.parametrize("site_id, listing, call", [
    ("trs-yuanzhou", "", 'createPageHTML(3, 0, "index", "html")'),
    ("trs-hanyang", "qzf/", 'createPageHTML(2, 0, "index", "shtml")')])
def test_trs_pager_exists_only_as_a_script_call(farm, site_id, listing, call):
    text = decode(Browser().get(farm.site(site_id).column_url + listing))
    anchor_texts = {a.text_content() for a in lxml.html.fromstring(text).iter("a")}
    assert ("下一页" not in anchor_texts, call in text) == (True, True)


def test_trs_column_with_subcolumns_is_a_landing_page(farm, walks):
    site = farm.site("trs-hanyang")
    text = decode(Browser().get(site.column_url))
    subs = sorted({u[len(site.column_url):].split("/")[0] for u in walks[site.id][0].items})
    assert ("createPageHTML(" in text.replace("function createPageHTML(", ""), subs) == (False, ["qzf", "qzfgzbm", "xzjd"])


def test_hanweb_column_page_embeds_only_the_first_records(farm, walks):
    site = farm.site("hanweb-yiwu")
    text = decode(Browser().get(site.column_url))
    assert text.count("<record>") < len(walks["hanweb-yiwu"][0].items)


def test_hanweb_dataproxy_answers_only_a_proper_post(farm):
    site = farm.site("hanweb-yiwu")
    browser = Browser()
    proxy = site.base_url + "/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=30&perpage=10"
    get = browser.get(proxy)
    wrong = browser.post_form(proxy, {"col": "1", "appid": "1", "webid": "1", "path": "/", "columnid": "1",
                                      "unitid": "1", "permissiontype": "0"}, referer=site.column_url)
    assert (get.status, wrong.status, b"<record>" in wrong.body) == (405, 200, False)


def test_hanweb_downfile_redirects_to_the_file(farm):
    att = next(a for r in reports(farm, "hanweb-yiwu") for a in r["attachments"])
    resp = Browser().get(att["url"])
    assert (resp.redirects, resp.final_url) == ([302], att["file_url"])


def test_gkmlpt_catalogue_page_lists_nothing_without_the_api(farm, walks):
    site = farm.site("gkmlpt-longgang")
    text = decode(Browser().get(site.column_url.split("#")[0]))
    assert "post_" not in text


def test_gkmlpt_api_ignores_a_wrong_sid(farm):
    site = farm.site("gkmlpt-longgang")
    category = site.column_url.rsplit("#", 1)[1]
    resp = Browser().get(f"{site.base_url}/gkmlpt/api/all/{category}?page=1&sid=1")
    assert resp.body == b'{"total":0,"articles":[]}'


def test_vsb_list_pages_count_from_the_oldest(walks):
    listing = walks["vsb-shangluo"][0].listing_urls
    assert [u.rsplit("/", 1)[1] for u in listing] == ["zfxxgknb.htm"] + [f"{n}.htm" for n in range(len(listing) - 1, 0, -1)]


def test_text_pdf_has_text_and_scanned_pdf_has_none(farm):
    import pypdfium2

    def text_of(fmt):
        att = next(a for r in farm.manifest["reports"] for a in r["attachments"] if a["format"] == fmt)
        pdf = pypdfium2.PdfDocument(Browser().get(att["url"]).body)
        try:
            return "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))).strip()
        finally:
            pdf.close()

    assert ("政府信息公开" in text_of("pdf"), text_of("pdf-scanned")) == (True, "")


def test_manifest_covers_years_levels_formats_and_both_table_versions(farm):
    rs = farm.manifest["reports"]
    seen = ({r["year"] for r in rs}, {r["admin_level"] for r in rs} >= {"县级", "市级", "部门", "乡镇", "街道"},
            {a["format"] for r in rs for a in r["attachments"]},
            any(r["inline"] and r["attachments"] for r in rs), any(not r["inline"] for r in rs),
            {r["format_version"]["B"] for r in rs})
    assert seen == (set(range(2019, 2025)), True, {"pdf", "pdf-scanned", "docx", "doc", "wps", "xls"}, True, True,
                    {"2019", "2021"})


def test_sources_csv_lists_every_site_for_the_crawler(farm, tmp_path):
    import csv

    with farm.write_sources_csv(tmp_path / "sources.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["id"], r["url"], r["platform"], len(r["division_code"])) for r in rows] == \
        [(s.id, s.column_url, s.platform, 6) for s in farm.sites]


@pytest.mark.parametrize("site_id", SITE_IDS)
def test_no_link_is_broken_but_the_dead_ones(farm, site_id):
    """Follow every in-site link, script, stylesheet and image from the home page, listings and articles."""
    import lxml.html
    from urllib.parse import urljoin, urldefrag

    site = farm.site(site_id)
    browser = Browser()
    queue = [site.base_url + "/", urldefrag(site.column_url)[0]] + [p["url"] for p in pages(farm, site_id, "listing")]
    queue += [r["article_url"] for r in reports(farm, site_id)] + [p["url"] for p in pages(farm, site_id, "interpretation")]
    queue = list(dict.fromkeys(queue))
    seen, broken = set(queue), set()
    while queue:
        url = queue.pop()
        resp = browser.get(url)
        if resp.status == 404:
            broken.add(url)
        if resp.status != 200 or not resp.headers.get("content-type", "").startswith("text/html"):
            continue
        doc = lxml.html.fromstring(decode(resp))
        for el, attr in [(e, a) for e in doc.iter("a", "script", "link", "img") for a in ("href", "src") if e.get(a)]:
            target = urldefrag(urljoin(url, el.get(attr)))[0]
            if urlsplit(target).netloc == urlsplit(site.base_url).netloc and target not in seen:
                seen.add(target)
                queue.append(target)
    assert broken - {p["url"] for p in pages(farm, site_id, "dead_link")} == set()


def test_replaced_document_gets_a_new_etag(tmp_path, request):
    with run_farm(tmp_path, seed=0, cache_dir=request.config.cache.mkdir("farm-render-cache")) as farm:
        url = next(a["url"] for r in farm.manifest["reports"] for a in r["attachments"] if a["format"] == "docx")
        browser = Browser()
        before = browser.get(url)
        farm.replace(url, before.body + b"\0")
        after = browser.get(url, headers={"If-None-Match": before.headers["etag"]})
    assert (after.status, after.body) == (200, before.body + b"\0")


def test_html_is_gzipped_for_clients_that_accept_it(farm):
    import gzip

    url = farm.site("vsb-shangluo").column_url
    browser = Browser()
    plain = browser.get(url)
    packed = browser.get(url, headers={"Accept-Encoding": "gzip, deflate"})
    again = browser.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["etag"]})
    assert (packed.headers.get("content-encoding"), gzip.decompress(packed.body) == plain.body, again.status) == \
        ("gzip", True, 304)


# --- the platforms paged by script, form or postback -----------------------------------------------------------
def test_trsapi_column_shows_ten_items_and_pages_only_through_the_api(farm, walks):
    site = farm.site("trsapi-gulou")
    text = decode(Browser().get(site.column_url))
    assert (text.count("<dd>"), 'require(["list2.trsapi"]' in text, "index_1" in text,
            len(walks[site.id][0].items) > 10) == (10, True, False, True)


def test_trsapi_search_ignores_a_wrong_column(farm):
    site = farm.site("trsapi-gulou")
    resp = Browser().post_form(site.base_url + "/fjdzapp/search", {"channelid": "229105", "classsql": "chnlid=1",
                                                                    "page": "1", "prepage": "10"}, site.column_url)
    assert resp.body.count(b'"data": []') == 1


def test_xxgk_column_lists_no_report_only_the_selector(farm):
    site = farm.site("xxgk-ouhai")
    text = decode(Browser().get(site.column_url))
    doc = lxml.html.fromstring(text)
    assert (len(doc.xpath('//select[@name="area"]/option')), len(doc.xpath('//select[@name="fbtime"]/option')),
            "xxgkAnnualReport.jsp?" in "".join(a.get("href") or "" for a in doc.iter("a"))) == (8, 6, False)


def test_eportal_pages_only_by_post(farm):
    site = farm.site("eportal-xilinhot")
    browser = Browser()
    text = decode(browser.get(site.column_url))
    page2 = re.search(r"queryArticleByCondition\(this,'([^']+currentPage=2[^']+)'\)", text).group(1).replace("&amp;", "&")
    by_get = decode(browser.get(site.base_url + page2))
    by_post = decode(browser.post_form(site.base_url + page2, {"filter_LIKE_TITLE": ""}, site.column_url))
    assert (("当前第1/" in by_get), ("当前第2/" in by_post)) == (True, True)


def test_aspnet_postback_needs_the_pages_event_validation(farm):
    site = farm.site("aspnet-ziyang")
    browser = Browser()
    doc = lxml.html.fromstring(decode(browser.get(site.column_url)))
    form = {i.get("name"): i.get("value") or "" for i in doc.xpath('//form[@id="form1"]//input[@name]')}
    good = browser.post_form(site.column_url, {**form, "__EVENTTARGET": "AspNetPager1", "__EVENTARGUMENT": "2"}, site.column_url)
    bad = browser.post_form(site.column_url, {**form, "__EVENTVALIDATION": "x", "__EVENTTARGET": "AspNetPager1",
                                              "__EVENTARGUMENT": "2"}, site.column_url)
    assert (good.status, "第2/" in decode(good), bad.status) == (200, True, 500)


def test_browser_site_has_no_address_for_its_next_page(farm):
    site = farm.site("browser-ningshan")
    text = decode(Browser().get(site.column_url))
    nxt = [a for a in lxml.html.fromstring(text).iter("a") if a.text_content().strip() == "下一页"]
    assert [a.get("href") for a in nxt] == ["javascript:void(0)"] and "/api/list/" not in re.sub(r"<script.*?</script>", "", text, flags=re.S)
