"""`tuicoach post` when X's answer is unreadable, and `tuicoach outbox`, as a person runs them."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from conftest import run_tuicoach
from fake_x_api import FakeX, World
from test_x_cli import environment

from tuicoach.paths import account_db
from tuicoach.store import Store

UNCONFIRMED = 4


@pytest.fixture
def fake(fake: FakeX) -> FakeX:
    fake.reject_duplicates = False
    return fake


def env_for(world: World, tmp_path: Path, margin: float = 30.0) -> dict[str, str]:
    env = environment(world, tmp_path)
    (tmp_path / "config.toml").write_text("[x]\ntimeout = 0.5\nretries = 1\n", encoding="utf-8")
    return env | {"TUICOACH_X_SETTLE_MARGIN": str(margin)}


def mine(world: World, text: str) -> int:
    return sum(1 for t in world.fake.tweets_by(world.me) if t["text"] == text)


def test_post_says_unconfirmed_with_its_own_status_and_how_to_check(
    world: World, tmp_path: Path
) -> None:
    env = env_for(world, tmp_path)
    world.fake.mangle("create_tweet", how="cut")
    world.fake.own_lag = 3600.0  # X's list does not show it until the test says so
    done = run_tuicoach("post", "Lemon tart today", env=env)
    assert done.returncode == UNCONFIRMED, done.stderr
    assert "unconfirmed" in done.stderr and "not sent" not in done.stderr
    assert "tuicoach outbox resolve" in done.stderr
    assert "Traceback" not in done.stderr

    again = run_tuicoach("post", "Lemon tart today", env=env)  # the user tries again at once
    assert again.returncode == UNCONFIRMED, again.stderr
    assert len(world.fake.requests("create_tweet")) == 1

    listed = run_tuicoach("outbox", "--json", env=env)
    assert listed.returncode == UNCONFIRMED
    (record,) = [json.loads(line) for line in listed.stdout.splitlines()]
    assert record["state"] == "unconfirmed" and record["text"] == "Lemon tart today"
    assert record["draft_id"] is not None

    db = account_db(tmp_path / "data", "acme_bakery")  # the file `post` wrote
    with Store.open(db) as store:
        assert [d.text for d in store.drafts()] == ["Lemon tart today"]  # kept while unconfirmed

    world.fake.own_lag = 0.0  # the lag passes: X's list now shows it
    resolved = run_tuicoach("outbox", "resolve", env=env)
    assert resolved.returncode == 0, resolved.stderr
    assert "#1 sent: https://x.com/acme_bakery/status/" in resolved.stdout
    assert mine(world, "Lemon tart today") == 1
    with Store.open(db) as store:
        assert store.drafts() == []  # the draft tied to it is cleared

    third = run_tuicoach("post", "Lemon tart today", env=env)
    assert third.returncode == 0 and "already posted" in third.stderr
    assert len(world.fake.requests("create_tweet")) == 1


def test_resolve_sends_again_only_after_the_window(world: World, tmp_path: Path) -> None:
    env = env_for(world, tmp_path, margin=6.0)  # room for two process starts on a busy box
    world.fake.drop("create_tweet")  # dropped before X did anything
    assert run_tuicoach("post", "Seed loaf", env=env).returncode == UNCONFIRMED
    early = run_tuicoach("outbox", "resolve", env=env)
    assert early.returncode == UNCONFIRMED and "#1 unconfirmed" in early.stdout
    assert mine(world, "Seed loaf") == 0 and len(world.fake.requests("create_tweet")) == 1
    time.sleep(6.6)  # past timeout 0.5 + margin 6 since the try
    late = run_tuicoach("outbox", "resolve", env=env)
    assert late.returncode == 0, late.stderr
    assert "#1 posted" in late.stdout
    assert mine(world, "Seed loaf") == 1


def test_outbox_lists_states_in_words(world: World, tmp_path: Path) -> None:
    env = env_for(world, tmp_path)
    assert run_tuicoach("post", "Scones", env=env).returncode == 0
    listed = run_tuicoach("outbox", env=env)
    assert listed.returncode == 0
    assert "#1" in listed.stdout and "sent " in listed.stdout and "Scones" in listed.stdout


@pytest.fixture
def on_small_disk(world: World, tmp_path: Path, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """A real small file system for the data folder: 640k unless the test asks for a size
    (a fresh store takes about 450k with its WAL while its schema is made)."""
    from test_store_safety import small_disk

    size = getattr(request, "param", "640k")
    mounted = small_disk(tmp_path / "disk", size)
    data = next(mounted)
    yield env_for(world, tmp_path) | {"TUICOACH_DATA_DIR": str(data)}, data
    next(mounted, None)


def test_a_full_disk_during_post_is_named_and_nothing_goes_out(
    world: World, on_small_disk: tuple[dict[str, str], Path]
) -> None:
    from test_store_safety import fill

    env, data = on_small_disk
    assert run_tuicoach("sync", env=env).returncode == 0
    fill(data)
    done = run_tuicoach("post", "Brioche at 10", env=env)
    assert done.returncode == 3, done.stderr
    assert "disk is full" in done.stderr and "nothing was lost" in done.stderr
    assert "Traceback" not in done.stderr
    assert len(world.fake.requests("create_tweet")) == 0  # no record, no byte to X


@pytest.mark.parametrize("on_small_disk", ["480k"], indirect=True)  # the store, barely
def test_a_disk_filling_during_sync_is_named(
    world: World, on_small_disk: tuple[dict[str, str], Path]
) -> None:
    env, _ = on_small_disk
    for n in range(200):
        world.fake.add_tweet(world.friends[0], f"{n} " + "long bread story " * 15)
    done = run_tuicoach("sync", env=env)
    assert done.returncode == 3, done.stdout + done.stderr
    assert "disk is full" in done.stderr and "nothing was lost" in done.stderr
    assert "Traceback" not in done.stderr
