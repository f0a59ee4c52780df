"""Read what the crawler left beside the archive: crawl runs (runs/*.json) and the list of sources.

The crawler owns these files; this reader is tolerant: unknown keys are kept in `raw`, missing
ones are null, several spellings of the same fact are accepted.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path


def _first(d: dict, *names, default=None):
    for n in names:
        if isinstance(d, dict) and d.get(n) is not None:
            return d[n]
    return default


def _int(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (list, tuple, dict)):
        return len(v)
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def _source_entries(data: dict) -> list[tuple[str, dict]]:
    src = _first(data, "sources", "per_source", "results", default={})
    if isinstance(src, dict):
        return sorted((str(k), v if isinstance(v, dict) else {"status": v}) for k, v in src.items())
    out = []
    for item in src or []:
        if isinstance(item, dict):
            sid = _first(item, "source_id", "id", "source", "site", "name")
            if sid is not None:
                out.append((str(sid), item))
    return sorted(out, key=lambda e: e[0])


def _reasons(e: dict) -> str | None:
    """The crawler's per-document failures ({url, kind, reason}) as one readable line each (first 20)."""
    items = e.get("failures")
    if not isinstance(items, list) or not items:
        return None
    lines = []
    for f in items[:20]:
        if isinstance(f, dict):
            lines.append(" ".join(str(f.get(k)) for k in ("kind", "reason", "url") if f.get(k)))
        else:
            lines.append(str(f))
    more = len(items) - 20
    return "\n".join(lines) + (f"\n… {more} more" if more > 0 else "")


def _source_row(run_id: str, sid: str, e: dict, run: dict) -> dict:
    error = _first(e, "error", "errors", "failure", "failures_detail", "reason", "message")
    if isinstance(error, (list, tuple)):
        error = "; ".join(str(x) for x in error) or None
    elif isinstance(error, dict):
        error = json.dumps(error, ensure_ascii=False, sort_keys=True)
    status = _first(e, "status", "state", "outcome")
    ok = _first(e, "ok", "success", "succeeded")
    if ok is None:
        ok = (str(status).lower() in ("ok", "success", "succeeded", "done", "finished", "passed")) if status else (
            None if error is None else False)
    if status is None and ok is not None:
        status = "ok" if ok else "failed"
    return {
        "run_id": run_id,
        "source_id": sid,
        "status": None if status is None else str(status),
        "ok": None if ok is None else int(bool(ok)),
        "reports_found": _int(_first(e, "reports_found", "found", "reports", "items", "items_found")),
        "documents_new": _int(_first(e, "documents_new", "new", "new_documents", "new_reports", "stored_new")),
        "failures": _int(e["failed"]) if isinstance(e.get("failed"), int) and not isinstance(e.get("failed"), bool)
        else _int(_first(e, "failures", "errors_count", "error_count")),
        "error": None if error is None else str(error),
        "failure_reasons": _reasons(e),
        "started_at": _first(e, "started_at", "start", default=_first(run, "started_at", "start")),
        "finished_at": _first(e, "finished_at", "end", "finished", default=_first(run, "finished_at", "end")),
        "raw": json.dumps(e, ensure_ascii=False, sort_keys=True),
    }


def read_runs(archive_dir: str | Path) -> tuple[list[dict], list[dict]]:
    """(crawl_runs rows, crawl_run_sources rows), sorted, from ARCHIVE_DIR/runs/*.json."""
    runs, per_source = [], []
    for path in sorted(Path(archive_dir, "runs").glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict):
            continue
        run_id = str(_first(data, "run_id", "id", default=path.stem))
        rows = [_source_row(run_id, sid, e, data) for sid, e in _source_entries(data)]
        per_source += rows
        failed = sum(1 for r in rows if r["ok"] == 0)
        runs.append({
            "run_id": run_id,
            "started_at": _first(data, "started_at", "start", "started"),
            "finished_at": _first(data, "finished_at", "end", "finished"),
            "status": _first(data, "status", default=("failed" if failed else "ok") if rows else None),
            "sources": len(rows),
            "sources_failed": failed,
            "documents_new": _int(_first(data, "documents_new", "new", "new_documents")) if _first(
                data, "documents_new", "new", "new_documents") is not None else sum(r["documents_new"] or 0 for r in rows),
            "reports_found": sum(r["reports_found"] or 0 for r in rows),
            "raw": json.dumps(data, ensure_ascii=False, sort_keys=True),
        })
    return runs, per_source


SOURCE_FIELDS = ("id", "name", "platform", "level", "base_url", "column_url", "division_code")


def read_sources(archive_dir: str | Path, extra: str | Path | None = None) -> dict[str, dict]:
    """Sources by id from a CSV/JSON list: `extra`, or ARCHIVE_DIR/sources.csv|sources.json."""
    candidates = [Path(extra)] if extra else [Path(archive_dir, "sources.csv"), Path(archive_dir, "sources.json")]
    out: dict[str, dict] = {}
    for path in candidates:
        if not path.exists():
            continue
        if path.suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            items = data.get("sources", data) if isinstance(data, dict) else data
            if isinstance(items, dict):
                items = [dict(v, id=k) for k, v in items.items()]
        else:
            with open(path, encoding="utf-8-sig", newline="") as fh:
                items = list(csv.DictReader(fh))
        for item in items:
            sid = _first(item, "id", "source_id", "site_id")
            if sid is None:
                continue
            row = {f: item.get(f) or None for f in SOURCE_FIELDS}
            row["id"] = str(sid)
            row["column_url"] = row["column_url"] or item.get("url") or None
            row["division_code"] = (item.get("division_code") or item.get("code") or None)
            out[row["id"]] = row
    return out
