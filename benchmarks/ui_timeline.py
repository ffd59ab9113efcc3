"""How the Timeline list behaves with 10,000 tweets, next to an OptionList of the same.

    PYTHONPATH=. python benchmarks/ui_timeline.py [--tweets 10000] [--json]

Drives a real app with the Pilot at 160x45 and prints milliseconds: loading the
rows, one cursor step (j), one page (pagedown), a jump to the end (G), each
including the repaint. The OptionList column is the same work on Textual's
OptionList, which is what the issue warns against.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from datetime import UTC, datetime, timedelta

from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widgets import OptionList

from tuicoach.domain.models import Metrics, Tweet, User
from tuicoach.ui.themes import variable_defaults
from tuicoach.ui.widgets.tweet_list import Row, TweetList

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
WORDS = (
    "fresh",
    "roast",
    "single",
    "origin",
    "pour-over",
    "espresso",
    "grinder",
    "cold",
    "brew",
    "tasting",
    "notes",
    "cherry",
    "chocolate",
    "caramel",
    "kettle",
    "scale",
    "filter",
    "bloom",
    "crema",
    "latte",
    "order",
    "shipping",
    "thanks",
    "question",
)


def rows(count: int) -> list[Row]:
    users = [User(id=str(i), username=f"person{i}", name=f"Person {i}") for i in range(50)]
    out = []
    for i in range(count):
        words = [WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(8 + i % 30)]
        tweet = Tweet(
            id=str(10**6 + i),
            text=" ".join(words).capitalize() + ".",
            created_at=NOW - timedelta(minutes=3 * i),
            author_id=str(i % 50),
            metrics=Metrics(replies=i % 7, likes=i % 300),
        )
        out.append(Row(tweet, users[i % 50]))
    return out


class ListApp(App[None]):
    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return variable_defaults(self.current_theme)

    def compose(self) -> ComposeResult:
        if self.kind == "tweetlist":
            yield TweetList(id="list", clock=lambda: NOW)
        else:
            yield OptionList(id="list")


async def measure(kind: str, data: list[Row], steps: int) -> dict[str, float]:
    app = ListApp(kind)
    async with app.run_test(size=(160, 45)) as pilot:
        widget = app.query_one("#list")
        widget.focus()
        await pilot.pause()
        started = time.perf_counter()
        if isinstance(widget, TweetList):
            widget.set_rows(data)
        else:
            assert isinstance(widget, OptionList)
            widget.add_options([f"@{r.handle} · {r.tweet.text}" for r in data])
            widget.highlighted = 0
        await pilot.pause()
        load = (time.perf_counter() - started) * 1000

        # The work of one frame after a key: the action, then every visible line
        # rendered (the compositor's call), timed without the Pilot's own waits.
        region = Region(0, 0, widget.scrollable_content_region.width, widget.size.height)

        def frame(action: str, count: int) -> float:
            times = []
            for _ in range(count):
                t0 = time.perf_counter()
                getattr(widget, f"action_{action}")()
                widget.render_lines(region)
                times.append((time.perf_counter() - t0) * 1000)
            return statistics.median(times)

        down = frame("cursor_down", steps)
        page = frame("page_down", steps // 2)
        end = frame("last", 1)
        # And the same through real key presses (Pilot's pause included: an upper bound).
        t0 = time.perf_counter()
        for _ in range(20):
            await pilot.press("up")
        await pilot.pause()
        keys = (time.perf_counter() - t0) * 1000 / 20
    return {"load_ms": load, "step_ms": down, "page_ms": page, "end_ms": end, "key_ms": keys}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tweets", type=int, default=10_000)
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    data = rows(args.tweets)
    results = {
        "tweets": args.tweets,
        "tweetlist": asyncio.run(measure("tweetlist", data, args.steps)),
        "optionlist": asyncio.run(measure("optionlist", data, args.steps)),
    }
    if args.json:
        print(json.dumps(results))
        return
    print(f"{args.tweets} tweets at 160x45. load: rows in and first paint; then the median")
    print("work of one frame (action + render every visible line) for a step, a page, the end;")
    print("key: 20 real key presses through the Pilot, per key (includes the Pilot's waits)")
    print(f"{'ms':12}{'load':>10}{'step':>10}{'page':>10}{'end':>10}{'key':>10}")
    for kind in ("tweetlist", "optionlist"):
        r = results[kind]
        print(
            f"{kind:12}{r['load_ms']:>10.1f}{r['step_ms']:>10.2f}"
            f"{r['page_ms']:>10.2f}{r['end_ms']:>10.2f}{r['key_ms']:>10.1f}"
        )


if __name__ == "__main__":
    main()
