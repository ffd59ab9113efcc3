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

Cases 1-3 need the two texts to share a weight of *keys* (a token's letters
and digits: "beans!" is "beans") that no match can lack: the draft's bar, or
the earlier text's own, kept per text (``_share``). The index counts that
shared weight for every stored text at once: each key has a posting list of
the texts holding it (one numpy array for all keys, in key order), and one
weighted ``bincount`` over the draft's keys' lists gives every text's shared
weight. The texts at or above either bar are the candidates, all of them, with
nothing to tune; rapidfuzz scores each with the real ``token_set_ratio``, so
every match reported is a true one. A key weighs no more than its tokens, so
the bars never drop a match by 1-3. Matches by 4 share keys too when only the
punctuation differs; for a short draft case 4 is covered exactly as well: the
lengths must be within a factor ``(1 + d) / (1 - d)``, and the few short
texts of such lengths are all compared letter by letter. A long draft that
matches only by 4, with most of its words spelled differently (typos
throughout), can be missed; the tests and ``benchmarks/coach_latency.py``
measure recall against the plain scan.

Why numpy: a draft of common words touches a few hundred thousand postings in
a history of 100,000 tweets of prose; counting them is one C loop in numpy
(about a millisecond) where Python takes tens, and the lists cost 4 bytes per
(text, key) instead of a Python object each. It is imported when an index is
first filled, so starting the app does not wait for it.

Texts added one by one (:meth:`NearDuplicateIndex.add`, as the user posts)
wait in a short list that every search scores in full, and join the posting
arrays when it reaches ``MERGE_AT``. Memory per distinct text: its normalised
form, three numbers, and 4 bytes per key; identical normalised texts are
stored once.
"""

from __future__ import annotations

import gc
import re
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz, process

from tuicoach.domain.models import Tweet
from tuicoach.domain.twittertext import extract_mentions, extract_urls

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

DEFAULT_THRESHOLD = 85.0
_NOT_ALNUM = re.compile(r"[\W_]+")  # \w is str.isalnum() plus "_"
# Every link's host has a "." before its TLD; without one (and no @) nothing is masked.
_DOT_WORD = re.compile(r"\.[^\W_]")
# Drafts whose token string is at most this long also try every stored text of
# a length that could match letter by letter (case 4 in the docstring).
SHORT_DRAFT = 32
# Texts added since the posting arrays were last built, scored in full by each
# search until there are this many; then they join the arrays.
MERGE_AT = 256
# A search leaves out of its count the draft's keys held by more than one text in
# this many, while at most _LOW_BARS texts have a bar below their weight.
_COMMON_SHARE = 16
_LOW_BARS = 1024
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def normalise(text: str) -> str:
    """Lower case, links and @mentions removed, whitespace collapsed.

    Links and mentions are found as X finds them (``twittertext``), so
    ``example.com/menu`` goes too and an e-mail address stays.
    """
    return " ".join(_words(text))


def _words(text: str) -> list[str]:
    """The words of :func:`normalise`'s text (case folding neither makes nor takes a space)."""
    if "@" not in text and "＠" not in text and not _DOT_WORD.search(text):
        return text.casefold().split()  # no link or mention can be in it
    entities = sorted((e.start, e.end) for e in [*extract_urls(text), *extract_mentions(text)])
    if entities:
        pieces, position = [], 0
        for start, end in entities:
            pieces.append(text[position:start])
            position = end
        pieces.append(text[position:])
        text = " ".join(pieces)
    return text.casefold().split()


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


def _letters(tokens: set[str]) -> str:
    """The unique tokens' characters, sorted: ratio() of two such strings bounds case 4
    from above (the Indel distance of any two orderings is no less)."""
    return "".join(sorted(" ".join(tokens)))


def _share(score: float) -> float:
    """How much of a text's length its unshared tokens may weigh, for a match by 2 or 3.

    Case 2 scores ``1 - p / (2i + p - 2)``, with ``p`` the weight of the
    draft's unshared tokens and ``i`` that of the shared ones; at least
    ``1 - d`` needs ``p <= 2d (p + i - 1) / (1 + d)``, and ``p + i - 1`` is the
    draft's length. Case 3 is the same for the earlier tweet. So the keys a
    match shares weigh at least the text's key weight less this share of its
    length: that is each text's bar.
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


def _micros(moment: datetime) -> int:
    """Microseconds since the epoch, exactly (a naive time is UTC, as everywhere here)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // _MICROSECOND


def _numpy() -> Any:
    import numpy

    return numpy


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
        self._keep_from = None if keep_from is None else _micros(keep_from)
        self._share = _share(threshold)
        self._tweets: list[Tweet] = []
        self._ids: dict[str, int] = {}  # normalised text -> its id
        self._texts: list[str] = []  # by id: the normalised text
        # By text id: its most recent tweet in _tweets (the first added on a tie),
        # that tweet's time in microseconds, and the length of its unique tokens, joined.
        self._position = array("q")
        self._latest = array("q")
        self._length = array("q")
        self._key_id: dict[str, int] = {}
        self._token_kid: dict[str, int] = {}  # token -> its key's id
        self._weight = array("q")  # key id -> its weight (length + 1)
        # Texts from id _merged on wait outside the arrays: their keys, flat, and how many each.
        self._merged = 0
        self._pending_kids = array("q")
        self._pending_counts = array("q")
        # The posting arrays (numpy, once filled): key k's texts are
        # _postings[_starts[k]:_starts[k + 1]]; per merged text, its bar and latest time.
        self._starts: npt.NDArray[np.int64] | None = None
        self._postings: npt.NDArray[np.int32] | None = None
        self._bars: npt.NDArray[np.float64] | None = None
        self._latest_np: npt.NDArray[np.int64] | None = None
        self._weights_np: npt.NDArray[np.float64] | None = None
        self._sorted_bars: npt.NDArray[np.float64] | None = None
        # Short texts by length, with their letters, for case 4 (one rapidfuzz call).
        self._short_limit = _length_window(SHORT_DRAFT, threshold)[1]
        self._by_length: dict[int, tuple[list[int], list[str]]] = {}
        self.extend(tweets)

    def __len__(self) -> int:
        return len(self._tweets)

    def add(self, tweet: Tweet) -> None:
        """Add one tweet: cheap, it waits outside the arrays until ``MERGE_AT`` do."""
        self._add([tweet], merge=False)

    def extend(self, tweets: Iterable[Tweet]) -> None:
        """Add tweets, then build the posting arrays with them."""
        self._add(tweets, merge=True)

    def _add(self, tweets: Iterable[Tweet], *, merge: bool) -> None:
        # Building makes a few small objects per tweet and keeps them all: the
        # cycle collector would walk them again and again for nothing.
        collecting = gc.isenabled()
        gc.disable()
        try:
            self._take(tweets)
            if len(self._texts) > self._merged and (
                merge or len(self._texts) - self._merged >= MERGE_AT
            ):
                self._merge()
        finally:
            if collecting:
                gc.enable()

    def _take(self, tweets: Iterable[Tweet]) -> None:
        ids, texts, key_id, token_kid = self._ids, self._texts, self._key_id, self._token_kid
        weights, lengths, latest, positions = (
            self._weight,
            self._length,
            self._latest,
            self._position,
        )
        pending_kids, pending_counts = self._pending_kids, self._pending_counts
        keep_from, short_limit = self._keep_from, self._short_limit
        merged, latest_np = self._merged, self._latest_np
        for tweet in tweets:
            created = _micros(tweet.created_at)
            if keep_from is not None and created < keep_from:
                continue  # outside every window the rule will search
            position = len(self._tweets)
            self._tweets.append(tweet)
            words = _words(tweet.text)
            if not words:
                continue  # nothing can match it (token_set_ratio of an empty text is 0)
            normalised = " ".join(words)
            text_id = ids.get(normalised)
            if text_id is not None:
                if created > latest[text_id]:
                    latest[text_id], positions[text_id] = created, position
                    if text_id < merged and latest_np is not None:
                        latest_np[text_id] = created
                continue
            tokens = set(words)
            kid_set = set(map(token_kid.get, tokens))  # known tokens, at C speed
            if None in kid_set:
                kid_set.discard(None)
                for token in tokens:
                    if token in token_kid:
                        continue
                    key = _key(token)
                    kid = key_id.get(key)
                    if kid is None:
                        kid = key_id[key] = len(weights)
                        weights.append(len(key) + 1)
                    token_kid[token] = kid
                    kid_set.add(kid)
            text_id = ids[normalised] = len(texts)
            texts.append(normalised)
            length = sum(map(len, tokens)) + len(tokens) - 1
            lengths.append(length)
            latest.append(created)
            positions.append(position)
            pending_kids.extend(kid_set)  # type: ignore[arg-type]
            pending_counts.append(len(kid_set))
            if length <= short_limit:
                short = self._by_length.setdefault(length, ([], []))
                short[0].append(text_id)
                short[1].append(_letters(tokens))

    def _merge(self) -> None:
        """Build the posting arrays anew from the old ones and the texts waiting."""
        np = _numpy()
        first, count = self._merged, len(self._texts)
        self._weights_np = weights = np.frombuffer(self._weight, dtype=np.int64).astype(np.float64)
        fresh_kids = np.frombuffer(self._pending_kids, dtype=np.int64).astype(np.int32)
        fresh_ids = np.repeat(
            np.arange(first, count, dtype=np.int32),
            np.frombuffer(self._pending_counts, dtype=np.int64),
        )
        # Each new text's bar: the key weight a match by 1 or 3 shares at least.
        key_weight = np.bincount(
            fresh_ids - first, weights=weights[fresh_kids], minlength=count - first
        )
        bars = key_weight - self._share * np.frombuffer(self._length, dtype=np.int64)[first:]
        if self._postings is not None and self._starts is not None and self._bars is not None:
            old_kids = np.repeat(
                np.arange(len(self._starts) - 1, dtype=np.int32), np.diff(self._starts)
            )
            all_kids = np.concatenate([old_kids, fresh_kids])
            all_ids = np.concatenate([self._postings, fresh_ids])
            bars = np.concatenate([self._bars, bars])
        else:
            all_kids, all_ids = fresh_kids, fresh_ids
        order = np.argsort(all_kids, kind="stable")  # each key's texts stay in id order
        key_count = len(self._weight)
        starts = np.zeros(key_count + 1, dtype=np.int64)
        np.cumsum(np.bincount(all_kids, minlength=key_count), out=starts[1:])
        self._postings = all_ids[order]
        self._starts = starts
        self._bars = bars
        self._sorted_bars = np.sort(bars)
        self._latest_np = np.frombuffer(self._latest, dtype=np.int64).copy()
        self._merged = count
        self._pending_kids = array("q")
        self._pending_counts = array("q")

    def search(self, text: str, *, since: datetime | None = None) -> Match | None:
        """The most similar tweet at or above the threshold, created at or after ``since``."""
        query = normalise(text)
        if not query:
            return None
        tokens = set(query.split())
        keys = set(map(_key, tokens))
        length = sum(map(len, tokens)) + len(tokens) - 1
        after = None if since is None else _micros(since)
        latest = self._latest
        candidates: list[int] = []
        merged = self._merged
        starts = self._starts
        if merged and starts is not None:
            key_id = self._key_id
            known = len(starts) - 1  # keys first seen in waiting texts have no list yet
            kids = [
                kid for kid in (key_id.get(key) for key in keys) if kid is not None and kid < known
            ]
            if kids:
                candidates = self._shared_enough(kids, keys, length, after)
        # Waiting texts are few: score them all.
        candidates.extend(
            text_id
            for text_id in range(merged, len(self._texts))
            if after is None or latest[text_id] >= after
        )
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
                    text_id = short[0][at]
                    if after is None or latest[text_id] >= after:
                        candidates.append(text_id)
        best = self._best(query, candidates)
        if best is None:
            return None
        score, position = best
        return Match(self._tweets[position], score)

    def _shared_enough(
        self, kids: list[int], keys: set[str], length: int, after: int | None
    ) -> list[int]:
        """The merged texts sharing enough keys with the draft for a match by 1, 2 or 3.

        The draft's most common keys ("the", "and") hold most of the postings
        it would count, so some are left out of the count (``_common``): a text
        then shares at most their weight more than counted, so it is a
        candidate when the count plus that weight reaches a bar, and only the
        candidates' real shares are completed, by binary search in those keys'
        lists. The final test is the exact one.
        """
        np = _numpy()
        assert self._starts is not None and self._postings is not None
        assert self._weights_np is not None and self._bars is not None
        assert self._latest_np is not None and self._sorted_bars is not None
        starts, postings, weights = self._starts, self._postings, self._weight
        # The draft's bar (case 2): its keys' weight, known or not, less its share.
        room = sum(len(key) + 1 for key in keys) - self._share * length
        common, counted = self._common(kids, room)
        skipped = float(sum(weights[kid] for kid in common))
        if counted:
            chosen = np.array(counted, dtype=np.int64)
            begin, end = starts[chosen], starts[chosen + 1]
            held = np.concatenate(
                [postings[a:b] for a, b in zip(begin.tolist(), end.tolist(), strict=True)]
            )
            shared = np.bincount(
                held, weights=np.repeat(self._weights_np[chosen], end - begin),
                minlength=self._merged,
            )  # fmt: skip
        else:
            shared = np.zeros(self._merged)
        bound = shared + skipped if common else shared
        enough = bound >= self._bars  # case 3 (and 1)
        enough |= bound >= room
        if after is not None:
            enough &= self._latest_np >= after
        found = np.flatnonzero(enough)
        if common and found.size:
            exact, bars = shared[found], self._bars[found]
            for kid in sorted(common, key=weights.__getitem__, reverse=True):
                posting = postings[starts[kid] : starts[kid + 1]]
                at = np.searchsorted(posting, found)
                at[at == posting.size] = 0
                exact += weights[kid] * (posting[at] == found)
                skipped -= weights[kid]
                # Drop, as the count completes, the texts that can no longer reach a bar.
                alive = np.flatnonzero((exact + skipped >= bars) | (exact + skipped >= room))
                if alive.size < found.size:
                    found, exact, bars = found[alive], exact[alive], bars[alive]
            found = found[exact > 0]
        elif found.size:
            found = found[shared[found] > 0]  # a match by 1-3 shares a token
        result: list[int] = found.tolist()
        return result

    def _common(self, kids: list[int], room: float) -> tuple[list[int], list[int]]:
        """The draft's keys split in two: common ones left out of the count, and the rest.

        A key is left out when it is held by more than one text in
        ``_COMMON_SHARE``, while the keys left out weigh less than the draft's
        bar (else every text would be a candidate for case 2) and few texts
        have a bar at or below their weight (those are candidates whatever
        they share).
        """
        assert self._starts is not None and self._sorted_bars is not None
        starts, weights, sorted_bars = self._starts, self._weight, self._sorted_bars
        often = max(1, self._merged // _COMMON_SHARE)
        held = sorted(((int(starts[k + 1] - starts[k]), k) for k in kids), reverse=True)
        common: list[int] = []
        skipped = 0
        for count, kid in held:
            if count < often or skipped + weights[kid] >= room:
                break
            if int(sorted_bars.searchsorted(skipped + weights[kid], "right")) > _LOW_BARS:
                break
            skipped += weights[kid]
            common.append(kid)
        return common, [kid for _, kid in held[len(common) :]]

    def _best(self, query: str, candidates: list[int]) -> tuple[float, int] | None:
        """The best real score among the candidates, and its tweet (the most recent on a tie)."""
        if not candidates:
            return None
        latest, positions = self._latest, self._position
        # Newest first, then the one added first, as the scan.
        ranked = sorted(set(candidates), key=lambda i: (-latest[i], positions[i]))
        found = process.extractOne(
            query, [self._texts[i] for i in ranked], scorer=fuzz.token_set_ratio,
            score_cutoff=self.threshold,
        )  # fmt: skip
        if found is None:
            return None
        return found[1], positions[ranked[found[2]]]
