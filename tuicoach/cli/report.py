"""``tuicoach report``: how the account is doing over a period (README, "Reports").

Text by default; ``--json`` prints one object (its shape is in the README),
``--csv`` one figure per row (``figure,key,value``).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import TYPE_CHECKING, Any

from tuicoach.cli._insights import add_period_arguments, add_source_arguments

if TYPE_CHECKING:
    from tuicoach.domain.report import AccountReport


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_source_arguments(parser)
    add_period_arguments(parser)
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print one JSON object")
    form.add_argument("--csv", action="store_true", help="print CSV: figure,key,value")


def run(args: argparse.Namespace) -> int:
    from tuicoach.backends.base import set_author
    from tuicoach.cli._account import config
    from tuicoach.cli._insights import account_report, now_of, open_backend, period

    settings = config(args)
    now = now_of(args)
    since, until = period(args, now)
    opened = open_backend(args, settings, now)  # who sent each reply is the backend's to say
    if isinstance(opened, int):
        return opened
    store, backend = opened
    try:
        set_author(backend, settings.team_name)
        report = account_report(store, settings, since, until, now, backend)
    finally:
        backend.close()
        store.close()
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    elif args.csv:
        write_csv(report, sys.stdout)
    else:
        print(text(report))
    return 0


def rows(report: AccountReport) -> list[tuple[str, str, Any]]:
    """Every figure as (figure, key, value), for CSV."""
    data = report.to_json()
    out: list[tuple[str, str, Any]] = [
        ("period", "since", data["since"]),
        ("period", "until", data["until"]),
        ("replies", "addressed", data["addressed"]),
        ("replies", "answered", data["answered"]),
        ("replies", "reply_rate", data["reply_rate"]),
        ("replies", "replied_within_hour", data["replied_within_hour"]),
        ("first_reply", "median_seconds", data["first_reply"]["median_seconds"]),
        ("first_reply", "p90_seconds", data["first_reply"]["p90_seconds"]),
    ]
    groups = {
        **{f"band:{k}": v for k, v in data["first_reply"]["by_band"].items()},
        "business_hours": data["first_reply"]["business_hours"],
        "off_hours": data["first_reply"]["off_hours"],
    }
    for name, figures in groups.items():
        out += [(f"first_reply:{name}", key, value) for key, value in figures.items()]
    out += [("backlog", b["day"], b["owed"]) for b in data["backlog"]]
    out += [("backlog_tweets", b["day"], b["tweets"]) for b in data["backlog"]]
    out += [("promo_share", w["week"], w["share"]) for w in data["promo_share"]["weeks"]]
    out.append(("promo_share", "line", data["promo_share"]["line"]))
    for slot in data["posts_by_hour"]:
        out += [(f"hour:{slot['hour']:02d}", k, slot[k]) for k in ("posts", "replies", "likes")]
    for slot in data["posts_by_weekday"]:
        out += [(f"weekday:{slot['day']}", k, slot[k]) for k in ("posts", "replies", "likes")]
    for person in data["by_person"]:
        name = f"person:{person['name'] or NO_NAME}"
        out += [(name, k, v) for k, v in person.items() if k != "name"]
    return out


#: The per-person row of replies with no name on record (solo, or from the service's app).
NO_NAME = "(no name)"


def write_csv(report: AccountReport, stream: Any) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(("figure", "key", "value"))
    for figure, key, value in rows(report):
        writer.writerow((figure, key, "" if value is None else value))


def text(report: AccountReport) -> str:
    from tuicoach.cli._insights import seconds_text, share_text
    from tuicoach.domain.owed import owed_words
    from tuicoach.domain.report import WEEKDAYS

    first = report.first_reply
    days = (report.until - report.since).days
    lines = [
        f"The last {days} days ({report.since:%Y-%m-%d} to {report.until:%Y-%m-%d})",
        "",
        f"Reply rate          {share_text(report.reply_rate)} "
        f"({first.answered} of {first.addressed} addressed tweets answered)",
        f"Within an hour      {share_text(report.replied_within_hour)}",
        f"First reply         median {seconds_text(first.median_seconds)}, "
        f"90% within {seconds_text(first.p90_seconds)}",
        f"  business hours    median {seconds_text(report.business_hours.median_seconds)} "
        f"({report.business_hours.addressed} tweets)",
        f"  outside them      median {seconds_text(report.off_hours.median_seconds)} "
        f"({report.off_hours.addressed} tweets)",
    ]
    for band, times in report.by_band.items():
        lines.append(
            f"  {band:<18}median {seconds_text(times.median_seconds)}, "
            f"{times.answered} of {times.addressed} answered"
        )
    if report.backlog:
        owed = report.backlog[-1][1]
        peak = max(n for _, n in report.backlog)
        tweets = report.tweet_counts()[-1]
        lines += [
            "",
            f"Owed now            {owed_words(owed, tweets)} (the most at a day's end: {peak})",
        ]
    line = report.promo_line
    lines += ["", f"Promotional share   {share_text(report.promo_share)} (line: {line:.0%})"]
    for week in report.promo_weeks[-6:]:
        share = week.share or 0.0
        mark = "over the line" if share > line else ""
        bar = "#" * round(share * 20)
        lines.append(f"  week of {week.week:%d %b}  {bar:<20} {share:>4.0%} {mark}".rstrip())
    best = report.best_hours()
    if best:
        lines += [
            "",
            "Hours that work     " + ", ".join(f"{h:02d}:00" for h in best) + " (replies and "
            "likes per post)",
        ]
    busiest = max(range(7), key=lambda d: report.by_weekday[d].posts)
    if report.by_weekday[busiest].posts:
        lines.append(f"Busiest day         {WEEKDAYS[busiest]}")
    if report.has_team:
        lines += ["", f"{'By person':<20}{'replies':>8}  {'answered':>8}  median first reply"]
        for person in report.by_person:
            first = person.first_replies
            lines.append(
                f"  {(person.name or NO_NAME)[:17]:<18}{person.replies:>8}  {first.answered:>8}  "
                f"{seconds_text(first.median_seconds)}"
            )
    return "\n".join(lines)
