"""Full-text tokens computed on worker processes are the ones the writer computes itself."""

from __future__ import annotations

import random
import sqlite3

from archive.db import fts_pool
from archive.db.build import Writer, build
from support.archive_kit import envelope_processor, make_archive


def _rows(n: int) -> list[tuple]:
    rng = random.Random(7)
    chars = "政府信息公开工作年度报告行政复议诉讼 ，。（）ABCabc１２３\n\t〔2024〕号・ー"
    return [(i, None if i % 11 == 0 else "".join(rng.choice(chars) for _ in range(rng.randint(0, 30))),
             "".join(rng.choice(chars) for _ in range(rng.randint(0, 200))),
             None if i % 13 == 0 else "".join(rng.choice(chars) for _ in range(rng.randint(0, 400))))
            for i in range(n)]


def test_pooled_tokens_equal_serial_in_the_same_order():
    rows = _rows(fts_pool.CHUNK * 2 * fts_pool.AHEAD * 2 + 5)  # more than the window, and a partial chunk
    assert list(fts_pool.tokenised(rows, 2)) == list(fts_pool.tokenised(rows, 1))


def test_a_build_tokenised_on_two_processes_is_the_same_database(tmp_path, monkeypatch):
    make_archive(tmp_path / "archive")
    build(tmp_path / "archive", tmp_path / "serial.db", processor=envelope_processor, progress=False, fts_jobs=1)
    monkeypatch.setattr(Writer, "FTS_POOL_MIN_REPORTS", 0)
    build(tmp_path / "archive", tmp_path / "pooled.db", processor=envelope_processor, progress=False, fts_jobs=2)
    a, b = sqlite3.connect(tmp_path / "serial.db"), sqlite3.connect(tmp_path / "pooled.db")
    assert list(a.iterdump()) == list(b.iterdump())
