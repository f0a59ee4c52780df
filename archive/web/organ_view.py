"""The data of an organ's page: its reports year by year, the main figures side by side, checks across years."""

from __future__ import annotations

import json

from archive.db import rules
from pipeline import form as fmt

# (label, table, row, column expression over the wide tables) shown year by year
FIGURES = [
    ("B", "new_received"), ("B", "carried_over"), ("B", "granted"), ("B", "partial_grant"),
    ("B", "total_processed"), ("B", "carried_forward"),
    ("C", "review"), ("C", "litigation_direct"), ("C", "litigation_after_review"),
]
CROSS_YEAR_RULES = ("6", "7", "8")


def _label(table: str, row: str) -> str:
    labels = fmt.B_ROW_LABELS if table == "B" else fmt.C_ROW_LABELS
    return labels.get(row, row) + (" · 总计" if table == "B" else " · 总计")


def _change(now, before) -> str:
    if now is None or before is None:
        return ""
    delta = now - before
    return f"{delta:+d}" if isinstance(delta, int) else f"{delta:+g}"


async def load(db, organ_id: str) -> dict | None:
    organ = (await db.execute("select * from organs where organ_id = ?", [organ_id])).first()
    if organ is None:
        return None
    organ = dict(organ)
    reports = [dict(r) for r in (await db.execute(
        "select r.*, s.column_url, s.name as source_name from reports r left join sources s on s.id = r.source_id "
        "where r.organ_id = ? order by r.year", [organ_id])).rows]
    ids = [r["id"] for r in reports]
    marks = ",".join("?" * len(ids))
    values: dict[tuple, object] = {}
    if ids:
        for c in (await db.execute(
                f"select report_id, tbl, row, value from cells where report_id in ({marks}) and col = 'total' "
                "and tbl in ('B', 'C')", ids)).rows:
            values[c["report_id"], c["tbl"], c["row"]] = c["value"]
    checks: dict[int, list] = {}
    if ids:
        for c in (await db.execute(
                f"select c.*, u.title from checks c left join rules u on u.rule = c.rule "
                f"where c.report_id in ({marks}) and c.rule in ('6', '7', '8') order by c.rule", ids)).rows:
            c = dict(c)
            c["status_label"] = rules.STATUS.get(c["status"], c["status"])
            c["detail_zh"] = rules.in_chinese(c["detail"])
            checks.setdefault(c["report_id"], []).append(c)
    figures = []
    for table, row in FIGURES:
        cells, before = [], None
        for r in reports:
            now = values.get((r["id"], table, row))
            cells.append({"value": "" if now is None else now, "change": _change(now, before)})
            before = now
        if any(c["value"] != "" for c in cells):
            figures.append({"label": _label(table, row), "cells": cells})
    organ["aliases"] = json.loads(organ["aliases"] or "[]")
    organ["sources"] = json.loads(organ["sources"] or "[]")
    return {"organ": organ, "reports": reports, "figures": figures,
            "checks": [checks.get(r["id"], []) for r in reports]}
