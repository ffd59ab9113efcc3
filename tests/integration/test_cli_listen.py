"""`tuicoach listen` as a person runs it: real subprocesses against the fake X API."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from conftest import run_tuicoach
from fake_x_api import World
from x_helpers import env_of


def environment(world: World, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TUICOACH_", "PYTHON_KEY"))}
    return env | {
        "TUICOACH_DATA_DIR": str(tmp_path / "data"),
        "TUICOACH_CONFIG": str(tmp_path / "config.toml"),
        "TUICOACH_X_API_BASE": world.fake.url,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        **env_of(world),
        **extra,
    }


def tuicoach(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_tuicoach("listen", *args, env=env)


def test_add_run_json_edit_remove(world: World, tmp_path: Path) -> None:
    env = environment(world, tmp_path)
    world.fake.add_tweet(world.strangers[0], "acme bakery left me waiting 40 minutes")
    world.fake.add_tweet(world.strangers[1], "@acme_bakery acme bakery is great")  # a mention
    empty = tuicoach(env)
    assert empty.returncode == 0 and "No saved searches yet" in empty.stdout

    added = tuicoach(env, "--add", "shop", "acme bakery, #acmebakery", "--lang", "en")
    assert added.returncode == 0, added.stderr
    assert 'shop: ("acme bakery" OR #acmebakery) -@acme_bakery -from:acme_bakery lang:en' in (
        added.stdout
    )
    assert "shop: about 1 post a week, $0.002 a day" in added.stdout  # one post in 7 days
    assert "first page" in added.stdout
    again = tuicoach(env, "--add", "shop", "acme")
    assert again.returncode == 2 and "already called 'shop'" in again.stderr

    first = tuicoach(env)
    assert first.returncode == 0, first.stderr
    assert "shop: 1 new, 0 posts and 0 users read" in first.stdout  # read free by the estimate
    assert "@customer_0: acme bakery left me waiting 40 minutes" in first.stdout
    assert "https://x.com/i/web/status/" in first.stdout
    assert "Listening today:" in first.stdout

    new = world.fake.add_tweet(world.strangers[1], "is acme bakery open late on Fridays?")
    lines = tuicoach(env, "--json")
    assert lines.returncode == 0, lines.stderr
    (obj,) = [json.loads(line) for line in lines.stdout.splitlines()]
    assert obj["id"] == new["id"] and obj["search"] == "shop" and obj["author"] == "customer_1"
    assert obj["state"] == "open"

    edited = tuicoach(env, "--edit", "shop", "acme")
    assert edited.returncode == 0 and "starts again" in edited.stdout
    listed = tuicoach(env, "--list")  # the terms changed; its lang stayed
    assert listed.stdout.strip() == "shop: acme -@acme_bakery -from:acme_bakery lang:en"
    edited = tuicoach(env, "--edit", "shop", "acme", "--lang", "", "--exclude", "flowers")
    assert edited.returncode == 0, edited.stderr
    listed = tuicoach(env, "--list")
    assert listed.stdout.strip() == "shop: acme -@acme_bakery -from:acme_bakery -flowers"
    assert tuicoach(env, "--remove", "shop").returncode == 0
    missing = tuicoach(env, "--remove", "shop")
    assert missing.returncode == 2 and "no saved search is called 'shop'" in missing.stderr


def test_a_query_x_would_reject_is_refused_before_sending(world: World, tmp_path: Path) -> None:
    env = environment(world, tmp_path)
    done = tuicoach(env, "--add", "media", "has:media")
    assert done.returncode == 2
    assert "saved search 'media'" in done.stderr and "works only beside a keyword" in done.stderr
    assert world.fake.requests("search_recent") == []


def test_usage_shows_search_reads_and_reconciles(world: World, tmp_path: Path) -> None:
    world.fake.add_tweet(world.strangers[0], "acme bakery rye sold out")
    env = environment(world, tmp_path)
    assert tuicoach(env, "--add", "shop", "acme bakery").returncode == 0
    usage = run_tuicoach("usage", env=env)
    assert usage.returncode == 0, usage.stderr
    assert "(searches: 1 posts, 1 users)" in usage.stdout
    no_bearer = run_tuicoach("usage", "--reconcile", env=env)
    assert no_bearer.returncode == 3 and "TUICOACH_X_BEARER_TOKEN" in no_bearer.stderr
    world.fake.bearer_tokens.add("app-bearer")
    env["TUICOACH_X_BEARER_TOKEN"] = "app-bearer"
    done = run_tuicoach("usage", "--reconcile", "--days", "2", "--json", env=env)
    assert done.returncode == 0, done.stderr
    today = json.loads(done.stdout)[0]
    assert today["tuicoach"] == today["x"] == world.fake.billed_reads("post")
    # Another app of the same X project read three posts today: X counts them, tuicoach not.
    day = next(iter(world.fake.billed))[0]
    world.fake.billed.update((day, "post", f"other-{n}") for n in range(3))
    differ = run_tuicoach("usage", "--reconcile", "--days", "1", env=env)
    assert differ.returncode == 0, differ.stderr
    row = differ.stdout.splitlines()[1].split()
    assert row == [day, str(today["tuicoach"]), str(today["x"] + 3), "+3"]
    assert "other apps or accounts show as a positive difference" in differ.stdout


def test_a_search_in_the_config_is_edited_and_removed_in_the_config(
    world: World, tmp_path: Path
) -> None:
    env = environment(world, tmp_path)
    config = Path(env["TUICOACH_CONFIG"])
    config.write_text('[[listen]]\nname = "cfg"\nterms = ["acme"]\n')
    assert tuicoach(env).returncode == 0  # run once: stored, with its cursor
    config.write_text('[[listen]]\nname = "cfg"\nterms = ["acme", "rye"]\nlang = "en"\n')
    listed = tuicoach(env, "--list")
    assert listed.stdout.strip() == "cfg: (acme OR rye) -@acme_bakery -from:acme_bakery lang:en"
    refused = tuicoach(env, "--edit", "cfg", "acme")
    assert refused.returncode == 2
    assert "'cfg' is a [[listen]] table in the config file; change or remove it there" in (
        refused.stderr
    )
    assert tuicoach(env, "--remove", "CFG").returncode == 2
    config.write_text("")
    assert tuicoach(env, "--list").stdout == ""


def test_a_spent_budget_is_said_once_and_each_search_says_it_was_not_polled(
    world: World, tmp_path: Path
) -> None:
    env = environment(world, tmp_path)
    Path(env["TUICOACH_CONFIG"]).write_text(
        '[listen]\ndaily_budget = 0.0\n\n[[listen.search]]\nname = "shop"\nterms = ["acme"]\n'
        '\n[[listen.search]]\nname = "rye"\nterms = ["rye"]\n'
    )
    done = tuicoach(env)
    assert done.returncode == 0, done.stderr
    assert "shop: not polled, the daily budget is spent" in done.stdout
    assert "rye: not polled, the daily budget is spent" in done.stdout
    assert done.stderr.count("listening stopped for today") == 1
    assert "raise [listen] daily_budget" in done.stderr
    assert world.fake.requests("search_recent") == []
    as_json = tuicoach(env, "--json")
    assert as_json.stdout == "" and as_json.stderr.count("listening stopped for today") == 1


def test_more_new_than_the_pages_hold_is_said(world: World, tmp_path: Path) -> None:
    env = environment(world, tmp_path)
    Path(env["TUICOACH_CONFIG"]).write_text(
        '[listen]\npages = 1\n\n[[listen.search]]\nname = "shop"\nterms = ["acme"]\n'
    )
    for i in range(12):
        world.fake.add_tweet(world.strangers[i % 2], f"acme rye {i}")
    done = tuicoach(env)
    assert done.returncode == 0, done.stderr
    assert "shop: 10 new" in done.stdout
    assert "catching up: a burst held more than 1 page of 10" in done.stderr
    as_json = tuicoach(env, "--json")  # the next poll reads the two older ones: caught up
    assert [json.loads(line)["text"] for line in as_json.stdout.splitlines()] == [
        "acme rye 1",
        "acme rye 0",
    ]
    assert as_json.stderr == ""
