"""Building the whole farm: plan the sites, make the reports, lay every site out, write the manifest."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from farm.cache import RenderCache
from farm.manifest import build_manifest
from farm.model import SiteContent, SitePlan
from farm.plan import plan_farm
from farm.report_content import attachment_bytes, make_report
from farm.sites import BUILDERS
from farm.sites.common import BuildContext


def build_farm(seed: int, base_urls: dict[str, str] | None, cache_dir: str | Path,
               ports: list[int] | None = None) -> tuple[list[SitePlan], dict[str, SiteContent], dict]:
    """Everything the farm serves, and the manifest of the truth.

    `base_urls` maps site ids to `http://127.0.0.1:<port>`; when None, ports are `ports` in site order.
    """
    plans = plan_farm(seed)
    if base_urls is None:
        ports = ports or [8600 + i for i in range(len(plans))]
        base_urls = {p.id: f"http://127.0.0.1:{port}" for p, port in zip(plans, ports)}
    ctx = BuildContext(base_urls=base_urls, cache=RenderCache(cache_dir))
    for plan in plans:
        # Oldest first, per organ, so that each report carries over from the year before (a 更正 last: it is
        # the version the next year continues).
        written: dict[tuple[str, int], object] = {}
        for item in sorted((i for i in plan.items if i.is_report), key=lambda i: (i.agency, i.year, i.variant, i.key)):
            item.report = make_report(item, plan.level, previous=written.get((item.agency, item.year - 1)))
            written[item.agency, item.year] = item.report.spec
    _prerender(plans, ctx.cache)
    contents: dict[str, SiteContent] = {}
    for plan in plans:
        contents[plan.id] = BUILDERS[plan.platform](plan, ctx)
    manifest = build_manifest(seed, plans, contents, base_urls)
    return plans, contents, manifest


def _prerender(plans: list[SitePlan], cache: RenderCache, workers: int = 2) -> None:
    """Fill the render cache for every attachment, two at a time (each is a LibreOffice or raster job).

    The site builders then read the cache; on a second start this finds everything and does nothing.
    """
    jobs = [(item.report, att.fmt) for plan in plans for item in plan.items for att in item.attachments]
    with ThreadPoolExecutor(max_workers=max(1, min(workers, os.cpu_count() or 1))) as pool:
        for _ in pool.map(lambda job: attachment_bytes(job[0], job[1], cache), jobs):
            pass

