"""Every table value of the five seed reports (real 2024 township reports as text exports), written out in full.

Rows are written as the report prints them; "·" is a blank cell, which must stay blank (not 0).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.parser import parse_text
from pipeline.form import B_COLS, B_ROWS, C_COLS, C_ROWS

SEEDS = Path(__file__).parent / "data" / "seeds"
Z7 = "0 0 0 0 0 0 0"


def _b(version: str, overrides: dict[str, str]) -> dict[str, str]:
    return {row: overrides.get(row, Z7) for row in B_ROWS[version]}


EXPECTED = {
    "000": {
        "format": {"A": "2021", "B": "2019", "C": "2019"},
        "A": {("regulations", "issued"): "0", ("regulations", "repealed"): "0", ("regulations", "in_force"): "0",
              ("normative_documents", "issued"): "0", ("normative_documents", "repealed"): "0",
              ("normative_documents", "in_force"): "0", ("licensing", "decisions"): "676",
              ("penalty", "decisions"): "31", ("coercion", "decisions"): "0", ("fees", "amount"): "0"},
        "B": _b("2019", {}),
        "C": {"review": "0 0 0 0 0", "litigation_direct": "0 0 0 0 0", "litigation_after_review": "0 0 0 0 0"},
    },
    "001": {
        "format": {"A": "2021", "B": "2021", "C": "2021"},
        "A": {("regulations", "issued"): "0", ("regulations", "repealed"): "0", ("regulations", "in_force"): "0",
              ("normative_documents", "issued"): "0", ("normative_documents", "repealed"): "0",
              ("normative_documents", "in_force"): "0", ("licensing", "decisions"): "0",
              ("penalty", "decisions"): "0", ("coercion", "decisions"): "0", ("fees", "amount"): "0"},
        "B": _b("2021", {"new_received": "3 0 0 0 0 0 3", "denied.state_secret": "3 0 0 0 0 0 3",
                         "total_processed": "3 0 0 0 0 0 3"}),
        "C": {"review": "0 1 0 0 1", "litigation_direct": "0 0 0 0 0", "litigation_after_review": "0 0 0 0 0"},
    },
    "002": {
        "format": {"A": "2021", "B": "2021", "C": "2021"},
        "A": {("regulations", "issued"): "0", ("regulations", "repealed"): "0", ("regulations", "in_force"): "0",
              ("normative_documents", "issued"): "0", ("normative_documents", "repealed"): "0",
              ("normative_documents", "in_force"): "0", ("licensing", "decisions"): "0",
              ("penalty", "decisions"): "0", ("coercion", "decisions"): "0", ("fees", "amount"): "0"},
        "B": _b("2021", {}),
        "C": {"review": "0 0 0 0 0", "litigation_direct": "0 0 0 0 0", "litigation_after_review": "0 0 0 0 0"},
    },
    "003": {
        "format": {"A": "2021", "B": "2021", "C": "2021"},
        "A": {("regulations", "issued"): "0", ("regulations", "repealed"): "0", ("regulations", "in_force"): "0",
              ("normative_documents", "issued"): "0", ("normative_documents", "repealed"): "0",
              ("normative_documents", "in_force"): "0", ("licensing", "decisions"): "0",
              ("penalty", "decisions"): "3", ("coercion", "decisions"): "0", ("fees", "amount"): "0"},
        "B": _b("2021", {}),
        "C": {"review": "0 0 0 0 0", "litigation_direct": "0 0 0 0 0", "litigation_after_review": "0 0 0 0 0"},
    },
    "004": {
        "format": {"A": "2021", "B": "2021", "C": "2021"},
        "A": {("regulations", "issued"): "·", ("regulations", "repealed"): "·", ("regulations", "in_force"): "·",
              ("normative_documents", "issued"): "·", ("normative_documents", "repealed"): "·",
              ("normative_documents", "in_force"): "·", ("licensing", "decisions"): "0",
              ("penalty", "decisions"): "0", ("coercion", "decisions"): "0", ("fees", "amount"): "0"},
        "B": _b("2021", {"unable.no_info": "1 0 0 0 0 0 1", "carried_forward": "· · · · · · ·"}),
        "C": {"review": "0 0 0 0 0", "litigation_direct": "0 0 0 0 0", "litigation_after_review": "0 0 0 0 0"},
    },
}


def _expected_cells(seed: str) -> dict[tuple[str, str, str], str]:
    exp = EXPECTED[seed]
    cells = {("A", r, c): v for (r, c), v in exp["A"].items()}
    for row, line in exp["B"].items():
        cells.update({("B", row, col): v for col, v in zip(B_COLS, line.split(), strict=True)})
    for row in C_ROWS:
        cells.update({("C", row, col): v for col, v in zip(C_COLS, exp["C"][row].split(), strict=True)})
    return cells


@pytest.fixture(scope="module")
def parsed() -> dict[str, dict]:
    return {p.name[:3]: parse_text(p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))}


def _as_printed(cell: dict) -> str:
    if cell["semantic"] == "EMPTY":
        return "·"
    return str(cell["value"])


@pytest.mark.parametrize("seed", sorted(EXPECTED))
@pytest.mark.parametrize("table", ["A", "B", "C"])
def test_every_table_value(parsed, seed, table):
    got = {(c["table"], c["row"], c["col"]): _as_printed(c) for c in parsed[seed]["cells"] if c["table"] == table}
    want = {k: v for k, v in _expected_cells(seed).items() if k[0] == table}
    assert got == want


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_every_cell_is_certain(parsed, seed):
    assert [c for c in parsed[seed]["cells"] if not c["certain"]] == []


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_format_versions(parsed, seed):
    assert parsed[seed]["format_version"] == EXPECTED[seed]["format"]


def test_blank_cells_stay_blank_not_zero(parsed):
    blank = [c for c in parsed["004"]["cells"] if c["row"] == "carried_forward"]
    assert {(c["value"], c["semantic"]) for c in blank} == {(None, "EMPTY")}


@pytest.mark.parametrize(
    "seed,agency,year",
    [("000", "雷庄镇", 2024), ("001", "平原城乡一体化示范区祝楼乡", 2024), ("002", "孟津区城关镇人民政府", 2024),
     ("003", "白石山镇", 2024), ("004", "梁山县韩垓镇", 2024)],
)
def test_agency_and_year(parsed, seed, agency, year):
    assert (parsed[seed]["agency"], parsed[seed]["year"], parsed[seed]["admin_level"]) == (agency, year, "乡镇")


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_six_sections_found(parsed, seed):
    assert list(parsed[seed]["sections"]) == ["overview", "active_disclosure", "applications", "review_litigation",
                                               "problems", "other"]


def test_section_text_is_the_sections_own(parsed):
    assert parsed["002"]["sections"]["other"] == "本单位2024年度未收取政府信息公开信息处理费"


def _status(result: dict) -> dict[str, str]:
    return {c["rule"]: c["status"] for c in result["checks"]}


# How a careful reader judges each seed.
CHECKS = {
    "000": {"1": "pass", "2": "pass", "3": "pass", "4": "pass", "5": "pass", "9": "pass", "10": "pass",
            "13": "not_assessable", "14": "fail"},
    "001": {"1": "pass", "2": "pass", "3": "pass", "4": "pass", "5": "pass", "9": "pass", "10": "pass",
            "13": "not_assessable", "14": "pass"},
    "002": {"1": "pass", "2": "pass", "3": "pass", "4": "pass", "5": "pass", "9": "pass", "10": "pass",
            "13": "pass", "14": "pass"},
    "003": {"1": "pass", "2": "pass", "3": "pass", "4": "pass", "5": "pass", "9": "pass", "10": "pass",
            "13": "pass", "14": "pass"},
    # 004: 结转下年度 is blank (rule 1 can't be judged), 无法提供 1 is not in （七）总计 0, and the text says one
    # application came in while the table says none.
    "004": {"1": "not_assessable", "2": "fail", "3": "pass", "4": "pass", "5": "pass", "9": "not_assessable",
            "10": "fail", "13": "pass", "14": "pass"},
}


@pytest.mark.parametrize("seed", sorted(CHECKS))
def test_checks_as_a_careful_reader_judges(parsed, seed):
    assert _status(parsed[seed]) == CHECKS[seed]


def test_seed_004_rule_2_names_the_failing_columns(parsed):
    detail = next(c["detail"] for c in parsed["004"]["checks"] if c["rule"] == "2")
    assert "natural_person: 1 ≠ 0" in detail and "total: 1 ≠ 0" in detail


def test_seed_004_narrative_mismatch_is_explained(parsed):
    detail = next(c["detail"] for c in parsed["004"]["checks"] if c["rule"] == "10")
    # Each figure is stated with the phrase it was read from; 按时答复1件 is （七）总计, which the table gives as 0.
    assert detail == ("text says 1 new applications (“收到政府信息公开申请数1件”), table says 0; "
                      "text says 1 applications answered (“答复1件”), table says 0")
