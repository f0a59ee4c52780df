"""Saved portal pages as Scrapy responses (City Scrapers' ``file_response`` idea), for the crawler tests."""

from __future__ import annotations

from pathlib import Path

from scrapy.http import Request
from scrapy.responsetypes import responsetypes

FIXTURES = Path(__file__).parent / "fixtures" / "crawler"


def file_response(name: str, url: str, content_type: str = "text/html; charset=utf-8", meta: dict | None = None):
    body = (FIXTURES / name).read_bytes()
    headers = {"Content-Type": content_type}
    cls = responsetypes.from_args(headers=headers, url=url, body=body)
    return cls(url=url, body=body, headers=headers, request=Request(url, meta=meta or {}))
