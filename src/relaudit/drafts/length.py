"""Post length counted the way each platform counts it, so the limit we check is the one the composer enforces."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import regex

# Links count as this many characters on X (t.co wrapping) and on Mastodon, whatever their real length.
LINK_WEIGHT = 23
_URL = regex.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")
_MASTODON_MENTION = regex.compile(r"(?<![\w@])(@\w+)@[\w.-]+\w")
_GRAPHEME = regex.compile(r"\X")
_EMOJI = regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}")
# twitter-text v3 (config/v3.json): these code point ranges weigh 1, every other code point 2, an emoji 2.
_X_LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))


@dataclass(frozen=True)
class Platform:
    """A platform's post limit and how it counts."""

    name: str
    limit: int
    counting: str  # x | mastodon | graphemes | characters
    note: str


PLATFORMS = {
    p.name: p
    for p in (
        Platform("x", 280, "x", "weighted: links 23, CJK and emoji 2"),
        Platform("mastodon", 500, "mastodon", "characters; links 23; @user@server counts as @user"),
        Platform("bluesky", 300, "graphemes", "graphemes (what a reader sees as one character)"),
        Platform("threads", 500, "characters", "characters"),
        Platform("linkedin", 3000, "characters", "characters"),
        Platform("facebook", 63206, "characters", "characters"),
        Platform("instagram", 2200, "characters", "caption characters"),
    )
}


def measure(text: str, platform: str) -> int:
    """The length of a post as the platform's composer counts it."""
    counting = PLATFORMS[platform].counting
    if counting == "x":
        return _x_length(text)
    if counting == "mastodon":
        links = len(_URL.findall(text))
        plain = _MASTODON_MENTION.sub(r"\1", _URL.sub("", text))
        return len(_GRAPHEME.findall(plain)) + links * LINK_WEIGHT
    if counting == "graphemes":
        return len(_GRAPHEME.findall(text))
    return len(text)


def cut_offset(text: str, platform: str) -> int | None:
    """Where in the text the platform's limit is passed (a character offset), or None when it fits."""
    limit = PLATFORMS[platform].limit
    if measure(text, platform) <= limit:
        return None
    low, high = 0, len(text)
    while low < high:  # the longest prefix that still fits; measure() grows with the prefix
        middle = (low + high + 1) // 2
        if measure(text[:middle], platform) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def _x_length(text: str) -> int:
    text = unicodedata.normalize("NFC", text)
    total = 0
    position = 0
    for match in _URL.finditer(text):
        total += _x_weight(text[position : match.start()]) + LINK_WEIGHT * 100
        position = match.end()
    total += _x_weight(text[position:])
    return -(-total // 100)


def _x_weight(text: str) -> int:
    weight = 0
    for cluster in _GRAPHEME.findall(text):
        if _EMOJI.match(cluster):
            weight += 200
            continue
        for char in cluster:
            code = ord(char)
            weight += 100 if any(low <= code <= high for low, high in _X_LIGHT) else 200
    return weight
