"""The manifest: the truth about what the farm serves, for tests and benchmarks to check a crawl against.

Shape (JSON):
  seed, sites[{id, name, platform, base_url, column_url, division_code, level}],
  reports[{id, site, title, agency, year, admin_level, published, article_url, inline,
           attachments[{url, file_url, format, title, content_type, sha256}], urls,
           format_version{A,B,C}, duplicate_of, corrects, superseded_by, encoding, delay,
           cells[{table, row, col, raw, value}]}],
  pages[{id, site, kind, title, url, status, about}]  -- every non-report page: 解读 (interpretation),
      notice, unrelated, dead_link (404), listing, robots.
`duplicate_of` names the report a re-post repeats; `corrects`/`superseded_by` link a 更正 to the
report it replaces. `encoding` is utf-8, gbk (matching meta) or gb2312-mislabeled (declares utf-8).
"""

from __future__ import annotations

from farm.model import SiteContent, SitePlan


def site_infos(plans: list[SitePlan], contents: dict[str, SiteContent], base_urls: dict[str, str]) -> list[dict]:
    """The manifest's `sites`: each site's id, name, platform, base and column URL, division code and level."""
    return [{
        "id": p.id, "name": p.name, "platform": p.platform, "base_url": base_urls[p.id],
        "column_url": base_urls[p.id] + contents[p.id].column_path,
        "division_code": p.division_code, "level": p.level,
    } for p in plans]


def build_manifest(seed: int, plans: list[SitePlan], contents: dict[str, SiteContent], base_urls: dict[str, str]) -> dict:
    reports, pages = [], []
    for plan in plans:
        base = base_urls[plan.id]
        content = contents[plan.id]
        for item in plan.items:
            if item.is_report:
                atts = [{"url": base + a.url, "file_url": base + (a.file_url or a.url), "format": a.fmt,
                         "title": a.title, "content_type": a.content_type, "sha256": a.sha256}
                        for a in item.attachments]
                reports.append({
                    "id": item.key, "site": plan.id, "title": item.title, "agency": item.agency,
                    "year": item.year, "admin_level": item.admin_level, "published": item.published.isoformat(),
                    "article_url": base + item.url, "inline": item.inline, "attachments": atts,
                    "urls": [base + item.url] + [a["url"] for a in atts],
                    "format_version": item.report.format_version,
                    "duplicate_of": item.duplicate_of, "corrects": item.corrects, "superseded_by": item.superseded_by,
                    "encoding": item.encoding, "delay": item.delay,
                    "cells": item.report.cells(),
                })
            else:
                pages.append({"id": item.key, "site": plan.id, "kind": item.kind, "title": item.title,
                              "url": base + item.url, "status": 404 if item.kind == "dead_link" else 200,
                              "about": item.about, "published": item.published.isoformat()})
        for path in content.listing_paths:
            pages.append({"id": None, "site": plan.id, "kind": "listing", "title": plan.column_title,
                          "url": base + path, "status": 200, "about": None, "published": None})
        pages.append({"id": None, "site": plan.id, "kind": "robots", "title": "robots.txt",
                      "url": base + "/robots.txt", "status": 200, "about": None, "published": None})
    return {"seed": seed, "sites": site_infos(plans, contents, base_urls), "reports": reports, "pages": pages}
