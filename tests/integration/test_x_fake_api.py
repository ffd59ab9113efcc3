"""The fake X API answers in the shape of the real recordings, and counts what it serves.

If the fake drifted from X, every other X test would prove less; these checks
hold it to ``shared/fixtures/x-api-recorded/decoded`` (skipped when absent).
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import requests
import tweepy
from conftest import shared_fixture
from fake_x_api import UNAUTHORIZED, World

from tuicoach.backends.x.transport import XSession

# Recorded file -> (route in the fake, how to call it with tweepy).
RECORDED = {
    "test_client_get_me.json": "me",
    "test_client_get_home_timeline.json": "home",
    "test_client_get_users_mentions.json": "mentions",
    "test_client_get_users_tweets.json": "user_tweets",
    "test_client_create_and_delete_tweet.json": "create_tweet",
    "test_client_like_and_unlike.json": "like",
}


@pytest.fixture
def world(world: World) -> World:
    for i in range(12):
        world.fake.add_tweet(world.friends[i % 3], f"Morning bake number {i} @acme_bakery")
    world.fake.add_tweet(world.me, "Sourdough is back on Fridays")
    return world


def tweepy_client(world: World) -> tweepy.Client:
    key, secret, token, token_secret = world.secrets
    client = tweepy.Client(
        consumer_key=key,
        consumer_secret=secret,
        access_token=token,
        access_token_secret=token_secret,
        return_type=requests.Response,
    )
    client.session = XSession(world.fake.url, timeout=5)
    return client


def call(client: tweepy.Client, route: str, world: World) -> requests.Response:
    """The same request tweepy's recorded test made, with default fields only."""
    if route == "me":
        return client.get_me()
    if route == "home":
        return client.get_home_timeline()
    if route == "mentions":
        return client.get_users_mentions(world.me["id"], user_auth=True)
    if route == "user_tweets":
        return client.get_users_tweets(world.me["id"], user_auth=True)
    if route == "create_tweet":
        return client.create_tweet(text="Test Tweet")
    tweet = next(iter(world.fake.tweets))
    return client.like(tweet)


def recorded(name: str) -> dict[str, Any]:
    path = shared_fixture("x-api-recorded", "decoded", name)
    first: dict[str, Any] = json.loads(path.read_text())[0]
    return first


@pytest.mark.parametrize(("name", "route"), RECORDED.items())
def test_answers_have_the_recorded_shape(world: World, name: str, route: str) -> None:
    real = recorded(name)
    response = call(tweepy_client(world), route, world)
    body = response.json()

    assert response.status_code == real["status"]
    assert set(body) == set(real["body"])
    for header in ("limit", "remaining", "reset"):
        assert response.headers[f"x-rate-limit-{header}"].isdigit()
    real_data, data = real["body"]["data"], body["data"]
    if isinstance(real_data, list):
        assert isinstance(data, list) and data
        assert {frozenset(t) for t in data} == {frozenset(t) for t in real_data}
        assert set(body["meta"]) <= {"result_count", "newest_id", "oldest_id", "next_token"}
        assert body["meta"]["result_count"] == len(data)
        assert {"result_count", "newest_id", "oldest_id"} <= set(real["body"]["meta"])
    else:
        # The create-tweet recording (2021) predates edit history; X now adds
        # `edit_history_tweet_ids` there too, as in every 2022 recording.
        assert set(real_data) <= set(data) <= set(real_data) | {"edit_history_tweet_ids"}


def test_timelines_page_backwards_and_honour_since_id(world: World) -> None:
    client = tweepy_client(world)
    seen: list[str] = []
    token = None
    while True:
        body = client.get_home_timeline(max_results=5, pagination_token=token).json()
        ids = [t["id"] for t in body["data"]]
        assert ids == sorted(ids, key=int, reverse=True)
        assert (body["meta"]["newest_id"], body["meta"]["oldest_id"]) == (ids[0], ids[-1])
        seen += ids
        token = body["meta"].get("next_token")
        if token is None:
            break
    assert len(seen) == len(set(seen)) == 13  # every friend's tweet and our own, once
    newest = seen[0]
    assert client.get_home_timeline(since_id=newest).json() == {"meta": {"result_count": 0}}
    world.fake.add_tweet(world.friends[0], "One more loaf")
    fresh = client.get_home_timeline(since_id=newest).json()
    assert [t["text"] for t in fresh["data"]] == ["One more loaf"]


def test_rich_fields_and_expansions(world: World) -> None:
    question = world.fake.add_tweet(
        world.strangers[0], "@acme_bakery gluten free? https://ex.am/p?a=1&b=2"
    )
    world.fake.add_tweet(world.me, "@customer_0 Yes, on Tuesdays!", reply_to=question)
    body = (
        tweepy_client(world)
        .get_home_timeline(
            max_results=1,
            tweet_fields=["created_at", "author_id", "conversation_id", "in_reply_to_user_id",
                          "referenced_tweets", "entities", "public_metrics"],
            expansions=["author_id", "referenced_tweets.id", "in_reply_to_user_id",
                        "entities.mentions.username"],
        )
        .json()
    )  # fmt: skip
    reply = body["data"][0]
    assert reply["referenced_tweets"] == [{"type": "replied_to", "id": question["id"]}]
    assert reply["conversation_id"] == question["id"]
    assert reply["in_reply_to_user_id"] == world.strangers[0]["id"]
    assert reply["entities"]["mentions"][0]["username"] == "customer_0"
    assert reply["created_at"].endswith("Z")
    assert set(reply["public_metrics"]) >= {"like_count", "reply_count", "retweet_count"}
    parent = body["includes"]["tweets"][0]
    assert parent["id"] == question["id"]
    assert "https://t.co/" in parent["text"] and "&amp;" not in parent["text"]  # URL wrapped
    assert {u["username"] for u in body["includes"]["users"]} == {"acme_bakery", "customer_0"}


def test_text_is_html_escaped_as_x_does(world: World) -> None:
    world.fake.add_tweet(world.friends[0], "Bread & butter <3")
    body = tweepy_client(world).get_home_timeline(max_results=1).json()
    assert body["data"][0]["text"] == "Bread &amp; butter &lt;3"


@pytest.mark.parametrize("value", [0, 101])
def test_bad_max_results_is_a_400_naming_the_parameter(world: World, value: int) -> None:
    with pytest.raises(tweepy.BadRequest) as caught:
        tweepy_client(world).get_home_timeline(max_results=value)
    body = caught.value.response.json()
    assert body["title"] == "Invalid Request"
    assert "max_results" in body["errors"][0]["parameters"]


def test_unsigned_or_badly_signed_requests_get_xs_401(world: World) -> None:
    assert requests.get(f"{world.fake.url}/2/users/me", timeout=5).json() == UNAUTHORIZED
    client = tweepy.Client(
        consumer_key=world.app_key,
        consumer_secret=world.app_secret,
        access_token=world.token,
        access_token_secret="wrong",
        return_type=requests.Response,
    )
    client.session = XSession(world.fake.url, timeout=5)
    with pytest.raises(tweepy.Unauthorized):
        client.get_me()


def test_limits_per_window_are_enforced(world: World) -> None:
    world.fake.limits["home"] = 2
    client = tweepy_client(world)
    remaining = [client.get_home_timeline().headers["x-rate-limit-remaining"] for _ in range(2)]
    assert remaining == ["1", "0"]
    with pytest.raises(tweepy.TooManyRequests) as caught:
        client.get_home_timeline()
    reset = int(caught.value.response.headers["x-rate-limit-reset"])
    assert time.time() < reset <= time.time() + 15 * 60 + 1


def test_counts_what_it_served_and_what_x_would_bill(world: World) -> None:
    client = tweepy_client(world)
    world.fake.reset_counters()
    first = client.get_home_timeline(max_results=10, expansions=["author_id"]).json()
    again = client.get_home_timeline(max_results=10, expansions=["author_id"]).json()
    served = len(first["data"]) + len(again["data"])
    users = len(first["includes"]["users"]) + len(again["includes"]["users"])
    assert world.fake.posts_served == served == 20
    assert world.fake.users_served == users
    assert world.fake.billed_reads("post") == 10  # a repeat read in the same UTC day is free
    assert world.fake.billed_reads("user") == len(first["includes"]["users"])
    assert [s.route for s in world.fake.requests()] == ["home", "home"]


def test_scripted_faults_run_in_order_then_stop(world: World) -> None:
    world.fake.fail("me", 503, times=2)
    world.fake.fail("me", 401)
    client = tweepy_client(world)
    for expected in (tweepy.TwitterServerError, tweepy.TwitterServerError, tweepy.Unauthorized):
        with pytest.raises(expected):
            client.get_me()
    assert client.get_me().status_code == 200


def test_a_duplicate_tweet_is_refused_like_x_unless_told_otherwise(world: World) -> None:
    client = tweepy_client(world)
    client.create_tweet(text="Fresh rolls at https://acme.example.com/rolls")
    with pytest.raises(tweepy.Forbidden, match="duplicate content"):
        client.create_tweet(text="Fresh rolls at https://acme.example.com/rolls")
    world.fake.reject_duplicates = False
    client.create_tweet(text="Fresh rolls at https://acme.example.com/rolls")
    texts = [t["text"] for t in world.fake.tweets_by(world.me)]
    assert len([t for t in texts if t.startswith("Fresh rolls at https://t.co/")]) == 2
