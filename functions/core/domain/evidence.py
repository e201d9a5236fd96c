"""Which files may be sent as evidence, and whether the bytes received are what was declared.

A file (a debtor's evidence, a creditor's document) is declared first (name,
type, size), then uploaded: the bytes must have exactly the declared size and
look like the declared type, judged from their content as a browser would
sniff it (WHATWG MIME Sniffing), so that a page of HTML never passes for a
text file nor a PDF.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from functions.core.errors import FieldError

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
TEXT = "text/plain"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# An e-invoice (UBL or CII): creditors' invoices only, never a debtor's evidence.
XML = "application/xml"
ACCEPTED_TYPES = frozenset({PDF, JPEG, PNG, TEXT, DOCX})
# Each file at most 5 MB (S3's upload policy enforces it too), at most 10 files per report.
MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
MAX_EVIDENCE_FILES = 10


@dataclass(frozen=True)
class Evidence:
    """A file the debtor declared (and, once checked, uploaded) for its dispute."""

    id: str
    report_id: str
    filename: str
    content_type: str
    declared_bytes: int
    key: str
    created_at: datetime


# Bytes that never occur in text (WHATWG MIME Sniffing, "binary data byte").
_BINARY = frozenset([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20)])
_UTF16_BOMS = (b"\xfe\xff", b"\xff\xfe")
# What a browser would take for markup (WHATWG, "identifying an unknown MIME type"): a tag then a space or ">".
_TAGS = (
    b"<!doctype html", b"<html", b"<head", b"<script", b"<iframe", b"<h1", b"<div", b"<font", b"<table", b"<a",
    b"<style", b"<title", b"<b", b"<body", b"<br", b"<p", b"<svg",
)  # fmt: skip
_TAG_TERMINATORS = (b" ", b">")
# Markup or another document whatever follows.
_PREFIXES = (b"<!--", b"<?xml", b"%pdf-", b"%!ps-adobe-")
_SPACE = b"\t\n\x0c\r "


def _looks_like_html(start: bytes) -> bool:
    return any(start.startswith(tag) and start[len(tag) : len(tag) + 1] in _TAG_TERMINATORS for tag in _TAGS)


def _looks_like_markup(content: bytes) -> bool:
    start = content.removeprefix(b"\xef\xbb\xbf").lstrip(_SPACE)[:64].lower()
    return start.startswith(_PREFIXES) or _looks_like_html(start)


def _is_text(content: bytes) -> bool:
    if content.startswith(_UTF16_BOMS):
        try:
            text = content.decode("utf-16")
        except UnicodeDecodeError:
            return False
        return not _looks_like_markup(text.encode()) and not any(ord(c) in _BINARY for c in text)
    return not any(byte in _BINARY for byte in content) and not _looks_like_markup(content)


def _is_docx(content: bytes) -> bool:
    if not content.startswith(b"PK\x03\x04"):
        return False
    import io
    import zipfile  # deferred: 25 ms of the directory's cold start, for the rare Word file

    try:
        # Only the central directory is read: nothing is decompressed.
        names = set(zipfile.ZipFile(io.BytesIO(content)).namelist())
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError):
        return False
    return {"[Content_Types].xml", "word/document.xml"} <= names


def _is_xml(content: bytes) -> bool:
    """An XML document: text starting (after a byte-order mark and spaces) with a declaration or an element.

    Never a page a browser would render as HTML (an ``<html>`` or ``<script>`` root).
    """
    start = content.removeprefix(b"\xef\xbb\xbf").lstrip(_SPACE)
    if not start.startswith(b"<") or _looks_like_html(start[:64].lower()) or any(b in _BINARY for b in content):
        return False
    second = start[1:2]
    return start.startswith(b"<?xml") or second.isalpha() or second == b"_"


_LOOKS_LIKE: dict[str, Callable[[bytes], bool]] = {
    PDF: lambda content: content.startswith(b"%PDF-"),
    JPEG: lambda content: content.startswith(b"\xff\xd8\xff"),
    PNG: lambda content: content.startswith(b"\x89PNG\r\n\x1a\n"),
    TEXT: _is_text,
    DOCX: _is_docx,
    XML: _is_xml,
}


def content_matches(content_type: str, content: bytes) -> bool:
    """Say whether ``content`` looks like a file of the declared ``content_type`` (one of ACCEPTED_TYPES)."""
    looks_like = _LOOKS_LIKE.get(content_type)
    return looks_like is not None and looks_like(content)


def unlike_declared(content_type: str, declared_bytes: int, content: bytes, field: str = "") -> FieldError | None:
    """Say how the bytes received differ from the declaration (size first, then type), or None."""
    if len(content) != declared_bytes:
        return FieldError(
            field or "size",
            "taille_differente",
            f"Le fichier reçu fait {len(content)} octets ; {declared_bytes} étaient annoncés.",
        )
    if not content_matches(content_type, content):
        return FieldError(
            field or "content_type",
            "contenu_different_du_type",
            f"Le contenu du fichier ne correspond pas au type annoncé ({content_type}).",
        )
    return None
