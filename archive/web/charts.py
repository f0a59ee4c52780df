"""Small server-side SVG charts (no JavaScript, no external assets): applications and outcomes by year."""

from __future__ import annotations

import html

from archive.db.summaries import OUTCOME_COLUMNS, OUTCOMES

COLOURS = ["#2b6cb0", "#63b3ed", "#c53030", "#dd6b20", "#718096", "#38a169"]


def bar_chart(points: list[tuple[str, float]], title: str, width: int = 640, height: int = 260,
              notes: list[str] | None = None) -> str:
    """Bars with their values; `notes` (one per bar, e.g. the number of reports behind it) under the labels."""
    if not points:
        return f"<p>{html.escape(title)}: 无数据 no data</p>"
    if notes:
        height += 14
    top = max(v for _, v in points) or 1
    bw = (width - 60) / len(points)
    parts = [f'<svg role="img" aria-label="{html.escape(title)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
             f'<text x="4" y="14" font-size="13">{html.escape(title)}</text>']
    for i, (label, v) in enumerate(points):
        h = (height - (74 if notes else 60)) * v / top
        x = 50 + i * bw
        foot = 44 if notes else 30
        parts.append(f'<rect x="{x + 4:.1f}" y="{height - foot - h:.1f}" width="{max(bw - 8, 1):.1f}" '
                     f'height="{h:.1f}" fill="#2b6cb0"><title>{html.escape(label)}: {v:g}</title></rect>')
        base = height - (28 if notes else 14)
        parts.append(f'<text x="{x + bw / 2:.1f}" y="{base}" font-size="11" text-anchor="middle">'
                     f'{html.escape(label)}</text>')
        if notes:
            parts.append(f'<text class="nb-note" x="{x + bw / 2:.1f}" y="{base + 13}" font-size="9" '
                         f'text-anchor="middle" fill="#555">{html.escape(notes[i])}</text>')
        parts.append(f'<text x="{x + bw / 2:.1f}" y="{height - foot - 4 - h:.1f}" font-size="10" '
                     f'text-anchor="middle">{v:g}</text>')
    parts.append("</svg>")
    return "".join(parts)


def stacked_shares(rows: list[tuple[str, list[float]]], labels: list[str], title: str, width: int = 640) -> str:
    if not rows:
        return f"<p>{html.escape(title)}: 无数据 no data</p>"
    bar_h, height = 22, 60 + 28 * len(rows) + 20 * ((len(labels) + 2) // 3)
    parts = [f'<svg role="img" aria-label="{html.escape(title)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
             f'<text x="4" y="14" font-size="13">{html.escape(title)}</text>']
    for i, (label, values) in enumerate(rows):
        y = 30 + i * 28
        total = sum(values) or 1
        x = 60.0
        parts.append(f'<text x="4" y="{y + 15}" font-size="11">{html.escape(label)}</text>')
        for j, v in enumerate(values):
            w = (width - 70) * v / total
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{COLOURS[j]}">'
                         f'<title>{html.escape(labels[j])}: {v:g} ({100 * v / total:.1f}%)</title></rect>')
            x += w
    ly = 40 + 28 * len(rows)
    for j, name in enumerate(labels):
        lx, lyy = 4 + (j % 3) * 210, ly + 20 * (j // 3)
        parts.append(f'<rect x="{lx}" y="{lyy}" width="12" height="12" fill="{COLOURS[j]}"/>'
                     f'<text x="{lx + 16}" y="{lyy + 11}" font-size="11">{html.escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


FILTERS = {"province": "province", "level": "admin_level", "year": "year"}


def _where(filters: dict) -> tuple[str, list]:
    clauses, params = [], []
    for key, column in FILTERS.items():
        if filters.get(key):
            clauses.append(f"{column} = ?")
            params.append(int(filters[key]) if key == "year" and str(filters[key]).isdigit() else filters[key])
    return (" and " + " and ".join(clauses)) if clauses else "", params


def _median(counts: list[tuple[float, int]]) -> float:
    """The median of the values that occur `n` times each, (value, n) sorted by value."""
    total = sum(n for _, n in counts)
    if not total:
        return 0

    def nth(k: int) -> float:  # the k-th value (from 0) in sorted order
        for value, n in counts:
            if k < n:
                return value
            k -= n
        raise IndexError(k)

    return nth(total // 2) if total % 2 else (nth(total // 2 - 1) + nth(total // 2)) / 2


async def load(db, filters: dict | None = None) -> dict:
    """The charts over current reports, filtered by province, level and year (`FILTERS`), from the aggregates the
    build wrote (`archive/db/summaries.py`): a few thousand rows whatever the size of the archive."""
    filters = {k: v for k, v in (filters or {}).items() if k in FILTERS and v}
    where, params = _where(filters)
    per_year: dict[int, list] = {}
    for r in (await db.execute(f"select year, received, sum(reports) as n from chart_received where 1{where} "
                               "group by year, received order by year, received", params)).rows:
        per_year.setdefault(r["year"], []).append((r["received"], r["n"]))
    shares = (await db.execute(
        "select year, " + ", ".join(f"sum({c}) as o{i}" for i, c in enumerate(OUTCOME_COLUMNS)) +
        f" from chart_groups where year is not null{where} group by year order by year", params)).rows
    per_province = (await db.execute(
        f"select coalesce(province, '未知') as p, sum(reports) as n from chart_groups where 1{where} "
        "group by p order by n desc limit 20", params)).rows
    choices = {
        "province": [r[0] for r in (await db.execute(
            "select distinct province from chart_groups where province is not null order by province")).rows],
        "level": [r[0] for r in (await db.execute(
            "select distinct admin_level from chart_groups where admin_level is not null order by admin_level")).rows],
        "year": [r[0] for r in (await db.execute(
            "select distinct year from chart_groups where year is not null order by year")).rows],
    }
    years = sorted(per_year)
    return {
        "filters": filters, "choices": choices,
        "chart_received": bar_chart([(str(y), sum(v * n for v, n in per_year[y])) for y in years],
                                    "本年新收申请数（现行报告合计）New applications received, by year",
                                    notes=[f"{sum(n for _, n in per_year[y])}份 reports" for y in years]),
        "chart_median": bar_chart([(str(y), _median(per_year[y])) for y in years],
                                  "每份报告本年新收申请数的中位数 Median applications received per report",
                                  notes=[f"{sum(n for _, n in per_year[y])}份 reports" for y in years]),
        "chart_outcomes": stacked_shares([(str(r["year"]), [r[f"o{i}"] or 0 for i in range(len(OUTCOMES))])
                                          for r in shares], [o[0] for o in OUTCOMES],
                                         "办理结果构成 Outcome shares, by year"),
        "chart_provinces": bar_chart([(r["p"], r["n"]) for r in per_province], "各省报告数 Reports per province"),
    }
