"""OCR of scanned pages and images: rapidocr (models inside the wheel, offline) plus a ruled-grid step.

1. Deskew: the rotation that makes the row sums of the ink most peaked (projection profile on a
   quarter-scale image, coarse then fine).
2. Detection: rapidocr's text detector once over the page at half size (DET_SCALE), for the text
   outside the tables; its boxes also tell the grid step where text is.
3. Grid: horizontal and vertical rules by morphological opening (a short vertical segment inside a
   detected text box is a character's stroke, not a rule); each table frame's cells are the
   connected components of the background inside it; spans come from clustering the cell edges.
4. Cells are not detected but cut out: the lines of a cell are the bands of its ink rows (Otsu's
   threshold, rules removed), and a cell's lines are set side by side into one line image, so a
   number wrapped in a narrow cell is read as one. Detected boxes inside tables are not read.
5. Recognition: every line image (detected lines outside tables, one per non-empty cell) goes to
   rapidocr's recogniser in width-sorted batches padded only to their widest image; there is no
   direction classifier. rapidocr's own pipeline would also detect over the tables, run the
   classifier and pad every batch to 320 columns (a three-digit cell costs a 320-pixel line).
6. Every span carries `confidence`: the recognition score of its text, lowered further when a cell
   of a numeric column does not read as a number; 0 for a cell with ink that reads as nothing. Text outside tables becomes paragraphs.

The detector and recogniser are called directly (`engine().text_det`, `.text_rec`), not through
RapidOCR.__call__. onnxruntime uses one thread per core unless NIANBAO_OCR_THREADS says otherwise
(1 is faster when several processes share the cores).
"""

from __future__ import annotations

import io
import os
import re
import threading

import numpy as np

from ..blocks import Paragraph, Span, Table

_ENGINE = None
_LOCK = threading.Lock()
NUMERIC = re.compile(r"^[+\-]?\d+(\.\d+)?$")
TEXT_SCORE = 0.5  # a line outside the tables read below this is dropped, as rapidocr drops it

DET_SCALE = 0.5  # detection runs on the page at half size: body text stays ~13 px tall, a quarter of the pixels
REC_HEIGHT = 48  # the recogniser's input height (rapidocr's Rec.rec_img_shape)
REC_BATCH = 16  # crops per recogniser call, sorted by width so that little of a batch is padding
REC_BATCH_WIDTH = 12_000  # ... and at most this many columns (batch size x the widest crop) per call


def engine():
    global _ENGINE
    with _LOCK:
        if _ENGINE is None:
            from rapidocr import RapidOCR

            params = {"Global.log_level": "error", "EngineConfig.onnxruntime.enable_cpu_mem_arena": True}
            if os.environ.get("NIANBAO_OCR_THREADS"):
                params["EngineConfig.onnxruntime.intra_op_num_threads"] = int(os.environ["NIANBAO_OCR_THREADS"])
            _ENGINE = RapidOCR(params=params)
            _ENGINE._load_det_model()
            _ENGINE._load_rec_model()
        return _ENGINE


def _detect(gray: np.ndarray, scale: float = DET_SCALE) -> list[np.ndarray]:
    """Text line quadrilaterals (in `gray`'s pixels) from the engine's detector run on the image scaled by `scale`."""
    import cv2

    det = engine().text_det
    h, w = gray.shape
    dh, dw = max(32, round(h * scale / 32) * 32), max(32, round(w * scale / 32) * 32)
    small = cv2.resize(gray, (dw, dh), interpolation=cv2.INTER_AREA)
    x = np.repeat((small.astype(np.float32) * (2 / 255) - 1.0)[None, None], 3, axis=1)
    boxes, _ = det.postprocess_op(det.session(x), (h, w))
    return [np.asarray(b, dtype=np.float32) for b in det.sorted_boxes(np.asarray(boxes))] if len(boxes) else []


def _recognise(crops: list[np.ndarray]) -> list[tuple[str, float]]:
    """(text, score) of each greyscale line image, read by the engine's recogniser in width-sorted batches.

    rapidocr pads every batch to at least 320 columns (its Rec.rec_img_shape), so a three-digit cell
    costs as much as a 320-pixel line; here a batch is padded only to its own widest crop.
    """
    import cv2

    rec = engine().text_rec
    widths = [max(1, int(np.ceil(REC_HEIGHT * c.shape[1] / max(c.shape[0], 1)))) for c in crops]
    out: list[tuple[str, float]] = [("", 0.0)] * len(crops)
    order = sorted(range(len(crops)), key=lambda i: widths[i])
    start = 0
    while start < len(order):
        end = start + 1
        while end < len(order) and end - start < REC_BATCH and (end + 1 - start) * widths[order[end]] <= REC_BATCH_WIDTH:
            end += 1
        batch = order[start:end]
        width = widths[batch[-1]]
        x = np.zeros((len(batch), 3, REC_HEIGHT, width), dtype=np.float32)
        for k, i in enumerate(batch):
            line = cv2.resize(crops[i], (widths[i], REC_HEIGHT), interpolation=cv2.INTER_LINEAR)
            x[k, :, :, :widths[i]] = line.astype(np.float32) * (2 / 255) - 1.0
        for i, (text, score) in zip(batch, rec.postprocess_op(rec.session(x))[0]):
            out[i] = (text, float(score))
        start = end
    return out


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
    # inside a detected text box is a stroke, not a column edge.
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
    return _tables(_binary(gray), label_boxes)[0]


def _tables(binary: np.ndarray, label_boxes=()):
    """find_tables on the ink mask, and the mask of the rules themselves."""
    import cv2

    horiz, vert = _line_masks(binary, label_boxes)
    grid = cv2.dilate(cv2.bitwise_or(horiz, vert), np.ones((3, 3), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(grid, connectivity=8)
    tables = []
    h, w = binary.shape
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
    return sorted(tables, key=lambda t: t[0][1]), grid


def _runs(active: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) of each run of True."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], active.astype(np.int8), [0]))))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def _cell_lines(ink: np.ndarray, ref: float | None) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1) of the text lines in a cell's ink mask, by horizontal projection.

    A band of ink rows is a line. A band much thinner than a line (`ref`, a typical line's height)
    is part of its nearer neighbour when less than a line away (the strokes of 二 or 三), else a speck.
    """
    rows = ink.sum(axis=1)
    bands = [[y0, y1] for y0, y1 in _runs(rows > 0) if rows[y0:y1].sum() >= 6]
    if ref:
        while len(bands) > 1:
            k = min(range(len(bands)), key=lambda i: bands[i][1] - bands[i][0])
            if bands[k][1] - bands[k][0] >= 0.45 * ref:
                break
            gaps = [(bands[k][0] - bands[k - 1][1], k - 1) if k > 0 else (np.inf, -1),
                    (bands[k + 1][0] - bands[k][1], k + 1) if k + 1 < len(bands) else (np.inf, -1)]
            gap, j = min(gaps)
            if gap > ref:
                del bands[k]
                continue
            lo, hi = min(j, k), max(j, k)
            bands[lo:hi + 1] = [[bands[lo][0], bands[hi][1]]]
    lines = []
    for y0, y1 in bands:
        cols = np.flatnonzero(ink[y0:y1].any(axis=0))
        if ink[y0:y1].sum() >= 12:
            lines.append((int(cols[0]), y0, int(cols[-1]) + 1, y1))
    return lines


def _cell_image(gray: np.ndarray, box, ink: np.ndarray, ref: float | None) -> np.ndarray | None:
    """The text of one cell as a single line image: its lines cut out and set side by side.

    A value wrapped in a narrow cell (12450 printed as 1245 over 0) is then read as one number,
    with the context the recogniser needs, instead of a lone 0 that it may read as O.
    """
    inset = 3
    bx0, by0, bx1, by1 = box
    lines = _cell_lines(ink[by0 + inset:by1 - inset, bx0 + inset:bx1 - inset], ref)
    if not lines:
        return None
    height = max(y1 - y0 for _, y0, _, y1 in lines)
    pad_y, pad_x = max(3, height // 5), max(4, int(height * 0.4))
    pieces = []
    for x0, y0, x1, y1 in lines:
        x0, x1 = x0 + bx0 + inset, x1 + bx0 + inset
        y0, y1 = y0 + by0 + inset, y1 + by0 + inset
        mid = (y0 + y1) // 2
        top = max(by0, mid - height // 2 - pad_y)
        crop = gray[top:min(by1, top + height + 2 * pad_y), max(bx0, x0 - pad_x):min(bx1, x1 + pad_x)]
        pieces.append(crop)
    if len(pieces) == 1:
        return pieces[0]
    h = max(p.shape[0] for p in pieces)
    paper = int(np.median(np.concatenate([p[[0, -1]].ravel() for p in pieces])))
    out = []
    for p in pieces:
        padded = np.full((h, p.shape[1]), paper, dtype=np.uint8)
        off = (h - p.shape[0]) // 2
        padded[off:off + p.shape[0]] = p
        out += [padded, np.full((h, pad_x), paper, dtype=np.uint8)]
    return np.hstack(out[:-1])


def _grid_spans(cells: list[tuple[int, int, int, int]], tol: float = 8) -> list[tuple[int, int, int, int, tuple]]:
    xs = _cluster([c[0] for c in cells] + [c[2] for c in cells], tol)
    ys = _cluster([c[1] for c in cells] + [c[3] for c in cells], tol)
    nearest = lambda edges, v: int(np.argmin([abs(e - v) for e in edges]))  # noqa: E731
    out = []
    for box in cells:
        col, row = nearest(xs, box[0]), nearest(ys, box[1])
        out.append((row, col, max(1, nearest(ys, box[3]) - row), max(1, nearest(xs, box[2]) - col), box))
    return out


def _normalise(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKC", text)
    return text.replace("(", "（").replace(")", "）") if re.search(r"[\u4e00-\u9fff]", text) else text


def _table_images(gray: np.ndarray, ink: np.ndarray, cells) -> list[tuple[int, np.ndarray]]:
    """(cell index, line image) of every cell of a table that holds text."""
    inset = 3
    heights = [y1 - y0 for bx0, by0, bx1, by1 in cells
               for y0, y1 in _runs(ink[by0 + inset:by1 - inset, bx0 + inset:bx1 - inset].sum(axis=1) > 0) if y1 - y0 >= 6]
    ref = float(np.median(heights)) if heights else None
    out = []
    for i, box in enumerate(cells):
        image = _cell_image(gray, box, ink, ref)
        if image is not None:
            out.append((i, image))
    return out


def ocr_page_image(gray: np.ndarray, page_no: int | None = None) -> list:
    """Blocks (paragraphs and tables, in reading order) of one page image (greyscale uint8)."""
    import cv2

    from rapidocr.utils.process_img import get_rotate_crop_image

    gray, _angle = deskew(gray)
    quads = _detect(gray)
    binary = _binary(gray)
    label_boxes = [(q[:, 0].min(), q[:, 1].min(), q[:, 0].max(), q[:, 1].max()) for q in quads]
    tables, rules = _tables(binary, label_boxes)
    frames = [frame for frame, _ in tables]
    outside = [q for q in quads if not any(x0 <= q[:, 0].mean() <= x1 and y0 <= q[:, 1].mean() <= y1
                                           for x0, y0, x1, y1 in frames)]
    # Ink for finding the lines of a cell: dark by Otsu's threshold (a scanner's noise is not), rules removed.
    _, dark = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    ink = (dark > 0) & (cv2.dilate(rules, np.ones((3, 3), np.uint8)) == 0)
    cell_images = [_table_images(gray, ink, cells) for _, cells in tables]
    crops = [get_rotate_crop_image(gray, q.copy()) for q in outside]
    crops += [image for images in cell_images for _, image in images]
    texts = _recognise(crops)
    words = [(q, t, sc) for q, (t, sc) in zip(outside, texts) if t.strip() and sc >= TEXT_SCORE]
    read = iter(texts[len(outside):])

    items: list[tuple[float, object]] = []
    for ((_, ty0, _, _), cells), images in zip(tables, cell_images):
        # A cell without ink is blank for sure. One whose ink reads as nothing (a seal or a smudge over it, a
        # mark the recogniser has no character for) is blank as read, with confidence 0: not a certain blank.
        by_cell = {i: (text.replace(" ", ""), score if text.strip() else 0.0)
                   for (i, _), (text, score) in zip(images, read)}
        spans = []
        for i, (row, col, rowspan, colspan, _box) in enumerate(_grid_spans(cells)):
            text, score = by_cell.get(i, ("", 1.0))
            spans.append(Span(row, col, rowspan, colspan, _normalise(text), round(score, 4)))
        items.append((ty0, Table(_flag_numeric_columns(spans), page_no)))
    lines: list[list] = []
    for quad, text, score in sorted(words, key=lambda w: (w[0][:, 1].min(), w[0][:, 0].min())):
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


def page_image(pdf_bytes: bytes, index: int, dpi: int = 200, max_pixels: int = 60_000_000) -> np.ndarray:
    """Page `index` of the PDF as the greyscale image OCR reads."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        page = pdf[index]
        scale = render_scale(*page.get_size(), dpi, max_pixels)
        image = page.render(scale=scale, grayscale=True).to_pil().convert("L")
    finally:
        pdf.close()
    return np.asarray(image)


def ocr_pdf_page(pdf_bytes: bytes, index: int, dpi: int = 200, max_pixels: int = 60_000_000) -> list:
    return ocr_page_image(page_image(pdf_bytes, index, dpi, max_pixels), index + 1)


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
