"""Repairing Meta's export mojibake: UTF-8 bytes written out as one latin-1 code point each.

Facebook's and Instagram's "Download your information" JSON escapes every byte of a UTF-8 character separately, so
"é" arrives as "\\u00c3\\u00a9" and reads "Ã©". Re-encoding such a string as latin-1 gives back the original bytes,
which then decode as UTF-8. The repair is exact and safe: text that was stored correctly either has a character above
U+00FF (so it cannot be latin-1 encoded) or is not valid UTF-8 once encoded (a lone "é" is byte 0xE9), and is left as
it is.
"""

from __future__ import annotations

from typing import Any


def repair(text: str) -> str:
    """The text with latin-1-escaped UTF-8 decoded; unchanged when it is not that kind of mojibake."""
    if text.isascii():
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return text


def repair_tree(value: Any) -> Any:
    """A parsed JSON value with every string in it (keys included) repaired.

    Iterative, not recursive: a post may hold JSON nested far deeper than Python's recursion limit.
    """
    if not isinstance(value, (list, dict)):
        return repair(value) if isinstance(value, str) else value
    root: Any = [] if isinstance(value, list) else {}
    stack: list[tuple[Any, Any]] = [(value, root)]
    while stack:
        source, target = stack.pop()
        pairs = source.items() if isinstance(source, dict) else enumerate(source)
        for key, item in pairs:
            if isinstance(item, (list, dict)):
                child: Any = [] if isinstance(item, list) else {}
                stack.append((item, child))  # filled later; its place in target is kept now
            else:
                child = repair(item) if isinstance(item, str) else item
            if isinstance(target, dict):
                target[repair(key) if isinstance(key, str) else key] = child
            else:
                target.append(child)
    return root
