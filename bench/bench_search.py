"""Benchmark: build a database of N generated reports, then time searches through Datasette.

    python bench/bench_search.py [--n 100000] [--db /tmp/nianbao-bench.db] [--repeat 7]

Reports are generated (farm.report_synth specs: the official tables with random values, narrative from the
seed reports; organs placed in 2,000 real counties, each publishing for 2019–2025, every 20th document a second
version of an organ-year, so the organ-years grow with N as on real portals) and written with the same `archive.db.build.Writer`
as `nianbao build` (the extract/parse step is skipped: its speed is measured by the parser's bench); the
build's phases are timed apart, with the process's peak memory (the writer keeps one small record per version
until every document is in: identity needs them all).
Searches go through Datasette in-process (the ASGI app, no network): the table page's search box
(HTML and JSON, with the five default facets) and the ranked canned query with snippets, each timed
with the query's hit set not yet cached (cold) and again right after (repeat); then the other pages a researcher
opens (landing, database, report, organ, charts, rules …), first answer and repeated. Prints a JSON summary.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.db import regions  # noqa: E402
from archive.db.build import DocumentInfo, Processed, Writer, open_fresh  # noqa: E402
from archive.originals.store import FetchRecord  # noqa: E402

QUERIES = ["复议", "公开", "诉", "2023年", "行政复议", "信息公开工作", "不予公开", "结转", "依申请 复议", "处理费"]
FILLER = ["加强", "政务公开", "平台建设", "政策解读", "回应关切", "群众", "办事", "服务", "规范", "制度", "培训", "监督",
          "考核", "社会评议", "责任追究", "信访", "举报", "投诉", "网站", "新媒体", "发布", "审查", "保密", "档案"]


# Place names (2 syllables, 20 × 20) for the organs of one county, and department names.
NAMES = [a + b for a in "城河龙新永东西南北青白金石桥山水安平兴和" for b in "关口泉华宁阳湖岭江溪田坪塘镇集店庄湾坝园"]
DEPARTMENT = ["民政局", "财政局", "教育局", "卫生健康局", "司法局", "自然资源局", "交通运输局", "农业农村局"]


def _labels() -> dict:
    from pipeline import form as fmt

    return {**fmt.A_ROW_LABELS, **fmt.B_ROW_LABELS, **fmt.C_ROW_LABELS}


LABELS = _labels()


def _counties(rng: random.Random, k: int) -> list:
    from archive.db.regions import _index

    counties = sorted((r for r in _index().values() if r.county_code and r.city_code), key=lambda r: r.county_code)
    return rng.sample(counties, k) if len(counties) > k else counties


def generate(n: int, seed: int = 1):
    from farm.report_synth import random_spec

    rng = random.Random(seed)
    places = _counties(rng, 2000)
    organs = max(1, n // 7)
    for i in range(n):
        # organ k publishes for 2019–2025 (7 reports); every 20th document is a second version of the one before
        # (a re-publication or a correction), so organ-years ≈ 0.95 n, as on real portals
        k = (i - 1 if i % 20 == 19 else i) // 7 % organs
        year = 2019 + (i - 1 if i % 20 == 19 else i) % 7
        region = places[k % len(places)]
        nth = k // len(places)  # the organ's place among its county's: a distinct name for each
        level = ("乡镇", "街道", "部门")[nth % 3]
        agency = region.county + NAMES[nth % len(NAMES)] + {
            "乡镇": "镇人民政府", "街道": "街道办事处", "部门": DEPARTMENT[nth % len(DEPARTMENT)]}[level]
        spec = random_spec(rng, year=year, admin_level=level, agency=agency, distinct=False)
        paragraphs = [p for key in ("preface", "overview", "review_litigation", "problems", "other")
                      for p in spec.prose.get(key, [])]
        paragraphs.append("".join(rng.choice(FILLER) for _ in range(rng.randint(30, 120))) + "。")
        by_row: dict = {}
        for (tbl, row, col), raw in spec.values.items():
            by_row.setdefault((tbl, row), []).append(raw)
        tables = "\n".join(LABELS.get(row, row) + "\t" + "\t".join(raws) for (tbl, row), raws in by_row.items())
        text = "\n".join(paragraphs) + "\n" + tables
        cells = [{"table": t, "row": r, "col": c, "raw": raw, "value": _num(raw),
                  "semantic": "ZERO" if raw == "0" else ("NUMERIC" if _num(raw) is not None else "EMPTY"),
                  "certain": True, "note": None, "source": {"block": 1, "row": 0, "col": 0}}
                 for (t, r, c), raw in spec.values.items()]
        parsed = {"is_report": True, "title": spec.full_title, "agency": agency, "year": year, "admin_level": level,
                  "format_version": {"A": spec.format_a, "B": spec.format_b, "C": "2021"},
                  "tables": {k: {"found": True} for k in "ABC"},
                  "sections": {"overview": "\n".join(spec.prose.get("overview", []))}, "cells": cells,
                  "checks": [{"rule": "1", "name": "B 总计", "soft": False, "status": "pass", "detail": None}],
                  "parser_version": "bench"}
        sha = f"{rng.getrandbits(256):064x}"
        rec = FetchRecord(sha256=sha, url=f"http://127.0.0.1/bench/{i}.html", final_url=f"http://127.0.0.1/bench/{i}.html",
                          status=200, content_type="text/html", size=len(text.encode()),
                          fetched_at="2026-11-01T00:00:00Z", source_id=f"src-{region.county_code}", role="article",
                          title=spec.full_title, published=f"{year + 1}-01-15")
        yield DocumentInfo(sha, [rec]), Processed({"sniffed_type": "html"}, text, parsed), region


def _num(raw: str):
    try:
        return int(raw)
    except ValueError:
        try:
            return float(raw)
        except ValueError:
            return None


def build_db(path: Path, n: int, vacuum: bool = False, fts_jobs: int | None = None) -> dict:
    """Seconds per phase: writing the versions (add_document), `finish` (identity, current versions, FTS,
    indexes, ANALYZE) and, when asked, VACUUM (`nianbao build` does not: it writes a fresh file)."""
    import resource

    t0 = time.perf_counter()
    db = open_fresh(path)
    sources = {}
    writer = Writer(db, sources, fts_jobs=fts_jobs)
    last = t0
    for i, (info, processed, region) in enumerate(generate(n)):
        sources.setdefault(info.first.source_id, {"id": info.first.source_id, "division_code": region.county_code})
        writer.add_document(info, processed, "ok", None)
        if i % 1000 == 999:
            db.conn.commit()
        if time.perf_counter() - last > 10:
            last = time.perf_counter()
            print(f"  {i + 1}/{n} reports written, {last - t0:.0f}s", file=sys.stderr, flush=True)
    t1 = time.perf_counter()
    writer.finish()
    db.conn.commit()
    t2 = time.perf_counter()
    if vacuum:
        db.conn.execute("vacuum")
    db.conn.close()
    t3 = time.perf_counter()
    return {"build_seconds": round(t3 - t0, 1), "write_versions_seconds": round(t1 - t0, 1),
            "finish_seconds": round(t2 - t1, 1), "vacuum_seconds": round(t3 - t2, 1) if vacuum else None,
            "reports_per_second": round(n / (t3 - t0), 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


async def time_searches(path: Path, repeat: int) -> dict:
    """Median and p95 per kind of search. *cold*: the query's hit set is not cached (every request pays
    the full-text match); *repeat*: the same query again (paging, facet clicks, popular queries)."""
    from archive.web import fast_search
    from archive.web.site import make_datasette

    ds = make_datasette(path)
    name = path.stem
    kinds = {
        "table_html": lambda q: f"/{name}/reports?" + urllib.parse.urlencode({"_search": q}),
        "table_json": lambda q: f"/{name}/reports.json?" + urllib.parse.urlencode({"_search": q}),
        "ranked_query": lambda q: f"/{name}/search.json?" + urllib.parse.urlencode({"q": q}),
    }
    db = ds.get_database(name)
    county = (await db.execute("select county from reports where county is not null order by id limit 1")).first()[0]
    agency = (await db.execute("select agency from reports order by id limit 1")).first()[0]
    queries = QUERIES + [county, agency, county + " 复议"]
    from archive.web.site import metadata_for

    t0 = time.perf_counter()
    fast_search.preload(path, metadata_for(path))  # what `nianbao serve` does before listening
    out = {"selective_queries": [county, agency, county + " 复议"],
           "facet_columns_preload_ms": round((time.perf_counter() - t0) * 1000, 1)}
    await ds.client.get(kinds["table_json"]("年度报告"))
    failed: dict = {}
    out["failed"] = failed  # kind -> query -> HTTP status of an answer that was not 200
    for kind, url in kinds.items():
        cold, warm, per_query = [], [], {}
        for q in queries:
            await ds.client.get(url(q + " 报告"))  # warm the pages the query reads, not its hit set
            qt = []
            for _ in range(repeat):
                fast_search.CACHE.clear()
                t0 = time.perf_counter()
                r = await ds.client.get(url(q))
                qt.append((time.perf_counter() - t0) * 1000)
                if r.status_code != 200:  # e.g. past the SQL time limit: counted, and the run goes on
                    failed.setdefault(kind, {}).setdefault(q, r.status_code)
                t0 = time.perf_counter()
                await ds.client.get(url(q))
                warm.append((time.perf_counter() - t0) * 1000)
            cold += qt
            per_query[q] = round(statistics.median(qt), 1)
        out[kind] = {**_summary(cold), "repeat": _summary(warm), "per_query_median_ms": per_query}
    out["hits"] = {}
    for q in queries:
        r = await ds.client.get(f"/{name}/reports.json?" + urllib.parse.urlencode({"_search": q, "_size": 0, "_nofacet": 1}))
        out["hits"][q] = r.json().get("filtered_table_rows_count") if r.status_code == 200 else f"HTTP {r.status_code}"
    return out


async def time_pages(path: Path, repeat: int) -> dict:
    """The pages a researcher opens besides the search box, each timed on a fresh server (first answer: counts
    and caches not yet made) and then repeated: the landing page, the database page (table counts), the big
    tables' first pages, a report, an organ, the charts and the rules (aggregates over every report)."""
    from archive.web.site import make_datasette

    name = path.stem
    ds = make_datasette(path)
    db = ds.get_database(name)
    rid, organ, province = (await db.execute(
        "select id, organ_id, province from reports where province is not null order by id limit 1")).first()
    pages = {
        "landing": "/", "database": f"/{name}", "reports": f"/{name}/reports", "organs": f"/{name}/organs",
        "cells_of_a_report": f"/{name}/cells?report_id={rid}", "report_page": f"/-/report/{rid}",
        "organ_page": f"/-/organ/{urllib.parse.quote(organ)}", "charts": "/-/charts", "rules": "/-/rules",
        "applications_in_a_province": f"/{name}/applications?" + urllib.parse.urlencode({"province": province}),
    }
    out: dict = {}
    for page, url in pages.items():
        fresh = make_datasette(path)
        t0 = time.perf_counter()
        await fresh.client.get("/-/versions.json")  # the server's start (Datasette counts every table once)
        start = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        r = await fresh.client.get(url, follow_redirects=True)
        first = (time.perf_counter() - t0) * 1000
        again = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            await fresh.client.get(url, follow_redirects=True)
            again.append((time.perf_counter() - t0) * 1000)
        out.setdefault("server_start_ms", round(start, 1))
        out[page] = {"status": r.status_code, "first_ms": round(first, 1),
                     "repeat_median_ms": round(statistics.median(again), 1)}
    return out


def _summary(times: list[float]) -> dict:
    times = sorted(times)
    return {"median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--db", default="/tmp/nianbao-bench.db")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--skip-build", action="store_true")
    ap.add_argument("--vacuum", action="store_true", help="VACUUM after the build (needs the file's size free again)")
    ap.add_argument("--fts-jobs", type=int, default=None, help="processes tokenising in the finish (default: cores)")
    ap.add_argument("--build-only", action="store_true", help="time the build, not the searches")
    ap.add_argument("--pages-only", action="store_true", help="time the other pages, not the searches")
    args = ap.parse_args()
    path = Path(args.db)
    result = {"reports": args.n}
    if not args.skip_build:
        result.update(build_db(path, args.n, args.vacuum, args.fts_jobs))
        print(json.dumps(result), file=sys.stderr, flush=True)  # kept even if a search fails below
    result["file_mb"] = round(os.path.getsize(path) / 1e6, 1)
    if not args.build_only and not args.pages_only:
        result["search"] = asyncio.run(time_searches(path, args.repeat))
    if not args.build_only:
        result["pages"] = asyncio.run(time_pages(path, 3))
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
