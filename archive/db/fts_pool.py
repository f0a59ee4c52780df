"""FTS token strings of many reports computed on several cores, in order, with little held in memory.

Tokenising (`fts.index_text`, pure Python) was ~40 % of a large build's finish, the one serial step of a
national build: the writer process tokenised every current report's words and text before inserting them.
Here the rows go in chunks to worker processes while the writer inserts what has come back; at most
``jobs * AHEAD`` chunks are out at once, so a national build's gigabytes of text are never all in memory.
Workers are started with *spawn*: the writer may run beside threads (a Dask client), where fork is unsafe.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import islice

from archive.db import fts

CHUNK = 64  # reports per task: large enough that pickling and queueing cost little against tokenising
AHEAD = 3  # chunks in flight per worker


Row = tuple  # (report id, title, own words, text)


def tokenise(row: Row) -> tuple[int, str, str, str]:
    """(id, title tokens, own-words tokens, text tokens) of one report."""
    rid, title, words, text = row
    return rid, fts.index_text(title or ""), fts.index_text(words or ""), fts.index_text(text or "")


def _tokenise_chunk(rows: list[Row]) -> list[tuple[int, str, str, str]]:
    return [tokenise(row) for row in rows]


def tokenised(rows: Iterable[Row], jobs: int) -> Iterator[tuple[int, str, str, str]]:
    """`tokenise` of every row, in the rows' order; on `jobs` worker processes when jobs > 1."""
    if jobs <= 1:
        for row in rows:
            yield tokenise(row)
        return
    it = iter(rows)
    pending: deque = deque()
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        while True:
            chunk = list(islice(it, CHUNK))
            if chunk:
                pending.append(pool.submit(_tokenise_chunk, chunk))
            if pending and (not chunk or len(pending) >= jobs * AHEAD):
                yield from pending.popleft().result()
            elif not chunk:
                return
