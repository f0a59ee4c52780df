"""Listing strategies per platform family, and detection of the family from a first page (``auto``)."""

from __future__ import annotations

from crawler.platforms.aspnet import AspnetStrategy
from crawler.platforms.base import Strategy, article_titles, canonical_url
from crawler.platforms.browser import BrowserStrategy
from crawler.platforms.eportal import EportalStrategy
from crawler.platforms.generic import GenericStrategy
from crawler.platforms.gkmlpt import GkmlptStrategy
from crawler.platforms.hanweb import HanwebStrategy
from crawler.platforms.trs import TrsStrategy
from crawler.platforms.trsapi import TrsApiStrategy
from crawler.platforms.vsb import VsbStrategy
from crawler.platforms.xxgk import XxgkStrategy

STRATEGIES: dict[str, Strategy] = {s.name: s for s in (TrsStrategy(), HanwebStrategy(), GkmlptStrategy(),
                                                       VsbStrategy(), GenericStrategy(), TrsApiStrategy(),
                                                       XxgkStrategy(), EportalStrategy(), AspnetStrategy(),
                                                       BrowserStrategy())}
# Most specific first: the xxgk annual-report form sits on a Hanweb column page; a Hanweb page may mention gkmlpt
# in a link; a TRS page never carries a datastore; a TRS list-API page also has TRS article links. `browser` is
# opt-in only (a source must ask for it).
DETECTION_ORDER = ("xxgk", "hanweb", "gkmlpt", "trsapi", "trs", "eportal", "aspnet", "vsb")


def get_strategy(name: str) -> Strategy:
    try:
        return STRATEGIES[name]
    except KeyError:
        raise KeyError(f"unknown platform {name!r} (one of {', '.join(STRATEGIES)})") from None


def detect_platform(response) -> str:
    """The platform family of a first listing page; ``generic`` when nothing specific is recognised."""
    for name in DETECTION_ORDER:
        if STRATEGIES[name].detect(response):
            return name
    return "generic"


__all__ = ["STRATEGIES", "Strategy", "article_titles", "canonical_url", "detect_platform", "get_strategy"]
