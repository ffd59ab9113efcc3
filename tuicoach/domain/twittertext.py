"""Measure a tweet as X does (twitter-text config v3), and find its entities.

First version: the API is final, the URL rules are simplified. To be made
exact against the twitter-text conformance suite.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import regex

MAX_WEIGHTED_LENGTH = 280
SCALE = 100
DEFAULT_WEIGHT = 200
URL_LENGTH = 23
# (first code point, last code point, weight): everything else weighs DEFAULT_WEIGHT.
RANGES = ((0, 4351, 100), (8192, 8205, 100), (8208, 8223, 100), (8242, 8247, 100))
INVALID_CHARACTERS = frozenset("\ufffe\ufeff\uffff")


@dataclass(frozen=True, slots=True)
class Entity:
    """A URL, @mention or #hashtag; ``start``/``end`` are Python str offsets."""

    kind: str  # "url" | "mention" | "hashtag" | "cashtag"
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ParseResult:
    weighted_length: int
    valid: bool
    permillage: int


_URL = regex.compile(
    r"(?<![\w@#$])(?:https?://[^\s]+|www\.[^\s]+|[\w-]+\.(?:com|co|io|net|org|shop)\b[^\s]*)",
    regex.IGNORECASE,
)
_MENTION = regex.compile(r"(?<![\w@＠])[@＠](\w{1,15})(?!\w)")
_HASHTAG = regex.compile(r"(?<![\w&])[#＃](\w*[^\W\d]\w*)")
_CASHTAG = regex.compile(r"(?<![\w$])\$([A-Za-z]{1,6})(?![\w])")
_CLUSTER = regex.compile(r"\X")
_EMOJI = regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3")


def _weight(char: str) -> int:
    code = ord(char)
    for first, last, weight in RANGES:
        if first <= code <= last:
            return weight
    return DEFAULT_WEIGHT


def extract_urls(text: str) -> list[Entity]:
    return [Entity("url", m.group(0), m.start(), m.end()) for m in _URL.finditer(text)]


def extract_mentions(text: str) -> list[Entity]:
    return [Entity("mention", m.group(1), m.start(), m.end()) for m in _MENTION.finditer(text)]


def extract_hashtags(text: str) -> list[Entity]:
    return [Entity("hashtag", m.group(1), m.start(), m.end()) for m in _HASHTAG.finditer(text)]


def extract_cashtags(text: str) -> list[Entity]:
    return [Entity("cashtag", m.group(1), m.start(), m.end()) for m in _CASHTAG.finditer(text)]


def parse_tweet(text: str) -> ParseResult:
    """Weighted length and validity of ``text``, as X counts them."""
    normalized = unicodedata.normalize("NFC", text)
    scaled = 0
    position = 0
    for url in extract_urls(normalized):
        scaled += _scaled_text_length(normalized[position : url.start])
        scaled += URL_LENGTH * SCALE
        position = url.end
    scaled += _scaled_text_length(normalized[position:])
    length = scaled // SCALE
    valid = (
        bool(normalized.strip())
        and length <= MAX_WEIGHTED_LENGTH
        and not any(c in INVALID_CHARACTERS for c in normalized)
    )
    return ParseResult(length, valid, length * 1000 // MAX_WEIGHTED_LENGTH)


def weighted_length(text: str) -> int:
    return parse_tweet(text).weighted_length


def _scaled_text_length(text: str) -> int:
    total = 0
    for cluster in _CLUSTER.findall(text):
        if _EMOJI.search(cluster):
            total += DEFAULT_WEIGHT
        else:
            total += sum(_weight(c) for c in cluster)
    return total
