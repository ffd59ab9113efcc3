"""`tuicoach sync`, `post`, `usage` as a person runs them, signed in through the environment.

Real subprocesses against the fake API. The keyring is the "fail" backend
throughout: environment credentials must need none.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import run_tuicoach
from fake_x_api import World
from x_helpers import env_of


@pytest.fixture
def world(world: World) -> World:
    world.fake.add_tweet(world.friends[0], "Good morning, bakers")
    world.fake.add_tweet(world.strangers[0], "@acme_bakery do you have rye today?")
    world.fake.add_tweet(world.me, "Rye and spelt on the shelves from 8")
    return world


def environment(world: World, tmp_path: Path, *, signed_in: bool = True) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TUICOACH_", "PYTHON_KEY"))}
    env |= {
        "TUICOACH_DATA_DIR": str(tmp_path / "data"),
        "TUICOACH_CONFIG": str(tmp_path / "config.toml"),
        "TUICOACH_X_API_BASE": world.fake.url,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    if signed_in:
        env |= env_of(world)
    return env


def tuicoach(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_tuicoach(*args, env=env)


def test_sync_fetches_once_and_says_what_it_read(world: World, tmp_path: Path) -> None:
    env = environment(world, tmp_path)
    first = tuicoach(env, "sync", "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["account"] == "acme_bakery"
    assert {name: s["new"] for name, s in report["streams"].items()} == {
        "mentions": 1,
        "home": 2,
        "own": 1,
    }
    assert report["post_reads"] == world.fake.billed_reads("post") == 3
    # Less one: before syncing, the first run asked X whose the credentials are (`usage` has it).
    assert report["user_reads"] == world.fake.billed_reads("user") - 1
    assert report["cost_usd"] == pytest.approx(3 * 0.005 + report["user_reads"] * 0.010)

    requests = len(world.fake.requests())
    again = tuicoach(env, "sync")
    assert again.returncode == 0, again.stderr
    assert "X's limits allow the next fetch in" in again.stdout
    # Too soon: the home timeline (one request per 5 s) and mentions (3 s) are not asked
    # again. Own tweets may be: X allows one a second, and a loaded machine starts the
    # second run more than a second after the first.
    asked = {s.route for s in world.fake.requests()[requests:]}
    assert asked <= {"user_tweets"}, asked


def test_sync_prints_per_stream(world: World, tmp_path: Path) -> None:
    done = tuicoach(environment(world, tmp_path), "sync")
    assert done.returncode == 0, done.stderr
    assert "@acme_bakery" in done.stdout
    assert "mentions: 1 new (first sync), 1 request" in done.stdout
    assert "Reads billed: 3 posts" in done.stdout


def test_sync_failures_say_what_and_exit_non_zero(world: World, tmp_path: Path) -> None:
    world.fake.fail("mentions", 401)
    done = tuicoach(environment(world, tmp_path), "sync")
    assert done.returncode == 3
    assert "X rejected the credentials" in done.stderr
    assert "check the four TUICOACH_X_* variables" in done.stderr  # not `tuicoach login`
    assert "tuicoach login" not in done.stderr


def test_sync_rate_limited_keeps_the_rest(world: World, tmp_path: Path) -> None:
    reset = int(time.time()) + 900
    world.fake.rate_limit("mentions", reset=reset)
    done = tuicoach(environment(world, tmp_path), "sync")
    assert done.returncode == 3
    hhmm = datetime.fromtimestamp(reset, UTC).astimezone().strftime("%H:%M")
    assert f"rate limited until {hhmm}" in done.stderr
    assert "the home timeline: 2 new" in done.stdout


def test_not_signed_in(world: World, tmp_path: Path) -> None:
    done = tuicoach(environment(world, tmp_path, signed_in=False), "sync")
    assert done.returncode == 2  # like owed: nobody signed in is the user's to fix
    assert "no X account is signed in" in done.stderr
    assert "tuicoach login" in done.stderr


def test_post_and_reply(world: World, tmp_path: Path) -> None:
    env = environment(world, tmp_path)
    assert tuicoach(env, "sync").returncode == 0
    posted = tuicoach(env, "post", "Cinnamon buns are out of the oven")
    assert posted.returncode == 0, posted.stderr
    tweet = world.fake.tweets_by(world.me)[-1]
    assert tweet["text"] == "Cinnamon buns are out of the oven"
    assert posted.stdout.strip() == f"Posted: https://x.com/acme_bakery/status/{tweet['id']}"

    question = next(t for t in world.fake.tweets.values() if "rye today" in t["text"])
    replied = tuicoach(env, "post", "@customer_0 Yes, until 4!", "--reply-to", question["id"])
    assert replied.returncode == 0, replied.stderr
    reply = world.fake.tweets_by(world.me)[-1]
    assert reply["referenced_tweets"] == [{"type": "replied_to", "id": question["id"]}]
    assert replied.stdout.startswith("Replied: ")


def test_an_error_finding_stops_the_post_unless_forced(world: World, tmp_path: Path) -> None:
    env = environment(world, tmp_path)
    world.fake.add_tweet(
        world.me,
        "Big sale today: 20% off all sourdough loaves! Order now at https://acme.example.com/shop",
        created_at=time.time() - 86400,
    )
    assert tuicoach(env, "sync").returncode == 0
    again = (
        "Big sale today: 20% off all sourdough loaves!! Order now at https://acme.example.com/shop"
    )
    stopped = tuicoach(env, "post", again)
    assert stopped.returncode == 1
    assert "near-duplicate" in stopped.stderr
    assert "--force" in stopped.stderr
    assert len(world.fake.tweets_by(world.me)) == 2

    forced = tuicoach(env, "post", again, "--force")
    assert forced.returncode == 0, forced.stderr
    assert "Note: X charges $0.200 for a post with a link" in forced.stderr
    assert len(world.fake.tweets_by(world.me)) == 3


def test_x_refusing_a_forced_post_is_named(world: World, tmp_path: Path) -> None:
    env = environment(world, tmp_path)
    long = "Our story: " + "we bake every loaf by hand. " * 12
    stopped = tuicoach(env, "post", long)
    assert stopped.returncode == 1 and "too-long" in stopped.stderr
    forced = tuicoach(env, "post", long, "--force")
    assert forced.returncode == 3
    assert "Posting is unavailable" in forced.stderr or "too long" in forced.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["post", "   "], "nothing to post"),
        (["post", "Hi", "--reply-to", "abc"], "a tweet id is a number"),
        (["usage", "--days", "0"], "--days 0"),
    ],
)
def test_bad_usage_is_exit_2(world: World, tmp_path: Path, args: list[str], words: str) -> None:
    done = tuicoach(environment(world, tmp_path), *args)
    assert done.returncode == 2
    assert words in done.stderr


def test_usage_counts_today(world: World, tmp_path: Path) -> None:
    env = environment(world, tmp_path)
    assert tuicoach(env, "sync").returncode == 0
    assert tuicoach(env, "post", "Market today: https://acme.example.com/m").returncode == 0
    done = tuicoach(env, "usage", "--json", "--days", "2")
    assert done.returncode == 0, done.stderr
    yesterday, today = json.loads(done.stdout)
    assert yesterday["post_reads"] == 0
    assert today["post_reads"] + today["owned_reads"] == world.fake.billed_reads("post")
    assert today["owned_reads"] >= 1  # the mention (the own tweet came in the home timeline first)
    assert today["user_reads"] == world.fake.billed_reads("user")
    assert (today["posts_created"], today["posts_created_url"]) == (0, 1)
    # Today is after 2026-04-20: owned reads at $0.001, the rest at $0.005.
    expected = (
        0.005 * today["post_reads"]
        + 0.001 * today["owned_reads"]
        + 0.010 * today["user_reads"]
        + 0.200
    )
    assert today["cost_usd"] == pytest.approx(expected)

    text = tuicoach(env, "usage")
    assert text.returncode == 0
    assert "1 posted (1 with a link)" in text.stdout
    assert f"${expected:,.3f}" in text.stdout
    # Reads by kind, each at its price today.
    owned = next(line for line in text.stdout.splitlines() if "owned reads" in line)
    assert f"{today['owned_reads']}" in owned and "$0.001 each" in owned
    assert today["by_kind"]["owned reads"]["unit_usd"] == 0.001
    assert today["by_kind"]["post reads"]["count"] == today["post_reads"]


def test_owed_reads_the_environments_account(world: World, tmp_path: Path) -> None:
    env = environment(world, tmp_path)
    assert tuicoach(env, "sync").returncode == 0
    done = tuicoach(env, "owed", "--json")
    assert done.returncode == 0, done.stderr
    assert [o["text"] for o in json.loads(done.stdout)] == ["@acme_bakery do you have rye today?"]


def test_post_warns_when_replies_are_owed_and_still_posts(world: World, tmp_path: Path) -> None:
    env = environment(world, tmp_path)
    world.fake.add_tweet(
        world.strangers[1], "@acme_bakery my order is late", created_at=time.time() - 3 * 3600
    )
    assert tuicoach(env, "sync").returncode == 0
    done = tuicoach(env, "post", "Our new menu is up")
    assert done.returncode == 0, done.stderr
    assert "warning: owed-replies-waiting" in done.stderr
    assert world.fake.tweets_by(world.me)[-1]["text"] == "Our new menu is up"
