"""The block model: what every extractor emits and the parser reads.

A document is an ordered list of blocks. A block is a paragraph or a table.
A table is a list of spans (row, col, rowspan, colspan, text) on a grid, so
merged cells are exact and never guessed from repeated text. Extractors for
new formats only have to produce this model; the parser never changes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Iterator, Union


@dataclass(frozen=True)
class Span:
    """One cell of a table as printed: its top-left grid position and its extent."""

    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    text: str = ""
    # OCR confidence in [0, 1]; None for formats whose text is exact.
    confidence: float | None = None


@dataclass
class Paragraph:
    text: str
    page: int | None = None
    type: str = field(default="p", init=False)


@dataclass
class Table:
    spans: list[Span]
    page: int | None = None
    type: str = field(default="table", init=False)

    @property
    def n_rows(self) -> int:
        return max((s.row + s.rowspan for s in self.spans), default=0)

    @property
    def n_cols(self) -> int:
        return max((s.col + s.colspan for s in self.spans), default=0)

    def grid(self) -> list[list[Span | None]]:
        """Dense grid: every position covered by a span points to that span (None where nothing is)."""
        grid: list[list[Span | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for span in self.spans:
            for r in range(span.row, span.row + span.rowspan):
                for c in range(span.col, span.col + span.colspan):
                    grid[r][c] = span
        return grid

    def logical_rows(self) -> list[list[Span]]:
        """Each row as the distinct spans that cover it, left to right.

        Horizontal merges appear once; vertical merges appear once per row they
        cover. This view does not depend on how many grid columns a converter
        invented, which is why the parser reads it.
        """
        rows: list[list[Span]] = []
        for grid_row in self.grid():
            seen: list[Span] = []
            for span in grid_row:
                if span is not None and (not seen or seen[-1] is not span) and span not in seen:
                    seen.append(span)
            rows.append(seen)
        return rows

    def text(self) -> str:
        """Reading-order text: one line per grid row, each merged cell written once, cells joined by tabs."""
        lines = []
        emitted: set[int] = set()
        for grid_row in self.grid():
            cells = []
            for span in grid_row:
                if span is None or id(span) in emitted:
                    continue
                emitted.add(id(span))
                cells.append(span.text.strip())
            if any(cells):
                lines.append("\t".join(cells))
        return "\n".join(lines)


Block = Union[Paragraph, Table]


@dataclass
class Document:
    """An extracted document: blocks in reading order plus facts about the extraction."""

    blocks: list[Block] = field(default_factory=list)
    # e.g. {"sniffed_type": "docx", "extractor": "docx", "pages": 3, "warnings": [...]}
    meta: dict = field(default_factory=dict)

    def tables(self) -> Iterator[Table]:
        return (b for b in self.blocks if isinstance(b, Table))

    def text(self) -> str:
        """The full text for archiving and search: paragraphs and flattened tables in reading order."""
        parts = [b.text if isinstance(b, Paragraph) else b.text() for b in self.blocks]
        return "\n".join(p for p in parts if p.strip())

    def to_dict(self) -> dict:
        return {"meta": self.meta, "blocks": [asdict(b) for b in self.blocks]}

    @classmethod
    def from_dict(cls, data: dict) -> "Document":
        blocks: list[Block] = []
        for b in data.get("blocks", []):
            if b.get("type") == "table":
                blocks.append(Table([Span(**s) for s in b["spans"]], b.get("page")))
            else:
                blocks.append(Paragraph(b.get("text", ""), b.get("page")))
        return cls(blocks, dict(data.get("meta", {})))
