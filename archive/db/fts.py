"""Chinese full-text search on stock SQLite FTS5: tokens computed here, matched by `unicode61`.

SQLite's default tokenizer reads a run of Chinese characters as one word, so 复议
inside 行政复议 is never found. Instead the pipeline writes, into a contentless FTS5
table, a token string in which every position of the text is represented:

* the text is normalised (NFKC, case-folded) and split into runs at whitespace;
* for every run, each overlapping pair of characters is one token (a *bigram*),
  and the run's last character is one token (a *unigram*) that also separates runs;
* a token made only of CJK ideographs and ASCII letters/digits is written as is
  (``行政``, ``3年``); any other token (punctuation, kana, …) is written as
  ``\\ue000`` + hex code points joined by ``x`` so `unicode61` keeps it as one token
  and no query can inject FTS syntax.

A query term (whitespace separates terms, all terms must match) becomes:

* two or more characters: the phrase of its bigrams — consecutive bigrams match
  exactly where the text has that substring;
* one character: any token that starts with it (its bigrams, or its unigram at a
  run's end).

So a report matches exactly when each term is a substring of its normalised text.
The published database needs no extension: any SQLite with FTS5 can read it.
"""

from __future__ import annotations

import re
import unicodedata

# Private-use mark (category Co: a token character for unicode61) opening encoded tokens.
ENC = "\ue000"
_WS = re.compile(r"\s+")
# An FTS5 query that matches no row (an encoded token that is never produced).
MATCH_NOTHING = f'"{ENC}x"'


def normalize(text: str) -> str:
    """The form both the index and the queries are built from (full-width → ASCII, case-folded)."""
    return unicodedata.normalize("NFKC", text or "").casefold()


def _plain(ch: str) -> bool:
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF  # CJK unified ideographs
        or 0x3400 <= o <= 0x4DBF  # extension A
        or (o < 128 and (ch.isdigit() or "a" <= ch <= "z"))
    )


def _token(chars: str) -> str:
    if all(_plain(c) for c in chars):
        return chars
    return ENC + "x".join(format(ord(c), "x") for c in chars)


def _run_tokens_simple(run: str) -> list[str]:
    """Reference form of `_run_tokens` (kept for tests)."""
    out = [_token(run[i : i + 2]) for i in range(len(run) - 1)]
    out.append(_token(run[-1]))
    return out


_SEGMENT = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fffa-z0-9]+)|([^\u3400-\u4dbf\u4e00-\u9fffa-z0-9]+)")
_HEX: dict[str, str] = {}


def _hex(ch: str) -> str:
    h = _HEX.get(ch)
    if h is None:
        h = _HEX[ch] = format(ord(ch), "x")
    return h


def _run_tokens(run: str) -> list[str]:
    """Bigrams of one whitespace-free run plus its last character, as `_token` writes them (fast path)."""
    n = len(run)
    out: list[str] = []
    for m in _SEGMENT.finditer(run):
        s, e = m.span()
        if m.group(1) is not None:  # plain characters: bigrams are the text itself
            out.extend([run[i : i + 2] for i in range(s, e - 1)])
            out.append(run[e - 1] if e == n else ENC + _hex(run[e - 1]) + "x" + _hex(run[e]))
        else:
            for j in range(s, e):
                out.append(ENC + _hex(run[j]) + ("x" + _hex(run[j + 1]) if j + 1 < n else ""))
    return out


def index_text(text: str) -> str:
    """The token string to store in the FTS table for `text`."""
    tokens: list[str] = []
    for run in _WS.split(normalize(text)):
        if run:
            tokens.extend(_run_tokens(run))
    return " ".join(tokens)


def _term_query(term: str) -> str:
    if len(term) == 1:
        tok = _token(term)
        enc = ENC + format(ord(term), "x")
        # a bigram whose first code point is this one, when the pair had to be encoded
        pair = f'"{enc}x" *'
        if tok == term:  # plain: its unigram and its plain bigrams all start with it
            return f'("{term}" * OR {pair})'
        return f'("{tok}" OR {pair})'
    return '"' + " ".join(_token(term[i : i + 2]) for i in range(len(term) - 1)) + '"'


def query_terms(query: str) -> list[str]:
    """The normalised terms of a query (whitespace-separated, de-duplicated, order kept)."""
    seen: list[str] = []
    for term in _WS.split(normalize(query or "")):
        if term and term not in seen:
            seen.append(term)
    return seen


def fts_query(query) -> str:
    """FTS5 MATCH expression for a user query: all terms, each matched as a substring."""
    terms = query_terms(str(query) if query is not None else "")
    if not terms:
        return MATCH_NOTHING
    return " AND ".join(_term_query(t) for t in terms)


def matches(query: str, text: str) -> bool:
    """The reference semantics (what the index promises): every term is a substring."""
    norm = normalize(text)
    terms = query_terms(query)
    return bool(terms) and all(t in norm for t in terms)


MARK = ("\u27e6", "\u27e7")  # ⟦ ⟧: never in report text (【】 is), readable in CSV, <mark> on the site


def snippet(text: str, query: str, width: int = 40, mark: tuple[str, str] = MARK, most: int = 3) -> str:
    """Keyword-in-context excerpts around the first hit of every term (at most `most` windows, joined by …),
    every hit inside them wrapped in `mark`."""
    if not text:
        return ""
    terms = query_terms(query)
    low = text.casefold()  # cheap path: most texts need no NFKC to show their hits
    if len(low) == len(text) and any(t in low for t in terms):
        norm, base = low, text
    else:
        norm = normalize(text)
        # NFKC may change lengths; fall back to showing the normalised text then.
        base = text if len(norm) == len(text) else norm
    firsts = sorted((norm.find(t), t) for t in terms if t in norm)
    if not firsts:
        return base[: 2 * width].replace("\n", " ")
    windows: list[list[int]] = []
    for pos, term in firsts:
        start, end = max(0, pos - width), min(len(base), pos + len(term) + width)
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
    pieces = []
    for start, end in windows[:most]:
        pieces.append(_marked(base[start:end], norm[start:end], terms, mark))
    out = " … ".join(pieces).replace("\n", " ")
    return ("…" if windows[0][0] > 0 else "") + out + ("…" if windows[min(len(windows), most) - 1][1] < len(base) else "")


def _marked(window: str, window_norm: str, terms: list[str], mark: tuple[str, str]) -> str:
    spans: list[tuple[int, int]] = []
    for t in terms:
        i = window_norm.find(t)
        while i != -1:
            spans.append((i, i + len(t)))
            i = window_norm.find(t, i + len(t))
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    out, pos = [], 0
    for a, b in merged:
        out.append(window[pos:a])
        out.append(mark[0] + window[a:b] + mark[1])
        pos = b
    out.append(window[pos:])
    return "".join(out)
