"""Rules that need the account: the user's own tweets, owed mentions, and the clock.

Each is a pure function of the draft and a :class:`Context` holding the history,
the times owed mentions arrived and ``now``, so a fixed clock tests them fully.
With no history, the rules that need one stay silent.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from tuicoach.coach.rules.phrasing import day, duration, quoted, share
from tuicoach.coach.rules.registry import Context, Hit, rule
from tuicoach.coach.text import DraftAnalysis
from tuicoach.domain.models import RelatedTweet, Severity


@rule("near-duplicate", Severity.WARNING, 20, account=True)
def near_duplicate(draft: DraftAnalysis, ctx: Context) -> Iterator[Hit]:
    """At least 85% like one of the user's tweets from the last 90 days."""
    limits = ctx.settings.thresholds
    # Replies are exempt: answering two customers in the same words is support, not a
    # rerun. Very short drafts ("Thank you!") would match half the history.
    if ctx.search is None or draft.is_reply or len(draft.words) < limits.near_duplicate_min_words:
        return
    match = ctx.search(draft.text, ctx.now - timedelta(days=limits.near_duplicate_days))
    if match is None:
        return
    promotional_repeat = False
    if draft.promotional and limits.near_duplicate_error_days > 0:
        # The closest copy may be an old one; an offer repeated within the week is
        # what makes this an error, so look there too, and name that one.
        window = timedelta(days=limits.near_duplicate_error_days)
        recent = ctx.search(draft.text, ctx.now - window)
        if recent is not None and ctx.now - recent.tweet.created_at < window:
            promotional_repeat = ctx.is_promotional(recent.tweet)
            match = recent if promotional_repeat else match
    earlier = match.tweet
    seen = (
        f"This is {match.score:.0f}% the same as your tweet of {day(earlier.created_at, ctx.now)}"
        f" ({quoted(earlier.text, 50)})"
    )
    if promotional_repeat:
        message = f"{seen}; the same offer in the same words within a week looks like spam."
        suggestion = "Wait a few days, or write the offer fresh: a new angle, a question, a story."
    else:
        message = f"{seen}; saying a thing twice is fine, but the same words again read as a rerun."
        suggestion = "If it's worth saying again, say it differently, or quote the first one."
    yield Hit(
        message,
        suggestion,
        related=RelatedTweet(earlier.id, earlier.text, earlier.created_at),
        severity=Severity.ERROR if promotional_repeat else None,
    )


@rule("promo-balance", Severity.WARNING, 10, account=True)
def promo_balance(draft: DraftAnalysis, ctx: Context) -> Iterator[Hit]:
    """With this draft, more than 1 in 4 of the last 20 tweets would be promotional."""
    limits = ctx.settings.thresholds
    if not draft.promotional:
        return  # a tweet that is not an offer only improves the balance
    earlier = ctx.history.last(limits.promo_window - 1, until=ctx.now)
    if not earlier:
        return
    promos = 1 + sum(1 for tweet in earlier if ctx.is_promotional(tweet))
    total = 1 + len(earlier)
    if promos / total > limits.promo_share:
        yield Hit(
            f"With this one, {promos} of your last {total} tweets would be offers, more than "
            f"{share(limits.promo_share)}; marketing needs balancing with interaction.",
            "Post something for your followers first (an answer, a tip, a thank-you), "
            "then this offer.",
        )


@rule("burst", Severity.WARNING, 10, account=True)
def burst(draft: DraftAnalysis, ctx: Context) -> Iterator[Hit]:
    """Posting now makes 4 or more broadcasts within 30 minutes."""
    if draft.is_reply:
        return  # answering people quickly is the opposite of dumping tweets
    limits = ctx.settings.thresholds
    window = timedelta(minutes=limits.burst_minutes)
    recent = [t for t in ctx.history.between(ctx.now - window, ctx.now) if not t.is_reply]
    if len(recent) + 1 >= limits.burst_count:
        yield Hit(
            f"This would make {len(recent) + 1} tweets from you in {duration(window)}; a batch "
            "dumped at once gets skimmed, and most of it missed.",
            "Queue it: it goes out at the next free slot, spaced through the day (or answer "
            "someone meanwhile).",
        )


@rule("quiet-account", Severity.TIP, 0, account=True)
def quiet_account(draft: DraftAnalysis, ctx: Context) -> Iterator[Hit]:
    """The user's last tweet is more than 2 days old."""
    last = ctx.history.latest(until=ctx.now)
    if last is None:
        return
    gap = ctx.now - last.created_at
    if gap > timedelta(days=ctx.settings.thresholds.quiet_days):
        yield Hit(
            f"Your last tweet was {duration(gap)} ago, on {day(last.created_at, ctx.now)}; "
            "an account that goes quiet for days is easy to forget.",
            "Good that you're posting: a couple of tweets a day keeps people used to you.",
        )


@rule("owed-replies-waiting", Severity.WARNING, 10, account=True)
def owed_replies_waiting(draft: DraftAnalysis, ctx: Context) -> Iterator[Hit]:
    """A broadcast while replies are owed that have waited more than 2 hours."""
    if draft.is_reply:
        return
    limit = timedelta(hours=ctx.settings.thresholds.owed_wait_hours)
    waits = [ctx.now - since for since in ctx.owed_since if ctx.now - since > limit]
    if not waits:
        return
    who = "1 person has" if len(waits) == 1 else f"{len(waits)} people have"
    yield Hit(
        f"{who} waited more than {duration(limit)} for a reply (the longest "
        f"{duration(max(waits))}), and people who speak to a business expect an answer.",
        "Answer them first, then post this.",
    )
