"""Excel downloads for people: `.xlsx` beside Datasette's CSV on every table, view and canned query.

The header row carries the official Chinese labels, the second row the machine keys, and a sheet 字段说明
describes every column (Chinese with English beside). The page's filters, search and sort apply; the
download is not limited to the page shown but to `MAX_ROWS` rows (said in the workbook when reached).
"""

from __future__ import annotations

import io
import re
from urllib.parse import quote

from datasette.utils.asgi import Response

from archive.db import schema

MAX_ROWS = 100_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_LIMIT = re.compile(r"\s+limit\s+\d+(?:\s+offset\s+\d+)?\s*$", re.I)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters a worksheet cannot hold


def chinese_label(description: str | None, key: str) -> str:
    """The Chinese part of a 'Chinese English' description: up to its last CJK character or full-width mark."""
    if not description:
        return key
    last = max((i for i, ch in enumerate(description) if "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"),
               default=-1)
    return description[:last + 1].strip(" ·") if last >= 0 else key


def column_descriptions(table: str | None) -> dict[str, str]:
    if table in schema.TABLES:
        return schema.TABLES[table].descriptions()
    return dict(schema.VIEW_COLUMNS.get(table or "", {}))


def _cell(value):
    if isinstance(value, str):
        return _ILLEGAL.sub("", value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def workbook(columns: list[str], rows, descriptions: dict[str, str], title: str, truncated: bool) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    data = wb.create_sheet(title="数据 data")
    data.append([chinese_label(descriptions.get(c), c) for c in columns])
    data.append(columns)
    for row in rows:
        data.append([_cell(v) for v in row])
    notes = wb.create_sheet(title="字段说明 columns")
    notes.append(["字段 key", "中文名 label", "说明 description"])
    for c in columns:
        notes.append([c, chinese_label(descriptions.get(c), c), descriptions.get(c, "")])
    notes.append([])
    notes.append(["来源 source", title])
    if truncated:
        notes.append(["截断 truncated", f"只含前 {MAX_ROWS} 行 only the first {MAX_ROWS:,} rows; "
                                         "use the CSV (_stream=on) or `nianbao export` for more"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


async def render_xlsx(datasette, columns, rows, sql, query_name, database, table, request, data):
    """Every row the page's query selects (not only the page shown), up to MAX_ROWS."""
    query = (data or {}).get("query") or {}
    params = query.get("params") or {}
    db = datasette.get_database(database)
    if sql:
        full = f"select * from ({_LIMIT.sub('', sql)}) limit {MAX_ROWS + 1}"
        results = await db.execute(full, params, custom_time_limit=30_000)
        columns = [d[0] for d in results.description]
        rows = [tuple(r) for r in results.rows]
    else:
        rows = [tuple(r) if not isinstance(r, dict) else tuple(r.values()) for r in rows]
    truncated = len(rows) > MAX_ROWS
    name = table or query_name or database
    body = workbook(columns, rows[:MAX_ROWS], column_descriptions(table), request.url, truncated)
    filename = quote(f"{name}.xlsx")
    return Response(body, content_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename=\"{filename}\"; filename*=UTF-8''{filename}"})


def can_render_xlsx(columns) -> bool:
    return bool(columns)
