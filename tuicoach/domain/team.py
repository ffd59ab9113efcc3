"""The team at one moment, as values: who has a mention open, who holds it, who drafted.

The store reads them (``store/presence.py``, ``store/team.py``) and the Mentions
pane shows them; they live here, apart from the store, so that a first screen
handed over by the reader process (``ui/reader.py``) loads without the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Presence:
    """``who`` has ``tweet_id`` open (``state`` "open") or is writing a reply ("replying")."""

    who: str
    tweet_id: str
    state: str
    heartbeat_at: datetime


@dataclass(frozen=True, slots=True)
class Claim:
    """Who has a mention: ``by`` since ``at``; ``assigned_by`` when someone gave it to them."""

    tweet_id: str
    by: str
    at: datetime
    assigned_by: str | None = None


@dataclass(frozen=True)
class TeamView:
    """The team at one moment, by tweet id, as the Mentions pane shows it."""

    presence: dict[str, tuple[Presence, ...]] = field(default_factory=dict)
    claims: dict[str, Claim] = field(default_factory=dict)
    drafts: dict[str, tuple[str, ...]] = field(default_factory=dict)  # authors of drafts
    marked_by: dict[str, str] = field(default_factory=dict)
    names: tuple[str, ...] = ()  # every teammate the store has seen, sorted

    def others(self, tweet_id: str, me: str) -> tuple[Presence, ...]:
        return tuple(p for p in self.presence.get(tweet_id, ()) if p.who != me)

    def words(self, tweet_id: str, me: str) -> str | None:
        """What a row says of the team, in words (so it needs no colour): "Jen is
        replying · Sam has it", "assigned to Sam by Jen", "Jen has a draft"."""
        said: list[str] = []
        for p in self.others(tweet_id, me):
            said.append(f"{p.who} is replying" if p.state == "replying" else f"{p.who} has it open")
        if (held := self.claims.get(tweet_id)) is not None:
            who = "you" if held.by == me else held.by
            if held.assigned_by is not None:
                by = "" if held.assigned_by == held.by else f" by {held.assigned_by}"
                said.append(f"assigned to {who}{by}")
            else:
                said.append("you have it" if held.by == me else f"{held.by} has it")
        replying = {p.who for p in self.others(tweet_id, me) if p.state == "replying"}
        for author in self.drafts.get(tweet_id, ()):
            if author != me and author not in replying:
                said.append(f"{author} has a draft")
        if (marker := self.marked_by.get(tweet_id)) is not None and marker != me:
            said.append(f"marked by {marker}")
        return " · ".join(said) or None
