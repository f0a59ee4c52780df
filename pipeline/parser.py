"""The canonical parser: a report (text or block Document) → metadata, sections, cells and checks.

One parser serves every format: text is first turned into the same row stream
that a Document's blocks give (see rows.py), and the tables are read from it.
"""

from __future__ import annotations

from . import checks as checks_mod
from .blocks import Document
from .meta import (admin_level, find_agency_and_year, find_title, judge_is_report, read_outline, report_titles,
                   several_reports)
from .rows import Row, furniture_rows, rows_from_document, rows_from_text
from .tables import find_regions, parse_table_a, parse_table_b, parse_table_c, tokens_from_rows
from .version import code_version


def parse_text(text: str) -> dict:
    return parse_rows(rows_from_text(text), text)


def parse_document(doc: Document) -> dict:
    return parse_rows(rows_from_document(doc), doc.text())


def parse_rows(rows: list[Row], full_text: str) -> dict:
    title = find_title(rows)
    # Page numbers and running headers left in a text copy would cut a table row broken by a page in two.
    tokens = tokens_from_rows(rows, furniture_rows(rows, title))
    regions = find_regions(tokens)
    ends = {k: end == len(tokens) for k, (_, end) in regions.items()}
    a = parse_table_a(tokens[slice(*regions["A"])], ends.get("A", False)) if "A" in regions else None
    b = parse_table_b(tokens[slice(*regions["B"])], ends.get("B", False)) if "B" in regions else None
    c = parse_table_c(tokens[slice(*regions["C"])]) if "C" in regions else None
    results = {"A": a, "B": b, "C": c}

    head = "\n".join(r.text for r in rows[:60])
    agency, year = find_agency_and_year(title, head)
    level = admin_level(agency)
    sections, _, narrative, headings = read_outline(rows)

    versions = {k: (r.format_version if r else "unknown") for k, r in results.items()}
    # Table C is the same in both formats; it takes the version of the report's other tables.
    if c is not None and c.found:
        versions["C"] = versions["B"] if versions["B"] != "unknown" else versions["A"]
        c.format_version = versions["C"]

    cells = [cell for r in results.values() if r and r.found for cell in r.cells]
    tables_found = sum(1 for r in results.values() if r and r.found and r.cells)
    # Several reports in one file: titles each followed by an opening part of its own.
    titles = report_titles(rows)
    reports = None
    if len(titles) >= 2:
        b_heads = {t.row_index for t in tokens if t.value is None and "勾稽关系" in t.n}
        part_rows = sorted(b_heads | {h.row for h in headings if h.key == "overview" and h.pos == 0})
        reports = several_reports(titles, part_rows)
    is_report, reason = judge_is_report(
        title, len(sections), tables_found, head, agency=agency, year=year,
        numbers_in_tables=int(any(cell.semantic in ("NUMERIC", "ZERO") for cell in cells)),
        full_text=full_text, reports=reports)

    check_list = checks_mod.run_checks(cells, versions, year, level, narrative, full_text) if is_report else []

    warnings = []
    for key, r in results.items():
        if r is None:
            warnings.append(f"table {key} not found")
        else:
            warnings += [f"table {key}: {n}" for n in r.notes]
    return {
        "is_report": is_report,
        "not_report_reason": reason,
        "title": title,
        "agency": agency,
        "year": year,
        "admin_level": level,
        "format_version": versions,
        "tables": {k: (r.summary() if r else {"found": False, "format_version": "unknown", "cells": 0,
                                               "uncertain_cells": 0, "notes": ["not found"]})
                   for k, r in results.items()},
        "sections": sections,
        "cells": [cell.as_dict() for cell in cells] if is_report else [],
        "checks": [ch.as_dict() for ch in check_list],
        "warnings": warnings,
        "parser_version": code_version(),
    }
