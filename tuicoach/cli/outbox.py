"""``tuicoach outbox``: every post on its way out, and its state; ``resolve`` checks X now.

States: pending (not tried yet), unconfirmed (sent, no readable answer: it may
be on X, and is not sent again before tuicoach has checked), sent HH:MM, failed
(X's reason). ``tuicoach outbox resolve`` looks for each unconfirmed post on
the account's tweets now: found, it is marked sent and its draft cleared; shown
absent (looked long enough after the try), it is sent again.

Exit status: 0, or 3 when X cannot be reached or refused, or 4 when some post
is still unconfirmed.
"""

from __future__ import annotations

import argparse
import json
import sys

from tuicoach.cli import EXIT_OK, EXIT_UNCONFIRMED
from tuicoach.cli._account import add_account_argument, config, fail, open_account


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        nargs="?",
        choices=["list", "resolve"],
        default="list",
        help="list (the default) or resolve: check the unconfirmed posts on X now",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per record")
    parser.add_argument("--limit", type=int, default=50, metavar="N", help="the latest N records")
    add_account_argument(parser)


def run(args: argparse.Namespace) -> int:
    from tuicoach.backends.base import BackendError
    from tuicoach.store import StoreError, outbox_status

    settings = config(args)
    opened = open_account(args, settings)
    if isinstance(opened, int):
        return opened
    store, backend, _kind, _request = opened
    outbox = getattr(backend, "outbox", None)
    if outbox is None:
        store.close()
        backend.close()
        print(f"{backend.service} posts at once: it keeps no outbox.")
        return EXIT_OK
    try:
        if args.action == "resolve":
            try:
                settled = outbox.settle(only_in_flight=True)
            except BackendError as exc:
                return fail(exc)
            if not settled:
                print("No unconfirmed posts: nothing to check.")
            for result in settled:
                line = f"#{result.item.id} {result.outcome}"
                if result.tweet is not None:
                    line += f": {backend.tweet_link(result.tweet, backend.account)}"
                elif result.error is not None:
                    line += f": {result.error}"
                print(line)
        items = store.outbox_items(limit=max(1, args.limit))
        for item in reversed(items):
            status = outbox_status(item)
            if args.json:
                print(
                    json.dumps(
                        {
                            "id": item.id,
                            "state": status.kind,
                            "text": item.text,
                            "reply_to": item.reply_to_id,
                            "draft_id": item.draft_id,
                            "tweet_id": item.tweet_id,
                            "attempts": item.attempts,
                            "error": item.last_error,
                            "status": status.message,
                        },
                        ensure_ascii=False,
                    )
                )
            elif args.action == "list":
                text = " ".join(item.text.split())
                short = text if len(text) <= 60 else text[:59] + "…"
                print(f"#{item.id:<4} {status.message:<48} {short}")
        if not items and args.action == "list" and not args.json:
            print("The outbox is empty: nothing was posted from this account yet.")
        waiting = outbox.unconfirmed
        if waiting and not args.json:
            print(outbox.waiting_error(waiting), file=sys.stderr)
        return EXIT_UNCONFIRMED if waiting else EXIT_OK
    except StoreError as exc:
        return fail(exc)
    finally:
        backend.close()
        store.close()
