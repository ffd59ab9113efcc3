"""``tuicoach post "TEXT"``: the coach reads it first; an error stops it unless ``--force``.

Exit status: 0 posted (or already posted by an earlier try), 1 stopped by the
coach, 2 bad usage (or nobody signed in), 3 the service refused or could not be
reached (the post then waits in the outbox; nothing is lost), 4 unconfirmed: it
was sent and the answer was not readable, so it may be out; it is not sent again
until tuicoach has checked (``tuicoach outbox``, ``tuicoach outbox resolve``),
5 a teammate answered that mention already (on a shared store, the traffic cop):
nothing was sent, their reply is printed, ``--anyway`` sends this one on purpose.

The text is kept as a draft, tied to its outbox record, until the service has it.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tuicoach.cli import EXIT_ANSWERED, EXIT_FINDINGS, EXIT_OK, EXIT_UNCONFIRMED, UsageError
from tuicoach.cli._account import add_account_argument, config, fail, open_account

if TYPE_CHECKING:
    from tuicoach.backends.base import Backend
    from tuicoach.backends.registry import BackendKind, Request
    from tuicoach.config import Config
    from tuicoach.domain.owed import OwedReply
    from tuicoach.store import Store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", metavar="TEXT", help="what to post")
    parser.add_argument("--reply-to", metavar="ID", help="the id of the tweet this answers")
    parser.add_argument(
        "--force", action="store_true", help="post even when the coach finds an error"
    )
    parser.add_argument(
        "--as-new",
        action="store_true",
        help="post even though the same text was already posted (or is unconfirmed)",
    )
    parser.add_argument(
        "--anyway",
        action="store_true",
        help="reply even though a teammate already answered that mention (exit status 5)",
    )
    add_account_argument(parser)


def run(args: argparse.Namespace) -> int:
    from tuicoach.store import StoreError

    if not args.text.strip():
        raise UsageError('nothing to post: give the text, e.g. tuicoach post "Open till 6 today"')
    if args.reply_to is not None and not args.reply_to.isdigit():
        raise UsageError(f"--reply-to {args.reply_to!r}: a tweet id is a number")
    settings = config(args)
    opened = open_account(args, settings)
    if isinstance(opened, int):
        return opened
    store, backend, kind, req = opened
    try:
        return _post(args, settings, store, backend, kind, req)
    except StoreError as exc:
        return fail(exc)
    finally:
        backend.close()
        store.close()


def _post(
    args: argparse.Namespace,
    settings: Config,
    store: Store,
    backend: Backend,
    kind: BackendKind,
    req: Request,
) -> int:
    from tuicoach.backends.base import (
        AlreadyPosted,
        BackendError,
        TeammateAnswered,
        Unconfirmed,
    )
    from tuicoach.coach import Coach
    from tuicoach.domain.models import Draft, Severity

    now = datetime.now(UTC)
    history = store.stream("own", limit=2000)
    reply_to = store.tweet(args.reply_to) if args.reply_to else None
    draft = (
        Draft.answering(args.text, reply_to, store.user(reply_to.author_id))
        if reply_to is not None
        else Draft(args.text)
    )
    coach = Coach(settings.coach, history)
    owed = store.owed(now=now)  # a broadcast while people wait for an answer is noted
    report = coach.report(draft, now=now, owed_since=_oldest_per_person(owed))
    shown = [f for f in report.findings if f.severity in (Severity.ERROR, Severity.WARNING)]
    for finding in shown:
        print(f"{finding.severity.value}: {finding.rule}: {finding.message}", file=sys.stderr)
        if finding.suggestion:
            print(f"  {finding.suggestion}", file=sys.stderr)
    if report.has_errors and not args.force:
        print(
            f"Not posted: the coach found an error (score {report.score}/100). Fix the "
            "draft, or add --force to post it anyway.",
            file=sys.stderr,
        )
        return EXIT_FINDINGS
    if note := kind.post_note(args.text, req):
        print(f"Note: {note}", file=sys.stderr)
    draft_id = _keep_draft(store, args.text, args.reply_to, now)
    by_id = getattr(backend, "post_reply_to_id", None)
    try:
        if by_id is not None:  # the outbox's own path: tied to the draft, checked before again
            tweet = by_id(
                args.text,
                args.reply_to,
                draft_id=draft_id,
                as_new=args.as_new,
                anyway=args.anyway,
            )
        elif args.reply_to is None:
            tweet = backend.post(args.text)
        elif reply_to is not None:
            tweet = backend.post(args.text, reply_to=reply_to, anyway=args.anyway)
        else:
            raise UsageError(f"tweet {args.reply_to} is not stored here: run `tuicoach sync`")
        if by_id is None:
            store.delete_draft(draft_id)
    except Unconfirmed as exc:
        print(f"tuicoach: {exc}", file=sys.stderr)
        return EXIT_UNCONFIRMED
    except TeammateAnswered as exc:
        print(f"tuicoach: {exc}", file=sys.stderr)
        return EXIT_ANSWERED
    except AlreadyPosted as exc:
        print(f"tuicoach: {exc}", file=sys.stderr)
        if exc.tweet_id and (known := store.tweet(exc.tweet_id)) is not None:
            print(f"Already posted: {backend.tweet_link(known, backend.account)}")
        return EXIT_OK
    except BackendError as exc:
        return fail(exc)
    done = "Replied" if args.reply_to else "Posted"
    print(f"{done}: {backend.tweet_link(tweet, backend.account)}")
    return EXIT_OK


def _keep_draft(store: Store, text: str, reply_to_id: str | None, now: datetime) -> int:
    """The text as a draft (an identical one is reused), kept until X has the post."""
    for draft in store.drafts():
        if draft.text == text and draft.reply_to_id == reply_to_id:
            return int(draft.id)
    return int(store.save_draft(text, reply_to_id=reply_to_id, now=now))


def _oldest_per_person(owed: list[OwedReply]) -> list[datetime]:
    """The oldest owed tweet's arrival per person: the coach's owed rule counts people."""
    oldest: dict[str, datetime] = {}
    for item in owed:
        at, author = item.tweet.created_at, item.tweet.author_id
        if author not in oldest or at < oldest[author]:
            oldest[author] = at
    return list(oldest.values())
