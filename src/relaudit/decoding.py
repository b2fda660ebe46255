"""Decoding bytes that should be UTF-8 but may not be: the fallback encodings, tried in order."""

from __future__ import annotations

# Tried in order when a line is not UTF-8: cp1252 covers what Windows spreadsheets write, latin-1 cannot fail.
FALLBACK_ENCODINGS = ("cp1252", "latin-1")


def decode_bytes(raw: bytes) -> tuple[str, str | None]:
    """A whole text: UTF-8 (BOM tolerated), else the first fallback encoding that accepts it, named."""
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return decode_fallback(raw)


def decode_fallback(raw: bytes) -> tuple[str, str]:
    """Decode bytes that are not UTF-8 with the first fallback encoding that accepts them."""
    for encoding in FALLBACK_ENCODINGS:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover
