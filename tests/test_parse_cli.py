"""`nianbao parse FILE` as a person runs it: JSON out, and clear errors with non-zero exits for bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SEED = Path(__file__).parent / "data" / "seeds" / "001_d4ad013862f720be.txt"
NIANBAO = [sys.executable, "-m", "nianbao"]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*NIANBAO, "parse", *args], capture_output=True, text=True, timeout=120)


def test_text_report_prints_json():
    out = run(str(SEED))
    assert (out.returncode, json.loads(out.stdout)["agency"]) == (0, "平原城乡一体化示范区祝楼乡")


def test_cells_can_be_left_out():
    out = run(str(SEED), "--no-cells")
    assert "cells" not in json.loads(out.stdout)


def test_gbk_encoded_text_is_decoded(tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes(SEED.read_text(encoding="utf-8").encode("gb18030"))
    assert json.loads(run(str(path)).stdout)["year"] == 2024


def test_empty_file_is_refused_with_a_reason(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    out = run(str(path))
    assert (out.returncode, "empty file" in out.stderr, out.stdout) == (4, True, "")


def test_binary_garbage_is_refused_without_a_traceback(tmp_path):
    path = tmp_path / "garbage.txt"
    path.write_bytes(os.urandom(200_000))
    out = run(str(path))
    assert (out.returncode, "Traceback" in out.stderr, "not text" in out.stderr) == (4, False, True)


def test_fifty_megabyte_file_is_refused(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:
        fh.truncate(0)
        block = ("一、总体情况\n" * 1000).encode("utf-8")
        while fh.tell() < 50 * 1024 * 1024:
            fh.write(block)
    out = run(str(path))
    assert (out.returncode, "too large" in out.stderr) == (4, True)


def test_page_that_is_not_a_report_exits_3(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text("关于公布2024年政府信息公开工作年度报告的公告\n\n现将本单位2024年政府信息公开工作年度报告予以公布，欢迎查阅。\n",
                    encoding="utf-8")
    out = run(str(path))
    assert (out.returncode, json.loads(out.stdout)["is_report"]) == (3, False)


def test_explanation_of_a_report_is_not_a_report(tmp_path):
    path = tmp_path / "jiedu.txt"
    text = SEED.read_text(encoding="utf-8")
    path.write_text("图解：平原城乡一体化示范区祝楼乡2024年政府信息公开工作年度报告\n" + text[text.index("一、总体情况"):],
                    encoding="utf-8")
    out = run(str(path))
    assert "解读" in json.loads(out.stdout)["not_report_reason"]


def test_missing_file_is_a_usage_error():
    out = run("/nonexistent/report.txt")
    assert out.returncode == 2


def test_html_report_parses_through_the_cli(tmp_path):
    import random

    from farm.render import render_html
    from farm.report_synth import build_document, random_spec

    spec = random_spec(random.Random(8), distinct=True)
    path = tmp_path / "t20250120_123.html"
    path.write_bytes(render_html(build_document(spec)))
    cells = json.loads(run(str(path)).stdout)["cells"]
    got = {(c["table"], c["row"], c["col"]): c["raw"].strip() for c in cells}
    assert got == {k: spec.value(*k) for k in spec.keys()}


def test_html_that_is_not_a_report_exits_3(tmp_path):
    path = tmp_path / "news.html"
    path.write_text("<html><head><meta charset='utf-8'><title>镇开展防汛演练</title></head><body><h2>镇开展防汛演练</h2>"
                    "<p>6月12日，我镇组织开展防汛应急演练。</p></body></html>", encoding="utf-8")
    assert run(str(path)).returncode == 3


def test_file_whose_type_lies_is_refused_or_read_by_its_bytes(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(os.urandom(5000))
    out = run(str(path))
    assert (out.returncode, "Traceback" in out.stderr) == (4, False)


def test_text_extracted_from_bytes_parses_like_the_text():
    from pipeline.extract import extract_bytes
    from pipeline.parser import parse_document, parse_text

    data = (Path(__file__).parent / "data" / "seeds" / "000_055b143dd4413562.txt").read_bytes()
    doc = extract_bytes(data, "report.txt")
    def values(result):
        return [(c["table"], c["row"], c["col"], c["raw"], c["value"], c["certain"]) for c in result["cells"]]

    assert values(parse_document(doc)) == values(parse_text(data.decode("utf-8")))
