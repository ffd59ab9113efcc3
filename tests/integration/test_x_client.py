"""The X client against the fake API: the configured base, timeouts, errors, retries."""

from __future__ import annotations

import socket
import time
from datetime import UTC, datetime

import pytest
from fake_x_api import (
    CLIENT_NOT_ENROLLED,
    CREDITS_DEPLETED,
    DUPLICATE,
    OAUTH1_PERMISSIONS,
    FakeX,
    World,
)
from x_helpers import Sleeps

from tuicoach.backends.base import AccessError, AuthError, BackendError, Offline, RateLimited
from tuicoach.backends.x.client import XClient
from tuicoach.backends.x.credentials import Credentials
from tuicoach.backends.x.errors import ResponseLost, RetryPolicy, local_hhmm
from tuicoach.backends.x.settings import ApiBaseError, api_base, normalise_base
from tuicoach.backends.x.transport import XSession, rebase


def client_for(world: World, *, attempts: int = 4, timeout: float = 2.0, **kw: object) -> XClient:
    creds = Credentials(*world.secrets)
    return XClient(
        creds,
        api_base=world.fake.url,
        timeout=timeout,
        retry=RetryPolicy(attempts=attempts, base=1.0, cap=30.0),
        **kw,  # type: ignore[arg-type]
    )


# -- the API base ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        (
            "https://api.twitter.com/2/users/me?user.fields=id",
            "http://127.0.0.1:8080",
            "http://127.0.0.1:8080/2/users/me?user.fields=id",
        ),
        (
            "https://api.x.com/oauth/request_token",
            "https://proxy.example/x",
            "https://proxy.example/x/oauth/request_token",
        ),
        (
            "https://upload.twitter.com/1.1/media",
            "http://127.0.0.1:1",
            "https://upload.twitter.com/1.1/media",
        ),
        (
            "https://api.twitter.com/2/tweets",
            "https://api.twitter.com",
            "https://api.twitter.com/2/tweets",
        ),
    ],
)
def test_rebase_moves_only_x_hosts(url: str, base: str, expected: str) -> None:
    assert rebase(url, base) == expected


@pytest.mark.parametrize("bad", ["api.twitter.com", "ftp://host", "http://", "https://h/?q=1", ""])
def test_a_bad_api_base_is_named(bad: str) -> None:
    with pytest.raises(ApiBaseError, match="api_base"):
        normalise_base(bad)


def test_env_api_base_wins_over_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUICOACH_X_API_BASE", "http://127.0.0.1:9/")
    assert api_base("https://configured.example") == "http://127.0.0.1:9"
    monkeypatch.delenv("TUICOACH_X_API_BASE")
    assert api_base("https://configured.example/") == "https://configured.example"
    assert api_base(None) == "https://api.twitter.com"


def test_every_request_goes_to_the_base_and_is_signed(world: World) -> None:
    client = client_for(world)
    me = client.me()
    page = client.timeline("home")
    assert me.username == "acme_bakery"
    assert page.page.meta == {"result_count": 0}
    assert [s.route for s in world.fake.requests()] == ["me", "home"]
    assert all(s.user_id == world.me["id"] for s in world.fake.requests())


def test_wrong_secret_is_an_auth_error(world: World) -> None:
    creds = Credentials(world.app_key, "not-the-secret", world.token, world.token_secret)
    client = XClient(creds, api_base=world.fake.url, timeout=2)
    with pytest.raises(AuthError, match="tuicoach login"):
        client.me()


def test_a_stalled_connection_times_out_into_offline(world: World) -> None:
    world.fake.stall("home", times=2)
    sleeps = Sleeps()
    client = client_for(world, attempts=2, timeout=0.2, sleep=sleeps)
    started = time.monotonic()
    with pytest.raises(Offline, match="did not answer in time") as caught:
        client.timeline("home")
    assert time.monotonic() - started < 2.0
    assert "tried 2 times" in str(caught.value)
    assert len(world.fake.requests("home")) == 2
    assert len(sleeps) == 1


def test_session_timeout_applies_to_plain_requests(fake: FakeX) -> None:
    fake.stall("me")
    session = XSession(fake.url, timeout=0.2)
    started = time.monotonic()
    with pytest.raises(Exception, match="timed out"):
        session.get("https://api.twitter.com/2/users/me")
    assert time.monotonic() - started < 2.0


# -- failures, each with its own word --------------------------------------------------


def test_401_says_sign_in_again(world: World) -> None:
    world.fake.fail("me", 401)
    with pytest.raises(AuthError) as caught:
        client_for(world).me()
    assert "401" in str(caught.value)
    assert "run `tuicoach login`" in str(caught.value)
    assert len(world.fake.requests("me")) == 1  # a 401 is not retried


@pytest.mark.parametrize(
    ("route", "body", "status", "feature", "words"),
    [
        ("home", CLIENT_NOT_ENROLLED, 403, "the home timeline", ["client-not-enrolled", "Project"]),
        ("mentions", CREDITS_DEPLETED, 402, "mentions", ["credits", "developer console"]),
        ("home", OAUTH1_PERMISSIONS, 403, "the home timeline", ["Read and write", "login"]),
        (
            "mentions",
            {"title": "Forbidden", "type": "about:blank", "status": 403, "detail": "Nope."},
            403,
            "mentions",
            ["Nope."],
        ),
    ],
)
def test_403_and_402_name_the_feature_and_why(
    world: World, route: str, body: dict[str, object], status: int, feature: str, words: list[str]
) -> None:
    world.fake.fail(route, status, body=body)
    with pytest.raises(AccessError) as caught:
        client_for(world).timeline("home" if route == "home" else "mentions")
    assert caught.value.feature == feature
    message = str(caught.value)
    assert message.startswith(feature[0].upper() + feature[1:] + " is unavailable")
    for word in words:
        assert word in message


def test_duplicate_post_is_an_access_error_naming_posting(world: World) -> None:
    world.fake.fail("create_tweet", 403, body=DUPLICATE)
    with pytest.raises(AccessError, match="identical") as caught:
        client_for(world).create_tweet("hello")
    assert caught.value.feature == "posting"


def test_429_waits_until_the_reset_header(world: World) -> None:
    reset = int(time.time()) + 600
    world.fake.rate_limit("mentions", reset=reset)
    sleeps = Sleeps()
    client = client_for(world, sleep=sleeps)
    with pytest.raises(RateLimited) as caught:
        client.timeline("mentions")
    until = datetime.fromtimestamp(reset, UTC)
    assert caught.value.until == until
    assert f"rate limited until {until.astimezone().strftime('%H:%M')}" in str(caught.value)
    assert sleeps == []  # no retry, no waiting inside the client
    assert client.rate_limited("mentions", datetime.now(UTC)) is not None
    assert client.rate_limited("mentions", until) is None
    assert client.rate_limited("home", datetime.now(UTC)) is None


def test_5xx_then_success_is_retried_with_backoff(world: World) -> None:
    world.fake.fail("home", 503)
    world.fake.fail("home", 500)
    sleeps = Sleeps()
    fetched = client_for(world, sleep=sleeps).timeline("home")
    assert fetched.page.meta["result_count"] == 0
    assert [s.status for s in world.fake.requests("home")] == [503, 500, 200]
    assert len(sleeps) == 2
    assert 0.5 <= sleeps[0] <= 1.0  # first retry: half of base 1 s, plus up to as much again
    assert 1.0 <= sleeps[1] <= 2.0


def test_5xx_exhausted_is_offline(world: World) -> None:
    world.fake.fail("mentions", 503, times=10)
    sleeps = Sleeps()
    with pytest.raises(Offline, match="503") as caught:
        client_for(world, attempts=4, sleep=sleeps).timeline("mentions")
    assert "tried 4 times" in str(caught.value)
    assert len(world.fake.requests("mentions")) == 4
    assert len(sleeps) == 3
    ceilings = [1.0, 2.0, 4.0]
    for slept, ceiling in zip(sleeps, ceilings, strict=True):
        assert ceiling / 2 <= slept <= ceiling


def test_jitter_spreads_clients_apart() -> None:
    policy = RetryPolicy(attempts=5, base=1.0, cap=8.0)
    assert policy.delay(0, lambda: 0.0) == 0.5
    assert policy.delay(0, lambda: 1.0) == 1.0
    assert policy.delay(10, lambda: 1.0) == 8.0  # capped
    assert policy.delay(10, lambda: 0.0) == 4.0


def test_dropped_connection_is_retried_then_offline(world: World) -> None:
    world.fake.drop("home", times=3)
    with pytest.raises(Offline, match="cannot reach X"):
        client_for(world, attempts=3, sleep=Sleeps()).timeline("home")
    assert len(world.fake.requests("home")) == 3


def test_nothing_listening_is_offline() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    creds = Credentials("k", "s", "1-t", "ts")
    client = XClient(creds, api_base=f"http://127.0.0.1:{port}", retry=RetryPolicy(attempts=2))
    client._sleep = Sleeps()
    with pytest.raises(Offline, match="cannot reach X"):
        client.me()
    with pytest.raises(Offline) as caught:
        client.create_tweet("hello")
    assert not isinstance(caught.value, ResponseLost)  # refused: it never reached X


def test_a_web_page_instead_of_json_is_offline(world: World) -> None:
    world.fake.fail("home", 200, body="<html>Sign in to the café Wi-Fi</html>")
    with pytest.raises(Offline, match="Wi-Fi login page"):
        client_for(world, attempts=1).timeline("home")


def test_400_is_a_plain_backend_error_with_xs_words(world: World) -> None:
    with pytest.raises(BackendError, match="not between 5 and 100") as caught:
        client_for(world).timeline("mentions", max_results=1)
    assert type(caught.value) is BackendError


# -- posting is never retried blindly ------------------------------------------------


@pytest.mark.parametrize("status", [500, 503])
def test_posting_a_5xx_is_not_retried(world: World, status: int) -> None:
    world.fake.fail("create_tweet", status)
    sleeps = Sleeps()
    with pytest.raises(ResponseLost, match="may or may not"):
        client_for(world, sleep=sleeps).create_tweet("Fresh bread at 7")
    assert len(world.fake.requests("create_tweet")) == 1
    assert sleeps == []


@pytest.mark.parametrize("how", ["drop", "stall"])
def test_a_lost_answer_to_posting_says_so(world: World, how: str) -> None:
    world.fake.lose_response("create_tweet", how=how)
    with pytest.raises(ResponseLost):
        client_for(world, timeout=0.2).create_tweet("Fresh bread at 7")
    assert len(world.fake.requests("create_tweet")) == 1
    assert [t["text"] for t in world.fake.tweets_by(world.me)] == ["Fresh bread at 7"]


def test_post_and_reply_round_trip(world: World) -> None:
    question = world.fake.add_tweet(world.strangers[0], "@acme_bakery open on Sunday?")
    client = client_for(world)
    data = client.create_tweet("Yes, 8 to 2 & with croissants!", reply_to_id=question["id"])
    created = world.fake.tweets[data["id"]]
    assert data["text"] == "Yes, 8 to 2 & with croissants!"  # unescaped from X's &amp;
    assert created["referenced_tweets"] == [{"type": "replied_to", "id": question["id"]}]
    assert created["in_reply_to_user_id"] == world.strangers[0]["id"]


def test_like(world: World) -> None:
    tweet = world.fake.add_tweet(world.friends[0], "Look at this loaf")
    world.fake.fail("like", 503)
    client_for(world, sleep=Sleeps()).like(tweet["id"])
    assert (world.me["id"], tweet["id"]) in world.fake.likes


@pytest.mark.parametrize(
    ("zone", "moment", "shown"),
    [
        ("UTC", datetime(2026, 3, 1, 9, 30, tzinfo=UTC), "09:30"),
        ("America/New_York", datetime(2026, 3, 1, 9, 30, tzinfo=UTC), "04:30"),  # EST
        ("America/New_York", datetime(2026, 7, 1, 9, 30, tzinfo=UTC), "05:30"),  # EDT
        ("Asia/Kolkata", datetime(2026, 3, 1, 23, 45, tzinfo=UTC), "05:15"),  # next day
    ],
)
def test_local_hhmm_is_the_users_wall_clock(
    zone: str, moment: datetime, shown: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rate limit "until 14:05" must be in the user's time zone, daylight saving included."""
    import time

    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        assert local_hhmm(moment) == shown
    finally:
        monkeypatch.undo()
        time.tzset()
