"""``tuicoach checkup``: the profile and the habits against the essays, each with what to try.

The profile comes from the backend (the demo's, or X's ``users/me``: one user
read); the habits from the report over the period (the last 30 days by default).
"""

from __future__ import annotations

import argparse
import json
import sys

from tuicoach.cli._insights import add_period_arguments, add_source_arguments


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_source_arguments(parser)
    add_period_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")


def run(args: argparse.Namespace) -> int:
    from tuicoach.backends.base import BackendError, profile_of
    from tuicoach.cli._account import config
    from tuicoach.cli._insights import account_report, now_of, open_backend, period
    from tuicoach.domain.checkup import checkup

    settings = config(args)
    now = now_of(args)
    since, until = period(args, now)
    opened = open_backend(args, settings, now)
    if isinstance(opened, int):
        return opened
    store, backend = opened
    note = None
    try:
        try:
            profile = profile_of(backend)
        except BackendError as exc:
            profile, note = None, f"the profile could not be read ({exc}); checked the rest"
        report = account_report(store, settings, since, until, now)
    finally:
        backend.close()
        store.close()
    goals = settings.checkup_goals()
    findings = checkup(profile, report, now=now, goals=goals)
    if note:
        print(f"tuicoach: {note}", file=sys.stderr)
    if args.json:
        print(json.dumps([f.to_json() for f in findings], indent=2, ensure_ascii=False))
        return 0
    for finding in findings:
        print(f"{finding.severity.value:<8} {finding.rule}: {finding.message}")
        if finding.severity.value != "good":
            print(f"{'':<9}Try: {finding.suggestion}")
    return 0
