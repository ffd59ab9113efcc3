"""The account check-up (pure): the profile and the habits, held against the essays.

Rule ids as in RULEBOOK.md, "The account check-up (002)", plus the account
rules it shares with the coach (``quiet-account``, ``promo-balance``). Each
finding says what was seen and why it matters, and what to try; a check that
passes says so too (severity ``good``), so the panel reads as a full check-up.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tuicoach.domain.models import Finding, Severity
from tuicoach.domain.report import AccountReport

#: Words that say what a business is or offers (a bio with one of them, or the
#: business's own name, passes ``profile-business``).
OFFER_WORDS = (
    "agency", "app", "bakery", "bar", "boutique", "brewery", "café", "cafe", "clinic", "coffee",
    "company", "consultancy", "design", "shop", "store", "studio", "restaurant", "roaster",
    "roastery", "roasters", "salon", "service", "services", "software", "supplier", "makers",
    "handmade", "made", "we make", "we sell", "we offer", "we help", "we build", "we bake",
    "we roast", "selling", "serving", "delivery", "products", "official",
)  # fmt: skip

#: Words that give people a reason to follow (help, news, offers).
OBJECTIVE_WORDS = (
    "answer", "answers", "ask", "ask us", "deals", "dm", "dm us", "events", "follow for", "help",
    "here to help", "news", "offers", "questions", "support", "tips", "updates", "we reply",
    "announcements", "behind the scenes", "recipes", "specials",
)  # fmt: skip


def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = sorted((re.escape(w) for w in words), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


_OFFER = _pattern(OFFER_WORDS)
_OBJECTIVE = _pattern(OBJECTIVE_WORDS)
_LINK = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Profile:
    """What the account says about itself (X: ``users/me`` with description, url, entities)."""

    username: str
    name: str = ""
    description: str = ""
    url: str | None = None  # the profile's website, expanded where X said

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Profile:
        """From an X API v2 user object; t.co links are put back as the user typed them."""
        entities = raw.get("entities") if isinstance(raw.get("entities"), Mapping) else {}
        assert isinstance(entities, Mapping)

        def expanded(section: str) -> list[Mapping[str, Any]]:
            part = entities.get(section)
            urls = part.get("urls") if isinstance(part, Mapping) else None
            return [u for u in urls or [] if isinstance(u, Mapping)]

        url = raw.get("url") or None
        for entry in expanded("url"):
            if entry.get("url") == url and entry.get("expanded_url"):
                url = entry["expanded_url"]
        description = str(raw.get("description") or "")
        for entry in expanded("description"):
            if entry.get("url") and entry.get("expanded_url"):
                description = description.replace(str(entry["url"]), str(entry["expanded_url"]))
        return cls(
            username=str(raw.get("username", "")),
            name=str(raw.get("name", "")),
            description=description,
            url=str(url) if url else None,
        )


@dataclass(frozen=True, slots=True)
class Goals:
    """The targets the user sets (config ``[goals]``); the rulebook's defaults."""

    reply_rate: float = 0.8
    reply_seconds: float = 3600.0  # the median first reply in business hours
    quiet_days: float = 2.0
    promo_share: float = 0.25


def _minutes(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes}m"
    hours, rest = divmod(minutes, 60)
    return f"{hours}h {rest}m" if rest else f"{hours}h"


def _good(rule: str, message: str) -> Finding:
    return Finding(rule, Severity.GOOD, message, "Keep it that way.")


def check_profile(profile: Profile) -> list[Finding]:
    bio = profile.description.strip()
    findings: list[Finding] = []
    names = {w.lower() for w in re.findall(r"\w{3,}", profile.name)} | {profile.username.lower()}
    named = any(w.lower() in names for w in re.findall(r"\w{3,}", bio))
    if not bio:
        findings.append(
            Finding(
                "profile-business",
                Severity.WARNING,
                "Your bio is empty: people who find you cannot tell what the business is.",
                "Say in a line what you are and offer, e.g. 'Small-batch coffee roastery "
                "& café in Wrenfield'.",
            )
        )
    elif not (_OFFER.search(bio) or named):
        findings.append(
            Finding(
                "profile-business",
                Severity.WARNING,
                "Your bio does not name the business or say what it offers (002: put your "
                "business name and what you do in your bio).",
                "Start it with what you are and sell: 'Family bakery: sourdough, cakes, coffee'.",
            )
        )
    else:
        findings.append(_good("profile-business", "Your bio says what the business is."))
    if not profile.url and not _LINK.search(bio):
        findings.append(
            Finding(
                "profile-link",
                Severity.WARNING,
                "Your profile has no link to your site, so interest has nowhere to go.",
                "Add your website in the profile's Website field.",
            )
        )
    else:
        findings.append(_good("profile-link", f"Your profile links to {profile.url or 'a site'}."))
    if not _OBJECTIVE.search(bio):
        findings.append(
            Finding(
                "profile-objective",
                Severity.TIP,
                "Your bio gives no reason to follow: what people get here (help, news, offers).",
                "Add one: 'Questions? We answer here 9-5' or 'New roasts and offers first'.",
            )
        )
    else:
        findings.append(_good("profile-objective", "Your bio tells people what they get here."))
    return findings


def check_account(report: AccountReport, *, now: datetime, goals: Goals) -> list[Finding]:
    findings: list[Finding] = []
    if report.last_post is None:
        findings.append(
            Finding(
                "quiet-account",
                Severity.TIP,
                "You have not posted yet; an account that stays quiet is easy to forget.",
                "Post a couple of times a day: a tip, a question, what's new.",
            )
        )
    else:
        gap = now - report.last_post
        if gap > timedelta(days=goals.quiet_days):
            findings.append(
                Finding(
                    "quiet-account",
                    Severity.TIP,
                    f"Your last post was {gap.days} days ago; an account that goes quiet for "
                    "days is easy to forget (000: be consistent).",
                    "Post something today, and queue a few through the week.",
                )
            )
        else:
            findings.append(_good("quiet-account", "You have posted in the last days."))
    first = report.first_reply
    rate = first.reply_rate
    if rate is not None and rate < goals.reply_rate:
        findings.append(
            Finding(
                "reply-rate",
                Severity.WARNING,
                f"You answered {rate:.0%} of the {first.addressed} tweets addressed to you, "
                f"under your goal of {goals.reply_rate:.0%} (001: fail to respond).",
                "Work through the owed list, most needed first; mark the ones that need "
                "nothing as 'no reply needed'.",
            )
        )
    elif rate is not None:
        findings.append(_good("reply-rate", f"You answered {rate:.0%} of the people who spoke."))
    median = report.business_hours.median_seconds
    if median is not None and median > goals.reply_seconds:
        findings.append(
            Finding(
                "reply-time",
                Severity.WARNING,
                f"Your median first reply in business hours is {_minutes(median)}, slower than "
                f"your goal of {_minutes(goals.reply_seconds)}.",
                "Check the owed list a few times a day; short answers now beat long ones later.",
            )
        )
    elif median is not None:
        findings.append(
            _good("reply-time", f"Your median first reply in business hours is {_minutes(median)}.")
        )
    share = report.promo_share
    if share is not None and share > goals.promo_share:
        findings.append(
            Finding(
                "promo-balance",
                Severity.WARNING,
                f"{share:.0%} of your tweets in the period were promotional, above 1 in "
                f"{round(1 / goals.promo_share) if goals.promo_share else 0}; marketing needs "
                "balancing with interaction.",
                "Between offers, post answers, tips and thanks.",
            )
        )
    elif share is not None:
        findings.append(_good("promo-balance", f"Promotions are {share:.0%} of your tweets."))
    return findings


def checkup(
    profile: Profile | None, report: AccountReport, *, now: datetime, goals: Goals | None = None
) -> list[Finding]:
    """Every check-up finding, problems first (the profile is skipped when unknown)."""
    goals = goals or Goals()
    findings = (check_profile(profile) if profile is not None else []) + check_account(
        report, now=now, goals=goals
    )
    findings.sort(key=lambda f: f.severity.rank)
    return findings
