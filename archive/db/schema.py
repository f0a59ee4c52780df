"""The published database, declared once: every table's columns with their type and description, keys,
indexes and views. The DDL (`create`), the inserts (`insert_sql`, `values`) and the site's metadata
(`archive.web.metadata`) are all made from these declarations; the wide tables' columns come from the
official form in `pipeline/form.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlite_utils

from archive.db import summaries
from pipeline import form as fmt

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


@dataclass(frozen=True)
class TableDef:
    """One table: a description (Chinese with English beside) and columns name -> (type, description)."""

    description: str
    columns: dict[str, tuple[type, str]]
    pk: str | tuple[str, ...]
    foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)
    without_rowid: bool = False  # big tables keyed by several columns store the key once

    def types(self) -> dict[str, type]:
        return {name: t for name, (t, _) in self.columns.items()}

    def descriptions(self) -> dict[str, str]:
        return {name: d for name, (_, d) in self.columns.items()}


REGION = {
    "province": (str, "省级行政区 Province"),
    "province_code": (str, "省级区划代码（GB/T 2260）Province code"),
    "city": (str, "地级行政区 Prefecture-level city"),
    "city_code": (str, "地级区划代码（GB/T 2260）City code"),
    "county": (str, "县级行政区 County-level division"),
    "county_code": (str, "县级区划代码（GB/T 2260）County code"),
    "division_code": (str, "最精确的区划代码 Most precise GB/T 2260 code"),
}

# A report: one organ, one year, its current version (table `reports`). Every version, current or not,
# is a row of `report_versions` with the same columns (but `versions`) plus its status.
REPORT = {
    "id": (int, "报告编号（由文件 SHA-256 得出）Report id (from the document's SHA-256)"),
    "organ_id": (str, "机关编号 Organ (see organs)"),
    "organ_name": (str, "机关规范名称 Organ's canonical name"),
    "agency": (str, "报告所印机关名称 Agency as printed"),
    "year": (int, "报告年度 Year reported on"),
    "title": (str, "标题 Title"),
    "admin_level": (str, "机关层级 Administrative level of the organ"),
    **REGION,
    "region_level": (str, "区划层级 Level of the division found"),
    "published": (str, "发布日期 Published"),
    "url": (str, "原文地址 URL of the original"),
    "article_url": (str, "发布页面 Article page that published it"),
    "document_sha256": (str, "存档原件 Archived original (SHA-256)"),
    "source_id": (str, "来源 Source"),
    "role": (str, "页面或附件 Article or attachment"),
    "document_type": (str, "文件格式 File format"),
    "format_version": (str, "表格格式版本（2019 试行 / 2021）Table format version"),
    "format_a": (str, "表一格式 Format of Table A"),
    "format_b": (str, "表二格式 Format of Table B"),
    "format_c": (str, "表三格式 Format of Table C"),
    "versions": (int, "版本数（含本版）Versions of this report, this one included"),
    "checks_failed": (int, "未通过的校验数 Failed checks"),
    "checks_failed_hard": (int, "未通过的硬性校验 Failed hard checks"),
    "checks_failed_soft": (int, "未通过的软性校验 Failed soft checks"),
    "cells_uncertain": (int, "读取不确定的单元格 Cells read without certainty"),
    "agency_from": (str, "机关名称取自：document 文件 / page 文章页 / listing 栏目列表 / link 链接文字 "
                         "Where the organ was read"),
    "identity_conflict": (str, "来源之间的不一致（文件、文章页、列表、链接所写机关或年度不同）Disagreements between "
                               "the readings"),
    "identity_evidence": (str, "各来源的读数（JSON）Every reading of organ and year (JSON)"),
    "parser_version": (str, "解析器版本（解析代码的摘要）Parser version (a digest of its code)"),
}
VERSION = {
    **{k: v for k, v in REPORT.items() if k != "versions"},
    "status": (str, "current（现行）/ duplicate（数字相同的另一份）/ superseded（数字不同的旧版）"
                    "Version status: current / duplicate (same numbers) / superseded (older, different numbers)"),
    "is_current": (int, "是否现行版本 1 = current version"),
    "superseded_by": (int, "现行版本 Current version's id"),
}
# The columns every wide table starts with; one more per cell of its statistical table.
WIDE_FIXED = {
    "report_id": (int, "报告（现行版本）Report (current version)"), "organ_id": (str, "机关编号 Organ"),
    "agency": (str, "机关 Agency"), "year": (int, "年度 Year"), "province": (str, "省 Province"),
    "city": (str, "市 City"), "county": (str, "县 County"), "admin_level": (str, "层级 Level"),
    "format_version": (str, "此表格式 Format of this table"),
}


def _wide(letter: str) -> TableDef:
    cols = dict(WIDE_FIXED)
    cols.update({wide_column(r, c): (int, f"{wide_label(letter, r, c)} ({r} · {c})") for r, c in wide_keys(letter)})
    return TableDef(f"{WIDE_LABELS[letter]}（每份报告一行，每个单元格一列）Table {letter} in wide form: one row per "
                    "report, one column per cell", cols, "report_id", [("report_id", "reports", "id")])


TABLES: dict[str, TableDef] = {
    "sources": TableDef("来源（政府网站的年报栏目）Sources: the report columns of government portals that are crawled", {
        "id": (str, "来源编号 Source id"), "name": (str, "网站主办机关 Organ running the portal"),
        "platform": (str, "网站平台 CMS platform"), "level": (str, "来源层级 Level of the source"),
        "base_url": (str, "网站地址 Base URL"), "column_url": (str, "年报栏目地址 URL of the report column"),
        **REGION}, "id"),
    "crawl_runs": TableDef("抓取运行 Crawl runs", {
        "run_id": (str, "运行编号 Run id"), "started_at": (str, "开始 Started"), "finished_at": (str, "结束 Finished"),
        "status": (str, "状态 Status"), "sources": (int, "来源数 Sources"), "sources_failed": (int, "失败来源数 Sources failed"),
        "documents_new": (int, "新文件 New documents"), "reports_found": (int, "发现的年报 Reports found"),
        "raw": (str, "原始记录 Raw JSON")}, "run_id"),
    "crawl_run_sources": TableDef("每次运行中每个来源的结果 Per-source results of each run", {
        "run_id": (str, "运行 Run"), "source_id": (str, "来源 Source"), "status": (str, "状态 Status"),
        "ok": (int, "成功 1 = ok"), "reports_found": (int, "发现的年报 Reports found"),
        "documents_new": (int, "新文件 New documents"), "failures": (int, "失败数 Failures"), "error": (str, "错误 Error"),
        "failure_reasons": (str, "失败的文件及原因 Failed documents and why"), "started_at": (str, "开始 Started"),
        "finished_at": (str, "结束 Finished"), "raw": (str, "原始记录 Raw JSON")},
        ("run_id", "source_id"), [("run_id", "crawl_runs", "run_id")]),
    "documents": TableDef("存档原件（每个文件一行，以 SHA-256 标识）Archived originals: one row per stored file, by SHA-256", {
        "sha256": (str, "文件内容的 SHA-256 SHA-256 of the bytes"), "source_id": (str, "来源 Source"),
        "role": (str, "article（年报页面）或 attachment（附件）Article page or attachment"),
        "url": (str, "抓取地址 URL fetched"), "final_url": (str, "重定向后地址 URL after redirects"),
        "parent_url": (str, "附件所在页面 Page linking the attachment"),
        "listed_title": (str, "栏目列表中的标题 Title as listed"), "listed_published": (str, "栏目列表中的日期 Date as listed"),
        "content_type": (str, "服务器声明的类型 Content-Type sent"), "size": (int, "字节数 Size in bytes"),
        "first_fetched_at": (str, "首次抓取时间 First fetched (UTC)"),
        "last_fetched_at": (str, "最近抓取时间 Last fetched (UTC)"), "fetch_count": (int, "抓取次数 Times fetched"),
        "sniffed_type": (str, "识别出的格式 Format sniffed from the bytes"), "extractor": (str, "提取器 Extractor used"),
        "pages": (int, "页数 Pages"), "ocr": (int, "是否经过文字识别 OCR used"),
        "extraction_status": (str, "提取状态：ok / failed / error / missing（原件缺失）/ damaged（原件损坏） Extraction status"),
        "extraction_error": (str, "失败原因 Why extraction failed"), "is_report": (int, "是否年报 Is an annual report"),
        "not_report_reason": (str, "不是年报的原因 Why it is not a report"), "warnings": (str, "警告 Warnings (JSON)")},
        "sha256", [("source_id", "sources", "id")]),
    "fetches": TableDef("每次抓取记录 Every fetch of every document", {
        "id": (int, "序号 Id"), "sha256": (str, "文件 Document"), "url": (str, "地址 URL"),
        "final_url": (str, "最终地址 Final URL"), "status": (int, "HTTP 状态 HTTP status"),
        "content_type": (str, "类型 Content-Type"), "size": (int, "字节数 Size"),
        "fetched_at": (str, "抓取时间 Fetched at (UTC)"), "source_id": (str, "来源 Source"), "role": (str, "角色 Role"),
        "parent_url": (str, "所在页面 Parent page"), "title": (str, "列表标题 Listed title"),
        "published": (str, "列表日期 Listed date")}, "id", [("sha256", "documents", "sha256")]),
    "organs": TableDef("机关（一个机关一个编号：所在行政区划 + 区划内名称）Organs: one identity per organ, by its division "
                       "and its name within the division", {
        "organ_id": (str, "机关编号（区划代码-区划内名称）Organ id: division code and the name within the division"),
        "name": (str, "规范名称 Canonical name"), "short_name": (str, "区划内名称 Name within the division"),
        "kind": (str, "类别：government 政府 / township 乡镇 / street 街道 / department 部门 / other 其他 Kind"),
        "level": (str, "层级（依行政区划）Level, from the division tree"), **REGION,
        "resolved": (int, "是否已确认 1 = division and kind recognised; 0 = its own organ, flagged"),
        "note": (str, "说明（无法确认的原因、名称对照）Note: why unresolved, or the override applied"),
        "aliases": (str, "报告中出现过的名称（JSON）Names printed by its reports (JSON)"),
        "sources": (str, "来源（JSON）Sources its reports came from (JSON)"),
        "reports": (int, "现行年报数（每年一份）Current reports, one per year"), "versions": (int, "全部版本数 All versions"),
        "first_year": (int, "最早年度 First year reported"), "last_year": (int, "最近年度 Last year reported"),
        "years": (str, "有报告的年度 Years with a report"),
        "missing_years": (str, "中间缺少的年度 Years missing between the first and the last")}, "organ_id"),
    "report_versions": TableDef("年报的全部版本（含重复发布与被更正的旧版）Every version of every report, with its status",
                                VERSION, "id",
                                [("document_sha256", "documents", "sha256"), ("superseded_by", "report_versions", "id"),
                                 ("source_id", "sources", "id"), ("organ_id", "organs", "organ_id")]),
    # `id` is also the current version's id in report_versions (no foreign key: Datasette would turn the
    # primary key into a link and the title would lose its link to the report page).
    "reports": TableDef("年报（每个机关每年一份：现行版本）Reports: one per organ and year, its current version", REPORT,
                        "id", [("document_sha256", "documents", "sha256"), ("source_id", "sources", "id"),
                               ("organ_id", "organs", "organ_id")]),
    "report_texts": TableDef("年报全文与分节（与 reports 分开，浏览和 CSV 更轻）Full text and sections of each report", {
        "report_id": (int, "报告 Report"), "text": (str, "全文 Full text"),
        "own_words": (str, "报告自己的文字（去掉格式的标题、表格标签和套话，默认检索的内容）The report in its own words: "
                           "the text without the form's headings, table labels and stock sentences (what the default "
                           "search looks in)"),
        **{k: (str, f"{fmt.SECTION_LABELS[k]} {k}") for k in fmt.SECTION_KEYS}},
        "report_id", [("report_id", "report_versions", "id")]),
    "cells": TableDef("表格单元格（长表，每个数字可追溯到原件和位置）Table cells, long form: every number traces to its "
                      "document and position", {
        "report_id": (int, "报告 Report"), "tbl": (str, "表：A 主动公开 / B 申请 / C 复议诉讼 Table"),
        "row": (str, "行键 Row key"), "col": (str, "列键 Column key"), "raw": (str, "原文 Cell text as printed"),
        "value": (int, "数值（不确定时为空）Number (null unless read with certainty)"),
        "semantic": (str, "NUMERIC / ZERO / EMPTY（空白）/ NA（不适用：/、—、无）/ TEXT Meaning of the cell"),
        "certain": (int, "是否确定 1 = read with certainty"), "note": (str, "说明（不确定时的最佳读数）Note"),
        "block": (int, "所在块（文件中第几个段落或表格，从 0 起）Block of the document holding the cell"),
        "block_row": (int, "块内行号 Row within that table"), "block_col": (int, "块内列号 Column within that table"),
        "location": (str, "其他位置信息（JSON）Other location details (JSON)")},
        ("report_id", "tbl", "row", "col"), [("report_id", "report_versions", "id")], without_rowid=True),
    "rule_counts": TableDef("各规则的校验结果统计（现行报告；网站 /-/rules）Reports per rule and result (current reports)", {
        "rule": (str, "规则编号 Rule number"), "status": (str, "结果 Result"), "reports": (int, "报告数 Reports")},
        ("rule", "status")),
    "chart_groups": TableDef("按省、层级、年度汇总（现行报告；网站 /-/charts）Current reports and application outcomes "
                             "per province, level and year", {
        "province": REGION["province"], "admin_level": (str, "层级 Level"), "year": (int, "年度 Year"),
        "reports": (int, "报告数 Reports"),
        **{column: (int, f"{label}（依申请办理结果合计 sum over the reports）")
           for column, (label, _) in zip(summaries.OUTCOME_COLUMNS, summaries.OUTCOMES)}},
        ("province", "admin_level", "year")),
    "chart_received": TableDef("本年新收申请数的分布（现行报告；网站 /-/charts）How many reports received each number of "
                               "new applications, per province, level and year", {
        "province": REGION["province"], "admin_level": (str, "层级 Level"), "year": (int, "年度 Year"),
        "received": (int, "本年新收申请数 New applications received"), "reports": (int, "报告数 Reports")},
        ("province", "admin_level", "year", "received")),
    "table_rows": TableDef("每个表的行数（构建时写入，服务器启动时不必逐表计数）Rows per table, counted by the build so a "
                           "server need not count 200 million cells when it starts", {
        "name": (str, "表 Table"), "rows": (int, "行数 Rows")}, "name"),
    "rules": TableDef("校验规则（中文说明，英文在旁；网站 /-/rules）The consistency rules, explained", {
        "rule": (str, "规则编号 Rule number"), "name": (str, "规则代码 Rule key"), "soft": (int, "软性规则 1 = soft rule"),
        "title": (str, "规则名称 Rule"), "explanation": (str, "规则内容 What the rule says")}, "rule"),
    "checks": TableDef("校验结果（每份报告每条规则一行，规则见 rules 表）Checks: each consistency rule per report", {
        "report_id": (int, "报告 Report"), "rule": (str, "规则编号 Rule number"), "name": (str, "规则 Rule"),
        "soft": (int, "软性规则 1 = soft rule"),
        "status": (str, "pass（通过）/ fail（未通过）/ not_assessable（无法评估）Result"), "detail": (str, "说明 Detail")},
        ("report_id", "rule"), [("report_id", "report_versions", "id"), ("rule", "rules", "rule")]),
    **{name: _wide(letter) for letter, name in WIDE_TABLES.items()},
}

_SQL_TYPES = {int: "INTEGER", str: "TEXT", float: "FLOAT"}


def create(db: sqlite_utils.Database) -> None:
    """Create every table (empty) with keys and foreign keys, as declared in TABLES."""
    for name, table in TABLES.items():
        if table.without_rowid:
            pk = [table.pk] if isinstance(table.pk, str) else list(table.pk)
            refs = {col: (other, key) for col, other, key in table.foreign_keys}
            cols = [f"[{c}] {_SQL_TYPES[t]}" + (" NOT NULL" if c in pk else "")
                    + (f" REFERENCES [{refs[c][0]}]([{refs[c][1]}])" if c in refs else "")
                    for c, t in table.types().items()]
            db.execute(f"CREATE TABLE [{name}] ({', '.join(cols)}, PRIMARY KEY ({', '.join(f'[{c}]' for c in pk)})) "
                       "WITHOUT ROWID")
        else:
            db[name].create(table.types(), pk=table.pk, foreign_keys=table.foreign_keys)
    # Contentless FTS5 over pipeline-computed bigram tokens (archive/db/fts.py); rowid = reports.id. The default
    # index holds a report's own words (archive/db/own_words.py); the full-text one everything it prints.
    db.execute("CREATE VIRTUAL TABLE reports_fts USING fts5(title, text, content='')")
    db.execute("CREATE VIRTUAL TABLE reports_fulltext_fts USING fts5(title, text, content='')")


def insert_sql(table: str, columns: list[str] | None = None, replace: bool = False) -> str:
    """An insert of the given columns (default: all, in declared order), checked against the declaration."""
    declared = TABLES[table].columns
    columns = list(declared) if columns is None else columns
    unknown = [c for c in columns if c not in declared]
    if unknown:
        raise KeyError(f"{table} has no column {unknown}")
    return (f"insert {'or replace ' if replace else ''}into [{table}] ({', '.join(f'[{c}]' for c in columns)}) "
            f"values ({', '.join('?' * len(columns))})")


def values(table: str, row: dict) -> tuple:
    """A row as the tuple `insert_sql(table)` expects; a key the table does not declare is an error."""
    declared = TABLES[table].columns
    if not declared.keys() >= row.keys():
        raise KeyError(f"{table} has no column {[k for k in row if k not in declared]}")
    get = row.get
    return tuple([get(c) for c in declared])


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


VIEW_SQL = {
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
          (select coalesce(r.error, r.failure_reasons) from crawl_run_sources r where r.source_id = s.id
             and (r.ok = 0 or r.failures > 0) order by r.started_at desc, r.run_id desc limit 1) as last_error,
          (select r.started_at from crawl_run_sources r where r.source_id = s.id
             and (r.ok = 0 or r.failures > 0) order by r.started_at desc, r.run_id desc limit 1) as last_failure_at,
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


VIEW_DESCRIPTIONS = {
    "source_status": "来源健康状况：最近成功、发现数、失败及原因 Source health: last success, reports, failures and why",
    "cell_provenance": "单元格及其原件（SHA-256、地址、位置）Cells with their original document and position",
}
# Column descriptions of the views (a column taken from a table keeps that table's description).
VIEW_COLUMNS = {
    "cell_provenance": {
        **TABLES["cells"].descriptions(), "organ_id": REPORT["organ_id"][1], "agency": REPORT["agency"][1],
        "year": REPORT["year"][1], "status": VERSION["status"][1],
        "document_sha256": "原件 SHA-256 Original document", "url": "原件地址 URL of the original"},
    "source_status": {
        "source_id": "来源 Source", "name": "网站主办机关 Organ running the portal", "platform": "平台 Platform",
        "level": "层级 Level", "province": REGION["province"][1], "city": REGION["city"][1],
        "county": REGION["county"][1], "last_success": "最近一次成功抓取 Last successful crawl",
        "last_status": "最近一次状态 Last status",
        "last_error": "最近一次失败的原因（整个来源或个别文件）Why it last failed (the source, or documents)",
        "last_failure_at": "最近一次失败的时间 When it last failed",
        "last_reports_found": "最近一次发现的年报 Reports found last time",
        "last_documents_new": "最近一次新文件 New documents last time", "failed_runs": "失败次数 Failed runs",
        "reports": "现行年报数 Current reports", "bad_documents": "无法读取的文件 Unreadable documents"},
}


def views(db: sqlite_utils.Database) -> None:
    for name, sql in VIEW_SQL.items():
        db.create_view(name, sql, replace=True)
