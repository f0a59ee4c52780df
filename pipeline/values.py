"""Reading one printed cell: normalisation of text and the value/semantic of a cell.

Blank is not zero: an empty cell stays EMPTY with no value, "/" or "—" is NA.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


def _load_t2s_table() -> dict[int, str]:
    """Character-level traditional → simplified map from OpenCC's own dictionary (TSCharacters).

    Matching labels needs characters, not phrases, and str.translate with this
    table is a hundred times faster than OpenCC's pure-Python phrase converter.
    """
    import opencc

    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    table: dict[int, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and len(parts[0]) == 1:
            table[ord(parts[0])] = parts[1].split(" ")[0]
    return table


_T2S = _load_t2s_table()

# Characters that mean "nothing here" in portal HTML and Word exports.
_SPACES = "\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff\t\r\n "
_WS = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")


@lru_cache(maxsize=65536)
def to_simplified(text: str) -> str:
    if text.isascii():
        return text
    return text.translate(_T2S)


@lru_cache(maxsize=65536)
def norm(text: str) -> str:
    """Text for matching: NFKC (full-width → ASCII), simplified characters, no whitespace."""
    text = unicodedata.normalize("NFKC", text)
    text = to_simplified(text)
    text = text.replace("“", '"').replace("”", '"').replace("、", "、")
    return _WS.sub("", text)


NA_MARKS = {"/", "\\", "—", "——", "-", "－", "–", "无", "不适用", "×", "／", "——/", "/ /", "--", "---", "…"}

_NUM = re.compile(
    r"""^(?P<sign>[+\-−－]{1,2}|增加?|减少?|減少?)?
        (?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)
        (?P<unit>万元|元|件|个|条|项|次|家|宗)?$""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class CellValue:
    raw: str
    value: float | int | None
    semantic: str  # NUMERIC | ZERO | EMPTY | NA | TEXT
    sign: str | None = None  # the printed sign, if any
    unit: str | None = None  # the printed unit, if any

    @property
    def is_number(self) -> bool:
        return self.semantic in ("NUMERIC", "ZERO")


@lru_cache(maxsize=65536)
def read_cell(raw: str) -> CellValue:
    """Classify one printed cell. Signs and units are kept aside so columns can judge them."""
    text = unicodedata.normalize("NFKC", raw)
    text = _WS.sub("", text)
    if text == "":
        return CellValue(raw, None, "EMPTY")
    if text in NA_MARKS or set(text) <= set("/\\—-－–"):
        return CellValue(raw, None, "NA")
    if text in ("零", "〇"):
        return CellValue(raw, 0, "ZERO")
    m = _NUM.match(text)
    if not m:
        return CellValue(raw, None, "TEXT")
    number = m.group("num").replace(",", "")
    value: float | int = float(number) if "." in number else int(number)
    if isinstance(value, float) and value.is_integer() and not re.search(r"\.\d", number):
        value = int(value)
    sign = m.group("sign")
    if sign and (sign[0] in "-−－" or sign[0] in "减減"):
        value = -value
    return CellValue(raw, value, "ZERO" if value == 0 else "NUMERIC", sign, m.group("unit"))


def is_value_like(raw: str) -> bool:
    """Could this token be a table value (number, blank, or not-applicable mark)?"""
    return read_cell(raw).semantic != "TEXT"
