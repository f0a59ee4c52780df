"""Aggregates over every current report, written once by the build for the pages that summarise the archive.

The charts (`/-/charts`) and the rules page (`/-/rules`) used to aggregate the whole archive on every request:
0.4 and 0.5 s at 100,000 reports, growing with it — past the 3 s SQL time limit at a million. The published
database never changes, so the build writes the few hundred or thousand rows those pages read:

* ``rule_counts``: reports per rule and result;
* ``chart_groups``: per province, level and year, the reports and the sums of the application outcomes;
* ``chart_received``: per province, level and year, how many reports received each number of new applications
  (medians are not sums, so the distribution is kept; it has as many rows as distinct numbers, not reports).
"""

from __future__ import annotations

import sqlite3

OUTCOMES = [  # label, expression over the applications table (current reports)
    ("予以公开 granted", "granted__total"),
    ("部分公开 partial", "partial_grant__total"),
    ("不予公开 denied", " + ".join(f"coalesce(denied_{k}__total, 0)" for k in (
        "state_secret", "law_forbidden", "safety_stability", "third_party", "internal_affairs", "process_info",
        "enforcement_case", "admin_query"))),
    ("无法提供 unable", " + ".join(f"coalesce(unable_{k}__total, 0)" for k in ("no_info", "need_creation", "unclear"))),
    ("不予处理 not processed", " + ".join(f"coalesce(not_processed_{k}__total, 0)" for k in (
        "complaint", "repeat", "publication", "massive", "confirm"))),
    ("其他处理 other", "coalesce(other__total, 0) + coalesce(other_overdue_correction__total, 0) + "
                      "coalesce(other_overdue_fee__total, 0) + coalesce(other_other__total, 0)"),
]
OUTCOME_COLUMNS = [f"outcome_{i}" for i in range(len(OUTCOMES))]


def write(conn: sqlite3.Connection) -> None:
    """Fill the three tables from `reports`, `applications` and `checks` (current reports only)."""
    conn.execute("insert into rule_counts (rule, status, reports) select rule, status, count(*) from checks "
                 "where report_id in (select id from reports) group by rule, status")
    sums = ", ".join(f"sum({expr})" for _, expr in OUTCOMES)
    conn.execute(f"insert into chart_groups (province, admin_level, year, reports, {', '.join(OUTCOME_COLUMNS)}) "
                 f"select r.province, r.admin_level, r.year, count(*), {sums} "
                 f"from reports r left join applications a on a.report_id = r.id "
                 f"group by r.province, r.admin_level, r.year")
    conn.execute("insert into chart_received (province, admin_level, year, received, reports) "
                 "select province, admin_level, year, new_received__total, count(*) from applications "
                 "where year is not null and new_received__total is not null group by 1, 2, 3, 4")
