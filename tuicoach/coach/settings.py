"""What the user can tune about the coach: per-rule switches, thresholds, word lists.

Plain frozen data, no I/O: ``tuicoach.config`` reads these from TOML, and the
UI or a test can build them directly. The defaults are the rulebook's
"starting point"; every rule is a suggestion, so every one can be turned off,
re-graded or re-weighted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from tuicoach.coach.rules import RULES
from tuicoach.domain.models import Severity


@dataclass(frozen=True, slots=True)
class RuleSettings:
    """One rule's switch, how loud it is, and what it costs (or earns) in the score."""

    enabled: bool
    severity: Severity
    weight: int


def default_rules() -> dict[str, RuleSettings]:
    """Every registered rule with the severity and weight it was declared with."""
    return {r.id: RuleSettings(True, r.severity, r.weight) for r in RULES.values()}


def _limit(default: float, help_text: str, *, low: float = 0, high: float | None = None) -> Any:
    return field(default=default, metadata={"help": help_text, "min": low, "max": high})


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Every number in the rulebook. ``help`` metadata becomes a comment in ``tuicoach config``."""

    max_hashtags: int = _limit(2, "spam-signals: more hashtags than this")
    shout_words: int = _limit(3, "spam-signals: this many ALL-CAPS words is shouting", low=1)
    shout_min_letters: int = _limit(3, "spam-signals: shorter capitals are not shouting", low=1)
    punctuation_run: int = _limit(2, "spam-signals: a run of this many ! or $ in a row", low=2)
    max_links: int = _limit(1, "spam-signals: more links than this")
    max_mentions: int = _limit(3, "mass-mention: more @mentions than this (outside the thread)")
    we_count: int = _limit(3, "we-we-we: this many we/our/us and no you", low=1)
    write_only_max_words: int = _limit(8, "write-only: a link with at most this many words")
    near_duplicate_ratio: float = _limit(
        85.0, "near-duplicate: token_set_ratio (0-100) that counts as the same", high=100
    )
    near_duplicate_days: int = _limit(90, "near-duplicate: how far back to look, in days", low=1)
    near_duplicate_error_days: int = _limit(
        7, "near-duplicate: a promotional repeat within this many days is an error (0: never)"
    )
    near_duplicate_min_words: int = _limit(
        3, "near-duplicate: drafts with fewer words are not checked", low=1
    )
    promo_window: int = _limit(20, "promo-balance: how many recent tweets to look at", low=1)
    promo_share: float = _limit(
        0.25, "promo-balance: promotional share (0-1) above which it fires", high=1
    )
    burst_count: int = _limit(4, "burst: this many broadcasts ...", low=2)
    burst_minutes: int = _limit(30, "burst: ... within this many minutes", low=1)
    quiet_days: float = _limit(2.0, "quiet-account: days since the last tweet")
    owed_wait_hours: float = _limit(2.0, "owed-replies-waiting: hours a mention has waited")
    error_cap: int = _limit(40, "score: the most a draft with an error can score", high=100)

    @classmethod
    def help(cls, name: str) -> str:
        return str(_FIELDS[name].metadata["help"])

    @classmethod
    def bounds(cls, name: str) -> tuple[float, float | None]:
        meta = _FIELDS[name].metadata
        return meta["min"], meta["max"]


_FIELDS = {f.name: f for f in fields(Thresholds)}

# Word lists, matched as whole words or phrases, case-insensitive, with any run
# of spaces or hyphens between words. "<n>" stands for a number (3, three).
DEFAULT_WORDS: dict[str, tuple[str, ...]] = {
    # ask-to-promote (001: "constantly bugging people to promote you will just annoy them")
    "ask-to-promote": (
        "please rt",
        "pls rt",
        "plz rt",
        "please retweet",
        "pls retweet",
        "plz retweet",
        "please repost",
        "rt if you",
        "retweet if you",
        "rt to win",
        "retweet to win",
        "rt and win",
        "rt & win",
        "rt and follow",
        "rt & follow",
        "share this with your",
        "share this with a friend",
        "share this with everyone",
        "share this with friends",
        "share with your friends",
        "share with your followers",
        "spread the word",
        "help us spread",
        "pass it on",
    ),
    # ask-for-contacts: other people's contacts, in any tweet (001: "Ask for contacts")
    "ask-for-contacts": (
        "tag <n> friends",
        "tag <n> people",
        "tag a friend",
        "tag your friends",
        "tag your friend",
        "tag someone",
        "tag a mate",
        "tag your bestie",
        "refer a friend",
        "refer your friends",
        "invite your coworkers",
        "invite your co-workers",
        "invite your colleagues",
        "invite your friends",
        "send us your friends",
        "share your contacts",
    ),
    # ask-for-contacts, but only in broadcasts: a reply asking for an email is support
    "ask-for-email": (
        "send us your email",
        "send me your email",
        "drop your email",
        "leave your email",
        "enter your email",
        "sign up with your email",
        "join our mailing list",
        "join our email list",
    ),
    # spam-signals (000: "don't ever SPAM")
    "follow-bait": (
        "follow back",
        "#followback",
        "#teamfollowback",
        "f4f",
        "#f4f",
        "follow4follow",
        "follow for follow",
        "follow us to win",
        "follow to win",
        "follow and rt",
        "follow & rt",
        "follow and retweet",
        "l4l",
    ),
    # hard-sell (000: "balance the marketing with interaction"); price tags are built in
    "hard-sell": (
        "buy now",
        "order now",
        "order today",
        "order yours",
        "limited time",
        "limited offer",
        "<n>% off",
        "<n> % off",
        "percent off",
        "discount code",
        "promo code",
        "coupon code",
        "use code",
        "act now",
        "don't miss out",
        "dont miss out",
        "shop now",
        "shop today",
        "while stocks last",
        "while supplies last",
        "today only",
        "last chance",
        "flash sale",
        "huge sale",
        "sale ends",
        "free shipping",
        "buy one get one",
        "bogo",
        "lowest price",
        "lowest prices",
        "best price",
        "call now",
        "book now",
    ),
    # sensitive-topic (001: "controversial subjects"); 003 says some brands do it on purpose
    "sensitive-topic": (
        "election",
        "elections",
        "electoral",
        "ballot",
        "ballots",
        "go vote",
        "get out the vote",
        "politics",
        "political",
        "politician",
        "politicians",
        "political party",
        "political parties",
        "democrat",
        "democrats",
        "democratic party",
        "republican",
        "republicans",
        "gop",
        "tory",
        "tories",
        "labour party",
        "conservative party",
        "liberal party",
        "presidential",
        "presidential candidate",
        "candidate for president",
        "senator",
        "congressman",
        "congresswoman",
        "trump",
        "biden",
        "obama",
        "abortion",
        "pro-life",
        "pro-choice",
        "gun control",
        "immigration",
        "religion",
        "religious",
        "church",
        "mosque",
        "synagogue",
        "pray",
        "prayer",
        "prayers",
        "bible",
        "quran",
        "koran",
        "jesus",
        "allah",
        "atheist",
        "atheism",
    ),
    # unprofessional (002: "you are still at work when you sign in")
    "profanity": (
        "fuck",
        "fucks",
        "fucked",
        "fucking",
        "fuckin",
        "motherfucker",
        "shit",
        "shits",
        "shitty",
        "bullshit",
        "bitch",
        "bitches",
        "bastard",
        "bastards",
        "asshole",
        "assholes",
        "arsehole",
        "dumbass",
        "jackass",
        "crap",
        "crappy",
        "piss",
        "pissed",
        "cunt",
        "wtf",
        "stfu",
        "ffs",
        "omfg",
        "goddamn",
        "damn",
        "dammit",
        "damnit",
        "damned",
        "bollocks",
        "wanker",
    ),
    "intoxication": (
        "so drunk",
        "very drunk",
        "got drunk",
        "get drunk",
        "getting drunk",
        "still drunk",
        "drunk again",
        "drunk af",
        "blackout drunk",
        "i'm drunk",
        "i was drunk",
        "we were drunk",
        "hungover",
        "wasted last night",
        "got wasted",
        "get wasted",
        "getting wasted",
        "so wasted",
        "high af",
        "smashed last night",
        "off my face",
    ),
    "insults": (
        "idiot",
        "idiots",
        "moron",
        "morons",
        "imbecile",
        "you're stupid",
        "you are stupid",
        "stupid customer",
        "stupid customers",
        "you're dumb",
        "you are dumb",
        "learn to read",
        "not our problem",
        "your own fault",
        "loser",
        "losers",
    ),
    # unprofessional: blaming or talking down to the customer (002: "you are still at
    # work"); a sentence with one of these never earns invites-conversation for "you".
    "blame": (
        "the problem is on your end",
        "problem is on your end",
        "on your end",
        "your fault",
        "you should have",
        "you should've",
        "you shouldn't have",
        "maybe learn to",
        "learn to",
        "learn how to",
        "read the instructions",
        "read the manual",
        "user error",
        "as we already said",
        "as we said",
        "as i said",
        "as i already said",
        "like we said",
        "did you even",
        "do you even",
        "not our fault",
        "not our problem",
        "your problem",
        "you people",
        "calm down",
        "try harder",
        "it's not that hard",
        "it isn't that hard",
        "not rocket science",
        "obviously you",
        "clearly you",
        "you clearly",
        "you obviously",
        "you failed to",
        "you didn't read",
        "you did it wrong",
        "you're doing it wrong",
        "you are doing it wrong",
        "brew it right",
        "nothing wrong with our",
        "nothing wrong on our end",
    ),
    # invites-conversation (000: "open yourself up for questions & input")
    "invites-input": (
        "let us know",
        "let me know",
        "tell us",
        "tell me",
        "we'd love to hear",
        "love to hear",
        "what do you think",
        "your thoughts",
        "share your",
        "reply with",
        "comment below",
        "in the comments",
        "drop us a line",
        "give us a shout",
        "ask us",
        "ask me",
        "get in touch",
        "dm us",
        "dm me",
        "keep us posted",
        "reach out",
        "we want to hear",
    ),
    # spam-signals: ALL-CAPS words that are names, not shouting
    "acronyms": (
        "USA",
        "SEO",
        "FAQ",
        "FAQS",
        "ASAP",
        "CEO",
        "CTO",
        "CFO",
        "COO",
        "API",
        "URL",
        "HTML",
        "CSS",
        "PDF",
        "DIY",
        "FYI",
        "NYC",
        "GPS",
        "ATM",
        "PIN",
        "SMS",
        "USB",
        "BBQ",
        "LOL",
        "OMG",
        "IPA",
        "RSVP",
        "TBA",
        "TBD",
        "ETA",
        "AKA",
        "NBA",
        "NFL",
        "NHS",
        "BBC",
        "CNN",
        "NASA",
        "SXSW",
        "UPS",
        "USPS",
        "DHL",
        "SUV",
        "VIP",
        "PST",
        "EST",
        "GMT",
        "UTC",
        "BST",
        "CET",
        "CEST",
        "PDT",
        "EDT",
        "CDT",
        "CST",
        "MST",
        "USD",
        "EUR",
        "GBP",
        "CAD",
        "AUD",
        "SKU",
        "NFT",
        "IOS",
        "MAC",
        "PC",
        "TV",
        "DVD",
        "LED",
        "LCD",
        "HDMI",
        "WIFI",
        "VAT",
        "GST",
        "IRS",
        "HMRC",
        "LLC",
        "LTD",
        "INC",
        "PLC",
        "AGM",
        "AMA",
        "ISBN",
        "MBA",
        "PHD",
        "DNA",
        "IKEA",
        "LEGO",
        "BMW",
        "HSBC",
        "ASOS",
        "NASCAR",
        "NATO",
        "UNESCO",
        "UNICEF",
        "YMCA",
        "JPEG",
        "PNG",
        "GIF",
        "SQL",
        "PHP",
        "AWS",
        "CRM",
        "ROI",
        "KPI",
        "B2B",
        "B2C",
        "HQ",
        "NYE",
        "BOGO",
    ),
}


@dataclass(frozen=True, slots=True)
class CoachSettings:
    """All the coach's settings. ``words`` maps a list name (see DEFAULT_WORDS) to phrases."""

    rules: Mapping[str, RuleSettings] = field(default_factory=default_rules)
    thresholds: Thresholds = field(default_factory=Thresholds)
    words: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_WORDS))

    def __post_init__(self) -> None:
        unknown = sorted(set(self.rules) - set(RULES))
        if unknown:
            raise ValueError(f"no such rule: {', '.join(unknown)}")
        unknown = sorted(set(self.words) - set(DEFAULT_WORDS))
        if unknown:
            raise ValueError(f"no such word list: {', '.join(unknown)}")

    def rule(self, rule_id: str) -> RuleSettings:
        """The settings of one rule; a rule left out of ``rules`` keeps its defaults."""
        found = self.rules.get(rule_id)
        if found is not None:
            return found
        declared = RULES[rule_id]
        return RuleSettings(True, declared.severity, declared.weight)

    def word_list(self, name: str) -> tuple[str, ...]:
        return tuple(self.words.get(name, DEFAULT_WORDS[name]))

    def with_rule(self, rule_id: str, **changes: Any) -> CoachSettings:
        """A copy with one rule changed: ``settings.with_rule("burst", enabled=False)``."""
        rules = dict(self.rules)
        rules[rule_id] = replace(self.rule(rule_id), **changes)
        return replace(self, rules=rules)

    def with_thresholds(self, **changes: Any) -> CoachSettings:
        return replace(self, thresholds=replace(self.thresholds, **changes))

    def with_words(self, name: str, words: tuple[str, ...]) -> CoachSettings:
        merged = dict(self.words)
        merged[name] = tuple(words)
        return replace(self, words=merged)
