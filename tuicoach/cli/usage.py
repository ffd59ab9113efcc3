"""``tuicoach usage``: what the signed-in account read and posted, per UTC day, and what it cost.

The backend words it (``BackendKind.usage``); ``--demo`` says the demo bills nothing.
"""

from __future__ import annotations

import argparse
import json

from tuicoach.cli import EXIT_OK, UsageError
from tuicoach.cli._account import (
    add_account_argument,
    backend_kind,
    config,
    fail,
    not_signed_in,
    request,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--demo", action="store_true", help="the demo brand's practice account")
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
    from tuicoach.backends.base import BackendError, NotSignedIn
    from tuicoach.store import StoreError

    if not 1 <= args.days <= 366:
        raise UsageError(f"--days {args.days}: give a number of days from 1 to 366")
    settings = config(args)
    kind = backend_kind(args, settings)
    req = request(args, settings, kind)
    try:
        store = kind.open_store(req)
        if store is None:
            raise UsageError(not_signed_in(kind))
        if getattr(args, "reconcile", False):
            store.close()
            report = kind.reconcile(req, args.days)
            if report is None:
                print(f"{kind.service} keeps no count of its own to compare with.")
                return EXIT_OK
        else:
            with store:
                report = kind.usage(store, req, args.days)
    except NotSignedIn as exc:
        raise UsageError(str(exc)) from None
    except (BackendError, StoreError) as exc:
        return fail(exc)
    if report is None:
        print(f"{kind.service}: nothing is billed, so there is no usage to show.")
    elif args.json:
        print(json.dumps(report.data, indent=2))
    else:
        print("\n".join(report.lines))
    return EXIT_OK
