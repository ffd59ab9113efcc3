"""Feedback tags in the store: several per tweet, the user's own tags among them.

Functions over a :class:`~tuicoach.store.Store`, kept out of ``store.py`` so the
feedback feature stands on its own. Tags are lower-case words
(``bug``, ``idea``, ``decaf-beans``); the table is ``tags`` (schema version 4).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from tuicoach.store.store import Store, dt, ts

#: The tags every account has; the config adds its own.
BUILTIN_TAGS = ("bug", "idea", "praise", "complaint", "question")

_TAG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


class TagError(ValueError):
    """A tag that cannot be stored; the message says what a tag may be."""


def clean_tag(tag: str) -> str:
    """The stored form of a tag: lower case, trimmed; a clear error when it cannot be one."""
    name = tag.strip().lower().lstrip("#")
    if not _TAG.match(name):
        raise TagError(
            f"tag {tag!r}: a tag is one word of letters, digits, '-' or '_' "
            "(at most 32), such as 'bug' or 'decaf-beans'"
        )
    return name


def add_tag(store: Store, tweet_id: str, tag: str, *, now: datetime) -> None:
    name = clean_tag(tag)
    with store.transaction() as db:
        db.execute(
            "INSERT OR IGNORE INTO tags (tweet_id, tag, tagged_at) VALUES (?, ?, ?)",
            (tweet_id, name, ts(now)),
        )


def remove_tag(store: Store, tweet_id: str, tag: str) -> None:
    with store.transaction() as db:
        db.execute("DELETE FROM tags WHERE tweet_id = ? AND tag = ?", (tweet_id, clean_tag(tag)))


def toggle_tag(store: Store, tweet_id: str, tag: str, *, now: datetime) -> bool:
    """Add the tag, or take it off if the tweet has it; True when it is now on."""
    name = clean_tag(tag)
    if name in tags_of(store, tweet_id):
        remove_tag(store, tweet_id, name)
        return False
    add_tag(store, tweet_id, name, now=now)
    return True


def tags_of(store: Store, tweet_id: str) -> tuple[str, ...]:
    with store.reading() as db:
        rows = db.execute(
            "SELECT tag FROM tags WHERE tweet_id = ? ORDER BY tag", (tweet_id,)
        ).fetchall()
    return tuple(r[0] for r in rows)


def all_tags(store: Store, tweet_ids: Iterable[str] | None = None) -> dict[str, tuple[str, ...]]:
    """Tweet id -> its tags (sorted), for every tagged tweet or only those asked for."""
    with store.reading() as db:
        rows = db.execute("SELECT tweet_id, tag FROM tags ORDER BY tweet_id, tag").fetchall()
    wanted = None if tweet_ids is None else set(tweet_ids)
    found: dict[str, list[str]] = {}
    for tweet_id, tag in rows:
        if wanted is None or tweet_id in wanted:
            found.setdefault(tweet_id, []).append(tag)
    return {k: tuple(v) for k, v in found.items()}


def tagged_at(store: Store) -> dict[tuple[str, str], datetime]:
    """(tweet id, tag) -> when it was tagged."""
    with store.reading() as db:
        rows = db.execute("SELECT tweet_id, tag, tagged_at FROM tags").fetchall()
    return {(r[0], r[1]): dt(r[2]) for r in rows}
