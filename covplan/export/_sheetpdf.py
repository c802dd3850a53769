"""A small, fast PDF writer for the printed sheets: text, lines, polygons, tick boxes.

The work sheets and outreach lists are mostly text; matplotlib lays out and embeds text
glyph by glyph, which made a ward's worth of sheets take minutes. This writer emits the
same searchable PDF directly: one embedded TrueType subset of DejaVu Sans (shipped with
matplotlib) as a CID font (Identity-H) with a ToUnicode map, so ``pdftotext`` reads the
Vietnamese back; pages are A4 landscape, coordinates in points from the bottom left.
Text is NFC (precomposed Vietnamese letters are single glyphs), wrapped by the caller.
"""

from __future__ import annotations

import io
import os
import textwrap
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from fontTools import subset
from fontTools.ttLib import TTFont

from covplan._io import atomic_write_bytes

__all__ = ["A4_LANDSCAPE", "SheetPdf", "sheet_table", "to_page", "wrap"]

#: A4 landscape in points.
A4_LANDSCAPE: tuple[float, float] = (841.89, 595.28)


def _font_path() -> str:
    from matplotlib import font_manager

    return str(font_manager.findfont("DejaVu Sans", fallback_to_default=True))


def _hex_colour(colour: str) -> tuple[float, float, float]:
    c = colour.lstrip("#")
    return (int(c[0:2], 16) / 255, int(c[2:4], 16) / 255, int(c[4:6], 16) / 255)


def _num(x: float) -> str:
    return f"{x:.2f}"


class SheetPdf:
    """Build a multi-page PDF of text and simple vector drawings, then save it.

    Examples
    --------
    >>> pdf = SheetPdf(title="Phiếu thi công")
    >>> pdf.new_page()
    >>> pdf.text(40, 550, "Kiệt 12 Chi Lăng", size=14)
    >>> pdf.save("out.pdf")  # doctest: +SKIP
    """

    def __init__(self, title: str = "", size: tuple[float, float] = A4_LANDSCAPE) -> None:
        self.width, self.height = size
        self.title = title
        self.pages: list[list[str]] = []
        self._font = TTFont(_font_path(), lazy=True)
        self._cmap = self._font.getBestCmap()
        self._upm = float(self._font["head"].unitsPerEm)
        self._hmtx = self._font["hmtx"]
        self._gid: dict[str, int] = {}
        self._used: set[int] = set()
        self._alphas: set[str] = set()

    # ------------------------------------------------------------------ content
    def new_page(self) -> None:
        """Start a new page."""
        self.pages.append([])

    @property
    def _ops(self) -> list[str]:
        if not self.pages:
            self.new_page()
        return self.pages[-1]

    def _glyph(self, ch: str) -> int:
        gid = self._gid.get(ch)
        if gid is None:
            name = self._cmap.get(ord(ch)) or self._cmap.get(ord("?"), ".notdef")
            gid = int(self._font.getGlyphID(name))
            self._gid[ch] = gid
            self._used.add(ord(ch))
        return gid

    def text_width(self, text: str, size: float) -> float:
        """Width of one line of ``text`` at ``size`` points."""
        total = 0
        for ch in text:
            name = self._cmap.get(ord(ch)) or ".notdef"
            total += self._hmtx[name][0]
        return total * size / self._upm

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float = 7.0,
        colour: str = "#000000",
        leading: float = 1.2,
    ) -> float:
        """Write ``text`` (lines split on newlines) with its first baseline at ``y``.

        Returns
        -------
        float
            The baseline below the last line.
        """
        lines = text.split("\n")
        r, g, b = _hex_colour(colour)
        ops = self._ops
        ops.append(f"BT /F1 {_num(size)} Tf {_num(r)} {_num(g)} {_num(b)} rg")
        step = size * leading
        ops.append(f"{_num(x)} {_num(y)} Td")
        for k, line in enumerate(lines):
            if k:
                ops.append(f"0 {_num(-step)} Td")
            if line:
                hexes = "".join(f"{self._glyph(c):04X}" for c in line)
                ops.append(f"<{hexes}> Tj")
        ops.append("ET")
        return y - step * len(lines)

    def line(
        self,
        points: Iterable[tuple[float, float]],
        *,
        colour: str = "#000000",
        width: float = 0.5,
        close: bool = False,
    ) -> None:
        """Stroke a polyline (or a closed ring)."""
        pts = list(points)
        if len(pts) < 2:
            return
        r, g, b = _hex_colour(colour)
        path = " ".join(
            f"{_num(px)} {_num(py)} {'m' if i == 0 else 'l'}" for i, (px, py) in enumerate(pts)
        )
        end = "s" if close else "S"
        self._ops.append(f"{_num(r)} {_num(g)} {_num(b)} RG {_num(width)} w 1 J 1 j {path} {end}")

    def polygon(
        self,
        points: Sequence[tuple[float, float]],
        *,
        fill: str,
        stroke: str | None = None,
        width: float = 0.4,
        alpha: float = 1.0,
    ) -> None:
        """Fill (and stroke) a polygon ring."""
        if len(points) < 3:
            return
        r, g, b = _hex_colour(fill)
        path = " ".join(
            f"{_num(px)} {_num(py)} {'m' if i == 0 else 'l'}" for i, (px, py) in enumerate(points)
        )
        ops = self._ops
        ops.append("q")
        if alpha < 1.0:
            key = f"{alpha:.2f}"
            self._alphas.add(key)
            ops.append(f"/GA{key.replace('.', '_')} gs")
        ops.append(f"{_num(r)} {_num(g)} {_num(b)} rg")
        if stroke:
            sr, sg, sb = _hex_colour(stroke)
            ops.append(f"{_num(sr)} {_num(sg)} {_num(sb)} RG {_num(width)} w {path} h B")
        else:
            ops.append(f"{path} h f")
        ops.append("Q")

    def box(self, x: float, y: float, w: float, h: float, *, width: float = 0.8) -> None:
        """Stroke an empty tick box with its top-left corner at ``x``, ``y``."""
        self._ops.append(
            f"0 0 0 RG {_num(width)} w {_num(x)} {_num(y - h)} {_num(w)} {_num(h)} re S"
        )

    def circle(
        self, x: float, y: float, radius: float, *, fill: str, stroke: str = "#ffffff"
    ) -> None:
        """Fill a circle (a camera mount)."""
        k = 0.5523 * radius
        r, g, b = _hex_colour(fill)
        sr, sg, sb = _hex_colour(stroke)
        quarters = [
            ((x + radius, y + k), (x + k, y + radius), (x, y + radius)),
            ((x - k, y + radius), (x - radius, y + k), (x - radius, y)),
            ((x - radius, y - k), (x - k, y - radius), (x, y - radius)),
            ((x + k, y - radius), (x + radius, y - k), (x + radius, y)),
        ]
        curves = " ".join(
            " ".join(f"{_num(px)} {_num(py)}" for px, py in q) + " c" for q in quarters
        )
        self._ops.append(
            f"{_num(r)} {_num(g)} {_num(b)} rg {_num(sr)} {_num(sg)} {_num(sb)} RG 0.8 w "
            f"{_num(x + radius)} {_num(y)} m {curves} B"
        )

    def clip_rect(self, x: float, y: float, w: float, h: float) -> None:
        """Clip what follows (until :meth:`unclip`) to a rectangle."""
        self._ops.append(f"q {_num(x)} {_num(y)} {_num(w)} {_num(h)} re W n")

    def unclip(self) -> None:
        """End the clip of :meth:`clip_rect`."""
        self._ops.append("Q")

    # ------------------------------------------------------------------ output
    def _font_file(self) -> bytes:
        """Return the TrueType subset of the glyphs used (glyph ids kept)."""
        opts = subset.Options()
        opts.retain_gids = True
        opts.notdef_outline = True
        opts.name_IDs = ["*"]
        opts.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "FFTM"]
        font = TTFont(_font_path())
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=sorted(self._used) or [ord(" ")])
        sub.subset(font)
        buf = io.BytesIO()
        font.save(buf)
        return buf.getvalue()

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the PDF to ``path`` (atomically: a reader sees the old file or the whole new one).

        Returns
        -------
        pathlib.Path
            The file.
        """
        if not self.pages:
            self.new_page()
        font_bytes = self._font_file()
        objs: list[bytes] = []

        def add(body: bytes) -> int:
            objs.append(body)
            return len(objs)

        def stream(data: bytes, extra: str = "") -> bytes:
            z = zlib.compress(data, 6)
            head = f"<< /Length {len(z)} /Filter /FlateDecode {extra}>>\nstream\n".encode()
            return head + z + b"\nendstream"

        catalog = add(b"")  # filled below
        pages_obj = add(b"")
        ff = add(stream(font_bytes, f"/Length1 {len(font_bytes)} "))
        scale = 1000.0 / self._upm
        head = self._font["head"]
        hhea = self._font["hhea"]
        bbox = " ".join(_num(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax))
        fd = add(
            (
                "<< /Type /FontDescriptor /FontName /CVPLAN+DejaVuSans /Flags 32 "
                f"/FontBBox [{bbox}] /ItalicAngle 0 /Ascent {_num(hhea.ascent * scale)} "
                f"/Descent {_num(hhea.descent * scale)} /CapHeight 729 /StemV 80 "
                f"/FontFile2 {ff} 0 R >>"
            ).encode()
        )
        by_gid = sorted({gid: ch for ch, gid in self._gid.items()}.items())
        w = " ".join(
            f"{gid} [{_num(self._hmtx[self._font.getGlyphName(gid)][0] * scale)}]"
            for gid, _ in by_gid
        )
        cid = add(
            (
                "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /CVPLAN+DejaVuSans "
                "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
                f"/FontDescriptor {fd} 0 R /W [{w}] /DW 600 /CIDToGIDMap /Identity >>"
            ).encode()
        )
        bf = "\n".join(
            f"<{gid:04X}> <{''.join(f'{u:04X}' for u in _utf16(ch))}>" for gid, ch in by_gid
        )
        cmap = (
            "/CIDInit /ProcSet findresource begin 12 dict begin begincmap "
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def "
            "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
            "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
            + "".join(
                f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar\n"
                for chunk in _chunks(bf.split("\n") if bf else [], 100)
            )
            + "endcmap CMapName currentdict /CMap defineresource pop end end"
        )
        tu = add(stream(cmap.encode()))
        font0 = add(
            (
                "<< /Type /Font /Subtype /Type0 /BaseFont /CVPLAN+DejaVuSans "
                f"/Encoding /Identity-H /DescendantFonts [{cid} 0 R] /ToUnicode {tu} 0 R >>"
            ).encode()
        )
        gs = " ".join(
            f"/GA{k.replace('.', '_')} << /Type /ExtGState /ca {k} /CA {k} >>"
            for k in sorted(self._alphas)
        )
        resources = f"<< /Font << /F1 {font0} 0 R >> /ExtGState << {gs} >> >>"
        kids = []
        for ops in self.pages:
            content = add(stream("\n".join(ops).encode("latin-1")))
            kids.append(
                add(
                    (
                        f"<< /Type /Page /Parent {pages_obj} 0 R "
                        f"/MediaBox [0 0 {_num(self.width)} {_num(self.height)}] "
                        f"/Resources {resources} /Contents {content} 0 R >>"
                    ).encode()
                )
            )
        objs[pages_obj - 1] = (
            f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
        ).encode()
        objs[catalog - 1] = f"<< /Type /Catalog /Pages {pages_obj} 0 R >>".encode()
        info = add(f"<< /Title <{_utf16_hex(self.title)}> /Producer (covplan) >>".encode())
        out = io.BytesIO()
        out.write(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for i, body in enumerate(objs, start=1):
            offsets.append(out.tell())
            out.write(f"{i} 0 obj\n".encode() + body + b"\nendobj\n")
        xref = out.tell()
        out.write(f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode())
        for off in offsets:
            out.write(f"{off:010d} 00000 n \n".encode())
        out.write(
            f"trailer\n<< /Size {len(objs) + 1} /Root {catalog} 0 R /Info {info} 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n".encode()
        )
        atomic_write_bytes(path, out.getvalue())
        return Path(path)


def _utf16(ch: str) -> list[int]:
    data = ch.encode("utf-16-be")
    return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]


def _utf16_hex(text: str) -> str:
    return "FEFF" + text.encode("utf-16-be").hex().upper()


def _chunks(items: list[str], n: int) -> Iterable[list[str]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def to_page(
    xy: np.ndarray,
    bounds: tuple[float, float, float, float],
    frame: tuple[float, float, float, float],
) -> np.ndarray:
    """Map metric coordinates into a page frame (x, y, w, h), keeping the aspect ratio.

    Parameters
    ----------
    xy
        (n, 2) coordinates in metres.
    bounds
        (x0, y0, x1, y1) of what the frame shows.
    frame
        (x, y, w, h) on the page, in points.

    Returns
    -------
    numpy.ndarray
        (n, 2) page coordinates.
    """
    x0, y0, x1, y1 = bounds
    fx, fy, fw, fh = frame
    s = min(fw / max(x1 - x0, 1e-9), fh / max(y1 - y0, 1e-9))
    ox = fx + (fw - (x1 - x0) * s) / 2
    oy = fy + (fh - (y1 - y0) * s) / 2
    return np.column_stack([ox + (xy[:, 0] - x0) * s, oy + (xy[:, 1] - y0) * s])


def wrap(text: str, width_pt: float, size: float, lines: int = 3) -> str:
    """Wrap ``text`` to a column ``width_pt`` points wide at ``size`` points (at most ``lines``)."""

    if not text:
        return ""
    chars = max(4, int(width_pt / (size * 0.56)))
    out = textwrap.wrap(text, width=chars)
    if len(out) > lines:
        out = [*out[: lines - 1], out[lines - 1][: max(1, chars - 1)] + "…"]
    return "\n".join(out)


def sheet_table(
    pdf: SheetPdf,
    x: float,
    top: float,
    widths: Sequence[float],
    heads: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    ticks: Iterable[int] = (),
    row_h: float = 28.0,
    size: float = 6.5,
) -> float:
    """Draw a table: a header row, then one row per entry with rules and tick boxes.

    Parameters
    ----------
    pdf
        The document (draws on its current page).
    x, top
        Top-left corner, in points.
    widths
        Column widths in points.
    heads
        Column headers (wrapped to two lines).
    rows
        Cell texts per row (wrapped to three lines).
    ticks
        Columns drawn as an empty tick box.
    row_h
        Row height in points.
    size
        Font size.

    Returns
    -------
    float
        The y of the table's bottom rule.
    """
    tick_cols = set(ticks)
    total = float(sum(widths))
    head_h = size * 2.6
    cx = x
    for head, w in zip(heads, widths, strict=True):
        pdf.text(cx + 2, top - size, wrap(head, w - 4, size, 2), size=size)
        cx += w
    y = top - head_h
    pdf.line([(x, y), (x + total, y)], colour="#555555", width=0.7)
    for row in rows:
        cx = x
        for j, w in enumerate(widths):
            if j in tick_cols:
                pdf.box(cx + 4, y - 4, 9, 9)
            else:
                cell = wrap(str(row[j] or ""), w - 4, size, 3)
                if cell:
                    pdf.text(cx + 2, y - size - 1.5, cell, size=size)
            cx += w
        y -= row_h
        pdf.line([(x, y), (x + total, y)], colour="#bbbbbb", width=0.4)
    return y
