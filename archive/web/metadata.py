"""Generates datasette_metadata.json: `python -m archive.web.metadata > datasette_metadata.json`.

Descriptions are Chinese with English beside. The wide tables' column descriptions come from
the official labels in pipeline/schema.py, so they cannot drift from the tables.
"""

from __future__ import annotations

import json
import sys

from archive.db import schema
from archive.web.charts import OUTCOMES

DB = "nianbao"
REGION = {
    "province": "省级行政区 Province",
    "province_code": "省级区划代码（GB/T 2260）Province code",
    "city": "地级行政区 Prefecture-level city",
    "city_code": "地级区划代码（GB/T 2260）City code",
    "county": "县级行政区 County-level division",
    "county_code": "县级区划代码（GB/T 2260）County code",
    "division_code": "最精确的区划代码 Most precise GB/T 2260 code",
}
FACETS = ["province", "year", "admin_level", "format_version", "checks_failed"]

REPORT_COLUMNS = {
    "id": "报告编号（由文件 SHA-256 得出）Report id (from the document's SHA-256)",
    "organ_id": "机关编号 Organ (see organs)", "organ_name": "机关规范名称 Organ's canonical name",
    "agency": "报告所印机关名称 Agency as printed", "year": "报告年度 Year reported on", "title": "标题 Title",
    "admin_level": "机关层级 Administrative level of the organ", **REGION,
    "region_level": "区划层级 Level of the division found", "published": "发布日期 Published",
    "url": "原文地址 URL of the original", "article_url": "发布页面 Article page that published it",
    "document_sha256": "存档原件 Archived original (SHA-256)",
    "source_id": "来源 Source", "role": "页面或附件 Article or attachment", "document_type": "文件格式 File format",
    "format_version": "表格格式版本（2019 试行 / 2021）Table format version",
    "format_a": "表一格式 Format of Table A", "format_b": "表二格式 Format of Table B",
    "format_c": "表三格式 Format of Table C", "versions": "版本数（含本版）Versions of this report, this one included",
    "checks_failed": "未通过的校验数 Failed checks", "checks_failed_hard": "未通过的硬性校验 Failed hard checks",
    "checks_failed_soft": "未通过的软性校验 Failed soft checks",
    "cells_uncertain": "读取不确定的单元格 Cells read without certainty",
    "agency_from": "机关名称取自：document 文件 / page 文章页 / listing 栏目列表 / link 链接文字 Where the organ was read",
    "identity_conflict": "来源之间的不一致（文件、文章页、列表、链接所写机关或年度不同）Disagreements between the readings",
    "identity_evidence": "各来源的读数（JSON）Every reading of organ and year (JSON)",
    "parser_version": "解析器版本 Parser version",
}
VERSION_ONLY = {
    "status": "current（现行）/ duplicate（数字相同的另一份）/ superseded（数字不同的旧版）"
              "Version status: current / duplicate (same numbers) / superseded (older, different numbers)",
    "is_current": "是否现行版本 1 = current version", "superseded_by": "现行版本 Current version's id",
}

TABLES = {
    "sources": ("来源（政府网站的年报栏目）Sources: the report columns of government portals that are crawled", {
        "id": "来源编号 Source id", "name": "网站主办机关 Organ running the portal", "platform": "网站平台 CMS platform",
        "level": "来源层级 Level of the source", "base_url": "网站地址 Base URL",
        "column_url": "年报栏目地址 URL of the report column", **REGION}),
    "documents": ("存档原件（每个文件一行，以 SHA-256 标识）Archived originals: one row per stored file, by SHA-256", {
        "sha256": "文件内容的 SHA-256 SHA-256 of the bytes", "source_id": "来源 Source",
        "role": "article（年报页面）或 attachment（附件）Article page or attachment", "url": "抓取地址 URL fetched",
        "final_url": "重定向后地址 URL after redirects", "parent_url": "附件所在页面 Page linking the attachment",
        "listed_title": "栏目列表中的标题 Title as listed", "listed_published": "栏目列表中的日期 Date as listed",
        "content_type": "服务器声明的类型 Content-Type sent", "size": "字节数 Size in bytes",
        "first_fetched_at": "首次抓取时间 First fetched (UTC)", "last_fetched_at": "最近抓取时间 Last fetched (UTC)",
        "fetch_count": "抓取次数 Times fetched", "sniffed_type": "识别出的格式 Format sniffed from the bytes",
        "extractor": "提取器 Extractor used", "pages": "页数 Pages", "ocr": "是否经过文字识别 OCR used",
        "extraction_status": "提取状态：ok / failed / error / missing Extraction status",
        "extraction_error": "失败原因 Why extraction failed", "is_report": "是否年报 Is an annual report",
        "not_report_reason": "不是年报的原因 Why it is not a report", "warnings": "警告 Warnings (JSON)"}),
    "fetches": ("每次抓取记录 Every fetch of every document", {
        "id": "序号 Id", "sha256": "文件 Document", "url": "地址 URL", "final_url": "最终地址 Final URL",
        "status": "HTTP 状态 HTTP status", "content_type": "类型 Content-Type", "size": "字节数 Size",
        "fetched_at": "抓取时间 Fetched at (UTC)", "source_id": "来源 Source", "role": "角色 Role",
        "parent_url": "所在页面 Parent page", "title": "列表标题 Listed title", "published": "列表日期 Listed date"}),
    "organs": ("机关（一个机关一个编号：所在行政区划 + 区划内名称）Organs: one identity per organ, by its division and "
               "its name within the division", {
        "organ_id": "机关编号（区划代码-区划内名称）Organ id: division code and the name within the division",
        "name": "规范名称 Canonical name", "short_name": "区划内名称 Name within the division",
        "kind": "类别：government 政府 / township 乡镇 / street 街道 / department 部门 / other 其他 Kind",
        "level": "层级（依行政区划）Level, from the division tree", **REGION,
        "resolved": "是否已确认 1 = division and kind recognised; 0 = its own organ, flagged",
        "note": "说明（无法确认的原因、名称对照）Note: why unresolved, or the override applied",
        "aliases": "报告中出现过的名称（JSON）Names printed by its reports (JSON)",
        "sources": "来源（JSON）Sources its reports came from (JSON)",
        "reports": "现行年报数（每年一份）Current reports, one per year", "versions": "全部版本数 All versions",
        "first_year": "最早年度 First year reported", "last_year": "最近年度 Last year reported",
        "years": "有报告的年度 Years with a report", "missing_years": "中间缺少的年度 Years missing between the first and "
                                                                     "the last"}),
    "reports": ("年报（每个机关每年一份：现行版本）Reports: one per organ and year, its current version", REPORT_COLUMNS),
    "report_versions": ("年报的全部版本（含重复发布与被更正的旧版）Every version of every report, with its status",
                        {**REPORT_COLUMNS, **VERSION_ONLY}),
    "report_texts": ("年报全文与分节（与 reports 分开，浏览和 CSV 更轻）Full text and sections of each report", {
        "report_id": "报告 Report", "text": "全文 Full text", "overview": "一、总体情况 Overview",
        "active_disclosure": "二、主动公开 Active disclosure", "applications": "三、依申请公开 Applications",
        "review_litigation": "四、行政复议、行政诉讼 Review and litigation", "problems": "五、问题及改进 Problems",
        "other": "六、其他事项 Other matters"}),
    "cells": ("表格单元格（长表，每个数字可追溯到原件和位置）Table cells, long form: every number traces to its document and position", {
        "report_id": "报告 Report", "tbl": "表：A 主动公开 / B 申请 / C 复议诉讼 Table",
        "row": "行键 Row key", "col": "列键 Column key", "raw": "原文 Cell text as printed",
        "value": "数值（不确定时为空）Number (null unless read with certainty)",
        "semantic": "NUMERIC / ZERO / EMPTY（空白）/ NA（/、—、无）/ TEXT Meaning of the cell",
        "certain": "是否确定 1 = read with certainty", "note": "说明（不确定时的最佳读数）Note",
        "block": "所在块（文件中第几个段落或表格，从 0 起）Block of the document holding the cell",
        "block_row": "块内行号 Row within that table", "block_col": "块内列号 Column within that table",
        "location": "其他位置信息（JSON）Other location details (JSON)"}),
    "checks": ("校验结果（格式规则，见 format.md §6）Checks: each consistency rule per report", {
        "report_id": "报告 Report", "rule": "规则编号 Rule number", "name": "规则 Rule", "soft": "软性规则 1 = soft rule",
        "status": "pass（通过）/ fail（未通过）/ not_assessable（无法评估）Result", "detail": "说明 Detail"}),
    "crawl_runs": ("抓取运行 Crawl runs", {
        "run_id": "运行编号 Run id", "started_at": "开始 Started", "finished_at": "结束 Finished",
        "status": "状态 Status", "sources": "来源数 Sources", "sources_failed": "失败来源数 Sources failed",
        "documents_new": "新文件 New documents", "reports_found": "发现的年报 Reports found", "raw": "原始记录 Raw JSON"}),
    "crawl_run_sources": ("每次运行中每个来源的结果 Per-source results of each run", {
        "run_id": "运行 Run", "source_id": "来源 Source", "status": "状态 Status", "ok": "成功 1 = ok",
        "reports_found": "发现的年报 Reports found", "documents_new": "新文件 New documents",
        "failures": "失败数 Failures", "error": "错误 Error",
        "failure_reasons": "失败的文件及原因 Failed documents and why",  "started_at": "开始 Started",
        "finished_at": "结束 Finished", "raw": "原始记录 Raw JSON"}),
}
WIDE_COMMON = {"report_id": "报告（现行版本）Report (current version)", "organ_id": "机关编号 Organ",
               "agency": "机关 Agency", "year": "年度 Year", "province": "省 Province",
               "city": "市 City", "county": "县 County", "admin_level": "层级 Level",
               "format_version": "此表格式 Format of this table"}
VIEWS = {
    "source_status": "来源健康状况：最近成功、发现数、失败及原因 Source health: last success, reports, failures and why",
    "cell_provenance": "单元格及其原件（SHA-256、地址、位置）Cells with their original document and position",
}

APPLICATION_SUMS = {
    "new_received": "本年新收 received", "carried_over": "上年结转 carried over",
    "granted": "予以公开 granted", "partial_grant": "部分公开 partial",
    "total_processed": "办理总计 processed", "carried_forward": "结转下年 carried forward",
}


def canned_queries() -> dict:
    sums = ",\n  ".join(f"sum(a.{k}__total) as \"{label}\"" for k, label in APPLICATION_SUMS.items())
    outcome_sums = ",\n  ".join(f"sum({expr}) as \"{label}\"" for label, expr in OUTCOMES[2:])
    return {
        "search": {
            "title": "全文检索（按相关度）Full-text search, ranked",
            "description": "输入词语，多个词用空格分开（须全部出现）。Type words; separate several with spaces (all must occur).",
            # bm25() directly is ≈ 30 % faster than the rank column; a title hit weighs five text hits.
            "sql": ("-- bm25, a hit in the title weighing five times one in the text\n"
                    "with hits as (select rowid, bm25(reports_fts, 5.0, 1.0) as score from reports_fts\n"
                    "  where reports_fts match cjk_fts_query(:q) order by score limit 100)\n"
                    "select r.id, r.title, r.agency, r.year, r.province, r.organ_id,\n"
                    "  cjk_snippet(t.text, :q) as snippet\n"
                    "from hits join reports r on r.id = hits.rowid\n"
                    "join report_texts t on t.report_id = r.id\n"
                    "order by hits.score"),
        },
        "applications_by_province_year": {
            "title": "各省各年度依申请公开的收件与办理结果 Applications received and outcomes by province and year",
            "sql": ("select a.province, a.year, count(*) as reports,\n  " + sums + ",\n  " + outcome_sums +
                    "\nfrom applications a\ngroup by a.province, a.year\n"
                    "order by a.province, a.year"),
        },
        "inconsistent_reports": {
            "title": "表格违反勾稽规则的报告 Reports whose tables break the consistency rules",
            "sql": ("select r.id, r.title, r.agency, r.year, r.province, r.checks_failed_hard,\n"
                    "  group_concat(c.rule || ' ' || coalesce(c.name, '') || ': ' || coalesce(c.detail, ''), ' | ')"
                    " as failed\n"
                    "from reports r join checks c on c.report_id = r.id and c.status = 'fail' and c.soft = 0\n"
                    "group by r.id order by r.province, r.year, r.agency"),
        },
        "agency_series": {
            "title": "某机关历年数据 An agency's series over the years",
            "description": "机关名称的一部分，例如 民政局。Part of the agency's name.",
            "sql": ("select o.name as organ, a.agency, a.year, a.format_version, a.new_received__total as received,\n"
                    "  a.carried_over__total as carried_over, a.granted__total as granted,\n"
                    "  a.partial_grant__total as partial, a.total_processed__total as processed,\n"
                    "  a.carried_forward__total as carried_forward, rl.review__total as reviews,\n"
                    "  coalesce(rl.litigation_direct__total, 0) + coalesce(rl.litigation_after_review__total, 0)"
                    " as lawsuits, a.report_id\n"
                    "from applications a left join review_litigation rl on rl.report_id = a.report_id\n"
                    "join organs o on o.organ_id = a.organ_id\n"
                    "where o.name like '%' || :agency || '%' or a.agency like '%' || :agency || '%'\n"
                    "order by o.name, a.year"),
        },
        "broken_sources": {
            "title": "出问题的来源 Broken sources",
            "sql": ("select * from source_status\n"
                    "where last_status is null or lower(last_status) not in ('ok', 'success', 'succeeded')\n"
                    "   or bad_documents > 0 or failed_runs > 0\norder by source_id"),
        },
        "failed_documents": {
            "title": "无法读取的文件 Documents that could not be read",
            "sql": ("select sha256, source_id, url, sniffed_type, extraction_status, extraction_error\n"
                    "from documents where extraction_status != 'ok' order by source_id, url"),
        },
    }


def build() -> dict:
    tables = {}
    for name, (description, columns) in TABLES.items():
        tables[name] = {"description": description, "columns": columns}
    for letter, name in schema.WIDE_TABLES.items():
        cols = dict(WIDE_COMMON)
        for row, col in schema.wide_keys(letter):
            cols[schema.wide_column(row, col)] = f"{schema.wide_label(letter, row, col)} ({row} · {col})"
        tables[name] = {
            "description": f"{schema.WIDE_LABELS[letter]}（每份报告一行，每个单元格一列）"
                           f"Table {letter} in wide form: one row per report, one column per cell",
            "columns": cols, "facets": ["province", "year", "format_version"],
            "sortable_columns": ["report_id", "year", "province", "agency"] + [schema.wide_column(r, c) for r, c in
                                                                  schema.wide_keys(letter) if c == "total"],
        }
    tables["reports"].update({
        "fts_table": "reports_fts", "fts_pk": "id", "searchmode": "escaped", "facets": FACETS,
        "sortable_columns": ["id", "year", "province", "agency", "published", "checks_failed", "admin_level",
                             "format_version", "versions"],
        "label_column": "title",
    })
    tables["report_versions"].update({
        "facets": ["status", "year", "province"], "label_column": "title",
        "sortable_columns": ["id", "year", "province", "agency", "published", "status"]})
    tables["organs"].update({
        "facets": ["kind", "level", "province", "resolved"], "label_column": "name",
        "sortable_columns": ["organ_id", "name", "reports", "versions", "first_year", "last_year"]})
    tables["cell_provenance"] = {"description": VIEWS["cell_provenance"], "columns": {
        **tables["cells"]["columns"], "organ_id": "机关编号 Organ", "agency": "机关 Agency", "year": "年度 Year",
        "status": VERSION_ONLY["status"],
        "document_sha256": "原件 SHA-256 Original document", "url": "原件地址 URL of the original"}}
    tables["source_status"] = {"description": VIEWS["source_status"], "columns": {
        "source_id": "来源 Source", "name": "网站主办机关 Organ running the portal", "platform": "平台 Platform",
        "level": "层级 Level", "province": REGION["province"], "city": REGION["city"], "county": REGION["county"],
        "last_success": "最近一次成功抓取 Last successful crawl", "last_status": "最近一次状态 Last status",
        "last_error": "最近一次错误 Last error", "last_reports_found": "最近一次发现的年报 Reports found last time",
        "last_documents_new": "最近一次新文件 New documents last time", "failed_runs": "失败次数 Failed runs",
        "reports": "现行年报数 Current reports", "bad_documents": "无法读取的文件 Unreadable documents"},
        "sortable_columns": ["source_id", "last_success", "failed_runs", "reports", "bad_documents"]}
    tables["documents"]["facets"] = ["extraction_status", "sniffed_type", "source_id"]
    tables["checks"]["facets"] = ["rule", "status"]
    tables["cells"]["facets"] = ["tbl", "semantic"]
    tables["reports_fts"] = {"hidden": True}
    return {
        "title": "年报 nianbao — 政府信息公开工作年度报告存档 Archive of government information-disclosure annual reports",
        "description_html": (
            "<p>各级行政机关依《中华人民共和国政府信息公开条例》第四十九、五十条发布的政府信息公开工作年度报告：原件存档、"
            "三张统计表逐格读取、勾稽关系校验。An open archive of the annual reports that Chinese government organs publish "
            "under articles 49–50 of the Regulations on Open Government Information: originals kept, the three statistical "
            "tables read cell by cell, consistency rules checked.</p>"
            "<p>检索：在 reports 表的搜索框输入中文词语（多个词用空格分开）；或用 <code>search</code> 查询按相关度排序。"
            "Search: type Chinese words in the search box of <code>reports</code>, or use the ranked <code>search</code> "
            "query. Every number links back to its archived original (<code>documents</code>, by SHA-256).</p>"),
        "source": "各级人民政府及其部门门户网站的政府信息公开年报栏目 Government portals' annual-report columns",
        "license": "数据为政府公开信息；代码 MIT Data: published government information; code: MIT",
        "about": "nianbao",
        "databases": {DB: {"description": "年报数据库 The reports database", "tables": tables,
                           "queries": canned_queries()}},
        "plugins": {"nianbao": {}},
    }


def main() -> None:
    json.dump(build(), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
