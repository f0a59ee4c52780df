"""Small server-side SVG charts (no JavaScript, no external assets): applications and outcomes by year."""

from __future__ import annotations

import html

OUTCOMES = [  # label, expression over the applications table (current reports)
    ("予以公开 granted", "granted__total"),
    ("部分公开 partial", "partial_grant__total"),
    ("不予公开 denied", " + ".join(f"coalesce(denied_{k}__total, 0)" for k in (
        "state_secret", "law_forbidden", "safety_stability", "third_party", "internal_affairs", "process_info",
        "enforcement_case", "admin_query"))),
    ("无法提供 unable", " + ".join(f"coalesce(unable_{k}__total, 0)" for k in ("no_info", "need_creation", "unclear"))),
    ("不予处理 not processed", " + ".join(f"coalesce(not_processed_{k}__total, 0)" for k in (
        "complaint", "repeat", "publication", "massive", "confirm"))),
    ("其他处理 other", "coalesce(other__total, 0) + coalesce(other_overdue_correction__total, 0) + "
                      "coalesce(other_overdue_fee__total, 0) + coalesce(other_other__total, 0)"),
]
COLOURS = ["#2b6cb0", "#63b3ed", "#c53030", "#dd6b20", "#718096", "#38a169"]


def bar_chart(points: list[tuple[str, float]], title: str, width: int = 640, height: int = 260) -> str:
    if not points:
        return f"<p>{html.escape(title)}: 无数据 no data</p>"
    top = max(v for _, v in points) or 1
    bw = (width - 60) / len(points)
    parts = [f'<svg role="img" aria-label="{html.escape(title)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
             f'<text x="4" y="14" font-size="13">{html.escape(title)}</text>']
    for i, (label, v) in enumerate(points):
        h = (height - 60) * v / top
        x = 50 + i * bw
        parts.append(f'<rect x="{x + 4:.1f}" y="{height - 30 - h:.1f}" width="{max(bw - 8, 1):.1f}" '
                     f'height="{h:.1f}" fill="#2b6cb0"><title>{html.escape(label)}: {v:g}</title></rect>')
        parts.append(f'<text x="{x + bw / 2:.1f}" y="{height - 14}" font-size="11" text-anchor="middle">'
                     f'{html.escape(label)}</text>')
        parts.append(f'<text x="{x + bw / 2:.1f}" y="{height - 34 - h:.1f}" font-size="10" text-anchor="middle">'
                     f'{v:g}</text>')
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


async def load(db) -> dict:
    received = (await db.execute(
        "select year, sum(new_received__total) as n from applications where year is not null "
        "group by year order by year")).rows
    shares = (await db.execute(
        "select year, " + ", ".join(f"sum({expr}) as o{i}" for i, (_, expr) in enumerate(OUTCOMES)) +
        " from applications where year is not null group by year order by year")).rows
    per_province = (await db.execute(
        "select coalesce(province, '未知') as p, count(*) as n from reports "
        "group by p order by n desc limit 20")).rows
    return {
        "chart_received": bar_chart([(str(r["year"]), r["n"] or 0) for r in received],
                                    "本年新收申请数（现行报告合计）New applications received, by year"),
        "chart_outcomes": stacked_shares([(str(r["year"]), [r[f"o{i}"] or 0 for i in range(len(OUTCOMES))])
                                          for r in shares], [o[0] for o in OUTCOMES],
                                         "办理结果构成 Outcome shares, by year"),
        "chart_provinces": bar_chart([(r["p"], r["n"]) for r in per_province], "各省报告数 Reports per province"),
    }
