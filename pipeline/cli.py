"""`nianbao parse FILE`: one report in, JSON out."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .parser import parse_document, parse_text
from .textfile import NotText, decode_text

EXIT_NOT_A_REPORT = 3
EXIT_UNREADABLE = 4
TEXT_SUFFIXES = {".txt", ".text", ".csv", ".md"}


def read_report(path: Path) -> dict:
    """Parse a file of any supported format; raises NotText or an ExtractionError with a reason."""
    if path.suffix.lower() in TEXT_SUFFIXES:
        return parse_text(decode_text(path.read_bytes()))
    from .extract import extract_file  # imported late: it brings in the document libraries

    doc = extract_file(path)
    if doc.meta.get("sniffed_type") == "text":
        return parse_text(doc.text())
    return parse_document(doc)


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--indent", type=int, default=1, show_default=True, help="JSON indentation (0 for one line).")
@click.option("--cells/--no-cells", default=True, show_default=True, help="Include the long list of cells.")
def parse(file: Path, indent: int, cells: bool) -> None:
    """Parse one annual report (.txt, .html, .docx, .doc, .wps, .pdf, .xls, …) and print JSON.

    Exit codes: 0 a report was parsed; 3 the file is not an annual report (JSON still printed);
    4 the file could not be read (reason on stderr).
    """
    try:
        result = read_report(file)
    except NotText as exc:
        click.echo(f"nianbao parse: {file}: {exc}", err=True)
        sys.exit(EXIT_UNREADABLE)
    except ValueError as exc:  # ExtractionError is a ValueError
        click.echo(f"nianbao parse: {file}: cannot read: {exc}", err=True)
        sys.exit(EXIT_UNREADABLE)
    if not cells:
        result.pop("cells", None)
    click.echo(json.dumps(result, ensure_ascii=False, indent=indent or None))
    if not result["is_report"]:
        click.echo(f"nianbao parse: {file}: not an annual report: {result['not_report_reason']}", err=True)
        sys.exit(EXIT_NOT_A_REPORT)
