"""What real reports look like once an extractor has read them, as opposed to the farm's clean renderings.

Each case is something seen on real files (issue #13): a small realistic fixture — text under
tests/fixtures/parser/, or a PDF/DOCX generated here with reportlab/python-docx and read by the real
extractor — and the exact values, sections or reasons the parser must give for it.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from pipeline.extract import extract_bytes
from pipeline.parser import parse_document, parse_text
from pipeline.rows import rows_from_document

FIXTURES = Path(__file__).parent / "fixtures" / "parser"
ALL_SECTIONS = ["overview", "active_disclosure", "applications", "review_litigation", "problems", "other"]


def parse_fixture(name: str) -> dict:
    return parse_text((FIXTURES / name).read_text(encoding="utf-8"))


def cells_of(result: dict, table: str | None = None, row: str | None = None) -> dict:
    return {(c["table"], c["row"], c["col"]): c for c in result["cells"]
            if (table is None or c["table"] == table) and (row is None or c["row"] == row)}


def check(result: dict, rule: str) -> dict:
    return next(c for c in result["checks"] if c["rule"] == rule)


# ---- a realistic text PDF: running header, page numbers, justified prose, headings on their own lines ---------

B_LABELS_2021 = [
    "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "（一）予以公开", "（二）部分公开",
    "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
    "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项",
    "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确",
    "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息", "1.申请人逾期不补正", "2.申请人逾期未缴纳费用", "3.其他",
    "（七）总计", "四、结转下年度继续办理",
]
NEW_95 = ["90", "3", "1", "0", "0", "1", "95"]
ZEROS = ["0"] * 7


class TextPdf:
    """A district government's report as its office prints it to PDF: a running header and a page number on
    every page, prose justified to both margins, first lines indented, headings at the left margin, and
    Table B with ruling lines."""

    def __init__(self, font: str, font_file: str | None = None):
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfgen import canvas

        if font_file:
            from reportlab.pdfbase.ttfonts import TTFont

            pdfmetrics.registerFont(TTFont(font, font_file, subfontIndex=0))
        else:
            from reportlab.pdfbase.cidfonts import UnicodeCIDFont

            pdfmetrics.registerFont(UnicodeCIDFont(font))
        self.metrics, self.font = pdfmetrics, font
        self.width, self.height = A4
        self.left, self.right, self.size = 90, A4[0] - 90, 16
        self.per_line = int((self.right - self.left) // self.size)
        self.buffer = io.BytesIO()
        self.canvas = canvas.Canvas(self.buffer, pagesize=A4)
        self.page, self.y = 0, 0.0
        self.new_page()

    def new_page(self) -> None:
        if self.page:
            self._footer()
            self.canvas.showPage()
        self.page += 1
        c = self.canvas
        c.setFont(self.font, 9)
        c.drawString(self.left, self.height - 50, "某某区人民政府2023年政府信息公开工作年度报告")
        c.line(self.left, self.height - 54, self.right, self.height - 54)
        self.y = self.height - 100

    def _footer(self) -> None:
        self.canvas.setFont(self.font, 10)
        self.canvas.drawCentredString(self.width / 2, 50, f"— {self.page} —")

    def _line(self, x: float, text: str, justify: bool, size: float | None = None) -> None:
        size = size or self.size
        t = self.canvas.beginText(x, self.y)
        t.setFont(self.font, size)
        if justify and len(text) > 1:
            t.setCharSpace((self.right - x - self.metrics.stringWidth(text, self.font, size)) / (len(text) - 1))
        t.textOut(text)
        self.canvas.drawText(t)
        self.y -= 28

    def heading(self, text: str) -> None:
        self._line(self.left, text, False)

    def paragraph(self, text: str, fill_last_line: bool = False) -> None:
        """Indented by two characters; with `fill_last_line` the text is padded so that its last line, like the
        others, runs to the right margin (as it does whenever the text happens to have that length)."""
        first = self.per_line - 2
        if fill_last_line:
            filler = "我们将持续深化政务公开工作，切实保障人民群众的知情权、参与权、表达权和监督权。"
            i = 0
            while (len(text) - first) % self.per_line:
                text = text[:-1] + filler[i % len(filler)] + text[-1]
                i += 1
        chunks = [text[:first]] + [text[k:k + self.per_line] for k in range(first, len(text), self.per_line)]
        for n, chunk in enumerate(chunks):
            self._line(self.left + (2 * self.size if n == 0 else 0), chunk, n < len(chunks) - 1 or fill_last_line)

    def table(self, header: list[str] | None, rows: list[tuple[str, list[str]]], ruled: bool = True) -> None:
        """Table B's columns: ruled (a cell per box), or without lines (cells placed by position only)."""
        c, h = self.canvas, 15
        widths = [170] + [(self.right - self.left + 40 - 170) / 7] * 7
        xs = [self.left - 20]
        for w in widths:
            xs.append(xs[-1] + w)
        top = self.y + 10
        lines = ([("申请人情况", header)] if header else []) + list(rows)
        for r, (label, values) in enumerate(lines):
            y = top - (r + 1) * h
            for k, text in enumerate([label, *values]):
                c.setFont(self.font, 6.5)
                c.drawString(xs[k] + 2, y + 4, text)
        bottom = top - len(lines) * h
        if ruled:
            for r in range(len(lines) + 1):
                c.line(xs[0], top - r * h, xs[-1], top - r * h)
            for x in xs:
                c.line(x, top, x, bottom)
        self.y = bottom - 30

    def bytes(self) -> bytes:
        self._footer()
        self.canvas.save()
        return self.buffer.getvalue()


def district_report_pdf(font: str, font_file: str | None, one: str, two: str, six: str) -> bytes:
    """The 2023 report of issue #13: the text says 受理政府信息公开申请 17 件, Table B says 95."""
    pdf = TextPdf(font, font_file)
    pdf.paragraph("本报告依据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》编制。"
                  "本报告所列数据统计期限为2023年1月1日至2023年12月31日止。", fill_last_line=True)
    pdf.heading(one)
    pdf.paragraph("2023年，某某区人民政府认真贯彻落实《条例》，全年受理政府信息公开申请 17 件，均在法定期限内答复。",
                  fill_last_line=True)
    pdf.heading(two)
    pdf.paragraph("全年主动公开政府信息1200条，其中规范性文件12件。")
    pdf.new_page()
    pdf.heading("三、收到和处理政府信息公开申请情况")
    values = {0: NEW_95, 2: NEW_95, 23: NEW_95}
    pdf.table(["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"],
              [(label, values.get(i, ZEROS)) for i, label in enumerate(B_LABELS_2021)])
    pdf.heading("五、存在的主要问题及改进情况")
    pdf.paragraph("一是公开质量有待提高，二是工作人员业务能力有待加强。下一步我们将继续加强培训，提升水平。",
                  fill_last_line=True)
    pdf.heading(six)
    pdf.paragraph("本机关未收取信息处理费。")
    return pdf.bytes()


WQY = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"  # installed by scripts/install-system-deps.sh


@pytest.fixture(scope="module")
def kangxi_pdf():
    """The text layer maps the glyphs of 一 and 二 to the Kangxi radicals ⼀ U+2F00 and ⼆ U+2F06 (as Word/WPS
    exports with some 黑体 fonts do); 六 is printed with a full-width stop, 六．, which the PDF line joiner does not
    take for a heading either. All three headings follow a line that runs to the right margin."""
    if not os.path.exists(WQY):
        pytest.skip("WenQuanYi Zen Hei not installed")
    return extract_bytes(district_report_pdf("WQY", WQY, "⼀、总体情况", "⼆、主动公开政府信息情况", "六．其他需要报告的事项"),
                         "report.pdf")


@pytest.fixture(scope="module")
def stop_pdf():
    """The same with a built-in CID font (no font file needed): headings numbered 一． 二． 六．."""
    return extract_bytes(district_report_pdf("STSong-Light", None, "一．总体情况", "二．主动公开政府信息情况",
                                             "六．其他需要报告的事项"), "report.pdf")


def test_the_pdf_joiner_keeps_kangxi_headings_on_their_own(kangxi_pdf):
    # What hid them: the PDF paragraph joiner did not see ⼀ (U+2F00, printed by some 黑体 fonts for 一) as a
    # heading and glued it to the end of the paragraph before it. It now tests headings on NFKC text.
    rows = [r.cells[0].text for r in rows_from_document(kangxi_pdf) if not r.is_table]
    assert "⼀、总体情况" in rows and "⼆、主动公开政府信息情况" in rows
    assert not any(text.endswith("。⼀、总体情况") for text in rows)


@pytest.mark.parametrize("pdf", ["kangxi_pdf", "stop_pdf"])
def test_pdf_headings_are_found_wherever_the_joiner_left_them(pdf, request):
    result = parse_document(request.getfixturevalue(pdf))
    assert list(result["sections"]) == ["overview", "active_disclosure", "applications", "problems", "other"]
    assert result["sections"]["overview"].startswith("2023年，某某区人民政府认真贯彻落实《条例》，全年受理政府信息公开申请 17 件")
    assert result["sections"]["other"] == "本机关未收取信息处理费。"


@pytest.mark.parametrize("pdf", ["kangxi_pdf", "stop_pdf"])
def test_pdf_narrative_contradicting_table_b_is_flagged(pdf, request):
    result = parse_document(request.getfixturevalue(pdf))
    assert cells_of(result, "B")[("B", "new_received", "total")]["value"] == 95
    assert check(result, "10") == {
        "rule": "10", "name": "narrative_vs_table", "soft": True, "status": "fail",
        "detail": "text says 17 new applications (“受理政府信息公开申请17件”), table says 95"}


# ---- sections in every layout -------------------------------------------------------------------------------

@pytest.mark.parametrize("name,sections,first_words", [
    ("headings_run_in.txt", ALL_SECTIONS, {"overview": "2023年，某某镇坚持", "active_disclosure": "全年通过政府网站",
                                           "review_litigation": "本年度未发生", "other": "本机关未收取信息处理费。"}),
    ("headings_split_over_pages.txt", ALL_SECTIONS, {"active_disclosure": "全年主动公开政府信息980条。",
                                                     "applications": "详见下表。", "review_litigation": "本年度未发生",
                                                     "other": "无。"}),
    ("headings_traditional.txt", ALL_SECTIONS, {"overview": "2022年，我局共受理", "other": "無。"}),
    ("headings_paren_numbered.txt", ALL_SECTIONS, {"overview": "1.主动公开情况。", "active_disclosure": "全年制发"}),
    ("headings_arabic_numbered.txt", ALL_SECTIONS, {"overview": "全年主动公开政府信息85条。", "other": "无。"}),
    # The parts listed in the opening and a table of contents are not the headings.
    ("headings_listed_in_the_opening.txt", ALL_SECTIONS[:2], {"overview": "全年主动公开政府信息46条。",
                                                               "active_disclosure": "全年制发行政规范性文件0件。"}),
])
def test_sections_in_every_layout(name, sections, first_words):
    result = parse_fixture(name)
    assert list(result["sections"]) == sections
    for key, words in first_words.items():
        assert result["sections"][key].startswith(words), (key, result["sections"][key])


def test_subsections_of_the_overview_are_not_sections():
    # "（一）主动公开情况" / "2.依申请公开情况" under 一、总体情况 name topics of sections 二 and 三 but are not them.
    result = parse_fixture("headings_paren_numbered.txt")
    assert "2.依申请公开情况。全年收到政府信息公开申请1件。" in result["sections"]["overview"]


def _docx_with_headings_in_cells() -> bytes:
    """A report laid out in a one-column table (as some portals' Word files are), Table B a real table inside."""
    import docx

    document = docx.Document()
    document.add_paragraph("某某乡人民政府2024年政府信息公开工作年度报告")
    layout = document.add_table(rows=0, cols=1)
    for text in ["一、总体情况", "2024年，某某乡收到政府信息公开申请2件，均已按期答复。", "二、主动公开政府信息情况",
                 "全年主动公开政府信息88条。", "三、收到和处理政府信息公开申请情况"]:
        layout.add_row().cells[0].text = text
    table = document.add_table(rows=0, cols=8)
    header = table.add_row().cells
    for k, text in enumerate(["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "自然人", "商业企业", "科研机构",
                              "社会公益组织", "法律服务机构", "其他", "总计"]):
        header[k].text = text
    row = table.add_row().cells
    for k, text in enumerate(["一、本年新收政府信息公开申请数量", "2", "0", "0", "0", "0", "0", "2"]):
        row[k].text = text
    tail = document.add_table(rows=0, cols=1)
    for text in ["四、政府信息公开行政复议、行政诉讼情况", "本年度无行政复议、行政诉讼。", "五、存在的主要问题及改进情况",
                 "信息更新不够及时。", "六、其他需要报告的事项", "无。"]:
        tail.add_row().cells[0].text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_headings_inside_table_cells():
    result = parse_document(extract_bytes(_docx_with_headings_in_cells(), "report.docx"))
    assert list(result["sections"]) == ALL_SECTIONS
    assert result["sections"]["other"] == "无。"
    assert cells_of(result, "B")[("B", "new_received", "total")]["value"] == 2
    assert check(result, "10")["status"] == "pass"


# ---- narrative figures (rule 10) ------------------------------------------------------------------------------

def test_every_narrative_phrasing_is_read_and_agrees():
    rule = check(parse_fixture("narrative_phrasings.txt"), "10")
    assert rule["status"] == "pass"
    assert rule["detail"] == (
        "16 narrative figures hold: applications from natural persons “自然人申请89件”; "
        "applications from organisations “法人或其他组织申请6件”; new applications “共受理政府信息公开申请95件”; "
        "carried over “上年度转结申请8件”; carried forward “5件申请转结下年”; "
        "applications answered “答复政府信息公开申请98件”; granted and partly granted “予以公开及部分公开的42件”; "
        "refused “不予公开的1件”; unable to provide “无法提供的49件”; not processed “不予处理0件”; "
        "otherwise processed “其他处理6件”; administrative reviews “行政复议2件”; lawsuits “行政诉讼1件”; "
        "normative documents issued “制定发布行政规范性文件4件”; normative documents repealed “清理废止文件1件”; "
        "normative documents in force “现行有效文件20件”")


def test_a_narrative_mismatch_is_a_soft_failure_with_both_numbers():
    rule = check(parse_fixture("narrative_mismatch.txt"), "10")
    assert (rule["soft"], rule["status"]) == (True, "fail")
    assert rule["detail"] == "text says 17 new applications (“共受理政府信息公开申请17件”), table says 95"


@pytest.mark.parametrize("sentence,figures", [
    ("2024年全区共收到依申请公开件30件，上年度结转办理件1件，共办结24件，结转到2025年办理7件。",
     [("new applications", 30), ("carried over", 1), ("carried forward", 7), ("applications answered", 24)]),
    ("全年共受理依申请公开事项133件。其中，予以公开46件，部分公开22件，不予公开15件，无法提供27件，不予处理0件，"
     "逾期未补正2件，其他处理5件，结转下年度继续办理16件。",
     [("new applications", 133), ("carried forward", 16), ("granted", 46), ("partly granted", 22), ("refused", 15),
      ("unable to provide", 27), ("not processed", 0), ("overdue corrections", 2), ("otherwise processed", 5)]),
    ("2024年，永安镇未收到政府信息公开申请。", [("new applications", 0)]),
    ("全年收到政府信息公开申请10件（含上年结转2件）。", [("new applications", 10), ("carried over", 2)]),
])
def test_narrative_figures_from_real_phrasings(sentence, figures):
    from pipeline.checks import narrative_figures

    assert [(what, n) for what, n, _, _ in narrative_figures(sentence)] == figures


def test_a_total_that_includes_the_carried_over_is_compared_with_both():
    from pipeline.checks import narrative_figures

    (_, _, _, cells), _ = narrative_figures("全年收到政府信息公开申请10件（含上年结转2件）。")
    assert cells == [("B", "new_received", "total"), ("B", "carried_over", "total")]


def test_figures_outside_the_application_paragraphs_are_not_outcomes():
    from pipeline.checks import narrative_figures

    assert narrative_figures("全年主动公开政府信息1200条，予以公开文件12件。") == []


# ---- not a report -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,reason", [
    ("blank_template.txt", "a blank template of the report form, not a report: the title names a template "
                           "(政府信息公开工作年度报告格式模板); placeholder text (文字描述); no organ named; no year; "
                           "no number in any table cell"),
    ("interpretation.txt", "an explanation (解读) of a report, not the report itself"),
    ("notice.txt", "a notice about annual reports, not a report"),
    ("collection_two_organs.txt", "a collection of 2 organs' reports in one file, not one report: "
                                  "某某区教育局（2023）、某某区卫生健康局（2023）"),
])
def test_not_a_report(name, reason):
    result = parse_fixture(name)
    assert (result["is_report"], result["not_report_reason"], result["cells"], result["checks"]) == (False, reason, [], [])


def test_one_report_whose_title_is_printed_again_in_short_is_not_a_collection():
    text = (FIXTURES / "narrative_phrasings.txt").read_text(encoding="utf-8")
    text = text.replace("三、收到和处理政府信息公开申请情况\n", "三、收到和处理政府信息公开申请情况\n某某市政府办2024年政府信息公开工作年度报告\n"
                        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\n")
    assert parse_text(text)["is_report"] is True


def test_a_report_with_blank_tables_is_still_a_report():
    # Blank tables alone do not make a template: a named organ and a year make it a (poor) report.
    text = (FIXTURES / "blank_template.txt").read_text(encoding="utf-8")
    text = text.replace("政府信息公开工作年度报告格式模板", "某某镇人民政府2023年政府信息公开工作年度报告").replace("（文字描述）", "无。")
    assert parse_text(text)["is_report"] is True


# ---- row labels as printed ------------------------------------------------------------------------------------

def test_hubei_labels_with_explanations():
    result = parse_fixture("hubei_2019_table_a.txt")
    a = cells_of(result, "A")
    assert {k[1:]: c["value"] for k, c in a.items()} == {
        ("regulations", "made"): 0, ("regulations", "published"): 0, ("regulations", "total_published"): 0,
        ("normative_documents", "made"): 34, ("normative_documents", "published"): 4,
        ("normative_documents", "total_published"): 47,
        ("licensing", "prev_year_items"): 63, ("licensing", "change"): 2, ("licensing", "decisions"): 1024,
        ("other_services", "prev_year_items"): 12, ("other_services", "change"): 0, ("other_services", "decisions"): 88}
    assert all(c["certain"] for c in a.values())
    assert a[("A", "regulations", "made")]["note"] == "label printed as “规章（设区的市、自治州人民政府应提供相关数据）”"
    assert a[("A", "normative_documents", "made")]["note"].startswith("label printed as “规范性文件（行政机关制定发布的决定")
    # The province's extra row 其他主动公开文件 (120 118 560) is not a row of the form: none of its values is taken.
    assert not {c["raw"] for c in result["cells"]} & {"120", "118", "560"}


def test_label_typo_and_label_split_over_lines():
    result = parse_fixture("labels_split_and_typo.txt")
    nd = cells_of(result, "A", "normative_documents")
    assert [(c["value"], c["certain"], c["note"]) for c in nd.values()] == [(2, True, "label printed as “行政规范 / 性文件”"),
                                                                           (1, True, "label printed as “行政规范 / 性文件”"),
                                                                           (9, True, "label printed as “行政规范 / 性文件”")]
    law = cells_of(result, "B", "denied.law_forbidden")
    assert [c["value"] for c in law.values()] == [1, 0, 0, 0, 0, 0, 1]
    assert {c["note"] for c in law.values()} == {"label printed as “2.其他法律行政止公开”"}
    assert result["format_version"]["A"] == "2021"  # 本年度止件数 is the 2021 header 本年废止件数 misprinted


# ---- fragments --------------------------------------------------------------------------------------------------

def test_flip_book_page_with_only_the_last_row_of_table_b():
    result = parse_fixture("flipbook_page_last_row_of_table_b.txt")
    assert {k[2]: (c["value"], c["certain"]) for k, c in cells_of(result, "B").items()} == {
        col: (0, True) for col in ["natural_person", "commercial", "research", "social_welfare", "legal_service",
                                   "other_org", "total"]}
    assert {k[1] for k in cells_of(result, "B")} == {"carried_forward"}
    assert "rows without the table's header: placed by their labels" in result["tables"]["B"]["notes"]
    assert result["tables"]["C"]["cells"] == 15


def test_a_table_b_row_label_in_prose_is_not_a_fragment():
    text = "某某镇2023年政府信息公开工作年度报告\n一、总体情况\n另有5件申请结转下年度继续办理，均已告知申请人。\n"
    assert parse_text(text)["tables"]["B"]["found"] is False


def test_table_row_broken_by_a_page_in_a_text_copy():
    result = parse_fixture("table_row_broken_by_a_page.txt")
    assert [c["value"] for c in cells_of(result, "B", "new_received").values()] == [80, 3, 1, 0, 0, 1, 85]
    assert all(c["certain"] for c in result["cells"])


# ---- blank cells ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["blank_last_cell_pipe_row.txt", "blank_cell_per_line_pipes.txt", "blank_row_ends_early.txt"])
def test_blank_last_cell_is_placed_by_the_printed_layout(name):
    regs = cells_of(parse_fixture(name), "A", "regulations")
    assert [(c["value"], c["semantic"], c["certain"]) for c in regs.values()] == [
        (0, "ZERO", True), (0, "ZERO", True), (None, "EMPTY", True)]


def test_a_row_that_ends_early_says_so():
    regs = cells_of(parse_fixture("blank_row_ends_early.txt"), "A", "regulations")
    assert regs[("A", "regulations", "in_force")]["note"] == "not printed: the row ends before this column"


def test_blank_stays_uncertain_where_the_layout_allows_two_readings():
    # "规章 0 0" joined by spaces (a PDF text layer): the blank may be any of the three columns.
    regs = cells_of(parse_fixture("blank_space_joined.txt"), "A", "regulations")
    assert [(c["value"], c["certain"]) for c in regs.values()] == [(None, False)] * 3


def test_a_text_cut_off_inside_a_row_does_not_invent_blanks():
    text = (FIXTURES / "blank_last_cell_pipe_row.txt").read_text(encoding="utf-8").split("\n行政规范性文件")[0]
    text = text.replace("规章 | 0 | 0 | |", "规章 | 0 | 0")
    regs = cells_of(parse_text(text), "A", "regulations")
    assert ("A", "regulations", "in_force") not in regs
    assert [c["value"] for c in regs.values()] == [0, 0]


# ---- tables in PDFs: drawn without ruling lines, broken by a page ------------------------------------------------

APPLICANTS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]


def _table_b_pdf(pages: list[list[tuple[str, list[str]]]], ruled: bool) -> bytes:
    pdf = TextPdf("STSong-Light")
    pdf.heading("三、收到和处理政府信息公开申请情况")
    for n, rows in enumerate(pages):
        if n:
            pdf.new_page()
        pdf.table(APPLICANTS if n == 0 else None, rows, ruled=ruled)
    pdf.heading("四、政府信息公开行政复议、行政诉讼情况")
    return pdf.bytes()


def test_table_without_ruling_lines_keeps_its_blank_cells():
    # The row 二、上年结转 prints nothing under 科研机构: by the words' positions the blank is that column.
    pdf = _table_b_pdf([[("一、本年新收政府信息公开申请数量", ["80", "3", "1", "0", "0", "1", "85"]),
                         ("二、上年结转政府信息公开申请数量", ["2", "0", "", "0", "0", "0", "2"])]], ruled=False)
    doc = extract_bytes(pdf, "report.pdf")
    assert any(b.type == "table" for b in doc.blocks)
    b = cells_of(parse_document(doc), "B")
    assert [b[("B", "carried_over", col)]["value"] for col in
            ["natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total"]] == \
        [2, 0, None, 0, 0, 0, 2]
    assert all(c["certain"] for c in b.values())
    assert b[("B", "carried_over", "research")]["semantic"] == "EMPTY"


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "without lines"])
def test_table_continued_on_the_next_page_under_a_running_header(ruled):
    pdf = _table_b_pdf([[("一、本年新收政府信息公开申请数量", NEW_95)],
                        [("二、上年结转政府信息公开申请数量", ["1", "0", "0", "0", "0", "0", "1"]), ("（一）予以公开", NEW_95)]],
                       ruled=ruled)
    doc = extract_bytes(pdf, "report.pdf")
    assert sum(1 for b in doc.blocks if b.type == "table") == 1  # stitched: the running header did not stop it
    b = cells_of(parse_document(doc), "B")
    assert [b[("B", row, "total")]["value"] for row in ("new_received", "carried_over", "granted")] == [95, 1, 95]


def test_table_row_broken_by_a_page():
    # The label of 二、上年结转 at the foot of page 1, the end of the label and the values atop page 2.
    pdf = _table_b_pdf([[("一、本年新收政府信息公开申请数量", NEW_95), ("二、上年结转政府信息公开申请", [""] * 7)],
                        [("数量", ["1", "0", "0", "0", "0", "0", "1"]), ("（一）予以公开", NEW_95)]], ruled=True)
    doc = extract_bytes(pdf, "report.pdf")
    result = parse_document(doc)
    b = cells_of(result, "B")
    assert [b[("B", "carried_over", col)]["value"] for col in ["natural_person", "total"]] == [1, 1]
    assert [b[("B", "granted", col)]["value"] for col in ["natural_person", "total"]] == [90, 95]
    assert all(c["certain"] for c in result["cells"])


# ---- page furniture inside tables, in every text layout ---------------------------------------------------------

def test_page_numbers_and_running_headers_inside_tables_change_no_value():
    """Text copies of paged reports keep "— 2 —" and the running header wherever a page broke, often inside a
    table. In every layout they must neither shift a value nor lose one that is read without them."""
    import random

    from test_parser_layouts import LAYOUTS, _case, export

    wrong, lost = [], []
    for seed in range(15):
        spec, doc = _case(seed)
        truth = {k: spec.value(*k).strip() for k in spec.keys()}
        for layout in LAYOUTS:
            lines, rng, paged = export(doc, layout).split("\n"), random.Random(seed), []
            for i, line in enumerate(lines):
                paged.append(line)
                if i > 5 and rng.random() < 0.05:
                    paged += [f"— {rng.randint(2, 9)} —", "某某镇2024年政府信息公开工作年度报告"]
            plain = {(c["table"], c["row"], c["col"]): c for c in parse_text("\n".join(lines))["cells"]}
            cells = {(c["table"], c["row"], c["col"]): c for c in parse_text("\n".join(paged))["cells"]}
            for k, v in truth.items():
                c = cells.get(k)
                if c and c["certain"] and c["raw"].strip() != v:
                    wrong.append((seed, layout, k, v, c["raw"]))
                if k in plain and plain[k]["certain"] and not (c and c["certain"]):
                    lost.append((seed, layout, k))
    assert (wrong, lost) == ([], [])
