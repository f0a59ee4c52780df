"""The bulk download: every current table as CSV for spreadsheets and Parquet for analysis, with a data dictionary.

    bundle/
        reports.csv, reports.parquet, applications.csv, … (one pair per table in `TABLES`)
        data_dictionary.csv      table, column, 中文名 label, description (Chinese with English beside), type
        README.txt               what the bundle holds, from which database, when

CSV files are UTF-8 with a BOM and the official Chinese labels as headers (Excel on Chinese Windows opens
them as they are); Parquet files keep the machine keys, with each column's description in its field
metadata. Rows are those of current versions (`cells` and `checks` only of the reports in `reports`).
Tables are written in batches, so a national database does not have to fit in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
from pathlib import Path

from archive.db import schema

# table -> the query of its rows (current versions)
TABLES = {
    "organs": "select * from organs order by organ_id",
    "reports": "select * from reports order by id",
    "active_disclosure": "select * from active_disclosure order by report_id",
    "applications": "select * from applications order by report_id",
    "review_litigation": "select * from review_litigation order by report_id",
    "cells": "select * from cells where report_id in (select id from reports) order by report_id, tbl, row, col",
    "checks": "select * from checks where report_id in (select id from reports) order by report_id, rule",
    "rules": "select * from rules order by cast(rule as integer)",
    "sources": "select * from sources order by id",
}
BATCH = 50_000
_ARROW_TYPES = {int: "int64", str: "string", float: "float64"}


def _label(table: str, column: str) -> str:
    from archive.web.excel import chinese_label

    return chinese_label(schema.TABLES[table].descriptions().get(column), column)


def _arrow_schema(table: str, columns: list[str]):
    import pyarrow as pa

    declared = schema.TABLES[table].columns
    fields = []
    for c in columns:
        kind, description = declared.get(c, (str, ""))
        fields.append(pa.field(c, getattr(pa, _ARROW_TYPES[kind])(),
                               metadata={"description": description, "label_zh": _label(table, c)}))
    return pa.schema(fields, metadata={"table": table, "description": schema.TABLES[table].description})


def write_table(conn: sqlite3.Connection, table: str, out: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    cur = conn.execute(TABLES[table])
    columns = [d[0] for d in cur.description]
    arrow_schema = _arrow_schema(table, columns)
    n = 0
    with open(out / f"{table}.csv", "w", encoding="utf-8-sig", newline="") as fh, \
            pq.ParquetWriter(out / f"{table}.parquet", arrow_schema) as parquet:
        writer = csv.writer(fh)
        writer.writerow([_label(table, c) for c in columns])
        while rows := cur.fetchmany(BATCH):
            writer.writerows(rows)
            parquet.write_batch(pa.RecordBatch.from_arrays(
                [pa.array([r[i] for r in rows], type=f.type) for i, f in enumerate(arrow_schema)], schema=arrow_schema))
            n += len(rows)
    return n


def write_bundle(db_path: str | Path, out: str | Path) -> dict[str, int]:
    """Write every table of `TABLES` into `out`; returns rows per table."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        counts = {table: write_table(conn, table, out) for table in TABLES}
    finally:
        conn.close()
    with open(out / "data_dictionary.csv", "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["表 table", "字段 column", "中文名 label", "说明 description", "类型 type"])
        for table in TABLES:
            writer.writerow([table, "", "", schema.TABLES[table].description, ""])
            for column, (kind, description) in schema.TABLES[table].columns.items():
                writer.writerow([table, column, _label(table, column), description, _ARROW_TYPES[kind]])
    stamp = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    lines = [f"nianbao 年报 — bulk download made {stamp} from {Path(db_path).name}", "",
             "每个表一份 CSV（UTF-8 带 BOM，表头为官方中文名）和一份 Parquet（字段为英文键，说明在字段元数据中）。",
             "One CSV (UTF-8 with BOM, official Chinese labels as headers) and one Parquet (machine keys; each "
             "column's description in its field metadata) per table; data_dictionary.csv describes every column.",
             "Rows: current versions only (one report per organ and year).", ""]
    lines += [f"{table}: {n} rows" for table, n in counts.items()]
    (out / "README.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return counts
