"""Reading one printed cell: blank is not zero, signs and units are kept apart, odd digits are normalised."""

from __future__ import annotations

import pytest

from pipeline.values import norm, read_cell


@pytest.mark.parametrize(
    "raw,value,semantic",
    [
        ("0", 0, "ZERO"),
        (" 0 ", 0, "ZERO"),
        ("\u3000\u3000", None, "EMPTY"),
        ("", None, "EMPTY"),
        ("\u00a0", None, "EMPTY"),
        ("/", None, "NA"),
        ("—", None, "NA"),
        ("无", None, "NA"),
        ("３１", 31, "NUMERIC"),
        ("676", 676, "NUMERIC"),
        ("1,234", 1234, "NUMERIC"),
        ("+22", 22, "NUMERIC"),
        ("--253", -253, "NUMERIC"),
        ("減3", -3, "NUMERIC"),
        ("增5", 5, "NUMERIC"),
        ("103.3879万元", 103.3879, "NUMERIC"),
        ("251000元", 251000, "NUMERIC"),
        ("18.8710", 18.871, "NUMERIC"),
        ("3件", 3, "NUMERIC"),
        ("见附件", None, "TEXT"),
    ],
)
def test_read_cell(raw, value, semantic):
    cell = read_cell(raw)
    assert (cell.value, cell.semantic) == (value, semantic)


def test_unit_is_kept_aside():
    assert read_cell("251000元").unit == "元"


def test_sign_is_kept_aside():
    assert read_cell("+3").sign == "+"


def test_norm_makes_traditional_simple_and_full_width_ascii():
    assert norm("第二十條 第（五）項 行政許可") == "第二十条第(五)项行政许可"
