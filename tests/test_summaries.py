"""The aggregates the build writes for the charts and the rules page equal the aggregates of the big tables."""

from __future__ import annotations

import sqlite3

import pytest

from archive.db.build import build
from archive.db.summaries import OUTCOME_COLUMNS, OUTCOMES
from archive.web.charts import _median
from support.archive_kit import envelope_processor, make_archive


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    root = tmp_path_factory.mktemp("summaries")
    make_archive(root / "archive")
    build(root / "archive", root / "nianbao.db", processor=envelope_processor, progress=False)
    return sqlite3.connect(root / "nianbao.db")


def test_rule_counts_are_the_checks_of_current_reports(conn):
    direct = conn.execute("select rule, status, count(*) from checks where report_id in (select id from reports) "
                          "group by 1, 2 order by 1, 2").fetchall()
    assert conn.execute("select rule, status, reports from rule_counts order by 1, 2").fetchall() == direct


def test_chart_groups_are_the_sums_over_reports(conn):
    sums = ", ".join(f"sum({expr})" for _, expr in OUTCOMES)
    direct = conn.execute(f"select r.province, r.admin_level, r.year, count(*), {sums} from reports r left join "
                          f"applications a on a.report_id = r.id group by 1, 2, 3 order by 1, 2, 3").fetchall()
    got = conn.execute(f"select province, admin_level, year, reports, {', '.join(OUTCOME_COLUMNS)} from chart_groups "
                       "order by 1, 2, 3").fetchall()
    assert (got, len(got) > 1) == (direct, True)


def test_chart_received_is_the_distribution_of_new_applications(conn):
    direct = conn.execute("select province, admin_level, year, new_received__total, count(*) from applications "
                          "where year is not null and new_received__total is not null "
                          "group by 1, 2, 3, 4 order by 1, 2, 3, 4").fetchall()
    assert conn.execute("select * from chart_received order by 1, 2, 3, 4").fetchall() == direct


@pytest.mark.parametrize("values", [[5], [1, 2], [3, 1, 2], [0, 0, 7, 7, 7, 9], [4, 4, 4, 4], []])
def test_median_from_a_distribution_is_the_median_of_the_values(values):
    counts = sorted({v: values.count(v) for v in values}.items())
    s = sorted(values)
    want = 0 if not s else s[len(s) // 2] if len(s) % 2 else (s[len(s) // 2 - 1] + s[len(s) // 2]) / 2
    assert _median(counts) == want
