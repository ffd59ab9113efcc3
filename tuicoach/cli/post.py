"""``tuicoach post "TEXT"``: the coach reads it first; an error stops it unless ``--force``.

Exit status: 0 posted, 1 stopped by the coach, 2 bad usage (or nobody signed
in), 3 the service refused or could not be reached (the post then waits in the
outbox; nothing is lost).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from tuicoach.cli import EXIT_FINDINGS, EXIT_OK, UsageError
from tuicoach.cli._account import add_account_argument, config, fail, open_account


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", metavar="TEXT", help="what to post")
    parser.add_argument("--reply-to", metavar="ID", help="the id of the tweet this answers")
    parser.add_argument(
        "--force", action="store_true", help="post even when the coach finds an error"
    )
    add_account_argument(parser)


def run(args: argparse.Namespace) -> int:
    from tuicoach.backends.base import BackendError
    from tuicoach.coach import Coach
    from tuicoach.domain.models import Draft, Severity

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
        report = coach.report(draft, now=now, owed_since=[o.tweet.created_at for o in owed])
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
        try:
            if reply_to is not None:
                tweet = backend.post(args.text, reply_to=reply_to)
            elif args.reply_to is None:
                tweet = backend.post(args.text)
            elif (by_id := getattr(backend, "post_reply_to_id", None)) is not None:
                tweet = by_id(args.text, args.reply_to)
            else:
                raise UsageError(f"tweet {args.reply_to} is not stored here: run `tuicoach sync`")
        except BackendError as exc:
            return fail(exc)
        done = "Replied" if args.reply_to else "Posted"
        print(f"{done}: {backend.tweet_link(tweet, backend.account)}")
        return EXIT_OK
    finally:
        backend.close()
        store.close()
