"""Near-duplicate search over the user's own tweets (RULEBOOK: ``near-duplicate``).

Two texts are near-duplicates when rapidfuzz's ``token_set_ratio`` of their
normalised forms (lower case, no links, no @mentions, single spaces) is at
least the threshold, 85 by default.

The history grows to tens of thousands of tweets and the coach searches it as
the user types, so :class:`NearDuplicateIndex` scores only candidates, found
from what a high score implies. ``token_set_ratio`` compares token *sets*.
Weighing a token as its length plus one, a score of at least ``100 (1 - d)``
(d = 0.15 for 85) comes from one of:

1. one set holding the other (score 100);
2. the shared tokens making up nearly all of the draft: its unshared tokens
   weigh at most ``2d / (1 + d)`` (26%) of its length;
3. the same for the earlier tweet;
4. the two sorted token strings being alike letter by letter, shared tokens
   or not ("thanks!" and "thanks." score 85.7).

For 1-3 every candidate is found, by the pigeonhole principle: deal the
draft's tokens, rarest first, into groups whose lightest members together
weigh more than the unshared tokens may. A match cannot miss a token of every
group, so it holds one group whole: the candidates are the texts holding all
of some group. For case 3 each stored text is filed under pairs of its own
keys, as many as the same argument needs, and the draft looks up all of its
pairs. A candidate is kept only if enough is really shared (one rapidfuzz call
computes the shared weight of them all, see ``_codes``). Tokens
are compared by their letters and digits ("beans!" as "beans"): still exact
for 1-3, as a key never weighs more than its token, and it also catches the
usual cause of 4, changed punctuation. For a short draft 4 is covered exactly
as well: the lengths must be within a factor ``(1 + d) / (1 - d)``, and the
few short texts of such lengths are all scored. A long draft that matches only
by 4, with most of its words spelled differently (typos throughout), can be
missed; the tests measure recall against the plain scan.

A search first scores the texts whose tokens hold the draft's or lie within
them (every score of 100 is there); unless one scores 100 it then looks for
texts that could score at least as well as the best so far, a tighter search.
Every candidate is scored with the real ``token_set_ratio``. Identical
normalised texts are stored once.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations

from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

from tuicoach.domain.models import Tweet
from tuicoach.domain.twittertext import extract_mentions, extract_urls

DEFAULT_THRESHOLD = 85.0
_NOT_ALNUM = re.compile(r"[\W_]+")  # \w is str.isalnum() plus "_"
# Drafts whose token string is at most this long also try every stored text of
# a length that could match letter by letter (case 4 in the docstring).
SHORT_DRAFT = 32
# Tiers of the index of texts' key pairs (see NearDuplicateIndex._filed).
_TIERS = (0.0, 0.03, 0.06, 0.1, 0.15, 0.2, 1.0)


def normalise(text: str) -> str:
    """Lower case, links and @mentions removed, whitespace collapsed.

    Links and mentions are found as X finds them (``twittertext``), so
    ``example.com/menu`` goes too and an e-mail address stays.
    """
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
    return _NOT_ALNUM.sub("", token) or token


def _weight(tokens: set[str] | frozenset[str]) -> int:
    """The length of the tokens joined by spaces, plus one."""
    return sum(map(len, tokens)) + len(tokens)


class _Text:
    """One distinct normalised text and the tweets that have it."""

    __slots__ = ("codes", "key_weight", "keys", "latest", "length", "letters", "text", "tweets")

    def __init__(self, text: str) -> None:
        tokens = set(text.split())
        self.text = text
        # Its unique tokens' characters, sorted: ratio() of two such strings bounds
        # case 4 from above (the Indel distance of any two orderings is no less).
        self.letters = "".join(sorted(" ".join(tokens)))
        self.keys = frozenset(map(_key, tokens))
        self.key_weight = _weight(self.keys)
        self.length = _weight(tokens) - 1  # of its unique tokens, joined
        self.tweets: list[int] = []  # positions in the index, oldest entry first
        self.latest: datetime | None = None
        self.codes = ""  # see NearDuplicateIndex._codes


def _share(score: float) -> float:
    """How much of a text's length its unshared tokens may weigh, for a match by 2 or 3.

    Case 2 scores ``1 - p / (2i + p - 2)``, with ``p`` the weight of the
    draft's unshared tokens and ``i`` that of the shared ones; at least
    ``1 - d`` needs ``p <= 2d (p + i - 1) / (1 + d)``, and ``p + i - 1`` is the
    draft's length. Case 3 is the same for the earlier tweet.
    """
    slack = max(0.0, min(1.0, 1 - score / 100))
    return 2 * slack / (1 + slack) + 1e-9  # a hair over, for float rounding


class NearDuplicateIndex:
    """The user's history, searchable for near-duplicates of a draft.

    ``search`` returns what :func:`brute_force_search` over the tweets created
    at or after ``since`` returns (the best score; on a tie, the tweet added
    first), but scores only candidates; see the module's docstring for how
    they are found and for the one kind of match that can be missed.
    """

    def __init__(self, tweets: Iterable[Tweet] = (), *, threshold: float = DEFAULT_THRESHOLD):
        self.threshold = threshold
        self._tweets: list[Tweet] = []
        self._texts: dict[str, _Text] = {}
        self._containing: defaultdict[str, set[_Text]] = defaultdict(set)
        self._count: Counter[str] = Counter()  # key -> how many texts hold it
        self._code: dict[str, str] = {}  # key -> a character of its own (see _codes)
        # Each text under its two rarest keys: a text whose keys all lie in the
        # draft's is found there.
        self._by_rarest: defaultdict[frozenset[str], list[_Text]] = defaultdict(list)
        # Each text under pairs of its keys (see _pairs), by tier: the weight of the
        # pairs before, as a share of its length. A search for higher scores needs
        # fewer pairs, so it skips the later tiers.
        self._filed: list[defaultdict[frozenset[str], list[_Text]]] = [
            defaultdict(list) for _ in _TIERS
        ]
        # Texts by length, with their letters alongside for one rapidfuzz call.
        self._by_length: defaultdict[int, tuple[list[_Text], list[str]]] = defaultdict(
            lambda: ([], [])
        )
        self.extend(tweets)

    def __len__(self) -> int:
        return len(self._tweets)

    def add(self, tweet: Tweet) -> None:
        self.extend([tweet])

    def extend(self, tweets: Iterable[Tweet]) -> None:
        """Add tweets; their texts are filed once all are counted, so rarity is known."""
        new: list[_Text] = []
        for tweet in tweets:
            position = len(self._tweets)
            self._tweets.append(tweet)
            normalised = normalise(tweet.text)
            if not normalised:
                continue  # nothing can match it (token_set_ratio of an empty text is 0)
            entry = self._texts.get(normalised)
            if entry is None:
                entry = self._texts[normalised] = _Text(normalised)
                for key in entry.keys:
                    self._containing[key].add(entry)
                self._count.update(entry.keys)
                for key in entry.keys:
                    if key not in self._code:
                        self._code[key] = chr(0x100 + len(self._code) % 0xD700)
                entry.codes = self._codes(entry.keys)
                texts, letters = self._by_length[entry.length]
                texts.append(entry)
                letters.append(entry.letters)
                new.append(entry)
            entry.tweets.append(position)
            if entry.latest is None or tweet.created_at > entry.latest:
                entry.latest = tweet.created_at
        share = _share(self.threshold)
        for entry in new:
            order = self._rarest_first(entry.keys)
            self._by_rarest[frozenset(order[:2])].append(entry)
            for pair, before in _pairs(order, share * entry.length):
                tier = bisect_left(_TIERS, before / max(entry.length, 1))
                self._filed[tier][frozenset(pair)].append(entry)

    def search(self, text: str, *, since: datetime | None = None) -> Match | None:
        """The most similar tweet at or above the threshold, created at or after ``since``."""
        query = normalise(text)
        if not query:
            return None
        draft = _Text(query)
        lookups = [*map(frozenset, combinations(draft.keys, 2)), *map(_single, draft.keys)]
        best = self._best(query, self._same_words(draft, lookups), since, self.threshold)
        if best is None or best[0] < 100:
            # Only a text scoring at least as well could still win: that narrows the search.
            floor = self.threshold if best is None else best[0]
            other = self._best(query, self._candidates(draft, lookups, floor), since, floor)
            if other is not None and (best is None or self._rank(other) > self._rank(best)):
                best = other
        if best is None:
            return None
        score, position = best
        return Match(self._tweets[position], score)

    def _same_words(self, draft: _Text, lookups: list[frozenset[str]]) -> set[_Text]:
        """Texts whose keys hold the draft's or lie within them.

        Every score of 100 (one token set inside the other) is among them.
        """
        holders = sorted((self._containing.get(key, _NONE) for key in draft.keys), key=len)
        found = set(holders[0].intersection(*holders[1:]))
        for pair in lookups:
            found.update(e for e in self._by_rarest.get(pair, ()) if e.keys <= draft.keys)
        return found

    def _candidates(self, draft: _Text, lookups: list[frozenset[str]], floor: float) -> list[_Text]:
        """Every text that could score ``floor`` by cases 1-3, and by 4 for a short draft."""
        if floor <= 0:
            return list(self._texts.values())  # anything goes
        keys, share = draft.keys, _share(floor)
        candidates: set[_Text] = set()
        for group in self._groups(self._rarest_first(keys), share * draft.length):
            holders = sorted((self._containing.get(key, _NONE) for key in group), key=len)
            candidates.update(holders[0].intersection(*holders[1:]))  # cases 1 and 2
        # A text's pairs up to the tier where those before weigh more than its
        # allowed share: it cannot break all of those.
        for tier in self._filed[: bisect_left(_TIERS, share) + 1]:
            for pair in lookups:
                candidates.update(tier.get(pair, ()))  # cases 1 and 3
        # The groups only say that enough could be shared: check that it is. Keys
        # weigh no more than their tokens, so this never drops a match by 1-3.
        pool = list(candidates)
        shares = process.extract(
            self._codes(keys), [entry.codes for entry in pool], scorer=LCSseq.similarity, limit=None
        )
        room = draft.key_weight - share * draft.length
        kept = []
        for _, shared, position in shares:
            entry = pool[position]
            if shared >= room or shared >= entry.key_weight - share * entry.length:
                kept.append(entry)
        if draft.length <= SHORT_DRAFT:  # case 4, exactly, where it is cheap
            for size in self._length_window(draft.length, floor):
                texts, letters = self._by_length.get(size, _NO_TEXTS)
                alike = process.extract(
                    draft.letters, letters, scorer=fuzz.ratio, score_cutoff=floor, limit=None
                )
                kept.extend(texts[position] for _, _, position in alike)
        return kept

    def _groups(self, order: list[str], allowed: float) -> list[list[str]]:
        """Disjoint groups of keys (given rarest first), one of which a match holds whole.

        A match by case 1-3 leaves unshared keys weighing at most ``allowed``;
        if the lightest keys of the groups weigh more than that together, it
        cannot miss a key of every group. A key no stored text holds is a group
        of its own that finds nothing, for free. Fewer, larger groups of the
        others find fewer candidates; dealing them out rarest first puts a rare
        key in each.
        """
        unknown = [key for key in order if key not in self._count]
        allowed -= _weight(frozenset(unknown))
        groups = [[key] for key in unknown]
        known = order[len(unknown) :]
        if allowed < 0 or not known:
            return groups
        weights = [len(key) + 1 for key in known]
        for count in range(1, len(known)):
            if sum(min(weights[i::count]) for i in range(count)) > allowed:
                return groups + [known[i::count] for i in range(count)]
        return groups + [[key] for key in known]  # a match must share one key, at least

    def _codes(self, keys: frozenset[str]) -> str:
        """The keys as one string whose LCS with another text's is their shared weight.

        Each key stands as a character of its own, repeated as often as the key
        weighs, in one fixed order; the longest common subsequence of two such
        strings is then exactly the weight of their shared keys, and rapidfuzz
        computes it for many texts in one call. Keys the index has not seen
        are left out (no text shares them). The characters come from the Basic
        Multilingual Plane, two bytes each; past 55,040 keys they are reused,
        which can only overstate what is shared, never understate it.
        """
        code = self._code
        return "".join(sorted(code[key] * (len(key) + 1) for key in keys if key in code))

    def _rarest_first(self, keys: Iterable[str]) -> list[str]:
        """Keys ordered by how few stored texts hold them (ties alphabetically)."""
        count = self._count
        return sorted(sorted(keys), key=lambda key: count.get(key, 0))

    def _length_window(self, length: int, floor: float) -> range:
        """Lengths of token strings that could score ``floor`` letter by letter against one.

        Case 4 is an Indel ratio, at least the lengths' difference over their sum.
        """
        slack = max(0.0, min(1.0, 1 - floor / 100))
        if slack >= 1:
            return range(max(self._by_length, default=0) + 1)
        low = int(length * (1 - slack) / (1 + slack))
        high = int(length * (1 + slack) / (1 - slack)) + 1
        return range(max(low, 0), high + 1)

    def _best(
        self, query: str, candidates: Iterable[_Text], since: datetime | None, cutoff: float
    ) -> tuple[float, int] | None:
        """The best real score among the candidates, and its tweet (the most recent on a tie)."""
        ranked = []
        for entry in set(candidates):
            latest = self._latest_since(entry, since)
            if latest is not None:
                ranked.append((self._tweets[latest].created_at, latest, entry.text))
        if not ranked:
            return None
        ranked.sort(key=lambda r: (r[0], -r[1]), reverse=True)  # newest first, as the scan
        found = process.extractOne(
            query, [text for *_, text in ranked], scorer=fuzz.token_set_ratio, score_cutoff=cutoff
        )
        if found is None:
            return None
        return found[1], ranked[found[2]][1]

    def _rank(self, best: tuple[float, int]) -> tuple[float, datetime, int]:
        """Higher is better: the score, then the more recent tweet, then the one added first."""
        score, position = best
        return score, self._tweets[position].created_at, -position

    def _latest_since(self, entry: _Text, since: datetime | None) -> int | None:
        """The most recent tweet with this text, if it was created at or after ``since``."""
        if entry.latest is None or (since is not None and entry.latest < since):
            return None
        return max(entry.tweets, key=lambda i: (self._tweets[i].created_at, -i))


def _pairs(order: list[str], allowed: float) -> list[tuple[list[str], int]]:
    """A text's keys (rarest first) in pairs, one of which a match by case 1 or 3 holds whole.

    The pigeonhole argument of ``_groups``, with the groups kept to two keys so
    a draft can look all of its pairs up; only as many pairs as the argument
    needs are returned, each with the weight of the lightest keys before it.
    """
    pairs, before = [], 0
    for i in range(0, len(order), 2):
        pair = order[i : i + 2]
        pairs.append((pair, before))
        before += min(len(key) + 1 for key in pair)
        if before > allowed:
            return pairs
    before = 0  # pairs cannot do it: a match must still share some key
    singles = []
    for key in order:
        singles.append(([key], before))
        before += len(key) + 1
    return singles


_NONE: frozenset[_Text] = frozenset()
_NO_TEXTS: tuple[list[_Text], list[str]] = ([], [])


def _single(key: str) -> frozenset[str]:
    return frozenset((key,))
