"""Platform strategies on saved listing pages: one fixture per family, one assertion per test."""

from __future__ import annotations

import pytest

from crawler.classify import classify_title
from crawler.platforms import detect_platform, get_strategy
from crawler.platforms.base import attachment_links

from tests.crawler_fixtures import file_response

# --- TRS: createPageHTML pager, relative ./YYYYMM/t… links, truncated text with full title attribute ----------
TRS_URL = "http://js.changchun.gov.cn/szf_3410/ndbg/"
trs_response = file_response("trs/index.html", TRS_URL)
trs_page = get_strategy("trs").parse_listing(trs_response, {})
trs_reports = [i for i in trs_page.items if classify_title(i.title).is_report]


def test_trs_detected():
    assert detect_platform(trs_response) == "trs"


def test_trs_pager_pages_from_create_page_html():
    assert [p.url for p in trs_page.next_pages] == [TRS_URL + f"index_{k}.html" for k in (1, 2, 3)]


def test_trs_reports_found():
    assert [i.url for i in trs_reports] == [
        TRS_URL + "202501/t20250127_3378533.html",
        TRS_URL + "202401/t20240115_3271106_wap.html",
        TRS_URL + "201802/t20180214_407316.html",
    ]


def test_trs_title_from_attribute_when_text_is_cut():
    assert trs_reports[0].title == "长春市人民政府办公厅2024年政府信息公开工作年度报告"


def test_trs_date_from_list_row():
    assert trs_reports[0].published == "2025-01-27"


def test_trs_date_from_table_row():
    assert trs_reports[2].published == "2018-02-14"


def test_trs_later_page_fans_out_to_the_others():
    later = file_response("trs/index.html", TRS_URL + "index_2.html")
    later_body = later.body.replace(b"createPageHTML(4, 0,", b"createPageHTML(4, 2,")
    page = get_strategy("trs").parse_listing(later.replace(body=later_body), {})
    assert [p.url.rsplit("/", 1)[1] for p in page.next_pages] == ["index.html", "index_1.html", "index_3.html"]


def test_trs_pager_with_element_id_and_record_count():
    resp = file_response("trs/index.html", TRS_URL)
    resp = resp.replace(body=resp.body.replace(b'createPageHTML(4, 0, "index", "html")',
                                               b"createPageHTML('page_div',3, 1,'index','shtml',57)"))
    page = get_strategy("trs").parse_listing(resp, {})
    assert [p.url.rsplit("/", 1)[1] for p in page.next_pages] == ["index.shtml", "index_1.shtml", "index_2.shtml"]


def test_trs_column_without_trailing_slash():
    resp = file_response("trs/index.html", TRS_URL.rstrip("/"))
    page = get_strategy("trs").parse_listing(resp, {})
    assert page.next_pages[0].url == TRS_URL + "index_1.html"


trs_article = file_response("trs/article.html", TRS_URL + "202501/t20250127_3378533.html")
trs_links = attachment_links(trs_article.text, trs_article.url)


def test_trs_attachments_relative_to_the_article_folder():
    assert [link.url.rsplit("/", 1)[1] for link in trs_links] == [
        "P020250127561219862711.pdf", "P020250127561219862713.xls", "W020250127561219862712.jpg"]


def test_trs_attachment_keeps_anchor_text():
    assert trs_links[0].text == "长春市人民政府办公厅2024年政府信息公开工作年度报告.pdf"


# --- Hanweb: datastore CDATA records, data proxy POST windows --------------------------------------------------
HW_URL = "http://www.yw.gov.cn/col/col1229134232/index.html"
hw_response = file_response("hanweb/column.html", HW_URL)
hw_page = get_strategy("hanweb").parse_listing(hw_response, {})
hw_next = hw_page.next_pages[0]


def test_hanweb_detected():
    assert detect_platform(hw_response) == "hanweb"


def test_hanweb_records_from_cdata():
    assert len(hw_page.items) == 3


def test_hanweb_report_titles():
    assert [i.title for i in hw_page.items if classify_title(i.title).is_report] == [
        "义乌市2024年政府信息公开工作年度报告", "义乌市民政局2023年度政府信息公开工作年度报告"]


def test_hanweb_proxy_is_a_post():
    assert hw_next.method == "POST"


def test_hanweb_proxy_window_after_embedded_records():
    assert hw_next.url == ("http://www.yw.gov.cn/module/web/jpage/dataproxy.jsp"
                           "?startrecord=4&endrecord=48&perpage=15")


def test_hanweb_proxy_form_from_page():
    assert {k: hw_next.formdata[k] for k in ("columnid", "unitid", "webid", "webname")} == {
        "columnid": "1229134232", "unitid": "4417186", "webid": "3084", "webname": "义乌市人民政府"}


def test_hanweb_proxy_referer():
    assert hw_next.headers["Referer"] == HW_URL


hw_proxy = file_response("hanweb/dataproxy.xml", hw_next.url, "text/xml; charset=utf-8")
hw_proxy_page = get_strategy("hanweb").parse_listing(hw_proxy, hw_next.info)


def test_hanweb_proxy_records():
    assert [i.published for i in hw_proxy_page.items] == ["2021-01-25", "2021-04-08"]


def test_hanweb_short_window_ends_the_column():
    assert hw_proxy_page.next_pages == []


def test_hanweb_full_window_asks_for_the_next():
    info = dict(hw_next.info, start=4, end=5)  # a window of 2 answered with 2 records
    page = get_strategy("hanweb").parse_listing(hw_proxy, info)
    assert page.next_pages[0].url.endswith("startrecord=6&endrecord=7&perpage=15")


hw_article = file_response("hanweb/article.html", "http://www.yw.gov.cn/art/2025/1/20/art_1229134232_4052272.html")


def test_hanweb_downfile_attachment():
    assert [link.url for link in attachment_links(hw_article.text, hw_article.url)] == [
        "http://www.yw.gov.cn/module/download/downfile.jsp?classid=0&filename=5b033ddbcb2745d0a2efb0f14587e8ff.doc"]


# --- gkmlpt: catalogue page → JSON API ----------------------------------------------------------------------------
GK_URL = "http://127.0.0.1:8000/gkmlpt/index"
gk_strategy = get_strategy("gkmlpt")
gk_first = gk_strategy.first_requests(type("S", (), {"url": GK_URL + "#5709"})())[0]
gk_catalogue = gk_strategy.parse_listing(file_response("gkmlpt/catalogue.html", GK_URL), gk_first.info)
gk_api_url = "http://127.0.0.1:8000/gkmlpt/api/all/5709?page=1&sid=755031"
gk_api = gk_strategy.parse_listing(file_response("gkmlpt/api_page1.json", gk_api_url, "application/json"),
                                   {"api": True, "page": 1})


def test_gkmlpt_category_from_fragment():
    assert gk_first.info == {"category": "5709"}


def test_gkmlpt_api_url_from_catalogue():
    assert gk_catalogue.next_pages[0].url == gk_api_url


def test_gkmlpt_detected():
    assert detect_platform(file_response("gkmlpt/catalogue.html", GK_URL)) == "gkmlpt"


def test_gkmlpt_article_urls_resolved():
    assert [i.url for i in gk_api.items] == [
        "http://127.0.0.1/xxgk/xxgknb/qzfgzbm/content/post_11956962.html",
        "http://127.0.0.1:8000/xxgk/xxgknb/content/post_11956990.html",
        "http://127.0.0.1:8000/xxgk/xxgknb/content/post_11957001.html"]


def test_gkmlpt_dates_from_epoch_and_text():
    assert [i.published for i in gk_api.items] == ["2024-01-22", "2024-01-23", "2023-01-28"]


def test_gkmlpt_pages_from_total():
    # 23 articles, 3 per page: pages 0…8 but 1 (sites count from 0 or 1; duplicates collapse)
    assert [p.info["page"] for p in gk_api.next_pages] == [0, 2, 3, 4, 5, 6, 7, 8]


def test_gkmlpt_fanned_out_page_stops():
    page = gk_strategy.parse_listing(file_response("gkmlpt/api_page1.json", gk_api_url, "application/json"),
                                     {"api": True, "page": 3, "fanned_out": True})
    assert page.next_pages == []


# --- VSB: list.htm then list/<n>.htm, counting from the oldest -------------------------------------------------
VSB_URL = "http://www.shangluo.gov.cn/zwgk/zfxxgknb.htm"
vsb_response = file_response("vsb/list.htm", VSB_URL)
vsb_page = get_strategy("vsb").parse_listing(vsb_response, {})


def test_vsb_detected():
    assert detect_platform(vsb_response) == "vsb"


def test_vsb_every_numbered_page():
    assert sorted(p.url for p in vsb_page.next_pages) == [
        f"http://www.shangluo.gov.cn/zwgk/zfxxgknb/{n}.htm" for n in (1, 2, 3)]


def test_vsb_info_links():
    assert [i.url for i in vsb_page.items if classify_title(i.title).is_report] == [
        "http://www.shangluo.gov.cn/info/1677/56001.htm", "http://www.shangluo.gov.cn/info/1677/56010.htm"]


# --- generic: 下一页 / 尾页 ------------------------------------------------------------------------------------------
GEN_URL = "http://www.suqian.gov.cn/sqsrmzf/gknb/index.shtml"
gen_response = file_response("generic/list.shtml", GEN_URL)
gen_page = get_strategy("generic").parse_listing(gen_response, {})


def test_generic_detected_as_generic():
    assert detect_platform(gen_response) == "generic"


def test_generic_next_and_last_links():
    assert [p.url.rsplit("/", 1)[1] for p in gen_page.next_pages] == ["index_2.shtml", "index_5.shtml"]


def test_generic_corrected_and_guan_yu_reports_count():
    assert len([i for i in gen_page.items if classify_title(i.title).is_report]) == 3


def test_generic_date_before_the_link():
    assert gen_page.items[0].published == "2024-01-26"


@pytest.mark.parametrize("item", trs_reports + [i for i in hw_page.items if classify_title(i.title).is_report])
def test_report_items_have_dates(item):
    assert item.published is not None


def test_attachment_written_by_a_script():
    text = ('<html><body><div id="zoom">正文</div><script>document.write(\'<a href="./P0202501.pdf">报告.pdf</a>\');'
            "</script></body></html>")
    assert [link.url for link in attachment_links(text, TRS_URL + "202501/t1.html")] == [TRS_URL + "202501/P0202501.pdf"]


def test_gkmlpt_api_url_as_source():
    src = type("S", (), {"url": "http://jr.sz.gov.cn/gkmlpt/api/all/2811?page=1&sid=755031"})()
    assert gk_strategy.first_requests(src)[0].info == {"api": True, "page": 1}


def test_hanweb_column_without_total_asks_one_window():
    body = hw_response.body.replace(b"totalRecord: 100,", b"")
    page = get_strategy("hanweb").parse_listing(hw_response.replace(body=body), {})
    assert page.next_pages[0].info["total"] is None


def test_trs_items_written_by_a_script():
    resp = file_response("trs/index.html", TRS_URL)
    script = ("<script>document.write('<li><a href=\"./202301/t20230118_1.html\">"
              "长春市2022年政府信息公开工作年度报告</a><span>2023-01-18</span></li>');</script>")
    resp = resp.replace(body=resp.body.replace(b"</ul>", script.encode() + b"</ul>", 1))
    items = get_strategy("trs").parse_listing(resp, {}).items
    assert [(i.url, i.published) for i in items if "2022年" in i.title] == [(TRS_URL + "202301/t20230118_1.html",
                                                                              "2023-01-18")]


# --- TRS list API (Fujian cluster): static first items, then POST /fjdzapp/search -------------------------------
TRSAPI_URL = "http://www.gl.gov.cn/zwgk/zfxxgkzl/zfxxgknb/"
trsapi_response = file_response("trsapi/index.htm", TRSAPI_URL)
trsapi_page = get_strategy("trsapi").parse_listing(trsapi_response, {})


def test_trsapi_detected_before_trs():
    assert detect_platform(trsapi_response) == "trsapi"


def test_trsapi_static_items_read():
    assert len([i for i in trsapi_page.items if "/t20" in i.url]) == 10


def test_trsapi_pages_posted_with_the_pages_form():
    first = trsapi_page.next_pages[0]
    assert ([p.info["page"] for p in trsapi_page.next_pages], first.method, first.url,
            first.formdata["channelid"], first.formdata["classsql"], first.formdata["prepage"]) == \
        ([1, 2, 3], "POST", "http://www.gl.gov.cn/fjdzapp/search", "229105", "chnlid=94878", "10")


def test_trsapi_json_answer_read():
    resp = file_response("trsapi/search_page2.json", "http://www.gl.gov.cn/fjdzapp/search", "application/json")
    page = get_strategy("trsapi").parse_listing(resp, dict(trsapi_page.next_pages[1].info))
    assert (len(page.items), page.items[0].url.startswith(TRSAPI_URL), bool(page.items[0].published),
            page.next_pages) == (10, True, True, [])


# --- Hanweb xxgk annual-report module: unit × year from the form's selects -------------------------------------
XXGK_URL = "http://www.ouhai.gov.cn/col/col6291832980/index.html"
xxgk_response = file_response("xxgk/column.html", XXGK_URL)


def test_xxgk_detected_before_hanweb():
    assert detect_platform(xxgk_response) == "xxgk"


def test_xxgk_asks_every_unit_and_year():
    pages = get_strategy("xxgk").parse_listing(xxgk_response, {}).next_pages
    assert (len(pages), pages[0].url) == (48, "http://www.ouhai.gov.cn/module/xxgk/xxgkAnnualReport.jsp?area=001008003012001&fbtime=2024")


def test_xxgk_report_page_is_its_own_item():
    url = "http://www.ouhai.gov.cn/module/xxgk/xxgkAnnualReport.jsp?area=001008003012001&fbtime=2024"
    body = ("<html><head><title>x</title></head><body><h1>温州市瓯海区人民政府2024年政府信息公开工作年度报告</h1>"
            "<div id='zoom'>…</div></body></html>").encode()
    from scrapy.http import HtmlResponse

    page = get_strategy("xxgk").parse_listing(HtmlResponse(url, body=body, encoding="utf-8"), {"xxgk": True})
    assert [(i.url, i.title) for i in page.items] == [(url, "温州市瓯海区人民政府2024年政府信息公开工作年度报告")]


# --- eportal: pager URLs POSTed with the list module's form -----------------------------------------------------
EPORTAL_URL = "http://www.xilinhot.gov.cn/eportal/ui?pageId=8118675"
eportal_response = file_response("eportal/list.html", EPORTAL_URL)
eportal_page = get_strategy("eportal").parse_listing(eportal_response, {})


def test_eportal_detected():
    assert detect_platform(eportal_response) == "eportal"


def test_eportal_pages_are_form_posts_to_the_pager_urls():
    posts = [p for p in eportal_page.next_pages if "currentPage=2" in p.url]
    assert (len(posts), posts[0].method, sorted(posts[0].formdata)) == (
        1, "POST", ["filter_GE_PUBLISHED_TIME", "filter_LE_PUBLISHED_TIME", "filter_LIKE_SOURCE", "filter_LIKE_TITLE"])


# --- ASP.NET: __doPostBack pager through FormRequest.from_response ------------------------------------------------
ASPNET_URL = "http://gk.ziyang.gov.cn/xxgk/year_list.aspx"
aspnet_response = file_response("aspnet/year_list.aspx.html", ASPNET_URL)
aspnet_page = get_strategy("aspnet").parse_listing(aspnet_response, {})


def test_aspnet_detected():
    assert detect_platform(aspnet_response) == "aspnet"


def test_aspnet_postbacks_carry_viewstate_and_event_target():
    page2 = next(p for p in aspnet_page.next_pages if p.formdata["__EVENTARGUMENT"] == "2")
    assert (page2.method, page2.url, page2.formdata["__EVENTTARGET"], bool(page2.formdata["__VIEWSTATE"]),
            bool(page2.formdata["__EVENTVALIDATION"]), "q" in page2.formdata) == \
        ("POST", ASPNET_URL, "AspNetPager1", True, True, False)


def test_aspnet_same_target_page_is_one_page():
    keys = [p.key for p in aspnet_page.next_pages]
    assert len(keys) == len(set(keys))


# --- the listing gap: a script-only pager no strategy can follow ---------------------------------------------------
def test_script_only_pager_recognised():
    from crawler.platforms.base import script_pager

    assert (script_pager('<a href="javascript:void(0)" onclick="nextPage()">下一页</a>'),
            script_pager('<a href="index_1.html">下一页</a>'),
            script_pager('<span class="disabled">下一页</span>')) == (True, False, False)
