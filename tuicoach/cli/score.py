"""``tuicoach score``: the coach's report on a draft, or on many (``--jsonl``).

Exit status, as linters do: 0, or 1 when a draft has an ``error`` finding,
or 2 for bad usage or input (a bad line of ``--jsonl`` input still lets the
other lines be scored).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import textwrap
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from tuicoach.cli import add_now_argument
from tuicoach.cli._account import config

if TYPE_CHECKING:
    from tuicoach.coach import Coach
    from tuicoach.domain.models import Finding, Report

EXAMPLE_TIME = "2026-03-01T09:30:00Z"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", nargs="?", metavar="TEXT", help="the draft to score")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object: score, weighted_length, valid, promotional, findings",
    )
    mode.add_argument(
        "--jsonl",
        action="store_true",
        help='score many drafts: read {"id": ..., "text": ...} objects, one per line, from '
        "stdin (or --input) and write one result per line, in order",
    )
    parser.add_argument(
        "--input", metavar="FILE", help="with --jsonl: read the drafts from FILE, not stdin"
    )
    parser.add_argument(
        "--history",
        metavar="FILE",
        help="your own past tweets, one X API v2 tweet object per line (id, text, "
        "created_at): turns on the account rules such as near-duplicate and burst",
    )
    add_now_argument(parser, f"score as if it were this time, e.g. {EXAMPLE_TIME} (default: now)")


def run(args: argparse.Namespace) -> int:
    from tuicoach.cli import EXIT_FINDINGS, EXIT_OK, UsageError
    from tuicoach.coach import Coach

    if args.jsonl and args.text is not None:
        raise UsageError("give either a TEXT to score or --jsonl to read many, not both")
    if not args.jsonl and args.text is None:
        raise UsageError('nothing to score: try `tuicoach score "Your draft"`, or --jsonl')
    if args.input is not None and not args.jsonl:
        raise UsageError("--input goes with --jsonl (a single draft is given as TEXT)")
    now = args.now or datetime.now(UTC)
    coach = Coach(config(args).coach, _read_history(args.history) if args.history else ())

    if args.jsonl:
        if args.input is None:
            return _score_lines(coach, sys.stdin.buffer, now)
        with _open_bytes("--input", args.input) as lines:
            return _score_lines(coach, lines, now)

    report = coach.report(args.text, now=now)
    if args.json:
        print(_dumps(report.to_json()))
    else:
        sys.stdout.write(render(report, colour=_wants_colour(sys.stdout)))
    return EXIT_FINDINGS if report.has_errors else EXIT_OK


def _dumps(value: object) -> str:
    """JSON as UTF-8 text; a lone surrogate (from a draft, quoted back in a finding) is
    written as its ``\\udxxx`` escape instead of stopping the output."""
    text = json.dumps(value, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value)
    return text


def _score_lines(coach: Coach, lines: Iterable[bytes | str], now: datetime) -> int:
    """One result per input line, in order; a bad line is reported in its place."""
    from tuicoach.cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
    from tuicoach.domain.xapi import LineError, json_line

    bad = errors = False
    for number, raw in enumerate(lines, start=1):
        result: dict[str, Any]
        problem: str | None = None
        item: Any = None
        if isinstance(raw, bytes):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                line, problem = "", f"not UTF-8 text (byte {raw[exc.start]:#04x} at {exc.start})"
        else:
            line = raw
        if problem is None and not line.strip():
            continue
        if problem is None:
            try:
                item = json_line(number, line.rstrip("\r\n"))  # the line ending is not part of it
            except LineError as exc:
                problem = exc.problem
            else:
                problem = _check_item(item)
        if problem is not None:
            bad = True
            result = {"line": number, "error": problem}
        else:
            try:
                report = coach.report(item["text"], now=now)
            except (RecursionError, ValueError) as exc:
                bad = True
                result = {"line": number, "error": f"could not be scored: {exc}"}
            else:
                errors = errors or report.has_errors
                result = {"id": item.get("id"), **report.to_json()}
        print(_dumps(result), flush=True)
    if bad:
        print("tuicoach: some lines could not be scored; see their errors", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_FINDINGS if errors else EXIT_OK


def _check_item(item: object) -> str | None:
    if not isinstance(item, dict):
        return 'expected a JSON object such as {"id": 1, "text": "Your draft"}'
    if "text" not in item:
        return 'no "text": expected {"id": ..., "text": "Your draft"}'
    if not isinstance(item["text"], str):
        return f'"text" must be a string, got {type(item["text"]).__name__}'
    return None


def _open(option: str, name: str) -> TextIO:
    from tuicoach.cli import UsageError

    path = Path(name)
    try:
        return path.open(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{option}: {path}: no such file") from None
    except OSError as exc:
        raise UsageError(f"{option}: {path}: cannot read it ({exc.strerror or exc})") from None


def _open_bytes(option: str, name: str) -> BinaryIO:
    from tuicoach.cli import UsageError

    path = Path(name)
    if path.is_dir():
        raise UsageError(f"{option}: {path}: is a folder, not a file")
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise UsageError(f"{option}: {path}: no such file") from None
    except OSError as exc:
        raise UsageError(f"{option}: {path}: cannot read it ({exc.strerror or exc})") from None


def _read_history(name: str) -> list[Any]:
    from tuicoach.cli import UsageError
    from tuicoach.domain.xapi import LineError, tweets_from_lines

    with _open("--history", name) as lines:
        try:
            return tweets_from_lines(lines)
        except LineError as exc:
            raise UsageError(f"--history: {name}: {exc}") from None
        except UnicodeDecodeError:
            raise UsageError(f"--history: {name}: not UTF-8 text") from None


# --- the readable report ------------------------------------------------------

_COLOURS = {"error": "31", "warning": "33", "tip": "36", "good": "32"}


def _wants_colour(stream: TextIO) -> bool:
    return stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def render(report: Report, *, colour: bool = False, width: int | None = None) -> str:
    """The report as plain text: a summary line, then each finding with its excerpt."""

    def paint(text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if colour else text

    if width is None and colour:
        width = min(shutil.get_terminal_size().columns, 100)

    def wrap(text: str, indent: str) -> list[str]:
        if width is None:
            return [indent + text]
        return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent)

    summary = [
        f"Score {report.score}/100",
        f"weighted length {report.weighted_length}/280",
        "promotional" if report.promotional else "not promotional",
    ]
    if not report.valid:
        summary.append("X would not accept it")
    lines = [", ".join(summary)]
    if not report.findings:
        lines.append("Nothing to flag.")
    for finding in report.findings:
        lines.append("")
        head = f"{finding.severity.value:<8} {finding.rule}"
        lines.append(paint(head, _COLOURS[finding.severity.value]) + _where(report, finding))
        lines += wrap(finding.message, "  ")
        lines += wrap("Try: " + finding.suggestion, "  ")
        if finding.related is not None:
            earlier = finding.related.to_json()
            lines += wrap(
                f"Earlier tweet {earlier['id']} ({earlier['created_at']}): "
                + json.dumps(earlier["text"], ensure_ascii=False),
                "  ",
            )
    return "\n".join(lines) + "\n"


def _where(report: Report, finding: Finding) -> str:
    if finding.start is None or finding.end is None:
        return ""
    excerpt = report.text[finding.start : finding.end]
    if len(excerpt) > 60:
        excerpt = excerpt[:29] + "…" + excerpt[-29:]
    return f" at {finding.start}-{finding.end}: {json.dumps(excerpt, ensure_ascii=False)}"
