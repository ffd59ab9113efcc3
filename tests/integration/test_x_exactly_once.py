"""Exactly once against a fake X that fails the way a slow or flaky X does.

Every fault here leaves X holding the tweet while the client cannot read that
it does: the post must be "unconfirmed" (never "not sent"), must not be sent
again until a lookup made late enough has not found it, and once X's copy is
found the draft is cleared and the mention leaves the owed list.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from fake_x_api import FakeX, World
from x_helpers import Clock, backend_for

from tuicoach.backends.base import Offline
from tuicoach.backends.x.errors import AlreadyPosted, Unconfirmed
from tuicoach.backends.x.outbox import SETTLE_MARGIN
from tuicoach.store import OutboxState, Store

pytestmark = pytest.mark.x_clock

TIMEOUT = 0.3  # backend_for's request timeout
WINDOW = TIMEOUT + SETTLE_MARGIN.total_seconds()


@pytest.fixture
def fake(fake: FakeX) -> FakeX:
    fake.reject_duplicates = False  # so a second send would really make a second tweet
    return fake


def on_x(world: World, text: str) -> int:
    return sum(1 for t in world.fake.tweets_by(world.me) if t["text"] == text)


def creates(world: World) -> int:
    return len(world.fake.requests("create_tweet"))


@pytest.mark.parametrize("how", ["cut", "html", "empty", "notjson"])
def test_a_2xx_that_cannot_be_read_is_in_flight_not_offline(
    world: World, store: Store, clock: Clock, how: str
) -> None:
    world.fake.mangle("create_tweet", how=how)
    world.fake.own_lag = 10.0  # and the lookup right after does not show it yet
    backend = backend_for(world, store, clock)
    draft = store.save_draft("Sourdough starter for sale", now=clock())
    with pytest.raises(Unconfirmed) as caught:
        backend.send_draft("Sourdough starter for sale", draft_id=draft)
    message = str(caught.value)
    assert "unconfirmed" in message and "not sent" not in message
    assert "tuicoach outbox resolve" in message
    item = store.outbox_item(1)
    assert item is not None and item.state is OutboxState.SENDING and item.draft_id == draft
    status = store.draft_outbox(draft)
    assert status is not None and status.kind == "unconfirmed" and not status.may_send
    assert "checking X before it can go again" in status.message

    report = backend.sync_report()  # at once: the list still lags
    assert isinstance(report.outbox_error, Unconfirmed)
    assert report.streams, "an unconfirmed post does not stop the streams"
    assert creates(world) == 1
    assert store.draft(draft) is not None

    clock.advance(11)
    report = backend.sync_report()
    assert [t.text for t in report.posted] == ["Sourdough starter for sale"]
    assert on_x(world, "Sourdough starter for sale") == 1 and creates(world) == 1
    assert store.draft(draft) is None  # cleared once X was shown to have it
    status = store.draft_outbox(draft)
    assert status is not None and status.kind == "sent" and status.message.startswith("sent ")


@pytest.mark.parametrize("lag", [2, 5, 30])
def test_a_lagging_own_tweets_list_never_makes_a_second_copy(
    world: World, store: Store, clock: Clock, lag: int
) -> None:
    world.fake.lose_response("create_tweet")
    world.fake.own_lag = float(lag)
    backend = backend_for(world, store, clock)
    with pytest.raises(Unconfirmed):
        backend.post("Cardamom buns at 3")
    for _ in range(lag):  # a sync every second while the list lags: never sent again
        clock.advance(1)
        backend.sync_report()
        assert creates(world) == 1
    clock.advance(1)
    backend.sync_report()
    assert on_x(world, "Cardamom buns at 3") == 1
    assert store.outbox_item(1).state is OutboxState.SENT  # type: ignore[union-attr]


def test_a_5xx_after_storing_is_adopted_not_resent(
    world: World, store: Store, clock: Clock
) -> None:
    world.fake.fail_after("create_tweet", 503)
    tweet = backend_for(world, store, clock).post("Open late on Thursday")
    assert on_x(world, "Open late on Thursday") == 1 and creates(world) == 1
    assert tweet.id == world.fake.tweets_by(world.me)[0]["id"]


def test_a_slow_x_that_stores_after_the_timeout_is_found_later(
    world: World, store: Store, clock: Clock
) -> None:
    world.fake.slow("create_tweet", seconds=1.0)  # stores 1 s after the 0.3 s timeout
    backend = backend_for(world, store, clock)
    with pytest.raises(Unconfirmed):
        backend.post("Fresh focaccia")
    assert on_x(world, "Fresh focaccia") == 0  # X is still working on it
    backend.sync_report()  # the immediate recovery: nothing found, too early to resend
    deadline = time.monotonic() + 5
    while on_x(world, "Fresh focaccia") == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert creates(world) == 1  # (the fake counts a request once it has done it)
    clock.advance(WINDOW + 1)
    backend.sync_report()
    assert on_x(world, "Fresh focaccia") == 1 and creates(world) == 1
    assert store.outbox_item(1).state is OutboxState.SENT  # type: ignore[union-attr]


def test_when_the_lookup_fails_too_the_message_says_it_may_be_out(
    world: World, store: Store, clock: Clock
) -> None:
    world.fake.lose_response("create_tweet")
    world.fake.fail("user_tweets", 503, times=10)
    with pytest.raises(Unconfirmed) as caught:
        backend_for(world, store, clock, retries=1).post("Rye is back")
    message = str(caught.value)
    assert "may already be on X" in message and "looking for it" in message
    assert "not sent" not in message


def test_sending_a_draft_again_only_explains_until_x_answers(
    world: World, store: Store, clock: Clock
) -> None:
    world.fake.lose_response("create_tweet")
    world.fake.own_lag = 100.0
    backend = backend_for(world, store, clock)
    draft = store.save_draft("Croissants are sold out", now=clock())
    with pytest.raises(Unconfirmed):
        backend.send_draft("Croissants are sold out", draft_id=draft)
    clock.advance(5)
    with pytest.raises(Unconfirmed):  # Send again: nothing goes to X
        backend.send_draft("Croissants are sold out", draft_id=draft)
    assert creates(world) == 1
    clock.advance(WINDOW)  # long past the window, but the lagging list still...
    world.fake.own_lag = 0.0  # ...shows it now: adopted, never re-sent
    backend.sync_report()
    assert creates(world) == 1 and store.draft(draft) is None
    with pytest.raises(AlreadyPosted, match="already posted"):
        backend.post("Croissants are sold out")
    assert creates(world) == 1
    backend.send_draft("Croissants are sold out", as_new=True)  # the user chose: a new tweet
    assert on_x(world, "Croissants are sold out") == 2


def test_a_post_shown_absent_after_the_window_goes_once_more(
    world: World, store: Store, clock: Clock
) -> None:
    world.fake.drop("create_tweet")  # the connection drops before X does anything
    backend = backend_for(world, store, clock)
    with pytest.raises(Unconfirmed):
        backend.post("Plum cake Saturday")
    clock.advance(WINDOW - 1)
    backend.sync_report()
    assert on_x(world, "Plum cake Saturday") == 0 and creates(world) == 1
    clock.advance(2)
    backend.sync_report()
    assert on_x(world, "Plum cake Saturday") == 1 and creates(world) == 2


def test_a_reply_found_later_takes_the_mention_off_the_owed_list(
    world: World, store: Store, clock: Clock
) -> None:
    question = world.fake.add_tweet(world.strangers[0], "@acme_bakery open Sunday?")
    clock.advance(60)
    backend = backend_for(world, store, clock)
    backend.sync()
    assert [o.tweet.id for o in store.owed(now=clock())] == [question["id"]]
    parent = store.tweet(question["id"])
    world.fake.mangle("create_tweet", how="cut")
    world.fake.own_lag = 3.0
    draft = store.save_draft("@customer_0 8 to 2!", reply_to_id=question["id"], now=clock())
    with pytest.raises(Unconfirmed):
        backend.send_draft("@customer_0 8 to 2!", reply_to=parent, draft_id=draft)
    assert [o.tweet.id for o in store.owed(now=clock())] == [question["id"]]
    clock.advance(4)
    # Another process (a second terminal's `tuicoach sync`) learns it.
    with Store.open(store.path) as other:
        backend_for(world, other, clock).sync_report()
    assert store.owed(now=clock()) == []
    assert store.draft(draft) is None


def test_two_senders_of_one_record_claim_it_once(store: Store, clock: Clock) -> None:
    item = store.outbox_add("Only once", reply_to_id=None, now=clock())
    first = store.outbox_claim(item, now=clock())
    second = store.outbox_claim(item, now=clock())  # read the same pending row
    assert first is not None and first.state is OutboxState.SENDING and first.attempts == 1
    assert second is None


def test_never_reached_is_the_only_not_sent(world: World, store: Store, clock: Clock) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    offline = backend_for(world, store, clock, api_base=f"http://127.0.0.1:{port}")
    with pytest.raises(Offline, match="never reached X") as caught:
        offline.post("Pies today")
    assert not isinstance(caught.value, Unconfirmed)
    assert store.outbox_item(1).state is OutboxState.PENDING  # type: ignore[union-attr]
    assert clock.now - store.outbox_item(1).created_at < timedelta(seconds=1)  # type: ignore[union-attr]


def test_a_drafts_outbox_state_survives_a_restart(world: World, store: Store, clock: Clock) -> None:
    """What the compose pane shows after the app was killed mid-send and opened again."""
    draft = store.save_draft("Hot cross buns", now=clock())
    assert store.draft_outbox(draft) is None  # never sent: Send posts it
    item = store.outbox_add("Hot cross buns", reply_to_id=None, now=clock(), draft_id=draft)
    pending = store.draft_outbox(draft)
    assert pending is not None and pending.kind == "pending" and pending.may_send
    store.outbox_claim(item, now=clock())  # the request went out; then kill -9
    path = store.path
    store.close()
    with Store.open(path) as reopened:
        status = reopened.draft_outbox(draft)
        assert status is not None and status.kind == "unconfirmed" and not status.may_send
        assert status.message == "unconfirmed: checking X before it can go again"
        backend = backend_for(world, reopened, clock)
        with pytest.raises(Unconfirmed):  # Send after the restart: explains, sends nothing
            backend.send_draft("Hot cross buns", draft_id=draft)
        assert creates(world) == 0
        clock.advance(WINDOW + 1)  # X never got it: shown absent, sent once
        backend.sync_report()
        assert on_x(world, "Hot cross buns") == 1
        assert reopened.draft(draft) is None
        sent = reopened.draft_outbox(draft)
        assert sent is not None and sent.kind == "sent" and not sent.may_send


def test_a_refused_post_leaves_its_draft_free_to_fix_and_send(
    world: World, store: Store, clock: Clock
) -> None:
    world.fake.fail("create_tweet", 403, body={"detail": "You are not permitted", "status": 403})
    draft = store.save_draft("Nope", now=clock())
    with pytest.raises(Exception, match="not permitted"):
        backend_for(world, store, clock).send_draft("Nope", draft_id=draft)
    status = store.draft_outbox(draft)
    assert status is not None and status.kind == "failed" and status.may_send
    assert "not permitted" in status.message
    assert store.draft(draft) is not None


def test_an_edited_draft_replaces_its_unsent_record(
    world: World, store: Store, clock: Clock
) -> None:
    draft = store.save_draft("Rye at 8", now=clock())
    store.outbox_add("Rye at 8", reply_to_id=None, now=clock(), draft_id=draft)  # never tried
    store.save_draft("Rye and spelt at 8", draft_id=draft, now=clock())
    backend_for(world, store, clock).send_draft("Rye and spelt at 8", draft_id=draft)
    assert [t["text"] for t in world.fake.tweets_by(world.me)] == ["Rye and spelt at 8"]
    first = store.outbox_item(1)
    assert first is not None and first.state is OutboxState.FAILED
    assert store.draft(draft) is None
