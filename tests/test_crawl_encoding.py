"""Pages decoded from their bytes, whatever charset they claim."""

from __future__ import annotations

from pipeline.encoding import decode_body, detect_encoding

from tests.crawler_fixtures import FIXTURES

TITLE = "宜春市袁州区西村镇2022年政府信息公开工作年度报告"


def test_gb2312_page_that_claims_utf8():
    body = (FIXTURES / "encoding/gb2312_says_utf8.html").read_bytes()
    assert TITLE in decode_body(body, "text/html; charset=utf-8")[0]


def test_gbk_page_with_meta():
    body = (FIXTURES / "encoding/gbk_meta.html").read_bytes()
    assert detect_encoding(body, "text/html") == "gb18030"


def test_utf8_page_that_claims_gbk():
    body = (FIXTURES / "encoding/gb2312_says_utf8.html").read_bytes().decode("gb2312").encode("utf-8")
    assert decode_body(body, "text/html; charset=gbk")[1] == "utf-8"


def test_gb18030_only_character():
    body = "<p>𠀀镇2023年政府信息公开工作年度报告</p>".encode("gb18030")
    assert decode_body(body, "text/html; charset=gb2312")[0].startswith("<p>𠀀")


def test_charset_middleware_sets_encoding():
    from scrapy.http import HtmlResponse
    from scrapy.utils.test import get_crawler

    from crawler.middlewares import CharsetMiddleware

    body = (FIXTURES / "encoding/gb2312_says_utf8.html").read_bytes()
    resp = HtmlResponse("http://127.0.0.1/a.html", body=body, headers={"Content-Type": "text/html; charset=utf-8"})
    fixed = CharsetMiddleware.from_crawler(get_crawler()).process_response(None, resp)
    assert TITLE in fixed.text


def test_declared_charset_that_is_no_text_codec():
    body = "<p>镇2023年政府信息公开工作年度报告</p>".encode("gbk")
    assert detect_encoding(body, "text/html; charset=base64") == "gb18030"
