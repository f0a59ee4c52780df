"""OCR of scanned pages and images: rapidocr (models inside the wheel, offline) plus a ruled-grid step.

1. Deskew: the angle of the long horizontal rules (Hough on a half-scale line mask).
2. Grid: horizontal and vertical rules by morphological opening; each table frame's cells are the
   connected components of the background inside it; spans come from clustering the cell edges.
3. Text: one detection+recognition pass over the page; each box goes to the cell holding its centre
   (a box across cells is split by x); an empty cell that still has ink is recognised again alone.
4. Every span carries `confidence`: the lowest recognition score of its text, lowered further when
   a cell of a numeric column does not read as a number. Text outside tables becomes paragraphs.

rapidocr 3.x keeps per-call flags between calls, so every call passes use_det/use_cls/use_rec.
"""

from __future__ import annotations

import io
import re
import threading

import numpy as np

from ..blocks import Paragraph, Span, Table

_ENGINE = None
_LOCK = threading.Lock()
NUMERIC = re.compile(r"^[+\-]?\d+(\.\d+)?$")


def engine():
    global _ENGINE
    with _LOCK:
        if _ENGINE is None:
            from rapidocr import RapidOCR

            _ENGINE = RapidOCR(params={"Global.log_level": "error"})
        return _ENGINE


def _recognise(img: np.ndarray, detect: bool):
    res = engine()(img, use_det=detect, use_cls=False, use_rec=True)
    if detect:
        if res.boxes is None:
            return []
        return [(np.asarray(b), t, float(s)) for b, t, s in zip(res.boxes, res.txts, res.scores)]
    return [(None, t, float(s)) for t, s in zip(res.txts or (), res.scores or ())]


def _binary(gray: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)


def _line_masks(binary: np.ndarray, label_boxes=()) -> tuple[np.ndarray, np.ndarray]:
    import cv2

    h, w = binary.shape
    horiz = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(20, w // 25), 1)))
    vert = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(15, h // 70))))
    # A vertical rule runs from one horizontal rule to another; a tall character stroke does not.
    # A stroke can still touch both rules when the text fills a row, so a short segment lying
    # inside a recognised label (a box of Chinese text) is a stroke, not a column edge.
    near_h = cv2.dilate(horiz, np.ones((7, 7), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(vert, connectivity=8)
    long_enough = 0.035 * h
    keep = np.zeros(n, dtype=bool)
    for i in range(1, n):
        x, y, bw, bh, _ = stats[i]
        top = near_h[max(0, y - 3):y + 4, x:x + bw].any()
        bottom = near_h[max(0, y + bh - 4):y + bh + 3, x:x + bw].any()
        if not (top and bottom):
            continue
        xc = x + bw / 2
        in_label = any(bx0 + 3 < xc < bx1 - 3 and by0 - 8 <= y and y + bh <= by1 + 8
                       for bx0, by0, bx1, by1 in label_boxes)
        keep[i] = bh >= long_enough or not in_label
    vert = np.where(keep[labels], 255, 0).astype(np.uint8)
    return horiz, vert


def _profile_score(mask: np.ndarray, angle: float) -> float:
    import cv2

    h, w = mask.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rotated = cv2.warpAffine(mask, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    rows = rotated.sum(axis=1, dtype=np.float64)
    return float((rows ** 2).sum())


def deskew(gray: np.ndarray, max_angle: float = 3.0) -> tuple[np.ndarray, float]:
    """The page rotated so that its rules and text lines are level, and the angle found (degrees).

    Projection profile: the rotation that makes the row sums of the ink most peaked (level rules
    and baselines concentrate ink in few rows), searched coarse then fine on a quarter-scale image.
    """
    import cv2

    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    mask = (_binary(small) > 0).astype(np.uint8)
    best = max(np.arange(-max_angle, max_angle + 1e-9, 0.25), key=lambda a: _profile_score(mask, a))
    best = max(np.arange(best - 0.25, best + 0.25 + 1e-9, 0.05), key=lambda a: _profile_score(mask, a))
    angle = float(best)
    if abs(angle) < 0.05:
        return gray, 0.0
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=255), angle


def _cluster(values: list[float], tol: float) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def find_tables(gray: np.ndarray, label_boxes=()) -> list[tuple[tuple[int, int, int, int], list[tuple[int, int, int, int]]]]:
    """Table frames (x0, y0, x1, y1) with their cell boxes, from the ruling lines."""
    import cv2

    binary = _binary(gray)
    horiz, vert = _line_masks(binary, label_boxes)
    grid = cv2.dilate(cv2.bitwise_or(horiz, vert), np.ones((3, 3), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(grid, connectivity=8)
    tables = []
    h, w = gray.shape
    for i in range(1, n):
        x, y, bw, bh, _ = stats[i]
        if bw < w * 0.3 or bh < 30:
            continue
        frame = (labels[y:y + bh, x:x + bw] == i).astype(np.uint8)
        background = 1 - frame
        m, cell_labels, cstats, _ = cv2.connectedComponentsWithStats(background, connectivity=4)
        cells = []
        for j in range(1, m):
            cx, cy, cw, ch, area = cstats[j]
            if cw < 8 or ch < 8 or area < 0.4 * cw * ch:
                continue
            if cx == 0 or cy == 0 or cx + cw >= bw or cy + ch >= bh:
                continue  # the outside of the frame
            cells.append((x + cx - 2, y + cy - 2, x + cx + cw + 2, y + cy + ch + 2))
        if len(cells) >= 2:
            tables.append(((x, y, x + bw, y + bh), cells))
    return sorted(tables, key=lambda t: t[0][1])


def _grid_spans(cells: list[tuple[int, int, int, int]], tol: float = 8) -> list[tuple[int, int, int, int, tuple]]:
    xs = _cluster([c[0] for c in cells] + [c[2] for c in cells], tol)
    ys = _cluster([c[1] for c in cells] + [c[3] for c in cells], tol)
    nearest = lambda edges, v: int(np.argmin([abs(e - v) for e in edges]))  # noqa: E731
    out = []
    for box in cells:
        col, row = nearest(xs, box[0]), nearest(ys, box[1])
        out.append((row, col, max(1, nearest(ys, box[3]) - row), max(1, nearest(xs, box[2]) - col), box))
    return out


def _assign(words, boxes):
    """Map each OCR word to the cell box holding its centre; split a word whose box crosses cells by x."""
    by_cell: dict[int, list] = {i: [] for i in range(len(boxes))}
    loose = []
    for quad, text, score in words:
        x0, y0 = quad[:, 0].min(), quad[:, 1].min()
        x1, y1 = quad[:, 0].max(), quad[:, 1].max()
        cy = (y0 + y1) / 2
        hits = [i for i, (bx0, by0, bx1, by1) in enumerate(boxes) if by0 <= cy <= by1 and bx0 < x1 and bx1 > x0]
        if not hits:
            loose.append((y0, x0, y1, text, score))
            continue
        if len(hits) == 1 or not text:
            cx = (x0 + x1) / 2
            best = min(hits, key=lambda i: abs((boxes[i][0] + boxes[i][2]) / 2 - cx))
            by_cell[best].append((y0, x0, text, score))
            continue
        step = (x1 - x0) / max(len(text), 1)
        for k, ch in enumerate(text):
            cx = x0 + (k + 0.5) * step
            for i in hits:
                if boxes[i][0] <= cx <= boxes[i][2]:
                    by_cell[i].append((y0, cx, ch, score))
                    break
    return by_cell, loose


def _join(parts) -> tuple[str, float | None]:
    if not parts:
        return "", None
    lines: list[list] = []
    for y, x, text, score in sorted(parts):
        if lines and abs(lines[-1][0][0] - y) < 12:
            lines[-1].append((y, x, text, score))
        else:
            lines.append([(y, x, text, score)])
    text = "".join("".join(p[2] for p in sorted(line, key=lambda p: p[1])) for line in lines)
    return text.replace(" ", ""), min(p[3] for p in parts)


def _normalise(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKC", text)
    return text.replace("(", "（").replace(")", "）") if re.search(r"[\u4e00-\u9fff]", text) else text


def ocr_page_image(gray: np.ndarray, page_no: int | None = None) -> list:
    """Blocks (paragraphs and tables, in reading order) of one page image (greyscale uint8)."""
    gray, _angle = deskew(gray)
    words = _recognise(np.stack([gray] * 3, axis=-1), detect=True)
    label_boxes = [(q[:, 0].min(), q[:, 1].min(), q[:, 0].max(), q[:, 1].max())
                   for q, text, _ in words if re.search(r"[\u4e00-\u9fff]", text)]
    tables = find_tables(gray, label_boxes)
    items: list[tuple[float, object]] = []
    remaining = words
    for (tx0, ty0, tx1, ty1), cells in tables:
        inside = [w for w in remaining if tx0 <= w[0][:, 0].mean() <= tx1 and ty0 <= w[0][:, 1].mean() <= ty1]
        remaining = [w for w in remaining if not any(w is v for v in inside)]
        layout = _grid_spans(cells)
        by_cell, _ = _assign(inside, [box for *_, box in layout])
        spans = []
        for i, (row, col, rowspan, colspan, box) in enumerate(layout):
            text, score = _join(by_cell[i])
            bx0, by0, bx1, by1 = (int(v) for v in box)
            crop = gray[by0 + 4:by1 - 4, bx0 + 4:bx1 - 4]
            if not text and crop.size and (crop < 128).sum() > 30:
                again = _recognise(np.stack([crop] * 3, axis=-1), detect=False)
                if again and again[0][1].strip():
                    text, score = again[0][1].replace(" ", ""), again[0][2] * 0.9
            spans.append(Span(row, col, rowspan, colspan, _normalise(text), 1.0 if score is None else round(score, 4)))
        items.append((ty0, Table(_flag_numeric_columns(spans), page_no)))
    lines: list[list] = []
    for quad, text, score in sorted(remaining, key=lambda w: (w[0][:, 1].min(), w[0][:, 0].min())):
        y0, y1 = quad[:, 1].min(), quad[:, 1].max()
        if lines and abs(lines[-1][0][0] - y0) < (y1 - y0) * 0.5:
            lines[-1].append((y0, quad[:, 0].min(), text))
        else:
            lines.append([(y0, quad[:, 0].min(), text)])
    for line in lines:
        text = _normalise("".join(t for _, _, t in sorted(line, key=lambda p: p[1])))
        if text.strip() and not re.fullmatch(r"[-—\s\d]+", text):
            items.append((line[0][0], Paragraph(text, page_no)))
    items.sort(key=lambda it: it[0])
    return [block for _, block in items]


def _flag_numeric_columns(spans: list[Span]) -> list[Span]:
    """In a column that is mostly numbers, a cell that does not read as one is doubtful."""
    by_col: dict[int, list[Span]] = {}
    for s in spans:
        if s.colspan == 1:
            by_col.setdefault(s.col, []).append(s)
    doubtful = set()
    for col, cells in by_col.items():
        numeric = [s for s in cells if NUMERIC.match(s.text)]
        if len(numeric) >= 0.6 * len(cells):
            doubtful |= {id(s) for s in cells if s.text and not NUMERIC.match(s.text)
                         and (re.search(r"\d", s.text) or not re.search(r"[\u4e00-\u9fff]", s.text))}
    return [Span(s.row, s.col, s.rowspan, s.colspan, s.text, min(s.confidence or 1.0, 0.3)) if id(s) in doubtful else s
            for s in spans]


MIN_OCR_DPI = 50  # below this no character can be read: a page that large is refused, not rendered


def render_scale(width_pt: float, height_pt: float, dpi: int, max_pixels: int) -> float:
    """The scale to render a page at: `dpi`, lowered so the image stays within `max_pixels` (checked from the
    page size, before any pixel is made); a page that would need less than MIN_OCR_DPI is refused."""
    from .errors import ExtractionError

    scale = dpi / 72
    area = max(width_pt, 1.0) * max(height_pt, 1.0)
    if area * scale * scale > max_pixels:
        scale = (max_pixels / area) ** 0.5
        if scale < MIN_OCR_DPI / 72:
            raise ExtractionError(f"page of {width_pt:.0f}×{height_pt:.0f} pt is too large to OCR "
                                  f"({max_pixels // 1_000_000} megapixels at {MIN_OCR_DPI} dpi at most)")
    return scale


def ocr_pdf_page(pdf_bytes: bytes, index: int, dpi: int = 200, max_pixels: int = 60_000_000) -> list:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        page = pdf[index]
        scale = render_scale(*page.get_size(), dpi, max_pixels)
        image = page.render(scale=scale, grayscale=True).to_pil().convert("L")
    finally:
        pdf.close()
    return ocr_page_image(np.asarray(image), index + 1)


def ocr_image_bytes(data: bytes, max_pixels: int = 60_000_000) -> list:
    """Blocks of an image attachment; its size is checked from the header, before decoding."""
    from PIL import Image

    from .errors import ExtractionError

    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > max_pixels:
            raise ExtractionError(f"image larger than {max_pixels // 1_000_000} megapixels")
        image.load()
    except ExtractionError:
        raise
    except Exception as exc:
        raise ExtractionError(f"corrupt image: {exc}") from None
    return ocr_page_image(np.asarray(image.convert("L")), 1)
