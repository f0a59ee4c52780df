"""Scanned pages: seconds per page of the project's OCR path against the OCR engine alone, and accuracy.

Run: .venv/bin/python -m bench.bench_ocr [--rounds 3] [--seed 7] [--compare /tmp/ocr_old.py] [--profile]

A 5-page report (farm.report_synth, distinct numbers, the prose written three times over so that the
three official tables fall on the middle pages and prose fills the others) is printed to PDF and
scanned at 200 dpi, every page (farm.render.render_scanned_pdf). Each page is rendered to the
greyscale image the extractor reads (`ocr.page_image`). Not timed: rendering, model loading, one
warm-up pass of everything. Then, for several rounds, alternating page by page so that the shared
machine's load falls on all of them alike:

  engine    rapidocr's `RapidOCR()(img)` with its default settings (detection, direction
            classifier and recognition of every box) on the page image;
  ours      `ocr.ocr_page_image(img)` on the same image (deskew, grid, text, confidence);
  compare   (with --compare) the same function of another copy of ocr.py, e.g. the previous version;

and once per round the whole scanned PDF through `pipeline.extract.extract_bytes` (page rendering
and the PDF extractor included), divided by its page count.

Reported: the median over rounds of each path's seconds per page and the ratio ours/engine.
Accuracy: the scanned PDF and the text-layer PDF of the same report are both extracted and parsed
(`pipeline.parser.parse_document`); the cells whose raw values differ are counted, as are those
that differ from the spec the report was made from. With --profile, one pass of our path over the
five pages is run under cProfile and the top functions by cumulative time are printed.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.util
import io
import json
import pstats
import random
import re
import statistics
import time
import unicodedata

PAGES = 5


def _report(seed: int):
    """(spec, text-layer PDF, scanned PDF) of a 5-page report."""
    from farm import render
    from farm.report_synth import build_document, random_spec

    spec = random_spec(random.Random(seed), distinct=True)
    spec.prose = {k: v * 3 for k, v in spec.prose.items()}
    pdf = render.render_pdf(build_document(spec))
    scan = render.render_scanned_pdf(pdf, dpi=200)
    return spec, pdf, scan


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def _cells(data: bytes, name: str) -> dict:
    from pipeline.extract import extract_bytes
    from pipeline.parser import parse_document

    result = parse_document(extract_bytes(data, name))
    return {(c["table"], c["row"], c["col"]): _norm(c["raw"] or "") for c in result["cells"]}


def accuracy(spec, pdf: bytes, scan: bytes) -> dict:
    text = _cells(pdf, "text.pdf")
    scanned = _cells(scan, "scan.pdf")
    truth = {key: _norm(spec.values.get(key, "")) for key in spec.keys()}
    keys = set(text) | set(scanned)
    differ = sorted(k for k in keys if text.get(k) != scanned.get(k))
    wrong = sorted(k for k in truth if scanned.get(k) != truth[k])
    return {"cells": len(truth), "scan_vs_text_differ": len(differ), "scan_vs_spec_differ": len(wrong),
            "text_vs_spec_differ": sum(1 for k in truth if text.get(k) != truth[k]),
            "examples": [(k, text.get(k), scanned.get(k)) for k in differ[:5]]}


def _load_module(path: str):
    """Another copy of ocr.py, imported inside pipeline.extract so that its relative imports work."""
    spec = importlib.util.spec_from_file_location("pipeline.extract._ocr_compare", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def run(rounds: int, seed: int, compare: str | None, profile: bool) -> dict:
    from rapidocr import RapidOCR

    from pipeline.extract import extract_bytes, ocr

    spec, pdf, scan = _report(seed)
    import pypdfium2 as pdfium

    n_pages = len(pdfium.PdfDocument(scan))
    images = [ocr.page_image(scan, i) for i in range(n_pages)]
    alone = RapidOCR(params={"Global.log_level": "error"})  # the defaults; only the logging is quieter
    paths = {"engine": lambda img: alone(img), "ours": ocr.ocr_page_image}
    if compare:
        paths["compare"] = _load_module(compare).ocr_page_image
    for img in images:  # warm-up: models, onnxruntime's first-shape costs
        for fn in paths.values():
            fn(img)
    extract_bytes(scan, "scan.pdf")

    per_round: dict[str, list[float]] = {name: [] for name in [*paths, "document"]}
    per_page: dict[str, list[list[float]]] = {name: [[] for _ in images] for name in paths}
    for r in range(rounds):
        totals = dict.fromkeys(paths, 0.0)
        order = list(paths) if r % 2 == 0 else list(reversed(paths))
        for i, img in enumerate(images):
            for name in order:
                t = _timed(paths[name], img)
                totals[name] += t
                per_page[name][i].append(t)
        for name, total in totals.items():
            per_round[name].append(total / len(images))
        per_round["document"].append(_timed(extract_bytes, scan, "scan.pdf") / n_pages)

    med = {name: statistics.median(v) for name, v in per_round.items()}
    summary = {
        "pages": n_pages, "rounds": rounds, "image_px": list(images[0].shape),
        "s_per_page": {name: round(v, 3) for name, v in med.items()},
        "ratio_ours_engine": round(med["ours"] / med["engine"], 3),
        "ratio_document_engine": round(med["document"] / med["engine"], 3),
        "page_medians": {name: [round(statistics.median(p), 3) for p in pages] for name, pages in per_page.items()},
        "rounds_s_per_page": {name: [round(x, 3) for x in v] for name, v in per_round.items()},
    }
    if compare:
        summary["ratio_compare_engine"] = round(med["compare"] / med["engine"], 3)
    summary["accuracy"] = accuracy(spec, pdf, scan)
    if profile:
        prof = cProfile.Profile()
        prof.enable()
        for img in images:
            ocr.ocr_page_image(img)
        prof.disable()
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(35)
        print(out.getvalue())
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7, help="the report's random spec")
    parser.add_argument("--compare", help="path of another ocr.py to time side by side (e.g. the previous version)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of our path over the pages")
    args = parser.parse_args()
    summary = run(args.rounds, args.seed, args.compare, args.profile)
    s = summary["s_per_page"]
    print(f"s/page (median of {summary['rounds']} rounds, {summary['pages']} pages): engine alone {s['engine']:.2f}, "
          f"ours {s['ours']:.2f} (x{summary['ratio_ours_engine']:.2f}), whole PDF {s['document']:.2f} "
          f"(x{summary['ratio_document_engine']:.2f})"
          + (f", compare {s['compare']:.2f} (x{summary['ratio_compare_engine']:.2f})" if "compare" in s else ""))
    a = summary["accuracy"]
    print(f"cells: {a['cells']}; scan vs text-layer differ {a['scan_vs_text_differ']}, scan vs spec "
          f"{a['scan_vs_spec_differ']}, text-layer vs spec {a['text_vs_spec_differ']}")
    print(json.dumps(summary, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
