"""Parser throughput on text input: reports per second on one core (target: 200/s or better).

Run: .venv/bin/python -m bench.bench_parser [--seconds 5]
The corpus is the five seed reports plus text renderings of generated reports in both formats.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from pipeline import values
from pipeline.parser import parse_text

SEEDS = Path(__file__).resolve().parent.parent / "tests" / "data" / "seeds"


def corpus(n_generated: int = 45) -> list[str]:
    from farm.report_synth import build_document, random_spec

    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    rng = random.Random(0)
    texts += [build_document(random_spec(rng)).text() for _ in range(n_generated)]
    return texts


def run(seconds: float) -> dict:
    texts = corpus()
    # Cold: caches of cell readings emptied, every report parsed once.
    values.read_cell.cache_clear()
    values.norm.cache_clear()
    start = time.perf_counter()
    for text in texts:
        parse_text(text)
    cold = len(texts) / (time.perf_counter() - start)
    # Sustained: keep parsing the corpus for `seconds`.
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for text in texts:
            parse_text(text)
        done += len(texts)
    sustained = done / (time.perf_counter() - start)
    return {"reports": len(texts), "avg_chars": sum(map(len, texts)) // len(texts), "cold_per_s": cold,
            "sustained_per_s": sustained}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=float, default=5.0)
    r = run(ap.parse_args().seconds)
    print(f"parser: {r['reports']} reports, {r['avg_chars']} chars on average")
    print(f"  cold (first pass, empty caches): {r['cold_per_s']:.0f} reports/s on one core")
    print(f"  sustained:                       {r['sustained_per_s']:.0f} reports/s on one core (target ≥ 200)")


if __name__ == "__main__":
    main()
