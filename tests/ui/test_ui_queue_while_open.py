"""Issue 13's queue: "a queued item is posted exactly once, by the app while it is open".
The demo app, opened with one item due and one for later, posts the due one on its own
(no key pressed), says so, and leaves nothing for ``queue run`` to post again."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from ui_helpers import NOW, make_app, settle

from tuicoach.backends.demo import open_demo_store
from tuicoach.backends.queue_runner import run_due
from tuicoach.store import queue as q


async def test_the_open_app_posts_what_is_due_once(tmp_path: Path) -> None:
    store = open_demo_store(tmp_path, NOW)
    try:
        due = q.enqueue(store, "Doors open at 8 today", slot_at=NOW - timedelta(minutes=5), now=NOW)
        later = q.enqueue(store, "Seeded rye on Friday", slot_at=NOW + timedelta(hours=3), now=NOW)
    finally:
        store.close()

    app = make_app(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert app.account is not None
        store = app.account.store
        posted = q.item(store, due.id)
        assert posted is not None and posted.state.value == "posted", posted
        tweet = store.tweet(posted.tweet_id or "")
        assert tweet is not None and tweet.text == "Doors open at 8 today"
        waiting = q.item(store, later.id)
        assert waiting is not None and waiting.state.value == "queued"
        assert "The queue posted 1 tweet." in app.notices
        # Exactly once: a `queue run` at the same moment finds nothing due.
        again = run_due(store, app.account.backend, now=NOW)
        assert again.posted == []
        own = store.stream("own", since=NOW - timedelta(hours=1))
        assert sum(t.text == "Doors open at 8 today" for t in own) == 1
