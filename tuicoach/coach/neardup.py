"""Near-duplicate search over the user's own tweets (RULEBOOK: ``near-duplicate``).

Two texts are near-duplicates when rapidfuzz's ``token_set_ratio`` of their
normalised forms (lower case, no links, no @mentions, single spaces) is at
least the threshold, 85 by default.

The history grows to a hundred thousand tweets of ordinary prose, where common
words are shared by most tweets, and the coach searches it as the user types,
so :class:`NearDuplicateIndex` scores only candidates, found from what a high
score implies. ``token_set_ratio`` compares token *sets*. Weighing a token as
its length plus one, a score of at least ``100 (1 - d)`` (d = 0.15 for 85)
comes from one of:

1. one set holding the other (score 100);
2. the shared tokens making up nearly all of the draft: its unshared tokens
   weigh at most ``2d / (1 + d)`` (26%) of its length;
3. the same for the earlier tweet;
4. the two sorted token strings being alike letter by letter, shared tokens
   or not ("thanks!" and "thanks." score 85.7).

Cases 1-3 are found exactly by *prefix filtering*, as set-similarity joins do.
Take a text's keys (a token's letters and digits: "beans!" is "beans") rarest
first, and its *prefix*: the fewest of them weighing more than its unshared
tokens may. A match by 2 cannot miss every key of the draft's prefix, so the
draft looks up the texts holding any of those (rare keys: short lists). A
match by 3 cannot miss every key of the earlier text's prefix, so each text is
filed under its own prefix keys when it is added, and the draft looks up all
of its keys there. Any order makes this exact; rarest first keeps the lists
short. A candidate is kept only if enough is really shared (one rapidfuzz call
computes the shared weight of them all, see ``_codes``), then scored with the
real ``token_set_ratio``. For a short draft case 4 is covered exactly as well:
the lengths must be within a factor ``(1 + d) / (1 - d)``, and the few short
texts of such lengths are all scored. A long draft that matches only by 4,
with most of its words spelled differently (typos throughout), can be missed;
the tests and ``benchmarks/coach_latency.py`` measure recall against the
plain scan.

Memory stays small: per distinct text, its normalised form, one short code
string, and its id in the posting lists (``array`` of 4-byte ints) of its keys
and its prefix keys. Identical normalised texts are stored once.
"""

from __future__ import annotations

import gc
import math
import re
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

from tuicoach.domain.models import Tweet
from tuicoach.domain.twittertext import extract_mentions, extract_urls

DEFAULT_THRESHOLD = 85.0
_NOT_ALNUM = re.compile(r"[\W_]+")  # \w is str.isalnum() plus "_"
# Every link's host has a "." before its TLD; without one (and no @) nothing is masked.
_DOT_WORD = re.compile(r"\.[^\W_]")
# Pair keys: two key ids in one int (see NearDuplicateIndex._filed).
_PAIR_SHIFT = 20
# A group's candidates are intersected until this few are left (the rest are checked).
_FEW = 128
# Drafts whose token string is at most this long also try every stored text of
# a length that could match letter by letter (case 4 in the docstring).
SHORT_DRAFT = 32


def normalise(text: str) -> str:
    """Lower case, links and @mentions removed, whitespace collapsed.

    Links and mentions are found as X finds them (``twittertext``), so
    ``example.com/menu`` goes too and an e-mail address stays.
    """
    if "@" not in text and "＠" not in text and not _DOT_WORD.search(text):
        return " ".join(text.split()).casefold()  # no link or mention can be in it
    entities = sorted((e.start, e.end) for e in [*extract_urls(text), *extract_mentions(text)])
    if entities:
        pieces, position = [], 0
        for start, end in entities:
            pieces.append(text[position:start])
            position = end
        pieces.append(text[position:])
        text = " ".join(pieces)
    return " ".join(text.split()).casefold()


@dataclass(frozen=True, slots=True)
class Match:
    tweet: Tweet
    score: float


def brute_force_search(
    text: str, tweets: Iterable[Tweet], *, threshold: float = DEFAULT_THRESHOLD
) -> Match | None:
    """The plain scan: ``process.extractOne`` with ``token_set_ratio`` over every tweet.

    The reference the index is measured against, in tests and in the benchmark.
    On a tie the most recent tweet wins: "you said this two days ago" is the
    useful thing to tell someone, not the first time they said it.
    """
    candidates = sorted(tweets, key=lambda t: t.created_at, reverse=True)
    query = normalise(text)
    if not query:
        return None
    found = process.extractOne(
        query,
        [normalise(t.text) for t in candidates],
        scorer=fuzz.token_set_ratio,
        score_cutoff=threshold,
    )
    if found is None:
        return None
    _, score, position = found
    return Match(candidates[position], score)


def _key(token: str) -> str:
    """A token's letters and digits, or the token itself if it has none (🙂, ...)."""
    if token.isalnum():
        return token
    key = _KEYS.get(token)
    if key is None:
        if len(_KEYS) > _KEYS_KEPT:
            _KEYS.clear()
        key = _KEYS[token] = _NOT_ALNUM.sub("", token) or token
    return key


# Tokens with punctuation, and their keys: prose repeats the same few thousand.
_KEYS: dict[str, str] = {}
_KEYS_KEPT = 200_000


def _weight(tokens: set[str] | frozenset[str]) -> int:
    """The length of the tokens joined by spaces, plus one."""
    return sum(map(len, tokens)) + len(tokens)


class _Text:
    """One distinct normalised text and the most recent tweet that has it."""

    __slots__ = ("codes", "key_weight", "latest", "length", "position", "text")

    def __init__(self, text: str, key_weight: int, length: int) -> None:
        self.text = text
        self.key_weight = key_weight
        self.length = length  # of its unique tokens, joined
        self.position = -1  # of its most recent tweet in the index (the first added on a tie)
        self.latest: datetime | None = None
        self.codes = ""  # see NearDuplicateIndex._codes


def _tokens(text: str) -> tuple[set[str], frozenset[str], int]:
    """A normalised text's unique tokens, their keys, and the tokens' joined length."""
    tokens = set(text.split())
    keys = frozenset(map(_key, tokens))
    return tokens, keys, _weight(tokens) - 1


def _letters(tokens: set[str]) -> str:
    """The unique tokens' characters, sorted: ratio() of two such strings bounds case 4
    from above (the Indel distance of any two orderings is no less)."""
    return "".join(sorted(" ".join(tokens)))


def _share(score: float) -> float:
    """How much of a text's length its unshared tokens may weigh, for a match by 2 or 3.

    Case 2 scores ``1 - p / (2i + p - 2)``, with ``p`` the weight of the
    draft's unshared tokens and ``i`` that of the shared ones; at least
    ``1 - d`` needs ``p <= 2d (p + i - 1) / (1 + d)``, and ``p + i - 1`` is the
    draft's length. Case 3 is the same for the earlier tweet.
    """
    slack = max(0.0, min(1.0, 1 - score / 100))
    return 2 * slack / (1 + slack) + 1e-9  # a hair over, for float rounding


def _length_window(length: int, floor: float) -> tuple[int, int]:
    """Lengths of token strings that could score ``floor`` letter by letter against one.

    Case 4 is an Indel ratio, at least the lengths' difference over their sum.
    """
    slack = max(0.0, min(1.0, 1 - floor / 100))
    if slack >= 1:
        return 0, 1 << 30
    low = int(length * (1 - slack) / (1 + slack))
    high = int(length * (1 + slack) / (1 - slack)) + 1
    return max(low, 0), high


def _intersect(held: set[int], posting: array[int]) -> set[int]:
    """``held`` and the ids in ``posting`` (ascending, as texts are numbered in order).

    When ``posting`` is much longer than ``held``, binary search for each held id
    beats building a set of the whole posting list, which common words make long.
    """
    size = len(posting)
    if len(held) * 16 >= size:
        held.intersection_update(posting)
        return held
    kept = set()
    for text_id in held:
        at = bisect_left(posting, text_id)
        if at < size and posting[at] == text_id:
            kept.add(text_id)
    return kept


def _pair_key(kids: Iterable[int]) -> int:
    """Two key ids (or one) as one int: pairs at and above ``1 << 40``, single ids below."""
    pair = sorted(kids)
    if len(pair) == 1:
        return pair[0]
    return (pair[0] << _PAIR_SHIFT) | pair[1] | (1 << 40)


class NearDuplicateIndex:
    """The user's history, searchable for near-duplicates of a draft.

    ``search`` returns what :func:`brute_force_search` over the tweets created
    at or after ``since`` returns (the best score; on a tie, the most recent
    tweet, then the one added first), but scores only candidates; see the
    module's docstring for how they are found and for the one kind of match
    that can be missed.
    """

    def __init__(
        self,
        tweets: Iterable[Tweet] = (),
        *,
        threshold: float = DEFAULT_THRESHOLD,
        keep_from: datetime | None = None,
    ):
        """``keep_from``: tweets created before it are not indexed (and never found).

        The rule only searches its window (90 days by default), so a history of
        years need only hold that: pass the window's start at ``now``.
        """
        self.threshold = threshold
        self.keep_from = keep_from
        self._share = _share(threshold)
        self._tweets: list[Tweet] = []
        self._ids: dict[str, int] = {}  # normalised text -> its id
        self._texts: list[_Text] = []  # by id
        self._codes: list[str] = []  # by id: each text's codes, for one rapidfuzz call
        self._key_id: dict[str, int] = {}
        self._code: list[str] = []  # key id -> a character of its own (see _codes)
        self._weight: list[int] = []  # key id -> its weight (length + 1)
        self._holding: list[array[int]] = []  # key id -> ids of the texts holding it
        self._token_kid: dict[str, int] = {}  # token -> its key's id
        # Each text under pairs of its rarest keys (or single keys), as many as a
        # match by case 3 must hold one of whole: pair key -> text ids.
        self._filed: dict[int, array[int]] = {}
        # Each text under its two rarest keys (or its one key): a text whose keys
        # all lie in the draft's is found there, for the first, cheap pass.
        self._by_rarest: dict[int, array[int]] = {}
        # Short texts by length, with their letters, for case 4 (one rapidfuzz call).
        self._short_limit = _length_window(SHORT_DRAFT, threshold)[1]
        self._by_length: dict[int, tuple[list[int], list[str]]] = {}
        self._oldest: datetime | None = None
        self.extend(tweets)

    def __len__(self) -> int:
        return len(self._tweets)

    def add(self, tweet: Tweet) -> None:
        self.extend([tweet])

    def extend(self, tweets: Iterable[Tweet]) -> None:
        """Add tweets; their pairs are chosen once all are counted, so rarity is known."""
        # Building makes a few small objects per tweet and keeps them all: the
        # cycle collector would walk them again and again for nothing.
        collecting = gc.isenabled()
        gc.disable()
        try:
            self._extend(tweets)
        finally:
            if collecting:
                gc.enable()

    def _extend(self, tweets: Iterable[Tweet]) -> None:
        new: list[tuple[int, list[int]]] = []
        ids, texts, key_id, holding = self._ids, self._texts, self._key_id, self._holding
        code, weights, token_kid = self._code, self._weight, self._token_kid
        keep_from = self.keep_from
        for tweet in tweets:
            created = tweet.created_at
            if keep_from is not None and created < keep_from:
                continue  # outside every window the rule will search
            position = len(self._tweets)
            self._tweets.append(tweet)
            if self._oldest is None or created < self._oldest:
                self._oldest = created
            normalised = normalise(tweet.text)
            if not normalised:
                continue  # nothing can match it (token_set_ratio of an empty text is 0)
            text_id = ids.get(normalised)
            if text_id is None:
                tokens = set(normalised.split())
                kid_set = set(map(token_kid.get, tokens))  # known tokens, at C speed
                if None in kid_set:
                    kid_set.discard(None)
                    for token in tokens:
                        if token in token_kid:
                            continue
                        key = _key(token)
                        kid = key_id.get(key)
                        if kid is None:
                            kid = key_id[key] = len(holding)
                            holding.append(array("I"))
                            code.append(chr(0x100 + kid % 0xD700))
                            weights.append(len(key) + 1)
                        token_kid[token] = kid
                        kid_set.add(kid)
                kids: list[int] = sorted(kid_set)  # type: ignore[arg-type]
                text_id = ids[normalised] = len(texts)
                length = sum(map(len, tokens)) + len(tokens) - 1
                kid_weights = list(map(weights.__getitem__, kids))
                entry = _Text(normalised, sum(kid_weights), length)
                texts.append(entry)
                for kid in kids:
                    holding[kid].append(text_id)
                entry.codes = "".join(map(str.__mul__, map(code.__getitem__, kids), kid_weights))
                self._codes.append(entry.codes)
                if length <= self._short_limit:
                    short = self._by_length.setdefault(length, ([], []))
                    short[0].append(text_id)
                    short[1].append(_letters(tokens))
                new.append((text_id, kids))
            else:
                entry = texts[text_id]
            if entry.latest is None or created > entry.latest:
                entry.latest, entry.position = created, position
        if not new:
            return
        filed, share = self._filed, self._share
        counts = [len(h) for h in holding]
        by_rarest = self._by_rarest
        for text_id, kids in new:
            order = sorted(kids, key=counts.__getitem__)
            slot = _pair_key(order[:2])
            posting = by_rarest.get(slot)
            if posting is None:
                posting = by_rarest[slot] = array("I")
            posting.append(text_id)
            for pair in self._pairs(order, share * texts[text_id].length):
                posting = filed.get(pair)
                if posting is None:
                    posting = filed[pair] = array("I")
                posting.append(text_id)

    def _rarest_first(self, kids: Iterable[int]) -> list[int]:
        holding = self._holding
        return sorted(kids, key=lambda kid: len(holding[kid]))

    def _pairs(self, order: list[int], allowed: float) -> list[int]:
        """A text's rarest keys in pairs, one of which a match by case 1 or 3 holds whole.

        If a draft misses a key of every pair, the text's unshared keys weigh at
        least the lighter key of each pair; once those pass ``allowed`` no more
        pairs are needed. When pairs cannot pass it, single keys (a match must
        still share one). ``order`` is the text's keys, rarest first.
        """
        weights = self._weight
        pairs, before = [], 0
        for i in range(0, len(order) - 1, 2):
            a, b = order[i], order[i + 1]
            pairs.append(((a << _PAIR_SHIFT) | b if a < b else (b << _PAIR_SHIFT) | a) | (1 << 40))
            before += min(weights[a], weights[b])
            if before > allowed:
                return pairs
        return order  # single keys: plain key ids, below 1 << 40

    def _groups(self, kids: list[int], unknown_weight: int, allowed: float) -> list[list[int]]:
        """Disjoint groups of the draft's keys, one of which a match by 1 or 2 holds whole.

        A match leaves the draft's unshared keys weighing at most ``allowed``;
        if the lightest keys of the groups weigh more than that together, it
        cannot miss a key of every group. Keys no stored text holds weigh and
        find nothing. Fewer, larger groups find fewer candidates; dealing the
        keys out rarest first puts a rare key in each.
        """
        allowed -= unknown_weight
        if allowed < 0 or not kids:
            return []
        order, weights = self._rarest_first(kids), self._weight
        w = [weights[kid] for kid in order]
        for count in range(1, len(order)):
            if sum(min(w[i::count]) for i in range(count)) > allowed:
                return [order[i::count] for i in range(count)]
        return [[kid] for kid in order]  # a match must share one key, at least

    def search(self, text: str, *, since: datetime | None = None) -> Match | None:
        """The most similar tweet at or above the threshold, created at or after ``since``."""
        query = normalise(text)
        if not query:
            return None
        tokens, keys, length = _tokens(query)
        key_id, holding, filed = self._key_id, self._holding, self._filed
        share = self._share
        kids = sorted(key_id[key] for key in keys if key in key_id)
        unknown = sum(len(key) + 1 for key in keys if key not in key_id)
        texts = self._texts
        everything = since is None or (self._oldest is not None and since <= self._oldest)
        if kids and not unknown:
            # First, cheaply: texts holding all of the draft's keys, or lying within
            # them. Every score of 100 is among them; if one scores 100 it wins.
            members = sorted(kids, key=lambda kid: len(holding[kid]))
            same = set(holding[members[0]])
            for kid in members[1:]:
                if not same:
                    break
                same = _intersect(same, holding[kid])
            by_rarest = self._by_rarest
            for i, a in enumerate(kids):
                for b in (a, *kids[i + 1 :]):
                    if (
                        posting := by_rarest.get(_pair_key((a, b) if a != b else (a,)))
                    ) is not None:
                        same.update(posting)
            within = [
                t
                for t in map(texts.__getitem__, same)
                if everything or t.latest >= since  # type: ignore[operator]
            ]
            best = self._best(query, within)
            if best is not None and best[0] >= 100:
                return Match(self._tweets[best[1]], best[0])
        by_draft: set[int] = set()  # texts that may hold nearly all of the draft
        for group in self._groups(kids, unknown, share * length):  # cases 1 and 2
            members = sorted(group, key=lambda kid: len(holding[kid]))
            held = set(holding[members[0]])
            for kid in members[1:]:
                if len(held) <= _FEW:
                    break  # few enough: the shared-weight check below does the rest
                held = _intersect(held, holding[kid])
            by_draft |= held
        by_text: set[int] = set()  # texts the draft may hold nearly all of
        for i, a in enumerate(kids):  # cases 1 and 3
            if (posting := filed.get(a)) is not None:
                by_text.update(posting)
            base = (a << _PAIR_SHIFT) | (1 << 40)
            for b in kids[i + 1 :]:
                if (posting := filed.get(base | b)) is not None:
                    by_text.update(posting)
        # The lists only say that enough could be shared: check that it is, with
        # one rapidfuzz call per list. Keys weigh no more than their tokens, so
        # this never drops a match by 1-3.
        draft_codes = "".join([self._code[kid] * self._weight[kid] for kid in kids])
        kept: list[_Text] = []
        room = _weight(keys) - share * length
        codes_of = self._codes.__getitem__
        for candidates, case_two in ((by_draft, True), (by_text, False)):
            if everything:
                found = list(candidates)
            else:
                found = [i for i in candidates if texts[i].latest >= since]  # type: ignore[operator]
            if not found:
                continue
            if case_two:  # the same bar for all: rapidfuzz drops the rest
                passed = process.extract(
                    draft_codes, list(map(codes_of, found)), scorer=LCSseq.similarity,
                    score_cutoff=max(0, math.ceil(room - 1e-6)), limit=None,
                )  # fmt: skip
                kept.extend(texts[found[at]] for _, _, at in passed)
                continue
            pool = list(map(texts.__getitem__, found))
            shares = process.extract(
                draft_codes, list(map(codes_of, found)), scorer=LCSseq.similarity, limit=None
            )
            for _, shared, at in shares:
                entry = pool[at]
                if shared >= room or shared >= entry.key_weight - share * entry.length:
                    kept.append(entry)
        if length <= SHORT_DRAFT:  # case 4, exactly, where it is cheap
            low, high = _length_window(length, self.threshold)
            letters = _letters(tokens)
            for size in range(low, min(high, self._short_limit) + 1):
                short = self._by_length.get(size)
                if short is None:
                    continue
                alike = process.extract(
                    letters, short[1], scorer=fuzz.ratio, score_cutoff=self.threshold, limit=None
                )
                for _, _, at in alike:
                    entry = texts[short[0][at]]
                    if since is None or entry.latest >= since:  # type: ignore[operator]
                        kept.append(entry)
        best = self._best(query, kept)
        if best is None:
            return None
        score, position = best
        return Match(self._tweets[position], score)

    def _best(self, query: str, candidates: Iterable[_Text]) -> tuple[float, int] | None:
        """The best real score among the candidates, and its tweet (the most recent on a tie)."""
        tweets = self._tweets
        ranked = sorted(
            {(tweets[e.position].created_at, -e.position, e.text) for e in candidates},
            reverse=True,
        )  # newest first, then the one added first, as the scan
        if not ranked:
            return None
        found = process.extractOne(
            query, [text for *_, text in ranked], scorer=fuzz.token_set_ratio,
            score_cutoff=self.threshold,
        )  # fmt: skip
        if found is None:
            return None
        return found[1], -ranked[found[2]][1]
