"""Decide from a listing title whether an item is a 政府信息公开工作年度报告, and which year it covers.

A report title names the disclosure work (信息公开) and ends in 年度报告 / 年报, and it carries the year it
covers (阿拉伯 or 汉字 digits: 2023年 / 二〇二三年度). Not reports, although their titles quote one:

- 解读 / 图解 / 一图读懂 pages about a report;
- notices about reports (关于做好…年度报告编制…的通知, 关于…年度报告发布情况的公告);
- the official format itself (…年度报告格式) and other documents that merely mention one.

A title cut short by the portal (``…年度报…`` or ``…``) is *uncertain*: the spider then reads the
article's own title before archiving it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

REPORT = "report"
NOT_REPORT = "not_report"
UNCERTAIN = "uncertain"

_CN_DIGITS = {"〇": "0", "○": "0", "零": "0", "Ｏ": "0", "一": "1", "二": "2", "三": "3", "四": "4",
              "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_CN_YEAR = re.compile(r"([〇○零Ｏ一二三四五六七八九]{4})\s*年")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:年|年度)?")
_ELLIPSIS = re.compile(r"(\.{2,}|…+|。。+)\s*$")
# Bracketed remarks a portal appends to a title: （更正）, (修订版), 【转载】, a file extension.
_TRAILING_REMARK = re.compile(r"\s*(?:[（(\[【][^（()）\[\]【】]{0,12}[)）\]】]|\.(?:pdf|docx?|wps|xlsx?|html?)"
                              r"|[-—_－:：\s]*(?:19|20)\d{2}(?:年度|年)?)\s*$", re.IGNORECASE)
_NOT_REPORT_WORDS = ("解读", "图解", "一图读懂", "一图看懂", "图说", "答记者问", "政策问答", "格式")
_NOTICE_ENDINGS = ("通知", "公告", "公示", "通报", "函", "意见", "方案", "要点", "会议", "推进会", "培训会", "情况说明")
_REPORT_ENDINGS = ("年度报告", "年报", "工作报告")


@dataclass(frozen=True)
class Verdict:
    kind: str  # REPORT | NOT_REPORT | UNCERTAIN
    year: int | None
    reason: str

    @property
    def is_report(self) -> bool:
        return self.kind == REPORT


def normalise_title(title: str) -> str:
    """NFKC (full-width digits and brackets), collapsed white space."""
    text = unicodedata.normalize("NFKC", title or "")
    return re.sub(r"\s+", "", text)


def title_year(title: str) -> int | None:
    """The year a title names (the first plausible one), from Arabic or Chinese digits."""
    text = normalise_title(title)
    m = _CN_YEAR.search(text)
    if m:
        year = int("".join(_CN_DIGITS[c] for c in m.group(1)))
        if 1990 <= year <= 2100:
            return year
    for m in _YEAR.finditer(text):
        year = int(m.group(1))
        if 2000 <= year <= 2100:
            return year
    return None


def classify_title(title: str) -> Verdict:
    text = normalise_title(title)
    if not text:
        return Verdict(NOT_REPORT, None, "empty title")
    year = title_year(text)
    for word in _NOT_REPORT_WORDS:
        if word in text:
            return Verdict(NOT_REPORT, year, f"title contains {word}")
    truncated = bool(_ELLIPSIS.search(text))
    core = _ELLIPSIS.sub("", text)
    while True:
        stripped = _TRAILING_REMARK.sub("", core)
        if stripped == core:
            break
        core = stripped
    core = core.rstrip("。.;；:：")
    if "信息公开" not in core and not (truncated and "信息公" in core):
        return Verdict(NOT_REPORT, year, "title does not name 信息公开")
    if core.endswith(_NOTICE_ENDINGS):
        return Verdict(NOT_REPORT, year, "a notice about reports, not a report")
    if truncated:
        if year is not None and ("年度" in core or "年报" in core or core.endswith("年")):
            return Verdict(UNCERTAIN, year, "title cut short by the portal")
        return Verdict(NOT_REPORT, year, "truncated title without a report year")
    if not core.endswith(_REPORT_ENDINGS) or ("年度报告" not in core and "年报" not in core):
        return Verdict(NOT_REPORT, year, "title does not end in 年度报告/年报")
    if year is None:
        return Verdict(NOT_REPORT, None, "no report year in the title")
    return Verdict(REPORT, year, "title names an annual report")
