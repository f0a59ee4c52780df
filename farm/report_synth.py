"""Synthetic annual reports laid out exactly like real ones.

A `ReportSpec` holds what a report says: agency, year, which table format each
table uses, the raw text of every table cell and the prose of each section.
`build_document(spec)` turns it into the block model (`pipeline.blocks`) with the
official merges of the 2019 and 2021 formats (see docs/format notes, §3–§5):
the renderers in `farm.render` then write that model as HTML, DOCX, PDF, ….

Every row, column and section comes from `pipeline/form.py`, the one statement of the
official form: its keys, labels and printed wording (`A_ROW_ARTICLES`, `*_PRINTED_LABELS`).

`random_spec(rng)` produces a consistent report (format.md §6 rules 1–4 hold),
optionally with a distinct number in every cell so that a cell shifted by an
extractor cannot hide behind an equal neighbour. The prose is adapted from the
seed reports with the agency, the year and the numbers substituted; the numbers
in the narrative agree with the tables.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from pipeline.blocks import Document, Paragraph, Span, Table
from pipeline.form import (A_COL_LABELS, A_LAYOUT, A_PRINTED_LABELS, A_ROW_ARTICLES, A_ROW_LABELS, B_APPLICANT_COLS,
                             B_COL_LABELS, B_COLS, B_PRINTED_LABELS, B_ROW_LABELS, B_ROWS, C_COL_LABELS, C_COLS,
                             C_ROW_LABELS, C_ROWS, SECTION_KEYS, SECTION_LABELS, TABLE_SECTIONS, b_outcome_rows)

CellKey = tuple[str, str, str]  # (table, row, col), keys of issue 2 (pipeline/form.py)

SECTIONS: list[tuple[str, str]] = [(key, SECTION_LABELS[key]) for key in SECTION_KEYS]

# ---------------------------------------------------------------- Table A ---
A_VALUE_COLUMNS = 3  # grid columns after 信息内容 in every block; a block with fewer columns widens its last


def a_blocks(fmt: str) -> list[tuple[str, list[tuple[str, str, int]], list[tuple[str, str]]]]:
    """Table A's printed blocks: (heading, [(col key, header label, colspan)], [(row key, row label)])."""
    printed = A_PRINTED_LABELS[fmt]
    blocks = []
    for heading, group in groupby(A_LAYOUT[fmt].items(), key=lambda row_cols: A_ROW_ARTICLES[row_cols[0]]):
        group = list(group)
        cols = group[0][1]
        spans = [1] * (len(cols) - 1) + [A_VALUE_COLUMNS - len(cols) + 1]
        blocks.append((heading,
                       [(col, printed.get(col, A_COL_LABELS[col]), span) for col, span in zip(cols, spans)],
                       [(row, printed.get(row, A_ROW_LABELS[row])) for row, _ in group]))
    return blocks


# ---------------------------------------------------------------- Table B ---
B_HEADER_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
B_RESULTS_HEADING = "三、本年度办理结果"


def b_result_groups(fmt: str) -> list[tuple[str | None, list[tuple[str, str]]]]:
    """The groups of rows under 三、本年度办理结果, without （七）总计: (group heading or None, [(row key, label)]).

    A grouped row's printed label is its group heading, a space and its own label (（三）不予公开 1.属于国家秘密).
    """
    def split(row: str) -> tuple[str | None, str]:
        group, _, label = B_PRINTED_LABELS.get(row, B_ROW_LABELS[row]).partition(" ")
        return (group, label) if label else (None, group)

    groups: list[tuple[str | None, list[tuple[str, str]]]] = []
    for row in b_outcome_rows(fmt):
        group, label = split(row)
        if group is None or not groups or groups[-1][0] != group:
            groups.append((group, []))
        groups[-1][1].append((row, label))
    return groups


def b_rows(fmt: str) -> list[str]:
    return list(B_ROWS[fmt])


# -------------------------------------------------------------- cell keys ---
def a_keys(fmt: str) -> list[CellKey]:
    return [("A", row, col) for row, cols in A_LAYOUT[fmt].items() for col in cols]


def b_keys(fmt: str) -> list[CellKey]:
    return [("B", row, col) for row in B_ROWS[fmt] for col in B_COLS]


def c_keys() -> list[CellKey]:
    return [("C", row, col) for row in C_ROWS for col in C_COLS]


def all_keys(format_a: str, format_b: str) -> list[CellKey]:
    """Every cell key of a report in these formats, in printed order."""
    return a_keys(format_a) + b_keys(format_b) + c_keys()


# ------------------------------------------------------------------- spec ---
@dataclass
class ReportSpec:
    agency: str
    year: int
    admin_level: str = "乡镇"
    format_a: str = "2021"
    format_b: str = "2021"
    # (table, row, col) -> raw cell text as printed; a missing key is a blank cell.
    values: dict[CellKey, str] = field(default_factory=dict)
    # section key (see SECTIONS) -> paragraphs; "preface" holds text before 一、总体情况.
    prose: dict[str, list[str]] = field(default_factory=dict)
    title: str | None = None

    def __post_init__(self) -> None:
        for fmt in (self.format_a, self.format_b):
            if fmt not in ("2019", "2021"):
                raise ValueError(f"unknown table format {fmt!r}")
        valid = set(all_keys(self.format_a, self.format_b))
        unknown = [k for k in self.values if k not in valid]
        if unknown:
            raise ValueError(f"cell keys not in the {self.format_a}/{self.format_b} layout: {unknown[:5]}")

    @property
    def full_title(self) -> str:
        return self.title or f"{self.agency}{self.year}年政府信息公开工作年度报告"

    def keys(self) -> list[CellKey]:
        return all_keys(self.format_a, self.format_b)

    def value(self, table: str, row: str, col: str) -> str:
        return self.values.get((table, row, col), "")


# ----------------------------------------------------------------- layout ---
class _Grid:
    """Collects a table's spans."""

    def __init__(self) -> None:
        self.spans: list[Span] = []

    def add(self, row: int, col: int, text: str, rowspan: int = 1, colspan: int = 1) -> None:
        self.spans.append(Span(row, col, rowspan, colspan, text))


def _table_a(spec: ReportSpec) -> _Grid:
    g = _Grid()
    r = 0
    for heading, cols, rows in a_blocks(spec.format_a):
        g.add(r, 0, heading, colspan=1 + A_VALUE_COLUMNS)
        r += 1
        g.add(r, 0, "信息内容")
        c = 1
        for _, label, span in cols:
            g.add(r, c, label, colspan=span)
            c += span
        r += 1
        for row_key, row_label in rows:
            g.add(r, 0, row_label)
            c = 1
            for col_key, _, span in cols:
                g.add(r, c, spec.value("A", row_key, col_key), colspan=span)
                c += span
            r += 1
    return g


def _b_value_row(g: _Grid, spec: ReportSpec, r: int, row_key: str) -> None:
    for i, col in enumerate(B_COLS):
        g.add(r, 3 + i, spec.value("B", row_key, col))


def _table_b(spec: ReportSpec) -> _Grid:
    """Three-level header, three label columns, seven value columns (10 grid columns)."""
    g = _Grid()
    groups = b_result_groups(spec.format_b)
    natural, *orgs = B_APPLICANT_COLS
    g.add(0, 0, B_HEADER_NOTE, rowspan=3, colspan=3)
    g.add(0, 3, "申请人情况", colspan=len(B_COLS))
    g.add(1, 3, B_COL_LABELS[natural], rowspan=2)
    g.add(1, 4, "法人或其他组织", colspan=len(orgs))
    g.add(1, 4 + len(orgs), B_COL_LABELS["total"], rowspan=2)
    for i, col in enumerate(orgs):
        g.add(2, 4 + i, B_COL_LABELS[col])
    g.add(3, 0, B_ROW_LABELS["new_received"], colspan=3)
    _b_value_row(g, spec, 3, "new_received")
    g.add(4, 0, B_ROW_LABELS["carried_over"], colspan=3)
    _b_value_row(g, spec, 4, "carried_over")
    r = 5
    n_result_rows = sum(len(rows) for _, rows in groups) + 1  # + （七）总计
    g.add(r, 0, B_RESULTS_HEADING, rowspan=n_result_rows)
    for group_label, rows in groups:
        if group_label is None:
            key, label = rows[0]
            g.add(r, 1, label, colspan=2)
            _b_value_row(g, spec, r, key)
            r += 1
            continue
        g.add(r, 1, group_label, rowspan=len(rows))
        for key, label in rows:
            g.add(r, 2, label)
            _b_value_row(g, spec, r, key)
            r += 1
    g.add(r, 1, B_ROW_LABELS["total_processed"], colspan=2)
    _b_value_row(g, spec, r, "total_processed")
    r += 1
    g.add(r, 0, B_ROW_LABELS["carried_forward"], colspan=3)
    _b_value_row(g, spec, r, "carried_forward")
    return g


def _table_c(spec: ReportSpec) -> _Grid:
    """行政复议 colspan 5; 行政诉讼 colspan 10 split into two colspan-5 groups (15 grid columns).

    A row's label is its heading, then (after a space) the sub-heading it has under a shared heading.
    """
    g = _Grid()
    n = len(C_COLS)
    heads = [C_ROW_LABELS[row].partition(" ")[::2] for row in C_ROWS]  # (heading, sub-heading or "")
    c = 0
    for heading, group in groupby(heads, key=lambda head: head[0]):
        width = n * len(list(group))
        g.add(0, c, heading, colspan=width)
        c += width
    for gi, (_, sub) in enumerate(heads):
        if not sub:  # no sub-heading: the column labels take both header rows
            for i, col in enumerate(C_COLS):
                g.add(1, gi * n + i, C_COL_LABELS[col], rowspan=2)
        else:
            g.add(1, gi * n, sub, colspan=n)
    for gi, (_, sub) in enumerate(heads):
        if sub:
            for i, col in enumerate(C_COLS):
                g.add(2, gi * n + i, C_COL_LABELS[col])
    for gi, row in enumerate(C_ROWS):
        for i, col in enumerate(C_COLS):
            g.add(3, gi * n + i, spec.value("C", row, col))
    return g


_TABLE_AFTER = {TABLE_SECTIONS[table]: make for table, make in (("A", _table_a), ("B", _table_b), ("C", _table_c))}


def build_document(spec: ReportSpec) -> Document:
    """The report as blocks: title, preface, the six sections, the three tables after 二、三、四's headings.

    Table A follows the heading of section 二, Table B that of 三 and Table C that of 四,
    each followed by the section's prose, as in the seeds.
    """
    blocks: list = [Paragraph(spec.full_title)]
    blocks += [Paragraph(p) for p in spec.prose.get("preface", [])]
    for section, heading in SECTIONS:
        blocks.append(Paragraph(heading))
        if section in _TABLE_AFTER:
            blocks.append(Table(_TABLE_AFTER[section](spec).spans))
        blocks += [Paragraph(p) for p in spec.prose.get(section, [])]
    meta = {"title": spec.full_title, "agency": spec.agency, "year": spec.year, "admin_level": spec.admin_level,
            "format_a": spec.format_a, "format_b": spec.format_b, "synthetic": True}
    return Document(blocks, meta)


def expected_rows(doc: Document) -> list[list[list[str]]]:
    """Each table's logical rows as text, the comparison form for extraction tests."""
    return [[[s.text for s in row] for row in t.logical_rows()] for t in doc.tables()]


# ---------------------------------------------------------- spec builders ---
def spec_from_values(agency: str, year: int, *, a: list[str], b: list[list[str]], c: list[str],
                     format_a: str = "2021", format_b: str = "2021", admin_level: str = "乡镇",
                     prose: dict[str, list[str]] | None = None, title: str | None = None) -> ReportSpec:
    """A spec from the cell texts in printed order.

    `a`: Table A values row by row (10 for 2021, 22 for 2019); `b`: one list of 7 per Table B row
    (25 rows for 2021, 23 for 2019); `c`: the 15 values of Table C. `""` is a blank cell.
    """
    keys_a, keys_c = a_keys(format_a), c_keys()
    rows_b = b_rows(format_b)
    n_cols_b = len(B_COLS)
    if len(a) != len(keys_a) or len(c) != len(keys_c) or len(b) != len(rows_b) or any(len(r) != n_cols_b for r in b):
        raise ValueError(f"expected {len(keys_a)} A values, {len(rows_b)}x{n_cols_b} B values "
                         f"and {len(keys_c)} C values")
    values: dict[CellKey, str] = {}
    values.update(zip(keys_a, a))
    for row_key, row in zip(rows_b, b):
        values.update({("B", row_key, col): v for col, v in zip(B_COLS, row)})
    values.update(zip(keys_c, c))
    values = {k: v for k, v in values.items() if v != ""}
    spec = ReportSpec(agency, year, admin_level, format_a, format_b, values, {}, title)
    spec.prose = prose if prose is not None else seed_prose(spec, random.Random(year))
    return spec


def _int(spec: ReportSpec, key: CellKey) -> int | None:
    try:
        return int(Decimal(spec.value(*key).strip()))
    except Exception:
        return None


# ------------------------------------------------------------------- prose ---
_OVERVIEW_OPENINGS = [
    "{year}年，{short}认真贯彻落实《中华人民共和国政府信息公开条例》和上级有关文件和会议精神，积极推进政府信息公开工作。"
    "报告中所列数据的统计期限为{year}年1月1日至{year}年12月31日。现将信息公开工作报告如下：",
    "{year}年，{short}认真落实《中华人民共和国政府信息公开条例》规定和上级有关部门决策部署，围绕中心工作，深化重点领域信息公开，"
    "切实提升政策公开质量。报告中所列数据的统计期限为{year}年1月1日至{year}年12月31日。",
    "{year}年，{short}认真贯彻落实《中华人民共和国政府信息公开条例》，政务公开工作在党委、政府的坚强领导下，进一步完善政府信息公开制度、"
    "建立健全政府信息公开保障机制，取得了较好的效果。本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
]
_ACTIVE = [
    "主动公开：{year}年，{short}通过微信公众号发布信息{posts}次，主要包括政府工作动态、上级政策传达、群众活动掠影、各类宣传科普等；"
    "通过线下张贴公告等形式，主动公开乡村振兴、医疗、养老、就业、环境保护等方面政策法规，提升群众对政策的知晓度。",
    "（一）主动公开：{year}年，{short}对照《中华人民共和国政府信息公开条例》，主动公开各类政务服务信息，严格落实信息保护机制。"
    "通过政府网站专栏、视频号等新媒体平台发布各类政务和日常工作信息{posts}余条。",
]
_MANAGEMENT = [
    "政府信息管理：在日常工作中树牢政府信息公开红线意识和底线思维，强调政府信息公开发布审查工作的重要性，进一步规范政府信息发布工作，"
    "保证所发布的政府信息合法、准确。",
    "政府信息公开平台建设：信息发布严格按照“三审三校”执行，强化相关人员业务培训，确保信息发布准确、规范。",
    "监督保障：一是建立政务公开长效机制，成立政府信息公开工作领导小组，各部门协调推进政府信息公开工作，确保了公开信息的准确性、权威性、"
    "完整性和时效性。二是明确政务公开工作范围，依据权责清单和公共服务事项进行全面梳理，并按条目方式逐项细化公开内容。",
]
_PROBLEMS = [
    "一是业务水平有待提高。对《中华人民共和国政府信息公开条例》学习不够，业务能力需要提升。二是政府信息公开范围有待扩大，公开内容较为单一，"
    "信息公开的内容、形式方面需要进一步规范和加强。",
    "下步将重点做好以下几方面工作：一是强化统筹协调，丰富公开内容。强化各部门之间的协调对接，拓宽信息来源，对照政务公开标准，"
    "及时准确公开各项信息。二是加强业务培训，提高业务能力。常态化开展政务公开工作培训，保证政府信息公开的全面、准确、规范。",
]


def _short_name(agency: str) -> str:
    """The name used inside sentences: 孟津区城关镇人民政府 -> 城关镇."""
    name = agency.removesuffix("人民政府")
    for mark in ("镇", "乡", "街道办事处", "街道", "局", "委员会", "办公室"):
        i = name.rfind(mark)
        if i > 0:
            start = max(name.rfind("区", 0, i), name.rfind("县", 0, i), name.rfind("市", 0, i)) + 1
            return name[start:i + len(mark)] or name
    return name


def seed_prose(spec: ReportSpec, rng: random.Random) -> dict[str, list[str]]:
    """Prose adapted from the seed reports, with the spec's agency, year and table numbers.

    The application and review/litigation sentences quote Table B's 总计 column and Table C's totals,
    so the narrative agrees with the tables (format.md §6 rule 10); blank cells are not narrated.
    """
    short = _short_name(spec.agency)
    year = spec.year
    fmt = {"year": year, "short": short, "agency": spec.agency, "posts": rng.randint(20, 1500)}
    new = _int(spec, ("B", "new_received", "total"))
    carried = _int(spec, ("B", "carried_over", "total"))
    done = _int(spec, ("B", "total_processed", "total"))
    forward = _int(spec, ("B", "carried_forward", "total"))
    if new is None:
        applications = f"依申请公开：{year}年，{short}依申请公开工作按规定办理。"
    elif new == 0 and not carried:
        applications = f"依申请公开：{year}年，{short}未收到政府信息公开申请。"
    else:
        parts = [f"依申请公开：{year}年，{short}共收到政府信息公开申请{new}件"]
        if carried is not None:
            parts.append(f"上年结转{carried}件")
        if done is not None:
            parts.append(f"办结{done}件")
        if forward is not None:
            parts.append(f"结转下年度继续办理{forward}件")
        applications = "，".join(parts) + "。"
    review = _int(spec, ("C", "review", "total"))
    direct = _int(spec, ("C", "litigation_direct", "total"))
    after = _int(spec, ("C", "litigation_after_review", "total"))
    if review is None or direct is None or after is None:
        litigation = f"{year}年，{short}行政复议、行政诉讼情况见上表。"
    else:
        litigation = (f"{year}年，{short}因政府信息公开工作被申请行政复议{review}件，"
                      f"被提起行政诉讼{direct + after}件。")
    active = [rng.choice(_ACTIVE).format(**fmt)]
    issued = _int(spec, ("A", "normative_documents", "issued" if spec.format_a == "2021" else "made"))
    if issued is not None:
        active.append(f"{year}年，{short}本年制发行政规范性文件{issued}件。")
    return {
        "preface": [f"本报告由{spec.agency}按照《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》"
                    "要求编制，内容包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、"
                    "存在的主要问题及改进情况、其他需要报告的事项等六部分内容。"],
        "overview": [rng.choice(_OVERVIEW_OPENINGS).format(**fmt), *active, applications, *_MANAGEMENT],
        "active_disclosure": [],
        "applications": [],
        "review_litigation": [litigation],
        "problems": list(_PROBLEMS),
        "other": [f"{year}年度{short}未收取政府信息公开信息处理费，无其他需要报告的事项。"],
    }


# ------------------------------------------------------------------ random ---
_PLACES = ["雷庄", "祝楼", "城关", "白石山", "韩垓", "青石", "河口", "龙泉", "柳林", "桃源", "新华", "东风", "长安", "永宁", "金山"]
_COUNTIES = ["滦州市", "平原县", "孟津区", "蛟河市", "梁山县", "东明县", "宁陵县", "巴州区", "临泉县"]
_CITIES = ["唐山市", "德州市", "洛阳市", "吉林市", "济宁市", "菏泽市", "商丘市", "巴中市", "阜阳市"]
_LEVEL_SUFFIX = {"乡镇": ["镇人民政府", "乡人民政府"], "街道": ["街道办事处"], "部门": ["自然资源局", "市场监督管理局", "卫生健康委员会"]}


class _Pool:
    """Hands out numbers, all distinct when asked to."""

    def __init__(self, rng: random.Random, distinct: bool):
        self.rng, self.distinct, self.used = rng, distinct, set()

    def draw(self, lo: int, hi: int, zero_share: float = 0.0) -> int:
        if not self.distinct:
            return 0 if self.rng.random() < zero_share else self.rng.randint(lo, hi)
        for _ in range(10000):
            n = self.rng.randint(lo, hi)
            if n not in self.used:
                self.used.add(n)
                return n
        raise RuntimeError("number pool exhausted")

    def fits(self, numbers: list[int]) -> bool:
        """Claims computed numbers; False (claims nothing) if any repeats one already used."""
        if not self.distinct:
            return True
        if len(set(numbers)) != len(numbers) or any(n in self.used for n in numbers):
            return False
        self.used.update(numbers)
        return True


def _random_b(pool: _Pool, fmt: str, hi: int, zero_share: float) -> dict[CellKey, str]:
    result_rows = b_outcome_rows(fmt)
    org_cols = B_APPLICANT_COLS
    while True:
        snapshot = set(pool.used)
        cells: dict[tuple[str, str], int] = {}
        for row in result_rows:
            for col in org_cols:
                cells[row, col] = pool.draw(1, hi, zero_share)
        for col in org_cols:
            cells["total_processed", col] = sum(cells[r, col] for r in result_rows)
            cells["carried_over", col] = pool.draw(1, hi, zero_share) if pool.distinct else pool.draw(0, 3, 0.7)
            cells["carried_forward", col] = pool.draw(1, hi, zero_share) if pool.distinct else pool.draw(0, 3, 0.7)
            new = cells["total_processed", col] + cells["carried_forward", col] - cells["carried_over", col]
            if new < 0:  # carried over more than was handled: only possible with small values
                cells["carried_over", col] += new
                new = 0
            cells["new_received", col] = new
        for row in b_rows(fmt):
            cells[row, "total"] = sum(cells[row, c] for c in org_cols)
        computed_rows = ["total_processed", "new_received"]
        computed = [cells[r, c] for r in computed_rows for c in org_cols]
        computed += [cells[r, "total"] for r in b_rows(fmt)]
        if pool.fits(computed):
            return {("B", r, c): str(v) for (r, c), v in cells.items()}
        pool.used = snapshot


def _random_c(pool: _Pool, zero_share: float) -> dict[CellKey, str]:
    while True:
        snapshot = set(pool.used)
        cells = {}
        for row in C_ROWS:
            parts = [pool.draw(1, 99, zero_share) for _ in C_COLS[:-1]]
            cells.update({("C", row, col): v for col, v in zip(C_COLS, parts)})
            cells["C", row, "total"] = sum(parts)
        if pool.fits([cells["C", r, "total"] for r in C_ROWS]):
            return {k: str(v) for k, v in cells.items()}
        pool.used = snapshot


def _random_a(pool: _Pool, fmt: str, rng: random.Random, zero_share: float) -> dict[CellKey, str]:
    values: dict[CellKey, str] = {}
    for key in a_keys(fmt):
        _, row, col = key
        if row == "regulations" and not pool.distinct:
            values[key] = "0"  # a township makes no 规章 (rule 9)
        elif col == "amount":
            values[key] = f"{pool.draw(1, 99999, zero_share) / 10000:.4f}" if pool.distinct or rng.random() > zero_share else "0"
        elif col == "procurement_amount":
            n = pool.draw(1000, 9999999, zero_share)
            values[key] = f"{n / 10000:.4f}" if n else "0"
        elif col == "change":
            n = pool.draw(1, 999 if pool.distinct else 20, zero_share)
            values[key] = "0" if n == 0 else (f"+{n}" if rng.random() < 0.5 else f"-{n}")
        else:
            values[key] = str(pool.draw(1, 4999 if pool.distinct else 60, zero_share))
    return values


def random_agency(rng: random.Random, admin_level: str = "乡镇") -> str:
    if admin_level == "市级":
        return rng.choice(_CITIES) + "人民政府"
    return rng.choice(_COUNTIES) + rng.choice(_PLACES) + rng.choice(_LEVEL_SUFFIX.get(admin_level, ["人民政府"]))


def random_spec(rng: random.Random, *, distinct: bool = True, format_a: str | None = None,
                format_b: str | None = None, year: int | None = None, admin_level: str | None = None,
                agency: str | None = None) -> ReportSpec:
    """A consistent report: rules 1–4 of format.md §6 hold in Tables B and C.

    With `distinct=True` every numeric cell of the three tables holds a different number (Table A
    values up to 4999, Table B outcome cells up to 999, Table C parts up to 99), so a shifted cell cannot pass for the right one.
    Otherwise the values look like a township's: mostly zeros and small counts.
    Deterministic for a given `rng` state.
    """
    year = year if year is not None else rng.randint(2019, 2025)
    default_fmt = "2021" if year >= 2021 else "2019"
    format_a = format_a or default_fmt
    format_b = format_b or default_fmt
    # Only provincial and 设区的市 governments make 规章 (format.md §6 rule 9): a report with a number
    # in every cell is a city government's.
    admin_level = admin_level or ("市级" if distinct else rng.choice(["乡镇", "乡镇", "街道", "部门"]))
    agency = agency or random_agency(rng, admin_level)
    pool = _Pool(rng, distinct)
    zero_share = 0.0 if distinct else 0.8
    values: dict[CellKey, str] = {}
    values.update(_random_a(pool, format_a, rng, zero_share))
    values.update(_random_b(pool, format_b, hi=999 if distinct else 5, zero_share=zero_share))
    values.update(_random_c(pool, zero_share))
    spec = ReportSpec(agency, year, admin_level, format_a, format_b, values)
    spec.prose = seed_prose(spec, rng)
    return spec


def continue_from(previous: ReportSpec, spec: ReportSpec) -> ReportSpec:
    """`spec` as the next year's report of the organ that wrote `previous` (format.md §6 rules 6–8).

    Table B's 二、上年结转 takes the previous 四、结转下年度 (本年新收 adjusts so that rule 1 still holds;
    where it would go negative, 结转下年度 grows instead); with the 2021 Table A on both sides, 现行有效件数 =
    last year's + 制发 − 废止; with the 2019 Table A on both sides, 上一年项目数量 = last year's + 增/减.
    The prose is written again from the new numbers.
    """
    out = copy.deepcopy(spec)
    v = out.values
    for col in B_APPLICANT_COLS:
        before = _int(previous, ("B", "carried_forward", col))
        if before is None or ("B", "carried_over", col) not in v:
            continue
        handled = int(v["B", "total_processed", col])
        forward = int(v["B", "carried_forward", col])
        new = handled + forward - before
        if new < 0:
            forward, new = forward - new, 0
        v["B", "carried_over", col], v["B", "carried_forward", col] = str(before), str(forward)
        v["B", "new_received", col] = str(new)
    for row in b_rows(out.format_b):
        parts = [v.get(("B", row, c)) for c in B_APPLICANT_COLS]
        if all(p is not None for p in parts):
            v["B", row, "total"] = str(sum(int(p) for p in parts))
    if previous.format_a == out.format_a == "2021":
        for row in (row for row, cols in A_LAYOUT["2021"].items() if "in_force" in cols):
            stock = _int(previous, ("A", row, "in_force"))
            issued, repealed = _int(out, ("A", row, "issued")), _int(out, ("A", row, "repealed"))
            if None not in (stock, issued, repealed):
                repealed = min(repealed, stock)
                v["A", row, "repealed"], v["A", row, "in_force"] = str(repealed), str(stock + issued - repealed)
    elif previous.format_a == out.format_a == "2019":
        for row, cols in A_LAYOUT["2019"].items():
            if "prev_year_items" in cols and "change" in cols:
                base, change = _int(previous, ("A", row, "prev_year_items")), _int(previous, ("A", row, "change"))
                if base is not None and change is not None and base + change >= 0:
                    v["A", row, "prev_year_items"] = str(base + change)
    out.prose = seed_prose(out, random.Random(out.year * 7 + 3))
    return out
