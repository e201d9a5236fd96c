"""QR codes for printed documents: the modules of a symbol, drawn by ``pdf.TextPdf.squares``.

Encoding is segno's (pure Python, no dependency, ~70 KB zipped), imported
only when a code is made: a letter is rare, and an API function's cold start
never pays for it.
"""

from __future__ import annotations


def qr_modules(text: str) -> list[list[bool]]:
    """The dark (True) and light modules of a QR code for ``text``, error correction level M, quiet zone excluded."""
    import segno

    # M survives a crease or a stain on paper (15 % of the symbol) and keeps a long link at a readable size.
    symbol = segno.make_qr(text, error="m", boost_error=False)
    return [[bool(module) for module in row] for row in symbol.matrix]
