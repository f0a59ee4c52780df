"""The farm's data model: what a site serves, independent of how it is served.

A site plan (`SitePlan`) lists the column's items (`Item`: reports and noise) in
platform-neutral terms. A platform builder (`farm/sites/<family>.py`) turns a plan
into `Resource`s at the URLs that platform would use, recording those URLs on the
items so the manifest can state where every report lives.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable, Optional


@dataclass
class Resource:
    """One response the farm can give."""

    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    # Seconds to wait before answering (the "slow page").
    delay: float = 0.0
    # Listing pages answer conditional requests (Last-Modified / ETag -> 304).
    conditional: bool = False
    last_modified: Optional[dt.datetime] = None


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    headers: dict[str, str]


# A dynamic route: gets the request, answers a Resource (or None for 404).
Handler = Callable[[Request], Optional[Resource]]


@dataclass
class Attachment:
    fmt: str  # pdf, pdf-scanned, docx, doc, wps, xls
    title: str  # the anchor text
    url: str = ""  # path on the site, set by the platform builder
    file_url: str = ""  # where a redirecting download link ends (Hanweb downfile.jsp -> /attach/…)
    content_type: str = ""
    sha256: str = ""


@dataclass
class Item:
    """One entry in a site's report column."""

    key: str
    kind: str  # report | interpretation | notice | unrelated | dead_link
    title: str
    published: dt.date
    agency: Optional[str] = None
    year: Optional[int] = None
    admin_level: Optional[str] = None
    inline: bool = True  # report tables printed in the article page
    attachments: list[Attachment] = field(default_factory=list)
    duplicate_of: Optional[str] = None  # key of the report this is a re-post of
    corrects: Optional[str] = None  # key of the report this corrected version replaces
    superseded_by: Optional[str] = None
    about: Optional[str] = None  # 解读 / notice: key of the report it talks about
    encoding: str = "utf-8"  # utf-8 | gbk | gb2312-mislabeled
    delay: float = 0.0
    spec_seed: int = 0  # seed of the report's content (reports only)
    variant: int = 0  # 1 for a corrected version: same report, corrected numbers
    url: str = ""  # article path, set by the platform builder
    report: object = None  # farm.report_content.Report, filled in by the content stage

    @property
    def is_report(self) -> bool:
        return self.kind == "report"


@dataclass
class SitePlan:
    id: str
    name: str  # the organ running the portal, e.g. 袁州区人民政府
    short: str  # place name used in titles, e.g. 袁州区
    platform: str  # trs | hanweb | gkmlpt | vsb | generic
    division_code: str
    level: str  # 县级 | 市级
    column_title: str
    items: list[Item] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)
    townships: list[str] = field(default_factory=list)
    # Platform-specific layout choices (e.g. a TRS site's column path, page extension, list markup).
    options: dict = field(default_factory=dict)


@dataclass
class SiteContent:
    """What a built site serves: static resources by path plus dynamic handlers by path."""

    plan: SitePlan
    column_path: str  # path (and query/fragment) of the report column, what a crawler starts from
    resources: dict[str, Resource] = field(default_factory=dict)
    handlers: dict[str, Handler] = field(default_factory=dict)
    # Non-report pages the manifest should describe: (path, kind, note)
    extra_pages: list[dict] = field(default_factory=list)
    listing_paths: list[str] = field(default_factory=list)


def route_key(path: str, query: str = "") -> str:
    """The lookup key of a route: the path, plus the query with its parameters sorted (if any)."""
    from urllib.parse import parse_qsl, urlencode

    if not query:
        return path
    return path + "?" + urlencode(sorted(parse_qsl(query, keep_blank_values=True)))
