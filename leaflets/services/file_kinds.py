"""Say what a file that is not a photo looks like, from its first bytes, so a refusal can name it."""

from __future__ import annotations

import codecs

# (offset, magic bytes, what the file looks like); the first match wins.
_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"%PDF-", "a PDF document"),
    (0, b"GIF87a", "a GIF image"),
    (0, b"GIF89a", "a GIF image"),
    (0, b"BM", "a BMP image"),
    (0, b"II*\x00", "a TIFF image"),
    (0, b"MM\x00*", "a TIFF image"),
    (0, b"\x00\x00\x00\x0cjP  ", "a JPEG 2000 image"),
    (0, b"\xff\x4f\xff\x51", "a JPEG 2000 image"),
    (0, b"8BPS", "a Photoshop document"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (0, b"PK\x03\x04", "a ZIP archive or Office document"),
    (0, b"Rar!", "a RAR archive"),
    (0, b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (0, b"\x1f\x8b", "a gzip archive"),
    (0, b"{\\rtf", "a Rich Text document"),
    (0, b"ID3", "an MP3 recording"),
    (0, b"OggS", "an Ogg recording"),
    (0, b"\x1aE\xdf\xa3", "a WebM or Matroska video"),
    (8, b"AVI ", "an AVI video"),
    (8, b"WAVE", "a WAV recording"),
    (4, b"ftypqt", "a QuickTime video"),
    (4, b"ftyp", "an MP4 video or another ISO media file"),
)


def _looks_like_text(head: bytes) -> str | None:
    try:
        # Incremental: a character cut at the end of `head` is not an error, any other bad byte is.
        text = codecs.getincrementaldecoder("utf-8")().decode(head).lstrip("\ufeff").lstrip().lower()
    except UnicodeDecodeError:
        return None
    if text.startswith("<svg") or (text.startswith("<?xml") and "<svg" in text):
        return "an SVG drawing"
    if text.startswith(("<!doctype html", "<html")):
        return "a web page (HTML)"
    if text.startswith("<?xml"):
        return "an XML document"
    printable = sum(ch.isprintable() or ch.isspace() for ch in text)
    return "a text file" if text and printable / len(text) > 0.95 else None


def describe(data: bytes) -> str:
    """'a PDF document', 'a GIF image', ... or 'a file of an unknown kind'."""
    for offset, magic, kind in _SIGNATURES:
        if data[offset : offset + len(magic)] == magic:
            return kind
    return _looks_like_text(data[:512]) or "a file of an unknown kind"
