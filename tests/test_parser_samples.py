"""Excerpts of real reports from real portals, with cell values read by hand (tests/data/real_samples).

Every cell the reader marked certain must come out with that value; cells the reader could not place
(certain: false) must not come out as certain numbers that disagree with what is printed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.parser import parse_text
from sample_keys import expected_value, keys_for

SAMPLES = sorted((Path(__file__).parent / "data" / "real_samples").glob("*.json"))
WITH_CELLS = [p for p in SAMPLES if json.loads(p.read_text(encoding="utf-8"))["cells"]]


def _load(path: Path) -> tuple[dict, dict]:
    sample = json.loads(path.read_text(encoding="utf-8"))
    return sample, parse_text(sample["excerpt"])


@pytest.mark.parametrize("path", WITH_CELLS, ids=lambda p: p.stem)
def test_certain_cells_come_out_right(path):
    sample, result = _load(path)
    got = {(c["table"], c["row"], c["col"]): c for c in result["cells"]}
    wrong = []
    for cell in sample["cells"]:
        if not cell["certain"]:
            continue
        for key in keys_for(cell):
            g = got.get(key)
            if g is None or not g["certain"] or g["value"] != expected_value(cell):
                wrong.append((key, expected_value(cell), g and (g["raw"], g["value"], g["note"])))
    assert wrong == []


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_every_sample_is_a_report(path):
    sample, result = _load(path)
    assert result["is_report"] is (not sample["is_negative_case"])


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_year(path):
    sample, result = _load(path)
    assert result["year"] == sample["year"]["value"]


def test_signed_value_in_a_count_column_is_not_taken_as_a_count():
    # R:016: "+22" printed in 上一年项目数量 of 其他对外管理服务事项 - the columns are probably shifted.
    _, result = _load(Path(__file__).parent / "data" / "real_samples" / "016.json")
    cell = next(c for c in result["cells"] if (c["row"], c["col"]) == ("other_services", "prev_year_items"))
    assert (cell["value"], cell["certain"]) == (None, False)


def test_double_minus_change_is_negative():
    _, result = _load(Path(__file__).parent / "data" / "real_samples" / "016.json")
    cell = next(c for c in result["cells"] if (c["row"], c["col"]) == ("penalty", "change"))
    assert cell["value"] == -253


def test_unit_inside_a_money_cell_is_read():
    _, result = _load(Path(__file__).parent / "data" / "real_samples" / "016.json")
    cell = next(c for c in result["cells"] if c["col"] == "procurement_amount")
    assert (cell["raw"].strip(), cell["value"]) == ("103.3879万元", 103.3879)


def test_traditional_characters_are_read():
    sample, result = _load(Path(__file__).parent / "data" / "real_samples" / "047.json")
    fees = next(c for c in result["cells"] if (c["row"], c["col"]) == ("fees", "amount"))
    assert (result["format_version"]["A"], fees["value"]) == ("2021", 26.55)


def test_2019_table_in_a_2023_report_is_recognised_as_2019():
    _, result = _load(Path(__file__).parent / "data" / "real_samples" / "007.json")
    assert result["format_version"]["A"] == "2019"


def test_township_with_regulations_fails_rule_9():
    # R:006: a 镇 reports 6 规章 in force; only provincial and 设区的市 governments make 规章.
    _, result = _load(Path(__file__).parent / "data" / "real_samples" / "006.json")
    rule9 = next(c for c in result["checks"] if c["rule"] == "9")
    assert rule9["status"] in ("fail", "not_assessable") and "in_force=6" in rule9["detail"]


def test_narrative_count_disagreeing_with_table_fails_rule_10():
    # R:031: the text says 受理…申请2件, the table says 本年新收 3.
    _, result = _load(Path(__file__).parent / "data" / "real_samples" / "031.json")
    rule10 = next(c for c in result["checks"] if c["rule"] == "10")
    assert (rule10["status"], rule10["detail"]) == ("fail", "text says 2 new applications (“共受理政府信息公开申请2件”), table says 3")
