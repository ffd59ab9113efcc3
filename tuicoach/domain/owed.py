"""Owed replies: the people who spoke to the business and are still waiting.

The definition is the rulebook's ("Owed replies"). A tweet is *addressed* to the
user when someone else @mentions them, replies to one of their tweets, or quotes
one. It is *owed* a reply while the user has answered neither that tweet nor
that person later in the same conversation, has not marked it "no reply needed"
or snoozed it, and has not muted its author.

Owed tweets come in three bands, most needed first (within a band, the more
pressing first: a complaint before a plain question), then oldest first:
questions and complaints, then everything else, then thank-you notes and
emoji-only replies (owed a like at most). The words that decide a band are in
the lexicons just below, kept together so they can be read and argued with.

Where the rulebook is silent, this module decides so:

- a retweet does not address anyone: its "RT @you" copies, it does not speak;
- an own reply to the tweet answers it whenever it was posted; an own tweet
  answers the person only if it is later, in the same conversation, and
  replies to or @mentions them;
- when a thread cannot be joined up (a missing parent), the tweets on either
  side count as different conversations: one reply too many shown beats one
  hidden;
- tweets dated after ``now`` have not happened yet and are left out.

Computing the list means looking at every tweet, so :class:`OwedTracker` keeps
what it learned: add tweets as they arrive, ask for the list as often as the
screen needs it. :func:`compute_owed` is the one-shot form.
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import gc
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple, Protocol, TypeVar

from tuicoach.domain.models import Tweet, User, isoformat
from tuicoach.domain.triage import (
    Band,
    Reason,
    Triage,
    TriageSettings,
    TriageWords,
    Verdict,
    classify,
    default_triage,
    triage,
)

__all__ = [
    "Band",
    "Mark",
    "MarkKind",
    "OwedReply",
    "OwedStats",
    "OwedTracker",
    "Reason",
    "Triage",
    "TriageSettings",
    "TriageWords",
    "Verdict",
    "classify",
    "compute_owed",
    "owed_people",
    "owed_stats",
    "owed_words",
    "triage",
    "tweets_for_window",
    "window_links",
]

# --- Bands -------------------------------------------------------------------
# The reading of a tweet (its band, how pressing it is within the band, and the
# cues that decided it) is tuicoach.domain.triage's; the word lists are there.

_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_ANY_MENTION = re.compile(r"(?<![\w@＠])[@＠](\w{1,15})(?!\w)")


def says_nothing(text: str) -> bool:
    """Only @mentions, links and whitespace: a post like that answers nobody."""
    # The quick answer, for nearly every post: a word (a run of non-space) with no @ and
    # no "http" or "www." (in any case) is touched by neither pattern below (neither
    # matches across a space, and blanking a match only puts a space where it was), so it
    # is left standing. Lower-casing makes no "http" or "www." that IGNORECASE would not
    # see, and misses none it would (no other letter folds to h, t, p, w or ".").
    # The first two words first (a reply's "@name Thanks ..." has its word there), without
    # splitting the whole text; then the rest. The same test either way.
    for word in text.split(None, 2)[:2]:
        if "@" not in word and "＠" not in word:
            lowered = word.lower()
            if "http" not in lowered and "www." not in lowered:
                return False
    for word in text.split():
        if "@" not in word and "＠" not in word:
            lowered = word.lower()
            if "http" not in lowered and "www." not in lowered:
                return False
    if "http" in text or "www." in text:
        text = _LINK.sub(" ", text)
    if "@" in text or "＠" in text:
        text = _ANY_MENTION.sub(" ", text)
    return not text.strip()


# --- Marks and results ----------------------------------------------------------


class MarkKind(StrEnum):
    NO_REPLY = "no-reply"
    SNOOZED = "snoozed"
    NOT_SPAM = "not-spam"  # moved back from probably-spam: owed like any mention


@dataclass(frozen=True, slots=True)
class Mark:
    """The user's decision about one addressed tweet.

    "No reply needed" is a first-class answer (RULEBOOK: engagement "doesn't
    necessarily mean respond to every tweet"), so it carries the reason.
    A snooze hides the tweet until ``until``, then it is owed again.
    """

    kind: MarkKind
    at: datetime
    reason: str = ""
    until: datetime | None = None

    @classmethod
    def no_reply(cls, reason: str, *, at: datetime) -> Mark:
        return cls(MarkKind.NO_REPLY, at, reason=reason)

    @classmethod
    def snoozed(cls, until: datetime, *, at: datetime) -> Mark:
        return cls(MarkKind.SNOOZED, at, until=until)

    @classmethod
    def spam(cls, *, at: datetime) -> Mark:
        """Confirm a probably-spam mention: no reply needed, because it is spam."""
        return cls(MarkKind.NO_REPLY, at, reason=SPAM_REASON)

    @classmethod
    def not_spam(cls, *, at: datetime) -> Mark:
        """Move a probably-spam mention back: a person, owed an answer."""
        return cls(MarkKind.NOT_SPAM, at)

    def hides(self, now: datetime) -> bool:
        """Whether the tweet stays off the owed list at ``now``."""
        if self.kind is MarkKind.NO_REPLY:
            return True
        if self.kind is MarkKind.NOT_SPAM:
            return False
        return self.until is not None and self.until > now


#: The reason a confirmed spam mention is marked "no reply needed" with.
SPAM_REASON = "spam"


class OwedReply(NamedTuple):
    """One tweet still waiting for the user's answer.

    A named tuple rather than a frozen dataclass: the list is rebuilt on every
    refresh, often tens of thousands long, and tuples are built several
    times faster.
    """

    tweet: Tweet
    band: Band
    waiting: timedelta
    conversation_id: str
    #: Why it is in its band: the cues and where they are in ``tweet.text``.
    reasons: tuple[Reason, ...] = ()
    #: How pressing within its band, 0 first (complaints before plain questions).
    tier: int = 0

    def to_json(self) -> dict[str, Any]:
        """The shape ``tuicoach owed --json`` prints."""
        return {
            "id": self.tweet.id,
            "author_id": self.tweet.author_id,
            "text": self.tweet.text,
            "created_at": isoformat(self.tweet.created_at),
            "waiting_seconds": int(self.waiting.total_seconds()),
            "band": self.band.value,
            "conversation_id": self.conversation_id,
            "reasons": [r.to_json() for r in self.reasons],
        }


DEFAULT_WINDOW = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class OwedStats:
    """How well the user keeps up, over the tweets addressed to them in ``window``.

    Tweets dismissed as "no reply needed" and tweets from muted accounts are
    left out of ``addressed``: the user decided they are owed nothing.
    ``owed`` (the people waiting: two mentions from one person count once),
    ``owed_tweets`` and ``oldest_owed`` describe the owed list now, whatever its age.
    """

    addressed: int
    answered: int
    median_first_reply: timedelta | None
    owed: int
    oldest_owed: timedelta | None
    window: timedelta = DEFAULT_WINDOW
    owed_tweets: int | None = None  # None: as many as ``owed``

    @property
    def reply_rate(self) -> float | None:
        """Share of addressed tweets answered, or ``None`` when nobody wrote."""
        return self.answered / self.addressed if self.addressed else None

    def to_json(self) -> dict[str, Any]:
        def seconds(value: timedelta | None) -> int | None:
            return None if value is None else int(value.total_seconds())

        return {
            "addressed": self.addressed,
            "answered": self.answered,
            "reply_rate": self.reply_rate,
            "median_first_reply_seconds": seconds(self.median_first_reply),
            "owed": self.owed,
            "owed_tweets": self.owed if self.owed_tweets is None else self.owed_tweets,
            "oldest_owed_seconds": seconds(self.oldest_owed),
            "window_days": self.window.days,
        }


def owed_people(owed: Iterable[OwedReply]) -> int:
    """How many people are owed a reply: "N owed" everywhere counts these (two mentions
    from one person count once), as issue 11 asks."""
    return len({o.tweet.author_id for o in owed})


def owed_words(people: int, tweets: int) -> str:
    """ "3 people (5 tweets)", or "3 people" when each waits on one tweet."""
    who = f"{people} {'person' if people == 1 else 'people'}"
    if tweets == people:
        return who
    return f"{who} ({tweets} tweet{'' if tweets == 1 else 's'})"


# --- Conversations --------------------------------------------------------------


def _id_order(tweet_id: str) -> tuple[int, str]:
    """Numeric order for X's decimal ids, and a total order for anything else."""
    return (len(tweet_id), tweet_id)


def derive_conversation_ids(tweets: Mapping[str, Tweet]) -> dict[str, str]:
    """Each known tweet's conversation, following ``replied_to`` where X did not say.

    A tweet that names its conversation keeps it. Otherwise the chain of
    replies is followed up to a tweet that names one, a tweet that replies to
    nothing (the root), or a parent we do not have: then the missing parent's
    id is the best name for the conversation, shared by everything below it.
    Iterative and cycle-safe: a loop of replies (only bad data makes one) is
    named after its smallest id.
    """
    # The tweets that name their conversation keep it (nearly all: X says), in one pass;
    # the walk is for the rest (it would stop at a named tweet and take its name anyway).
    resolved = {
        tweet_id: conversation
        for tweet_id, tweet in tweets.items()
        if (conversation := tweet.conversation_id)
    }
    if len(resolved) < len(tweets):
        _resolve_conversations(tweets, tweets.items(), resolved)
    return resolved


def _resolve_conversations(
    tweets: Mapping[str, Linked], starts: Iterable[tuple[str, Linked]], resolved: dict[str, str]
) -> None:
    """:func:`derive_conversation_ids` for the tweets in ``starts`` only (and the chains above
    them), into ``resolved``: the same names whichever tweets are asked about first."""
    for start, tweet in starts:
        if start in resolved:
            continue
        if tweet.conversation_id:  # the common case: X said
            resolved[start] = tweet.conversation_id
            continue
        path: list[str] = []
        on_path: set[str] = set()
        current = start
        while True:
            if current in resolved:
                root = resolved[current]
                break
            node = tweets.get(current)
            if node is None:
                root = current
                break
            if current in on_path:
                root = min(path[path.index(current) :], key=_id_order)
                break
            path.append(current)
            on_path.add(current)
            if node.conversation_id:
                root = node.conversation_id
                break
            if node.replied_to_id is None:
                root = current
                break
            current = node.replied_to_id
        for tweet_id in path:
            resolved[tweet_id] = root


def tweets_for_window(
    tweets: Iterable[Tweet] | Mapping[str, Tweet], *, account_id: str, since: datetime
) -> list[Tweet]:
    """The tweets an :class:`OwedTracker` needs to know, for a report from ``since`` on,
    everything it would know over all of ``tweets``.

    Over these, the tracker has every tweet addressed to the user that arrived from
    ``since`` on, and every older one not answered by ``since``, each with the same first
    reply as over all of them (and the same band: a band depends only on the tweet and its
    author). The only older tweets it lacks are ones answered by ``since``, which no figure
    from ``since`` on counts (:func:`tuicoach.domain.report.build_report`). What is kept:

    - every tweet from ``since`` on, the user's and everyone else's;
    - the older tweets of others that no reply of the user's (one with words: a post of
      only @mentions and links answers nobody) from before ``since`` answered directly;
    - the user's older tweets in those tweets' conversations (they may have answered the
      person later in the conversation: kept, the tracker decides), the ones a kept tweet
      replies to or quotes (that makes it addressed), and the ones replying to a kept
      tweet (a reply dated before the tweet still answers it).

    An older tweet of the user's can only answer at its own time, before ``since``: so
    keeping one changes no first reply of a kept tweet from before ``since`` (that tweet
    would have been answered by ``since``), and is right for a kept later one. Tweets
    that do not name their conversation get the name :func:`derive_conversation_ids`
    gives them over all of ``tweets``, since their ancestors may not be kept.
    """
    with collector_paused():
        by_id = tweets if isinstance(tweets, Mapping) else {t.id: t for t in tweets}
        kept, named = window_links(by_id, account_id=account_id, since=since)
    if not named:
        return kept
    return [_with_conversation(t, named[t.id]) if t.id in named else t for t in kept]


_TWEET_FIELDS = tuple(f.name for f in dataclasses.fields(Tweet))


def _with_conversation(tweet: Tweet, conversation: str) -> Tweet:
    """``dataclasses.replace(tweet, conversation_id=conversation)``, without its per-call
    look at the fields (a window may rename thousands)."""
    if type(tweet) is not Tweet:  # a subclass: let dataclasses do it right
        return dataclasses.replace(tweet, conversation_id=conversation)
    values: list[Any] = [
        conversation if name == "conversation_id" else getattr(tweet, name)
        for name in _TWEET_FIELDS
    ]
    return Tweet(*values)


class Linked(Protocol):
    """What :func:`window_links` reads of a tweet: how it relates to others, and its words
    (a :class:`Tweet`, or a store's slimmer row with these names)."""

    @property
    def id(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def author_id(self) -> str: ...
    @property
    def conversation_id(self) -> str | None: ...
    @property
    def replied_to_id(self) -> str | None: ...
    @property
    def quoted_id(self) -> str | None: ...


_L = TypeVar("_L", bound=Linked)


def window_links(
    by_id: Mapping[str, _L], *, account_id: str, since: datetime
) -> tuple[list[_L], dict[str, str]]:
    """:func:`tweets_for_window`'s choice, without the copies: the tweets kept, and the
    conversation each kept tweet must be told (by id) where its chain is not all kept.
    A tweet's ``created_at`` is only compared with ``since``, to tell the later ones."""
    kept: list[_L] = []
    old_own: list[_L] = []
    old_others: dict[str, _L] = {}
    replies_before: list[_L] = []
    for tweet in by_id.values():
        if tweet.created_at >= since:
            kept.append(tweet)
        elif tweet.author_id == account_id:
            old_own.append(tweet)
            if tweet.replied_to_id is not None:
                replies_before.append(tweet)
        else:
            old_others[tweet.id] = tweet
    if not old_own and not old_others:
        return kept, {}  # the window holds every tweet: nothing to choose, nothing to name
    for reply in replies_before:
        parent = reply.replied_to_id
        if parent in old_others and not says_nothing(reply.text):
            del old_others[parent]  # answered before the window: nobody waits on it
    resolved: dict[str, str] = {}

    def conversation(tweet: _L) -> str:
        if tweet.conversation_id:
            return tweet.conversation_id
        parent_id = tweet.replied_to_id
        if parent_id is None:
            return tweet.id  # a root names its conversation
        # The usual chain, one step long: the parent is missing (its id names the
        # conversation) or names its conversation. Longer ones are walked (and kept).
        parent = by_id.get(parent_id)
        if parent is None:
            return parent_id
        if parent.conversation_id:
            return parent.conversation_id
        if tweet.id not in resolved:
            _resolve_conversations(by_id, ((tweet.id, tweet),), resolved)
        return resolved[tweet.id]

    waiting = old_others.values()
    open_conversations = {t.conversation_id or conversation(t) for t in waiting}
    kept.extend(waiting)
    ids = set(map(_ID, kept))
    referenced = {
        t.replied_to_id for t in kept if t.replied_to_id is not None and t.author_id != account_id
    }
    referenced.update(
        t.quoted_id for t in kept if t.quoted_id is not None and t.author_id != account_id
    )
    keep, known = kept.append, ids.add
    for tweet in old_own:  # in order: a reply to an old own tweet kept just before is kept
        parent = tweet.replied_to_id
        if (
            tweet.id in referenced
            or (parent is not None and parent in ids)
            or (tweet.conversation_id or conversation(tweet)) in open_conversations
        ):
            keep(tweet)
            known(tweet.id)
    # A tweet that does not name its conversation takes its parent's: where the parent is
    # not kept (but known), it is told the name the whole chain gives it.
    named = {
        tweet.id: conversation(tweet)
        for tweet in kept
        if not tweet.conversation_id
        and tweet.replied_to_id is not None
        and tweet.replied_to_id not in ids
        and tweet.replied_to_id in by_id
    }
    return kept, named


# --- The tracker ----------------------------------------------------------------


class _Addressed(NamedTuple):
    """A tweet addressed to the user, and when (if ever) they first answered it.

    ``verdict`` and ``priority`` are ``None`` until something needs the tweet's
    band: triage is the costly part of a build, and a report or the reply
    figures need only a few of the verdicts (see :meth:`OwedTracker.band`).
    """

    priority: tuple[int, int, datetime, int, str] | None  # band, tier, age, id: a total order
    tweet: Tweet
    verdict: Verdict | None
    conversation_id: str
    answered_at: datetime | None


_PRIORITY = itemgetter(0)
_ID = attrgetter("id")
_REPLIED_TO = attrgetter("replied_to_id")
_QUOTED = attrgetter("quoted_id")
_TWEET_AND_ANSWER = itemgetter(1, 4)  # an _Addressed's tweet and answered_at


def _follower_magnitude(count: int | None) -> int:
    """Orders of magnitude: 1-9 followers is 0, 10-99 is 1, and so on; none is -1."""
    return int(math.log10(count)) if count and count > 0 else -1


class OwedTracker:
    """Tweets seen so far, and the owed list they add up to.

    Built once from every known tweet, then kept up to date as tweets
    arrive: a new mention joins the list in its place, a new own reply
    answers what it answers. A tweet that changes the structure around it
    (the missing parent of tweets already here, an edit to what a tweet
    replies to, a new name for someone who wrote) makes the next question
    rebuild the relations from scratch instead: always correct, and rare.
    Asking with a new clock, new marks or new mutes costs one pass over the
    tweets still waiting.

    Tweets are classified (:mod:`tuicoach.domain.triage`) only when their band
    is needed: the owed list needs the unanswered ones, a report the ones in
    its period (:meth:`band`), the reply figures only whether a tweet is spam
    (:meth:`is_spam`, a far cheaper test). Each verdict is kept once made.

    ``usernames`` (user id -> username) lets an own tweet that answers someone
    by ``@name`` in its text count as answering that person.
    """

    def __init__(
        self,
        tweets: Iterable[Tweet] = (),
        *,
        account_id: str,
        account_username: str | None = None,
        usernames: Mapping[str, str] | None = None,
        authors: Mapping[str, User] | None = None,
        triage: Triage | None = None,
    ) -> None:
        self.account_id = account_id
        self._triage = triage or default_triage()
        self._authors: dict[str, User] = dict(authors or {})
        self.account_username = account_username
        self._self_mention = (
            re.compile(r"(?<![\w@＠])[@＠]" + re.escape(account_username) + r"(?!\w)", re.I)
            if account_username
            else None
        )
        # What each tweet says on its own.
        self._tweets: dict[str, Tweet] = {}
        self._mentions_user: dict[str, bool] = {}  # others' tweets
        self._spoken_to: dict[str, tuple[str, ...]] = {}  # own tweets: user ids and "@name"s
        self._verdicts: dict[str, Verdict] = {}  # lazily: only addressed tweets need one
        self._spam_only: dict[str, bool] = {}  # is-spam answers given without a full verdict
        # The same per text, for tweets whose author the tracker does not know (then the
        # words alone decide, and repeated texts are many): this tracker's reader, fixed.
        self._read_texts: dict[str, Verdict] = {}
        self._spam_texts: dict[str, bool] = {}
        self._silent: set[str] = set()  # own posts of only @mentions and links: no answer
        self._usernames: dict[str, str] = {}
        self._ids_by_name: dict[str, set[str]] = {}
        # The relations between tweets, valid while not dirty.
        self._dirty = True
        self._conversation: dict[str, str] = {}
        self._referenced: set[str] = set()  # ids other tweets reply to or quote
        self._first_direct: dict[str, datetime] = {}  # tweet id -> first own reply to it
        self._to_person: dict[tuple[str, str], list[datetime]] = {}  # (conversation, person)
        self._entries: dict[str, _Addressed] = {}
        # (conversation, author id) -> the entries' ids: made when a new own tweet is first
        # linked in (None until then; a one-shot tracker, a report's, never needs it).
        self._by_author: dict[tuple[str, str], list[str]] | None = None
        self._entry_authors: set[str] = set()
        self._open: list[_Addressed] = []  # the unanswered ones, in priority order ...
        self._ordered = False  # ... once built: every unanswered entry then has its verdict
        self.add_usernames(usernames or {})
        self.add(tweets)

    def __len__(self) -> int:
        return len(self._tweets)

    def add(self, tweets: Iterable[Tweet]) -> None:
        """Take in new tweets, or newer versions of known ones."""
        if self._dirty:  # the relations are rebuilt anyway: note them all, in one loop
            with collector_paused():
                self._note_all(tweets)
            return
        for tweet in tweets:
            if self._dirty or not self._link(tweet):
                self._note(tweet)
                self._dirty = True

    def add_usernames(self, usernames: Mapping[str, str]) -> None:
        """Learn who is who, for own replies that name people only in their text."""
        for user_id, username in usernames.items():
            name = username.lower()
            old = self._usernames.get(user_id)
            if old == name:
                continue
            self._usernames[user_id] = name
            if old is not None:
                self._ids_by_name[old].discard(user_id)
            self._ids_by_name.setdefault(name, set()).add(user_id)
            if user_id in self._entry_authors:
                self._dirty = True

    # -- what a tweet says on its own

    def _note(self, tweet: Tweet) -> None:
        tweet_id = tweet.id
        self._tweets[tweet_id] = tweet
        self._verdicts.pop(tweet_id, None)
        self._spam_only.pop(tweet_id, None)
        if tweet.author_id == self.account_id:
            if says_nothing(tweet.text):
                self._silent.add(tweet_id)
                self._spoken_to[tweet_id] = ()
            else:
                self._silent.discard(tweet_id)
                self._spoken_to[tweet_id] = _spoken_to(tweet)
            self._mentions_user.pop(tweet_id, None)
            return
        self._spoken_to.pop(tweet_id, None)
        username = (self.account_username or "").lower()
        self._mentions_user[tweet_id] = any(
            m.id == self.account_id or m.username.lower() == username for m in tweet.mentions
        ) or bool(self._self_mention and self._self_mention.search(tweet.text))

    def _note_all(self, tweets: Iterable[Tweet]) -> None:
        """:meth:`_note` for many tweets: the same, unrolled (it is most of a first build)."""
        known, verdicts, spam_only = self._tweets, self._verdicts, self._spam_only
        silent, spoken_to, mentions_user = self._silent, self._spoken_to, self._mentions_user
        account = self.account_id
        username = (self.account_username or "").lower()
        self_mention = self._self_mention
        for tweet in tweets:
            tweet_id = tweet.id
            known[tweet_id] = tweet
            if verdicts:
                verdicts.pop(tweet_id, None)
            if spam_only:
                spam_only.pop(tweet_id, None)
            if tweet.author_id == account:
                if says_nothing(tweet.text):
                    silent.add(tweet_id)
                    spoken_to[tweet_id] = ()
                else:
                    silent.discard(tweet_id)
                    spoken_to[tweet_id] = _spoken_to(tweet)
                mentions_user.pop(tweet_id, None)
                continue
            spoken_to.pop(tweet_id, None)
            mentioned = False
            for m in tweet.mentions:
                if m.id == account or m.username.lower() == username:
                    mentioned = True
                    break
            else:
                mentioned = bool(self_mention and self_mention.search(tweet.text))
            mentions_user[tweet_id] = mentioned
        self._dirty = True

    def _is_addressed(self, tweet: Tweet) -> bool:
        """Someone else mentioned the user, or replied to or quoted one of their tweets."""
        own = self._spoken_to
        return tweet.retweeted_id is None and (
            self._mentions_user.get(tweet.id, False)
            or tweet.in_reply_to_user_id == self.account_id
            or (tweet.replied_to_id is not None and tweet.replied_to_id in own)
            or (tweet.quoted_id is not None and tweet.quoted_id in own)
        )

    # -- relations

    def _first_answer(self, tweet: Tweet, conversation: str) -> datetime | None:
        """The user's first reply to the tweet, or to its author later in the conversation."""
        answered_at = self._first_direct.get(tweet.id)
        name = self._usernames.get(tweet.author_id)
        people = (tweet.author_id,) if name is None else (tweet.author_id, "@" + name)
        for person in people:
            spoken = self._to_person.get((conversation, person))
            if spoken:
                later = bisect.bisect_right(spoken, tweet.created_at)
                if later < len(spoken) and (answered_at is None or spoken[later] < answered_at):
                    answered_at = spoken[later]
        return answered_at

    def _entry(self, tweet: Tweet, conversation: str) -> _Addressed:
        """An addressed tweet's entry, indexed by id and author, not yet classified."""
        answered_at = self._first_answer(tweet, conversation)
        entry = _Addressed(None, tweet, None, conversation, answered_at)
        self._entries[tweet.id] = entry
        self._authors_index().setdefault((conversation, tweet.author_id), []).append(tweet.id)
        self._entry_authors.add(tweet.author_id)
        return entry

    def _authors_index(self) -> dict[tuple[str, str], list[str]]:
        """The addressed tweets' ids by (conversation, author): what a new own tweet in that
        conversation, speaking to that author, answers. Made from the entries on first use
        (tens of thousands of small lists the cyclic collector would walk: a tracker built
        once for a report never links a tweet in, so never pays for them)."""
        index = self._by_author
        if index is None:
            index = {}
            for tweet_id, entry in self._entries.items():
                key = (entry.conversation_id, entry.tweet.author_id)
                if (ids := index.get(key)) is None:
                    index[key] = [tweet_id]
                else:
                    ids.append(tweet_id)
            self._by_author = index
        return index

    def _verdict(self, tweet: Tweet) -> Verdict:
        verdict = self._verdicts.get(tweet.id)
        if verdict is None:
            author = self._authors.get(tweet.author_id)
            if author is None:  # the words alone decide: one reading per text
                text = tweet.text
                verdict = self._read_texts.get(text)
                if verdict is None:
                    verdict = self._read_texts[text] = self._triage.classify(text, None)
            else:
                verdict = self._triage.classify(tweet.text, author)
            self._verdicts[tweet.id] = verdict
        return verdict

    def _classified(self, entry: _Addressed) -> _Addressed:
        """The entry with its verdict and priority, kept for next time."""
        if entry.verdict is not None:
            return entry
        tweet = entry.tweet
        verdict = self._verdict(tweet)
        priority = (verdict.band.rank, verdict.tier, tweet.created_at, len(tweet.id), tweet.id)
        # entry._replace(priority=..., verdict=...), without its keyword machinery: a report
        # classifies tens of thousands.
        entry = tuple.__new__(
            _Addressed, (priority, tweet, verdict, entry.conversation_id, entry.answered_at)
        )
        self._entries[tweet.id] = entry
        return entry

    def _order(self) -> None:
        """File the unanswered entries in priority order, classifying them."""
        if self._ordered:
            return
        classified = self._classified
        self._open = [classified(e) for e in list(self._entries.values()) if e.answered_at is None]
        self._open.sort(key=_PRIORITY)
        self._ordered = True

    def band(self, tweet_id: str) -> Band:
        """The band of an addressed tweet (classified now if it was not yet)."""
        if self._dirty:
            self._refresh()
        entry = self._entries[tweet_id]
        # Only the verdict is kept here (by id, as for any): the entry is given its priority
        # when the owed list orders it. A report asks this of every tweet in its period.
        verdict = entry.verdict
        if verdict is None:
            verdict = self._verdict(entry.tweet)
        return verdict.band

    def is_spam(self, tweet_id: str) -> bool:
        """Whether an addressed tweet is in the probably-spam band; cheaper than
        :meth:`band` for a tweet not classified yet (only the spam test runs)."""
        if self._dirty:
            self._refresh()
        verdict = self._verdicts.get(tweet_id)
        if verdict is not None:
            return verdict.band is Band.SPAM
        known = self._spam_only.get(tweet_id)
        if known is None:
            tweet = self._entries[tweet_id].tweet
            author = self._authors.get(tweet.author_id)
            if author is None:  # the words alone decide: one test per text
                read = self._read_texts.get(tweet.text)
                if read is not None:
                    known = read.band is Band.SPAM
                else:
                    known = self._spam_texts.get(tweet.text)
                    if known is None:
                        known = self._spam_texts[tweet.text] = self._triage.is_spam(tweet.text)
            else:
                known = self._triage.is_spam(tweet.text, author)
            self._spam_only[tweet_id] = known
        return known

    def _replied(self, parent: str, at: datetime) -> None:
        """An own reply to ``parent`` at ``at``: keep the first."""
        earlier = self._first_direct.get(parent)
        if earlier is None or at < earlier:
            self._first_direct[parent] = at

    def _rebuild(self) -> None:
        """Work out every relation from the tweets alone."""
        tweets = self._tweets
        self._conversation = conversations = derive_conversation_ids(tweets)
        values = tweets.values()
        self._referenced = referenced = set(map(_REPLIED_TO, values))  # the ids replied to ...
        referenced.update(map(_QUOTED, values))  # ... or quoted, by any tweet
        referenced.discard(None)  # not a reference: none
        referenced.discard("")
        to_person: dict[tuple[str, str], list[datetime]] = {}
        first_replies: dict[str, datetime] = {}
        self._first_direct, self._to_person = first_replies, to_person
        silent = self._silent
        for tweet_id, people in self._spoken_to.items():
            if tweet_id in silent:
                continue
            tweet = tweets[tweet_id]
            created = tweet.created_at
            parent = tweet.replied_to_id
            if parent is not None:  # _replied, unrolled: the first own reply to it
                earlier = first_replies.get(parent)
                if earlier is None or created < earlier:
                    first_replies[parent] = created
            conversation = conversations[tweet_id]
            for person in people:
                to_person.setdefault((conversation, person), []).append(created)
        for times in to_person.values():
            if len(times) > 1:
                times.sort()

        # Every addressed tweet's entry: _is_addressed, _first_answer and _entry,
        # unrolled (a first build makes tens of thousands).
        entries: dict[str, _Addressed] = {}
        entry_authors: set[str] = set()
        self._entries, self._by_author, self._entry_authors = entries, None, entry_authors
        account = self.account_id
        own = self._spoken_to
        first_direct = self._first_direct.get
        spoken_to_person = to_person.get
        username_of = self._usernames.get
        make, row = tuple.__new__, _Addressed
        for tweet_id, mentioned in self._mentions_user.items():
            tweet = tweets[tweet_id]
            if tweet.retweeted_id is not None or not (
                mentioned
                or tweet.in_reply_to_user_id == account
                or (tweet.replied_to_id is not None and tweet.replied_to_id in own)
                or (tweet.quoted_id is not None and tweet.quoted_id in own)
            ):
                continue
            conversation = conversations[tweet_id]
            author = tweet.author_id
            answered_at = first_direct(tweet_id)
            name = username_of(author)
            for person in (author,) if name is None else (author, "@" + name):
                spoken = spoken_to_person((conversation, person))
                if spoken:
                    later = bisect.bisect_right(spoken, tweet.created_at)
                    if later < len(spoken) and (answered_at is None or spoken[later] < answered_at):
                        answered_at = spoken[later]
            entries[tweet_id] = make(row, (None, tweet, None, conversation, answered_at))
            entry_authors.add(author)
        self._open, self._ordered = [], False
        self._dirty = False

    def _link(self, tweet: Tweet) -> bool:
        """Fit one tweet into the relations as they stand; False when only a rebuild can."""
        tweet_id = tweet.id
        known = self._tweets.get(tweet_id)
        if known is not None:  # a newer version: fine if only its counts changed
            if not _same_links(known, tweet):
                return False
            self._tweets[tweet_id] = tweet
            if (entry := self._entries.get(tweet_id)) is not None:
                self._replace(entry, entry._replace(tweet=tweet))
            return True
        if tweet_id in self._referenced:  # the missing parent of tweets we have
            return False

        self._note(tweet)
        parent = tweet.replied_to_id
        conversation = tweet.conversation_id or (
            self._conversation.get(parent, parent) if parent else tweet_id
        )
        self._conversation[tweet_id] = conversation
        self._referenced.update(ref for ref in (parent, tweet.quoted_id) if ref)
        if tweet_id not in self._spoken_to:
            if self._is_addressed(tweet):
                entry = self._entry(tweet, conversation)
                if self._ordered and entry.answered_at is None:
                    bisect.insort(self._open, self._classified(entry), key=_PRIORITY)
            return True

        created = tweet.created_at
        if tweet_id in self._silent:
            return True
        if parent is not None:
            self._replied(parent, created)
            if (entry := self._entries.get(parent)) is not None:
                self._answer(entry, created)
        for person in self._spoken_to[tweet_id]:
            bisect.insort(self._to_person.setdefault((conversation, person), []), created)
            authors = self._ids_by_name.get(person[1:], ()) if person[0] == "@" else (person,)
            for author in authors:
                for addressed_id in self._authors_index().get((conversation, author), ()):
                    entry = self._entries[addressed_id]
                    if entry.tweet.created_at < created:
                        self._answer(entry, created)
        return True

    def _answer(self, entry: _Addressed, at: datetime) -> None:
        if entry.answered_at is None or at < entry.answered_at:
            self._replace(entry, entry._replace(answered_at=at))

    def _replace(self, old: _Addressed, new: _Addressed) -> None:
        """Swap an entry in place; priorities are equal, so the order holds."""
        self._entries[new.tweet.id] = new
        if self._ordered and old.answered_at is None:
            at = bisect.bisect_left(self._open, old.priority, key=_PRIORITY)
            if new.answered_at is None:
                self._open[at] = new
            else:
                del self._open[at]

    def _refresh(self) -> None:
        if self._dirty:
            with collector_paused():
                self._rebuild()

    def _refresh_ordered(self) -> None:
        self._refresh()
        self._order()

    def owed(
        self,
        *,
        now: datetime,
        marks: Mapping[str, Mark] | None = None,
        muted: frozenset[str] = frozenset(),
        rank_by_followers: bool = False,
        followers: Mapping[str, int] | None = None,
    ) -> list[OwedReply]:
        """The owed list at ``now``, most needed first.

        Tweets dated after ``now`` have not happened yet and are left out.
        With ``rank_by_followers`` (off by default: RULEBOOK, "they're all
        influencers to me"), bands still come first; within a band, authors
        with an order of magnitude more followers come first (1-9, 10-99,
        100-999, ...; unknown counts last), and the oldest first among equals,
        so 120 followers never jumps 90 and nobody waits behind a celebrity
        for a mere few followers more.
        """
        self._refresh_ordered()
        marks = marks or {}
        result: list[OwedReply] = []
        moved_back: list[OwedReply] = []
        spam = Band.SPAM
        # The hot loop, kept plain: tens of thousands of rows on every refresh.
        # Each row is built by tuple.__new__ (no Python-level __new__ call), from
        # the verdict cached when the tweet arrived (never classified here).
        make = tuple.__new__
        row = OwedReply
        get_mark = marks.get if marks else None
        for _, tweet, verdict, conversation, _ in self._open:
            created = tweet.created_at
            if created > now or tweet.author_id in muted:
                continue
            if get_mark is not None:
                mark = get_mark(tweet.id)
                if mark is not None and mark.hides(now):
                    continue
            else:
                mark = None
            band, tier, reasons = verdict  # type: ignore[misc]  # ordered: all classified
            if band is spam:
                if mark is None or mark.kind is not MarkKind.NOT_SPAM:
                    continue
                moved = self._triage.classify(tweet.text, None, spam=False)
                moved_back.append(
                    OwedReply(
                        tweet, moved.band, now - created, conversation, moved.reasons, moved.tier
                    )
                )
                continue
            result.append(make(row, (tweet, band, now - created, conversation, reasons, tier)))
        if moved_back:
            result.extend(moved_back)
            result.sort(key=lambda o: (o.band.rank, o.tier))  # stable: oldest first holds
        if rank_by_followers:
            counts = followers or {}
            result.sort(  # stable: oldest first stays so among equals
                key=lambda o: (o.band.rank, -_follower_magnitude(counts.get(o.tweet.author_id)))
            )
        return result

    def probably_spam(
        self,
        *,
        now: datetime,
        marks: Mapping[str, Mark] | None = None,
        muted: frozenset[str] = frozenset(),
    ) -> list[OwedReply]:
        """The probably-spam band: unanswered mentions that read as spam or bots.

        Shown after the owed list and never counted in it. Each carries its
        reasons. Confirming one (``Mark.spam``: no reply needed, "spam") or
        moving it back (``Mark.not_spam``: owed like anyone) takes it out.
        """
        self._refresh_ordered()
        marks = marks or {}
        result: list[OwedReply] = []
        for _, tweet, verdict, conversation, _ in self._open:
            assert verdict is not None  # ordered: every open entry is classified
            if verdict.band is not Band.SPAM:
                continue
            created = tweet.created_at
            if created > now or tweet.author_id in muted:
                continue
            if tweet.id in marks:
                continue
            result.append(
                OwedReply(tweet, verdict.band, now - created, conversation, verdict.reasons)
            )
        return result

    def add_authors(self, authors: Iterable[User]) -> None:
        """Learn who wrote what, so an account's shape can tell a follow ring (spam)."""
        for user in authors:
            if self._authors.get(user.id) != user:
                self._authors[user.id] = user
                if user.id in self._entry_authors:
                    self._dirty = True

    def answered(self, tweet_ids: Iterable[str], *, now: datetime) -> dict[str, datetime]:
        """When the user first answered each of these addressed tweets, for those answered
        by ``now`` (a reply to the tweet, or to its author later in the conversation)."""
        self._refresh()
        entries = self._entries
        return {
            tweet_id: entry.answered_at
            for tweet_id in tweet_ids
            if (entry := entries.get(tweet_id)) is not None
            and entry.answered_at is not None
            and entry.answered_at <= now
        }

    def addressed(self) -> list[tuple[Tweet, Band, datetime | None]]:
        """Every tweet addressed to the user, with its band and when they first answered it
        (``None``: not yet), in the owed list's order; for reports over a period."""
        self._refresh()
        classified = self._classified
        entries = sorted(map(classified, list(self._entries.values())), key=_PRIORITY)
        return [(a.tweet, a.verdict.band, a.answered_at) for a in entries]  # type: ignore[union-attr]

    def tweet(self, tweet_id: str) -> Tweet | None:
        """The tweet of that id, as the tracker knows it (``None``: not among its tweets)."""
        return self._tweets.get(tweet_id)

    def addressed_lazily(self) -> list[tuple[Tweet, datetime | None]]:
        """Every tweet addressed to the user and when they first answered it (``None``: not
        yet), in no particular order and unclassified: ask :meth:`is_spam` or :meth:`band`
        for the few whose band a figure needs."""
        return list(self.iter_addressed())

    def iter_addressed(self) -> Iterator[tuple[Tweet, datetime | None]]:
        """:meth:`addressed_lazily` without building its list of pairs: the same pairs, made
        as they are read. Classify (:meth:`band`, :meth:`is_spam`) as you go if you like.
        It walks a snapshot of the entries (one C-level copy of references, taken at once),
        so tweets added meanwhile (a sync in another thread) cannot break it."""
        self._refresh()
        return map(_TWEET_AND_ANSWER, list(self._entries.values()))

    def stats(
        self,
        *,
        now: datetime,
        marks: Mapping[str, Mark] | None = None,
        muted: frozenset[str] = frozenset(),
        window: timedelta = DEFAULT_WINDOW,
    ) -> OwedStats:
        """Reply rate and median first-reply time over ``window``; the owed list's age."""
        self._refresh()
        marks = marks or {}
        since = now - window
        addressed = 0
        delays: list[timedelta] = []
        for item in list(self._entries.values()):
            tweet = item.tweet
            if not since <= tweet.created_at <= now or tweet.author_id in muted:
                continue
            mark = marks.get(tweet.id)
            if mark is not None and mark.kind is MarkKind.NO_REPLY:
                continue
            if (mark is None or mark.kind != MarkKind.NOT_SPAM) and self.is_spam(tweet.id):
                continue  # probably spam: nobody is waiting
            addressed += 1
            if item.answered_at is not None:
                delays.append(max(item.answered_at - tweet.created_at, timedelta(0)))
        owed = self.owed(now=now, marks=marks, muted=muted)
        return OwedStats(
            addressed=addressed,
            answered=len(delays),
            median_first_reply=_median(delays),
            owed=owed_people(owed),
            oldest_owed=max((o.waiting for o in owed), default=None),
            window=window,
            owed_tweets=len(owed),
        )


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a build makes its hundreds of thousands of
    objects (none of them cycles): CPython would otherwise walk every live object
    again and again as they pile up, a third of a build's time. Reference counting
    still frees what is dropped; the collector is back on (if it was) at the end."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _same_links(old: Tweet, new: Tweet) -> bool:
    """Whether two versions of a tweet relate to others, and read, the same."""
    return (
        old.text == new.text
        and old.author_id == new.author_id
        and old.created_at == new.created_at
        and old.conversation_id == new.conversation_id
        and old.in_reply_to_user_id == new.in_reply_to_user_id
        and old.replied_to_id == new.replied_to_id
        and old.quoted_id == new.quoted_id
        and old.retweeted_id == new.retweeted_id
        and old.mentions == new.mentions
    )


def _spoken_to(tweet: Tweet) -> tuple[str, ...]:
    """Whom an own tweet speaks to: the user it replies to, and everyone it @mentions."""
    # Plain loops, no generator per call: a build asks this of every own tweet it keeps.
    people: set[str] = set()
    add = people.add
    for m in tweet.mentions:
        if m.id:
            add(m.id)
        add("@" + m.username.lower())
    text = tweet.text
    if "@" in text or "＠" in text:
        for name in _ANY_MENTION.findall(text):
            add("@" + name.lower())
    if tweet.in_reply_to_user_id:
        add(tweet.in_reply_to_user_id)
    return tuple(people)


def _median(values: list[timedelta]) -> timedelta | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def compute_owed(
    tweets: Iterable[Tweet],
    *,
    account_id: str,
    account_username: str | None = None,
    marks: Mapping[str, Mark] | None = None,
    muted: frozenset[str] = frozenset(),
    now: datetime,
    rank_by_followers: bool = False,
    followers: Mapping[str, int] | None = None,
    usernames: Mapping[str, str] | None = None,
) -> list[OwedReply]:
    """The owed list from scratch; see :class:`OwedTracker` to ask repeatedly."""
    tracker = OwedTracker(
        tweets, account_id=account_id, account_username=account_username, usernames=usernames
    )
    return tracker.owed(
        now=now, marks=marks, muted=muted, rank_by_followers=rank_by_followers, followers=followers
    )


def owed_stats(
    tweets: Iterable[Tweet],
    *,
    account_id: str,
    account_username: str | None = None,
    marks: Mapping[str, Mark] | None = None,
    muted: frozenset[str] = frozenset(),
    now: datetime,
    window: timedelta = DEFAULT_WINDOW,
    usernames: Mapping[str, str] | None = None,
) -> OwedStats:
    """:class:`OwedStats` from scratch."""
    tracker = OwedTracker(
        tweets, account_id=account_id, account_username=account_username, usernames=usernames
    )
    return tracker.stats(now=now, marks=marks, muted=muted, window=window)
