"""Hostile files, made by code (tiny to ship, expensive to read): for the fault tests."""

from __future__ import annotations


def content_bomb_pdf(operators: int = 3_000_000) -> bytes:
    """A small PDF whose one page draws `operators` line segments: a few hundred KB compressed, gigabytes of
    objects for a parser that builds one per operator."""
    import zlib

    stream = zlib.compress(b"0 0 m 1 1 l S\n" * (operators // 3), 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    out, offsets = b"%PDF-1.4\n", []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def huge_page_pdf(size_pt: int) -> bytes:
    """A tiny PDF whose one page is `size_pt` square with a small image on it (a scan-like page)."""
    import io

    from PIL import Image
    from reportlab.pdfgen import canvas

    out, img = io.BytesIO(), io.BytesIO()
    Image.new("L", (20, 20), 128).save(img, format="PNG")
    img.seek(0)
    c = canvas.Canvas(out, pagesize=(size_pt, size_pt))
    from reportlab.lib.utils import ImageReader

    c.drawImage(ImageReader(img), 0, 0, width=size_pt, height=size_pt)
    c.save()
    return out.getvalue()
