"""What report, checkup, feedback and queue share: where the account comes from, the period.

Stdlib-only at the top, like every CLI module.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

from tuicoach.cli import UsageError, add_now_argument

if TYPE_CHECKING:
    from collections.abc import Callable

    from tuicoach.backends.base import Backend
    from tuicoach.config import Config
    from tuicoach.domain.models import Tweet
    from tuicoach.store import Store

DEFAULT_DAYS = 30


def add_source_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_argument_group("whose account (default: the signed-in one)")
    source.add_argument("--demo", action="store_true", help="the demo brand's practice account")
    source.add_argument(
        "--account",
        metavar="NAME",
        help="a signed-in account, when there are several (default: the last one signed in)",
    )
    add_now_argument(parser, "the time to compute at, e.g. 2026-03-01T09:30:00Z (default: now)")


def add_period_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--since",
        metavar="DATE",
        help=f"start of the period, YYYY-MM-DD or ISO 8601 (default: {DEFAULT_DAYS} days ago)",
    )
    parser.add_argument(
        "--until", metavar="DATE", help="end of the period, exclusive (default: now)"
    )
    parser.add_argument(
        "--days", type=int, metavar="N", help="the last N days (7, 30, 90); instead of --since"
    )


def moment(text: str, option: str) -> datetime:
    """A date (local midnight) or an ISO 8601 time; a clear error otherwise."""
    try:
        if len(text) == 10:
            return datetime.combine(datetime.fromisoformat(text).date(), time(0)).astimezone()
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"{option} {text!r}: write a date as YYYY-MM-DD or a time as ISO 8601, "
            "e.g. 2026-03-01 or 2026-03-01T09:30:00Z"
        ) from None
    return parsed if parsed.tzinfo else parsed.astimezone()


def period(args: argparse.Namespace, now: datetime) -> tuple[datetime, datetime]:
    if args.days is not None and args.since:
        raise UsageError("give --since or --days, not both")
    if args.days is not None and args.days < 1:
        raise UsageError(f"--days {args.days}: give a number of days, 1 or more")
    until = moment(args.until, "--until") if args.until else now
    if args.since:
        since = moment(args.since, "--since")
    else:
        since = until - timedelta(days=args.days or DEFAULT_DAYS)
    if since >= until:
        raise UsageError("the period is empty: --since must come before --until")
    return since, until


def now_of(args: argparse.Namespace) -> datetime:
    return args.now or datetime.now(UTC)


def open_store(args: argparse.Namespace, now: datetime) -> Store:
    """The demo's or the account's store, for commands that only read it."""
    from tuicoach.cli.owed import _open_account_store
    from tuicoach.store import StoreError

    try:
        return _open_account_store(args, now)
    except StoreError as exc:
        raise UsageError(str(exc)) from None


def open_backend(
    args: argparse.Namespace, settings: Config, now: datetime
) -> tuple[Store, Backend] | int:
    """The demo's store and backend (``--demo``), or the signed-in account's, or an exit status."""
    if args.demo:
        from tuicoach import paths
        from tuicoach.backends.demo import DemoBackend, open_demo_store
        from tuicoach.cli._account import apply_triage
        from tuicoach.store import StoreError

        try:
            store = open_demo_store(paths.data_dir(getattr(args, "data_dir", None)), now)
        except StoreError as exc:
            raise UsageError(str(exc)) from None
        apply_triage(store, settings)
        fixed = args.now
        backend = DemoBackend(store, now=(lambda: fixed) if fixed else lambda: datetime.now(UTC))
        return store, backend
    from tuicoach.cli._account import open_account

    opened = open_account(args, settings)
    if isinstance(opened, int):
        return opened
    return opened[0], opened[1]


def is_promotional_for(settings: Config) -> Callable[[Tweet], bool]:
    """The coach's promotional test under the user's word lists."""
    from tuicoach.coach import Coach

    return Coach(settings.coach).is_promotional


def seconds_text(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    whole = int(seconds)
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m"
    if whole < 86400:
        return f"{whole // 3600}h {whole % 3600 // 60:02d}m"
    return f"{whole // 86400}d {whole % 86400 // 3600}h"


def share_text(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def account_report(  # type: ignore[no-untyped-def]
    store: Store,
    settings: Config,
    since: datetime,
    until: datetime,
    now: datetime,
    backend: Backend | None = None,
):
    """The report over ``since``..``until`` under the config's hours and promo line; a bad
    period or a store failure is a usage error naming it. With ``backend``, the per-person
    table too (who sent each reply: ``replies_by_author()``; ``[team] name`` listed)."""
    from tuicoach.cli import UsageError
    from tuicoach.domain.report import ReportError
    from tuicoach.store import StoreError, insights

    try:
        return insights.report(
            store,
            since=since,
            until=until,
            now=now,
            hours=settings.business_hours,
            is_promotional=is_promotional_for(settings),
            promo_line=settings.coach.thresholds.promo_share,
            reply_authors=None if backend is None else backend.replies_by_author(),
            people=(settings.team_name,) if settings.team_name else (),
        )
    except (ReportError, StoreError) as exc:
        raise UsageError(str(exc)) from None
