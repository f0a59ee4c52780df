"""Build the published SQLite database from the archive of originals (no network).

    build(archive_dir, db_path)            # extract + parse every stored original
    build(archive_dir, db_path, cluster="tcp://HOST:8786")   # …on a Dask cluster (archive/db/cluster.py)

Every stored original is re-read (``ArchiveStore.fetches()``), extracted
(``pipeline.extract.extract_bytes``) and parsed (``pipeline.parser.parse_document``).
A document that fails is recorded with the reason and the build goes on. Documents
are processed in sha256 order and report ids are derived from the document's sha256,
so the same archive always gives the same database. The file is written beside the
target and renamed into place when complete: readers never see a half-built file.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import sys
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

import sqlite_utils

from archive.db import cross_year, evidence, fts_pool, regions, rules, schema, summaries
from archive.originals import runs
from archive.db.evidence import Reading
from archive.db.organs import OrganRegistry, resolve
from archive.db.own_words import own_words
from archive.originals.processed import ProcessedCache
from archive.originals.layout import ArchiveLayout
from archive.originals.store import ArchiveStore, DamagedObject, FetchRecord
from pipeline.checks import Grid, rule_9
from pipeline.extract.errors import ExtractionError
from pipeline.form import SECTION_KEYS
from pipeline.tables import ParsedCell


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


_CELL_COLUMNS = ("report_id", "tbl", "row", "col", "raw", "value", "semantic", "certain", "note",
                 "block", "block_row", "block_col", "location")
assert tuple(schema.TABLES["cells"].columns) == _CELL_COLUMNS, "cells columns changed: update _cell_row"


def _cell_row(rid: int, c: dict) -> tuple:
    """One `cells` row in declared order: where the cell was printed (block, row, col of the document) and anything
    else the parser said of its place as JSON. The hottest insert of a build (~200 a report), so no dict per row."""
    certain = c.get("certain")
    source = c.get("source")
    if isinstance(source, dict):
        extra = None if source.keys() <= _LOC_KEYS else {k: v for k, v in source.items() if k not in _LOC_KEYS}
        location = (_int_value(source.get("block")), _int_value(source.get("row")), _int_value(source.get("col")),
                    json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else None)
    else:
        location = (None, None, None, None if source is None else json.dumps(source, ensure_ascii=False))
    return (rid, c.get("table"), c.get("row"), c.get("col"), c.get("raw"), _int_value(c.get("value")),
            c.get("semantic"), None if certain is None else int(bool(certain)), c.get("note"), *location)


@dataclass
class _Candidate:
    """A report read from one document, kept until every document is in: identity needs them all."""

    id: int
    sha256: str
    source_id: str
    role: str
    parsed_level: str
    document: Reading
    listing: Reading | None
    link: Reading | None
    parent_url: str | None
    rank: tuple
    published: str | None
    numbers: str | None = None  # fingerprint of the numbers read with certainty (None: none read)
    regulations: list = field(default_factory=list)  # Table A 规章 cells, for rule 9 at the organ's level


class Writer:
    """Writes documents and report versions into a fresh database; `finish()` settles who published which
    report for which year (organs, versions, current reports), checks across years and indexes."""

    FTS_POOL_MIN_REPORTS = 5000  # below this, starting worker processes costs more than it saves

    def __init__(self, db: sqlite_utils.Database, sources: dict[str, dict] | None = None,
                 fts_jobs: int | None = None):
        self.db = db
        self.fts_jobs = fts_jobs or os.cpu_count() or 1  # processes tokenising for full-text search in `finish`
        self.conn = db.conn
        self.sources = dict(sources or {})
        self.candidates: list[_Candidate] = []
        self.page_titles: dict[str, str] = {}  # article URL -> the title its own page gives
        self.ids: set[int] = set()
        self.wide_cols = {t: [schema.wide_column(r, c) for r, c in schema.wide_keys(t)] for t in "ABC"}
        self.fetch_id = 0
        self.sql = {name: schema.insert_sql(name, replace=name in ("cells", "checks")) for name in schema.TABLES}
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
        self.conn.execute(self.sql["documents"], schema.values("documents", {
            "sha256": info.sha256, "source_id": first.source_id, "role": first.role, "url": first.url,
            "final_url": first.final_url, "parent_url": first.parent_url, "listed_title": listed_title,
            "listed_published": listed_published, "content_type": first.content_type, "size": first.size,
            "first_fetched_at": first.fetched_at, "last_fetched_at": info.fetches[-1].fetched_at,
            "fetch_count": len(info.fetches), "sniffed_type": meta.get("sniffed_type"),
            "extractor": meta.get("extractor"), "pages": _int_value(meta.get("pages")),
            "ocr": None if meta.get("ocr") is None else int(bool(meta.get("ocr"))), "extraction_status": status,
            "extraction_error": error, "is_report": None if not processed else int(bool(parsed.get("is_report"))),
            "not_report_reason": parsed.get("not_report_reason"),
            "warnings": json.dumps(list(meta.get("warnings") or []) + list(parsed.get("warnings") or []),
                                   ensure_ascii=False) if processed else None,
        }))
        for rec in info.fetches:
            self.fetch_id += 1
            self.conn.execute(self.sql["fetches"], schema.values("fetches", {
                "id": self.fetch_id, "sha256": info.sha256, "url": rec.url, "final_url": rec.final_url,
                "status": rec.status, "content_type": rec.content_type, "size": rec.size, "fetched_at": rec.fetched_at,
                "source_id": rec.source_id, "role": rec.role, "parent_url": rec.parent_url, "title": rec.title,
                "published": rec.published}))
        if first.role != "attachment" and parsed.get("title"):
            for rec in info.fetches:  # the article page's own title: a witness for its attachments
                self.page_titles.setdefault(rec.url, parsed["title"])
                self.page_titles.setdefault(rec.final_url or rec.url, parsed["title"])
        self.counts["documents"] += 1
        if status != "ok":
            self.counts["failed"] += 1
        elif not parsed.get("is_report"):
            self.counts["not_report"] += 1
        else:
            self._add_report(info, processed, parent_meta or {}, listed_title, listed_published)

    # ------------------------------------------------------------------ reports
    def _add_report(self, info: DocumentInfo, processed: Processed, parent: dict, listed_title, listed_published):
        """One version, as the document itself reads; identity, status and region are settled in `finish()`."""
        parsed, meta = processed.parsed, processed.meta
        first = info.first
        rid = report_id(info.sha256)
        while rid in self.ids:  # a 52-bit collision: next free id (documents come in sha256 order)
            rid += 1
        self.ids.add(rid)
        overall, per = _overall_format(parsed)
        checks = [c for c in parsed.get("checks") or [] if isinstance(c, dict)]
        failed = [c for c in checks if c.get("status") == "fail"]
        cells = [c for c in parsed.get("cells") or [] if isinstance(c, dict)]
        uncertain = sum(1 for c in cells if c.get("certain") is False)
        attachment = first.role == "attachment"
        title = parsed.get("title") or listed_title or parent.get("title")
        published = listed_published or parent.get("published")
        row = {
            "id": rid, "agency": parsed.get("agency"), "year": _int_value(parsed.get("year")), "title": title,
            "admin_level": parsed.get("admin_level"), "published": published, "url": first.url,
            "article_url": first.parent_url if attachment else first.url,
            "document_sha256": info.sha256, "source_id": first.source_id, "role": first.role,
            "document_type": meta.get("sniffed_type"), "format_version": overall, "format_a": per.get("A"),
            "format_b": per.get("B"), "format_c": per.get("C"), "cells_uncertain": uncertain,
            "parser_version": None if parsed.get("parser_version") is None else str(parsed.get("parser_version")),
        }
        self.conn.execute(self.sql["report_versions"], schema.values("report_versions", row))
        sections = parsed.get("sections") or {}
        self.conn.execute(self.sql["report_texts"], schema.values("report_texts", {
            "report_id": rid, "text": processed.text, "own_words": own_words(processed.text),
            **{k: sections.get(k) for k in SECTION_KEYS}}))
        self.conn.executemany(self.sql["cells"], [_cell_row(rid, c) for c in cells
                                                  if c.get("table") and c.get("row") and c.get("col")])
        self.conn.executemany(self.sql["checks"], [schema.values("checks", {
            "report_id": rid, "rule": str(c.get("rule")), "name": c.get("name"),
            "soft": None if c.get("soft") is None else int(bool(c.get("soft"))), "status": c.get("status"),
            "detail": c.get("detail") if isinstance(c.get("detail"), (str, type(None)))
            else json.dumps(c.get("detail"), ensure_ascii=False)}) for c in checks])
        for letter, name in schema.WIDE_TABLES.items():
            values = {schema.wide_column(c.get("row", ""), c.get("col", "")): _int_value(c.get("value"))
                      for c in cells if c.get("table") == letter}
            cols = self.wide_cols[letter]
            if not any(k in values for k in cols):
                continue
            self.conn.execute(self.sql[name], schema.values(name, {
                "report_id": rid, "format_version": per.get(letter), **{k: values.get(k) for k in cols}}))
        tables_found = sum(1 for t in (parsed.get("tables") or {}).values() if isinstance(t, dict) and t.get("found"))
        certain = sum(1 for c in cells if c.get("certain") and c.get("value") is not None)
        # best first: newest listing, most tables read, most certain numbers, fewest failures, attachment first
        rank = (_neg(published), -tables_found, -certain, len(failed), not attachment,
                _neg(info.fetches[-1].fetched_at), info.sha256)
        numbers = sorted((c.get("table"), c.get("row"), c.get("col"), str(_int_value(c.get("value"))))
                         for c in cells if c.get("certain") and c.get("value") is not None)
        fingerprint = hashlib.sha1(json.dumps(numbers).encode()).hexdigest() if numbers else None
        regulations = [ParsedCell(c["table"], c["row"], c["col"], c.get("raw") or "", c.get("value"),
                                  c.get("semantic") or "", bool(c.get("certain")))
                       for c in cells if c.get("table") == "A" and c.get("row") == "regulations" and c.get("col")]
        listing_title = parent.get("title") if attachment else listed_title
        self.candidates.append(_Candidate(
            rid, info.sha256, first.source_id, first.role, parsed.get("admin_level") or "unknown",
            evidence.document_reading(parsed), evidence.reading("listing", listing_title),
            evidence.reading("link", listed_title) if attachment else None,
            first.parent_url if attachment else None, rank, published, fingerprint, regulations))
        self.counts["reports"] += 1

    # ------------------------------------------------------------------ finish
    def finish(self, runs_rows: tuple[list[dict], list[dict]] = ([], [])) -> None:
        self._settle_identity()
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
        self.db["rules"].insert_all(rules.rows())
        if run_rows:
            self.db["crawl_runs"].insert_all(run_rows)
        if source_rows:
            self.db["crawl_run_sources"].insert_all(source_rows)
        self.conn.commit()
        schema.index(self.db)
        schema.views(self.db)
        for index in ("reports_fts", "reports_fulltext_fts"):
            self.conn.execute(f"insert into {index}({index}) values ('optimize')")
        self.conn.commit()
        self.conn.execute("ANALYZE")
        self.conn.commit()
        self._count_tables()

    def _count_tables(self) -> None:
        """Every table's rows into `table_rows` (the last write: nothing changes after it)."""
        names = [n for n, in self.conn.execute("select name from sqlite_master where type = 'table' order by name")]
        rows = [(n, len(names) if n == "table_rows" else self.conn.execute(f"select count(*) from [{n}]").fetchone()[0])
                for n in names]
        self.conn.executemany("insert into table_rows (name, rows) values (?, ?)", rows)
        self.conn.commit()

    def _settle_identity(self) -> None:
        """Organ and year of every version from all the evidence; versions of one organ-year ranked; the
        current ones copied to `reports` and the wide tables; checks that depend on the organ judged."""
        organs = OrganRegistry()
        placed = []
        for cand in self.candidates:
            code = (self.sources.get(cand.source_id) or {}).get("division_code")
            page = evidence.reading("page", self.page_titles.get(cand.parent_url)) if cand.parent_url else None
            ident = evidence.decide([cand.document, page, cand.listing, cand.link],
                                    lambda a, b, code=code: _same_organ(a, b, code))
            ref = organs.add(ident.agency, code, cand.source_id) or organs.add_unnamed(cand.sha256[:16], code,
                                                                                        cand.source_id)
            placed.append((cand, ident, ref, code))
        organs.merge_county_less()

        # Versions of one organ-year ranked; every row is then written as it is made, not gathered (a
        # national build has a million).
        groups: dict[tuple, list[_Candidate]] = {}
        for i, (cand, ident, ref, code) in enumerate(placed):
            ref = organs.final(ref)
            placed[i] = (cand, ident, ref, code)
            key = (ref.organ_id, ident.year) if ident.year else ("", cand.id)
            groups.setdefault(key, []).append(cand)
        demoted: dict[int, tuple[str, int]] = {}
        for members in groups.values():
            members.sort(key=lambda c: c.rank)
            best = members[0]
            for other in members[1:]:
                # the same numbers (or, without numbers, the same date): another copy; else an older version
                same = (other.numbers == best.numbers) if best.numbers is not None and other.numbers is not None \
                    else other.published == best.published
                demoted[other.id] = ("duplicate" if same else "superseded", best.id)
        del groups
        rejudged: list[tuple] = []

        def version_rows():
            for cand, ident, ref, code in placed:
                region = ref.region if ref.region.code else regions.locate(code, ident.agency)
                level = ref.level if ref.level != "unknown" else cand.parsed_level
                if level != cand.parsed_level:  # rule 9 depends on the level: judge it at the organ's
                    check = rule_9(Grid(cand.regulations), level)
                    rejudged.append((check.status, check.detail, cand.id))
                status, superseded_by = demoted.get(cand.id, ("current", None))
                yield (ref.organ_id, ref.name, ident.agency, ident.year, level, *region.as_dict().values(), region.level,
                       ident.agency_from, ident.conflict_text,
                       json.dumps([r.as_dict() for r in ident.readings], ensure_ascii=False),
                       status, int(status == "current"), superseded_by, cand.id)

        columns = ["organ_id", "organ_name", "agency", "year", "admin_level", *regions.Region().as_dict(), "region_level",
                   "agency_from", "identity_conflict", "identity_evidence", "status", "is_current", "superseded_by"]
        self.conn.executemany(f"update report_versions set {', '.join(f'{c} = ?' for c in columns)} where id = ?",
                              version_rows())
        self.conn.executemany("update checks set status = ?, detail = ? where report_id = ? and rule = '9'", rejudged)
        self.candidates, placed, demoted = [], None, None  # what identity needed; free it before what follows
        self._check_across_years()
        self.conn.execute("""
            update report_versions set
              checks_failed = (select count(*) from checks c where c.report_id = report_versions.id
                               and c.status = 'fail'),
              checks_failed_hard = (select count(*) from checks c where c.report_id = report_versions.id
                                    and c.status = 'fail' and not c.soft),
              checks_failed_soft = (select count(*) from checks c where c.report_id = report_versions.id
                                    and c.status = 'fail' and c.soft)""")
        self._publish_current()
        summaries.write(self.conn)
        self._write_organs(organs)

    def _check_across_years(self) -> None:
        """Rules 6–8 compare an organ's consecutive years: judged a few thousand organs' reports at a time,
        in organ order, so memory stays small however many reports there are."""
        batch: list[cross_year.YearReport] = []
        reports = self.conn.execute(
            "select id, organ_id, year, title, format_a from report_versions where is_current = 1 "
            "and year is not null order by organ_id, year, id")
        for _organ, group in itertools.groupby(reports, key=lambda r: r[1]):
            batch.extend(cross_year.YearReport(*r) for r in group)
            if len(batch) >= 5000:
                self._judge_across_years(batch)
                batch = []
        if batch:
            self._judge_across_years(batch)

    def _judge_across_years(self, batch: list) -> None:
        by_id = {r.id: r for r in batch}
        for rid, tbl, row, col, value in self.conn.execute(
                "select report_id, tbl, row, col, value from cells where report_id in (select value from json_each(?)) "
                "and certain = 1 and value is not null and "
                "((tbl = 'B' and row in ('carried_over', 'carried_forward')) or tbl = 'A')",
                (json.dumps(list(by_id)),)):
            by_id[rid].numbers[(tbl, row, col)] = value
        self.conn.executemany(schema.insert_sql("checks", replace=True), cross_year.judge(batch))

    def _publish_current(self) -> None:
        """`reports` and the wide tables hold the current version of each organ-year; FTS indexes them."""
        version_cols = [c for c in schema.TABLES["reports"].columns if c != "versions"]
        self.conn.execute(
            f"insert into reports ({', '.join(version_cols)}, versions) select "
            + ", ".join(f"v.{c}" for c in version_cols)
            + ", 1 + coalesce(s.n, 0) from report_versions v left join (select superseded_by as id, count(*) as n "
              "from report_versions where superseded_by is not null group by superseded_by) s on s.id = v.id "
              "where v.is_current = 1 order by v.id")
        for name in schema.WIDE_TABLES.values():
            self.conn.execute(f"delete from [{name}] where report_id not in (select id from reports)")
            self.conn.execute(f"""
                update [{name}] set organ_id = r.organ_id, agency = r.agency, year = r.year, province = r.province,
                  city = r.city, county = r.county, admin_level = r.admin_level
                from reports r where r.id = [{name}].report_id""")
        # streamed, not fetched whole (the texts of a national build are gigabytes); tokenised on every core
        # when there are many (`fts_pool`)
        rows = self.conn.execute(
            "select r.id, r.title, t.own_words, t.text from reports r join report_texts t on t.report_id = r.id "
            "order by r.id")
        current = self.conn.execute("select count(*) from report_versions where is_current = 1").fetchone()[0]
        jobs = self.fts_jobs if current >= self.FTS_POOL_MIN_REPORTS else 1
        for rid, title, words, text in fts_pool.tokenised(rows, jobs):
            self.conn.execute("insert into reports_fts(rowid, title, text) values (?,?,?)", (rid, title, words))
            self.conn.execute("insert into reports_fulltext_fts(rowid, title, text) values (?,?,?)",
                              (rid, title, text))

    def _write_organs(self, organs: OrganRegistry) -> None:
        stats: dict[str, dict] = {}
        for organ_id, year, current in self.conn.execute(
                "select organ_id, year, is_current from report_versions"):
            s = stats.setdefault(organ_id, {"versions": 0, "reports": 0, "years": set()})
            s["versions"] += 1
            s["reports"] += bool(current)  # `reports` holds the current versions
            if current and year:
                s["years"].add(year)
        rows = []
        for organ_id, organ in sorted(organs.organs.items()):
            s = stats.get(organ_id)
            if not s:
                continue
            ref, years = organ.ref, sorted(s["years"])
            missing = [y for y in range(years[0], years[-1] + 1) if y not in s["years"]] if years else []
            rows.append({
                "organ_id": organ_id, "name": ref.name, "short_name": ref.short, "kind": ref.kind, "level": ref.level,
                **ref.region.as_dict(), "resolved": int(ref.resolved), "note": ref.note,
                "aliases": json.dumps(sorted(a for a in organ.aliases if a), ensure_ascii=False),
                "sources": json.dumps(sorted(organ.sources), ensure_ascii=False),
                "reports": s["reports"],
                "versions": s["versions"], "first_year": years[0] if years else None,
                "last_year": years[-1] if years else None, "years": ",".join(map(str, years)) or None,
                "missing_years": ",".join(map(str, missing)) or None,
            })
        if rows:
            self.db["organs"].insert_all(rows)


@lru_cache(maxsize=65536)
def _same_organ(a: str, b: str, division_code: str | None) -> bool:
    ra, rb = resolve(a, division_code), resolve(b, division_code)
    return ra is not None and rb is not None and ra.organ_id == rb.organ_id


def _neg(s: str | None) -> str:
    """Sort key that puts later ISO strings first (and missing ones last)."""
    if not s:
        return "\uffff"
    return "".join(chr(0x10000 - ord(ch)) if ord(ch) < 0x10000 else ch for ch in s)


def open_fresh(path: str | Path) -> sqlite_utils.Database:
    """A new database file at `path`; the half-built files that killed builds left beside it go first."""
    path = Path(path)
    remove_leftovers(path)
    if path.exists():
        path.unlink()
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.conn.isolation_level = "DEFERRED"
    return db


def remove_leftovers(path: Path) -> list[Path]:
    """`.<db>.building-<pid>` files of builds whose process is gone (a killed build cannot clean up after itself)."""
    removed = []
    stem = path.name.split(".building-")[0]
    for leftover in path.parent.glob(f"{stem}.building-*"):
        pid = leftover.name.rsplit("-", 1)[-1]
        if leftover != path and pid.isdigit() and not Path(f"/proc/{pid}").exists():
            leftover.unlink(missing_ok=True)
            removed.append(leftover)
    return removed


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
    except DamagedObject as exc:  # never published as good: recorded with the reason
        return None, "damaged", str(exc)
    except (OSError, ValueError) as exc:
        return None, "missing", f"original not in the archive: {exc}"
    try:
        processed = processor(data, info.filename(), info.first.content_type)
    except ExtractionError as exc:  # the document is bad: recorded with its reason
        return None, "failed", str(exc) or type(exc).__name__
    except Exception as exc:  # noqa: BLE001 - a bug on one document must not stop the build
        return None, "error", f"{type(exc).__name__}: {exc}"
    return processed, "ok", None


def _work(args) -> tuple[Processed | None, str, str | None]:
    archive_dir, info, processor = args
    return _process(ArchiveStore(archive_dir), info, processor)


def _results(store: ArchiveStore, docs: list[DocumentInfo], processor: Processor, jobs: int,
             cache: "ProcessedCache | None" = None, cluster: str | None = None, task_timeout: float | None = None,
             isolate: bool = False, memory_mb: int | None = None):
    """(info, processed, status, error) in document order; documents already processed by this version of
    the pipeline come from `cache`, the rest are extracted and parsed (in worker processes if `jobs` > 1, on
    the Dask cluster at `cluster` if given: cache hits are never sent there)."""
    if cache is None:
        yield from _fresh_results(store, docs, processor, jobs, cluster, task_timeout, isolate, memory_mb)
        return
    cached = {info.sha256: cache.get(info.sha256) for info in docs}
    # Fresh results come in the order of `todo`, which is the order of `docs`: merge lazily so that
    # progress moves while the new documents are processed.
    fresh = _fresh_results(store, [info for info in docs if cached[info.sha256] is None], processor, jobs,
                           cluster, task_timeout, isolate, memory_mb)
    for info in docs:
        entry = cached[info.sha256]
        if entry is None:
            done, processed, status, error = next(fresh)
            assert done.sha256 == info.sha256
            entry = {"status": status, "error": error,
                     "processed": None if processed is None else {"meta": processed.meta, "text": processed.text,
                                                                   "parsed": processed.parsed}}
            if status not in ("missing", "damaged"):  # the original may come back whole
                cache.put(info.sha256, entry)
        p = entry["processed"]
        yield info, (Processed(p["meta"], p["text"], p["parsed"]) if p else None), entry["status"], entry["error"]


def _fresh_results(store: ArchiveStore, docs: list[DocumentInfo], processor: Processor, jobs: int,
                   cluster: str | None = None, task_timeout: float | None = None, isolate: bool = False,
                   memory_mb: int | None = None):
    if cluster:
        from archive.db.cluster import DEFAULT_TASK_TIMEOUT, cluster_results

        yield from cluster_results(store.root, docs, processor, cluster,
                                   timeout=task_timeout or DEFAULT_TASK_TIMEOUT)
        return
    if isolate:
        yield from _sandboxed_results(store, docs, processor, jobs, task_timeout, memory_mb)
        return
    if jobs <= 1 or len(docs) < 2:
        for info in docs:
            yield (info, *_process(store, info, processor))
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        work = ((store.root, info, processor) for info in docs)
        for info, result in zip(docs, pool.map(_work, work, chunksize=4)):
            yield (info, *result)


def _sandboxed_results(store: ArchiveStore, docs: list[DocumentInfo], processor: Processor, jobs: int,
                       task_timeout: float | None, memory_mb: int | None):
    """Each document in a kept child process of `jobs` (time and memory limited, `archive.db.sandbox`), in
    document order: a file that hangs, explodes in memory or crashes its extractor is recorded, never fatal."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from archive.db.sandbox import DEFAULT_TASK_TIMEOUT, Sandbox

    local, boxes = threading.local(), []
    ocr_threads = max(1, (os.cpu_count() or 1) // max(1, jobs))  # `jobs` children share the cores

    def run(info):
        box = getattr(local, "box", None)
        if box is None:
            box = local.box = Sandbox(memory_mb, ocr_threads)
            boxes.append(box)
        return box.run(str(store.root), info, processor, task_timeout or DEFAULT_TASK_TIMEOUT)

    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            for info, result in zip(docs, pool.map(run, docs)):
                yield (info, *result)
    finally:
        for box in boxes:
            box.stop()


def build(archive_dir: str | Path, db_path: str | Path, processor: Processor | None = None,
          sources_file: str | Path | None = None, progress: bool = True, stream=None, jobs: int = 1,
          use_cache: bool = True, cluster: str | None = None, task_timeout: float | None = None,
          isolate: bool | None = None, memory_mb: int | None = None, fts_jobs: int | None = None) -> dict:
    """Build `db_path` from the archive; returns counts. Atomic: a temporary file is renamed into place.

    With the default processor, results are cached per original and pipeline version (archive/processed.py),
    so a rebuild re-reads only new documents unless the pipeline changed.

    `cluster` (``tcp://HOST:PORT`` of a Dask scheduler) processes the documents the cache lacks on that
    cluster instead of here (`jobs` is then unused), each within `task_timeout` seconds (default 300; a
    document over it is recorded as failed); workers read originals from the same ARCHIVE_DIR path. The
    database is the same as a local build's.

    Locally, with the real extraction (`isolate`, the default for it), each document is processed in a kept
    child process limited to `task_timeout` seconds and `memory_mb` of address space (3 GB by default): one
    hostile file is recorded as failed with its reason, never the end of the build.

    The full-text tokens of a large build are computed on `fts_jobs` processes (default: every core).
    """
    cache = ProcessedCache(archive_dir) if use_cache and processor is None else None
    isolate = (processor is None) if isolate is None else isolate
    if isolate and memory_mb is None:
        from archive.db.sandbox import DEFAULT_MEMORY_MB

        memory_mb = DEFAULT_MEMORY_MB
    processor = processor or default_processor
    store = ArchiveStore(archive_dir)
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = db_path.with_name(f".{db_path.name}.building-{os.getpid()}")
    db = open_fresh(tmp)
    try:
        layout = ArchiveLayout(archive_dir)
        writer = Writer(db, runs.read_sources(layout, sources_file), fts_jobs=fts_jobs)
        docs = collect_documents(store)
        by_url = {}
        for info in docs:
            for rec in info.fetches:
                if rec.role != "attachment":
                    by_url.setdefault(rec.url, rec)
                    by_url.setdefault(rec.final_url, rec)
        bar = Progress(len(docs), stream) if progress else None
        for i, (info, processed, status, error) in enumerate(_results(store, docs, processor, jobs, cache,
                                                                        cluster, task_timeout, isolate, memory_mb)):
            parent = by_url.get(info.first.parent_url) if info.first.parent_url else None
            parent_meta = {"title": parent.title, "published": parent.published} if parent else {}
            writer.add_document(info, processed, status, error, parent_meta)
            if i % 200 == 199:
                db.conn.commit()
            if bar:
                bar.step()
        writer.finish(runs.run_rows(runs.read_runs(layout)))
        db.conn.close()
        os.replace(tmp, db_path)
    except BaseException:
        db.conn.close()
        if tmp.exists():
            tmp.unlink()
        raise
    return dict(writer.counts)
