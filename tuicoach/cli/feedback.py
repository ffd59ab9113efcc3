"""``tuicoach feedback``: tag what people say, see what the tags add up to, export them.

``feedback tag ID TAG...`` (``--remove`` takes them off), ``feedback show``
(tags with counts over the period and their recurring words), and ``feedback
export [--tag T] [--since D] --csv|--jsonl``: tweet link, author, date, text,
tags, whether and when it was answered.

X's developer policy lets a person hand out up to 500 public posts a day by
non-automated means such as this export: each day's export stops there (the
posts already exported that day count once, so exporting them again is free).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tuicoach.cli._insights import add_period_arguments, add_source_arguments

if TYPE_CHECKING:
    from tuicoach.backends.base import Backend
    from tuicoach.store import Store

DAILY_LIMIT = 500
META_EXPORTED = "feedback_exported:"  # + UTC day -> JSON list of tweet ids


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    tag = actions.add_parser("tag", help="tag a tweet (bug, idea, praise, complaint, question...)")
    tag.add_argument("tweet_id", metavar="ID")
    tag.add_argument("tags", metavar="TAG", nargs="+")
    tag.add_argument("--remove", action="store_true", help="take these tags off instead")
    add_source_arguments(tag)
    show = actions.add_parser("show", help="tags with counts over the period, and their words")
    add_source_arguments(show)
    add_period_arguments(show)
    show.add_argument("--json", action="store_true", help="print JSON")
    export = actions.add_parser("export", help="tagged tweets as CSV or JSON lines")
    add_source_arguments(export)
    export.add_argument("--tag", metavar="T", help="only tweets with this tag")
    export.add_argument("--since", metavar="DATE", help="only tweets from this date on")
    form = export.add_mutually_exclusive_group(required=True)
    form.add_argument("--csv", action="store_true", help="CSV with a header row")
    form.add_argument("--jsonl", action="store_true", help="one JSON object per line")


def run(args: argparse.Namespace) -> int:
    from tuicoach.cli._account import config
    from tuicoach.cli._insights import now_of, open_backend, open_store

    now = now_of(args)
    if args.action == "export":
        opened = open_backend(args, config(args), now)
        if isinstance(opened, int):
            return opened
        store, backend = opened
        try:
            return _export(store, backend, args, now)
        finally:
            backend.close()
            store.close()
    store = open_store(args, now)
    try:
        if args.action == "tag":
            return _tag(store, args, now, config(args).feedback_tags)
        return _show(store, args, now, config(args).feedback_tags)
    finally:
        store.close()


def _tag(
    store: Store, args: argparse.Namespace, now: datetime, own_tags: tuple[str, ...] = ()
) -> int:
    from tuicoach.cli import UsageError
    from tuicoach.store import feedback

    if store.tweet(args.tweet_id) is None:
        raise UsageError(f"no tweet {args.tweet_id} in {store.path}: sync first, or check the id")
    try:
        names = [feedback.clean_tag(name) for name in args.tags]  # all good, or none applied
    except feedback.TagError as exc:
        raise UsageError(str(exc)) from None
    offered = (*feedback.BUILTIN_TAGS, *own_tags)
    for name in names:
        if not args.remove and name not in offered:
            print(
                f"note: {name!r} is not one of your tags ({', '.join(offered)}); it is applied. "
                "Add it to [feedback] tags in the config to offer it in the app.",
                file=sys.stderr,
            )
    for name in names:
        if args.remove:
            feedback.remove_tag(store, args.tweet_id, name)
        else:
            feedback.add_tag(store, args.tweet_id, name, now=now)
    tags = feedback.tags_of(store, args.tweet_id)
    print(f"{args.tweet_id}: {', '.join(tags) if tags else 'no tags'}")
    return 0


def _show(
    store: Store, args: argparse.Namespace, now: datetime, own_tags: tuple[str, ...] = ()
) -> int:
    from tuicoach.cli._insights import period
    from tuicoach.store import feedback, insights

    since, until = period(args, now)
    figures = insights.feedback_figures(store, since=since, until=until)
    if args.json:
        data = [
            {
                "tag": f.tag,
                "count": f.count,
                "tweets": [t.id for t in f.tweets],
                "words": [{"word": w, "tweets": n} for w, n in f.words],
            }
            for f in figures
        ]
        print(json.dumps(data, indent=2))
        return 0
    if not figures:
        print("No tagged tweets in the period. Tag mentions in the app, or with "
              "`tuicoach feedback tag ID TAG`.")  # fmt: skip
        print(f"Tags: {', '.join((*feedback.BUILTIN_TAGS, *own_tags))}")
        return 0
    for figure in figures:
        words = ", ".join(f'"{w}" in {n}' for w, n in figure.words[:5])
        print(f"{figure.tag:<12} {figure.count:>4}" + (f"   {words}" if words else ""))
    return 0


def _export(store: Store, backend: Backend, args: argparse.Namespace, now: datetime) -> int:
    from tuicoach.cli import UsageError
    from tuicoach.cli._insights import moment
    from tuicoach.domain.models import isoformat
    from tuicoach.store import feedback, insights

    since = moment(args.since, "--since") if args.since else None
    try:
        rows = insights.feedback_rows(store, now=now, tag=args.tag, since=since)
    except feedback.TagError as exc:
        raise UsageError(str(exc)) from None
    day = datetime.now(UTC).date().isoformat() if args.now is None else args.now.date().isoformat()
    key = META_EXPORTED + day
    done = set(json.loads(store.get_meta(key) or "[]"))
    kept = []
    for row in rows:
        if row.tweet.id in done or len(done) < DAILY_LIMIT:
            done.add(row.tweet.id)
            kept.append(row)
    store.set_meta(key, json.dumps(sorted(done)))
    out = sys.stdout
    fields = ("link", "author", "date", "text", "tags", "answered", "answered_at")
    writer = csv.DictWriter(out, fields, lineterminator="\n") if args.csv else None
    if writer is not None:
        writer.writeheader()
    for row in kept:
        record = {
            "link": backend.tweet_link(row.tweet, row.author),
            "author": "@" + row.author.username if row.author else row.tweet.author_id,
            "date": isoformat(row.tweet.created_at),
            "text": row.tweet.text,
            "tags": ",".join(row.tags) if writer is not None else list(row.tags),
            "answered": row.answered,
            "answered_at": isoformat(row.answered_at) if row.answered_at else None,
        }
        if writer is not None:
            writer.writerow({k: ("" if v is None else v) for k, v in record.items()})
        else:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    if len(kept) < len(rows):
        print(
            f"tuicoach: exported {len(kept)} of {len(rows)} posts. X's developer policy allows "
            f"handing out up to {DAILY_LIMIT} posts per person per day in an export made by "
            "hand, and today's are used; the rest can be exported tomorrow (or narrow it "
            "with --tag or --since).",
            file=sys.stderr,
        )
    return 0
