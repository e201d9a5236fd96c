"""A tiny pure-Python writer of text PDFs: letters and summaries, no dependency.

Only what printable documents need: A4 pages, the standard Helvetica fonts
(every PDF reader has them, so nothing is embedded), headings, wrapped
paragraphs, bulleted lists, two-column rows, horizontal rules, a grid of
squares (a QR code's modules, drawn as vectors) and automatic page breaks.
Text is encoded in WinAnsi (cp1252), which covers French accents, the euro
sign and typographic quotes; other characters degrade to close equivalents.

    doc = TextPdf(title="Avis de signalement")
    doc.heading("Avis de signalement")
    doc.paragraph("Madame, Monsieur, ...")
    doc.rows([("Facture", "F-2026-001"), ("Montant", "1 200,00 €")])
    data = doc.to_bytes()

Output is deterministic for the same input (no timestamp unless one is given),
so documents can be golden-tested.
"""

from __future__ import annotations

import unicodedata
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

A4 = (595.28, 841.89)
REGULAR, BOLD = "F1", "F2"
# Room between a list item's bullet and its text.
_MARK_GAP = 12.0
_FONT_NAMES = {REGULAR: "Helvetica", BOLD: "Helvetica-Bold"}

# Glyph widths (thousandths of the font size) of the printable ASCII range,
# from Adobe's Helvetica and Helvetica-Bold metrics (AFM), so that lines wrap
# where a reader will actually draw them.
_ASCII = "".join(chr(code) for code in range(32, 127))
_WIDTHS = {
    REGULAR: """
        278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 556
        278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778 667 778 722 667
        611 722 667 944 667 667 611 278 278 278 469 556 333 556 556 500 556 556 278 556 556 222 222 500 222 833
        556 556 556 556 333 500 278 556 500 722 500 500 500 334 260 334 584
    """,
    BOLD: """
        278 333 474 556 556 889 722 238 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 556
        333 333 584 584 584 611 975 722 722 722 722 667 611 778 722 278 556 722 611 833 722 778 667 778 722 667
        611 722 667 944 667 667 611 333 278 333 584 556 333 556 611 556 611 556 333 611 611 278 278 556 278 889
        611 611 611 611 389 556 333 611 556 778 556 556 500 389 280 389 584
    """,
}
_WIDTH_OF = {font: dict(zip(_ASCII, map(int, widths.split()), strict=True)) for font, widths in _WIDTHS.items()}
_SPECIAL_WIDTHS = {
    "€": 556,
    "«": 556,
    "»": 556,
    "’": 222,
    "‘": 222,
    "“": 333,
    "”": 333,
    "–": 556,
    "—": 1000,
    "°": 400,
    "…": 1000,
    "•": 350,
}

# Characters WinAnsi lacks, replaced by the nearest it has.
_FALLBACKS = str.maketrans(
    {"\u202f": "\u00a0", "\u2009": " ", "\u2010": "-", "\u2011": "-", "\u2212": "-", "\u200b": ""}
)


def _base_letter(char: str) -> str:
    """Return the unaccented letter of ``char`` (its width is close enough)."""
    decomposed = unicodedata.normalize("NFKD", char)
    return decomposed[0] if decomposed else char


def text_width(text: str, font: str, size: float) -> float:
    """Width in points of ``text`` drawn in ``font`` at ``size``."""
    widths = _WIDTH_OF[font]
    total = 0
    for char in text.translate(_FALLBACKS):
        width = widths.get(char) or _SPECIAL_WIDTHS.get(char) or widths.get(_base_letter(char))
        total += width if width is not None else 556
    return total * size / 1000


def _encode(text: str) -> bytes:
    """Encode text as a PDF literal string in WinAnsi, escaping what must be."""
    raw = text.translate(_FALLBACKS).encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Split ``text`` into lines no wider than ``width`` (a long word stands alone)."""
    lines: list[str] = []
    for source in text.split("\n"):
        current = ""
        for word in source.split(" "):
            candidate = f"{current} {word}" if current else word
            if current and text_width(candidate, font, size) > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        lines.append(current)
    return lines


@dataclass
class _Page:
    operations: list[bytes] = field(default_factory=list)


@dataclass
class TextPdf:
    """A document built top to bottom; pages are added as the text flows."""

    title: str = ""
    author: str = "Ardoise"
    created: datetime | None = None
    page_size: tuple[float, float] = A4
    margin: float = 56.0
    footer: str = ""

    def __post_init__(self) -> None:
        self._pages: list[_Page] = []
        self._y = 0.0
        self._inset = 0.0  # room kept at the right (beside a QR code)
        self.page_break()

    # -- layout ------------------------------------------------------------
    @property
    def usable_width(self) -> float:
        return self.page_size[0] - 2 * self.margin - self._inset

    def page_break(self) -> None:
        """Start a new page."""
        self._pages.append(_Page())
        self._y = self.page_size[1] - self.margin

    def _reserve(self, height: float) -> None:
        if self._y - height < self.margin + (14 if self.footer else 0):
            self.page_break()

    def space(self, points: float = 8.0) -> None:
        """Leave vertical space."""
        self._y -= points

    def _draw(self, x: float, text: str, font: str, size: float) -> None:
        self._pages[-1].operations.append(
            b"BT /%s %.2f Tf %.2f %.2f Td %s Tj ET" % (font.encode(), size, x, self._y, _encode(text))
        )

    # -- content -----------------------------------------------------------
    def heading(self, text: str, size: float = 15.0) -> None:
        """A bold title line (wrapped when long), with space after it."""
        self.paragraph(text, size=size, bold=True, after=6)

    def paragraph(
        self, text: str, *, size: float = 10.5, bold: bool = False, after: float = 6.0, indent: float = 0.0
    ) -> None:
        """Wrapped text; explicit newlines start new lines."""
        font = BOLD if bold else REGULAR
        leading = size * 1.35
        for line in wrap(text, font, size, self.usable_width - indent):
            self._reserve(leading)
            self._y -= leading
            self._draw(self.margin + indent, line, font, size)
        self._y -= after

    def bullets(
        self,
        items: Sequence[tuple[str, Sequence[str]]],
        *,
        size: float = 10.5,
        indent: float = 12.0,
        after: float = 6.0,
    ) -> None:
        """A bulleted list: each item wraps under its own text, not under its bullet; items may have sub-items."""
        for text, subs in items:
            self._item("•", text, size, indent)
            for sub in subs:
                self._item("–", sub, size, indent + _MARK_GAP)
        self._y -= after

    def _item(self, mark: str, text: str, size: float, indent: float) -> None:
        leading = size * 1.35
        lines = wrap(text, REGULAR, size, self.usable_width - indent - _MARK_GAP)
        for number, line in enumerate(lines):
            self._reserve(leading)
            self._y -= leading
            if number == 0:
                self._draw(self.margin + indent, mark, REGULAR, size)
            self._draw(self.margin + indent + _MARK_GAP, line, REGULAR, size)
        self._y -= 2

    def squares_beside(
        self, grid: Sequence[Sequence[bool]], text: Callable[[], None], *, module: float, quiet: int = 4
    ) -> None:
        """Black squares (True) at the right of the text width, and ``text`` (drawing calls) flowing to their left.

        A QR code and what it is for, kept on one page: the grid has a blank
        margin of ``quiet`` modules, and each row's runs of black modules are
        one rectangle, so that no reader shows hairlines between neighbours.
        """
        side = (len(grid) + 2 * quiet) * module
        self._reserve(side)
        top = self._y
        left = self.page_size[0] - self.margin - side + quiet * module
        rectangles = []
        for row, cells in enumerate(grid):
            y = top - (quiet + row + 1) * module
            column = 0
            while column < len(cells):
                if not cells[column]:
                    column += 1
                    continue
                start = column
                while column < len(cells) and cells[column]:
                    column += 1
                rectangles.append(
                    b"%.3f %.3f %.3f %.3f re" % (left + start * module, y, (column - start) * module, module)
                )
        if rectangles:
            self._pages[-1].operations.append(b"q 0 g " + b" ".join(rectangles) + b" f Q")
        self._inset = side
        try:
            text()
        finally:
            self._inset = 0.0
        self._y = min(self._y, top - side)

    def rows(self, pairs: list[tuple[str, str]], *, size: float = 10.0, label_width: float = 170.0) -> None:
        """Label/value rows: bold labels on the left, wrapped values on the right."""
        leading = size * 1.4
        value_width = self.usable_width - label_width
        for label, value in pairs:
            lines = wrap(value, REGULAR, size, value_width)
            self._reserve(leading * len(lines))
            self._y -= leading
            self._draw(self.margin, label, BOLD, size)
            self._draw(self.margin + label_width, lines[0], REGULAR, size)
            for line in lines[1:]:
                self._y -= leading
                self._draw(self.margin + label_width, line, REGULAR, size)
        self._y -= 6

    def rule(self) -> None:
        """A thin horizontal line across the text width."""
        self._reserve(10)
        self._y -= 5
        left, right = self.margin, self.page_size[0] - self.margin
        self._pages[-1].operations.append(b"0.6 w %.2f %.2f m %.2f %.2f l S" % (left, self._y, right, self._y))
        self._y -= 5

    # -- output ------------------------------------------------------------
    def _footer_operations(self, number: int, total: int) -> list[bytes]:
        text = f"{self.footer} — page {number}/{total}" if self.footer else ""
        if not text:
            return []
        x = self.margin
        return [b"BT /%s 8.00 Tf %.2f %.2f Td %s Tj ET" % (REGULAR.encode(), x, self.margin - 20, _encode(text))]

    def to_bytes(self) -> bytes:
        """Serialize the document (PDF 1.4, compressed content streams)."""
        objects: list[bytes] = []

        def add(body: bytes) -> int:
            objects.append(body)
            return len(objects)

        catalog = add(b"")  # filled once the page tree's number is known
        pages_ref = add(b"")
        fonts = {
            name: add(b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>" % base.encode())
            for name, base in _FONT_NAMES.items()
        }
        font_dict = b" ".join(b"/%s %d 0 R" % (name.encode(), ref) for name, ref in fonts.items())
        kids = []
        total = len(self._pages)
        for number, page in enumerate(self._pages, start=1):
            stream = zlib.compress(b"\n".join(page.operations + self._footer_operations(number, total)))
            content = add(b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream))
            kids.append(
                add(
                    b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.2f %.2f] "
                    b"/Resources << /Font << %s >> >> /Contents %d 0 R >>"
                    % (pages_ref, self.page_size[0], self.page_size[1], font_dict, content)
                )
            )
        objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_ref
        objects[pages_ref - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
            b" ".join(b"%d 0 R" % k for k in kids),
            len(kids),
        )
        info_fields = [b"/Producer (Ardoise)", b"/Title " + _encode(self.title), b"/Author " + _encode(self.author)]
        if self.created is not None:
            info_fields.append(b"/CreationDate (D:%s)" % self.created.strftime("%Y%m%d%H%M%SZ").encode())
        info = add(b"<< " + b" ".join(info_fields) + b" >>")
        return _serialize(objects, catalog, info)


def _serialize(objects: list[bytes], root: int, info: int) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        root,
        info,
        xref,
    )
    return bytes(out)
