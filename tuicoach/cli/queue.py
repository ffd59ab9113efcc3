"""``tuicoach queue``: posts that go out through the day, once each.

- ``queue list [--json]``: what is queued and when.
- ``queue add "TEXT" [--at ISO-8601] [--reply-to ID] [--force]``: the coach reads
  it as the account will be at its slot; without ``--at`` it takes the next
  free slot (spread through the posting hours, never within the burst window
  of another post or queued item, at a varied minute).
- ``queue run``: posts what is due and exits (for cron or a systemd timer);
  safe to run while the app is open.
- ``queue move ID --at ISO-8601``, ``queue delete ID``, ``queue send ID``.

Exit status: 0 done, 1 the coach found an error (add), 2 bad usage,
3 the service refused or could not be reached (what was due waits).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from tuicoach.cli._insights import add_source_arguments

if TYPE_CHECKING:
    from tuicoach.backends.base import Backend
    from tuicoach.config import Config
    from tuicoach.store import Store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="what is queued, and when it goes out")
    listing.add_argument("--json", action="store_true", help="print JSON")
    add_source_arguments(listing)
    add = actions.add_parser("add", help="queue a post for the next free slot (or --at)")
    add.add_argument("text", metavar="TEXT")
    add.add_argument("--at", metavar="ISO-8601", help="post at this time instead")
    add.add_argument("--reply-to", metavar="ID", help="the id of the tweet this answers")
    add.add_argument(
        "--force", action="store_true", help="queue even when the coach finds an error"
    )
    add_source_arguments(add)
    run_cmd = actions.add_parser("run", help="post what is due, print it, exit")
    run_cmd.add_argument(
        "--hold-missed",
        action="store_true",
        help="hold items whose slot passed while nothing ran, instead of posting them late "
        "(the default comes from [queue] missed)",
    )
    add_source_arguments(run_cmd)
    move = actions.add_parser("move", help="give a queued item another time")
    move.add_argument("item", type=int, metavar="ID")
    move.add_argument("--at", metavar="ISO-8601", required=True)
    add_source_arguments(move)
    delete = actions.add_parser("delete", help="remove a queued item")
    delete.add_argument("item", type=int, metavar="ID")
    add_source_arguments(delete)
    send = actions.add_parser("send", help="post a queued item now")
    send.add_argument("item", type=int, metavar="ID")
    add_source_arguments(send)


def run(args: argparse.Namespace) -> int:
    from tuicoach.cli._account import config
    from tuicoach.cli._insights import now_of, open_backend, open_store

    now = now_of(args)
    settings = config(args)
    if args.action in ("run", "send"):
        opened = open_backend(args, settings, now)
        if isinstance(opened, int):
            return opened
        store, backend = opened
        try:
            return _run(store, backend, settings, args, now)
        finally:
            backend.close()
            store.close()
    store = open_store(args, now)
    try:
        if args.action == "list":
            return _list(store, args)
        if args.action == "add":
            return _add(store, settings, args, now)
        if args.action == "move":
            return _move(store, settings, args, now)
        return _delete(store, args)
    finally:
        store.close()


def _when(moment: datetime) -> str:
    return moment.astimezone().strftime("%a %d %b %H:%M")


def _list(store: Store, args: argparse.Namespace) -> int:
    from tuicoach.cli.owed import one_line
    from tuicoach.store import queue as q

    items = q.items(store)
    if args.json:
        print(json.dumps([i.to_json() for i in items], indent=2, ensure_ascii=False))
        return 0
    if not items:
        print('Nothing queued. Queue a post with `tuicoach queue add "TEXT"`.')
        return 0
    for item in items:
        state = "" if item.state.value == "queued" else f" [{item.state.value}]"
        print(f"{item.id:>4}  {_when(item.slot_at)}{state}  {one_line(item.text, 60)}")
        if item.note:
            print(f"      {item.note}")
    return 0


def busy_times(store: Store, *, now: datetime, skip: int | None = None) -> list[datetime]:
    """Times of the account's recent broadcasts and of everything queued (``skip`` aside)."""
    from tuicoach.store import queue as q

    own = store.stream("own", since=now - timedelta(days=2))
    times = [t.created_at for t in own if t.replied_to_id is None and t.retweeted_id is None]
    times += [i.slot_at for i in q.items(store) if i.id != skip]
    return times


def _at(text: str) -> datetime:
    from tuicoach.cli._insights import moment

    if len(text) == 10:
        from tuicoach.cli import UsageError

        raise UsageError(f"--at {text!r}: give a time too, e.g. {text}T14:20")
    return moment(text, "--at")


def _add(store: Store, settings: Config, args: argparse.Namespace, now: datetime) -> int:
    from tuicoach.cli import EXIT_FINDINGS, UsageError
    from tuicoach.coach.queued import queued_tweet, report_at_slot
    from tuicoach.domain.models import Draft, Severity
    from tuicoach.domain.report import ReportError
    from tuicoach.domain.slots import next_slot, slot_problems
    from tuicoach.store import queue as q

    if not args.text.strip():
        raise UsageError('nothing to queue: give the text, e.g. tuicoach queue add "Open till 6"')
    if args.reply_to is not None and not args.reply_to.isdigit():
        raise UsageError(f"--reply-to {args.reply_to!r}: a tweet id is a number")
    hours = settings.queue.hours
    gap = timedelta(minutes=settings.coach.thresholds.burst_minutes)
    busy = busy_times(store, now=now)
    if args.at:
        slot = _at(args.at)
        for problem in slot_problems(slot, now=now, busy=busy, gap=gap, hours=hours):
            print(f"note: {problem}", file=sys.stderr)
    else:
        try:
            slot = next_slot(now=now, busy=busy, hours=hours, gap=gap)
        except ReportError as exc:
            raise UsageError(str(exc)) from None
    reply_to = store.tweet(args.reply_to) if args.reply_to else None
    draft = (
        Draft.answering(args.text, reply_to, store.user(reply_to.author_id))
        if reply_to is not None
        else Draft(args.text)
    )
    account = store.account()
    account_id = account.id if account else ""
    queued = [queued_tweet(i.id, i.text, i.slot_at, account_id) for i in q.items(store)]
    report = report_at_slot(
        draft,
        slot=slot,
        history=store.stream("own", limit=2000),
        queued=queued,
        settings=settings.coach,
    )
    for finding in report.findings:
        if finding.severity in (Severity.ERROR, Severity.WARNING):
            print(f"{finding.severity.value}: {finding.rule}: {finding.message}", file=sys.stderr)
    if report.has_errors and not args.force:
        print(
            f"Not queued: the coach found an error (score {report.score}/100). Fix the draft, "
            "or add --force to queue it anyway.",
            file=sys.stderr,
        )
        return EXIT_FINDINGS
    item = q.enqueue(store, args.text, slot_at=slot, now=now, reply_to_id=args.reply_to)
    print(f"Queued {item.id} for {_when(item.slot_at)} (score {report.score}/100)")
    return 0


def _move(store: Store, settings: Config, args: argparse.Namespace, now: datetime) -> int:
    from tuicoach.cli import UsageError
    from tuicoach.domain.slots import slot_problems
    from tuicoach.store import queue as q

    slot = _at(args.at)
    gap = timedelta(minutes=settings.coach.thresholds.burst_minutes)
    busy = busy_times(store, now=now, skip=args.item)
    for problem in slot_problems(slot, now=now, busy=busy, gap=gap, hours=settings.queue.hours):
        print(f"note: {problem}", file=sys.stderr)
    moved = q.edit(store, args.item, slot_at=slot)
    if moved is None:
        raise UsageError(f"no queued item {args.item} waiting (see `tuicoach queue list`)")
    print(f"Moved {moved.id} to {_when(moved.slot_at)}")
    return 0


def _delete(store: Store, args: argparse.Namespace) -> int:
    from tuicoach.cli import UsageError
    from tuicoach.store import queue as q

    if not q.delete(store, args.item):
        raise UsageError(
            f"no queued item {args.item} waiting (it may be posting or posted; "
            "see `tuicoach queue list`)"
        )
    print(f"Deleted {args.item}")
    return 0


def _run(
    store: Store, backend: Backend, config: Config, args: argparse.Namespace, now: datetime
) -> int:
    from tuicoach.backends.base import Unconfirmed
    from tuicoach.backends.queue_runner import run_due
    from tuicoach.cli import EXIT_UNCONFIRMED, UsageError
    from tuicoach.cli._account import EXIT_X
    from tuicoach.store import queue as q

    post_now = None
    if args.action == "send":
        item = q.item(store, args.item)
        if item is None or item.state.value not in ("queued", "held", "failed"):
            raise UsageError(f"no queued item {args.item} waiting (see `tuicoach queue list`)")
        q.edit(store, args.item)  # held or failed: back in the queue, to be sent now
        post_now = args.item
    settings = config.queue.runner_settings(hold=getattr(args, "hold_missed", False))
    result = run_due(store, backend, now=now, settings=settings, post_now=post_now)
    for item, tweet in result.posted:
        note = f" ({item.note})" if item.note else ""
        print(f"Posted {item.id}: {backend.tweet_link(tweet, backend.account)}{note}")
    for item in result.held:
        print(f"Held {item.id}: {item.note}")
    for item, reason in result.failed:
        print(f"tuicoach: {item.id} was refused: {reason}", file=sys.stderr)
    if result.stopped is not None:
        print(f"tuicoach: {result.stopped}. What is due waits for the next run.", file=sys.stderr)
        return EXIT_UNCONFIRMED if isinstance(result.stopped, Unconfirmed) else EXIT_X
    if not (result.posted or result.held or result.failed):
        print("Nothing due.")
    return 0
