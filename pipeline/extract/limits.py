"""Resource limits for one document; every limit is a setting with a sensible default."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Limits:
    max_bytes: int = 50 * 1024 * 1024          # the file itself
    max_pages: int = 200                       # PDF pages (real reports have 3-40)
    max_ocr_pages: int = 40                    # pages without a text layer that are OCRed
    timeout_seconds: float = 120.0             # a LibreOffice conversion
    max_unzipped_bytes: int = 200 * 1024 * 1024  # sum of a zip container's members (DOCX/XLSX/ODT)
    max_zip_ratio: float = 100.0               # uncompressed / compressed size of one member
    max_zip_members: int = 5000
    max_table_cells: int = 200_000             # per table, against absurd rowspan/colspan
    max_sheet_rows: int = 20_000               # per spreadsheet sheet
    max_memory_mb: int = 2048                  # address space of a LibreOffice conversion (RLIMIT_AS)
    max_image_pixels: int = 60_000_000         # an image attachment to OCR
    max_html_elements: int = 200_000           # tags of one HTML page (a report page has a few thousand)
    max_html_depth: int = 256                  # nesting of container tags (a portal page: under 60)
