"""Which organ and year a document reports on, from everything known about it.

The document's own title is one reading. The crawl left others: the title the portal listed it under,
the anchor text of the link to an attachment, and, for an attachment, the title of the article page that
published it. The rule, in order:

1. The organ is the one the document itself prints, when that is an organ's name; otherwise the first
   organ named by the article page, the listing, then the link text; failing all, whatever name the
   document prints (it becomes an organ of its own, flagged as unresolved).
2. The year is the document's own; otherwise the first year the page, the listing or the link gives.
3. Every reading that names another organ or another year is kept as a disagreement, shown beside the
   report (`identity_conflict`), never dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archive.db.organs import is_organ_name
from pipeline.meta import find_agency_and_year, title_candidate

ORDER = ("document", "page", "listing", "link")
LABELS = {"document": "文件标题 document", "page": "文章页标题 article page", "listing": "栏目列表标题 listing",
          "link": "附件链接文字 link text"}


@dataclass(frozen=True)
class Reading:
    """One witness: where it comes from, the text it gave, and the organ and year read from that text."""

    where: str  # document / page / listing / link
    text: str | None
    agency: str | None
    year: int | None

    def as_dict(self) -> dict:
        return {"where": self.where, "text": self.text, "agency": self.agency, "year": self.year}


def reading(where: str, text: str | None) -> Reading | None:
    """Read a title given by the crawl (listing, link, page); None when it says nothing."""
    candidate = title_candidate(text) if text else None
    if not candidate:
        return None
    agency, year = find_agency_and_year(candidate, "")
    if not is_organ_name(agency):
        agency = None
    if agency is None and year is None:
        return None
    return Reading(where, text.strip(), agency, year)


@dataclass
class Identity:
    agency: str | None
    year: int | None
    agency_from: str | None
    year_from: str | None
    readings: list[Reading] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    @property
    def conflict_text(self) -> str | None:
        return "；".join(self.conflicts) or None


def decide(readings: list[Reading], same_organ) -> Identity:
    """Apply the rule above. `same_organ(a, b)` tells whether two printed names are one organ."""
    readings = sorted((r for r in readings if r is not None), key=lambda r: ORDER.index(r.where))
    named = [r for r in readings if r.agency and is_organ_name(r.agency)]
    dated = [r for r in readings if r.year]
    # No organ-like name anywhere: the name the document prints, whatever it looks like (flagged as an organ).
    chosen = named[0] if named else next((r for r in readings if r.where == "document" and r.agency), None)
    year_from = dated[0] if dated else None
    ident = Identity(chosen.agency if chosen else None, year_from.year if year_from else None,
                     chosen.where if chosen else None, year_from.where if year_from else None, readings)
    for r in named[1:]:
        if not same_organ(chosen.agency, r.agency):
            ident.conflicts.append(f"{LABELS[r.where]}：{r.agency} ≠ {LABELS[chosen.where]}：{chosen.agency}")
    for r in dated[1:]:
        if r.year != year_from.year:
            ident.conflicts.append(f"{LABELS[r.where]}：{r.year}年 ≠ {LABELS[year_from.where]}：{year_from.year}年")
    return ident


def document_reading(parsed: dict) -> Reading:
    """The document's own reading, from the parser: an agency only when it is an organ's name."""
    agency = parsed.get("agency")
    year = parsed.get("year")
    return Reading("document", parsed.get("title"), agency or None, year if isinstance(year, int) else None)
