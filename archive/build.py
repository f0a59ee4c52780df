"""Build the published SQLite database from the archive of originals (no network).

    build(archive_dir, db_path)            # extract + parse every stored original

Every stored original is re-read (``ArchiveStore.fetches()``), extracted
(``pipeline.extract.extract_bytes``) and parsed (``pipeline.parser.parse_document``).
A document that fails is recorded with the reason and the build goes on. Documents
are processed in sha256 order and report ids are derived from the document's sha256,
so the same archive always gives the same database. The file is written beside the
target and renamed into place when complete: readers never see a half-built file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator
from urllib.parse import unquote, urlsplit

import sqlite_utils

from archive import fts, regions, runs, schema
from archive.processed import ProcessedCache
from archive.store import ArchiveStore, FetchRecord


@dataclass
class Processed:
    """What extraction and parsing made of one document."""

    meta: dict
    text: str
    parsed: dict


Processor = Callable[[bytes, str | None, str | None], Processed]


def default_processor(data: bytes, filename: str | None, content_type: str | None) -> Processed:
    from pipeline.extract import extract_bytes
    from pipeline.parser import parse_document

    doc = extract_bytes(data, filename=filename, content_type=content_type)
    return Processed(dict(doc.meta), doc.text(), parse_document(doc))


@dataclass
class DocumentInfo:
    """A stored original and every fetch of it."""

    sha256: str
    fetches: list[FetchRecord] = field(default_factory=list)

    @property
    def first(self) -> FetchRecord:
        return self.fetches[0]

    def filename(self) -> str | None:
        path = urlsplit(self.first.final_url or self.first.url).path
        name = unquote(path.rsplit("/", 1)[-1])
        return name or None


def collect_documents(store: ArchiveStore) -> list[DocumentInfo]:
    by_sha: dict[str, DocumentInfo] = {}
    for rec in store.fetches():
        by_sha.setdefault(rec.sha256, DocumentInfo(rec.sha256)).fetches.append(rec)
    for info in by_sha.values():
        info.fetches.sort(key=lambda r: (r.fetched_at or "", r.url or ""))
    return [by_sha[s] for s in sorted(by_sha)]


def report_id(sha256: str) -> int:
    """A stable id for the report read from a document: the first 52 bits of its sha256 (exact in JavaScript)."""
    return int(sha256[:13], 16)


def _overall_format(parsed: dict) -> tuple[str | None, dict]:
    fv = parsed.get("format_version")
    tables = parsed.get("tables") or {}
    per = {}
    if isinstance(fv, dict):
        per = {k: v for k, v in fv.items() if k in "ABC"}
    elif fv:
        per = {k: fv for k in "ABC"}
    found = {k: v for k, v in per.items() if v and v != "unknown" and (tables.get(k) or {}).get("found", True)}
    values = sorted(set(found.values()))
    if not values:
        return ("unknown" if per else None), per
    return ("/".join(values) if len(values) > 1 else values[0]), per


def _int_value(v):
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return v
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return int(f) if f.is_integer() else f


_LOC_KEYS = {"block", "row", "col"}


def _location(source) -> tuple:
    """(block, row, col) of a cell in the document; anything else the parser said, as JSON."""
    if not isinstance(source, dict):
        return (None, None, None, None if source is None else json.dumps(source, ensure_ascii=False))
    extra = {k: v for k, v in source.items() if k not in _LOC_KEYS}
    return (_int_value(source.get("block")), _int_value(source.get("row")), _int_value(source.get("col")),
            json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else None)


def _norm_agency(name: str | None) -> str | None:
    """The organ a name stands for, for telling versions of one report apart: the same organ is printed
    as 西村镇 or 西村镇人民政府, 灵泉街道 or 灵泉街道办事处, in different copies of one report."""
    if not name:
        return None
    key = "".join(name.split())
    return re.sub(r"(?<=[镇乡区县市旗])(?:人民政府|政府)$|(?<=街道)办事处$", "", key) or key


@dataclass
class _Candidate:
    id: int
    key: tuple | None
    rank: tuple
    published: str | None
    numbers: str | None = None  # fingerprint of the numbers read with certainty (None: none read)


class Writer:
    """Writes documents and reports into a fresh database; `finish()` ranks versions and indexes."""

    def __init__(self, db: sqlite_utils.Database, sources: dict[str, dict] | None = None):
        self.db = db
        self.conn = db.conn
        self.sources = dict(sources or {})
        self.candidates: list[_Candidate] = []
        self.ids: set[int] = set()
        self.wide_cols = {t: [schema.wide_column(r, c) for r, c in schema.wide_keys(t)] for t in "ABC"}
        self.fetch_id = 0
        self.counts = {"documents": 0, "reports": 0, "failed": 0, "not_report": 0}
        schema.create(db)

    # ------------------------------------------------------------------ documents
    def add_document(self, info: DocumentInfo, processed: Processed | None, status: str, error: str | None,
                     parent_meta: dict | None = None) -> None:
        first = info.first
        meta = processed.meta if processed else {}
        parsed = processed.parsed if processed else {}
        listed_title = next((f.title for f in info.fetches if f.title), None)
        listed_published = next((f.published for f in info.fetches if f.published), None)
        self.sources.setdefault(first.source_id, {"id": first.source_id})
        self.conn.execute(
            "insert into documents values (" + ",".join("?" * 22) + ")",
            (info.sha256, first.source_id, first.role, first.url, first.final_url, first.parent_url, listed_title,
             listed_published, first.content_type, first.size, first.fetched_at, info.fetches[-1].fetched_at,
             len(info.fetches), meta.get("sniffed_type"), meta.get("extractor"), _int_value(meta.get("pages")),
             None if meta.get("ocr") is None else int(bool(meta.get("ocr"))), status, error,
             None if not processed else int(bool(parsed.get("is_report"))), parsed.get("not_report_reason"),
             json.dumps(list(meta.get("warnings") or []) + list(parsed.get("warnings") or []), ensure_ascii=False)
             if processed else None),
        )
        for rec in info.fetches:
            self.fetch_id += 1
            self.conn.execute(
                "insert into fetches values (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (self.fetch_id, info.sha256, rec.url, rec.final_url, rec.status, rec.content_type, rec.size,
                 rec.fetched_at, rec.source_id, rec.role, rec.parent_url, rec.title, rec.published),
            )
        self.counts["documents"] += 1
        if status != "ok":
            self.counts["failed"] += 1
        elif not parsed.get("is_report"):
            self.counts["not_report"] += 1
        else:
            self._add_report(info, processed, parent_meta or {}, listed_title, listed_published)

    # ------------------------------------------------------------------ reports
    def _add_report(self, info: DocumentInfo, processed: Processed, parent: dict, listed_title, listed_published):
        parsed, meta = processed.parsed, processed.meta
        first = info.first
        rid = report_id(info.sha256)
        while rid in self.ids:  # a 52-bit collision: next free id (documents come in sha256 order)
            rid += 1
        self.ids.add(rid)
        source = self.sources.get(first.source_id) or {}
        agency = parsed.get("agency")
        year = _int_value(parsed.get("year"))
        region = regions.locate(source.get("division_code"), agency)
        overall, per = _overall_format(parsed)
        checks = [c for c in parsed.get("checks") or [] if isinstance(c, dict)]
        failed = [c for c in checks if c.get("status") == "fail"]
        cells = [c for c in parsed.get("cells") or [] if isinstance(c, dict)]
        uncertain = sum(1 for c in cells if c.get("certain") is False)
        title = parsed.get("title") or listed_title or parent.get("title")
        published = listed_published or parent.get("published")
        row = {
            "id": rid, "agency": agency, "year": year, "title": title, "admin_level": parsed.get("admin_level"),
            **region.as_dict(), "region_level": region.level, "published": published, "url": first.url,
            "document_sha256": info.sha256, "source_id": first.source_id, "role": first.role,
            "document_type": meta.get("sniffed_type"), "format_version": overall, "format_a": per.get("A"),
            "format_b": per.get("B"), "format_c": per.get("C"), "status": "current", "is_current": 1,
            "superseded_by": None, "checks_failed": len(failed),
            "checks_failed_hard": sum(1 for c in failed if not c.get("soft")),
            "checks_failed_soft": sum(1 for c in failed if c.get("soft")), "cells_uncertain": uncertain,
            "parser_version": None if parsed.get("parser_version") is None else str(parsed.get("parser_version")),
        }
        self.conn.execute(f"insert into reports ({', '.join(row)}) values (" + ",".join("?" * len(row)) + ")",
                          tuple(row.values()))
        sections = parsed.get("sections") or {}
        self.conn.execute(
            "insert into report_texts values (?,?,?,?,?,?,?,?)",
            (rid, processed.text, *(sections.get(k) for k in
                                    ("overview", "active_disclosure", "applications", "review_litigation",
                                     "problems", "other"))),
        )
        self.conn.executemany(
            "insert or replace into cells values (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(rid, c.get("table"), c.get("row"), c.get("col"), c.get("raw"), _int_value(c.get("value")),
              c.get("semantic"), None if c.get("certain") is None else int(bool(c.get("certain"))), c.get("note"),
              *_location(c.get("source"))) for c in cells if c.get("table") and c.get("row") and c.get("col")],
        )
        self.conn.executemany(
            "insert or replace into checks values (?,?,?,?,?,?)",
            [(rid, str(c.get("rule")), c.get("name"), None if c.get("soft") is None else int(bool(c.get("soft"))),
              c.get("status"), c.get("detail") if isinstance(c.get("detail"), (str, type(None)))
              else json.dumps(c.get("detail"), ensure_ascii=False)) for c in checks],
        )
        for letter, name in schema.WIDE_TABLES.items():
            values = {schema.wide_column(c.get("row", ""), c.get("col", "")): _int_value(c.get("value"))
                      for c in cells if c.get("table") == letter}
            cols = self.wide_cols[letter]
            if not any(k in values for k in cols):
                continue
            fixed = (rid, agency, year, region.province, region.city, region.county, parsed.get("admin_level"),
                     per.get(letter), 1)
            self.conn.execute(
                f"insert into [{name}] values (" + ",".join("?" * (len(fixed) + len(cols))) + ")",
                fixed + tuple(values.get(k) for k in cols),
            )
        self.conn.execute("insert into reports_fts(rowid, title, text) values (?,?,?)",
                          (rid, fts.index_text(title or ""), fts.index_text(processed.text)))
        tables_found = sum(1 for t in (parsed.get("tables") or {}).values() if isinstance(t, dict) and t.get("found"))
        certain = sum(1 for c in cells if c.get("certain") and c.get("value") is not None)
        key = (_norm_agency(agency), year) if agency and year else None
        # best first: newest listing, most tables read, most certain numbers, fewest failures, attachment first
        rank = (_neg(published), -tables_found, -certain, len(failed), first.role != "attachment",
                _neg(info.fetches[-1].fetched_at), info.sha256)
        numbers = sorted((c.get("table"), c.get("row"), c.get("col"), str(_int_value(c.get("value"))))
                         for c in cells if c.get("certain") and c.get("value") is not None)
        fingerprint = hashlib.sha1(json.dumps(numbers).encode()).hexdigest() if numbers else None
        self.candidates.append(_Candidate(rid, key, rank, published, fingerprint))
        self.counts["reports"] += 1

    # ------------------------------------------------------------------ finish
    def finish(self, runs_rows: tuple[list[dict], list[dict]] = ([], [])) -> None:
        groups: dict[tuple, list[_Candidate]] = {}
        for cand in self.candidates:
            if cand.key is not None:
                groups.setdefault(cand.key, []).append(cand)
        updates = []
        for members in groups.values():
            if len(members) < 2:
                continue
            members.sort(key=lambda c: c.rank)
            best = members[0]
            for other in members[1:]:
                # the same numbers (or, without numbers, the same date): another copy; else an older version
                same = (other.numbers == best.numbers) if best.numbers is not None and other.numbers is not None \
                    else other.published == best.published
                status = "duplicate" if same else "superseded"
                updates.append((status, best.id, other.id))
        self.conn.executemany("update reports set status = ?, is_current = 0, superseded_by = ? where id = ?",
                              updates)
        for name in schema.WIDE_TABLES.values():
            self.conn.executemany(f"update [{name}] set is_current = 0 where report_id = ?",
                                  [(u[2],) for u in updates])
        run_rows, source_rows = runs_rows
        for r in source_rows:
            self.sources.setdefault(r["source_id"], {"id": r["source_id"]})
        srows = []
        for sid in sorted(self.sources):
            s = self.sources[sid]
            region = regions.locate(s.get("division_code"), s.get("name"))
            srows.append({"id": sid, "name": s.get("name"), "platform": s.get("platform"),
                          "level": s.get("level"), "base_url": s.get("base_url"),
                          "column_url": s.get("column_url"), **region.as_dict()})
            if s.get("division_code") and not region.code:
                srows[-1]["division_code"] = s.get("division_code")
        if srows:
            self.db["sources"].insert_all(srows)
        if run_rows:
            self.db["crawl_runs"].insert_all(run_rows)
        if source_rows:
            self.db["crawl_run_sources"].insert_all(source_rows)
        self.conn.commit()
        schema.index(self.db)
        schema.views(self.db)
        self.conn.execute("insert into reports_fts(reports_fts) values ('optimize')")
        self.conn.commit()
        self.conn.execute("ANALYZE")
        self.conn.commit()


def _neg(s: str | None) -> str:
    """Sort key that puts later ISO strings first (and missing ones last)."""
    if not s:
        return "\uffff"
    return "".join(chr(0x10000 - ord(ch)) if ord(ch) < 0x10000 else ch for ch in s)


def open_fresh(path: str | Path) -> sqlite_utils.Database:
    path = Path(path)
    if path.exists():
        path.unlink()
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.conn.isolation_level = "DEFERRED"
    return db


class Progress:
    def __init__(self, total: int, stream=None, every: float = 2.0):
        self.total, self.stream, self.every = total, stream or sys.stderr, every
        self.start = self.last = time.monotonic()
        self.done = 0

    def step(self, note: str = "") -> None:
        self.done += 1
        now = time.monotonic()
        if (now - self.last >= self.every and self.done >= 3) or self.done == self.total:
            self.last = now
            rate = self.done / max(now - self.start, 1e-9)
            left = (self.total - self.done) / rate if rate else 0
            print(f"[{self.done}/{self.total}] {rate:.1f} docs/s, ~{left:.0f}s left {note}", file=self.stream,
                  flush=True)


def _process(store: ArchiveStore, info: DocumentInfo, processor: Processor) -> tuple[Processed | None, str, str | None]:
    try:
        data = store.get(info.sha256)
    except (OSError, ValueError) as exc:
        return None, "missing", f"original not in the archive: {exc}"
    try:
        processed = processor(data, info.filename(), info.first.content_type)
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the build
        if type(exc).__name__ == "ExtractionError":
            return None, "failed", str(exc) or type(exc).__name__
        return None, "error", f"{type(exc).__name__}: {exc}"
    return processed, "ok", None


def _work(args) -> tuple[Processed | None, str, str | None]:
    archive_dir, info, processor = args
    return _process(ArchiveStore(archive_dir), info, processor)


def _results(store: ArchiveStore, docs: list[DocumentInfo], processor: Processor, jobs: int,
             cache: "ProcessedCache | None" = None):
    """(info, processed, status, error) in document order; documents already processed by this version of
    the pipeline come from `cache`, the rest are extracted and parsed (in worker processes if `jobs` > 1)."""
    if cache is None:
        yield from _fresh_results(store, docs, processor, jobs)
        return
    cached = {info.sha256: cache.get(info.sha256) for info in docs}
    # Fresh results come in the order of `todo`, which is the order of `docs`: merge lazily so that
    # progress moves while the new documents are processed.
    fresh = _fresh_results(store, [info for info in docs if cached[info.sha256] is None], processor, jobs)
    for info in docs:
        entry = cached[info.sha256]
        if entry is None:
            done, processed, status, error = next(fresh)
            assert done.sha256 == info.sha256
            entry = {"status": status, "error": error,
                     "processed": None if processed is None else {"meta": processed.meta, "text": processed.text,
                                                                   "parsed": processed.parsed}}
            if status != "missing":
                cache.put(info.sha256, entry)
        p = entry["processed"]
        yield info, (Processed(p["meta"], p["text"], p["parsed"]) if p else None), entry["status"], entry["error"]


def _fresh_results(store: ArchiveStore, docs: list[DocumentInfo], processor: Processor, jobs: int):
    if jobs <= 1 or len(docs) < 2:
        for info in docs:
            yield (info, *_process(store, info, processor))
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        work = ((store.root, info, processor) for info in docs)
        for info, result in zip(docs, pool.map(_work, work, chunksize=4)):
            yield (info, *result)


def build(archive_dir: str | Path, db_path: str | Path, processor: Processor | None = None,
          sources_file: str | Path | None = None, progress: bool = True, stream=None, jobs: int = 1,
          use_cache: bool = True) -> dict:
    """Build `db_path` from the archive; returns counts. Atomic: a temporary file is renamed into place.

    With the default processor, results are cached per original and pipeline version (archive/processed.py),
    so a rebuild re-reads only new documents unless the pipeline changed.
    """
    cache = ProcessedCache(archive_dir) if use_cache and processor is None else None
    processor = processor or default_processor
    store = ArchiveStore(archive_dir)
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = db_path.with_name(f".{db_path.name}.building-{os.getpid()}")
    db = open_fresh(tmp)
    try:
        writer = Writer(db, runs.read_sources(archive_dir, sources_file))
        docs = collect_documents(store)
        by_url = {}
        for info in docs:
            for rec in info.fetches:
                if rec.role != "attachment":
                    by_url.setdefault(rec.url, rec)
                    by_url.setdefault(rec.final_url, rec)
        bar = Progress(len(docs), stream) if progress else None
        for i, (info, processed, status, error) in enumerate(_results(store, docs, processor, jobs, cache)):
            parent = by_url.get(info.first.parent_url) if info.first.parent_url else None
            parent_meta = {"title": parent.title, "published": parent.published} if parent else {}
            writer.add_document(info, processed, status, error, parent_meta)
            if i % 200 == 199:
                db.conn.commit()
            if bar:
                bar.step()
        writer.finish(runs.read_runs(archive_dir))
        db.conn.close()
        os.replace(tmp, db_path)
    except BaseException:
        db.conn.close()
        if tmp.exists():
            tmp.unlink()
        raise
    return dict(writer.counts)


def iter_records(rows: Iterable[dict]) -> Iterator[FetchRecord]:
    for r in rows:
        yield FetchRecord(**r)
