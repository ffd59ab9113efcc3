"""How many posts X bills per new opportunity when listening polls in a steady state.

Runs the X backend's listening (``Listener``) against the fake X API
(tests/fake_x_api.py) on 127.0.0.1 with a shared simulated clock: every 10
minutes a few posts arrive (strangers naming the shop without tagging it, some
matched by both saved searches, posts that @mention the shop, the shop's own
posts, noise) and every saved search polls once with ``since_id``. X bills a
post once per UTC day, and an empty answer is free. Prints, as JSON, the posts
billed per new opportunity in the steady state (after the first, catching-up
poll), the users billed, requests, empty polls, listening's dollars, and the
CPU seconds the whole run took (this process and the fake, which share it).

``--burst N`` (default 3 x pages x max_results = 150) adds N posts about the
shop at once, at noon of the first day: more than a poll's pages hold, so the
polls after it catch up through the search's backlog (``since_id``/``until_id``).
``missed`` counts posts about the shop that never became opportunities (0 when
nothing is lost); ``catching_up_polls`` the polls that ended with a backlog left.

    PYTHONPATH=. python benchmarks/listen_reads.py [--days 3] [--rounds 48] [--seed 7]
        [--burst 150]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from fake_x_api import FakeX, make_world  # noqa: E402

from tuicoach.backends.x.backend import XBackend  # noqa: E402
from tuicoach.backends.x.cost import DEFAULT_PRICE_TABLE, prices_on, usage_days  # noqa: E402
from tuicoach.backends.x.credentials import Credentials  # noqa: E402
from tuicoach.backends.x.settings import XSettings  # noqa: E402
from tuicoach.domain.listen import ListenSettings, SavedSearch  # noqa: E402
from tuicoach.store import Store  # noqa: E402

SEARCHES = (
    SavedSearch("shop", ("acme bakery", "acmebakery", "#acmebakery")),
    SavedSearch("loaves", ("acme rye", "night loaf")),
)
ABOUT = (
    "acme bakery was out of croissants again at {n}",  # shop
    "is acme bakery open late on Fridays? ({n})",  # shop
    "the acme rye from acme bakery is the best loaf in town {n}",  # both searches
    "tried the night loaf, {n}/10",  # loaves
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=48, help="polls per day, 10 minutes apart")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--burst", type=int, default=3 * 5 * 10, help="posts at once; 0: none")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    cpu0 = time.process_time()

    now = [datetime(2026, 5, 4, 8, 0, tzinfo=UTC)]
    with FakeX(clock=lambda: now[0].timestamp()) as fake, tempfile.TemporaryDirectory() as tmp:
        world = make_world(fake, friends=4, strangers=30)
        people = world.strangers + world.friends
        about: set[str] = set()  # every post an opportunity should come of
        for i in range(40):  # last week's talk, caught up by the first poll
            who = people[i % len(people)]
            about.add(fake.add_tweet(who, ABOUT[i % len(ABOUT)].format(n=f"old {i}"))["id"])
        store = Store.open(Path(tmp) / "acme.sqlite3")
        backend = XBackend.open(
            store,
            Credentials(*world.secrets),
            username="acme_bakery",
            settings=XSettings(api_base=fake.url, timeout=5),
            clock=lambda: now[0],
            sleep=lambda s: None,
        )
        settings = ListenSettings(daily_budget=5.0, max_results=10, pages=5, searches=SEARCHES)
        listener = backend.listener(settings)
        first = listener.run()
        billed0, users0 = fake.billed_reads("post"), fake.billed_reads("user")
        requests0 = len(fake.requests("search_recent"))
        new = polls = empty = catching_up = 0
        for day in range(args.days):
            now[0] = datetime(2026, 5, 5 + day, 8, 0, tzinfo=UTC)
            for r in range(args.rounds):
                now[0] += timedelta(minutes=10)
                n = day * args.rounds + r
                for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
                    who = people[rng.randrange(len(people))]
                    about.add(fake.add_tweet(who, rng.choice(ABOUT).format(n=n))["id"])
                if day == 0 and r == args.rounds // 2:  # a burst: more than a poll holds
                    for b in range(args.burst):
                        text = ABOUT[b % 2].format(n=f"burst {b}")  # the shop's search
                        about.add(fake.add_tweet(people[b % len(people)], text)["id"])
                if n % 5 == 0:  # addressed to the shop: a mention, not an opportunity
                    fake.add_tweet(world.strangers[n % 30], f"@acme_bakery acme bakery {n}?")
                if n % 7 == 0:  # the shop's own post, and noise
                    fake.add_tweet(world.me, f"acme bakery: batch {n} of acme rye is out")
                    fake.add_tweet(world.friends[0], f"a bakery across town, {n}")
                report = listener.run()
                assert report.stopped is None, report.stopped
                new += report.new
                polls += len(report.runs)
                empty += sum(1 for run in report.runs if not run.new and run.post_reads == 0)
                catching_up += sum(1 for run in report.runs if run.catching_up)
        filed = {f.tweet.id for f in listener.listen.opportunities(now=now[0], closed=True)}
        billed = fake.billed_reads("post") - billed0
        users = fake.billed_reads("user") - users0
        days = usage_days(store, now[0].date() - timedelta(days=args.days - 1), now[0].date())
        dollars = 0.0
        for d in days:
            prices = prices_on(d.day, DEFAULT_PRICE_TABLE)
            assert prices is not None
            dollars += (
                d.search_post_reads * prices.post_read + d.search_user_reads * prices.user_read
            )
        print(
            json.dumps(
                {
                    "days": args.days,
                    "polls": polls,
                    "first_poll_new": first.new,
                    "new_opportunities": new,
                    "billed_post_reads": billed,
                    "billed_post_reads_per_new_opportunity": round(billed / max(1, new), 3),
                    "billed_user_reads": users,
                    "search_requests": len(fake.requests("search_recent")) - requests0,
                    "empty_polls": empty,
                    "burst": args.burst,
                    "catching_up_polls": catching_up,
                    "missed": len(about - filed),
                    "listening_dollars_steady_state": round(dollars, 3),
                    "cpu_seconds": round(time.process_time() - cpu0, 2),
                }
            )
        )
        backend.close()
        store.close()


if __name__ == "__main__":
    main()
