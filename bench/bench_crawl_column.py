"""Benchmark: `nianbao crawl --no-polite` against a bare Scrapy spider on one generated TRS column.

    python bench/bench_crawl_column.py [--pages 2100] [--rounds 3] [--workdir /tmp/nianbao-bench-column]
    python bench/bench_crawl_column.py --pages 5000 --redis      # also: two crawl processes on one Redis

Generates (once per workdir and size) a static TRS WCM column on disk — listing pages ``index.html``,
``index_1.html`` … with the ``createPageHTML(...)`` pager script, article pages
``YYYYMM/tYYYYMMDD_<docid>.html`` holding a whole annual report (the farm's report synthesiser and HTML
renderer; a fifth of them GBK as many TRS portals are), and ``P0….pdf`` attachments next to a quarter of the
articles — N pages in all. It is served by ``python -m http.server`` (a subprocess on loopback), and each
round runs, one after the other as subprocesses, alternating which goes first:

- *bare*: a Scrapy spider defined here, at Scrapy's default settings, that only follows the column's links
  (pager, article links of the listing pages, attachment links of the articles) and does nothing with them;
- *ours*: ``nianbao crawl --no-polite`` on a sources.csv naming the column, into a fresh archive.

Each is timed (wall; user+sys CPU of the child from ``getrusage(RUSAGE_CHILDREN)``) and its pages counted
(bare: responses; ours: ``responses`` of its run record). Printed as JSON: per-round figures, medians and the
ratio ours / bare of the medians.

``--redis`` adds, per round, ours as two processes sharing one ``redis-server`` (started on a free loopback
port) into one fresh archive, and ours as one process on that Redis, and checks that the two processes
archived the same originals as the single process, with no URL fetched or recorded twice.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

COLUMN = "/zfxxgk/zfxxgknb/"
PER_PAGE = 20
GENERATOR_VERSION = 1


# --------------------------------------------------------------------------------------------- the column ---
from farm.chrome import esc  # noqa: E402
from farm.sites.trs import CREATE_PAGE_JS  # noqa: E402  the TRS pager script, as the farm serves it

SITE_NAME = "宁陵县人民政府"


def frame(title: str, body: str, charset: str = "utf-8") -> str:
    """A TRS portal page around `body` (head, top bar, nav, footer), as the farm's sites are framed."""
    nav = "".join(f'<li><a href="{h}">{t}</a></li>' for t, h in (
        ("首页", "/"), ("政务动态", "/zwdt/"), ("政府信息公开", "/zfxxgk/"), ("政民互动", "/zmhd/"),
        ("办事服务", "/bsfw/"), ("走进宁陵", "/zj/")))
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="{charset}">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="SiteName" content="{SITE_NAME}">
<meta name="SiteDomain" content="www.ningling.gov.cn">
<meta name="SiteIDCode" content="4114230001">
<title>{esc(title)}</title>
<link rel="stylesheet" href="/css/common.css">
<script src="/js/jquery.min.js"></script>
</head>
<body>
<div class="top"><div class="w1200"><span class="date"></span><a href="/">无障碍浏览</a> | <a href="/">长者模式</a> | <a href="/">繁体</a></div></div>
<div class="header"><div class="w1200"><a href="/" class="logo"><img src="/images/logo.png" alt="{SITE_NAME}"></a>
<form action="/search/" method="get" class="search"><input type="text" name="q" placeholder="请输入关键字"><button type="submit">搜索</button></form></div></div>
<div class="nav"><ul>{nav}</ul></div>
<div class="main w1200">
{body}
</div>
<div class="footer">
  <p>主办单位：{SITE_NAME}办公室 &nbsp; 承办单位：宁陵县大数据中心</p>
  <p>网站标识码：4114230001 &nbsp; <a href="https://beian.miit.gov.cn/" target="_blank">豫ICP备05000000号</a></p>
  <p><a href="/wzdt.html">网站地图</a> | <a href="/lxwm.html">联系我们</a></p>
</div>
</body>
</html>
"""


SIDEBAR = ('<div class="left-nav"><h3>政府信息公开</h3><ul><li><a href="/zfxxgk/zfxxgkzn/">政府信息公开指南</a></li>'
           '<li><a href="/zfxxgk/zfxxgkzd/">政府信息公开制度</a></li><li><a href="/zfxxgk/fdzdgknr/">法定主动公开内容</a></li>'
           f'<li class="cur"><a href="{COLUMN}">政府信息公开年度报告</a></li></ul></div>')
CRUMBS = ('<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zfxxgk/">政府信息公开</a> &gt; '
          f'<a href="{COLUMN}">政府信息公开年度报告</a></div>')


def plan_counts(pages: int, per_page: int = PER_PAGE) -> tuple[int, int, int]:
    """(listing pages, articles, attachments) adding up to `pages`: a quarter of the articles carry a PDF,
    a few two when the sum needs it."""
    for articles in range(pages, 0, -1):
        listings = -(-articles // per_page)
        attachments = -(-articles // 4)  # articles 0, 4, 8, …
        rest = pages - (listings + articles + attachments)
        if 0 <= rest <= articles - attachments:
            return listings, articles, attachments + rest
    raise ValueError(f"cannot lay out {pages} pages")


def fake_pdf(rng: random.Random, title: str) -> bytes:
    """A PDF-shaped attachment: header, one object with a deflate-like (incompressible) stream, trailer."""
    size = rng.randint(40_000, 240_000)
    stream = rng.randbytes(size)
    head = (f"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Title ({title.encode('unicode_escape').decode()}) >>\nendobj\n"
            f"2 0 obj\n<< /Length {size} /Filter /FlateDecode >>\nstream\n").encode("latin-1")
    return head + stream + b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def generate_column(root: Path, pages: int, seed: int = 0) -> dict:
    """Write the column under `root` (the web root); answer its plan (counts, URLs by kind)."""
    from farm import render, report_synth

    listings, n_articles, n_attachments = plan_counts(pages)
    rng = random.Random(seed)
    shutil.rmtree(root, ignore_errors=True)
    col = root / COLUMN.strip("/")
    col.mkdir(parents=True)
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /search/\nDisallow: /wcm/\n", encoding="utf-8")
    (root / "index.html").write_text(frame(SITE_NAME, f'<a href="{COLUMN}">政府信息公开年度报告</a>'), encoding="utf-8")
    # Who reports: the county's township governments and departments, over the years 2015–2024.
    articles = []
    extra_attachments = n_attachments - -(-n_articles // 4)
    used_ids: set[int] = set()
    for i in range(n_articles):
        year = 2024 - (i * 10 // n_articles)
        level = rng.choice(["乡镇", "乡镇", "街道", "部门"])
        spec = report_synth.random_spec(random.Random(rng.getrandbits(64)), distinct=False, year=year,
                                        admin_level=level)
        published = (f"{year + 1}{rng.randint(1, 3):02d}{rng.randint(1, 28):02d}")
        docid = rng.randint(1_000_000, 9_999_999)
        while docid in used_ids:
            docid = rng.randint(1_000_000, 9_999_999)
        used_ids.add(docid)
        atts = 1 if i % 4 == 0 else 0
        if atts and extra_attachments > 0:
            atts, extra_attachments = 2, extra_attachments - 1
        articles.append({"spec": spec, "published": published, "docid": docid, "attachments": atts,
                         "encoding": "gbk" if i % 5 == 2 else "utf-8"})
    # Listings are newest first, as the column shows them.
    articles.sort(key=lambda a: (a["published"], a["docid"]), reverse=True)
    att_count = 0
    urls: dict[str, list[str]] = {"listing": [], "article": [], "attachment": []}
    for idx, art in enumerate(articles):
        spec, published = art["spec"], art["published"]
        folder = f"{published[:6]}/"
        name = f"t{published}_{art['docid']}.html"
        art["href"] = f"./{folder}{name}"
        (col / folder).mkdir(exist_ok=True)
        links = []
        for k in range(art["attachments"]):
            fname = f"P0{published}{rng.randint(10**11, 10**12 - 1)}.pdf"
            title = spec.full_title + ("" if k == 0 else f"（附表{k}）")
            (col / folder / fname).write_bytes(fake_pdf(rng, title))
            links.append(f'<li><a href="./{fname}" OLDSRC="/protect/{fname}">{esc(title)}.pdf</a></li>')
            urls["attachment"].append(f"{COLUMN}{folder}{fname}")
            att_count += 1
        att_html = f'<div class="fj"><p>附件：</p><ul>{"".join(links)}</ul></div>' if links else ""
        report_html = render.render_html(report_synth.build_document(spec), chrome=False).decode("utf-8")
        neighbours = [a for a in articles[max(0, idx - 2):idx + 3] if a is not art][:3]
        related = "".join(f'<li><a href="../{a["published"][:6]}/t{a["published"]}_{a["docid"]}.html">'
                          f'{esc(a["spec"].full_title)}</a></li>' for a in neighbours)
        body = f"""{CRUMBS[:-6]} &gt; 正文</div>
<div class="article">
<h1 class="title">{esc(spec.full_title)}</h1>
<div class="info"><span>发布时间：{published[:4]}-{published[4:6]}-{published[6:]} 10:{art['docid'] % 60:02d}</span>
<span>来源：{esc(spec.agency)}</span><span>字号：[<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a>]</span></div>
<div class="view TRS_UEDITOR trs_paper_default trs_web">
{report_html}
{att_html}
</div>
<div class="share"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
<div class="related"><h3>相关文章</h3><ul>{related}</ul></div>
</div>"""
        text = frame(spec.full_title, body, charset=art["encoding"])
        (col / folder / name).write_bytes(text.encode(art["encoding"], errors="xmlcharrefreplace"))
        urls["article"].append(f"{COLUMN}{folder}{name}")
    for n in range(listings):
        rows = []
        for art in articles[n * PER_PAGE:(n + 1) * PER_PAGE]:
            title, p = art["spec"].full_title, art["published"]
            shown = title if len(title) <= 30 else title[:29] + "…"
            rows.append(f'<li><a href="{art["href"]}" title="{esc(title)}" target="_blank">{esc(shown)}</a>'
                        f"<span>{p[:4]}-{p[4:6]}-{p[6:]}</span></li>")
        body = f"""{CRUMBS}
<div class="clearfix">{SIDEBAR}
<div class="right-list"><div class="list-title"><h2>政府信息公开年度报告</h2></div>
<ul class="list">
{chr(10).join(rows)}
</ul>
<div class="page"><script type="text/javascript">{CREATE_PAGE_JS}</script>
<script type="text/javascript">createPageHTML({listings}, {n}, "index", "html");</script></div>
</div></div>"""
        name = "index.html" if n == 0 else f"index_{n}.html"
        (col / name).write_text(frame("政府信息公开年度报告", body), encoding="utf-8")
        urls["listing"].append(COLUMN if n == 0 else f"{COLUMN}{name}")
    plan = {"version": GENERATOR_VERSION, "pages": pages, "seed": seed, "listing_pages": listings,
            "articles": n_articles, "attachments": att_count, "urls": urls}
    (root.parent / "plan.json").write_text(json.dumps(plan, indent=1), encoding="utf-8")
    return plan


def column(workdir: Path, pages: int, seed: int) -> dict:
    """The generated column of this size in `workdir` (made once, reused while the plan matches)."""
    root = workdir / f"site-{pages}-{seed}" / "www"
    plan_file = root.parent / "plan.json"
    if plan_file.exists():
        plan = json.loads(plan_file.read_text(encoding="utf-8"))
        if plan.get("version") == GENERATOR_VERSION and (root / COLUMN.strip("/") / "index.html").exists():
            return plan | {"root": str(root)}
    root.parent.mkdir(parents=True, exist_ok=True)
    return generate_column(root, pages, seed) | {"root": str(root)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, proc: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"{what} did not start")
            time.sleep(0.05)


# ------------------------------------------------------------------------------------- the bare spider ---
def run_bare(start_url: str, out: str) -> None:
    """The yardstick (run in its own process): Scrapy's defaults, follow the column's links, nothing else."""
    import scrapy
    from scrapy.crawler import CrawlerProcess

    pager = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']")

    class BareColumnSpider(scrapy.Spider):
        name = "bare-column"
        start_urls = [start_url]

        def parse(self, response):  # a listing page
            m = pager.search(response.text)
            if m:
                count, name, ext = int(m.group(1)), m.group(3), m.group(4)
                for k in range(1, count):
                    yield response.follow(f"{name}_{k}.{ext}", self.parse)
            for href in response.css("ul.list a::attr(href)").getall():
                yield response.follow(href, self.parse_article)

        def parse_article(self, response):
            for href in response.css("a::attr(href)").getall():
                if href.lower().endswith((".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".zip")):
                    yield response.follow(href, self.parse_attachment)

        def parse_attachment(self, response):
            return None

    process = CrawlerProcess(settings={})  # Scrapy's default settings, not the project's
    crawler = process.create_crawler(BareColumnSpider)
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats()
    Path(out).write_text(json.dumps({"responses": stats.get("downloader/response_count", 0),
                                     "requests": stats.get("downloader/request_count", 0),
                                     "elapsed_seconds": stats.get("elapsed_time_seconds"),
                                     "finish_reason": stats.get("finish_reason")}), encoding="utf-8")


# ----------------------------------------------------------------------------------------------- timing ---
def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(cmds: list[list[str]], cwd: Path = REPO, timeout: float = 900) -> tuple[float, float, list]:
    """Run the commands together (one or several processes); wall seconds, CPU seconds, completed procs."""
    cpu0, t0 = _cpu(), time.monotonic()
    procs = [subprocess.Popen(c, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for c in cmds]
    outs = [p.communicate(timeout=timeout) for p in procs]
    wall, cpu = time.monotonic() - t0, _cpu() - cpu0
    for p, (out, err) in zip(procs, outs):
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(map(str, p.args))[:200]} exited {p.returncode}:\n{out[-1500:]}\n{err[-3000:]}")
    return wall, cpu, outs


def bare_round(url: str, workdir: Path) -> dict:
    out = workdir / "bare.json"
    out.unlink(missing_ok=True)
    wall, cpu, _ = timed([[sys.executable, __file__, "--run-bare", url, "--bare-out", str(out)]])
    stats = json.loads(out.read_text(encoding="utf-8"))
    return {"wall": wall, "cpu": cpu, "pages": stats["responses"], "crawl_seconds": stats["elapsed_seconds"]}


def crawl_cmd(sources: Path, archive: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "nianbao", "crawl", "--sources", str(sources), "--archive-dir", str(archive),
            "--no-polite", *extra]


def run_records(archive: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((archive / "runs").glob("*.json"))]


def ours_round(sources: Path, archive: Path, processes: int = 1, redis_url: str | None = None,
               extra: tuple[str, ...] = (), repo: Path = REPO) -> dict:
    shutil.rmtree(archive, ignore_errors=True)
    args = (("--redis", redis_url) if redis_url else ()) + tuple(extra)
    wall, cpu, _ = timed([crawl_cmd(sources, archive, *args) for _ in range(processes)], cwd=repo)
    records = run_records(archive)
    if len(records) != processes:
        raise RuntimeError(f"expected {processes} run record(s) in {archive}, found {len(records)}")
    return {"wall": wall, "cpu": cpu, "pages": sum(r["responses"] for r in records),
            "documents_new": sum(r["documents_new"] for r in records),
            "crawl_seconds": max(r.get("elapsed_seconds") or 0 for r in records),
            "per_process_pages": [r["responses"] for r in records]}


def archive_contents(archive: Path) -> dict:
    """What an archive holds: its objects, its (url, sha256, role) records, and duplicates among the records."""
    from archive.originals.store import ArchiveStore

    recs = list(ArchiveStore(archive).fetches())
    pairs = collections.Counter((r.url, r.sha256) for r in recs)
    urls = collections.Counter(r.url for r in recs)
    objects = {p.name for p in (archive / "objects").rglob("*") if p.is_file() and not p.name.startswith(".")}
    return {"objects": objects, "records": {(r.url, r.sha256, r.role) for r in recs},
            "duplicate_records": sum(n - 1 for n in pairs.values() if n > 1),
            "urls_recorded_twice": sum(1 for n in urls.values() if n > 1), "fetch_logs": len(list(archive.glob("fetches*.jsonl")))}


def start_redis(workdir: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    rdir = workdir / "redis"
    rdir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--daemonize", "no", "--dir", str(rdir)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(port, proc, "redis-server")
    return proc, f"redis://127.0.0.1:{port}/0"


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def summary(rounds: list[dict], key: str) -> dict:
    runs = [r[key] for r in rounds if key in r]
    return {"wall_median": round(statistics.median(r["wall"] for r in runs), 2),
            "cpu_median": round(statistics.median(r["cpu"] for r in runs), 2),
            "pages": sorted({r["pages"] for r in runs}),
            "walls": [round(r["wall"], 2) for r in runs], "cpus": [round(r["cpu"], 2) for r in runs]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2100, help="pages of the column in all (default 2100)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", default="/tmp/nianbao-bench-column")
    parser.add_argument("--redis", action="store_true", help="also two crawl processes on one redis-server")
    parser.add_argument("--ours-arg", action="append", default=[], metavar="ARG",
                        help="an extra argument of `nianbao crawl` (e.g. -s CONCURRENT_REQUESTS=16), repeatable")
    parser.add_argument("--baseline-repo", metavar="DIR",
                        help="also time `nianbao crawl` run from this other checkout (e.g. `git archive` of the code "
                             "before a change) in the same rounds, as ours_baseline")
    parser.add_argument("--keep", action="store_true", help="keep the last archives in the workdir")
    parser.add_argument("--run-bare", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--bare-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_bare:
        run_bare(args.run_bare, args.bare_out)
        return

    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    plan = column(workdir, args.pages, args.seed)
    generated = time.monotonic() - t0
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port),
                               "--directory", plan["root"]], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    redis_proc = None
    try:
        wait_port(port, server, "http.server")
        url = f"http://127.0.0.1:{port}{COLUMN}"
        sources = workdir / "sources.csv"
        sources.write_text("id,name,division_code,level,url,platform\n"
                           f"bench-trs,宁陵县人民政府,411423,县级,{url},trs\n", encoding="utf-8")
        if args.redis:
            redis_proc, redis_url = start_redis(workdir)
        rounds = []
        checks = []
        for n in range(args.rounds):
            variants = ["bare", "ours"] + (["ours_baseline"] if args.baseline_repo else []) + (
                ["ours_redis_1", "ours_redis_2"] if args.redis else [])
            if n % 2:
                variants.reverse()  # alternate who goes first
            result: dict = {}
            for v in variants:
                if v == "bare":
                    result[v] = bare_round(url, workdir)
                elif v == "ours":
                    result[v] = ours_round(sources, workdir / "archive-one", extra=tuple(args.ours_arg))
                elif v == "ours_baseline":
                    result[v] = ours_round(sources, workdir / "archive-baseline", extra=tuple(args.ours_arg),
                                           repo=Path(args.baseline_repo).resolve())
                elif v == "ours_redis_1":
                    result[v] = ours_round(sources, workdir / "archive-redis-1", 1, redis_url, tuple(args.ours_arg))
                else:
                    result[v] = ours_round(sources, workdir / "archive-redis-2", 2, redis_url, tuple(args.ours_arg))
                print(f"round {n + 1} {v}: {result[v]['wall']:.2f} s wall, {result[v]['cpu']:.2f} s CPU, "
                      f"{result[v]['pages']} pages", file=sys.stderr, flush=True)
            if args.redis:
                one, two = archive_contents(workdir / "archive-one"), archive_contents(workdir / "archive-redis-2")
                checks.append({"same_objects": one["objects"] == two["objects"],
                               "same_records": one["records"] == two["records"],
                               "objects": len(two["objects"]), "records": len(two["records"]),
                               "duplicate_records": two["duplicate_records"],
                               "urls_recorded_twice": two["urls_recorded_twice"], "fetch_logs": two["fetch_logs"],
                               "pages_per_process": result["ours_redis_2"]["per_process_pages"]})
            rounds.append(result)
        out = {"pages": args.pages, "rounds": args.rounds, "generated_seconds": round(generated, 1),
               "column": {k: plan[k] for k in ("listing_pages", "articles", "attachments")},
               "ours_args": args.ours_arg, "cpus": os.cpu_count(),
               "bare": summary(rounds, "bare"), "ours": summary(rounds, "ours")}
        out["ratio_wall_ours_to_bare"] = round(out["ours"]["wall_median"] / out["bare"]["wall_median"], 2)
        out["ratio_cpu_ours_to_bare"] = round(out["ours"]["cpu_median"] / out["bare"]["cpu_median"], 2)
        if args.baseline_repo:
            out["ours_baseline"] = summary(rounds, "ours_baseline")
            out["ratio_wall_baseline_to_bare"] = round(out["ours_baseline"]["wall_median"] / out["bare"]["wall_median"], 2)
            out["ratio_cpu_baseline_to_bare"] = round(out["ours_baseline"]["cpu_median"] / out["bare"]["cpu_median"], 2)
        if args.redis:
            out["ours_redis_1"] = summary(rounds, "ours_redis_1")
            out["ours_redis_2"] = summary(rounds, "ours_redis_2")
            out["ratio_wall_two_to_one"] = round(out["ours_redis_2"]["wall_median"] / out["ours"]["wall_median"], 2)
            out["ratio_wall_two_to_bare"] = round(out["ours_redis_2"]["wall_median"] / out["bare"]["wall_median"], 2)
            out["two_process_checks"] = checks
            out["two_processes_ok"] = all(c["same_objects"] and c["same_records"] and not c["duplicate_records"]
                                          and not c["urls_recorded_twice"] for c in checks)
        print(json.dumps(out, ensure_ascii=False, indent=2))
    finally:
        if redis_proc is not None:
            stop(redis_proc)
        stop(server)
        if not args.keep:
            for name in ("archive-one", "archive-baseline", "archive-redis-1", "archive-redis-2"):
                shutil.rmtree(workdir / name, ignore_errors=True)


if __name__ == "__main__":
    main()
