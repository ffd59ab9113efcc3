"""The lexicon's word set finds exactly what its compiled pattern would: the same words,
at the same places, in any case, across hyphens, beside apostrophes and digits."""

from __future__ import annotations

import re
import sys
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tuicoach.domain.triage import (
    _ASCII_FOLDS,
    _FAILED_ACTS,
    Triage,
    TriageSettings,
    TriageWords,
    _chars,
    _competitor_pattern,
    _negated_praise_pattern,
    _overcome_pattern,
    _Phrases,
    _Scanner,
    _Symbols,
    _thanks_for_pattern,
    _vader_words,
    _words,
    _WordSet,
)

WORDS = ("bad", "bad'", "awful", "son-of-a-bitch", "son", "kill", "sick", "ill", "don't")
PIECES = (*WORDS, "Bad", "BAD", "ſick", "\u212aill", "\u0130ll", "\u0131ll", "badé", "bad_",
          "'bad", "-", "--", "'", " ", "  ", ", ", "9", "é", "of", "a", "bitch", "Son-Of-A-Bitch",
          "son-of", "@", "\n", "😀")  # fmt: skip


def spans(found: object) -> list[tuple[int, int, str]]:
    return [(m.span()[0], m.span()[1], m.group()) for m in found]  # type: ignore[attr-defined]


def assert_finds_as(mine: Any, pattern: re.Pattern[str], text: str) -> None:
    """``mine`` finds in ``text`` what ``pattern`` finds: every match, and a match (or none)
    at every position."""
    assert spans(mine.finditer(text)) == spans(pattern.finditer(text))
    for start in range(len(text) + 1):
        found, theirs = mine.match(text, start), pattern.match(text, start)
        assert (found and (found.span(), found.group())) == (
            theirs and (theirs.span(), theirs.group())
        )


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12))
def test_the_word_set_finds_what_the_pattern_finds(pieces: list[str]) -> None:
    text = "".join(pieces)
    pattern, words = _words(WORDS), _WordSet(WORDS)
    assert_finds_as(words, pattern, text)


def test_on_the_real_lexicon_too() -> None:
    lexicon = _vader_words(-1.5)
    assert len(lexicon) > 1000 and _WordSet.fits(lexicon)
    text = "What a HORRIBLE, disgusting-ish day... son-of-a-bitch! not hopeless; ſcrewed up"
    assert spans(_WordSet(lexicon).finditer(text)) == spans(_words(lexicon).finditer(text))
    assert isinstance(Triage()._lexicon, _WordSet)  # the default reader uses it


def test_the_folds_are_every_character_beyond_ascii_that_matches_an_ascii_letter() -> None:
    letter = re.compile(r"[a-z]", re.IGNORECASE)
    beyond = [chr(c) for c in range(0x80, sys.maxunicode + 1) if letter.fullmatch(chr(c))]
    assert {c: c.translate(_ASCII_FOLDS) for c in beyond} == {
        c: next(x for x in "abcdefghijklmnopqrstuvwxyz" if re.fullmatch(x, c, re.I)) for c in beyond
    }
    # ... and no other character lowers to ASCII (which would let the set match more).
    assert all(
        not chr(c).lower().isascii() or chr(c) in beyond for c in range(0x80, sys.maxunicode + 1)
    )


def test_words_it_cannot_stand_for_are_refused() -> None:
    assert not _WordSet.fits(["disappoint*"])
    assert not _WordSet.fits(["no one"])
    assert not _WordSet.fits(["#fail"])
    assert _WordSet.fits(["don't", "son-of-a-bitch"])


def test_the_lexicon_is_read_as_importlib_resources_reads_it() -> None:
    """The opening thread reads the lexicon file beside the package (no importlib.resources
    before the first frame): the same text, every word and mean."""
    import importlib.resources

    from tuicoach.domain.triage import _vader_lexicon, _vader_text

    file = importlib.resources.files("vaderSentiment") / "vader_lexicon.txt"
    expected = file.read_text(encoding="utf-8")
    assert _vader_text() == expected
    assert len(_vader_lexicon()) > 5000 and _vader_lexicon()["good"] > 0


def test_no_lexicon_installed_reads_as_none(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from tuicoach.domain import triage

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    assert triage._vader_text() is None


# --- _Phrases: any word list of ASCII and symbols, found without compiling its trie ----------

LISTED = TriageWords()
PHRASE_PIECES = sorted(
    {w.rstrip("*") for name in TriageWords.names() for w in getattr(LISTED, name)}
    | {"ed", "ing", "'s", "n't", "s", "é", "ſ", "\u212a", "\u0130", "_", "9", "!", "-", "'"}
    | {" ", "  ", ", ", ". ", "\n", "@x", "#", "😀", "Ⓐ", "NOT", "Thanks"}
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(TriageWords.names()),
    st.lists(st.sampled_from(PHRASE_PIECES), max_size=10),
    st.integers(0, 60),
    st.integers(0, 80),
)
def test_the_phrases_find_what_the_pattern_finds(
    name: str, pieces: list[str], a: int, b: int
) -> None:
    words = getattr(LISTED, name)
    assert _Phrases.fits(words)
    text = "".join(pieces)
    pattern, phrases = _words(words), _Phrases(words)
    assert_finds_as(phrases, pattern, text)
    mine, theirs = phrases.search(text, a, b), pattern.search(text, a, b)
    assert (mine and mine.span()) == (theirs and theirs.span())


def test_phrases_it_cannot_stand_for_are_refused() -> None:
    assert _Phrases.fits(["no one", "disappoint*", "#fail", "<3", "help!", "🚀"])
    assert not _Phrases.fits(["café"])  # a cased letter beyond ASCII: the engine's rules
    assert not _Phrases.fits([" no"]) and not _Phrases.fits([""])
    mixed = Triage(TriageSettings(words=LISTED.extended(complaint=("café",))))
    assert not isinstance(mixed._complaint, _Phrases)
    assert isinstance(Triage()._complaint, _Phrases)


# --- the patterns of several lists, found the same way ---------------------------------------

COMPOSITE_PIECES = sorted(
    set(PHRASE_PIECES)
    | {"the", "@united", "＠delta", "very", "so", "for", "thank you", "THANK", "thanks", "   "}
)


def _composites() -> dict[str, tuple[object, re.Pattern[str]]]:
    reader = Triage()
    w = LISTED
    targets = (
        *w.sarcasm_targets,
        *(c for c in w.complaint if c not in reader._weak),
        *_FAILED_ACTS,
    )
    return {
        "overcome": (reader._overcome, _overcome_pattern(w.overcoming)),
        "negated praise": (reader._negated_praise, _negated_praise_pattern(w.negators, w.praise)),
        "thanks for": (reader._thanks_for_failure, _thanks_for_pattern(targets)),
        "competitor": (reader._competitor, _competitor_pattern(w.competitor_comparisons)),
    }


COMPOSITES = _composites()


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(sorted(COMPOSITES)),
    st.lists(
        st.tuples(st.sampled_from(COMPOSITE_PIECES), st.sampled_from(["", " ", " ", "  ", "-"])),
        max_size=9,
    ),
)
@example(
    "thanks for", [("thank you", " "), ("so", " "), ("much", " "), ("for", " "), ("losing", "")]
)
@example("negated praise", [("not", "   "), ("very", " "), ("really", " "), ("helpful", "")])
@example("competitor", [("worse than", " "), ("THE", "  "), ("＠delta", "")])
@example("overcome", [("despite", " "), ("the", "   "), ("long", " "), ("delay", "")])
def test_the_scanners_find_what_their_patterns_find(
    name: str, parts: list[tuple[str, str]]
) -> None:
    scanner, pattern = COMPOSITES[name]
    assert isinstance(scanner, _Scanner)
    text = "".join(piece + sep for piece, sep in parts)
    assert_finds_as(scanner, pattern, text)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["complaint_emoji", "thanks_emoji"]),
    st.lists(st.sampled_from(PHRASE_PIECES), max_size=10),
)
def test_the_symbols_find_what_their_pattern_finds(name: str, pieces: list[str]) -> None:
    symbols = getattr(LISTED, name)
    assert _Symbols.fits(symbols)
    text = "".join(pieces)
    pattern, found = _chars(symbols), _Symbols(symbols)
    assert_finds_as(found, pattern, text)
    assert not _Symbols.fits(["xd", ":("])  # a word's character first: the pattern's job
