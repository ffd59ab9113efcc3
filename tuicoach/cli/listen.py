"""``tuicoach listen``: run every saved search once; add, edit, remove and list them.

``tuicoach listen`` polls each saved search from where it stopped and prints
what is new per search and what it cost; ``--json`` prints the new
opportunities, one JSON object per line. ``--add NAME "terms…"`` first shows
what the search would have cost a day (X's counts with an app bearer token in
``$TUICOACH_X_BEARER_TOKEN``, otherwise its first page), then saves it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from typing import TYPE_CHECKING

from tuicoach.cli import EXIT_OK, UsageError
from tuicoach.cli._account import EXIT_X, config, open_account

if TYPE_CHECKING:
    from tuicoach.domain.listen import ListenSettings, SavedSearch


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from tuicoach.cli._account import add_account_argument

    add_account_argument(parser)
    what = parser.add_mutually_exclusive_group()
    what.add_argument(
        "--add",
        nargs=2,
        metavar=("NAME", "TERMS"),
        help='save a search: terms comma-separated ("larkspur, larkspur coffee, #larkspur")',
    )
    what.add_argument(
        "--edit",
        nargs=2,
        metavar=("NAME", "TERMS"),
        help="change a search's terms (its --lang and --exclude stay unless given again)",
    )
    what.add_argument("--remove", metavar="NAME", help="forget a saved search")
    what.add_argument("--list", action="store_true", help="list the saved searches and queries")
    parser.add_argument(
        "--query", action="store_true", help="with --add/--edit: TERMS is a raw X query"
    )
    parser.add_argument(
        "--lang", metavar="CODE", help='with --add/--edit: only this language ("en")'
    )
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="WORD",
        help="with --add/--edit: leave out posts with this word or phrase (repeatable)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the new opportunities, one JSON object a line"
    )


def _listen_settings(args: argparse.Namespace) -> ListenSettings:
    """``[listen]`` and its ``[[listen.search]]`` tables, from the config."""
    return config(args).listen


def _search_from(args: argparse.Namespace, name: str, terms: str) -> SavedSearch:
    from tuicoach.domain.listen import QueryError, SavedSearch, check_name

    try:
        name = check_name(name)
    except QueryError as exc:
        raise UsageError(str(exc)) from None
    lang = args.lang.strip() or None if args.lang is not None else None  # --lang "": none
    if args.query:
        return SavedSearch(name, query=terms, lang=lang, exclude=tuple(args.exclude))
    return SavedSearch.from_terms(name, terms, lang=lang, exclude=args.exclude)


def run(args: argparse.Namespace) -> int:
    from tuicoach.domain.listen import QueryError, build_query

    settings = config(args)
    listen_settings = _listen_settings(args)
    new_search: SavedSearch | None = None
    if args.add or args.edit:
        name, terms = args.add or args.edit
        new_search = _search_from(args, name, terms)
    opened = open_account(args, settings)
    if isinstance(opened, int):
        return opened
    store, backend, kind, _request = opened
    try:
        from tuicoach.backends.x.backend import XBackend
        from tuicoach.backends.x.listen import BEARER_ENV

        if not isinstance(backend, XBackend):
            raise UsageError(
                f"saved searches from the shell run on a signed-in account; {kind.service} "
                "listens inside the app (tuicoach --demo)"
            )
        backend.listen_settings = listen_settings
        backend.bearer_token = os.environ.get(BEARER_ENV) or None
        listener = backend.listener(listen_settings, bearer_token=backend.bearer_token)
        handle = backend.account.username
        in_config = {s.name.lower() for s in listener.searches()} & listener.listen.from_config()
        named = (args.edit[0] if args.edit else args.remove) or ""
        if named.strip().lower() in in_config:
            raise UsageError(
                f"the saved search {named.strip()!r} is a [[listen]] table in the config file; "
                "change or remove it there (`tuicoach config` prints the file's path)"
            )
        if new_search is not None:
            old = listener.listen.search(new_search.name) if args.edit else None
            if old is not None:  # --edit changes the terms; lang and exclusions stay unless given
                new_search = replace(
                    new_search,
                    lang=old.lang if args.lang is None else new_search.lang,
                    exclude=new_search.exclude if args.exclude else old.exclude,
                )
            try:
                query = build_query(new_search, handle)
            except QueryError as exc:
                raise UsageError(str(exc)) from None
            return _save(backend, listener, new_search, query, editing=bool(args.edit))
        if args.remove:
            if not listener.listen.remove_search(args.remove):
                raise UsageError(
                    f"no saved search is called {args.remove!r}; `tuicoach listen --list` "
                    "shows them"
                )
            print(f"Removed the saved search {args.remove!r} and its opportunities.")
            return EXIT_OK
        if args.list:
            return _list(listener, handle)
        if not listener.searches():
            print(
                'No saved searches yet. Add one: tuicoach listen --add larkspur "larkspur, '
                'larkspur coffee, #larkspurcoffee"'
            )
            return EXIT_OK
        try:
            report = listener.run()
        except QueryError as exc:
            raise UsageError(str(exc)) from None
        return _report(listener, report, as_json=args.json)
    finally:
        backend.close()
        store.close()


def _save(
    backend: object, listener: object, search: SavedSearch, query: str, *, editing: bool
) -> int:
    """Show what the search would have cost (the app's editor shows the same words), save it."""
    from datetime import UTC, datetime

    from tuicoach.backends.base import BackendError
    from tuicoach.backends.x.backend import XBackend
    from tuicoach.backends.x.listen import Listener

    assert isinstance(listener, Listener) and isinstance(backend, XBackend)
    exists = listener.listen.search(search.name) is not None
    if editing and not exists:
        raise UsageError(f"no saved search is called {search.name!r}; add it with --add")
    if not editing and exists:
        raise UsageError(f"a saved search is already called {search.name!r}; change it with --edit")
    print(f"{search.name}: {query}")
    try:
        estimate = backend.estimate_search(search)
    except BackendError as exc:
        print(f"  (could not estimate its cost: {exc})", file=sys.stderr)
    else:
        print(f"  {estimate.words}")
    listener.listen.save_search(search, now=datetime.now(UTC))
    print("Saved." if not editing else "Changed; it starts again from the newest posts.")
    return EXIT_OK


def _list(listener: object, handle: str) -> int:
    from tuicoach.backends.x.listen import Listener
    from tuicoach.domain.listen import QueryError, build_query

    assert isinstance(listener, Listener)
    for search in listener.searches():
        try:
            query = build_query(search, handle)
        except QueryError as exc:
            query = f"(X would reject it: {exc.problem})"
        print(f"{search.name}: {query}")
    return EXIT_OK


def _report(listener: object, report: object, *, as_json: bool) -> int:
    from datetime import UTC, datetime

    from tuicoach.backends.x.backend import status_link
    from tuicoach.backends.x.cost import format_dollars
    from tuicoach.backends.x.listen import BudgetReached, Listener, ListenReport

    assert isinstance(listener, Listener) and isinstance(report, ListenReport)
    now = datetime.now(UTC)
    found = {f.tweet.id: f for f in listener.listen.opportunities(now=now, closed=True)}
    failed = False
    for run in report.runs:
        if run.error is not None and not isinstance(run.error, BudgetReached):
            failed = True
        if as_json:
            for tweet_id in run.new:
                item = found.get(tweet_id)
                if item is None:
                    continue
                print(
                    json.dumps(
                        {
                            "search": run.name,
                            "id": tweet_id,
                            "author": item.author.username if item.author else None,
                            "created_at": item.tweet.created_at.isoformat(),
                            "text": item.tweet.text,
                            "link": status_link(tweet_id),
                            "state": item.opportunity.state.value,
                        },
                        ensure_ascii=False,
                    )
                )
            if run.error is not None and not isinstance(run.error, BudgetReached):
                print(f"tuicoach: {run.name}: {run.error}", file=sys.stderr)
            if (skipped := run.skipped_words(listener.settings)) is not None:
                print(f"tuicoach: {run.name}: {skipped}", file=sys.stderr)
            continue
        if isinstance(run.error, BudgetReached) and run.requests == 0:
            print(f"{run.name}: not polled, the daily budget is spent")
            continue
        if run.error is not None and run.requests == 0:
            print(f"{run.name}: {run.error}", file=sys.stderr)
            continue
        print(
            f"{run.name}: {len(run.new)} new, {run.post_reads} posts and {run.user_reads} "
            f"users read, {format_dollars(run.cost)}"
        )
        for tweet_id in run.new:
            item = found.get(tweet_id)
            if item is not None:
                who = f"@{item.author.username}" if item.author else item.tweet.author_id
                text = " ".join(item.tweet.text.split())
                print(f"  {who}: {text[:100]}  {status_link(tweet_id)}")
        if run.error is not None and not isinstance(run.error, BudgetReached):
            print(f"  {run.error}", file=sys.stderr)
        if (skipped := run.skipped_words(listener.settings)) is not None:
            print(f"  {skipped}", file=sys.stderr)
    if report.stopped is not None:
        print(f"tuicoach: {report.stopped}", file=sys.stderr)  # once, not once a search
    if not as_json:
        print(
            f"Listening today: {format_dollars(report.spent_today)} of the "
            f"{format_dollars(report.budget)} daily budget."
        )
    return EXIT_X if failed else EXIT_OK
