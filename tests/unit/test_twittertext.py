"""Weighted length and entities, held to twitter-text's conformance suite.

The suite (``validate.yml``, ``extract.yml``) is read at test time from the
shared fixtures; its ``replies`` and ``mentions_or_lists`` APIs have no
counterpart here, except that lists must not show up as mentions.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import regex
import yaml
from conftest import SHARED, shared_fixture
from hypothesis import given, settings
from hypothesis import strategies as st

from tuicoach.domain import twittertext as tt
from tuicoach.domain.twittertext import (
    MAX_WEIGHTED_LENGTH,
    URL_LENGTH,
    Entity,
    extract_cashtags,
    extract_hashtags,
    extract_mentions,
    extract_urls,
    parse_tweet,
    weighted_length,
)

CONFORMANCE = ("twitter-text-conformance",)


@cache
def _suite(name: str) -> dict[str, Any] | None:
    path = SHARED.joinpath("fixtures", *CONFORMANCE, name)
    if not path.exists():
        return None
    tests: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))["tests"]
    return tests


def _cases(name: str, *sections: str) -> list[Any]:
    """One parameter per conformance case; one that skips when the suite is absent."""
    suite = _suite(name)
    if suite is None:
        return [pytest.param(None, None, id=f"{name}-absent")]
    return [
        pytest.param(section, case, id=f"{section}: {case['description']}")
        for section in sections
        for case in suite[section]
    ]


def _need(name: str) -> Path:
    return shared_fixture(*CONFORMANCE, name)  # skips, saying where it looked


def _utf16_to_index(text: str, utf16_offset: int) -> int:
    units = 0
    for index, char in enumerate(text):
        if units >= utf16_offset:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
    return len(text)


# --- validate.yml ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("section", "case"),
    _cases(
        "validate.yml",
        "WeightedTweetsWithDiscountedEmojiCounterTest",
        "UnicodeDirectionalMarkerCounterTest",
    ),
)
def test_weighted_length_conformance(section: str, case: dict[str, Any]) -> None:
    _need("validate.yml")
    expected = case["expected"]
    result = parse_tweet(case["text"])
    assert (result.weighted_length, result.valid, result.permillage) == (
        expected["weightedLength"],
        expected["valid"],
        expected["permillage"],
    )
    if expected["weightedLength"] > MAX_WEIGHTED_LENGTH:
        # validRangeEnd is the last UTF-16 unit that fits; we give the first that does not.
        first_out = _utf16_to_index(case["text"], expected["validRangeEnd"] + 1)
        assert result.overflow_start == first_out
    else:
        assert result.overflow_start is None


# --- extract.yml ----------------------------------------------------------------


def _values(entities: list[Entity]) -> list[str]:
    return [e.text for e in entities]


def _with_indices(entities: list[Entity], key: str) -> list[dict[str, Any]]:
    return [{key: e.text, "indices": [e.start, e.end]} for e in entities]


@pytest.mark.parametrize(
    ("section", "case"),
    _cases("extract.yml", "urls", "tco_urls_with_params"),
)
def test_extract_urls_conformance(section: str, case: dict[str, Any]) -> None:
    _need("extract.yml")
    assert _values(extract_urls(case["text"])) == case["expected"]


@pytest.mark.parametrize(
    ("section", "case"),
    _cases("extract.yml", "urls_with_indices", "urls_with_directional_markers"),
)
def test_extract_urls_with_indices_conformance(section: str, case: dict[str, Any]) -> None:
    _need("extract.yml")
    assert _with_indices(extract_urls(case["text"]), "url") == case["expected"]


@pytest.mark.parametrize(("section", "case"), _cases("extract.yml", "mentions"))
def test_extract_mentions_conformance(section: str, case: dict[str, Any]) -> None:
    _need("extract.yml")
    assert _values(extract_mentions(case["text"])) == case["expected"]


@pytest.mark.parametrize(
    ("section", "case"),
    _cases("extract.yml", "mentions_with_indices", "mentions_or_lists_with_indices"),
)
def test_extract_mentions_with_indices_conformance(section: str, case: dict[str, Any]) -> None:
    _need("extract.yml")
    expected = [
        {"screen_name": item["screen_name"], "indices": item["indices"]}
        for item in case["expected"]
        if not item.get("list_slug")  # "@user/list" names a list, not a person
    ]
    assert _with_indices(extract_mentions(case["text"]), "screen_name") == expected


@pytest.mark.parametrize(
    ("section", "case"),
    _cases("extract.yml", "hashtags", "hashtags_from_astral"),
)
def test_extract_hashtags_conformance(section: str, case: dict[str, Any]) -> None:
    _need("extract.yml")
    assert _values(extract_hashtags(case["text"])) == case["expected"]


@pytest.mark.parametrize(("section", "case"), _cases("extract.yml", "hashtags_with_indices"))
def test_extract_hashtags_with_indices_conformance(section: str, case: dict[str, Any]) -> None:
    _need("extract.yml")
    assert _with_indices(extract_hashtags(case["text"]), "hashtag") == case["expected"]


@pytest.mark.parametrize(("section", "case"), _cases("extract.yml", "cashtags"))
def test_extract_cashtags_conformance(section: str, case: dict[str, Any]) -> None:
    _need("extract.yml")
    assert _values(extract_cashtags(case["text"])) == case["expected"]


@pytest.mark.parametrize(("section", "case"), _cases("extract.yml", "cashtags_with_indices"))
def test_extract_cashtags_with_indices_conformance(section: str, case: dict[str, Any]) -> None:
    _need("extract.yml")
    assert _with_indices(extract_cashtags(case["text"]), "cashtag") == case["expected"]


# --- Our own tables -------------------------------------------------------------

EMOJI_SEQUENCES = {
    "family (ZWJ)": "👨\u200d👩\u200d👧\u200d👦",
    "heart on fire (VS16 + ZWJ, Emoji 13.1)": "❤\ufe0f\u200d🔥",
    "thumbs up, medium skin tone": "👍🏽",
    "flag of Japan (regional indicators)": "🇯🇵",
    "flag of Scotland (tag sequence)": "🏴"
    + "".join(chr(0xE0000 + ord(c)) for c in "gbsct")
    + "\U000e007f",
    "keycap one": "1\ufe0f\u20e3",
    "keycap number sign": "#\ufe0f\u20e3",
    "keycap without VS16": "1\u20e3",
    "couple with heart, skin tones (Emoji 13.1)": "🧑🏻\u200d❤\ufe0f\u200d🧑🏿",
    "handshake, two skin tones (Emoji 14)": "🫱🏽\u200d🫲🏻",
    "person running right (Emoji 15.1)": "🏃\u200d➡\ufe0f",
    "rainbow flag": "🏳\ufe0f\u200d🌈",
    "copyright as emoji (VS16)": "©\ufe0f",
}


@pytest.mark.parametrize("emoji", EMOJI_SEQUENCES.values(), ids=EMOJI_SEQUENCES.keys())
def test_every_emoji_sequence_counts_two(emoji: str) -> None:
    assert weighted_length(emoji) == 2
    assert weighted_length(f"a{emoji}b{emoji}") == 1 + 2 + 1 + 2


# (text, weighted length) straight from config v3: code points 0-4351,
# U+2000-200D, U+2010-201F and U+2032-2037 weigh 1, everything else 2.
WEIGHTS = [
    ("Hello", 5),
    ("日本語", 6),  # CJK
    ("中文字", 6),
    ("한국어", 6),  # Hangul syllables
    ("ｶﾀｶﾅ", 8),  # half-width katakana is still outside the ranges
    ("。、", 4),  # CJK punctuation
    ("привет", 6),  # Cyrillic
    ("مرحبا", 5),  # Arabic
    ("สวัสดี", 6),  # Thai
    ("नमस्ते", 6),  # Devanagari
    ("café", 4),
    ("“quoted” – dash", 15),  # U+201C/D, U+2013 are in a 1-weight range
    ("…", 2),  # U+2026 is not
    ("€5", 3),  # U+20AC is not
    ("☺", 2),  # one code point weighs its range, emoji or not
    ("©", 1),  # a bare © is text (twitter-text needs VS16 to see an emoji)
    ("cafe\u0301", 4),  # NFC first: e + combining acute is one é
    ("\u1100\u1161\u11a8", 2),  # Hangul jamo compose to one syllable, 각
    ("", 0),
]


@pytest.mark.parametrize(("text", "expected"), WEIGHTS)
def test_weights_follow_config_v3(text: str, expected: int) -> None:
    assert weighted_length(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://example.com/a/very/long/path/that/goes/on/and/on/forever?x=1", URL_LENGTH),
        ("example.com", URL_LENGTH),  # no protocol, known TLD
        ("shop.example.co.uk/spring", URL_LENGTH),
        ("Read https://t.co/abc123 now", 5 + URL_LENGTH + 4),
        ("example.notatld", 15),  # not a TLD: plain text
        ("file.tar.bz2", 12),  # "bz2" is no TLD
        ("日本語のサイトexample.com", 14 + URL_LENGTH),  # a bare host right after CJK
    ],
)
def test_links_count_23(text: str, expected: int) -> None:
    assert weighted_length(text) == expected


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("x" * MAX_WEIGHTED_LENGTH, True),
        ("x" * (MAX_WEIGHTED_LENGTH + 1), False),
        ("字" * (MAX_WEIGHTED_LENGTH // 2), True),
        ("字" * (MAX_WEIGHTED_LENGTH // 2) + "x", False),
        ("", False),
        ("   \n\t ", False),
        ("\u3000", False),  # an ideographic space is whitespace too
        ("ok\ufeff", False),
        ("ok\ufffe", False),
        ("ok\uffff", False),
        ("ok", True),
    ],
)
def test_validity(text: str, valid: bool) -> None:
    assert parse_tweet(text).valid is valid


def test_overflow_start_points_into_the_text_as_given_when_nfc_shortens_it() -> None:
    # 150 decomposed é (300 code points, 150 after NFC), then 140 x: 290 in all.
    text = "e\u0301" * 150 + "x" * 140
    result = parse_tweet(text)
    assert result.weighted_length == 290
    # The 281st character after NFC is the 131st x.
    assert result.overflow_start == 300 + 130
    assert text[result.overflow_start :].count("x") == 10


def test_overflow_start_never_splits_a_decomposed_character() -> None:
    text = "x" * 279 + "e\u0301" + "e\u0301"
    result = parse_tweet(text)
    assert result.weighted_length == 281
    assert result.overflow_start == 281  # the second é, starting at its base letter


def test_overflow_start_is_at_a_link_that_does_not_fit() -> None:
    text = "x" * 270 + " https://example.com/page"
    result = parse_tweet(text)
    assert result.weighted_length == 271 + URL_LENGTH
    assert result.overflow_start == 271


def test_entity_offsets_are_into_the_text_as_given() -> None:
    text = "Cafe\u0301 #cafe\u0301 with @bob at cafe\u0301.example.com/menu"
    (hashtag,) = extract_hashtags(text)
    assert (hashtag.text, text[hashtag.start : hashtag.end]) == ("cafe\u0301", "#cafe\u0301")
    (mention,) = extract_mentions(text)
    assert text[mention.start : mention.end] == "@bob"
    (url,) = extract_urls(text)
    assert text[url.start : url.end] == url.text == "cafe\u0301.example.com/menu"


def test_mentions_hashtags_and_cashtags_inside_links_are_part_of_the_link() -> None:
    text = "see https://example.com/@bob/#tips?sym=$ABC and @amy #coffee"
    assert _values(extract_mentions(text)) == ["amy"]
    assert _values(extract_hashtags(text)) == ["coffee"]
    assert extract_cashtags(text) == []


def test_the_tld_list_ships_with_the_package() -> None:
    assert "com" in tt.GENERIC_TLDS and "jp" in tt.COUNTRY_TLDS
    assert "みんな" in tt.GENERIC_TLDS and "中国" in tt.COUNTRY_TLDS
    assert len(tt.GENERIC_TLDS) > 1000
    assert len(tt.COUNTRY_TLDS) > 250


# --- The linear URL scan against twitter-text's expression ----------------------


@cache
def _reference_url_pattern() -> regex.Pattern[str]:
    """extractUrl.js as written: backtracking labels, the TLD lists in source order.

    JavaScript's "i" without "u" is spelled out: ASCII letters in either case,
    other scripts' letters case-insensitively.
    """

    def tld(name: str) -> str:
        if name.isascii():
            return "".join(tt._either_case(char) for char in name)
        return f"(?i:{re.escape(name)})"

    invalid, directional = re.escape("\ufffe\ufeff\uffff"), re.escape(tt._DIRECTIONAL_CHARS)
    char = f"[^{tt._PUNCT}{tt._SPACES}{invalid}{directional}]"
    subdomain = rf"(?:(?:{char}(?:[_-]|{char})*)?{char}\.)"
    domain_name = rf"(?:(?:{char}(?:-|{char})*)?{char}\.)"
    gtld = "(?:(?:" + "|".join(map(tld, tt.GENERIC_TLDS)) + ")(?![0-9a-zA-Z@+-]))"
    cctld = "(?:(?:" + "|".join(map(tld, tt.COUNTRY_TLDS)) + ")(?![0-9a-zA-Z@+-]))"
    domain = rf"(?:{subdomain}*{domain_name}(?:{gtld}|{cctld}|[xX][nN]--[\-0-9a-zA-Z]+))"
    preceding = f"(?:[^A-Za-z0-9@＠$#＃{invalid}]|[{directional}]|^)"
    return regex.compile(
        rf"({preceding})(([hH][tT][tT][pP][sS]?://)?({domain}){tt._URL_TAIL.pattern})"
    )


def _reference_urls(text: str) -> list[tuple[int, int]]:
    """extractUrlsWithIndices.js over the reference expression."""
    spans: list[tuple[int, int]] = []
    for match in _reference_url_pattern().finditer(text):
        (start, end), (host_start, host_end) = match.span(2), match.span(4)
        assert bool(match.group(3)) == (host_start > start)  # a protocol
        spans.extend(
            tt._accepted(text, start, host_start, host_end, end, match.group(5) is not None)
        )
    return spans


URLISH = st.lists(
    st.sampled_from(
        [
            *"ab.-_/:@#$()?=&x日。é !",
            *["\u00a0", "\u202a", "\ufeff", "\u3000", "ſ", "Ａ", "みんな"],
            *["http://", "https://", "HTTP://", "com", "co", "jp", "t.co/", "xn--"],
        ]
    ),
    max_size=25,
).map("".join)


@given(URLISH)
@settings(max_examples=400, deadline=None)
def test_url_scan_finds_what_the_reference_expression_finds(text: str) -> None:
    assert list(tt._url_spans.__wrapped__(text)) == _reference_urls(text)


@pytest.mark.parametrize(
    "text",
    [
        "詳しくはこちらをご覧ください。" * 3 + "https://example.com/x",
        "a.com" + ".a" * 20,
        "a_b.c.com x-y_z.example.jp/path _a.com -b.com .c.com /d.com",
        "http://a.b.c.d.e.f.g.h.i.com:80/x?y=1#z and www.twitter.com.",
        "x.com.de.co.uk t.co/abc https://t.co/abc?x=1) (http://en.wikipedia.org/wiki/A_(b))",
        "例え.jp テスト.みんな http://テスト.みんな/ 嘉里大酒店.嘉里大酒店 foo.嘉里 bar.भारतम्",
    ],
)
def test_url_scan_agrees_with_the_reference_on_tricky_text(text: str) -> None:
    assert list(tt._url_spans.__wrapped__(text)) == _reference_urls(text)


# --- Properties ------------------------------------------------------------------


@given(st.text(max_size=400))
@settings(max_examples=300, deadline=None)
def test_any_text_parses_with_offsets_inside_it(text: str) -> None:
    result = parse_tweet(text)
    assert result.weighted_length >= 0
    assert result.permillage >= 0
    if result.overflow_start is not None:
        assert 0 <= result.overflow_start <= len(text)
        assert result.weighted_length > MAX_WEIGHTED_LENGTH
    if result.valid:
        assert 0 < result.weighted_length <= MAX_WEIGHTED_LENGTH
    for extract, sign in [
        (extract_urls, ""),
        (extract_mentions, "@＠"),
        (extract_hashtags, "#＃"),
        (extract_cashtags, "$"),
    ]:
        for entity in extract(text):
            assert 0 <= entity.start < entity.end <= len(text)
            written = text[entity.start : entity.end]
            assert written == entity.text if not sign else written[1:] == entity.text
            assert not sign or written[0] in sign


def test_import_compiles_nothing_until_first_use() -> None:
    """Start-up imports this module on the way to the first frame: the TLD trie,
    the ``regex`` module and the expressions wait until a tweet is measured."""
    import subprocess
    import sys

    probe = (
        "import sys, tuicoach.domain.twittertext as t\n"
        "print('regex' in sys.modules, t._tlds.cache_info().currsize)\n"
        "t.parse_tweet('see example.com'), t.extract_hashtags('a #tag')\n"
        "print('regex' in sys.modules, t._tlds.cache_info().currsize)\n"
    )
    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True, text=True, cwd=repo, timeout=60, check=True,
        env={"PYTHONPATH": str(repo), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert done.stdout.split("\n")[:2] == ["False 0", "True 1"]
