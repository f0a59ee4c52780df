"""Extraction throughput per format (documents per second) and peak memory, on this machine.

Run: .venv/bin/python -m bench.bench_extract [--docs 4] [--formats html,docx,pdf,...]

Each format is measured in a fresh process (spawned, so memory figures are not inherited): the
documents are rendered by farm.render first (not timed), one is extracted as a warm-up (imports,
OCR model loading), then each is extracted with `extract_bytes`. Peak memory is reported three ways: Python allocations (tracemalloc, on a separate
one-document pass because tracing slows Python down), the process's maximum resident set (getrusage,
includes libraries and models) and the largest child's (LibreOffice; 0 where none ran).

LibreOffice formats are measured cold (one `soffice` per file, the extractor's default path) and
warm: one `soffice` start for the whole batch (`office.convert_many`), and, when Debian's
python3-uno is installed, a kept LibreOffice worker (`office_warm.WarmOffice`).
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import time
import tracemalloc

LO_FORMATS = {"doc", "wps", "odt", "rtf"}
DEFAULT_FORMATS = ["html", "docx", "pdf", "xlsx", "xls", "doc", "wps", "odt", "rtf", "scan", "doc-batch", "doc-warm"]


def _documents(fmt: str, n: int) -> list[tuple[bytes, str]]:
    from farm import render
    from farm.report_synth import build_document, random_spec

    rng = random.Random(7)
    out = []
    for i in range(n):
        doc = build_document(random_spec(rng, distinct=True))
        base = fmt.split("-")[0]
        if base in ("html", "docx", "xlsx", "xls"):
            out.append((getattr(render, f"render_{base}")(doc), f"r{i}.{base}"))
        elif base == "scan":
            out.append((render.render_scanned_pdf(render.render_pdf(doc), dpi=200, pages=[1]), f"r{i}.pdf"))
        else:
            out.append((getattr(render, f"render_{base}")(render.render_docx(doc)), f"r{i}.{base}"))
    return out


def _extract_all(fmt: str, items: list[tuple[bytes, str]]) -> None:
    from pipeline.extract import extract_bytes
    from pipeline.extract.docx import extract_docx
    from pipeline.extract.limits import Limits

    if fmt == "doc-batch":
        from pipeline.extract import office

        for docx_bytes in office.convert_many([(data, "doc") for data, _ in items], "docx"):
            extract_docx(docx_bytes, Limits())
    elif fmt == "doc-warm":
        from pipeline.extract.office_warm import convert_warm

        for data, _ in items:
            extract_docx(convert_warm(data, "doc", "docx"), Limits())
    else:
        for data, name in items:
            extract_bytes(data, name)


def _measure(fmt: str, n: int) -> dict:
    if fmt == "doc-warm":
        from pipeline.extract.office_warm import available

        if not available():
            return {"format": fmt, "skipped": "python3-uno not installed"}
    count = {"scan": max(1, n // 2), "html": n * 5, "docx": n * 5, "xlsx": n * 5, "xls": n * 5}.get(fmt, n)
    items = _documents(fmt, count)
    # Warm-up outside the timing: imports, the OCR engine's models, the kept LibreOffice worker.
    if fmt == "scan":
        from pipeline.extract.ocr import engine

        engine()
    elif fmt in ("html", "docx", "pdf", "xlsx", "xls", "doc-warm"):
        _extract_all(fmt, items[:1])
    start = time.perf_counter()
    _extract_all(fmt, items)
    elapsed = time.perf_counter() - start
    # tracemalloc slows Python code several-fold, so peak memory is taken on a separate one-document pass.
    tracemalloc.start()
    _extract_all(fmt, items[:1])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    if fmt == "doc-warm":
        from pipeline.extract import office_warm

        office_warm._SHARED.close()  # reaped, so its soffice counts in RUSAGE_CHILDREN
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"format": fmt, "docs": len(items), "seconds": elapsed, "per_second": len(items) / elapsed,
            "py_peak_mb": peak / 2**20, "rss_mb": rss_kb / 1024, "child_rss_mb": child_kb / 1024}


def run(formats: list[str], n: int) -> list[dict]:
    ctx = multiprocessing.get_context("spawn")
    results = []
    for fmt in formats:
        with ctx.Pool(1) as pool:
            results.append(pool.apply(_measure, (fmt, n)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=4,
                        help="documents per LibreOffice/PDF format (x5 for the fast formats, /2 for scans)")
    parser.add_argument("--formats", default=",".join(DEFAULT_FORMATS))
    args = parser.parse_args()
    results = run(args.formats.split(","), args.docs)
    print(f"{'format':<10} {'docs':>4} {'docs/s':>8} {'s/doc':>7} {'py peak MB':>10} {'max RSS MB':>10} "
          f"{'soffice RSS MB':>14}")
    for r in results:
        if "skipped" in r:
            print(f"{r['format']:<10} skipped: {r['skipped']}")
            continue
        print(f"{r['format']:<10} {r['docs']:>4} {r['per_second']:>8.2f} {r['seconds'] / r['docs']:>7.3f} "
              f"{r['py_peak_mb']:>10.1f} {r['rss_mb']:>10.1f} {r['child_rss_mb']:>14.1f}")
    print("doc = cold (one soffice per file); doc-batch = one soffice for all files; doc-warm = kept LibreOffice worker")


if __name__ == "__main__":
    main()
