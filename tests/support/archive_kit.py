"""A small generated archive for the tests and benchmarks of the database and the site (test kit: the product never imports it).

Objects are JSON envelopes read by `envelope_processor`: ``{"document": …}`` is a block-model
document parsed by the real parser; ``{"text": …, "parsed": …}`` carries a fixed parse (for
search corpora); anything else fails extraction. This stands in for `pipeline.extract`, which
turns real file formats into the same block model.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from archive.db.build import Processed
from archive.originals.store import ArchiveStore, FetchRecord
from pipeline.extract.errors import ExtractionError

SOURCES = [  # id, name, platform, division_code, level
    ("trs-yuanzhou", "宜春市袁州区人民政府", "trs", "360902", "县级"),
    ("hanweb-yiwu", "义乌市人民政府", "hanweb", "330782", "县级"),
    ("vsb-shangluo", "商洛市人民政府", "vsb", "611000", "市级"),
]
AGENCIES = {
    "trs-yuanzhou": ["袁州区湛郎乡人民政府", "袁州区教育体育局", "袁州区灵泉街道办事处"],
    "hanweb-yiwu": ["义乌市佛堂镇人民政府", "义乌市民政局"],
    "vsb-shangluo": ["洛南县人民政府", "商洛市教育局", "丹凤县人民政府"],
}
WORDS = list("行政复议诉讼公开申请年度报告信息不予处理政府工作情况主动") + ["2023年", "2022年", "，", "。", "；"]


def envelope_processor(data: bytes, filename, content_type) -> Processed:
    try:
        env = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ExtractionError("not a readable document (test envelope expected)") from None
    if "document" in env:
        from pipeline.blocks import Document
        from pipeline.parser import parse_document

        doc = Document.from_dict(env["document"])
        meta = dict(doc.meta, sniffed_type=env.get("type", "html"), extractor="test-envelope")
        return Processed(meta, doc.text(), parse_document(doc))
    return Processed({"sniffed_type": env.get("type", "text"), "extractor": "test-envelope"}, env["text"],
                     env["parsed"])


def _put(store: ArchiveStore, obj, **rec) -> str:
    data = obj if isinstance(obj, bytes) else json.dumps(obj, ensure_ascii=False, sort_keys=True).encode()
    sha = store.put(data)
    defaults = dict(status=200, content_type="text/html", size=len(data), headers={}, parent_url=None, title=None,
                    published=None, extra={}, role="article")
    defaults.update(rec)
    defaults.setdefault("final_url", defaults["url"])
    store.record(FetchRecord(sha256=sha, **defaults))
    return sha


def make_archive(root: str | Path, n_reports: int = 18, n_plain: int = 40, seed: int = 3) -> dict:
    """Write a generated archive; returns what a test needs to know about it."""
    from farm.report_synth import build_document, random_spec

    rng = random.Random(seed)
    store = ArchiveStore(root)
    root = Path(root)
    (root / "runs").mkdir(parents=True, exist_ok=True)
    with open(root / "sources.csv", "w", encoding="utf-8") as fh:
        fh.write("id,name,url,platform,division_code,level\n")
        for sid, name, platform, code, level in SOURCES:
            fh.write(f"{sid},{name},http://127.0.0.1/{sid}/col/,{platform},{code},{level}\n")
    truth = {"reports": [], "duplicates": [], "failed": [], "not_report": []}
    t = 0
    for i in range(n_reports):
        sid = SOURCES[i % len(SOURCES)][0]
        agency = AGENCIES[sid][(i // len(SOURCES)) % len(AGENCIES[sid])]
        year = 2019 + (i % 6)
        spec = random_spec(rng, agency=agency, year=year, admin_level="县级" if "县" in agency else "部门")
        doc = build_document(spec)
        t += 1
        url = f"http://127.0.0.1/{sid}/art/{year}/{i}.html"
        published = f"{year + 1}-01-{10 + i % 18:02d}"
        sha = _put(store, {"document": doc.to_dict()}, url=url, source_id=sid, title=spec.full_title,
                   published=published, fetched_at=f"2026-11-01T00:{t // 60:02d}:{t % 60:02d}Z")
        truth["reports"].append({"sha256": sha, "agency": agency, "year": year, "source_id": sid})
        if i % 6 == 0:  # the same report again as the article's attachment
            t += 1
            sha2 = _put(store, {"document": doc.to_dict(), "type": "docx"}, url=url.replace(".html", ".docx"),
                        source_id=sid, role="attachment", parent_url=url, title="附件", content_type="application/docx",
                        fetched_at=f"2026-11-01T00:{t // 60:02d}:{t % 60:02d}Z")
            truth["duplicates"].append({"sha256": sha2, "of": sha})
    for j in range(n_plain):  # search corpus: short texts with a fixed parse
        sid = SOURCES[j % len(SOURCES)][0]
        text = "".join(rng.choice(WORDS) for _ in range(rng.randint(5, 40)))
        agency = f"测试{j}号单位"
        parsed = {"is_report": True, "title": f"{agency}{2019 + j % 6}年报告", "agency": agency,
                  "year": 2019 + j % 6, "admin_level": "部门", "format_version": {"A": "unknown", "B": "unknown",
                                                                                  "C": "unknown"},
                  "tables": {}, "sections": {"overview": text}, "cells": [], "checks": [], "warnings": []}
        t += 1
        _put(store, {"text": text, "parsed": parsed}, url=f"http://127.0.0.1/{sid}/plain/{j}.html", source_id=sid,
             fetched_at=f"2026-11-01T01:{t // 60:02d}:{t % 60:02d}Z", published=f"{2020 + j % 6}-02-01")
    t += 1
    bad = _put(store, b"%PDF-1.7 broken", url="http://127.0.0.1/trs-yuanzhou/files/broken.pdf",
               source_id="trs-yuanzhou", role="attachment", content_type="application/pdf",
               fetched_at="2026-11-01T02:00:00Z")
    truth["failed"].append(bad)
    notice = {"text": "关于发布2023年政府信息公开工作年度报告的通知", "parsed": {
        "is_report": False, "not_report_reason": "a notice about a report", "title": "通知"}}
    truth["not_report"].append(_put(store, notice, url="http://127.0.0.1/hanweb-yiwu/art/notice.html",
                                    source_id="hanweb-yiwu", fetched_at="2026-11-01T02:00:01Z"))
    run = {"run_id": "20261101T000000Z", "started_at": "2026-11-01T00:00:00Z",
           "finished_at": "2026-11-01T02:10:00Z",
           "sources": {sid: {"status": "ok", "reports_found": 6, "new": 6} for sid, *_ in SOURCES}}
    run["sources"]["vsb-shangluo"] = {"status": "failed", "error": "column page returned HTTP 500", "reports_found": 0}
    (root / "runs" / "20261101T000000Z.json").write_text(json.dumps(run, ensure_ascii=False), encoding="utf-8")
    return truth


def make_site(root: str | Path, **archive_kwargs) -> Path:
    """A generated archive under `root`/archive built into `root`/nianbao.db; returns the database path."""
    from archive.db.build import build

    root = Path(root)
    make_archive(root / "archive", **archive_kwargs)
    db = root / "nianbao.db"
    build(root / "archive", db, processor=envelope_processor, progress=False)
    return db


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc=None, timeout: float = 60) -> None:
    import time
    import urllib.request

    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            if proc is not None and proc.poll() is not None:
                raise RuntimeError(f"process exited with {proc.returncode}") from None
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


class served:
    """`nianbao serve` in a subprocess on a free 127.0.0.1 port: `with served(db, archive) as base_url:`."""

    def __init__(self, db, archive_dir=None):
        self.db, self.archive_dir = db, archive_dir

    def __enter__(self) -> str:
        import os
        import subprocess
        import sys

        port = free_port()
        cmd = [sys.executable, "-c", "from nianbao.cli import main; main()", "serve", "--db", str(self.db),
               "--port", str(port)]
        if self.archive_dir:
            cmd += ["--archive-dir", str(self.archive_dir)]
        root = Path(__file__).resolve().parents[2]  # the repository
        self.proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     env=dict(os.environ, PYTHONPATH=str(root)))
        base = f"http://127.0.0.1:{port}"
        try:
            wait_http(base + "/-/versions.json", self.proc)
        except BaseException:
            self.proc.kill()
            raise RuntimeError(self.proc.stderr.read().decode(errors="replace")) from None
        return base

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except Exception:  # noqa: BLE001
            self.proc.kill()


def make_real_archive(root: str | Path, n: int = 4, seed: int = 5) -> dict:
    """An archive of real files (HTML article pages and DOCX attachments) for `pipeline.extract`."""
    from farm.render import render_docx, render_html
    from farm.report_synth import build_document, random_spec

    rng = random.Random(seed)
    store = ArchiveStore(root)
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "sources.csv", "w", encoding="utf-8") as fh:
        fh.write("id,name,url,platform,division_code,level\n")
        fh.write("trs-yuanzhou,宜春市袁州区人民政府,http://127.0.0.1/trs/col/,trs,360902,县级\n")
    truth = {"pairs": [], "broken": None}
    for i in range(n):
        agency = AGENCIES["trs-yuanzhou"][i % 3]
        spec = random_spec(rng, agency=agency, year=2020 + i, admin_level="部门")
        doc = build_document(spec)
        url = f"http://127.0.0.1/trs/art/{i}.html"
        a = _put(store, render_html(doc), url=url, source_id="trs-yuanzhou", title=spec.full_title,
                 published=f"{2021 + i}-01-20", fetched_at=f"2026-11-02T00:00:0{i}Z", content_type="text/html")
        b = _put(store, render_docx(doc), url=url.replace(".html", ".docx"), source_id="trs-yuanzhou",
                 role="attachment", parent_url=url, title="附件", fetched_at=f"2026-11-02T00:01:0{i}Z",
                 content_type="application/octet-stream")
        truth["pairs"].append((a, b, agency, spec.year))
    truth["broken"] = _put(store, b"PK\x03\x04 this is not a real docx", url="http://127.0.0.1/trs/files/x.docx",
                           source_id="trs-yuanzhou", role="attachment", fetched_at="2026-11-02T00:02:00Z",
                           content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    return truth
