"""Feedback put to use (pure): suggested tags, and what the tags add up to.

001: "do something constructive with feedback". A mention can carry several
tags (bug, idea, praise, complaint, question, and the user's own). The triage
cues *suggest* a tag, with the words that made it; the user confirms it, so a
suggestion is never a tag until then.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from tuicoach.domain.models import Tweet
from tuicoach.domain.owed import Band
from tuicoach.domain.triage import triage

#: Words of a fault in the product rather than in the service: "bug", not just "complaint".
BUG_WORDS = (
    "app", "bug", "crash", "crashed", "crashes", "crashing", "error", "freezes", "frozen",
    "glitch", "is down", "isn't working", "not loading", "not working", "outage", "website",
    "can't log in", "checkout", "login", "doesn't work", "does not work",
)  # fmt: skip

#: Words of a suggestion.
IDEA_WORDS = (
    "you should", "would be great if", "would love", "wish you", "please add", "could you add",
    "suggestion", "idea", "how about", "why not", "it'd be nice", "would be nice", "bring back",
)  # fmt: skip


def _words(words: Iterable[str]) -> re.Pattern[str]:
    alternatives = sorted((re.escape(w) for w in words), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


_BUG = _words(BUG_WORDS)
_IDEA = _words(IDEA_WORDS)
_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MENTION = re.compile(r"[@＠]\w{1,15}")


def _clean(text: str) -> str:
    """Lower case, links and @handles out, apostrophes straightened: text to look for words in."""
    text = _MENTION.sub(" ", _LINK.sub(" ", text))
    return text.replace("’", "'").casefold()


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A tag the cues point to, and the words that did."""

    tag: str
    cue: str

    def __str__(self) -> str:
        return f"{self.tag}? ({self.cue!r})"


def suggest_tags(text: str) -> list[Suggestion]:
    """Tags the triage cues suggest for a mention, most telling first; the user confirms."""
    cleaned = _clean(text)
    found: list[Suggestion] = []
    if (m := _IDEA.search(cleaned)) is not None:
        found.append(Suggestion("idea", m.group(0)))
    verdict = triage(text)
    band = verdict.band
    first: dict[str, str] = {}
    for reason in verdict.reasons:
        first.setdefault(reason.kind, reason.words)
    if (m := _BUG.search(cleaned)) is not None and band is Band.NEEDS_ANSWER:
        found.append(Suggestion("bug", m.group(0)))
    complaint = next(
        (first[k] for k in ("complaint", "sarcasm", "waiting", "competitor") if k in first), None
    )
    if complaint is not None and band is not Band.THANKS:
        found.append(Suggestion("complaint", complaint))
    if "?" in cleaned:
        found.append(Suggestion("question", "?"))
    elif "question" in first:
        found.append(Suggestion("question", first["question"]))
    if band is Band.THANKS and "thanks" in first:
        found.append(Suggestion("praise", first["thanks"]))
    return found


# --- figures ---------------------------------------------------------------------

#: Left out of "recurring words": they recur in everything.
_STOPWORDS = """a about after again all also am an and any are as at be been but by can could
    did do does
    for from get got had has have he her here him his how i i'm if in into is it it's its just
    me my no not now of on one or our out over so some still than that the their them then there
    these they this to too up us very was we were what when where which who why will with would
    you your you're yours thanks thank please hi hello hey"""
STOPWORDS = frozenset(_STOPWORDS.split())
_WORD = re.compile(r"[a-z][a-z'’-]{2,}")


@dataclass(frozen=True, slots=True)
class TagFigure:
    tag: str
    tweets: tuple[Tweet, ...]  # newest first
    words: tuple[tuple[str, int], ...]  # recurring words: (word, how many tweets)

    @property
    def count(self) -> int:
        return len(self.tweets)


def recurring_words(
    tweets: Iterable[Tweet], *, least: int = 2, top: int = 8
) -> list[tuple[str, int]]:
    """Words in at least ``least`` of the tweets (each tweet counted once), most first."""
    counts: Counter[str] = Counter()
    for tweet in tweets:
        counts.update({w for w in _WORD.findall(_clean(tweet.text)) if w not in STOPWORDS})
    ranked = [(w, n) for w, n in counts.items() if n >= least]
    ranked.sort(key=lambda p: (-p[1], p[0]))
    return ranked[:top]


def tag_figures(
    tweets: Mapping[str, Tweet],
    tags: Mapping[str, Iterable[str]],
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[TagFigure]:
    """Each tag with its tweets (arrived in the period) and recurring words; most used first."""
    by_tag: dict[str, list[Tweet]] = {}
    for tweet_id, names in tags.items():
        tweet = tweets.get(tweet_id)
        if tweet is None:
            continue
        if (since is not None and tweet.created_at < since) or (
            until is not None and tweet.created_at >= until
        ):
            continue
        for name in names:
            by_tag.setdefault(name, []).append(tweet)
    figures = [
        TagFigure(
            tag,
            tuple(sorted(found, key=lambda t: t.created_at, reverse=True)),
            tuple(recurring_words(found)),
        )
        for tag, found in by_tag.items()
    ]
    figures.sort(key=lambda f: (-f.count, f.tag))
    return figures
