"""Triage skips the word lists that cannot match a text; the verdicts stay the same.

A list is searched only where the text has a run of word characters that one
of its words starts with (or, for symbols, one of their characters). These
tests hold that shortcut to the full search, on text made of the lists' own
words, their stems and neighbours, the characters whose case rules are not
ASCII's, emoji, and the punctuation that cuts clauses.
"""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tuicoach.domain.triage import Triage, TriageSettings, TriageWords, _Cues

WORDS = TriageWords()


class Scanning(Triage):
    """A reader that never gets busy: its word lists stay scanners (see Triage), however
    many texts the tests give it."""

    def _compile(self) -> None:
        pass


class FullSearch(Scanning):
    """The same reader with every gate open: each list searched over the whole text."""

    def _cues(self, masked: str) -> _Cues:
        all_bits = self._gating.all_bits
        return _Cues(all_bits, {}, all_bits)


GATED, FULL = Scanning(), FullSearch()

PIECES = st.sampled_from(
    sorted(
        {w.rstrip("*") for w in (*WORDS.complaint, *WORDS.praise, *WORDS.request)}
        | {w.rstrip("*") for w in (*WORDS.waiting, *WORDS.resolved, *WORDS.negators)}
        | {w.rstrip("*") for w in (*WORDS.question_openers, *WORDS.resolution)}
        | set(WORDS.overcoming)
        | set(WORDS.complaint_emoji)
        | set(WORDS.thanks_emoji)
        | {
            "ed", "ing", "s", "'s", "n't", "'ve", "could've", "shouldn't've", "itd", "it'd",
            "would be great if", "for not", "but", "however", "@united", "@brand", "http://x.co/a",
            "&amp;", "İ", "ſ", "K", "É", "é", "’", "`", "DELAYED", "YESTERDAY", "!!", "??", "?",
            ".", ",", ";", " - ", "…", "\n", "#fail", "#Love", "3 hours", "10/10", "a+", "<3",
            ":)", ":D", "🙏", "😡", "Ⓐ", "x", "_", "1",
        }
    )
)  # fmt: skip
SEPARATORS = st.sampled_from(["", " ", "  ", ", ", ". ", "'", "-"])


@st.composite
def texts(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.tuples(PIECES, SEPARATORS), max_size=10))
    return "".join(piece.upper() if draw(st.booleans()) and len(piece) < 4 else piece + sep
                   for piece, sep in parts)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(texts())
@example("@united could've been better, not helpful at all 😡")
@example("İn the end: ſorry, no help. Thanks for nothing!!")
@example("thanks for cancelling my flight. Awesome!")
def test_gated_verdicts_are_the_full_searchs(text: str) -> None:
    assert GATED.classify(text) == FULL.classify(text)
    assert GATED.classify(text, spam=False) == FULL.classify(text, spam=False)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_text_reads_the_same_gated_or_not(text: str) -> None:
    assert GATED.classify(text) == FULL.classify(text)


def test_a_users_own_words_are_gated_too() -> None:
    words = WORDS.extended(complaint=("meh", "naff*", "ſad", "café"), praise=("chuffed",))
    gated = Scanning(TriageSettings(words=words))
    full = FullSearch(TriageSettings(words=words))
    for text in ("meh.", "so naffing slow", "sad day", "SAD", "the café was shut", "chuffed!"):
        assert gated.classify(text) == full.classify(text), text
    assert gated.classify("so naffing slow").band.value == "needs-answer"


def busy() -> Triage:
    """A reader past its scanned readings: every pattern compiled (see Triage)."""
    reader = Triage()
    reader._compile()
    return reader


BUSY = busy()


def test_the_readers_compared_stay_as_they_are() -> None:
    from tuicoach.domain.triage import _Scanner

    for i in range(300):
        GATED.classify(f"tweet {i}: not helpful")
    assert isinstance(GATED._negated_praise, _Scanner)
    assert not isinstance(BUSY._negated_praise, _Scanner)


@settings(max_examples=300, deadline=None)
@given(texts())
@example("thanks for cancelling my flight. Awesome! not helpful, worse than @united")
@example("despite the delay, great crew :) no problem")
def test_a_busy_readers_compiled_patterns_read_as_the_scanners_do(text: str) -> None:
    assert BUSY.classify(text) == GATED.classify(text)
    assert BUSY.classify(text, spam=False) == GATED.classify(text, spam=False)


def test_a_reader_compiles_its_patterns_once_busy() -> None:
    from tuicoach.domain.triage import _SCANNED_READS, _Scanner

    reader = Triage()
    reader.classify("thanks for nothing, not helpful")
    assert isinstance(reader._praise, _Scanner) and isinstance(reader._negated_praise, _Scanner)
    for i in range(_SCANNED_READS):
        reader.classify(f"tweet {i}: still waiting, thanks for nothing")
    assert not isinstance(reader._praise, _Scanner)
    assert not isinstance(reader._negated_praise, _Scanner)
    assert reader.classify("thanks for nothing, not helpful") == GATED.classify(
        "thanks for nothing, not helpful"
    )
