"""Issue 13's `tuicoach queue add "TEXT" --reply-to ID`: the queued item is a reply, posted
as one through the outbox; a bad id is refused with a clear message and nothing queued."""

from __future__ import annotations

import json

from conftest import tc

NOW = "2026-03-04T15:00:00Z"


def test_a_queued_reply_is_posted_as_a_reply(env: dict[str, str]) -> None:
    code, out, err = tc(env, "owed", "--demo", "--now", NOW, "--json")
    assert code == 0, err
    target = json.loads(out)[0]
    code, out, err = tc(
        env,
        "queue",
        "add",
        "--demo",
        "--now",
        NOW,
        "Sorry about that, a new bag is on its way today. ^JD",
        "--reply-to",
        target["id"],
    )
    assert code == 0, err
    (item,) = json.loads(tc(env, "queue", "list", "--demo", "--json")[1])
    assert item["reply_to_id"] == target["id"]
    code, out, err = tc(env, "queue", "send", "--demo", "--now", NOW, str(item["id"]))
    assert code == 0, err
    # Posted as a reply: the owed list no longer holds that tweet.
    owed = json.loads(tc(env, "owed", "--demo", "--now", NOW, "--json")[1])
    assert target["id"] not in {o["id"] for o in owed}


def test_a_bad_reply_id_is_refused_and_nothing_queued(env: dict[str, str]) -> None:
    code, _, err = tc(env, "queue", "add", "--demo", "--now", NOW, "Hello", "--reply-to", "abc")
    assert code == 2 and "--reply-to 'abc': a tweet id is a number" in err
    assert json.loads(tc(env, "queue", "list", "--demo", "--json")[1]) == []
