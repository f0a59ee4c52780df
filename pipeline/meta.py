"""What a report is about: title, agency, year, administrative level, its six sections, and whether it is a report at all."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .rows import PAGE_MARK, Row
from .form import SECTION_KEYS
from .values import is_value_like, norm, to_simplified

_REPORT_PHRASE = re.compile(r"(?:政府信息公开|政务公开|信息公开).{0,6}(?:年度报告|年报)")
_NOT_REPORT_TITLE = re.compile(r"解读|图解|一图读懂|一图看懂|图说|答记者问")
_NOTICE_TITLE = re.compile(r"^关于.{0,40}(?:公布|发布|公开|报送|编制|做好).{0,30}(?:年度报告|年报)|(?:年度报告|年报).{0,6}(?:的)?(?:公告|通知|通告|目录|索引)$")



def _names_a_report(n: str) -> bool:
    """Does this (normalised) line name an annual report — not merely cite the format document 《…年度报告格式》?"""
    bare = re.sub(r"《[^》]*》?", "", n)
    return bool(_REPORT_PHRASE.search(bare)) or bare.endswith(("年度报告", "年报"))


# A portal's breadcrumb saved with the page ("网站首页 > 政府信息公开 > 年度报告"), a "当前位置：" line.
_BREADCRUMB = re.compile(r"[>＞›»→]|^(?:当前位置|您的位置|您现在的位置|所在位置|位置)[:：]|^(?:网站)?首页")
# Labels a title is printed behind: the 索引号 metadata table (标题：…), an attachment link (附件1：….docx).
_TITLE_LABEL = re.compile(r"^(?:标题|名称|文件名称|主题|题名|附件\d{0,2})[:：]")
_FILE_EXTENSION = re.compile(r"\.(?:docx?|wps|pdf|xlsx?|et|ofd|rtf|txt)$", re.I)


def title_candidate(line: str) -> str | None:
    """The line as a possible title: None for breadcrumbs; labels and file extensions taken off."""
    if _BREADCRUMB.search(line):
        return None
    line = _TITLE_LABEL.sub("", line.strip()).strip()
    return _FILE_EXTENSION.sub("", line) or None


def find_title(rows: list[Row]) -> str | None:
    """The report's title: the first short line naming an annual report, joined with its wrapped parts.

    Breadcrumbs, metadata labels (索引号 tables: 标题：…) and attachment labels are looked past, so a
    Word file saved from the portal page still gives its own title, not "网站首页 > … > 年度报告".
    """
    lines = [title_candidate(r.cells[0].text) for r in rows[:40] if not r.is_table and r.cells[0].text.strip()]
    lines = [line for line in lines if line]
    for i, line in enumerate(lines):
        n = norm(line)
        if len(n) > 70:
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if not _names_a_report(n):
            # A title wrapped mid-phrase: "…政府信息公开" / "工作年度报告", "…工作的年度报" / "告".
            if nxt and len(norm(nxt)) <= 12 and _names_a_report(n + norm(nxt)):
                return line + nxt
            continue
        if re.match(r"^\d{4}年", n) and i > 0 and len(norm(lines[i - 1])) <= 30 and not re.search(r"[。，；：:]$", lines[i - 1]):
            line = lines[i - 1] + line  # "城口县人民政府机关" / "2020年政府信息公开工作年度报告"
        if nxt and re.fullmatch(r"(?:工作)?(?:年度报告|年报)", norm(nxt)):
            return line + nxt
        return line
    return None


def _clean_agency(text: str) -> str | None:
    text = re.sub(r"^(?:当前位置|首页|来源)[:：>].*", "", text)
    text = re.sub(r"^[A-Za-z][A-Za-z0-9 .]*[-–—]+", "", text)  # "Page 8 - " of flip-book pages
    text = text.strip(" 　《》<>\"'“”：:()（）")
    text = re.sub(r"(?:关于|的)$", "", text)  # "义乌市人民政府关于2024年度…的年度报告"
    return text or None


_CN_DIGITS = str.maketrans("〇零一二三四五六七八九○Ｏ", "001234567890" + "0")


def _arabic_years(text: str) -> str:
    """二〇二三年 → 2023年 (titles and dates are sometimes written in Chinese numerals)."""
    return re.sub(r"[二][〇零○Ｏ一二三四五六七八九]{3}(?=年)", lambda m: m.group(0).translate(_CN_DIGITS), text)


def find_agency_and_year(title: str | None, text_head: str) -> tuple[str | None, int | None]:
    agency = year = None
    title = _arabic_years(title) if title else title
    text_head = _arabic_years(text_head)
    candidates = [title] if title else []
    # The opening paragraph often names the report in full (seed 003: "…蛟河市白石山镇2024年政府信息公开工作年度报告").
    candidates += re.findall(r"([^，。；、《》\s]{2,30}?\d{4}\s*年度?\s*(?:政府信息公开|政务公开).{0,4}(?:年度报告|年报))", text_head)
    for cand in candidates:
        n = to_simplified(re.sub(r"\s+", "", cand))
        m = re.match(r"^(.*?)(?:(\d{4})年度?)?(?:政府信息公开|政务公开|信息公开)", n)
        if not m:
            continue
        if agency is None:
            agency = _clean_agency(re.sub(r"^\d{4}年度?|\d{4}年度?$", "", m.group(1)))
            if year is None and re.match(r"^\d{4}年", m.group(1)):
                year = int(m.group(1)[:4])
        if year is None and m.group(2):
            year = int(m.group(2))
        if year is None:
            y = re.search(r"(\d{4})年", n)
            year = int(y.group(1)) if y else None
        if agency and year:
            break
    if agency is None:
        # "本报告由宿迁市人民政府按照《条例》…编制" names the organ even where the title is lost.
        m = re.search(r"本(?:年度)?报告由([^，。；、《》\s]{2,30}?)(?:按照|根据|依据|依照)", re.sub(r"\s+", "", text_head))
        if m:
            agency = _clean_agency(to_simplified(m.group(1)))
    if year is None:
        n = norm(text_head)
        period = re.search(r"统计(?:期限|时限|时间|区间)[^。]{0,12}?(\d{4})年", n)
        if period:
            year = int(period.group(1))
        else:
            years = Counter(int(y) for y in re.findall(r"(20[0-4]\d)年", n))
            year = years.most_common(1)[0][0] if years else None
    if year is not None and not 2000 <= year <= 2100:
        year = None
    return agency, year


_GOVERNMENT = re.compile(r"^(.+?)(?:人民政府|政府)$")


def admin_level(agency: str | None) -> str:
    """乡镇/街道/部门/县级/市级/省级 from the organ's name, or 'unknown'.

    A government's level comes from the division tree where the division is named in full: 义乌市人民政府
    is 县级 (a county-level city), 商洛市人民政府 市级 (a prefecture), whatever the name ends in.
    """
    if not agency:
        return "unknown"
    a = norm(agency)
    a = re.sub(r"[（(].*?[)）]", "", a)
    if re.search(r"街道(?:办事处|办)?$|街道$", a) or a.endswith("街道人民政府"):
        return "街道"
    if re.search(r"(?:镇|乡|苏木)(?:人民政府|政府)?$", a):
        return "乡镇"
    if re.search(r"(?:局|委员会|委|办公室|办公厅|办|厅|中心|管理处|院|所|队|站|署|总队|支队|大队|协会|公司|银行|分局|监狱)$", a):
        return "部门"
    government = _GOVERNMENT.match(a)
    division = government.group(1) if government else a
    level = _division_level(division)
    if level:
        return level
    if re.search(r"(?:省|自治区)(?:人民政府|政府)?$", a) or a in ("北京市人民政府", "天津市人民政府", "上海市人民政府", "重庆市人民政府"):
        return "省级"
    if re.search(r"(?:县|区|旗|县级市)(?:人民政府|政府)?$", a):
        return "县级"
    if re.search(r"(?:市|州|盟)(?:人民政府|政府)?$", a):
        return "市级"
    return "unknown"


def _division_level(name: str) -> str | None:
    """The level of the division a government's name ends with (浙江省金华市义乌市 → 义乌市 → 县级)."""
    from .divisions import by_name, level_of_name

    names = by_name()
    for start in range(len(name) - 1):
        tail = name[start:]
        if tail in names:
            return level_of_name(tail)
    return None


# ---- sections ------------------------------------------------------------------------------------
# A heading is found wherever an extractor left it: alone on its row, run into the first sentence
# ("一、总体情况。2023年，…"), glued to the end of the paragraph before it (a PDF line joiner that did
# not see the heading, e.g. because the text layer prints ⼀ U+2F00 for 一), split over two rows, in a
# table cell, in 繁体 or with Kangxi radicals (all matched on norm()'d text).

_CN_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
# Numbering styles: 一、 (and 第一部分), （一）, 1. — on normalised text, so （ is ( and ． is .
_HEAD_NUMBER = re.compile(
    r"(?:第(?P<cn1>[一二三四五六七八九十]{1,2})(?:部分|章|节)[、.,，:]?"
    r"|(?P<cn2>[一二三四五六七八九十]{1,2})[、.,，]"
    r"|\((?P<paren>[一二三四五六七八九十]{1,2}|\d{1,2})\)[、.]?"
    r"|(?P<arabic>\d{1,2})(?:[、.，,]|\))(?!\d))"
)
_CN_BARE = re.compile(r"(?P<cn3>[一二三四五六七八九十])(?=[^一二三四五六七八九十是])")  # "一 总体情况" with the 、 lost
_W = r"[^。；;:：]"  # inside a heading
HEADING_PHRASES = {
    "overview": rf"(?:政府信息公开|政务公开)?(?:工作)?(?:的)?(?:总体情况|总体概述|总体工作情况|工作总体情况|工作基本情况|基本情况|工作概况|概况|概述|总述)",
    "active_disclosure": r"(?:行政机关)?(?:政府信息)?主动公开(?:政府信息|政务信息|信息)?(?:工作)?(?:的)?(?:开展)?(?:情况)?",
    "applications": r"(?:行政机关)?(?:收到和处理|收到及处理|收到与处理|收到、处理|受理和处理|受理及处理)政府信息公开申请(?:的)?(?:情况)?"
                    r"|(?:政府信息)?依申请公开(?:政府信息)?(?:工作)?(?:的)?(?:办理)?(?:情况)?"
                    r"|政府信息公开申请(?:的)?(?:受理|办理|处理)(?:和(?:受理|办理|处理))?(?:情况)?",
    "review_litigation": rf"{_W}{{0,16}}?(?:行政复议|行政诉讼)(?:{_W}{{0,14}}情况|{_W}{{0,4}}行政诉讼)?",
    "problems": rf"{_W}{{0,16}}?(?:存在的?主要问题|存在的?问题|存在的?不足|主要问题|问题及改进|问题和改进)(?:{_W}{{0,12}}?(?:情况|措施|方向|计划|打算))?",
    "other": rf"{_W}{{0,6}}?(?:其他需要报告的事项|其他需报告的事项|其他需要报告事项|其他报告的事项|其他需要说明的事项|需要说明的事项|其他事项)",
}
# Unnumbered, a heading only when it is all its row says.
_BARE_PHRASES = {
    "overview": r"(?:政府信息公开工作)?(?:总体情况|工作基本情况|基本情况|概述|总体概述)",
    "active_disclosure": r"(?:行政机关)?主动公开政府信息(?:的)?(?:工作)?情况",
    "applications": r"(?:行政机关)?收到和处理政府信息公开申请(?:的)?情况",
    "review_litigation": r"(?:因)?政府信息公开(?:工作)?(?:被申请)?行政复议[、,和及]?(?:提起)?行政诉讼(?:的)?情况",
    "problems": r"(?:政府信息公开工作)?存在的?主要问题(?:及|和)改进(?:情况|措施)",
    "other": r"其他需要报告的事项",
}
SECTION_PATTERNS = {k: re.compile(p) for k, p in HEADING_PHRASES.items()}
_BARE = re.compile("|".join(rf"(?P<{k}>(?:{p})[。:：.]?$)" for k, p in _BARE_PHRASES.items()))
SECTION_ORDER = SECTION_KEYS
assert list(SECTION_PATTERNS) == SECTION_ORDER, "a heading pattern for each section, in printed order"
_COMPLETE = re.compile(r"(?:情况|事项|概述|概况|总述|措施|方向|计划|打算)$")
# Where a numbered heading may start inside a row: at its start or after a sentence.
_HEAD_START = re.compile(r"(?:^|(?<=[。！？!?；;:：]))(?=第?[一二三四五六七八九十]{1,2}(?:部分|章|节)?[、.,，:]|第[一二三四五六七八九十]{1,2}(?:部分|章|节)"
                         r"|\([一二三四五六七八九十\d]{1,2}\)|\d{1,2}[、.，,)](?!\d))")
_ANY_HEADING_WORD = re.compile(r"总体|概述|概况|基本情况|总述|主动公开|申请|行政复议|行政诉讼|问题|不足|事项")
_TOC_REST = re.compile(r"^[.…·\-—_\s]*\d{0,3}$")


@dataclass(frozen=True)
class Heading:
    key: str
    row: int  # the row the heading starts in
    pos: int  # its start in that row's normalised text
    end_row: int  # the row it ends in (a heading split over two rows ends in the next)
    end: int  # its end in that row's normalised text
    style: str  # cn (一、), paren (（一）), arabic (1.), none
    number: int | None
    weight: int


def _row_text(row: Row) -> tuple[str, int]:
    """The text a heading is looked for in, and its offset in row.text: a paragraph, or the one filled cell of a
    table row (a row with more, such as a table of contents' "一、总体情况 | 1", holds no heading)."""
    if not row.is_table:
        return row.cells[0].text, 0
    offset, found = 0, None
    for cell in row.cells:
        if cell.text.strip():
            if found is not None:
                return "", 0
            found = (cell.text, offset)
        offset += len(cell.text) + 1
    return found or ("", 0)


def _cn_value(v: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20."""
    if len(v) == 1:
        return _CN_NUM[v]
    if v[0] == "十":
        return 10 + _CN_NUM.get(v[1], 0)
    return _CN_NUM[v[0]] * 10 + (_CN_NUM[v[1]] if v[1] != "十" else 0)


def _number(m: re.Match) -> tuple[str, int]:
    groups = m.groupdict()
    for group, style in (("cn1", "cn"), ("cn2", "cn"), ("cn3", "cn"), ("paren", "paren"), ("arabic", "arabic")):
        v = groups.get(group)
        if v:
            return style, int(v) if v.isdigit() else _cn_value(v)
    return "none", 0


def _headings_at(n: str, pos: int, alone_ok: bool = True) -> list[tuple[str, str, int | None, int, int]]:
    """Numbered headings starting at `pos` of normalised row text `n`: (key, style, number, end, weight)."""
    out = []
    m = _HEAD_NUMBER.match(n, pos)
    if m is None and pos == 0 and alone_ok:
        m = _CN_BARE.match(n, pos)
    if m is None:
        return out
    style, number = _number(m)
    if style == "cn" and m.groupdict().get("cn3") and not alone_ok:
        return out
    for key, pattern in SECTION_PATTERNS.items():
        ph = pattern.match(n, m.end())
        if ph is None or ph.end() == m.end():
            continue
        end = ph.end()
        rest = n[end:]
        phrase = n[m.end():end]
        complete = bool(_COMPLETE.search(phrase))
        if m.groupdict().get("cn3") and rest:
            continue  # "一总体情况" only where it is the whole row
        if pos == 0:
            if rest == "" or rest in "。:：.":
                weight = 3
            elif rest[0] in "。:：.":
                if _TOC_REST.match(rest):
                    continue  # a table of contents: "一、总体情况……1"
                weight = 2
            elif rest[0] in "；;、，,…" or _HEAD_NUMBER.match(rest) or _TOC_REST.match(rest):
                continue  # a list of the parts, a table of contents
            elif complete:
                weight = 2  # "一、总体情况2023年，…"
            else:
                continue
        else:
            if rest == "" and (complete or len(phrase) >= 4):
                weight = 2  # glued to the end of the paragraph before it
            elif rest[:1] in ("。", ":", "：") and complete:
                weight = 1
            else:
                continue
        out.append((key, style, number, end, weight))
        break
    return out


def _furniture(rows: list[Row]) -> set[int]:
    """Rows that are page furniture: page numbers, and short lines repeated on every page (running headers)."""
    counts: Counter = Counter()
    texts = {}
    for i, row in enumerate(rows):
        if row.is_table or len(row.cells) != 1:
            continue
        text = row.cells[0].text
        if PAGE_MARK.match(text):
            texts[i] = ""
            continue
        n = norm(text)
        if 4 <= len(n) <= 50 and not is_value_like(text):
            texts[i] = n
            counts[n] += 1
    return {i for i, n in texts.items() if not n or counts[n] >= 2}


def find_headings(rows: list[Row]) -> list[Heading]:
    """Every place a section heading may stand, before choosing the ones that make up the report's outline."""
    found: list[Heading] = []
    furniture: set[int] | None = None
    for i, row in enumerate(rows):
        raw, _ = _row_text(row)
        if not raw:
            continue
        n = norm(raw)
        if not n or not _ANY_HEADING_WORD.search(n) and not (len(n) <= 24 and _HEAD_NUMBER.match(n)):
            continue
        # Unnumbered: the whole row.
        if len(n) <= 30:
            bare = _BARE.match(n)
            if bare:
                found.append(Heading(bare.lastgroup, i, 0, i, len(n), "none", None, 2))
        starts = [m.start() for m in _HEAD_START.finditer(n)]
        if not starts and len(n) <= 30 and _CN_BARE.match(n):
            starts = [0]  # "一总体情况": the 、 lost
        for pos in starts:
            for key, style, number, end, weight in _headings_at(n, pos, alone_ok=len(n) <= 30):
                found.append(Heading(key, i, pos, i, end, style, number, weight))
        # A heading split over two rows (a line break, a page break with its furniture between).
        if len(n) <= 24 and _HEAD_NUMBER.match(n):
            if furniture is None:
                furniture = _furniture(rows)
            j = i + 1
            while j < len(rows) and j <= i + 4 and (j in furniture or not _row_text(rows[j])[0].strip()):
                j += 1
            if j < len(rows) and j <= i + 4:
                nxt = norm(_row_text(rows[j])[0])
                if nxt and len(nxt) <= 24 and not _HEAD_NUMBER.match(nxt):
                    joined = n + nxt
                    for key, style, number, end, weight in _headings_at(joined, 0):
                        if end > len(n) and end == len(joined):
                            found = [h for h in found if h.row != i]
                            found.append(Heading(key, i, 0, j, end - len(n), style, number, weight))
    return found


def _outline(headings: list[Heading]) -> list[Heading]:
    """The headings that make up the outline: one numbering style (with unnumbered headings alone on their row,
    and headings of another style whose number is the section's own), in the six sections' order."""
    if not headings:
        return []
    order = {k: idx for idx, k in enumerate(SECTION_ORDER)}
    score: Counter = Counter()
    for style in ("cn", "paren", "arabic"):
        keys = {h.key: h for h in headings if h.style == style}
        score[style] = sum(1 + (h.number == order[h.key] + 1) for h in keys.values())
    top = max(("cn", "paren", "arabic"), key=lambda s: (score[s], -("cn", "paren", "arabic").index(s)))
    kept = [h for h in headings if h.style in (top, "none")
            or (h.weight == 3 and h.number == order[h.key] + 1)]
    kept.sort(key=lambda h: (h.row, h.pos))
    # The heaviest chain in section order (numbers, where printed in the outline's style, increasing).
    best: list[tuple[int, int]] = []  # (total weight, previous index)
    for idx, h in enumerate(kept):
        w = h.weight + (h.number == order[h.key] + 1)
        choice = (w, -1)
        for jdx in range(idx):
            g = kept[jdx]
            if order[g.key] >= order[h.key] or (g.end_row, g.end) > (h.row, h.pos) or g.row == h.row and g.pos == h.pos:
                continue
            if g.style == h.style == top and g.number is not None and h.number is not None and g.number >= h.number:
                continue
            if best[jdx][0] + w >= choice[0]:
                choice = (best[jdx][0] + w, jdx)  # on a tie the later heading: a contents list comes first
        best.append(choice)
    idx = max(range(len(kept)), key=lambda k: (best[k][0], k))
    chain = []
    while idx != -1:
        chain.append(kept[idx])
        idx = best[idx][1]
    return chain[::-1]


def _raw_offset(raw: str, k: int) -> int:
    """The index in `raw` where its normalised text reaches length k."""
    acc = 0
    for i, ch in enumerate(raw):
        if acc >= k:
            return i
        acc += len(norm(ch))
    return len(raw)


def section_spans(rows: list[Row], chain: list[Heading] | None = None) -> list[tuple[str, tuple[int, int], tuple[int, int]]]:
    """Each section found as (key, (row, offset) where its text starts, (row, offset) where it ends) — offsets
    in row.text; the end is exclusive and (len(rows), 0) for the last section."""
    if chain is None:
        chain = _outline(find_headings(rows))
    marks = []
    for h in chain:
        raw, base = _row_text(rows[h.row])
        start = base + _raw_offset(raw, h.pos)
        eraw, ebase = _row_text(rows[h.end_row])
        end = ebase + _raw_offset(eraw, h.end)
        marks.append((h.key, (h.row, start), (h.end_row, end)))
    spans = []
    for idx, (key, _, body_start) in enumerate(marks):
        stop = marks[idx + 1][1] if idx + 1 < len(marks) else (len(rows), 0)
        spans.append((key, body_start, stop))
    return spans


def _prose_cell(row: Row) -> bool:
    """A table row that is prose: one filled cell holding sentences (a report laid out in a one-column table)."""
    filled = [c.text for c in row.cells if c.text.strip()]
    return len(filled) == 1 and len(filled[0]) >= 15 and bool(re.search(r"[。；;，,]", filled[0]))


def span_text(rows: list[Row], start: tuple[int, int], stop: tuple[int, int], prose_only: bool = False) -> str:
    """The text between two (row, offset) marks, one row a line; `prose_only` leaves table rows out."""
    parts = []
    for r in range(start[0], min(stop[0], len(rows) - 1) + 1):
        row = rows[r]
        if prose_only and row.is_table and not _prose_cell(row):
            continue
        text = row.text
        lo = start[1] if r == start[0] else 0
        hi = stop[1] if r == stop[0] else len(text)
        if r == stop[0] and r != start[0] and hi == 0:
            continue
        piece = text[lo:hi].strip()
        if r == start[0]:
            piece = piece.lstrip("。:：.， \t").strip()
        if piece:
            parts.append(piece)
    return "\n".join(parts)


def read_sections(rows: list[Row]) -> tuple[dict[str, str], dict[str, int], str]:
    sections, starts, narrative, _ = read_outline(rows)
    return sections, starts, narrative


def read_outline(rows: list[Row]) -> tuple[dict[str, str], dict[str, int], str, list[Heading]]:
    """The sections' text, the row index of each heading, and the narrative that rule 10 reads: the prose of
    一、总体情况 and the sentences written under 三 and 四 (table rows left out); without an overview, the
    report's prose from its start."""
    sections: dict[str, str] = {}
    starts: dict[str, int] = {}
    narrative: list[str] = []
    headings = find_headings(rows)
    chain = _outline(headings)
    for h, (key, body_start, stop) in zip(chain, section_spans(rows, chain)):
        starts[key] = h.row
        sections[key] = span_text(rows, body_start, stop)
        if key == "overview":
            narrative.append(span_text(rows, body_start, stop, prose_only=True))
        elif key in ("applications", "review_litigation") and "overview" in sections:
            prose = span_text(rows, body_start, stop, prose_only=True)
            narrative += [line for line in prose.split("\n") if len(line) >= 15 and re.search(r"[。；;]", line)]
    if "overview" not in sections:
        narrative = ["\n".join(r.text for r in rows if not r.is_table)[:4000]]
    return sections, starts, "\n".join(narrative), headings


def find_sections(rows: list[Row]) -> tuple[dict[str, str], dict[str, int]]:
    """The six numbered sections' text, and the row index where each heading was found."""
    sections, starts, _ = read_sections(rows)
    return sections, starts


_PART_NAMES = re.compile(r"总体情况|主动公开政府信息|收到和处理政府信息公开申请|行政复议|行政诉讼|存在的主要问题|其他需要报告的事项")


# The blank form: its title names a template, its text keeps the form's placeholders.
_TEMPLATE_TITLE = re.compile(r"模板|模版|样表|样本|范本|参考格式|填报说明|编写提纲|格式(?:\(试行\))?$")
# On the raw text (full- or half-width brackets), so the whole text need not be normalised.
_PLACEHOLDER = re.compile(r"[(（]\s*(?:文字描述|文字说明|文字叙述|简要描述|具体描述|填写[^)）]{0,10}|此处[^)）]{0,12})\s*[)）]"
                          r"|20[xX×Ｘ]{2}\s*年|[xX×Ｘ＊*]{2,4}(?:省|市|县|区|镇|乡|街道|局|委|办|年|单位|部门)")


_COMPILATION = re.compile(r"汇编|合集|汇总|选编|各部门|各单位|各乡镇|各街道|各县")


_OWN_TITLE = re.compile(r"^.{2,40}?(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:的)?(?:年度报告|年报)$")


def report_titles(rows: list[Row]) -> list[tuple[str, int | None, int]]:
    """The report titles printed on their own line, as (organ, year, row index): a file holding the reports of
    several organs names each of them in a title line. Lines printed more than once, or beside a page number,
    are running headers, not titles."""
    found: list[tuple[str, int | None, int, str]] = []
    counts: Counter = Counter()
    for i, row in enumerate(rows):
        texts = [c.text for c in row.cells if c.text.strip()]
        if len(texts) != 1 or not ("报告" in texts[0] or "報告" in texts[0] or "年报" in texts[0] or "年報" in texts[0]):
            continue
        line = title_candidate(texts[0])
        if not line:
            continue
        n = _arabic_years(norm(line))
        if len(n) > 60 or not _OWN_TITLE.match(n) or not re.search(r"\d{4}年", n) or _COMPILATION.search(n):
            continue  # not a title, or the compilation's own title ("各部门…年度报告汇编")
        counts[n] += 1
        beside_page_number = any(0 <= j < len(rows) and not rows[j].is_table and rows[j].cells
                                 and PAGE_MARK.match(rows[j].cells[0].text) for j in (i - 1, i + 1))
        if beside_page_number:
            counts[n] += 1
        agency, year = find_agency_and_year(line, "")
        if agency:
            found.append((agency, year, i, n))
    out: list[tuple[str, int | None, int]] = []
    for agency, year, i, n in found:
        if counts[n] == 1 and (agency, year) not in [(a, y) for a, y, _ in out]:
            out.append((agency, year, i))
    return out


def _organ_key(name: str) -> str:
    """An organ's name for comparing: 人民政府 as 政府, without the office suffix (市人民政府办公室 ~ 市政府办)."""
    return re.sub(r"(?:办公室|办公厅|办事处|办)$", "", norm(name).replace("人民政府", "政府"))


def several_reports(titles: list[tuple[str, int | None, int]], part_rows: list[int]) -> list[tuple[str, int | None]]:
    """The titles each followed by a report of its own (its 一、总体情况 or Table B's head before the next
    title), when they name different organs or years: two or more of them make a file of several reports.
    An organ named once in full and once in short (滦州市雷庄镇人民政府 / 雷庄镇) is one organ."""
    out: list[tuple[str, int | None]] = []
    for k, (agency, year, row) in enumerate(titles):
        stop = titles[k + 1][2] if k + 1 < len(titles) else float("inf")
        if not any(row < r < stop for r in part_rows):
            continue
        key = _organ_key(agency)
        if any(y == year and (key in _organ_key(a) or _organ_key(a) in key) for a, y in out):
            continue
        out.append((agency, year))
    return out


def judge_is_report(title: str | None, n_sections: int, tables_found: int, head: str, *,
                    agency: str | None = None, year: int | None = None, numbers_in_tables: int | None = None,
                    full_text: str = "", reports: list[tuple[str, int | None]] | None = None) -> tuple[bool, str | None]:
    """Is this one organ's annual report? Explanations (解读), notices, blank templates of the form and files
    collecting several reports are not; `not_report_reason` says which and why.

    numbers_in_tables: how many table cells hold a number (None: not counted); reports: several_reports().
    """
    t = norm(title or "")
    # An opening that lists the report's parts ("本报告…包括总体情况、主动公开政府信息情况…") marks a report
    # even when only an excerpt of it is at hand.
    names_parts = len(set(_PART_NAMES.findall(norm(head[:1200])))) >= 4
    if t and _NOT_REPORT_TITLE.search(t):
        return False, "an explanation (解读) of a report, not the report itself"
    if t and _NOTICE_TITLE.search(t) and tables_found == 0:
        return False, "a notice about annual reports, not a report"
    # A blank form: a template's title or its placeholders, with what a filled-in report has missing.
    placeholders = sorted({norm(p) for p in _PLACEHOLDER.findall(full_text)})
    template_title = bool(t and _TEMPLATE_TITLE.search(t))
    missing = [what for what, absent in (("no organ named", agency is None), ("no year", year is None),
                                        ("no number in any table cell", bool(tables_found) and numbers_in_tables == 0))
               if absent]
    if (template_title and missing) or (placeholders and len(missing) >= 2) or len(missing) == 3:
        evidence = ([f"the title names a template ({title})"] if template_title else []) + (
            ["placeholder text " + "、".join(placeholders[:3])] if placeholders else []) + missing
        return False, "a blank template of the report form, not a report: " + "; ".join(evidence)
    if reports and len(reports) >= 2:
        organs = {a for a, _ in reports}
        names = "、".join(f"{a}（{y}）" if y else a for a, y in reports[:8]) + ("…" if len(reports) > 8 else "")
        what = f"{len(organs)} organs' reports" if len(organs) >= 2 else f"{len(reports)} years' reports of {reports[0][0]}"
        return False, f"a collection of {what} in one file, not one report: {names}"
    titled = bool(_REPORT_PHRASE.search(t))
    if tables_found >= 1 or n_sections >= 4 or (n_sections >= 1 and (names_parts or titled)):
        return True, None
    if not t:
        return False, "no report title, no statistical tables and fewer than four of the six sections"
    return False, f"no statistical tables and only {n_sections} of the six sections"
