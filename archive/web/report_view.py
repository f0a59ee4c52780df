"""The data of one report page: the three tables laid out like the official format."""

from __future__ import annotations

from datasette.utils import tilde_encode

from archive.db import rules
from pipeline import form as fmt

SEMANTICS = {"NUMERIC": "数字 number", "ZERO": "零 zero", "EMPTY": "空白 blank (not zero)",
             "NA": "不适用 not applicable (/、—、无)", "TEXT": "文字 text"}


def _cell(cells: dict, table: str, row: str, col: str) -> dict:
    c = cells.get((table, row, col))
    if c is None:
        return {"text": "", "cls": "missing", "title": "未读到 not read"}
    raw = c["raw"] if c["raw"] is not None else ""
    cls = (c["semantic"] or "").lower()
    if c["certain"] == 0:
        cls += " uncertain"
    meaning = SEMANTICS.get(c["semantic"] or "", c["semantic"] or "")
    reading = (f"读作 read as {c['value']}" if c["value"] is not None else
               "不确定，未采用 uncertain, withheld" if c["certain"] == 0 else "无数值 no number")
    title = f"{meaning}；{reading}" + (f"；{c['note']}" if c["note"] else "")
    return {"text": raw, "cls": cls, "title": title}


def table_a(cells: dict, version: str | None) -> dict:
    layout = fmt.A_LAYOUT.get(version or "2021") or fmt.A_LAYOUT["2021"]
    groups = []  # consecutive rows with the same columns share a header, as printed
    for row, cols in layout.items():
        if groups and groups[-1]["cols"] == cols:
            groups[-1]["rows"].append(row)
        else:
            groups.append({"cols": cols, "rows": [row]})
    return {
        "groups": [
            {"headers": [fmt.A_COL_LABELS.get(c, c) for c in g["cols"]],
             "rows": [{"label": fmt.A_ROW_LABELS.get(r, r), "cells": [_cell(cells, "A", r, c) for c in g["cols"]]}
                      for r in g["rows"]]}
            for g in groups
        ],
        "width": max(len(g["cols"]) for g in groups),
    }


def table_b(cells: dict, version: str | None) -> dict:
    rows = fmt.B_ROWS.get(version or "2021") or fmt.B_ROWS["2021"]
    return {
        "cols": [fmt.B_COL_LABELS[c] for c in fmt.B_COLS],
        "rows": [{"label": fmt.B_ROW_LABELS.get(r, r), "cells": [_cell(cells, "B", r, c) for c in fmt.B_COLS]}
                 for r in rows],
    }


def table_c(cells: dict) -> dict:
    return {
        "groups": [fmt.C_ROW_LABELS[r] for r in fmt.C_ROWS],
        "cols": [fmt.C_COL_LABELS[c] for c in fmt.C_COLS],
        "cells": [_cell(cells, "C", r, c) for r in fmt.C_ROWS for c in fmt.C_COLS],
    }


def citation(report: dict, document: dict | None) -> str:
    """GB/T 7714-2015 for an electronic resource: 责任者. 题名[EB/OL]. (发布日期)[引用日期]. 网址. + the archived copy."""
    organ = report.get("organ_name") or report.get("agency") or "佚名"
    title = report.get("title") or "政府信息公开工作年度报告"
    published = f"({report['published']})" if report.get("published") else ""
    retrieved = f"[{(document or {}).get('first_fetched_at', '')[:10]}]" if (document or {}).get("first_fetched_at") else ""
    url = report.get("article_url") or report.get("url") or ""
    return (f"{organ}. {title}[EB/OL]. {published}{retrieved}. {url}. "
            f"存档 archived copy: sha256 {report.get('document_sha256')}.")


async def load(db, rid: int) -> dict | None:
    report = (await db.execute("select * from report_versions where id = ?", [rid])).first()
    if report is None:
        return None
    report = dict(report)
    cells = {(c["tbl"], c["row"], c["col"]): dict(c)
             for c in (await db.execute("select * from cells where report_id = ?", [rid])).rows}
    checks = [dict(c) for c in (await db.execute(
        "select c.*, r.title, r.explanation from checks c left join rules r on r.rule = c.rule "
        "where c.report_id = ? order by cast(c.rule as integer), c.rule", [rid])).rows]
    for c in checks:
        c["status_label"] = rules.STATUS.get(c["status"], c["status"])
        c["detail_zh"] = rules.in_chinese(c["detail"])
    texts = (await db.execute("select * from report_texts where report_id = ?", [rid])).first()
    texts = dict(texts) if texts else {}
    document = (await db.execute("select * from documents where sha256 = ?", [report["document_sha256"]])).first()
    versions = [dict(v) for v in (await db.execute(
        "select id, title, status, published, url, role from report_versions where organ_id = ? and year = ? "
        "and id != ? order by is_current desc, published desc", [report["organ_id"], report["year"], rid])).rows] \
        if report["organ_id"] and report["year"] else []
    sections = [{"key": k, "label": fmt.SECTION_LABELS[k], "text": texts.get(k)} for k in fmt.SECTION_KEYS
                if texts.get(k)]
    return {
        "report": report,
        "document": dict(document) if document else None,
        "table_a": table_a(cells, report["format_a"]),
        "table_b": table_b(cells, report["format_b"]),
        "table_c": table_c(cells),
        "has_cells": bool(cells),
        "checks": checks,
        "sections": sections,
        "full_text": texts.get("text") or "",
        "versions": versions,
        "organ_path": tilde_encode(report["organ_id"]) if report.get("organ_id") else None,
        "citation": citation(report, dict(document) if document else None),
    }
