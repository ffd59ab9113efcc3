"""How many posts X bills per new tweet, in steady state: a simulated business day or week.

Runs the X backend against the fake X API (tests/fake_x_api.py) on 127.0.0.1
with a shared simulated clock: every 10 minutes a few tweets arrive (friends'
posts, customers' questions, replies to our tweets, our own posts) and the
backend syncs. Prints, as JSON, the posts billed per new tweet (X's rule:
each item once per UTC day) and the posts served per new tweet (raw, as the
responses carry them, expansions included).

    python benchmarks/x_reads.py [--days 3] [--rounds 48]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from fake_x_api import FakeX, make_world  # noqa: E402

from tuicoach.backends.x.backend import XBackend  # noqa: E402
from tuicoach.backends.x.credentials import Credentials  # noqa: E402
from tuicoach.backends.x.settings import XSettings  # noqa: E402
from tuicoach.store import Store  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=48, help="syncs per day, 10 minutes apart")
    args = parser.parse_args()

    now = [datetime(2026, 3, 2, 8, 0, tzinfo=UTC)]
    clock = lambda: now[0]  # noqa: E731
    with FakeX(clock=lambda: now[0].timestamp()) as fake, tempfile.TemporaryDirectory() as tmp:
        world = make_world(fake, friends=8, strangers=20)
        for i in range(60):  # history before the first sync
            fake.add_tweet(world.friends[i % 8], f"Earlier news {i}")
            fake.add_tweet(world.me, f"Earlier bake {i}")
        store = Store.open(Path(tmp) / "acme.sqlite3")
        backend = XBackend.open(
            store,
            Credentials(*world.secrets),
            username="acme_bakery",
            settings=XSettings(api_base=fake.url, timeout=5),
            clock=clock,
            sleep=lambda s: None,
        )
        backend.sync()
        ours = fake.tweets_by(world.me)
        billed0, served0 = fake.billed_reads("post"), fake.posts_served
        new = 0
        for day in range(args.days):
            now[0] = datetime(2026, 3, 3 + day, 8, 0, tzinfo=UTC)
            for r in range(args.rounds):
                now[0] += timedelta(minutes=10)
                n = day * args.rounds + r
                customer = world.strangers[n % 20]
                fake.add_tweet(world.friends[n % 8], f"Market news {n}")
                fake.add_tweet(customer, f"@acme_bakery open at {n}?")
                fake.add_tweet(customer, "@acme_bakery thank you!", reply_to=ours[n % len(ours)])
                ours.append(fake.add_tweet(world.me, f"Batch {n} is out"))
                new += 4
                backend.sync()
        billed = fake.billed_reads("post") - billed0
        served = fake.posts_served - served0
        print(
            json.dumps(
                {
                    "days": args.days,
                    "syncs": args.days * args.rounds,
                    "new_tweets": new,
                    "billed_post_reads": billed,
                    "billed_per_new_tweet": round(billed / new, 3),
                    "served_per_new_tweet": round(served / new, 3),
                    "requests": len(fake.requests()),
                }
            )
        )
        backend.close()
        store.close()


if __name__ == "__main__":
    main()
