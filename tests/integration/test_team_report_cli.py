"""``tuicoach report``'s per-person table from the shell: ``--json`` ``by_person``, ``--csv``
rows and the text table, on the demo and on the canned backend (through the port's
``replies_by_author()``, so the CLI names no backend's own table)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from conftest import REPO, run_tuicoach

from tuicoach.backends.demo import DemoBackend, open_demo_store
from tuicoach.domain.xapi import parse_time

NOW = "2026-03-04T15:00:00Z"
TESTS = REPO / "tests"


def demo_replies(tmp_path: Path, days: int) -> int:
    """The demo brand's replies to others in the last ``days`` days, counted from its store."""
    now = parse_time(NOW)
    store = open_demo_store(tmp_path / "data", now)
    try:
        backend = DemoBackend(store, now=lambda: now)
        me = backend.account.id
        own = store.stream("own", since=now - timedelta(days=days))
        return sum(
            1
            for t in own
            if t.replied_to_id is not None
            and t.retweeted_id is None
            and t.in_reply_to_user_id != me
            and now - timedelta(days=days) <= t.created_at < now
        )
    finally:
        store.close()


def test_the_demo_with_a_team_name_has_its_one_user_in_the_table(
    env: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "config.toml").write_text('[team]\nname = "Jen"\n', encoding="utf-8")
    done = run_tuicoach("report", "--demo", "--now", NOW, "--json", "--days", "30", env=env)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    (jen,) = data["by_person"]  # the demo has one user: every reply is theirs
    assert jen["name"] == "Jen"
    assert jen["replies"] == demo_replies(tmp_path, 30) > 0
    assert jen["answered"] == data["answered"]  # every first reply is hers
    assert jen["median_seconds"] == data["first_reply"]["median_seconds"]

    table = run_tuicoach("report", "--demo", "--now", NOW, "--csv", env=env)
    person = [r for r in csv.reader(io.StringIO(table.stdout)) if r[0] == "person:Jen"]
    assert ["person:Jen", "replies", str(jen["replies"])] in person
    text = run_tuicoach("report", "--demo", "--now", NOW, env=env)
    assert "By person" in text.stdout and "Jen" in text.stdout


def test_a_solo_demo_user_has_no_names(env: dict[str, str]) -> None:
    done = run_tuicoach("report", "--demo", "--now", NOW, "--json", env=env)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert [p["name"] for p in data["by_person"]] == [None]  # everything, unnamed
    assert data["by_person"][0]["answered"] == data["answered"]
    text = run_tuicoach("report", "--demo", "--now", NOW, env=env)
    assert "By person" not in text.stdout  # no team: no table in the text


def test_the_canned_backend_names_who_replied(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), str(TESTS)]),
        "TUICOACH_BACKEND": "canned_backend",
        "TUICOACH_CONFIG": str(tmp_path / "config.toml"),
        "TUICOACH_DATA_DIR": str(tmp_path / "data"),
    }
    (tmp_path / "config.toml").write_text('[team]\nname = "Sam"\n', encoding="utf-8")

    def canned(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tuicoach", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )

    assert canned("sync").returncode == 0
    posted = canned("post", "--reply-to", "1001", "Yes, 3 days to Lisbon ^SK")
    assert posted.returncode == 0, posted.stderr
    done = canned("report", "--json", "--days", "7")
    assert done.returncode == 0, done.stderr
    assert [
        (p["name"], p["replies"], p["answered"]) for p in json.loads(done.stdout)["by_person"]
    ] == [("Sam", 1, 1)]
