"""Reading a draft once, so that every rule can look at it cheaply.

:class:`DraftAnalysis` holds the draft's entities (from twitter-text), its
words, and two "masked" copies of the text in which links and @mentions (and,
in the second, hashtags) are blanked out with spaces. Masking keeps every
offset equal to the draft's, so a match in a masked copy is a span of the
draft, and a word list never matches inside a link or a handle.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from tuicoach.domain.twittertext import (
    Entity,
    ParseResult,
    extract_cashtags,
    extract_hashtags,
    extract_mentions,
    extract_urls,
    parse_tweet,
)

NUMBER = r"(?:\d+(?:[.,]\d+)?|one|two|three|four|five|six|seven|eight|nine|ten)"
_BETWEEN_WORDS = r"[\s\-]+"


class Span(NamedTuple):
    start: int
    end: int
    text: str


def phrase_pattern(phrase: str) -> str:
    """A word-list entry as a regex: whole words, spaces or hyphens between, ``<n>`` a number."""
    return (_HEAD if _starts_word(phrase) else "") + _phrase_body(phrase)


def _starts_word(phrase: str) -> bool:
    return _wordlike(phrase.strip()[:1] or " ")


def _phrase_body(phrase: str) -> str:
    """The phrase without its leading boundary, which :class:`Lexicon` factors out."""
    words = phrase.replace("’", "'").split()
    if not words:
        raise ValueError("an empty phrase")
    body = _BETWEEN_WORDS.join(re.escape(word).replace("<n>", NUMBER) for word in words)
    return body + (r"(?!\w)" if _wordlike(words[-1][-1]) else "")


_HEAD = r"(?<!\w)"


def _wordlike(char: str) -> bool:
    return char.isalnum() or char in "_<>"


class Lexicon:
    """The user's word lists, each compiled once into one case-insensitive regex."""

    def __init__(self, words: Mapping[str, Sequence[str]]) -> None:
        self._patterns: dict[str, re.Pattern[str] | None] = {}
        self._phrases: dict[str, tuple[str, ...]] = {}
        self._needles: dict[str, re.Pattern[str] | None] = {}
        # The same needles lower-cased, matched case-sensitively against a lower-cased ASCII
        # text (several times faster than IGNORECASE); only where every needle is ASCII.
        self._ascii_needles: dict[str, re.Pattern[str] | None] = {}
        for name, phrases in words.items():
            if name == "acronyms":
                continue
            # Longest first, so "so drunk" wins over "drunk" and the span is the whole phrase.
            ordered = sorted({p.strip() for p in phrases if p.strip()}, key=len, reverse=True)
            self._patterns[name] = _compile(ordered) if ordered else None
            self._phrases[name] = tuple(ordered)
        self.acronyms = frozenset(w.upper() for w in words.get("acronyms", ()))

    def find(self, name: str, text: str) -> list[Span]:
        """Every match of list ``name`` in ``text``, left to right, never overlapping."""
        pattern = self._patterns.get(name)
        if pattern is None:
            return []
        return [Span(m.start(), m.end(), m.group(0)) for m in pattern.finditer(text)]

    def needles(self, name: str) -> re.Pattern[str] | None:
        """A pattern every match of list ``name`` must contain: one literal word of each
        phrase (its longest), with no boundaries. Text it does not match cannot match the
        list, even after links and mentions are blanked (blanking makes no letters).
        ``None`` when some phrase has no literal word (then there is no shortcut)."""
        if name not in self._needles:
            found: set[str] = set()
            for phrase in self._phrases.get(name, ()):
                literal = [w.replace("<n>", "") for w in phrase.replace("’", "'").split()]
                literal = [w for w in literal if w]
                if not literal:
                    self._needles[name] = None
                    break
                found.add(max(literal, key=len))
            else:
                self._needles[name] = re.compile(_trie(found), re.IGNORECASE) if found else None
                self._ascii_needles[name] = (
                    re.compile(_trie({w.lower() for w in found}))
                    if found and all(w.isascii() for w in found)
                    else None
                )
        return self._needles[name]

    def cannot_match(self, name: str, text: str) -> bool:
        """Whether ``text`` holds none of :meth:`needles`' words (so list ``name`` cannot
        match it, even blanked); ``False`` when there are no needles. For an ASCII text and
        ASCII needles, lower-casing both is the same test as IGNORECASE (only non-ASCII
        letters fold in other ways: "K" the Kelvin sign, "ſ")."""
        needles = self.needles(name)
        if needles is None:
            return False
        fast = self._ascii_needles.get(name)
        if fast is not None and text.isascii():
            return fast.search(text.lower()) is None
        return needles.search(text) is None

    def search(self, name: str, text: str) -> bool:
        """Whether list ``name`` matches anywhere in ``text`` (cheaper than :meth:`find`)."""
        pattern = self._patterns.get(name)
        return pattern is not None and pattern.search(text) is not None


def _trie(words: Iterable[str]) -> str:
    """An alternation of literal ``words`` as a trie: it matches where one of them starts,
    as ``"|".join(words)`` would, but Python's ``re`` tries only the branches that fit."""
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict[str, Any]) -> str:
        branches = [re.escape(c) + pattern(n) for c, n in sorted(node.items()) if c]
        if not branches:
            return ""
        body = "(?:" + "|".join(branches) + ")"
        return body + "?" if "" in node else body

    return pattern(root)


def _compile(phrases: Sequence[str]) -> re.Pattern[str]:
    # The word boundary is tested once, before the alternatives, not once per phrase:
    # most positions in a text are inside a word and fail there at once.
    words = [_phrase_body(p) for p in phrases if _starts_word(p)]
    others = [_phrase_body(p) for p in phrases if not _starts_word(p)]
    parts = [f"{_HEAD}(?:{'|'.join(words)})"] if words else []
    parts += others
    return re.compile("|".join(parts), re.IGNORECASE)


_TOKEN = re.compile(r"\w+(?:'\w+)*")
_QUESTION_MARKS = re.compile(r"[?？]+")
_SENTENCE_END = re.compile(r"[.!?？！\n]")
_PRICE = re.compile(
    r"(?<![\w$])[$£€¥]\s?\d+(?:[.,]\d+)*(?!\w)|(?<![\w.,])\d+(?:[.,]\d+)*\s?[€£](?!\w)"
)
_CURRENCY = re.compile("[$£€¥]")  # every price tag _PRICE finds has one
_OPENERS = frozenset("¿¡\"'“‘(")
_COUNTER = re.compile(r"\d{1,2}/\d{1,2}")  # "1/2" at the end of a thread's first tweet
# A sign-off: "^JD", "^Rashmi", "- Paige", "– Jen Smith", "/AY", after a space or punctuation.
_SIGNATURE = re.compile(
    r"(?<![^\s.!?,;:)(])"
    r"(?P<mark>\^\s?|[-–—~]\s?|/)"
    r"(?P<name>[^\W\d_](?:[^\W\d_]|\.){0,14}(?:\s[^\W\d_]{1,15})?)$"
)
# Characters that show nothing: format controls, separators, fillers.
_BLANK_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zs", "Zl", "Zp", "Mn", "Me"})
_BLANK_CHARS = frozenset("\u3164\u115f\u1160\uffa0\u2800")

WE = frozenset({"we", "our", "ours", "us", "ourselves", "we're", "we've", "we'll", "we'd"})
YOU = frozenset(
    {"you", "your", "yours", "yourself", "yourselves", "you're", "you've", "you'll", "you'd"}
    | {"y'all"}
)
ME = frozenset({"me", "my", "mine", "myself", "i'm", "i've", "i'll", "i'd"})


def is_visible(text: str) -> bool:
    """Whether ``text`` shows anything at all (not just spaces, joiners, direction marks)."""
    return any(
        c not in _BLANK_CHARS and unicodedata.category(c) not in _BLANK_CATEGORIES for c in text
    )


def _end_of_words(text: str) -> int:
    """Where the text ends once trailing spaces, blanked links, emoji, punctuation and
    thread counters are dropped."""
    end = len(text)
    while end:
        last = text[end - 1]
        if not (last.isalnum() or last in "_^"):
            end -= 1
            continue
        counter = next(
            (
                width
                for width in (5, 4, 3)
                if _COUNTER.fullmatch(text, max(0, end - width), end)
                and (end - width <= 0 or not text[end - width - 1].isalnum())
            ),
            None,
        )
        if counter is None:
            return end
        end -= counter
    return end


def _blank(text: str, entities: Iterable[Entity]) -> str:
    chars = list(text)
    for entity in entities:
        chars[entity.start : entity.end] = " " * (entity.end - entity.start)
    return "".join(chars)


def is_promotional(text: str, lexicon: Lexicon, *, is_reply: bool = False) -> bool:
    """``DraftAnalysis(text, lexicon, is_reply=is_reply).promotional``, without the rest of
    the analysis: the same masks and the same patterns, for judging thousands of old
    tweets (reports). Entities are extracted only when a text can hold them (a link
    needs a dot, a mention an @, a hashtag a #, a cashtag a $)."""
    straight = text.replace("’", "'")
    if lexicon.cannot_match("hard-sell", straight) and (is_reply or _CURRENCY.search(text) is None):
        return False  # no word of any sales phrase, and no price: the quick answer
    entities: list[Entity] = []
    if "." in text:
        entities += extract_urls(text)
    if "@" in text or "＠" in text:
        entities += extract_mentions(text)
    masked = _blank(straight, entities)
    if lexicon.search("hard-sell", masked):
        return True
    if is_reply:
        return False
    tags: list[Entity] = []
    if "#" in text or "＃" in text:
        tags += extract_hashtags(text)
    if "$" in text or "＄" in text:
        tags += extract_cashtags(text)
    plain = _blank(masked, tags) if tags else masked
    return _PRICE.search(plain) is not None


class DraftAnalysis:
    """One draft, read once. Rules only read from it.

    ``conversation`` is the lower-cased handles of the thread a reply answers
    (its author and the people it mentions).
    """

    def __init__(
        self,
        text: str,
        lexicon: Lexicon,
        *,
        is_reply: bool = False,
        conversation: frozenset[str] = frozenset(),
    ) -> None:
        self.text = text
        self.lexicon = lexicon
        self.is_reply = is_reply
        self.conversation = conversation
        self.parse: ParseResult = parse_tweet(text)
        self.visible = is_visible(text)
        self.urls = extract_urls(text)
        self.mentions = extract_mentions(text)
        self.hashtags = extract_hashtags(text)
        self.cashtags = extract_cashtags(text)
        # Typographic apostrophes become ASCII ones (same length) so "don’t" matches "don't".
        self.masked = _blank(text.replace("’", "'"), [*self.urls, *self.mentions])
        self.plain = _blank(self.masked, [*self.hashtags, *self.cashtags])
        #: Anything besides @mentions and links: a reply of only the @handle says nothing.
        self.says_something = is_visible(self.masked)
        self.words = tuple(
            Span(m.start(), m.end(), m.group(0))
            for m in _TOKEN.finditer(self.plain)
            if any(c.isalpha() for c in m.group(0))
        )
        self._found: dict[str, list[Span]] = {}
        self._questions: list[Span] | None = None
        self._pitches: list[Span] | None = None

    def find(self, list_name: str) -> list[Span]:
        """Matches of one of the user's word lists, outside links and @mentions."""
        if list_name not in self._found:
            self._found[list_name] = self.lexicon.find(list_name, self.masked)
        return self._found[list_name]

    def words_in(self, vocabulary: frozenset[str]) -> list[Span]:
        return [w for w in self.words if w.text.lower() in vocabulary]

    @property
    def sales_pitches(self) -> list[Span]:
        """Sales language; price tags count only outside replies (a price in a reply answers)."""
        if self._pitches is None:
            pitches = list(self.find("hard-sell"))
            if not self.is_reply:
                pitches += [
                    Span(m.start(), m.end(), m.group(0)) for m in _PRICE.finditer(self.plain)
                ]
            self._pitches = sorted(pitches)
        return self._pitches

    @property
    def promotional(self) -> bool:
        return bool(self.sales_pitches)

    def questions(self) -> list[Span]:
        """Sentences that end in a question mark and have at least one word."""
        if self._questions is None:
            self._questions = []
            sentence_start = 0
            for mark in _QUESTION_MARKS.finditer(self.plain):
                for end in _SENTENCE_END.finditer(self.plain, sentence_start, mark.start()):
                    sentence_start = end.end()
                start = sentence_start
                while start < mark.start() and not (
                    self.plain[start].isalnum() or self.plain[start] in _OPENERS
                ):
                    start += 1
                if any(c.isalpha() for c in self.plain[start : mark.start()]):
                    self._questions.append(Span(start, mark.end(), self.text[start : mark.end()]))
                sentence_start = mark.end()
        return self._questions

    def sentence_of(self, span: Span) -> tuple[int, int]:
        """The sentence (start, end) of the text that holds ``span``."""
        start = 0
        for end in _SENTENCE_END.finditer(self.plain, 0, span.start):
            start = end.end()
        stop = _SENTENCE_END.search(self.plain, span.end)
        return start, stop.end() if stop else len(self.text)

    def signature(self) -> Span | None:
        """A person's sign-off at the end (``^JD``, ``- Paige``, ``/AY``), before links or 1/2."""
        end = _end_of_words(self.masked)
        m = _SIGNATURE.search(self.masked, 0, end)
        # After a dash or slash, only a capitalised name is a signature ("9 - 5", "- ok" aren't).
        if m is None or (not m.group("mark").startswith("^") and not m.group("name")[0].isupper()):
            return None
        return Span(m.start(), m.end(), self.text[m.start() : m.end()])
