"""The X backend as the registry knows it: its sign-in, its config tables, its reports.

Light at the top (the config and ``tuicoach --help`` import it): tweepy and the
keyring load only when an account is opened.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import timedelta
from typing import TYPE_CHECKING

from tuicoach.backends.registry import BackendKind, Opener, Report, Request

if TYPE_CHECKING:
    from tuicoach.backends.base import Backend
    from tuicoach.backends.x.cost import PricingSettings
    from tuicoach.backends.x.settings import XSettings
    from tuicoach.store import Store

SIGN_IN_HINT = (
    "Run `tuicoach login`, or set the four TUICOACH_X_* environment variables "
    "(or try `tuicoach --demo`)."
)


def _signed_in_error(exc: Exception) -> Exception:
    """The X sign-in's failures in the port's words (a missing sign-in is the user's to fix)."""
    from tuicoach.backends.base import BackendError, NotSignedIn
    from tuicoach.backends.x.credentials import KeyringUnavailable

    if isinstance(exc, KeyringUnavailable):
        return BackendError(str(exc))
    return NotSignedIn(str(exc))


def sections() -> Mapping[str, type]:
    from tuicoach.backends.x.config import SECTIONS

    return SECTIONS


def _settings(request: Request) -> tuple[XSettings, PricingSettings | None]:
    """The ``[x]`` and ``[pricing]`` tables; with neither in the file, no schema is imported."""
    if "x" in request.sections or "pricing" in request.sections:
        from tuicoach.backends.x.config import pricing_settings, x_settings

        return x_settings(request.sections), pricing_settings(request.sections)
    from tuicoach.backends.x.settings import XSettings

    return XSettings(), None


def opener(request: Request) -> Opener | None:
    from tuicoach.backends.x.accounts import signed_in_opener
    from tuicoach.backends.x.credentials import SignInError

    settings, pricing = _settings(request)
    try:
        found = signed_in_opener(
            account=request.account,
            data_dir=request.data_dir,
            settings=settings,
            pricing=pricing,
            clock=request.clock,
            store_url=request.store_url,
            store_password=request.store_password,
        )
    except SignInError as exc:
        raise _signed_in_error(exc) from None
    if found is None:
        return None

    def open_account() -> tuple[Store, Backend]:
        try:
            return found()
        except SignInError as exc:
            raise _signed_in_error(exc) from None

    return open_account


def open_store(request: Request) -> Store | None:
    """The account's store alone, from the account index: no keyring, no network."""
    from tuicoach import paths
    from tuicoach.backends.base import NotSignedIn
    from tuicoach.backends.x.accounts import account_username
    from tuicoach.backends.x.credentials import SignInError
    from tuicoach.store import Store

    if request.store_url:  # the team's store on PostgreSQL, not a file in the data folder
        return Store.connect(request.store_url, password=request.store_password)
    data = request.data_dir
    try:
        username = account_username(request.account, data)
    except SignInError as exc:
        raise _signed_in_error(exc) from None
    if username is not None:
        db = paths.account_db(data, username)
        if db.exists():
            return Store.open(db)
        if not request.account and not list((data / "accounts").glob("*.sqlite3")):
            raise NotSignedIn(
                f"@{username} is signed in but has nothing stored yet (no {db}); "
                "run `tuicoach sync` first"
            )
    if request.account:
        raise NotSignedIn(
            f"no account @{request.account.lstrip('@')} in {data}: sign in with "
            "`tuicoach login`, or practise with --demo"
        )
    found = sorted((data / "accounts").glob("*.sqlite3"))
    if not found:
        return None
    if len(found) > 1:
        names = ", ".join(p.stem for p in found)
        raise NotSignedIn(f"{len(found)} accounts in {data} ({names}): choose one with --account")
    return Store.open(found[0])


def sync_report(store: Store, backend: Backend, request: Request) -> Report | None:
    """``tuicoach sync`` on X: every stream's outcome, the outbox, and the reads billed."""
    from tuicoach.backends.x import cost
    from tuicoach.backends.x.backend import SyncReport, XBackend
    from tuicoach.backends.x.client import FEATURES
    from tuicoach.backends.x.config import pricing_settings

    if not isinstance(backend, XBackend):
        return None
    report: SyncReport = backend.sync_report()
    now = request.clock()
    prices = cost.prices_on(cost.utc_day(now), pricing_settings(request.sections).table)
    spent = (
        None
        if prices is None
        else report.post_reads * prices.post_read + report.user_reads * prices.user_read
    )
    username = backend.account.username
    data = {
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
        "synced_by": report.synced_by,
    }
    lines = [f"@{username}"]
    if report.synced_by is not None:
        lines.append(
            f"  another machine syncs this account for the team ({report.synced_by}); "
            "its new tweets are in the shared store, and X was not asked (it takes over "
            "here within a minute if that machine stops)"
        )
    problems: list[str] = []
    lines += [f"  outbox: posted waiting tweet {tweet.id}" for tweet in report.posted]
    if report.outbox_error:
        problems.append(f"  outbox: {report.outbox_error}")
    for r in report.streams:
        name = FEATURES[r.stream]
        if r.error is not None:
            problems.append(f"  {name}: {r.error}")
            continue
        if r.next_due is not None:
            wait = max(1, round((r.next_due - now).total_seconds()))
            lines.append(
                f"  {name}: fetched moments ago; X's limits allow the next fetch in {wait} s"
            )
            continue
        note = " (first sync)" if r.backfill else ""
        if r.gap:
            note += " (more was new than one sync fetches; the oldest were skipped)"
        requests = f"{r.pages} request{'s' if r.pages != 1 else ''}"
        lines.append(f"  {name}: {r.fetched} new{note}, {requests}")
    lines.append(
        f"Reads billed: {report.post_reads} posts, {report.user_reads} users"
        f" ({cost.format_dollars(spent)}; repeat reads today are free)."
        " `tuicoach usage` for the day."
    )
    return Report(tuple(lines), data, tuple(problems))


def usage(store: Store, request: Request, days: int) -> Report:
    """``tuicoach usage`` on X: reads, posts and spend per UTC day."""
    from tuicoach.backends.x import cost
    from tuicoach.backends.x.config import pricing_settings

    pricing = pricing_settings(request.sections)
    table, units = pricing.table, pricing.units
    account = store.account()
    username = account.username if account is not None else store.path.stem
    last = cost.utc_day(request.clock())
    found = cost.usage_days(store, last - timedelta(days=days - 1), last)
    rows: list[object] = []
    for day in found:
        row: dict[str, object] = asdict(day)
        spent = day.cost(table, units)
        row["day"] = str(day.day)
        row["cost_usd"] = None if spent is None else round(spent, 6)
        row["by_kind"] = {
            k.kind: {
                "count": k.count,
                "unit_usd": k.unit_price,
                "cost_usd": None if k.cost is None else round(k.cost, 6),
                **({"of_them_searches": k.searched} if k.searched else {}),
            }
            for k in day.by_kind(table, units)
        }
        rows.append(row)
    today = found[-1]
    lines = [
        f"@{username}, today (UTC {today.day}): {_describe(today)}, "
        f"{cost.format_dollars(today.cost(table, units))}"
    ]
    for k in today.by_kind(table, units):
        if k.count:
            each = "price unknown" if k.unit_price is None else f"${k.unit_price:.3f} each"
            searched = f" ({k.searched} of them searches)" if k.searched else ""
            lines.append(
                f"  {k.kind:<17}{k.count:>7}{searched}  at {each}  {cost.format_dollars(k.cost)}"
            )
    if len(found) > 1:
        lines.append(f"Last {len(found)} days:")
        for day in reversed(found):
            spent_day = cost.format_dollars(day.cost(table, units))
            lines.append(f"  {day.day}  {spent_day:>10}  {_describe(day)}")
        total = sum(d.cost(table, units) or 0.0 for d in found)
        lines.append(f"  total       {cost.format_dollars(total):>10}")
    return Report(tuple(lines), rows)


def _describe(day: object) -> str:
    from tuicoach.backends.x.cost import DayUsage

    assert isinstance(day, DayUsage)
    posts = day.posts
    kinds = [f"{day.posts_created_url} with a link"] if day.posts_created_url else []
    if replies := day.posts_created_reply:
        kinds.insert(0, f"{replies} summoned repl{'y' if replies == 1 else 'ies'}")
    with_url = f" ({', '.join(kinds)})" if kinds else ""
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


def reconcile(request: Request, days: int) -> Report:
    """tuicoach's post reads per UTC day beside X's ``GET /2/usage/tweets``, and the difference."""
    import os

    from tuicoach.backends.base import BackendError, NotSignedIn
    from tuicoach.backends.x.backend import XBackend
    from tuicoach.backends.x.listen import BEARER_ENV

    bearer = os.environ.get(BEARER_ENV)
    if not bearer:
        raise BackendError(
            f"X's usage counts are readable only with the app's bearer token: set {BEARER_ENV} "
            "(X developer console, your app's Keys and tokens) and run this again."
        )
    open_account = opener(request)
    if open_account is None:
        raise NotSignedIn(f"no X account is signed in; {SIGN_IN_HINT}")
    store, backend = open_account()
    try:
        assert isinstance(backend, XBackend)
        rows = backend.listener(bearer_token=bearer).reconcile(min(days, 90))
    finally:
        backend.close()
        store.close()
    lines = ["UTC day      tuicoach         X  difference"]
    for day, ours, theirs in rows:
        diff = "unknown" if theirs is None else f"{theirs - ours:+d}"
        shown = "?" if theirs is None else str(theirs)
        lines.append(f"{day}  {ours:>8}  {shown:>8}  {diff:>10}")
    lines.append(
        "X counts every app of the project; tuicoach counts this account's reads only, "
        "so other apps or accounts show as a positive difference."
    )
    return Report(tuple(lines), [{"day": d, "tuicoach": o, "x": t} for d, o, t in rows])


def post_note(text: str, request: Request) -> str | None:
    from tuicoach.backends.x.config import pricing_settings
    from tuicoach.backends.x.cost import link_cost_note, utc_day

    return link_cost_note(text, pricing_settings(request.sections), utc_day(request.clock()))


BACKEND = BackendKind(
    name="x",
    service="X",
    sign_in_hint=SIGN_IN_HINT,
    opener=opener,
    open_store=open_store,
    sections=sections,
    sync_report=sync_report,
    usage=usage,
    post_note=post_note,
    reconcile=reconcile,
)
