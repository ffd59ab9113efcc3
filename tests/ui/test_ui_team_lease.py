"""Two teammates' apps on one PostgreSQL store: the status bar names who holds the sync
lease ("synced by Jen"), and when Jen's app quits it lets go of the lease, so Sam's next
refresh asks X itself at once."""

from __future__ import annotations

from pathlib import Path

import test_ui_x
from fake_x_api import World
from test_ui_store_pg import teammate
from test_ui_x import world  # noqa: F401  (its fixture, used here too)
from ui_helpers import settle
from x_helpers import Clock

from tuicoach.store import Store
from tuicoach.ui.widgets.status import StatusBar


def lease_holders(url: str) -> list[str]:
    with Store.connect(url) as store, store.reading() as db:
        return [str(r[0]) for r in db.execute("SELECT holder FROM sync_lease")]


async def test_the_status_bar_names_the_holder_and_quitting_lets_go(
    world: World,  # noqa: F811
    clock: Clock,
    tmp_path: Path,
    pg_url: str,
) -> None:
    jen = teammate(world, tmp_path / "jen", clock, pg_url, as_name="Jen")
    sam = teammate(world, tmp_path / "sam", clock, pg_url, as_name="Sam")
    async with sam.run_test(size=test_ui_x.WIDE) as sp:
        await settle(sp)
        async with jen.run_test(size=test_ui_x.WIDE) as jp:
            await settle(jp)
            await test_ui_x.refresh(jp, clock)  # Jen's app syncs, and holds the lease
            (holder,) = lease_holders(pg_url)
            assert holder.startswith("Jen · ")
            asked = len(world.fake.requests())
            await sp.press("R")
            await settle(sp)
            status = sam.main.query_one(StatusBar).sync_state
            assert status.startswith("synced by Jen "), status  # her name, not "a teammate"
            assert {s.route for s in world.fake.requests()[asked:]} <= {"me"}
        # Jen's app has quit: the lease went with it, well inside the minute it lasts.
        assert lease_holders(pg_url) == []
        world.fake.add_tweet(world.friends[0], "Oven back on")
        asked = len(world.fake.requests())
        clock.advance(5 * 60)  # past the pace X's limits set for Sam's own streams
        await sp.press("R")
        await settle(sp)
        assert [s.route for s in world.fake.requests()[asked:] if s.route != "me"] != []
        status = sam.main.query_one(StatusBar).sync_state
        assert status.startswith("synced ") and "by" not in status, status
        assert "Oven back on" in test_ui_x.texts(sam, "#timeline")
        (holder,) = lease_holders(pg_url)
        assert holder.startswith("Sam · ")
