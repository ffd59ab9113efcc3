"""What the panes show, as plain values, and the store queries that produce them.

No widget lives here and nothing here imports one: these functions run in
worker threads (the store is thread-safe) and return immutable rows and
numbers that the panes' handlers show.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from tuicoach.domain.models import Draft, Tweet, User
from tuicoach.ui import format as fmt

if TYPE_CHECKING:
    # Imported where used, in workers: the coach and the store stay off the start-up path.
    from tuicoach.backends.base import Backend
    from tuicoach.coach import Coach
    from tuicoach.domain.owed import Mark
    from tuicoach.domain.team import TeamView
    from tuicoach.domain.triage import Reason
    from tuicoach.store import DraftRecord, OutboxStatus, Store

MENTIONS_SHOWN = 500  # the newest mentions listed (the owed ones are always listed)
TIMELINE_PAGE = 200


@dataclass(frozen=True)
class Account:
    """An open account: its store and the backend that fills it and posts from it."""

    store: Store
    backend: Backend
    # Ignored, kept so older callers still construct an Account: the status bar asks the
    # backend's own ``spend_today()``.
    cost_meter: Callable[[], str | None] | None = None
    # The config's [owed] rank_by_followers: within a band, bigger audiences first.
    rank_by_followers: bool = False
    # The config's [team] signature ("^JD"): Compose offers to append it (never by itself).
    signature: str | None = None

    @property
    def user(self) -> User:
        return self.backend.account

    def close(self) -> None:
        """Let go of the network and the database; the store folds its journal back in."""
        self.backend.close()
        self.store.close()  # a backend may leave its store open; closing twice is fine


@dataclass(frozen=True)
class Row:
    """One tweet as a list shows it: who wrote it and, for mentions, what it is owed."""

    tweet: Tweet
    author: User | None = None
    band: str | None = None  # owed band, if a reply is owed
    note: str | None = None  # why it is not owed any more: "no reply needed: spam", "snoozed …"
    own: bool = False
    liked: bool = False  # the account has liked it
    why: str | None = None  # the band's cues, as a line: "why: waiting 'on hold for an hour'"
    team: str | None = None  # what teammates do with it: "Jen is replying · Jen has it"

    @property
    def handle(self) -> str:
        if self.author is not None:
            return f"@{self.author.username}"
        return f"user {self.tweet.author_id}"

    @property
    def owed(self) -> bool:
        return self.band is not None

    def with_liked(self, liked: bool) -> Row:
        return replace(self, liked=liked)


@dataclass(frozen=True)
class AccountStats:
    """The account at a glance, for the strip under the findings."""

    promotional_recent: int  # promotional tweets among the last ``recent`` own tweets
    recent: int
    owed: int  # people owed a reply, as the Mentions pane counts them
    oldest_owed: timedelta | None
    since_last_post: timedelta | None
    posts_last_hour: int
    promo_heavy: bool = False  # over the coach's promotional share (promo-balance)
    busy: bool = False  # as many posts this hour as make a burst
    owed_tweets: int | None = None  # the tweets those people wait on (None: one each)


@dataclass(frozen=True)
class Snapshot:
    """The Mentions pane, read at one moment."""

    mentions: tuple[Row, ...]  # newest first
    owed: tuple[Row, ...]  # priority order
    owed_since: tuple[datetime, ...]
    waiting: tuple[timedelta, ...]  # how long each owed reply has waited, for the strip
    spam: tuple[Row, ...] = ()  # the probably-spam band: listed last, never counted as owed
    team: TeamView | None = None  # presence, claims, drafts and marks of the team (store.presence)
    me: str = ""  # the [team] name of the person at this machine ("": none set)

    @property
    def owed_people(self) -> int:
        """How many people are owed a reply (two mentions from one person count once)."""
        return len({row.tweet.author_id for row in self.owed})

    @property
    def owed_since_per_person(self) -> tuple[datetime, ...]:
        """When each owed person's oldest owed tweet arrived: the coach's
        ``owed-replies-waiting`` counts people, as "N owed" does."""
        oldest: dict[str, datetime] = {}
        for row, since in zip(self.owed, self.owed_since, strict=True):
            author = row.tweet.author_id
            if author not in oldest or since < oldest[author]:
                oldest[author] = since
        return tuple(oldest.values())


@dataclass(frozen=True)
class SavedDraft:
    id: int
    text: str
    reply_to: Row | None


@dataclass(frozen=True)
class DraftItem:
    """A saved draft as the drafts list shows it."""

    id: int
    text: str
    updated_at: datetime
    reply_handle: str | None


@dataclass(frozen=True)
class FirstScreen:
    """What the first screen shows, as plain values: no live account in it, so a reader
    process can hand it over (:mod:`tuicoach.ui.reader`)."""

    handle: str  # "@name", for the status bar
    is_demo: bool
    timeline: list[Row]
    snapshot: Snapshot
    draft: SavedDraft | None
    drafts_count: int
    cost: str | None


@dataclass(frozen=True)
class Opened:
    """The account, and the first screen read from it off the UI thread."""

    account: Account
    first: FirstScreen


def first_screen(account: Account, now: datetime) -> FirstScreen:
    """The first screen's data: no coach here (the Coach pane builds its own, later)."""
    timeline = timeline_page(account, None, TIMELINE_PAGE)
    snapshot = read_snapshot(account, now)
    records = account.store.drafts()
    draft = saved_draft(account, records[0]) if records else None
    backend = account.backend
    return FirstScreen(f"@{backend.account.username}", backend.is_demo, timeline, snapshot,
                       draft, len(records), spend(account))  # fmt: skip


def open_session(account: Account, now: datetime, first: FirstScreen | None = None) -> Opened:
    """``account`` with its first screen: ``first`` where it was read already (by a reader
    process, ui/reader.py), else read now."""
    return Opened(account, first or first_screen(account, now))


def start_opening(
    connect: Callable[[], Account],
    now: Callable[[], datetime],
    first: FirstScreen | None = None,
) -> Future[Opened]:
    """Open the account and read the first screen's data in a thread of its own, now.

    Started before Textual is imported (``launch.build_app``), so the store is
    read while the app loads and lays out its panes; the app waits a moment for
    the result and draws the panes once, with the data in them. With ``first``
    (a reader process read it, and it is on screen: ui/reader.py) only the
    account is opened. The thread is a daemon: an app that quits first does not
    wait for it.
    """
    future: Future[Opened] = Future()

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(open_session(connect(), now(), first))
        except BaseException as exc:  # the app shows it: "could not open", with the reason
            future.set_exception(exc)

    threading.Thread(target=run, name="tuicoach-open", daemon=True).start()
    return future


def spend(account: Account) -> str | None:
    """Today's spend as the backend words it; a broken meter is a word, not a crash."""
    try:
        return account.backend.spend_today()
    except Exception as exc:
        return f"cost meter: {exc}"


def _rows(
    account: Account,
    tweets: Sequence[Tweet],
    *,
    bands: dict[str, str] | None = None,
    notes: dict[str, str] | None = None,
) -> list[Row]:
    store = account.store
    users = store.users({t.author_id for t in tweets})
    liked = store.liked_among([t.id for t in tweets])
    me = account.user.id
    bands = bands or {}
    notes = notes or {}
    return [
        Row(
            tweet,
            users.get(tweet.author_id),
            band=bands.get(tweet.id),
            note=notes.get(tweet.id),
            own=tweet.author_id == me,
            liked=tweet.id in liked,
        )
        for tweet in tweets
    ]


def timeline_page(account: Account, before: Tweet | None, limit: int = TIMELINE_PAGE) -> list[Row]:
    """One page of the timeline (home and own tweets), newest first, after ``before``."""
    return _rows(account, account.store.timeline(limit=limit, before=before))


def _note(mark: Mark, now: datetime) -> str | None:
    from tuicoach.domain.owed import MarkKind

    if mark.kind is MarkKind.NO_REPLY:
        return f"no reply needed: {mark.reason}" if mark.reason else "no reply needed"
    if mark.until is not None and mark.until > now:
        return f"snoozed, back in {fmt.duration(mark.until - now)}"
    return None


SPAM_BAND = "spam"
WHY_SHOWN = 4  # cues on the line under a mention
WHY_WORDS = 40
NO_CUE = "why: it speaks to you; no cue of need or of thanks"


def _short(words: str) -> str:
    words = " ".join(words.split())
    return words if len(words) <= WHY_WORDS else words[: WHY_WORDS - 1] + "…"


def _inside(reason: Reason, spans: list[tuple[int, int]]) -> bool:
    if reason.start is None or reason.end is None:
        return False
    start, end = reason.start, reason.end
    return any(s <= start and end <= e and (s, e) != (start, end) for s, e in spans)


def why_line(reasons: Iterable[Reason]) -> str | None:
    """The cues behind a band, as one line under the mention; None without any."""
    cues = [reason for reason in reasons if reason.words.strip()]
    spans = [(r.start, r.end) for r in cues if r.start is not None and r.end is not None]
    # A cue inside a longer one ("days" in "11 days") says nothing more.
    cues = [r for r in cues if not _inside(r, spans)]
    # A bare "?" says less than the question words beside it.
    cues = [reason for reason in cues if reason.words.strip(" ?")] or cues
    said = list(dict.fromkeys(f"{reason.kind} {_short(reason.words)!r}" for reason in cues))
    more = f" (+{len(said) - WHY_SHOWN})" if len(said) > WHY_SHOWN else ""
    return "why: " + ", ".join(said[:WHY_SHOWN]) + more if said else None


def read_snapshot(account: Account, now: datetime) -> Snapshot:
    """Mentions with their owed bands and marks, and the owed list."""
    store, user = account.store, account.user
    owed = store.owed(
        account_id=user.id,
        account_username=user.username,
        now=now,
        rank_by_followers=account.rank_by_followers,
    )
    spam = store.probably_spam(account_id=user.id, account_username=user.username, now=now)
    bands = {reply.tweet.id: reply.band.value for reply in owed}
    bands.update((reply.tweet.id, SPAM_BAND) for reply in spam)
    whys = {reply.tweet.id: why_line(reply.reasons) or NO_CUE for reply in (*owed, *spam)}
    notes = {
        tweet_id: note
        for tweet_id, mark in store.marks().items()
        if (note := _note(mark, now)) is not None
    }
    mentions = store.stream("mentions", limit=MENTIONS_SHOWN)
    listed = {t.id for t in mentions}
    extra = [reply.tweet for reply in (*owed, *spam) if reply.tweet.id not in listed]
    if extra:  # owed replies the mentions stream did not carry (replies, quotes)
        mentions = sorted([*mentions, *extra], key=lambda t: (t.created_at, t.id), reverse=True)
    muted = store.muted()
    for tweet in mentions:
        if tweet.author_id in muted:
            notes.setdefault(tweet.id, "muted")
    created = {t.id: t.created_at for t in mentions}
    answered = store.answered(created, account_id=user.id, account_username=user.username, now=now)
    for tweet_id, at in answered.items():  # an answer says more than a mark
        notes[tweet_id] = f"answered in {fmt.duration(at - created[tweet_id])}"
    mention_rows = [
        replace(row, why=whys[row.tweet.id]) if row.tweet.id in whys else row
        for row in _rows(account, mentions, bands=bands, notes=notes)
    ]
    by_id = {row.tweet.id: row for row in mention_rows}
    snapshot = Snapshot(
        tuple(mention_rows),
        tuple(by_id[reply.tweet.id] for reply in owed),
        tuple(reply.tweet.created_at for reply in owed),
        tuple(reply.waiting for reply in owed),
        tuple(by_id[reply.tweet.id] for reply in spam),
    )
    return with_team(snapshot, read_team(account, now), me=store.author or "")


# -- the team: who has a mention open, who has it, whose draft, whose mark ----------------------


def read_team(account: Account, now: datetime) -> TeamView:
    """The team as the Mentions pane shows it (``store/presence.py``), read in a worker."""
    from tuicoach.store import presence

    return presence.team_view(account.store, now=now)


def with_team(snapshot: Snapshot, team: TeamView, *, me: str) -> Snapshot:
    """``snapshot`` with each row saying what the team does with it ("Jen is replying")."""
    rows: dict[str, Row] = {}
    for row in snapshot.mentions:
        words = team.words(row.tweet.id, me)
        rows[row.tweet.id] = row if row.team == words else replace(row, team=words)

    def again(these: tuple[Row, ...]) -> tuple[Row, ...]:
        return tuple(rows.get(row.tweet.id, row) for row in these)

    return replace(
        snapshot,
        mentions=again(snapshot.mentions),
        owed=again(snapshot.owed),
        spam=again(snapshot.spam),
        team=team,
        me=me,
    )


def team_differs(before: Snapshot, after: Snapshot) -> bool:
    """Whether ``after`` shows the team otherwise than ``before`` (words on a row, or who
    holds what, which the mine and unassigned filters read): else nothing to draw again."""
    if (before.team is None) != (after.team is None):
        return True
    if (
        before.team is not None
        and after.team is not None
        and before.team.claims != after.team.claims
    ):
        return True
    return any(a.team != b.team for a, b in zip(before.mentions, after.mentions, strict=False))


def account_stats(
    coach: Coach, now: datetime, waiting: Iterable[timedelta], *, people: int | None = None
) -> AccountStats:
    """The strip's numbers, flagged by the same thresholds the coach's rules use; ``people``
    is how many people the ``waiting`` tweets are from (``None``: one tweet each)."""
    limits = coach.settings.thresholds
    waits = list(waiting)
    recent = coach.history.last(limits.promo_window, until=now)
    promotional = sum(coach.is_promotional(t) for t in recent)
    latest = coach.history.latest(until=now)
    last_hour = len(coach.history.between(now - timedelta(hours=1), now))
    return AccountStats(
        promotional_recent=promotional,
        recent=len(recent),
        owed=len(waits) if people is None else people,
        owed_tweets=len(waits),
        oldest_owed=max(waits) if waits else None,
        since_last_post=now - latest.created_at if latest else None,
        posts_last_hour=last_hour,
        promo_heavy=bool(recent) and promotional / len(recent) > limits.promo_share,
        busy=last_hour >= limits.burst_count,
    )


def conversation(account: Account, tweet: Tweet) -> list[Row]:
    """The thread around ``tweet``, oldest first (at least the tweet itself)."""
    tweets = account.store.conversation(tweet.conversation_id or tweet.id)
    if not any(t.id == tweet.id for t in tweets):
        tweets = [*tweets, tweet]
    return _rows(account, tweets)


def make_draft(text: str, reply_to: Row | None) -> Draft:
    if reply_to is None:
        return Draft(text)
    return Draft.answering(text, reply_to.tweet, reply_to.author)


# -- drafts ---------------------------------------------------------------------------------


def save_draft(
    account: Account, text: str, draft_id: int | None, reply_to_id: str | None, now: datetime
) -> int | None:
    """Save the draft (an empty one is deleted instead); returns its id, or None."""
    if not text.strip():
        if draft_id is not None:
            account.store.delete_draft(draft_id)
        return None
    return account.store.save_draft(text, draft_id=draft_id, reply_to_id=reply_to_id, now=now)


def saved_draft(account: Account, record: DraftRecord) -> SavedDraft:
    reply: Row | None = None
    if record.reply_to_id is not None:
        tweet = account.store.tweet(record.reply_to_id)
        if tweet is not None:
            reply = _rows(account, [tweet])[0]
    return SavedDraft(record.id, record.text, reply)


def drafts(account: Account) -> list[DraftItem]:
    records = account.store.drafts()
    replied = account.store.tweets(r.reply_to_id for r in records if r.reply_to_id)
    users = account.store.users({t.author_id for t in replied.values()})
    items = []
    for record in records:
        handle = None
        if record.reply_to_id and (tweet := replied.get(record.reply_to_id)):
            author = users.get(tweet.author_id)
            handle = f"@{author.username}" if author else None
        items.append(DraftItem(record.id, record.text, record.updated_at, handle))
    return items


def draft_by_id(account: Account, draft_id: int) -> SavedDraft | None:
    record = account.store.draft(draft_id)
    return saved_draft(account, record) if record else None


# -- the outbox, for Compose ------------------------------------------------------------------


def ties_drafts(backend: object) -> bool:
    """The backend posts through an outbox tied to drafts (``send_draft``): it deletes the
    draft once the post is on X, and a draft's record says whether Send may post it."""
    return callable(getattr(backend, "send_draft", None))


def draft_outbox(account: Account, draft_id: int | None) -> OutboxStatus | None:
    """The draft's latest outbox record in words (None: never sent, or no outbox)."""
    if draft_id is None or not ties_drafts(account.backend):
        return None
    return account.store.draft_outbox(draft_id)


def outbox_after(account: Account, draft_id: int | None, error: object) -> OutboxStatus | None:
    """The record a failed send left: the one the error names (``item_id``), else the
    draft's own."""
    from tuicoach.store import outbox_status

    item_id = getattr(error, "item_id", None)
    if isinstance(item_id, int) and (item := account.store.outbox_item(item_id)) is not None:
        return outbox_status(item)
    return draft_outbox(account, draft_id)


# -- the queue, for Compose -------------------------------------------------------------------


def slot_text(slot: datetime) -> str:
    """A queue slot in the user's local time: ``Tue 3 Mar 14:37``."""
    local = slot.astimezone()
    return f"{local:%a} {local.day} {local:%b %H:%M}"


def queued_notice(queued: object) -> str:
    """What Compose says when its draft is queued: the slot, and the coach at that slot."""
    from tuicoach.ui.queue import Queued

    assert isinstance(queued, Queued)
    lines = [f"Queued for {slot_text(queued.item.slot_at)}."]
    lines += [f"That time: {problem}" for problem in queued.problems]
    findings = queued.report.findings
    if findings:
        lines.append(f"The coach at that slot (score {queued.report.score}):")
        lines += [f"- {f.rule}: {f.message}" for f in findings[:4]]
        if len(findings) > 4:
            lines.append(f"… and {len(findings) - 4} more")
    else:
        lines.append(f"The coach at that slot: score {queued.report.score}, nothing to change.")
    return "\n".join(lines)
