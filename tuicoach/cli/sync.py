"""``tuicoach sync``: fetch what is new once, say what it fetched and what the reads cost."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

from tuicoach.cli import EXIT_OK
from tuicoach.cli._account import EXIT_X, config, fail, open_account


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from tuicoach.accounts import add_account_argument

    add_account_argument(parser)
    parser.add_argument("--json", action="store_true", help="print the outcome as JSON")


def run(args: argparse.Namespace) -> int:
    from tuicoach.backends.x import cost

    settings = config(args)
    opened = open_account(args, settings)
    if isinstance(opened, int):
        return opened
    store, backend = opened
    from tuicoach.store import StoreError

    try:
        report = backend.sync_report()
    except StoreError as exc:  # a full disk: named, nothing lost
        return fail(exc)
    finally:
        backend.close()
        store.close()
    now = datetime.now(UTC)
    prices = cost.prices_on(cost.utc_day(now), settings.pricing.table)
    spent = (
        None
        if prices is None
        else report.post_reads * prices.post_read + report.user_reads * prices.user_read
    )
    if args.json:
        print(json.dumps(_as_json(backend.account.username, report, spent), indent=2))
    else:
        _print(backend.account.username, report, spent, now)
    return EXIT_X if report.errors else EXIT_OK


def _as_json(username: str, report: object, spent: float | None) -> dict[str, object]:
    from tuicoach.backends.x.backend import SyncReport

    assert isinstance(report, SyncReport)
    return {
        "account": username,
        "streams": {
            r.stream: {
                "new": r.fetched,
                "pages": r.pages,
                "backfill": r.backfill,
                "post_reads": r.post_reads,
                "user_reads": r.user_reads,
                "gap": r.gap,
                "next_due": r.next_due.isoformat() if r.next_due else None,
                "error": str(r.error) if r.error else None,
            }
            for r in report.streams
        },
        "posted_from_outbox": [t.id for t in report.posted],
        "outbox_error": str(report.outbox_error) if report.outbox_error else None,
        "post_reads": report.post_reads,
        "user_reads": report.user_reads,
        "cost_usd": None if spent is None else round(spent, 6),
    }


def _print(username: str, report: object, spent: float | None, now: datetime) -> None:
    from tuicoach.backends.x.backend import SyncReport
    from tuicoach.backends.x.client import FEATURES
    from tuicoach.backends.x.cost import format_dollars

    assert isinstance(report, SyncReport)
    print(f"@{username}")
    for tweet in report.posted:
        print(f"  outbox: posted waiting tweet {tweet.id}")
    if report.outbox_error:
        print(f"  outbox: {report.outbox_error}", file=sys.stderr)
    for r in report.streams:
        name = FEATURES[r.stream]
        if r.error is not None:
            print(f"  {name}: {r.error}", file=sys.stderr)
            continue
        if r.next_due is not None:
            wait = max(1, round((r.next_due - now).total_seconds()))
            print(f"  {name}: fetched moments ago; X's limits allow the next fetch in {wait} s")
            continue
        note = " (first sync)" if r.backfill else ""
        if r.gap:
            note += " (more was new than one sync fetches; the oldest were skipped)"
        requests = f"{r.pages} request{'s' if r.pages != 1 else ''}"
        print(f"  {name}: {r.fetched} new{note}, {requests}")
    print(
        f"Reads billed: {report.post_reads} posts, {report.user_reads} users"
        f" ({format_dollars(spent)}; repeat reads today are free). `tuicoach usage` for the day."
    )
