"""Where a report belongs: province / city / county and their GB/T 2260 codes (`pipeline.divisions`).

`locate(division_code, agency)` places a report: the source's division code says where the
portal is; a county or city named in the agency's name, inside that division, narrows it
down (a county bureau on a city portal). Without a code, a division whose full name occurs in
the agency name, and only one such division, is used. Nothing here is typed by hand.
"""

from __future__ import annotations

from functools import lru_cache

from pipeline.divisions import LEVEL_CITY, LEVEL_COUNTY, LEVEL_PROVINCE, Region, by_code, by_name, index

__all__ = ["Region", "by_code", "locate", "LEVEL_PROVINCE", "LEVEL_CITY", "LEVEL_COUNTY"]
_index = index  # the bench builds its corpus from the whole tree


def _within(region: Region, scope: Region) -> bool:
    code, scode = region.code, scope.code
    if scope.county_code:
        return code == scode
    if scope.city_code:
        return code[:4] == scode[:4]
    return code[:2] == scode[:2]


def _named_in(text: str, scope: Region | None) -> list[Region]:
    """Divisions whose full name occurs in `text` (inside `scope` when given), most precise first."""
    found = []
    for name, regions in by_name().items():
        if len(name) >= 2 and name in text:
            for r in regions:
                if scope is None or _within(r, scope):
                    found.append(r)
    rank = {LEVEL_COUNTY: 0, LEVEL_CITY: 1, LEVEL_PROVINCE: 2}
    found.sort(key=lambda r: (rank[r.level], -len(r.county or r.city or r.province or ""), r.code))
    return found


@lru_cache(maxsize=65536)
def locate(division_code: str | None = None, agency: str | None = None) -> Region:
    """Best placement of a report from its source's division code and its agency name."""
    scope = by_code(division_code)
    text = agency or ""
    if scope is not None:
        if scope.county_code or not text:
            return scope
        inner = [r for r in _named_in(text, scope) if r.code != scope.code and r.level != LEVEL_PROVINCE]
        return inner[0] if inner else scope
    if not text:
        return Region()
    found = _named_in(text, None)
    if not found:
        return Region()
    best = found[0]
    same_level = [r for r in found if r.level == best.level and (r.county or r.city) == (best.county or best.city)]
    if len(same_level) > 1:  # e.g. 朝阳区 in Beijing and in Changchun: keep only what they share
        provinces = {r.province_code for r in same_level}
        return by_code(provinces.pop()) if len(provinces) == 1 else Region()
    return best
