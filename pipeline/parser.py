"""The canonical parser: a report (text or block Document) → metadata, sections, cells and checks.

One parser serves every format: text is first turned into the same row stream
that a Document's blocks give (see rows.py), and the tables are read from it.
"""

from __future__ import annotations

from . import checks as checks_mod
from .blocks import Document
from .meta import admin_level, find_agency_and_year, find_sections, find_title, judge_is_report
from .rows import Row, rows_from_document, rows_from_text
from .tables import find_regions, parse_table_a, parse_table_b, parse_table_c, tokens_from_rows
from .version import code_version


def parse_text(text: str) -> dict:
    return parse_rows(rows_from_text(text), text)


def parse_document(doc: Document) -> dict:
    return parse_rows(rows_from_document(doc), doc.text())


def parse_rows(rows: list[Row], full_text: str) -> dict:
    tokens = tokens_from_rows(rows)
    regions = find_regions(tokens)
    ends = {k: end == len(tokens) for k, (_, end) in regions.items()}
    a = parse_table_a(tokens[slice(*regions["A"])], ends.get("A", False)) if "A" in regions else None
    b = parse_table_b(tokens[slice(*regions["B"])], ends.get("B", False)) if "B" in regions else None
    c = parse_table_c(tokens[slice(*regions["C"])]) if "C" in regions else None
    results = {"A": a, "B": b, "C": c}

    title = find_title(rows)
    head = "\n".join(r.text for r in rows[:60])
    agency, year = find_agency_and_year(title, head)
    level = admin_level(agency)
    sections, _ = find_sections(rows)

    versions = {k: (r.format_version if r else "unknown") for k, r in results.items()}
    # Table C is the same in both formats; it takes the version of the report's other tables.
    if c is not None and c.found:
        versions["C"] = versions["B"] if versions["B"] != "unknown" else versions["A"]
        c.format_version = versions["C"]

    cells = [cell for r in results.values() if r and r.found for cell in r.cells]
    tables_found = sum(1 for r in results.values() if r and r.found and r.cells)
    is_report, reason = judge_is_report(title, len(sections), tables_found, head)

    narrative = sections.get("overview") or "\n".join(r.text for r in rows if not r.is_table)[:4000]
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
