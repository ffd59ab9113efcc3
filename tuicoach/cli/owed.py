"""``tuicoach owed``: the people still waiting for an answer, most needed first.

Reads the signed-in account's store, the demo brand's (``--demo``), or a file
of X API v2 tweet objects (``--tweets``), to audit an export with no account.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuicoach.cli import EXIT_SERVICE, add_now_argument

if TYPE_CHECKING:
    from tuicoach.domain.owed import OwedReply, OwedStats
    from tuicoach.store import Store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_argument_group("where the tweets come from (default: your account)")
    source.add_argument("--demo", action="store_true", help="the demo brand's practice account")
    source.add_argument(
        "--account",
        metavar="NAME",
        help="a signed-in account, when there are several (default: the only one)",
    )
    source.add_argument(
        "--tweets",
        metavar="FILE",
        help="a file of X API v2 tweet objects, one per line ('-' reads standard input)",
    )
    source.add_argument(
        "--account-id", metavar="ID", help="with --tweets: the user id replies are owed by"
    )
    source.add_argument(
        "--account-username",
        metavar="NAME",
        help="with --tweets: that user's name, so an @NAME in a tweet's text counts too",
    )
    add_now_argument(
        parser, "the time to compute ages at, e.g. 2026-03-01T09:30:00Z (default: the clock)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument(
        "--stats",
        action="store_true",
        help="print the reply rate, median first-reply time and oldest owed age instead",
    )


def run(args: argparse.Namespace) -> int:
    from tuicoach.cli import UsageError
    from tuicoach.config import ConfigError, load_config
    from tuicoach.domain.owed import OwedTracker
    from tuicoach.domain.xapi import LineError, tweets_from_lines
    from tuicoach.store import StoreError

    now = args.now or datetime.now(UTC)
    try:
        by_followers = load_config(args.config).rank_by_followers
    except ConfigError as exc:
        raise UsageError(str(exc)) from None

    if args.tweets is not None:
        if args.demo or args.account:
            raise UsageError("--tweets reads a file: leave out --demo and --account")
        if not args.account_id:
            raise UsageError("--tweets needs --account-id: the id of the user replies are owed by")
        try:
            tweets = tweets_from_lines(_read_lines(args.tweets))
        except LineError as exc:
            raise UsageError(f"{args.tweets}: {exc}") from None
        except OSError as exc:
            raise UsageError(f"cannot read {args.tweets}: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise UsageError(f"{args.tweets} is not UTF-8 text") from None
        tracker = OwedTracker(
            tweets, account_id=args.account_id, account_username=args.account_username
        )
        owed = tracker.owed(now=now, rank_by_followers=by_followers)
        spam = tracker.probably_spam(now=now)
        stats = tracker.stats(now=now) if args.stats else None
        usernames: dict[str, str] = {}
    else:
        if args.account_id or args.account_username:
            raise UsageError(
                "--account-id and --account-username go with --tweets; "
                "a store knows its own account"
            )
        try:
            with _open_account_store(args, now) as store:
                account = store.account()
                if account is None:
                    raise UsageError(
                        f"{store.path} does not say which account it belongs to; "
                        "sign in again with `tuicoach login`"
                    )
                owed = store.owed(
                    account_id=account.id,
                    account_username=account.username or None,
                    now=now,
                    rank_by_followers=by_followers,
                )
                spam = store.probably_spam(
                    account_id=account.id, account_username=account.username or None, now=now
                )
                stats = (
                    store.owed_stats(
                        account_id=account.id, account_username=account.username or None, now=now
                    )
                    if args.stats
                    else None
                )
                authors = {o.tweet.author_id for o in (*owed, *spam)}
                usernames = {u.id: u.username for u in store.users(authors).values()}
        except StoreError as exc:
            print(f"tuicoach: {exc}", file=sys.stderr)
            return EXIT_SERVICE

    if stats is not None:
        print(json.dumps(stats.to_json(), indent=2) if args.json else _stats_text(stats))
    elif args.json:
        # The probably-spam band comes last, its "band" says so; it is not owed.
        items = [o.to_json() for o in (*owed, *spam)]
        print(json.dumps(items, indent=2, ensure_ascii=False))
    else:
        width = shutil.get_terminal_size((100, 24)).columns
        print(_list_text(owed, usernames, width))
        if spam:
            print("\n" + _spam_text(spam, usernames, width))
    return 0


def _open_account_store(args: argparse.Namespace, now: datetime) -> Store:
    """The store ``tuicoach owed`` reads: the demo brand's, or the signed-in account's."""
    from tuicoach.backends.base import BackendError, NotSignedIn
    from tuicoach.cli import UsageError
    from tuicoach.cli._account import apply_triage, backend_kind, config, not_signed_in, request

    settings = config(args)
    kind = backend_kind(args, settings)
    try:
        store = kind.open_store(request(args, settings, kind, clock=lambda: now))
    except (NotSignedIn, BackendError) as exc:
        raise UsageError(str(exc)) from None
    if store is None:
        raise UsageError(f"{not_signed_in(kind)} Or see the demo with `tuicoach owed --demo`.")
    return apply_triage(store, settings)


def _read_lines(name: str) -> list[str]:
    if name == "-":
        return sys.stdin.read().splitlines()
    return Path(name).read_text(encoding="utf-8").splitlines()


# --- Text -----------------------------------------------------------------------


def age(waited: timedelta) -> str:
    """The largest whole unit: ``45m``, ``3h``, ``2d``."""
    seconds = max(0, int(waited.total_seconds()))
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        return f"{seconds // 3600}h"
    return f"{seconds // 86400}d"


def duration(span: timedelta) -> str:
    """Two units, for stats: ``1h 12m``, ``2d 4h``, ``40s``."""
    seconds = max(0, int(span.total_seconds()))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        return f"{seconds // 3600}h {seconds % 3600 // 60}m"
    return f"{seconds // 86400}d {seconds % 86400 // 3600}h"


def _cells(char: str) -> int:
    if unicodedata.combining(char) or char in "\u200d\ufe0f":
        return 0
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def one_line(text: str, width: int) -> str:
    """The text on one line, control characters dropped, cut with "…" to ``width`` cells."""
    flat = " ".join(text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").split())
    flat = "".join(c for c in flat if unicodedata.category(c) != "Cc")
    if sum(_cells(c) for c in flat) <= width:
        return flat
    kept: list[str] = []
    used = 0
    for char in flat:
        used += _cells(char)
        if used > width - 1:
            break
        kept.append(char)
    return "".join(kept).rstrip() + "…"


def _list_text(owed: list[OwedReply], usernames: dict[str, str], width: int) -> str:
    from tuicoach.domain.owed import owed_people, owed_words

    if not owed:
        return "No replies owed: everyone who spoke to you has had an answer."
    oldest = max(o.waiting for o in owed)
    who = owed_words(owed_people(owed), len(owed))
    lines = [f"{who} owed a reply; the longest wait is {age(oldest)}.", ""]
    authors = {
        o.tweet.author_id: "@" + usernames.get(o.tweet.author_id, o.tweet.author_id) for o in owed
    }
    author_width = min(16, max(len(a) for a in authors.values()))
    for item in owed:
        author = authors[item.tweet.author_id]
        head = f"{age(item.waiting):>4}  {author:<{author_width}}  {item.band.value:<12}  "
        lines.append(head + one_line(item.tweet.text, max(10, width - len(head) - 1)))
    return "\n".join(lines)


def _spam_text(spam: list[OwedReply], usernames: dict[str, str], width: int) -> str:
    """The probably-spam band: after the owed list, not counted in it."""
    lines = [f"Probably spam, not counted as owed ({len(spam)}):"]
    for item in spam:
        author = "@" + usernames.get(item.tweet.author_id, item.tweet.author_id)
        head = f"{age(item.waiting):>4}  {author:<16}  "
        lines.append(head + one_line(item.tweet.text, max(10, width - len(head) - 1)))
    return "\n".join(lines)


def _stats_text(stats: OwedStats) -> str:
    from tuicoach.domain.owed import owed_words

    days = stats.window.days
    rows: list[tuple[str, Any]] = []
    oldest = f" (longest wait {duration(stats.oldest_owed)})" if stats.oldest_owed else ""
    tweets = stats.owed if stats.owed_tweets is None else stats.owed_tweets
    rows.append(("Owed now", f"{owed_words(stats.owed, tweets)}{oldest}"))
    if stats.reply_rate is None:
        rows.append(("Reply rate", f"nobody addressed you in the last {days} days"))
    else:
        rows.append(
            (
                "Reply rate",
                f"{stats.reply_rate:.0%} ({stats.answered} of {stats.addressed} tweets "
                f"addressed to you in the last {days} days)",
            )
        )
    first = stats.median_first_reply
    rows.append(("Median first reply", "no replies yet" if first is None else duration(first)))
    return "\n".join(f"{label + ':':<20}{value}" for label, value in rows)
