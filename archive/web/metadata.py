"""The site's metadata (titles, descriptions, facets, canned queries), made from the schema's declarations.

`nianbao serve` and the plugin build it in memory; `python -m archive.web.metadata > datasette_metadata.json`
writes the same for `datasette nianbao.db -m datasette_metadata.json`. Descriptions are Chinese with English
beside; they live with the columns in `archive/db/schema.py`, so they cannot drift from the tables.
"""

from __future__ import annotations

import json
import sys

from archive.db import schema
from archive.db.summaries import OUTCOMES

DB = "nianbao"
FACETS = ["province", "year", "admin_level", "format_version", "checks_failed_hard", "checks_failed_soft"]

APPLICATION_SUMS = {
    "new_received": "本年新收 received", "carried_over": "上年结转 carried over",
    "granted": "予以公开 granted", "partial_grant": "部分公开 partial",
    "total_processed": "办理总计 processed", "carried_forward": "结转下年 carried forward",
}


# The way in, on the home page and the database page: search first, then the ways to browse and download.
LANDING = (
    '<form class="nb-landing-search" action="/nianbao/reports" method="get">'
    '<label for="nb-q">检索报告 Search the reports </label>'
    '<input id="nb-q" type="search" name="_search" placeholder="例如 复议 依申请 e.g. 复议" size="30">'
    '<input type="submit" value="检索 Search"></form>'
    '<p>浏览 Browse: <a href="/nianbao/reports">年报 reports</a>（每个机关每年一份 one per organ and year） · '
    '<a href="/nianbao/organs">机关 organs</a> · <a href="/nianbao/applications">依申请公开 applications</a> · '
    '<a href="/-/charts">图表 charts</a> · <a href="/-/rules">校验规则 rules</a> · '
    '<a href="/nianbao/search_everything">全文检索 search everything</a></p>'
    '<p>下载 Download: 每页都有 CSV 和 Excel 链接 every page has CSV and Excel links · '
    '<a href="/nianbao.db">整个数据库 the whole database (SQLite)</a> · '
    '<a href="/-/bundle/">批量数据 bulk CSV + Parquet</a>（如已发布 when published）</p>'
)


def search_query(index: str, column: str, title: str, description: str) -> dict:
    """A ranked search over one of the two indexes: 100 hits a page (`page`), the total on every row,
    a snippet of the report's text with every term marked.

    Ranked by bm25 up to `nianbao_rank_bound()` hits (`plugin.RANK_BOUND`, 300,000): scoring reads every hit,
    ≈ 2 µs each here, so a word in every report of a million-report archive would take ≈ 3 s, the SQL time
    limit. Past the bound the hits come unranked, in report-id order (FTS5 reads only the page asked for), and
    the ``ranked`` column says so; adding a word brings the ranking back."""
    # bm25() directly is ≈ 30 % faster than the rank column; a title hit weighs five text hits.
    skip = "100 * (max(coalesce(cast(nullif(:page, '') as integer), 1), 1) - 1)"
    return {
        "title": title,
        "description": description + "多个词用空格分开（须全部出现）；page 为页码，每页100条。Separate several words "
                                     "with spaces (all must occur); page: 100 hits a page. "
                                     "命中超过 30 万份报告的检索不按相关度排序（ranked 列为 0），再加一个词即可。"
                                     "A query found in over 300,000 reports is not ranked (ranked = 0): add a word "
                                     "to narrow it.",
        "sql": (f"-- bm25, a hit in the title weighing five times one in the text, up to the bound; past it unranked\n"
                f"with n as materialized (select count(*) as total, count(*) <= nianbao_rank_bound() as ranked\n"
                f"  from {index} where {index} match cjk_fts_query(:q)),\n"
                f"hits as (\n"
                f"  select * from (select rowid, bm25({index}, 5.0, 1.0) as score from {index}\n"
                f"    where {index} match cjk_fts_query(:q) and (select ranked from n)\n"
                f"    order by score limit 100 offset {skip})\n"
                f"  union all\n"
                f"  select * from (select rowid, rowid as score from {index}\n"
                f"    where {index} match cjk_fts_query(:q) and not (select ranked from n)\n"
                f"    order by rowid limit 100 offset {skip}))\n"
                f"select r.id, r.title, r.agency, r.year, r.province, r.organ_id,\n"
                f"  cjk_snippet(t.{column}, :q) as snippet, n.total as hits, n.ranked\n"
                f"from hits join reports r on r.id = hits.rowid\n"
                f"join report_texts t on t.report_id = r.id\n"
                f"cross join n\n"
                f"order by hits.score"),
    }


def canned_queries() -> dict:
    sums = ",\n  ".join(f"sum(a.{k}__total) as \"{label}\"" for k, label in APPLICATION_SUMS.items())
    outcome_sums = ",\n  ".join(f"sum({expr}) as \"{label}\"" for label, expr in OUTCOMES[2:])
    return {
        "search": search_query("reports_fts", "own_words",
                               "检索报告自己的文字（按相关度）Search what the reports say, ranked",
                               "不含格式的标题和表格标签：“复议”只找到写到复议的报告。Leaves out the form's headings and "
                               "table labels: 复议 finds the reports that write about it. "),
        "search_everything": search_query("reports_fulltext_fts", "text",
                                          "检索全文（含标题和表格标签）Search everything printed, ranked",
                                          "报告印出的一切文字，逐字匹配。Every character the report prints, matched "
                                          "as substrings. "),
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
            "description": "最近一次抓取出问题或有无法读取文件的来源；failed_runs 为历史失败次数。Sources whose latest "
                           "crawl failed or that hold unreadable documents; failed_runs counts the past failures.",
            "sql": ("select * from source_status\n"
                    "where last_status is null or lower(last_status) not in ('ok', 'success', 'succeeded')\n"
                    "   or bad_documents > 0\norder by source_id"),
        },
        "failed_documents": {
            "title": "无法读取的文件 Documents that could not be read",
            "sql": ("select sha256, source_id, url, sniffed_type, extraction_status, extraction_error\n"
                    "from documents where extraction_status != 'ok' order by source_id, url"),
        },
    }


def build() -> dict:
    """The site's metadata: every table and column described from the declarations of `archive.db.schema`."""
    tables = {name: {"description": t.description, "columns": t.descriptions()} for name, t in schema.TABLES.items()}
    for letter, name in schema.WIDE_TABLES.items():
        tables[name].update({
            "facets": ["province", "year", "format_version"],
            "sortable_columns": ["report_id", "year", "province", "agency"] + [schema.wide_column(r, c) for r, c in
                                                                               schema.wide_keys(letter) if c == "total"],
        })
    for name, columns in schema.VIEW_COLUMNS.items():
        tables[name] = {"description": schema.VIEW_DESCRIPTIONS[name], "columns": dict(columns)}
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
    tables["source_status"].update({
        "sortable_columns": ["source_id", "last_success", "failed_runs", "reports", "bad_documents"]})
    tables["documents"]["facets"] = ["extraction_status", "sniffed_type", "source_id"]
    tables["checks"]["facets"] = ["rule", "status", "soft"]
    tables["cells"]["facets"] = ["tbl", "semantic"]
    tables["reports_fts"] = {"hidden": True}
    tables["reports_fulltext_fts"] = {"hidden": True}
    return {
        "title": "年报 nianbao — 政府信息公开工作年度报告存档 Archive of government information-disclosure annual reports",
        "description_html": (
            "<p>各级行政机关依《中华人民共和国政府信息公开条例》第四十九、五十条发布的政府信息公开工作年度报告：原件存档、"
            "三张统计表逐格读取、勾稽关系校验。An open archive of the annual reports that Chinese government organs publish "
            "under articles 49–50 of the Regulations on Open Government Information: originals kept, the three statistical "
            "tables read cell by cell, consistency rules checked.</p>" + LANDING),
        "source": "各级人民政府及其部门门户网站的政府信息公开年报栏目 Government portals' annual-report columns",
        "license": "数据为政府公开信息；代码 MIT Data: published government information; code: MIT",
        "about": "nianbao",
        "databases": {DB: {"description_html": "<p>年报数据库 The reports database.</p>" + LANDING, "tables": tables,
                           "queries": canned_queries()}},
        "plugins": {"nianbao": {}},
    }


def main() -> None:
    json.dump(build(), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
