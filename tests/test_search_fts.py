"""The bigram index finds exactly the texts that contain the query (checked against a substring search)."""

from __future__ import annotations

import random
import sqlite3

import pytest

from archive.db import fts

ALPHABET = list("行政复议诉讼公开申请年度报告信息不予处理政府") + list("，。；（）、：“”") + list("2023abcAB") + [
    " ",
    "\n",
    "\u3000",
    "２",
    "Ａ",
    '"',
    "*",
    "(",
    "'",
    "ー",
]
HOSTILE = ['"', '""', "NEAR(", "NEAR(复议", "AND", "OR", "NOT", "复议 AND", "*", "^", "'; drop table reports; --",
           "col:复议", "(", ")", "\u3000", "-", "+", "复议\"", "\\", "%", "_", "x", "2023年 OR 1"]


def _corpus(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    docs = []
    for _ in range(n):
        k = rng.randint(0, 60)
        docs.append("".join(rng.choice(ALPHABET) for _ in range(k)))
    # realistic phrases too
    docs += ["行政复议案件2023年度", "康复；议案", "2023 年", "2023年", "行政\n复议", "ＡＢＣ２０２３年", "诉", ""]
    return docs


def _queries(docs: list[str], seed: int) -> list[str]:
    rng = random.Random(seed)
    qs = ["复议", "公开", "诉", "2023年", "行政复议", "复议 公开", "年 2023", "abc", "ABC", "２０２３"] + HOSTILE
    for _ in range(250):
        d = rng.choice(docs)
        if len(d) >= 1:
            i = rng.randrange(len(d))
            qs.append(d[i : i + rng.randint(1, 7)])
    for _ in range(100):
        qs.append("".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 4))))
    for _ in range(60):
        qs.append(" ".join(rng.choice(qs) for _ in range(rng.randint(2, 3))))
    return qs


@pytest.fixture(scope="module")
def index():
    docs = _corpus(7, 400)
    db = sqlite3.connect(":memory:")
    db.execute("create virtual table t_fts using fts5(title, text, content='')")
    for i, d in enumerate(docs):
        db.execute("insert into t_fts(rowid, title, text) values (?, '', ?)", (i, fts.index_text(d)))
    return db, docs


def test_hit_sets_equal_substring_search(index):
    db, docs = index
    qs = _queries(docs, 11)
    assert len(qs) > 400
    checked_nonempty = 0
    for q in qs:
        expr = fts.fts_query(q)
        got = {r[0] for r in db.execute("select rowid from t_fts where t_fts match ?", (expr,))}
        want = {i for i, d in enumerate(docs) if fts.matches(q, d)}
        assert got == want, (q, expr)
        checked_nonempty += bool(want)
    assert checked_nonempty > 200


def test_reference_is_plain_substring_on_plain_text():
    # On text that normalisation leaves alone, the reference is Python's `in`.
    assert fts.matches("复议", "行政复议")
    assert not fts.matches("复议", "康复；议案")
    assert fts.matches("2023年 复议", "2023年行政复议")
    assert not fts.matches("2023年", "2023 年")
    assert fts.matches("２０２３", "2023")  # full-width digits fold to ASCII


@pytest.mark.parametrize("q", HOSTILE + ["", "   "])
def test_hostile_queries_never_error(index, q):
    db, _ = index
    db.execute("select count(*) from t_fts where t_fts match ?", (fts.fts_query(q),)).fetchone()


def test_database_readable_without_extensions(tmp_path):
    path = tmp_path / "x.db"
    db = sqlite3.connect(path)
    db.execute("create virtual table t_fts using fts5(title, text, content='')")
    db.execute("insert into t_fts(rowid, title, text) values (1, '', ?)", (fts.index_text("行政复议"),))
    db.commit()
    db.close()
    fresh = sqlite3.connect(path)  # no function, no tokenizer registered
    assert fresh.execute("select rowid from t_fts where t_fts match '\"复议\"'").fetchall() == [(1,)]


def test_snippet_marks_hits():
    s = fts.snippet("今年共办理行政复议案件3件，无行政诉讼。", "复议 诉")
    assert "⟦复议⟧" in s and "⟦诉⟧" in s


def test_fast_tokenizer_equals_reference():
    rng = random.Random(5)
    for _ in range(5000):
        run = fts.normalize("".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 12)))).replace(" ", "")
        run = "".join(run.split())
        if run:
            assert fts._run_tokens(run) == fts._run_tokens_simple(run), run
