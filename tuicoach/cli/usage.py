"""``tuicoach usage``: what tuicoach read and posted on X, per UTC day, and what it cost."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime, timedelta

from tuicoach.cli import EXIT_OK, UsageError
from tuicoach.cli._account import config, fail


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from tuicoach.accounts import add_account_argument

    add_account_argument(parser)
    parser.add_argument(
        "--days", type=int, default=7, metavar="N", help="show the last N UTC days (default 7)"
    )
    parser.add_argument("--json", action="store_true", help="print the days as JSON")
    parser.add_argument(
        "--reconcile",
        action="store_true",
        help="compare tuicoach's post reads with X's own count (GET /2/usage/tweets; needs "
        "the app's bearer token in $TUICOACH_X_BEARER_TOKEN)",
    )


def run(args: argparse.Namespace) -> int:
    from tuicoach import paths
    from tuicoach.accounts import SignInError, account_username
    from tuicoach.backends.x import cost
    from tuicoach.store import Store, StoreError

    if not 1 <= args.days <= 366:
        raise UsageError(f"--days {args.days}: give a number of days from 1 to 366")
    if getattr(args, "reconcile", False):
        return _reconcile(args)
    table = config(args).pricing.table
    folder = paths.data_dir(args.data_dir)
    try:
        username = account_username(args.account, folder)
    except SignInError as exc:
        return fail(exc)
    if username is None:
        return fail("no X account is signed in; run `tuicoach login` first.")
    db = paths.account_db(folder, username)
    if not db.exists():
        print(f"@{username}: nothing read or posted yet (no data at {db}).")
        return EXIT_OK
    try:
        with Store.open(db) as store:
            last = cost.utc_day(datetime.now(UTC))
            days = cost.usage_days(store, last - timedelta(days=args.days - 1), last)
    except StoreError as exc:
        return fail(exc)
    if args.json:
        print(json.dumps([_day_json(d, d.cost(table)) for d in days], indent=2))
        return EXIT_OK
    today = days[-1]
    spent = cost.format_dollars(today.cost(table))
    print(f"@{username}, today (UTC {today.day}): {_describe(today)}, {spent}")
    if len(days) > 1:
        print(f"Last {len(days)} days:")
        for day in reversed(days):
            print(f"  {day.day}  {cost.format_dollars(day.cost(table)):>10}  {_describe(day)}")
        total = sum(d.cost(table) or 0.0 for d in days)
        print(f"  total       {cost.format_dollars(total):>10}")
    return EXIT_OK


def _describe(day: object) -> str:
    from tuicoach.backends.x.cost import DayUsage

    assert isinstance(day, DayUsage)
    posts = day.posts_created + day.posts_created_url
    with_url = f" ({day.posts_created_url} with a link)" if day.posts_created_url else ""
    searched = (
        f" (searches: {day.search_post_reads} posts, {day.search_user_reads} users)"
        if day.search_requests
        else ""
    )
    owned = f", {day.owned_reads} own reads" if day.owned_reads else ""
    counts = f", {day.counts_requests} counts requests" if day.counts_requests else ""
    return (
        f"{day.post_reads} posts read, {day.user_reads} users read{searched}{owned}{counts}, "
        f"{posts} posted{with_url}, {day.requests} requests"
    )


def _reconcile(args: argparse.Namespace) -> int:
    """tuicoach's post reads per UTC day beside X's ``/2/usage/tweets``, and the difference."""
    import os

    from tuicoach.backends.base import BackendError
    from tuicoach.cli._account import open_account
    from tuicoach.cli.listen import BEARER_ENV

    bearer = os.environ.get(BEARER_ENV)
    if not bearer:
        return fail(
            f"X's usage counts are readable only with the app's bearer token: set {BEARER_ENV} "
            "(X developer console, your app's Keys and tokens) and run this again."
        )
    settings = config(args)
    opened = open_account(args, settings)
    if isinstance(opened, int):
        return opened
    store, backend = opened
    try:
        rows = backend.listener(bearer_token=bearer).reconcile(min(args.days, 90))
    except BackendError as exc:
        return fail(exc)
    finally:
        backend.close()
        store.close()
    if args.json:
        print(json.dumps([{"day": d, "tuicoach": o, "x": t} for d, o, t in rows], indent=2))
        return EXIT_OK
    print("UTC day      tuicoach         X  difference")
    for day, ours, theirs in rows:
        diff = "unknown" if theirs is None else f"{theirs - ours:+d}"
        shown = "?" if theirs is None else str(theirs)
        print(f"{day}  {ours:>8}  {shown:>8}  {diff:>10}")
    print(
        "X counts every app of the project; tuicoach counts this account's reads only, "
        "so other apps or accounts show as a positive difference."
    )
    return EXIT_OK


def _day_json(day: object, spent: float | None) -> dict[str, object]:
    from dataclasses import asdict

    from tuicoach.backends.x.cost import DayUsage

    assert isinstance(day, DayUsage)
    data: dict[str, object] = asdict(day)
    data["day"] = str(day.day)
    data["cost_usd"] = None if spent is None else round(spent, 6)
    return data
