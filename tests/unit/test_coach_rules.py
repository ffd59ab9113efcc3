"""The draft rules, held against RULEBOOK.md: ids, defaults, examples, and spans.

Each table row is a draft and what the coach must (or must not) say about it;
"excerpts" are the parts of the draft the findings point at.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tuicoach.coach import RULES, Coach, CoachSettings
from tuicoach.domain.models import Draft, Mention, Report, Severity, Tweet, User

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
COACH = Coach()

# The contract: every id in the rulebook, with its default severity.
RULEBOOK_DEFAULTS = {
    "empty": "error",
    "too-long": "error",
    "ask-to-promote": "warning",
    "ask-for-contacts": "warning",
    "spam-signals": "warning",
    "mass-mention": "warning",
    "hard-sell": "tip",
    "write-only": "warning",
    "sensitive-topic": "warning",
    "unprofessional": "warning",
    "we-we-we": "tip",
    "invites-conversation": "good",
    "personal-touch": "good",
    "near-duplicate": "warning",
    "promo-balance": "warning",
    "burst": "warning",
    "quiet-account": "tip",
    "owed-replies-waiting": "warning",
    # RULEBOOK, "Listening": a pitch in a stranger's conversation (an opportunity).
    "pitch-to-stranger": "warning",
}


def report(text: str, *, reply: bool = False, conversation: frozenset[str] = frozenset()) -> Report:
    if reply:
        parent = Tweet(id="1", text="@shop help?", created_at=NOW, author_id="9")
        draft = Draft(text, reply_to=parent, reply_usernames=conversation)
        return COACH.report(draft, now=NOW)
    return COACH.report(text, now=NOW)


def excerpts(result: Report, rule: str) -> list[str | None]:
    """What each finding of ``rule`` points at, as text (None for whole-draft findings)."""
    return [
        None if f.start is None or f.end is None else result.text[f.start : f.end]
        for f in result.by_rule(rule)
    ]


def test_every_rulebook_rule_is_registered_with_its_default_severity() -> None:
    assert {rule_id: r.severity.value for rule_id, r in RULES.items()} == RULEBOOK_DEFAULTS
    settings = CoachSettings()
    for rule_id, severity in RULEBOOK_DEFAULTS.items():
        assert settings.rule(rule_id).severity.value == severity
        assert settings.rule(rule_id).enabled


def test_rulebook_thresholds_are_the_defaults() -> None:
    t = CoachSettings().thresholds
    assert (t.max_hashtags, t.shout_words, t.shout_min_letters, t.max_links) == (2, 3, 3, 1)
    assert (t.max_mentions, t.we_count) == (3, 3)
    assert (t.near_duplicate_ratio, t.near_duplicate_days, t.near_duplicate_error_days) == (
        85,
        90,
        7,
    )
    assert (t.promo_window, t.promo_share) == (20, 0.25)
    assert (t.burst_count, t.burst_minutes, t.quiet_days, t.owed_wait_hours) == (4, 30, 2, 2)
    assert t.error_cap == 40


# --- RULEBOOK.md, "Examples" ----------------------------------------------------

EXAMPLES = [
    ("New blog post: https://example.com/p/123", {"write-only"}, {"invites-conversation"}),
    (
        "Please RT!! Our spring sale is ON, 20% off everything, shop now https://shop.example.com",
        {"ask-to-promote", "hard-sell", "spam-signals"},
        {"invites-conversation"},
    ),
    (
        "Sorry the grinder arrived damaged, Sam. Could you DM us your order number so we can "
        "send a new one today? ^JD",
        {"invites-conversation", "personal-touch"},
        {"hard-sell", "spam-signals", "write-only"},
    ),
    ("Tag 3 friends who need coffee and win a bag of beans!", {"ask-for-contacts"}, {"write-only"}),
    (
        "What's the one brewing tip you wish you'd learned sooner?",
        {"invites-conversation"},
        {"hard-sell", "we-we-we"},
    ),
    (
        "We are proud of our team and our new roastery. We worked hard on our beans.",
        {"we-we-we"},
        {"invites-conversation"},
    ),
]


@pytest.mark.parametrize(("text", "must", "must_not"), EXAMPLES)
def test_rulebook_examples(text: str, must: set[str], must_not: set[str]) -> None:
    fired = {f.rule for f in report(text).findings}
    assert must <= fired, f"missing {must - fired}"
    assert not (must_not & fired), f"should not fire: {must_not & fired}"


def test_rulebook_example_spans() -> None:
    sale = report(
        "Please RT!! Our spring sale is ON, 20% off everything, shop now https://shop.example.com"
    )
    assert excerpts(sale, "ask-to-promote") == ["Please RT"]
    assert excerpts(sale, "spam-signals") == ["!!"]
    assert excerpts(sale, "hard-sell") == ["20% off", "shop now"]
    assert sale.promotional
    blog = report("New blog post: https://example.com/p/123")
    assert excerpts(blog, "write-only") == ["https://example.com/p/123"]
    assert not blog.promotional
    sorry = report(
        "Sorry the grinder arrived damaged, Sam. Could you DM us your order number so we can "
        "send a new one today? ^JD"
    )
    assert excerpts(sorry, "personal-touch") == ["^JD"]
    assert excerpts(sorry, "invites-conversation") == [
        "Could you DM us your order number so we can send a new one today?"
    ]
    assert excerpts(report("Tag 3 friends who need coffee!"), "ask-for-contacts") == [
        "Tag 3 friends"
    ]
    assert excerpts(report("We are proud of our team and our new roastery."), "we-we-we") == [None]


# --- fires, with what it points at --------------------------------------------

FIRES: list[tuple[str, str, list[str | None], bool]] = [
    # (draft, rule, excerpts, is a reply)
    ("", "empty", [None], False),
    ("   \n\t", "empty", [None], False),
    ("\u200b\u200d\u200e\ufeff", "empty", [None], False),
    ("a" * 281, "too-long", ["a"], False),
    ("😀" * 141, "too-long", ["😀"], False),
    ("字" * 150, "too-long", ["字" * 10], False),
    ("pls retweet, our market stall is back", "ask-to-promote", ["pls retweet"], False),
    ("RT if you agree Monday needs more coffee", "ask-to-promote", ["RT if you"], False),
    ("Spread the word: market on Saturday", "ask-to-promote", ["Spread the word"], False),
    ("Retweet to win a mug", "ask-to-promote", ["Retweet to win"], False),
    ("Share this with your team", "ask-to-promote", ["Share this with your"], False),
    ("Tag a friend who loves pastries", "ask-for-contacts", ["Tag a friend"], False),
    ("Tag two friends for a free cookie", "ask-for-contacts", ["Tag two friends"], False),
    ("Refer a friend and both get a latte", "ask-for-contacts", ["Refer a friend"], False),
    ("Invite your coworkers to the tasting", "ask-for-contacts", ["Invite your coworkers"], False),
    ("Send us your email for the newsletter", "ask-for-contacts", ["Send us your email"], False),
    ("Fresh bread #bakery #bread #fresh", "spam-signals", ["#bakery #bread #fresh"], False),
    ("BIG SALE TODAY at the shop", "spam-signals", ["BIG SALE TODAY"], False),
    ("WE ARE BACK AND OPEN", "spam-signals", ["ARE BACK AND OPEN"], False),
    ("Thanks so much!!", "spam-signals", ["!!"], False),
    ("Deals $$$ inside", "spam-signals", ["$$$"], False),
    (
        "Menu https://a.example.com and hours https://b.example.com",
        "spam-signals",
        ["https://a.example.com and hours https://b.example.com"],
        False,
    ),
    ("Follow back please", "spam-signals", ["Follow back"], False),
    ("New here #followback", "spam-signals", ["#followback"], False),
    ("F4F anyone", "spam-signals", ["F4F"], False),
    ("@ann @bob @cat @dan come to the tasting", "mass-mention", ["@ann @bob @cat @dan"], False),
    ("@ann thanks! cc @bob @cat @dan @eve", "mass-mention", ["@bob @cat @dan @eve"], True),
    ("Buy now while it lasts", "hard-sell", ["Buy now"], False),
    ("Use code SPRING at checkout", "hard-sell", ["Use code"], False),
    ("Bags of beans, $12 this week", "hard-sell", ["$12"], False),
    ("Croissants 2,50 € all day", "hard-sell", ["2,50 €"], False),
    ("Don’t miss out on the tasting", "hard-sell", ["Don’t miss out"], False),
    ("Limited-time blend", "hard-sell", ["Limited-time"], False),
    ("https://example.com/menu", "write-only", ["https://example.com/menu"], False),
    ("#coffee #news https://example.com/p/1", "write-only", ["https://example.com/p/1"], False),
    ("https://example.com/guide", "write-only", ["https://example.com/guide"], True),
    ("Closed on election day", "sensitive-topic", ["election"], False),
    ("The Church choir sings here on Sunday", "sensitive-topic", ["Church"], False),
    ("This fucking grinder again", "unprofessional", ["fucking"], False),
    ("So hungover after the staff party", "unprofessional", ["hungover"], False),
    ("We got wasted last night lol", "unprofessional", ["got wasted"], False),
    ("Read the sign, you idiot", "unprofessional", ["idiot"], True),
    ("We roast our beans in our shop", "we-we-we", [None], False),
    (
        "Which roast should we do next?",
        "invites-conversation",
        ["Which roast should we do next?"],
        False,
    ),
    ("¿Qué café prefieres?", "invites-conversation", ["¿Qué café prefieres?"], False),
    ("Let us know how the new blend tastes", "invites-conversation", ["Let us know"], False),
    ("This one is for you", "invites-conversation", ["you"], False),
    ("Thanks, see you soon ^JD", "personal-touch", ["^JD"], True),
    ("Hope that helps - Paige", "personal-touch", ["- Paige"], True),
    ("Keep us posted /MU", "personal-touch", ["/MU"], True),
    ("Back tomorrow – Jen Smith", "personal-touch", ["– Jen Smith"], False),
    ("So sorry. Thanks - Lee 2/2", "personal-touch", ["- Lee"], True),
    ("Try this article ^Rashmi https://t.co/a2xkfCrUG1", "personal-touch", ["^Rashmi"], True),
    ("I roasted this batch myself", "personal-touch", ["I"], False),
    ("Gracias por escribirnos - José", "personal-touch", ["- José"], True),
    ("Thanks for your patience ^j.d.", "personal-touch", ["^j.d"], True),
]


@pytest.mark.parametrize(("text", "rule", "expected", "reply"), FIRES)
def test_rule_fires(text: str, rule: str, expected: list[str | None], reply: bool) -> None:
    assert excerpts(report(text, reply=reply), rule) == expected


# --- must stay quiet ----------------------------------------------------------

QUIET: list[tuple[str, str, bool]] = [
    ("a", "empty", False),
    ("🙂", "empty", False),
    ("a" * 280, "too-long", False),
    ("😀" * 140, "too-long", False),
    ("RT @roastery: beans are back", "ask-to-promote", False),
    ("Please share your order number so we can look into it", "ask-to-promote", True),
    ("Support our art walk this weekend", "ask-to-promote", False),
    ("Send us your email and we'll sort it out", "ask-for-contacts", True),
    ("Can you DM me your full name, address and email?", "ask-for-contacts", True),
    ("We tagged our friends at the bakery", "ask-for-contacts", False),
    ("Fresh bread #bakery #bread", "spam-signals", False),
    ("Our FAQ and SEO guide for the USA", "spam-signals", False),
    ("OK, ON IT, SO SORRY", "spam-signals", False),
    ("Order ABC123 DEF456 GHI789 has shipped", "spam-signals", False),
    ("Thanks @ABCDEF @GHIJKL for visiting", "spam-signals", False),
    ("See https://example.com/BIG/SALE/NOW/PLEASE", "spam-signals", False),
    ("Thanks so much!", "spam-signals", False),
    ("UPS has a service that delivers to a UPS Store near you", "spam-signals", True),
    ("Please follow us by sending a DM", "spam-signals", True),
    ("Same link https://example.com and again https://example.com", "spam-signals", False),
    ("@ann @bob @cat come to the tasting", "mass-mention", False),
    ("@ann @bob @cat @dan thanks all of you", "mass-mention", True),
    ("Could you DM us your order number so we can send a new one today?", "hard-sell", False),
    ("Our colleagues stop underage sales", "hard-sell", True),
    ("The refill bag is $12 and ships free", "hard-sell", True),
    ("The 15:30 departure is delayed", "hard-sell", True),
    ("New blog post: what would you brew with it? https://example.com/p/1", "write-only", False),
    ("@sam here is the guide https://example.com/p/1", "write-only", False),
    ("Your guide to cold brew https://example.com/p/1", "write-only", False),
    (
        "We are closed for the holiday today and back tomorrow at seven: https://example.com/h",
        "write-only",
        False,
    ),
    ("Here is the guide we mentioned https://example.com/guide", "write-only", True),
    ("Party platters are back for the weekend", "sensitive-topic", False),
    ("Candidates for the barista job, apply inside", "sensitive-topic", False),
    ("Don't let it go to waste", "unprofessional", False),
    ("No food is wasted here", "unprofessional", False),
    ("Best coffee I've ever drunk", "unprofessional", False),
    ("Drunken noodles are today's special", "unprofessional", False),
    ("We're happy to assist in Scunthorpe", "unprofessional", False),
    (
        "I am sorry. Can you DM the address, as we ass... https://t.co/JEZhqGdBMd",
        "unprofessional",
        True,
    ),
    ("We love our beans and we roast them for you", "we-we-we", False),
    ("Made in the US, our beans, we roast", "we-we-we", False),
    ("RT if you agree", "invites-conversation", False),
    ("Tag your friends!", "invites-conversation", False),
    ("https://example.com/?q=1", "invites-conversation", False),
    ("We are proud of our team", "personal-touch", False),
    ("Open 9 - 5 today", "personal-touch", False),
    ("Open 9 - 5", "personal-touch", False),
    ("Decaf or not - up to you", "personal-touch", False),
    ("MY OH MY", "personal-touch", False),
]


@pytest.mark.parametrize(("text", "rule", "reply"), QUIET)
def test_rule_stays_quiet(text: str, rule: str, reply: bool) -> None:
    assert excerpts(report(text, reply=reply), rule) == []


def test_mentions_of_the_conversation_are_not_mass_mentions() -> None:
    text = "Thanks for the tips, all of you: see you at @ann @bob @cat @dan"
    assert (
        excerpts(report(text, reply=True, conversation=frozenset({"ann", "bob"})), "mass-mention")
        == []
    )
    assert excerpts(report(text, reply=True), "mass-mention") == ["@ann @bob @cat @dan"]


def test_spam_signals_reports_each_signal_separately() -> None:
    result = report("BIG SALE TODAY!!! #a #b #c https://a.example.com https://b.example.com F4F")
    assert excerpts(result, "spam-signals") == [
        "BIG SALE TODAY",
        "!!!",
        "#a #b #c",
        "https://a.example.com https://b.example.com",
        "F4F",
    ]
    assert any("3 hashtags (#a, #b and #c)" in f.message for f in result.by_rule("spam-signals"))


def test_messages_are_specific_sentences_with_a_suggestion() -> None:
    result = report("Please RT!! 20% off #a #b #c, shop now. Our beans, our roast, we rock.")
    for finding in result.findings:
        assert finding.message.endswith(".") and finding.suggestion.endswith((".", "?"))
        assert finding.message[0].isupper() or finding.message[0] in "“0123456789"
    hashtags = next(f for f in result.by_rule("spam-signals") if "hashtags" in f.message)
    assert "#a, #b and #c" in hashtags.message


def test_a_reply_with_a_price_is_not_promotional() -> None:
    assert report("Bags are $12 this week").promotional
    assert not report("Bags are $12 this week", reply=True).promotional
    assert report("Use code SPRING", reply=True).promotional


def test_too_long_points_at_the_overflow_after_a_link() -> None:
    text = "https://example.com/" + " " + "b" * 260  # 23 + 1 + 260 = 284
    result = report(text)
    assert result.weighted_length == 284
    (finding,) = result.by_rule("too-long")
    assert finding.severity is Severity.ERROR
    assert (finding.start, finding.end) == (len(text) - 4, len(text))
    assert "284/280" in finding.message


def test_too_long_never_cuts_through_a_link() -> None:
    text = "x" * 270 + " example.com/menu and more words after the link"
    (finding,) = report(text).by_rule("too-long")
    assert finding.start == 271  # the whole link is past the limit, as X counts it
    assert text[finding.start :].startswith("example.com/menu")


def test_a_reply_may_name_the_people_of_its_thread() -> None:
    parent = Tweet(
        id="1",
        text="@shop @Ann @bob is it open?",
        created_at=NOW,
        author_id="9",
        mentions=(Mention("shop", 0, 5), Mention("Ann", 6, 10), Mention("bob", 11, 15)),
    )
    draft = Draft.answering("Yes! Thanks @Cat, @ann, @bob and @shop", parent, User("9", "Cat"))
    assert draft.reply_to == parent
    assert draft.reply_usernames == {"cat", "ann", "bob", "shop"}
    assert not COACH.report(draft, now=NOW).by_rule("mass-mention")
    outsiders = Draft.answering("Yes! Thanks @dan, @eve, @fay and @gus", parent, None)
    assert outsiders.reply_usernames == {"ann", "bob", "shop"}
    assert COACH.report(outsiders, now=NOW).by_rule("mass-mention")


def test_an_empty_draft_gets_only_the_empty_finding() -> None:
    coach = Coach(
        history=[Tweet(id="1", text="hello", created_at=NOW.replace(day=1), author_id="me")]
    )
    result = coach.report("  ", now=NOW, owed_since=[NOW.replace(hour=1)])
    assert [f.rule for f in result.findings] == ["empty"]
    assert result.score == 0


def test_findings_are_sorted_by_severity_then_position() -> None:
    result = report("We love our beans, we roast them. Tag a friend! Please RT, shop now ^JD")
    ranks = [(f.severity.rank, -1 if f.start is None else f.start) for f in result.findings]
    assert ranks == sorted(ranks)
    assert result.findings[0].severity is Severity.WARNING
    assert result.findings[-1].severity is Severity.GOOD


def test_word_lists_from_settings_extend_and_replace() -> None:
    settings = CoachSettings()
    extended = settings.with_words(
        "sensitive-topic", (*settings.word_list("sensitive-topic"), "referendum")
    )
    text = "Closed for the referendum and the election"
    assert excerpts(Coach(extended).report(text, now=NOW), "sensitive-topic") == [
        "referendum",
        "election",
    ]
    replaced = settings.with_words("sensitive-topic", ("referendum",))
    assert excerpts(Coach(replaced).report(text, now=NOW), "sensitive-topic") == ["referendum"]
    acronyms = settings.with_words("acronyms", ("BREW",))
    assert excerpts(Coach(acronyms).report("BREW BREW LAB DAY", now=NOW), "spam-signals") == []
    assert excerpts(COACH.report("BREW BREW LAB DAY", now=NOW), "spam-signals") == [
        "BREW BREW LAB DAY"
    ]


def test_a_disabled_rule_is_silent_and_a_regraded_one_uses_its_new_severity() -> None:
    text = "We roast our beans in our shop"
    off = CoachSettings().with_rule("we-we-we", enabled=False)
    assert Coach(off).report(text, now=NOW).by_rule("we-we-we") == ()
    louder = CoachSettings().with_rule("we-we-we", severity=Severity.WARNING)
    (finding,) = Coach(louder).report(text, now=NOW).by_rule("we-we-we")
    assert finding.severity is Severity.WARNING


def test_thresholds_from_settings_move_the_lines() -> None:
    three_tags = "Fresh bread #bakery #bread #fresh"
    relaxed = CoachSettings().with_thresholds(max_hashtags=3)
    assert Coach(relaxed).report(three_tags, now=NOW).by_rule("spam-signals") == ()
    strict = CoachSettings().with_thresholds(punctuation_run=3)
    assert Coach(strict).report("Thanks!!", now=NOW).by_rule("spam-signals") == ()
