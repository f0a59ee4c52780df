"""One identity per organ: the organ a printed name stands for, inside the division tree.

Reports print their organ in many ways: 西村镇 / 西村镇人民政府, 义乌市政府 / 义乌市人民政府, 灵泉街道 /
灵泉街道办事处, 滦州市雷庄镇 / 雷庄镇, in full or half width, in 繁体. An organ is identified by the division
it belongs to (GB/T 2260 code, from the source's division narrowed by the divisions the name spells out)
and its name within that division with the division names and the government suffixes taken off:

    义乌市人民政府, 义乌市政府          -> 330782-人民政府   (the division's government)
    义乌市佛堂镇人民政府, 佛堂镇        -> 330782-佛堂镇
    袁州区灵泉街道办事处, 灵泉街道      -> 360902-灵泉街道
    义乌市民政局, 民政局 (on 义乌's portal) -> 330782-民政局

The division code is part of the identity, so the 城关镇 of two counties never merge. A township or
street named without its county on a city's portal is merged into the one county organ of that name in
that city, when there is exactly one. What rules cannot settle (abbreviations, renamed organs) is settled
by `organ_aliases.csv` beside this module. A name with no division at all stays its own organ, flagged.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from archive.db import regions
from pipeline.divisions import LEVEL_COUNTY, Region
from pipeline.values import norm

ALIASES_FILE = Path(__file__).with_name("organ_aliases.csv")

GOVERNMENT = "人民政府"
KIND_LEVELS = {"township": "乡镇", "street": "街道", "department": "部门"}

_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
_ORGAN_END = re.compile(
    r"(?:人民政府|政府|办事处|街道|镇|乡|苏木|局|委员会|委|办公室|办公厅|办|厅|中心|管理处|院|所|队|站|署|管委会|"
    r"区|县|市|旗|州|盟|省|自治区|公司|银行|监狱|馆|会|部|处|室|社|台|府)$")
_JUNK = re.compile(r"[>＞›»→|]|首页|当前位置|您的位置|年度报告|年报|信息公开")


def clean_name(name: str | None) -> str:
    """A printed organ name for matching: NFKC, simplified, no spaces, no bracketed remarks (（本级）)."""
    if not name:
        return ""
    return _BRACKETS.sub("", norm(name)).strip("《》<>\"'“”：:·.。，,")


def is_organ_name(name: str | None) -> bool:
    """Does this look like the name of an organ (not a breadcrumb, a title fragment or a label)?"""
    n = clean_name(name)
    return 2 <= len(n) <= 40 and not _JUNK.search(n) and bool(_ORGAN_END.search(n))


@dataclass(frozen=True)
class Alias:
    division_code: str  # '' = anywhere, else a 2/4/6-digit prefix of the organ's division
    printed: str
    canonical: str
    note: str = ""


@lru_cache(maxsize=4)
def load_aliases(path: str | None = None) -> tuple[Alias, ...]:
    """The override file: division_code,printed,canonical,note (division_code may be blank or a prefix)."""
    p = Path(path) if path else ALIASES_FILE
    if not p.exists():
        return ()
    out = []
    with open(p, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(line for line in fh if not line.lstrip().startswith("#")):
            printed, canonical = clean_name(row.get("printed")), clean_name(row.get("canonical"))
            if printed and canonical:
                code = re.sub(r"(00)+$", "", (row.get("division_code") or "").strip())
                out.append(Alias(code, printed, canonical, (row.get("note") or "").strip()))
    return tuple(out)


@dataclass(frozen=True)
class OrganRef:
    """The organ a printed name resolved to."""

    organ_id: str
    name: str  # canonical full name
    short: str  # the name within its division (人民政府 for the division's government)
    kind: str  # government / township / street / department / other
    level: str  # 省级 / 市级 / 县级 / 乡镇 / 街道 / 部门 / unknown
    region: Region
    resolved: bool
    note: str | None = None


def _strip_divisions(name: str, region: Region) -> str:
    """Take the names of the division and its ancestors off the front: 浙江省金华市义乌市佛堂镇 -> 佛堂镇."""
    names = sorted(region.names(), key=len, reverse=True)
    changed = True
    while changed:
        changed = False
        for division in names:
            if name.startswith(division) and len(name) > len(division):
                name, changed = name[len(division):], True
            elif name == division:
                return ""
    return name


def _short_and_kind(rest: str) -> tuple[str, str]:
    """(the name within the division, kind) from what is left once the division names are off."""
    if rest in ("", GOVERNMENT, "政府", "人民政府机关", "政府机关", "人民政府本级", "本级"):
        return GOVERNMENT, "government"  # 城口县人民政府机关: the government itself, as 机关 (本级)
    rest = re.sub(r"^(?:人民)?政府(?=办公室|办公厅)", "人民政府", rest)
    rest = rest.replace("管理委员会", "管委会")
    m = re.fullmatch(r"(.+?(?:镇|乡|苏木))(?:人民政府|政府)?", rest)
    if m:
        return m.group(1), "township"
    m = re.fullmatch(r"(.+?街道)(?:办事处|办|人民政府|工委)?", rest)
    if m:
        return m.group(1), "street"
    if re.search(r"(?:局|委员会|委|办公室|办公厅|办|厅|中心|管理处|院|所|队|站|署|管委会|馆|部|处|室|社|台|会)$", rest):
        return rest, "department"
    return rest, "other"


def _within(code: str | None, prefix: str) -> bool:
    return not prefix or bool(code and code.startswith(prefix))


def _alias_for(name: str, scope_code: str | None, aliases: tuple[Alias, ...]) -> Alias | None:
    return next((a for a in aliases if a.printed == name and _within(scope_code, a.division_code)), None)


def resolve(name: str | None, division_code: str | None, aliases: tuple[Alias, ...] | None = None) -> OrganRef | None:
    """The organ `name` stands for on a source of `division_code`; None when there is no name."""
    return _resolve(name, division_code, load_aliases() if aliases is None else aliases)


@lru_cache(maxsize=65536)
def _resolve(name: str | None, division_code: str | None, aliases: tuple[Alias, ...]) -> OrganRef | None:
    n = clean_name(name)
    if not n:
        return None
    scope = regions.by_code(division_code)
    scope_code = scope.code if scope else None
    region = regions.locate(division_code, n)
    rest = _strip_divisions(n, region) if region.code else n
    note = None
    alias = _alias_for(n, scope_code, aliases) or _alias_for(rest, scope_code, aliases)
    if alias is not None:  # the whole printed name, or the part within its division
        note = f"名称对照表 override: {alias.printed} → {alias.canonical}"
        if alias.printed == n:
            n = alias.canonical
            region = regions.locate(division_code, n)
            rest = _strip_divisions(n, region) if region.code else n
        else:
            rest = _strip_divisions(alias.canonical, region)
    short, kind = _short_and_kind(rest)
    if not region.code:
        return OrganRef(f"x-{n}", n, short, kind, "unknown", region, False,
                        note or "无法确定所属行政区划 no division could be found for this name")
    if kind == "government" and short != GOVERNMENT:
        kind = "other"
    level = region.level if kind == "government" else KIND_LEVELS.get(kind, "unknown")
    return OrganRef(f"{region.code}-{short}", canonical_name(region, short, kind), short, kind, level, region,
                    kind != "other", note)


def canonical_name(region: Region, short: str, kind: str) -> str:
    """The organ's full name: 义乌市人民政府, 义乌市佛堂镇人民政府, 袁州区灵泉街道办事处, 商洛市教育局."""
    division = region.name or ""
    if kind == "government":
        return division + GOVERNMENT
    if kind == "township":
        return division + short + GOVERNMENT
    if kind == "street":
        return division + short + "办事处"
    return division + short


@dataclass
class Organ:
    """An organ as published: its identity plus every name it was printed under and where it came from."""

    ref: OrganRef
    aliases: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)


class OrganRegistry:
    """Collects the organs of one build; `merge_county_less()` then folds city-scope townships into counties."""

    def __init__(self, aliases: tuple[Alias, ...] | None = None):
        self.aliases = load_aliases() if aliases is None else aliases
        self.organs: dict[str, Organ] = {}
        self.redirect: dict[str, str] = {}

    def add(self, name: str | None, division_code: str | None, source_id: str | None) -> OrganRef | None:
        ref = resolve(name, division_code, self.aliases)
        if ref is None:
            return None
        organ = self.organs.setdefault(ref.organ_id, Organ(ref))
        organ.aliases.add(clean_name(name))
        if source_id:
            organ.sources.add(source_id)
        return ref

    def add_unnamed(self, key: str, division_code: str | None, source_id: str | None) -> OrganRef:
        """A report that names no organ anywhere: an organ of its own, flagged."""
        region = regions.by_code(division_code) or Region()
        ref = OrganRef(f"x-{key}", "（未署名 unnamed）", "", "other", "unknown", region, False,
                       "报告未写明机关名称 the report names no organ")
        self.organs.setdefault(ref.organ_id, Organ(ref)).sources.update({source_id} if source_id else set())
        return ref

    def merge_county_less(self) -> None:
        """A 镇/乡/街道 keyed on a city (its county not printed) joins the one county organ of that name in the city."""
        by_short: dict[tuple[str, str], list[str]] = {}
        for oid, organ in self.organs.items():
            r = organ.ref
            if r.kind in ("township", "street") and r.region.level == LEVEL_COUNTY and r.region.city_code:
                by_short.setdefault((r.region.city_code, r.short), []).append(oid)
        for oid, organ in list(self.organs.items()):
            r = organ.ref
            if r.kind in ("township", "street") and r.region.county_code is None and r.region.city_code:
                targets = by_short.get((r.region.city_code, r.short), [])
                if len(targets) == 1:
                    target = self.organs[targets[0]]
                    target.aliases |= organ.aliases
                    target.sources |= organ.sources
                    self.redirect[oid] = targets[0]
                    del self.organs[oid]

    def final(self, ref: OrganRef) -> OrganRef:
        """The organ a reference ends up in after merging."""
        return self.organs[self.redirect.get(ref.organ_id, ref.organ_id)].ref
