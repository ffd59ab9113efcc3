"""Two teammates race to answer one mention: exactly one reply reaches X, even through kill -9.

Real parts throughout: two ``tuicoach post --reply-to`` processes, each with a
data dir and a config of its own (``[store] url`` the same PostgreSQL database,
``[team] name`` its own), one fake X on 127.0.0.1. The harness is
``benchmarks/team.py``'s (``--races``, ``--kills``), so the test and the
benchmark count the same way; here a few races, there a hundred.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from fake_x_api import World

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _bench() -> ModuleType:
    if (loaded := sys.modules.get("team_bench")) is not None:
        return loaded
    spec = importlib.util.spec_from_file_location("team_bench", REPO / "benchmarks" / "team.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["team_bench"] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def team(world: World, pg_url: str, tmp_path: Path) -> object:
    """Jen and Sam, on one database (``$PGPASSWORD`` from ``pg_url``) and one fake X."""
    return _bench().Team(world, pg_url, tmp_path)


def test_of_two_teammates_answering_one_mention_at_once_exactly_one_reply_reaches_x(
    team: object,
) -> None:
    bench = _bench()
    for n in range(4):
        # Even races hold both at the traffic cop's lock until both wait there, so they
        # meet it at the same moment; odd ones are only started together.
        result = bench.race(team, n, gated=n % 2 == 0)
        assert result["on_x"] == 1, result
        assert result["codes"] == [0, 5], result  # one sent; the other told, exit 5
        assert result["together"], result
        assert result["stopped_kept_draft"], result  # the stopped reply is kept, not lost
        [stopped] = [err for _, code, err in result["log"] if code == 5]
        assert "already answered this mention" in stopped, stopped


@pytest.mark.parametrize(
    ("fault", "recovery"),
    [
        # X has the reply but the sender died before it could record X's answer: the
        # killed machine's own retry finds it there and marks it sent.
        ("X stores it, no answer", "killed: post again"),
        # X never got it: after the window the *other* machine's sync sends the killed
        # teammate's reply, exactly once.
        ("X never stores it", "other: sync"),
    ],
)
def test_a_sender_killed_mid_post_leaves_at_most_one_reply_and_either_machine_recovers(
    team: object, fault: str, recovery: str
) -> None:
    result = _bench().kill_race(team, 0, fault, recovery)
    assert result["mid_post"], result  # it really was killed with its post in flight
    assert result["at_kill"] == (0 if fault == "X never stores it" else 1), result
    assert result["on_x"] == 1, result
    assert result["recovered"], result  # its one record is sent, none left in flight
    assert result["other_stopped"], result  # the teammate's retry is still stopped
