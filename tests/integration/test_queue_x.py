"""The queue against the fake X API, as cron and the app would run it: real processes.

X's own duplicate check is switched off in the fake, so a post sent twice would
show as two tweets rather than being refused by the fake.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import REPO, run_tuicoach
from fake_x_api import World
from x_helpers import env_of

from tuicoach.cli import EXIT_UNCONFIRMED


def environment(world: World, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TUICOACH_", "PYTHON_KEY"))}
    return (
        env
        | env_of(world)
        | {
            "TUICOACH_DATA_DIR": str(tmp_path / "data"),
            "TUICOACH_CONFIG": str(tmp_path / "config.toml"),
            "TUICOACH_X_API_BASE": world.fake.url,
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            "TZ": "UTC",
        }
    )


def start(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tuicoach", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**env, "PYTHONPATH": str(REPO)},
    )


def queue_due(env: dict[str, str], texts: list[str]) -> None:
    due = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    for text in texts:
        done = run_tuicoach("queue", "add", text, "--at", due, env=env)
        assert done.returncode == 0, done.stderr


@pytest.fixture
def env(world: World, tmp_path: Path) -> dict[str, str]:
    world.fake.reject_duplicates = False
    environment_ = environment(world, tmp_path)
    synced = run_tuicoach("sync", env=environment_)  # the account's store exists from here
    assert synced.returncode == 0, synced.stderr
    return environment_


def own_texts(world: World) -> list[str]:
    return [t["text"] for t in world.fake.tweets_by(world.me)]


def test_two_runs_at_once_post_each_item_once(world: World, env: dict[str, str]) -> None:
    texts = [f"Fresh batch number {n} is out: what should we bake next?" for n in range(6)]
    queue_due(env, texts)
    runs = [start(env, "queue", "run") for _ in range(2)]
    outputs = [run.communicate(timeout=60) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    posted = own_texts(world)
    assert sorted(t for t in posted if t in texts) == sorted(texts)  # each once
    printed = [line for out, _ in outputs for line in out.splitlines() if line.startswith("Posted")]
    assert len(printed) == len(texts)
    listed = json.loads(run_tuicoach("queue", "list", "--json", env=env).stdout)
    assert listed == []  # nothing left waiting


def test_kill_9_mid_post_leaves_one_tweet(world: World, env: dict[str, str]) -> None:
    text = "Our rye starter turns ten today. What's the oldest thing in your kitchen?"
    queue_due(env, [text])
    world.fake.lose_response("create_tweet", how="stall")  # X makes it, the answer never comes
    run = start(env, "queue", "run")
    deadline = time.monotonic() + 30
    while text not in own_texts(world):
        assert time.monotonic() < deadline, "the post never reached the fake"
        assert run.poll() is None, run.communicate()
        time.sleep(0.05)
    os.kill(run.pid, signal.SIGKILL)
    run.communicate(timeout=10)
    world.fake.clear_faults()

    again = run_tuicoach("queue", "run", env=env)
    assert again.returncode == 0, again.stderr
    assert own_texts(world).count(text) == 1
    tweet = next(t for t in world.fake.tweets_by(world.me) if t["text"] == text)
    assert f"Posted 1: https://x.com/acme_bakery/status/{tweet['id']}" in again.stdout
    third = run_tuicoach("queue", "run", env=env)
    assert "Nothing due." in third.stdout
    assert own_texts(world).count(text) == 1


def test_offline_keeps_the_item_and_posts_it_once_later(world: World, env: dict[str, str]) -> None:
    text = "Sourdough class on Saturday has two seats left: who's in?"
    queue_due(env, [text])
    # A dropped answer may have reached X: the post is unconfirmed until a lookup made a
    # request timeout plus the settle margin later finds nothing (both made short here).
    Path(env["TUICOACH_CONFIG"]).write_text("[x]\ntimeout = 0.5\nretries = 1\n")
    env = env | {"TUICOACH_X_SETTLE_MARGIN": "0.5"}
    world.fake.drop("create_tweet", times=10)
    failed = run_tuicoach("queue", "run", env=env)
    assert failed.returncode == EXIT_UNCONFIRMED, failed.stderr
    assert "unconfirmed" in failed.stderr and "waits for the next run" in failed.stderr
    assert own_texts(world).count(text) == 0
    world.fake.clear_faults()
    time.sleep(1.5)  # past the request timeout and the settle margin
    # A later run (another process: the first claimant is gone) settles it through the outbox.
    later = run_tuicoach("queue", "run", env=env)
    assert later.returncode == 0, later.stderr
    assert own_texts(world).count(text) == 1
    assert run_tuicoach("queue", "run", env=env).stdout.strip() == "Nothing due."
    assert own_texts(world).count(text) == 1


def test_checkup_reads_the_profile_from_users_me(world: World, env: dict[str, str]) -> None:
    world.me["description"] = "Family bakery in Leeds: sourdough, rye and cakes. Ask us anything."
    world.me["url"] = "https://t.co/abc"
    world.me["entities"] = {
        "url": {"urls": [{"url": "https://t.co/abc", "expanded_url": "https://acme.example"}]}
    }
    done = run_tuicoach("checkup", "--json", env=env)
    assert done.returncode == 0, done.stderr
    findings = {f["rule"]: f for f in json.loads(done.stdout)}
    assert findings["profile-link"]["severity"] == "good"
    assert "https://acme.example" in findings["profile-link"]["message"]
    assert findings["profile-business"]["severity"] == "good"
    world.me["description"] = ""
    world.me.pop("url")
    world.me.pop("entities")
    bare = {f["rule"]: f for f in json.loads(run_tuicoach("checkup", "--json", env=env).stdout)}
    assert bare["profile-link"]["severity"] == "warning"
    assert bare["profile-business"]["severity"] == "warning"
    assert bare["profile-objective"]["severity"] == "tip"


def test_report_and_feedback_export_on_a_real_account(world: World, tmp_path: Path) -> None:
    world.fake.add_tweet(world.strangers[0], "@acme_bakery is the rye sourdough vegan?")
    env = environment(world, tmp_path)
    assert run_tuicoach("sync", env=env).returncode == 0
    report = run_tuicoach("report", "--json", "--days", "7", env=env)
    assert report.returncode == 0, report.stderr
    data = json.loads(report.stdout)
    assert data["addressed"] == 1 and data["answered"] == 0 and data["reply_rate"] == 0
    mention = next(t for t in world.fake.tweets.values() if "vegan" in t["text"])
    tagged = run_tuicoach("feedback", "tag", mention["id"], "question", env=env)
    assert tagged.returncode == 0, tagged.stderr
    export = run_tuicoach("feedback", "export", "--jsonl", env=env)
    assert export.returncode == 0, export.stderr
    row = json.loads(export.stdout)
    assert row["link"] == f"https://x.com/customer_0/status/{mention['id']}"
    assert row["author"] == "@customer_0" and row["tags"] == ["question"]
