"""Posting through the outbox: replies, no likes, and never the same tweet twice."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from fake_x_api import DUPLICATE, OAUTH1_PERMISSIONS, FakeX, World
from x_helpers import Clock, Sleeps, backend_for

from tuicoach.backends.base import AccessError, Offline, Refused
from tuicoach.backends.x.cost import usage_days
from tuicoach.backends.x.errors import ResponseLost, Unconfirmed
from tuicoach.store import OutboxState, Store

pytestmark = pytest.mark.x_clock


@pytest.fixture
def fake(fake: FakeX) -> FakeX:
    fake.reject_duplicates = False  # so a second send would really make a second tweet
    return fake


def texts_on_x(world: World) -> list[str]:
    return [t["text"] for t in world.fake.tweets_by(world.me)]


def outbox_states(store: Store) -> list[OutboxState]:
    items = [store.outbox_item(i) for i in range(1, 20)]
    return [item.state for item in items if item is not None]


def test_post(world: World, store: Store, clock: Clock) -> None:
    tweet = backend_for(world, store, clock).post("Rye is back on Friday")
    assert texts_on_x(world) == ["Rye is back on Friday"]
    assert tweet.id in world.fake.tweets
    assert tweet.author_id == world.me["id"]
    assert [t.id for t in store.stream("own")] == [tweet.id]
    item = store.outbox_item(1)
    assert item is not None and item.state is OutboxState.SENT and item.tweet_id == tweet.id
    day = usage_days(store, clock.now.date(), clock.now.date())[0]  # type: ignore[arg-type]
    assert (day.posts_created, day.posts_created_url) == (1, 0)


def test_a_post_with_a_link_is_metered_as_one(world: World, store: Store, clock: Clock) -> None:
    backend_for(world, store, clock).post("Order at https://acme.example.com/order")
    day = usage_days(store, clock.now.date(), clock.now.date())[0]  # type: ignore[arg-type]
    assert (day.posts_created, day.posts_created_url) == (0, 1)


def test_reply(world: World, store: Store, clock: Clock) -> None:
    question = world.fake.add_tweet(world.strangers[0], "@acme_bakery open on Sunday?")
    backend = backend_for(world, store, clock)
    backend.sync()
    parent = store.tweet(question["id"])
    assert parent is not None
    clock.advance(60)
    reply = backend.post("@customer_0 Yes, 8 to 2!", reply_to=parent)

    on_x = world.fake.tweets[reply.id]
    assert on_x["referenced_tweets"] == [{"type": "replied_to", "id": question["id"]}]
    assert reply.replied_to_id == question["id"]
    assert reply.in_reply_to_user_id == world.strangers[0]["id"]
    assert reply.conversation_id == question["conversation_id"]
    assert reply.mentioned_usernames == {"customer_0"}
    stored = store.tweet(reply.id)
    assert stored is not None and stored.replied_to_id == question["id"]


def test_like_is_never_sent(world: World, store: Store, clock: Clock) -> None:
    """Likes left X's self-serve API on 2026-04-20: refused here, no request made."""
    loaf = world.fake.add_tweet(world.friends[0], "Look at this crumb")
    backend = backend_for(world, store, clock)
    assert backend.capabilities.like is False
    with pytest.raises(Refused, match="no longer allows likes"):
        backend.like(loaf["id"])
    with pytest.raises(Refused, match="no longer allows likes"):
        backend.unlike(loaf["id"])
    assert world.fake.requests("like") == []
    assert world.fake.likes == set()
    assert not store.liked(loaf["id"])


# -- the answer is lost -----------------------------------------------------------------------


@pytest.mark.parametrize("how", ["drop", "stall"])
def test_accepted_but_the_answer_never_arrives_makes_exactly_one_tweet(
    world: World, store: Store, clock: Clock, how: str
) -> None:
    world.fake.lose_response("create_tweet", how=how)
    sleeps = Sleeps()
    backend = backend_for(world, store, clock, sleeps, timeout=0.2)
    tweet = backend.post("Fresh croissants until noon")

    assert texts_on_x(world) == ["Fresh croissants until noon"]  # exactly one
    assert len(world.fake.requests("create_tweet")) == 1
    assert [s.route for s in world.fake.requests()][-1] == "user_tweets"  # looked, then adopted
    assert tweet.id == world.fake.tweets_by(world.me)[0]["id"]
    item = store.outbox_item(1)
    assert item is not None and item.state is OutboxState.SENT and item.tweet_id == tweet.id
    assert len(sleeps) == 1  # a moment for X to settle before looking


def test_a_reply_whose_answer_is_lost_is_matched_with_its_target(
    world: World, store: Store, clock: Clock
) -> None:
    first = world.fake.add_tweet(world.strangers[0], "@acme_bakery gluten free?")
    second = world.fake.add_tweet(world.strangers[1], "@acme_bakery vegan?")
    clock.advance(60)
    backend = backend_for(world, store, clock)
    backend.sync()
    world.fake.add_tweet(world.me, "Yes, on Tuesdays!", reply_to=first)  # same text, other target
    parent = store.tweet(second["id"])
    assert parent is not None
    world.fake.lose_response("create_tweet")
    reply = backend.post("Yes, on Tuesdays!", reply_to=parent)
    assert reply.replied_to_id == second["id"]
    replies = [t for t in world.fake.tweets_by(world.me) if t["text"] == "Yes, on Tuesdays!"]
    assert len(replies) == 2  # the earlier answer to someone else, and this one


def test_a_5xx_that_did_not_post_is_sent_again_after_looking(
    world: World, store: Store, clock: Clock
) -> None:
    world.fake.fail("create_tweet", 503)
    backend = backend_for(world, store, clock)
    with pytest.raises(Unconfirmed, match="unconfirmed") as caught:
        backend.post("Closed for a private event tonight")
    assert "not sent" not in str(caught.value)
    assert texts_on_x(world) == []
    clock.advance(30)  # within timeout + margin: an empty lookup proves nothing yet
    backend.sync_report()
    assert [s.status for s in world.fake.requests("create_tweet")] == [503]
    clock.advance(40)  # now past it: X does not have it, so it goes again
    report = backend.sync_report()
    assert texts_on_x(world) == ["Closed for a private event tonight"]
    assert [s.status for s in world.fake.requests("create_tweet")] == [503, 201]
    routes = [s.route for s in world.fake.requests()]
    assert routes.index("user_tweets") < len(routes) - 1  # looked before sending again
    assert [t.id for t in report.posted] == [world.fake.tweets_by(world.me)[0]["id"]]


def test_when_even_looking_fails_the_post_waits_for_the_next_sync(
    world: World, store: Store, clock: Clock
) -> None:
    world.fake.lose_response("create_tweet")
    world.fake.fail("user_tweets", 503, times=3)
    backend = backend_for(world, store, clock)
    with pytest.raises(Offline):
        backend.post("Bread pudding is back")
    item = store.outbox_item(1)
    assert item is not None and item.state is OutboxState.SENDING  # unknown: check first
    assert texts_on_x(world) == ["Bread pudding is back"]

    clock.advance(120)
    report = backend.sync_report()
    assert [t.text for t in report.posted] == ["Bread pudding is back"]
    assert texts_on_x(world) == ["Bread pudding is back"]  # still exactly one
    assert len(world.fake.requests("create_tweet")) == 1
    item = store.outbox_item(1)
    assert item is not None and item.state is OutboxState.SENT


def test_an_item_left_sending_by_a_crash_is_adopted_not_resent(
    world: World, store: Store, clock: Clock
) -> None:
    item = store.outbox_add("Sold out of baguettes, sorry!", reply_to_id=None, now=clock())
    store.outbox_update(item.id, state=OutboxState.SENDING, now=clock())  # then it died
    clock.advance(5)
    world.fake.add_tweet(world.me, "Sold out of baguettes, sorry!")  # it had gone through
    backend_for(world, store, clock).sync()
    assert len(world.fake.requests("create_tweet")) == 0
    assert texts_on_x(world) == ["Sold out of baguettes, sorry!"]
    assert outbox_states(store) == [OutboxState.SENT]


def test_an_older_identical_tweet_is_not_taken_for_this_post(
    world: World, store: Store, clock: Clock
) -> None:
    world.fake.add_tweet(world.me, "Happy Friday!")
    clock.advance(7 * 24 * 3600)
    item = store.outbox_add("Happy Friday!", reply_to_id=None, now=clock())
    store.outbox_update(item.id, state=OutboxState.SENDING, now=clock())
    clock.advance(61)  # past timeout + margin: an empty lookup now shows X lacks it
    backend_for(world, store, clock).sync()
    assert texts_on_x(world) == ["Happy Friday!", "Happy Friday!"]  # last week's, and today's


def test_never_reached_x_goes_back_to_pending_and_is_sent_at_the_next_sync(
    world: World, store: Store, clock: Clock
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    offline = backend_for(world, store, clock, api_base=f"http://127.0.0.1:{port}")
    with pytest.raises(Offline, match="goes out at the next sync"):
        offline.post("Pies today")
    assert outbox_states(store) == [OutboxState.PENDING]
    assert texts_on_x(world) == []

    backend_for(world, store, clock).sync()
    assert texts_on_x(world) == ["Pies today"]
    assert outbox_states(store) == [OutboxState.SENT]


def test_xs_duplicate_refusal_means_it_is_already_there(
    world: World, store: Store, clock: Clock
) -> None:
    world.fake.reject_duplicates = True
    item = store.outbox_add("Doors open at 7", reply_to_id=None, now=clock())
    clock.advance(2)
    world.fake.add_tweet(world.me, "Doors open at 7")  # an earlier attempt got through
    backend_for(world, store, clock).sync()
    assert [s.status for s in world.fake.requests("create_tweet")] == [403]
    stored = store.outbox_item(item.id)
    assert stored is not None and stored.state is OutboxState.SENT
    assert texts_on_x(world) == ["Doors open at 7"]


def test_a_refused_post_is_marked_failed_with_xs_reason(
    world: World, store: Store, clock: Clock
) -> None:
    world.fake.fail("create_tweet", 403, body=OAUTH1_PERMISSIONS)
    with pytest.raises(AccessError, match="Read and write") as caught:
        backend_for(world, store, clock).post("Hello")
    assert caught.value.feature == "posting"
    item = store.outbox_item(1)
    assert item is not None and item.state is OutboxState.FAILED
    assert item.last_error is not None and "Read and write" in item.last_error


def test_a_duplicate_of_something_else_is_failed_not_adopted(
    world: World, store: Store, clock: Clock
) -> None:
    world.fake.fail("create_tweet", 403, body=DUPLICATE)
    with pytest.raises(AccessError, match="identical"):
        backend_for(world, store, clock).post("Hello again")
    assert outbox_states(store) == [OutboxState.FAILED]


def test_lost_answers_every_time_stop_after_the_bound(
    world: World, store: Store, clock: Clock
) -> None:
    """Even when X accepts every try and no answer comes back, only one tweet exists."""
    world.fake.lose_response("create_tweet", times=5)
    world.fake.fail("user_tweets", 503, times=100)  # and the timeline cannot be checked
    backend = backend_for(world, store, clock, retries=1)
    with pytest.raises(Offline):
        backend.post("Last call for cinnamon buns")
    assert len(world.fake.requests("create_tweet")) == 1
    assert texts_on_x(world) == ["Last call for cinnamon buns"]
    assert store.outbox_pending()[0].state is OutboxState.SENDING
    assert clock.now - store.outbox_pending()[0].created_at < timedelta(minutes=1)


def test_a_lost_answer_to_a_post_says_it_may_have_gone_out(
    world: World, store: Store, clock: Clock
) -> None:
    """X stores the tweet but its answer is dropped: the client must not call that "not sent"."""
    world.fake.lose_response("create_tweet")
    backend = backend_for(world, store, clock)
    with pytest.raises(Offline) as caught:  # what the app and the CLI catch
        backend.client.create_tweet("Fresh rye at 7")
    assert isinstance(caught.value, ResponseLost)  # so the outbox looks before sending again
    assert "may or may not have gone out" in str(caught.value)
    assert texts_on_x(world) == ["Fresh rye at 7"]  # X did store it: hence "may"
    assert backend.error_title(caught.value) == "X unreachable"
