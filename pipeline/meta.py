"""What a report is about: title, agency, year, administrative level, its six sections, and whether it is a report at all."""

from __future__ import annotations

import re
from collections import Counter

from .rows import Row
from .schema import SECTION_KEYS
from .values import norm, to_simplified

_REPORT_PHRASE = re.compile(r"(?:政府信息公开|政务公开|信息公开).{0,6}(?:年度报告|年报)")
_NOT_REPORT_TITLE = re.compile(r"解读|图解|一图读懂|一图看懂|图说|答记者问")
_NOTICE_TITLE = re.compile(r"^关于.{0,40}(?:公布|发布|公开|报送|编制|做好).{0,30}(?:年度报告|年报)|(?:年度报告|年报).{0,6}(?:的)?(?:公告|通知|通告|目录|索引)$")

_NUMBER = r"(?:[一二三四五六七八九十]{1,2}|\d{1,2})[、.．]"
SECTION_PATTERNS = {
    "overview": re.compile(rf"^(?:{_NUMBER})?(?:总体情况|工作基本情况|基本情况|概述|总体概述)$|^{_NUMBER}总体情况"),
    "active_disclosure": re.compile(rf"^{_NUMBER}(?:行政机关)?主动公开政府信息(?:的)?情况|^主动公开政府信息(?:的)?情况$"),
    "applications": re.compile(rf"^{_NUMBER}.{{0,6}}收到和处理政府信息公开申请|^收到和处理政府信息公开申请(?:的)?情况$"),
    "review_litigation": re.compile(rf"^{_NUMBER}.{{0,16}}(?:行政复议|行政诉讼).{{0,12}}情况"),
    "problems": re.compile(rf"^{_NUMBER}.{{0,16}}(?:存在的?主要问题|问题及改进|主要问题和改进)"),
    "other": re.compile(rf"^{_NUMBER}.{{0,6}}其他需要报告的事项|^其他需要报告的事项$"),
}
SECTION_ORDER = SECTION_KEYS
assert list(SECTION_PATTERNS) == SECTION_ORDER, "a heading pattern for each section, in printed order"


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


def find_sections(rows: list[Row]) -> tuple[dict[str, str], dict[str, int]]:
    """The six numbered sections' text, and the row index where each heading was found."""
    starts: dict[str, int] = {}
    pending = list(SECTION_ORDER)
    for i, row in enumerate(rows):
        if row.is_table or len(row.cells) != 1:
            continue
        n = norm(row.cells[0].text)
        if len(n) > 40:
            continue
        # A heading may be missing: try the next few sections in order.
        for j, k in enumerate(pending[:3]):
            if SECTION_PATTERNS[k].search(n):
                starts[k] = i
                pending = pending[j + 1 :]
                break
    sections: dict[str, str] = {}
    ordered = sorted(starts.items(), key=lambda kv: kv[1])
    for idx, (k, start) in enumerate(ordered):
        end = ordered[idx + 1][1] if idx + 1 < len(ordered) else len(rows)
        body = [rows[r].text.strip() for r in range(start + 1, end)]
        sections[k] = "\n".join(b for b in body if b)
    return sections, starts


_PART_NAMES = re.compile(r"总体情况|主动公开政府信息|收到和处理政府信息公开申请|行政复议|行政诉讼|存在的主要问题|其他需要报告的事项")


def judge_is_report(title: str | None, n_sections: int, tables_found: int, head: str) -> tuple[bool, str | None]:
    t = norm(title or "")
    # An opening that lists the report's parts ("本报告…包括总体情况、主动公开政府信息情况…") marks a report
    # even when only an excerpt of it is at hand.
    names_parts = len(set(_PART_NAMES.findall(norm(head[:1200])))) >= 4
    if t and _NOT_REPORT_TITLE.search(t):
        return False, "an explanation (解读) of a report, not the report itself"
    if t and _NOTICE_TITLE.search(t) and tables_found == 0:
        return False, "a notice about annual reports, not a report"
    titled = bool(_REPORT_PHRASE.search(t))
    if tables_found >= 1 or n_sections >= 4 or (n_sections >= 1 and (names_parts or titled)):
        return True, None
    if not t:
        return False, "no report title, no statistical tables and fewer than four of the six sections"
    return False, f"no statistical tables and only {n_sections} of the six sections"
