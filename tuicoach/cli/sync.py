"""``tuicoach sync``: fetch what is new once, say what it fetched and what the reads cost."""

from __future__ import annotations

import argparse
import json
import sys

from tuicoach.cli import EXIT_OK, EXIT_SERVICE
from tuicoach.cli._account import add_account_argument, config, fail, open_account


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_account_argument(parser)
    parser.add_argument("--json", action="store_true", help="print the outcome as JSON")


def run(args: argparse.Namespace) -> int:
    from tuicoach.backends.base import BackendError
    from tuicoach.backends.registry import Report

    opened = open_account(args, config(args))
    if isinstance(opened, int):
        return opened
    store, backend, kind, req = opened
    from tuicoach.store import StoreError

    try:
        try:
            report = kind.sync_report(store, backend, req)
        except StoreError as exc:  # a full disk: named, nothing lost
            return fail(exc)
        if report is None:  # the generic one, through the port alone
            try:
                result = backend.sync()
            except BackendError as exc:
                return fail(exc)
            name = backend.account.username
            lines = [f"@{name}"] + [f"  {s}: {n} new" for s, n in result.new.items()]
            if (spent := backend.spend_today()) is not None:
                lines.append(f"Spent today: {spent}")
            report = Report(
                tuple(lines),
                {"account": name, "streams": {s: {"new": n} for s, n in result.new.items()}},
            )
    finally:
        backend.close()
        store.close()
    if args.json:
        print(json.dumps(report.data, indent=2))
    else:
        print("\n".join(report.lines))
        for problem in report.problems:
            print(problem, file=sys.stderr)
    return EXIT_OK if report.ok else EXIT_SERVICE
