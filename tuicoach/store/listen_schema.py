"""The listening tables (saved searches, opportunities, their undo stack), and their steps.

Kept apart from ``schema.py`` so listening's SQL reads in one place:
``schema.MIGRATIONS`` appends :data:`V_LISTEN` as its own step ("listen"), and
later :data:`V_LISTEN_BACKLOG` / :data:`PG_LISTEN_BACKLOG` ("listen_backlog",
for SQLite and PostgreSQL).
"""

from __future__ import annotations

V_LISTEN = """
-- Saved searches of this account (tuicoach/domain/listen.py); newest_id is the since_id cursor.
CREATE TABLE saved_searches (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    terms TEXT NOT NULL DEFAULT '[]',  -- JSON list of strings
    query TEXT,
    lang TEXT,
    exclude TEXT NOT NULL DEFAULT '[]',  -- JSON list of strings
    newest_id TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Tweets a saved search found (the tweet itself is in tweets), and what the user decided.
CREATE TABLE opportunities (
    search TEXT NOT NULL REFERENCES saved_searches (name) ON DELETE CASCADE,
    tweet_id TEXT NOT NULL,
    found_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'open'
        CHECK (state IN ('open', 'handled', 'not-worth-joining', 'snoozed')),
    reason TEXT NOT NULL DEFAULT '',
    until TEXT,
    PRIMARY KEY (search, tweet_id)
);
CREATE INDEX opportunities_by_tweet ON opportunities (tweet_id);

-- Each decision's previous state, newest last: undo pops one.
CREATE TABLE opportunity_undo (
    id INTEGER PRIMARY KEY,
    search TEXT NOT NULL,
    tweet_id TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    until TEXT
);
"""

# A saved search's backlog: the posts between two ids it has not read yet, because a
# burst held more than one poll's pages. backlog_until (exclusive) is the oldest post
# read; backlog_since (exclusive) the cursor the burst started from, NULL for back to
# the 7-day window's edge. No backlog when backlog_until is NULL.
V_LISTEN_BACKLOG = """
ALTER TABLE saved_searches ADD COLUMN backlog_since TEXT;
ALTER TABLE saved_searches ADD COLUMN backlog_until TEXT;
"""

PG_LISTEN_BACKLOG = """
ALTER TABLE saved_searches ADD COLUMN backlog_since text COLLATE "C";
ALTER TABLE saved_searches ADD COLUMN backlog_until text COLLATE "C";
"""
