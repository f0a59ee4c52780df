"""Tables of the published database: names, columns, keys and indexes in one place."""

from __future__ import annotations

import sqlite_utils

try:  # the table layouts of the official formats (pipeline/schema.py)
    from pipeline import schema as fmt
except ImportError:  # pragma: no cover - pipeline is part of this repository
    fmt = None

WIDE_TABLES = {"A": "active_disclosure", "B": "applications", "C": "review_litigation"}
WIDE_LABELS = {"A": "主动公开政府信息情况", "B": "收到和处理政府信息公开申请情况", "C": "政府信息公开行政复议、行政诉讼情况"}


def wide_column(row: str, col: str) -> str:
    return f"{row}__{col}".replace(".", "_")


def wide_keys(table: str) -> list[tuple[str, str]]:
    """(row, col) keys of one statistical table, union of the 2019 and 2021 formats, printed order."""
    keys: list[tuple[str, str]] = []
    if table == "A":
        for version in ("2021", "2019"):
            for row, cols in fmt.A_LAYOUT[version].items():
                keys += [(row, c) for c in cols if (row, c) not in keys]
    elif table == "B":
        rows: list[str] = []
        for version in ("2019", "2021"):
            rows += [r for r in fmt.B_ROWS[version] if r not in rows]
        order = fmt.B_ROWS["2021"]
        rows.sort(key=lambda r: order.index(r) if r in order else order.index("other.overdue_correction") - 0.5)
        keys = [(r, c) for r in rows for c in fmt.B_COLS]
    else:
        keys = [(r, c) for r in fmt.C_ROWS for c in fmt.C_COLS]
    return keys


def wide_label(table: str, row: str, col: str) -> str:
    if table == "A":
        return f"{fmt.A_ROW_LABELS.get(row, row)} · {fmt.A_COL_LABELS.get(col, col)}"
    if table == "B":
        return f"{fmt.B_ROW_LABELS.get(row, row)} · {fmt.B_COL_LABELS.get(col, col)}"
    return f"{fmt.C_ROW_LABELS.get(row, row)} · {fmt.C_COL_LABELS.get(col, col)}"


REGION_COLUMNS = {
    "province": str,
    "province_code": str,
    "city": str,
    "city_code": str,
    "county": str,
    "county_code": str,
    "division_code": str,
}


# A report: one organ, one year, its current version (table `reports`). Every version, current or not,
# is a row of `report_versions` with the same columns plus its status.
REPORT_COLUMNS = {
    "id": int, "organ_id": str, "organ_name": str, "agency": str, "year": int, "title": str, "admin_level": str,
    **REGION_COLUMNS, "region_level": str, "published": str, "url": str, "article_url": str,
    "document_sha256": str, "source_id": str, "role": str, "document_type": str, "format_version": str,
    "format_a": str, "format_b": str, "format_c": str, "versions": int, "checks_failed": int,
    "checks_failed_hard": int, "checks_failed_soft": int, "cells_uncertain": int, "agency_from": str,
    "identity_conflict": str, "identity_evidence": str, "parser_version": str,
}
VERSION_COLUMNS = {**{k: v for k, v in REPORT_COLUMNS.items() if k != "versions"},
                   "status": str, "is_current": int, "superseded_by": int}
ORGAN_COLUMNS = {
    "organ_id": str, "name": str, "short_name": str, "kind": str, "level": str, **REGION_COLUMNS,
    "resolved": int, "note": str, "aliases": str, "sources": str, "reports": int, "versions": int,
    "first_year": int, "last_year": int, "years": str, "missing_years": str,
}
# The columns every wide table starts with; one more per cell of its statistical table.
WIDE_FIXED = {"report_id": int, "organ_id": str, "agency": str, "year": int, "province": str, "city": str,
              "county": str, "admin_level": str, "format_version": str}


def create(db: sqlite_utils.Database) -> None:
    """Create every table (empty) with keys and foreign keys."""
    db["sources"].create(
        {"id": str, "name": str, "platform": str, "level": str, "base_url": str, "column_url": str, **REGION_COLUMNS},
        pk="id",
    )
    db["crawl_runs"].create(
        {"run_id": str, "started_at": str, "finished_at": str, "status": str, "sources": int, "sources_failed": int,
         "documents_new": int, "reports_found": int, "raw": str},
        pk="run_id",
    )
    db["crawl_run_sources"].create(
        {"run_id": str, "source_id": str, "status": str, "ok": int, "reports_found": int, "documents_new": int,
         "failures": int, "error": str, "failure_reasons": str, "started_at": str, "finished_at": str, "raw": str},
        pk=("run_id", "source_id"),
        foreign_keys=[("run_id", "crawl_runs", "run_id")],
    )
    db["documents"].create(
        {"sha256": str, "source_id": str, "role": str, "url": str, "final_url": str, "parent_url": str,
         "listed_title": str, "listed_published": str, "content_type": str, "size": int,
         "first_fetched_at": str, "last_fetched_at": str, "fetch_count": int, "sniffed_type": str,
         "extractor": str, "pages": int, "ocr": int, "extraction_status": str, "extraction_error": str,
         "is_report": int, "not_report_reason": str, "warnings": str},
        pk="sha256",
        foreign_keys=[("source_id", "sources", "id")],
    )
    db["fetches"].create(
        {"id": int, "sha256": str, "url": str, "final_url": str, "status": int, "content_type": str, "size": int,
         "fetched_at": str, "source_id": str, "role": str, "parent_url": str, "title": str, "published": str},
        pk="id",
        foreign_keys=[("sha256", "documents", "sha256")],
    )
    db["organs"].create(ORGAN_COLUMNS, pk="organ_id")
    db["report_versions"].create(
        VERSION_COLUMNS, pk="id",
        foreign_keys=[("document_sha256", "documents", "sha256"), ("superseded_by", "report_versions", "id"),
                      ("source_id", "sources", "id"), ("organ_id", "organs", "organ_id")],
    )
    db["reports"].create(
        REPORT_COLUMNS, pk="id",
        # `id` is also the current version's id in report_versions (no foreign key: Datasette would turn the
        # primary key into a link and the title would lose its link to the report page).
        foreign_keys=[("document_sha256", "documents", "sha256"),
                      ("source_id", "sources", "id"), ("organ_id", "organs", "organ_id")],
    )
    db["report_texts"].create(
        {"report_id": int, "text": str, "overview": str, "active_disclosure": str, "applications": str,
         "review_litigation": str, "problems": str, "other": str},
        pk="report_id",
        foreign_keys=[("report_id", "report_versions", "id")],
    )
    # 200 cells per report: WITHOUT ROWID so the key is stored once (no separate primary-key index).
    db.execute("""
        CREATE TABLE [cells] (
            [report_id] INTEGER NOT NULL REFERENCES [report_versions]([id]),
            [tbl] TEXT NOT NULL, [row] TEXT NOT NULL, [col] TEXT NOT NULL,
            [raw] TEXT, [value] INTEGER, [semantic] TEXT, [certain] INTEGER, [note] TEXT,
            [block] INTEGER, [block_row] INTEGER, [block_col] INTEGER, [location] TEXT,
            PRIMARY KEY ([report_id], [tbl], [row], [col])
        ) WITHOUT ROWID
    """)
    db["checks"].create(
        {"report_id": int, "rule": str, "name": str, "soft": int, "status": str, "detail": str},
        pk=("report_id", "rule"),
        foreign_keys=[("report_id", "report_versions", "id")],
    )
    for letter, name in WIDE_TABLES.items():
        cols = dict(WIDE_FIXED)
        cols.update({wide_column(r, c): int for r, c in wide_keys(letter)})
        db[name].create(cols, pk="report_id", foreign_keys=[("report_id", "reports", "id")])
    # Contentless FTS5 over pipeline-computed bigram tokens (archive/fts.py); rowid = reports.id (current only).
    db.execute("CREATE VIRTUAL TABLE reports_fts USING fts5(title, text, content='')")


def index(db: sqlite_utils.Database) -> None:
    """Indexes on what people filter and join by (created after the bulk insert)."""
    plan = {
        "reports": [["year"], ["province"], ["province_code"], ["city"], ["county"], ["admin_level"],
                    ["format_version"], ["checks_failed"], ["organ_id", "year"], ["agency", "year"], ["source_id"],
                    ["document_sha256"], ["division_code"]],
        "report_versions": [["organ_id", "year"], ["status"], ["document_sha256"], ["source_id"], ["year"]],
        "organs": [["division_code"], ["kind"], ["level"], ["province"]],
        "documents": [["source_id"], ["extraction_status"], ["sniffed_type"]],
        "fetches": [["sha256"], ["source_id"]],
        "checks": [["rule", "status"], ["status"]],
        "crawl_run_sources": [["source_id"], ["status"]],
    }
    for letter, name in WIDE_TABLES.items():
        plan[name] = [["year"], ["province"], ["organ_id", "year"]]
    for table, indexes in plan.items():
        for cols in indexes:
            db[table].create_index(cols, if_not_exists=True)


VIEWS = {
    "cell_provenance": """
        select c.report_id, r.organ_id, r.agency, r.year, r.status, c.tbl, c.row, c.col, c.raw, c.value,
               c.semantic, c.certain, r.document_sha256, r.url, c.block, c.block_row, c.block_col, c.location
        from cells c join report_versions r on r.id = c.report_id
    """,
    "source_status": """
        select s.id as source_id, s.name, s.platform, s.level, s.province, s.city, s.county,
          (select max(r.finished_at) from crawl_run_sources r where r.source_id = s.id and r.ok = 1) as last_success,
          (select r.status from crawl_run_sources r where r.source_id = s.id
             order by r.started_at desc, r.run_id desc limit 1) as last_status,
          (select r.error from crawl_run_sources r where r.source_id = s.id
             order by r.started_at desc, r.run_id desc limit 1) as last_error,
          (select r.reports_found from crawl_run_sources r where r.source_id = s.id
             order by r.started_at desc, r.run_id desc limit 1) as last_reports_found,
          (select r.documents_new from crawl_run_sources r where r.source_id = s.id
             order by r.started_at desc, r.run_id desc limit 1) as last_documents_new,
          (select count(*) from crawl_run_sources r where r.source_id = s.id and r.ok = 0) as failed_runs,
          (select count(*) from reports p where p.source_id = s.id) as reports,
          (select count(*) from documents d where d.source_id = s.id and d.extraction_status != 'ok') as bad_documents
        from sources s
    """,
}


def views(db: sqlite_utils.Database) -> None:
    for name, sql in VIEWS.items():
        db.create_view(name, sql, replace=True)
