"""Rules that need only the draft (RULEBOOK.md, "Draft rules").

Each rule is one generator, registered under its rulebook id. Messages say what
was seen and why it matters, in the essays' terms; suggestions say what to try.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from tuicoach.coach.rules.phrasing import listing, quoted
from tuicoach.coach.rules.registry import Context, Hit, rule
from tuicoach.coach.text import ME, WE, YOU, DraftAnalysis, Span
from tuicoach.domain.models import Severity
from tuicoach.domain.twittertext import MAX_WEIGHTED_LENGTH, Entity


def _around(items: Sequence[Entity | Span]) -> tuple[int, int]:
    """The span from the first item to the last."""
    return items[0].start, items[-1].end


@rule("empty", Severity.ERROR, 100)
def empty(draft: DraftAnalysis, ctx: Context) -> Iterator[Hit]:
    """The draft has no visible text, or nothing but @mentions and links."""
    if not draft.visible:
        yield Hit(
            "There is nothing to post yet: the draft has no visible text.",
            "Write what you want to say to your followers.",
        )
    elif not draft.says_something:
        yield Hit(
            "There is nothing here but @mentions and links: the person gets a notification "
            "and no answer.",
            "Write what you want to tell them after the @handle.",
        )


@rule("too-long", Severity.ERROR, 60)
def too_long(draft: DraftAnalysis, ctx: Context) -> Iterator[Hit]:
    """Weighted length over 280, counted as X counts it."""
    length = draft.parse.weighted_length
    if length > MAX_WEIGHTED_LENGTH:
        yield Hit(
            f"This is {length}/{MAX_WEIGHTED_LENGTH} as X counts it (a link is 23, most emoji "
            "and CJK characters 2), so X will not post it.",
            f"Cut {length - MAX_WEIGHTED_LENGTH} characters or split it into a short thread; "
            "the part past the limit is marked.",
            # X's own cut: never inside a link or a character that NFC composes.
            draft.parse.overflow_start if draft.parse.overflow_start is not None else 0,
            len(draft.text),
        )


@rule("ask-to-promote", Severity.WARNING, 15)
def ask_to_promote(draft: DraftAnalysis, ctx: Context) -> Iterator[Hit]:
    """The draft asks people to spread it ("please RT", "spread the word")."""
    for found in draft.find("ask-to-promote"):
        yield Hit(
            f"{quoted(found.text)} asks people to promote you; asked often, it annoys the very "
            "followers you want on your side.",
            "Make the tweet worth sharing on its own and let people decide; "
            "an occasional ask is fine.",
            found.start,
            found.end,
        )


@rule("ask-for-contacts", Severity.WARNING, 15)
def ask_for_contacts(draft: DraftAnalysis, ctx: Context) -> Iterator[Hit]:
    """The draft fishes for other people's contacts ("tag 3 friends", "refer a friend")."""
    for found in draft.find("ask-for-contacts"):
        yield Hit(
            f"{quoted(found.text)} asks people to hand over their friends, and people are "
            "protective of their friends, family and coworkers.",
            "Give people something good enough to pass on by themselves.",
            found.start,
            found.end,
        )
    if draft.is_reply:
        return  # asking the person you are helping for their email is support, not fishing
    for found in draft.find("ask-for-email"):
        yield Hit(
            f"{quoted(found.text)} fishes for contact details in a broadcast; people who are "
            "interested will get in touch on their own.",
            "Offer something useful, with a link where people can sign up if they want to.",
            found.start,
            found.end,
        )


@rule("spam-signals", Severity.WARNING, 20)
def spam_signals(draft: DraftAnalysis, ctx: Context) -> Iterator[Hit]:
    """More than 2 hashtags, shouting, runs of !!/$$$, more than one link, or follow-bait."""
    limits = ctx.settings.thresholds
    tags = draft.hashtags
    if len(tags) > limits.max_hashtags:
        yield Hit(
            f"{len(tags)} hashtags ({listing([draft.text[t.start : t.end] for t in tags])}) make "
            "a tweet look like spam, and the extra ones help nobody find it.",
            f"Keep the {_count_word(limits.max_hashtags)} people really search for.",
            *_around(tags),
        )
    capitals = [
        w.text.isupper() and w.text.replace("'", "").isalpha() for w in draft.words
    ]  # not order numbers like ABC123

    def acronym(at: int) -> bool:
        """A short capitals word beside an ordinary one ("your KTN", "ATL & MSP to")."""
        word = draft.words[at].text
        if len(word) > _ACRONYM_MAX_LETTERS:
            return False
        before = at > 0 and not capitals[at - 1]
        after = at + 1 < len(capitals) and not capitals[at + 1]
        return before or after

    shouted = [
        w
        for at, w in enumerate(draft.words)
        if capitals[at]
        and len(w.text.replace("'", "")) >= limits.shout_min_letters
        and w.text.upper() not in draft.lexicon.acronyms
        and not acronym(at)
    ]
    if len(shouted) >= limits.shout_words:
        yield Hit(
            f"{len(shouted)} words in capitals ({listing([w.text for w in shouted])}) read as "
            "shouting, which is how spam gets attention.",
            "Let the words carry the emphasis; one word in capitals at most.",
            *_around(shouted),
        )
    run = limits.punctuation_run
    for mark in re.finditer(rf"[!！]{{{run},}}|[$＄]{{{run},}}", draft.masked):
        yield Hit(
            f"{quoted(mark.group(0))} reads as shouting, one of the marks of a spam tweet.",
            "One exclamation mark is plenty."
            if mark.group(0)[0] in "!！"
            else "Name the actual price or saving instead.",
            mark.start(),
            mark.end(),
        )
    links = draft.urls
    if len({u.text for u in links}) > limits.max_links:
        yield Hit(
            f"{len(links)} links in one tweet look like spam and split the reader's attention.",
            "Keep the one link that matters most.",
            *_around(links),
        )
    for found in draft.find("follow-bait"):
        yield Hit(
            f"{quoted(found.text)} is follow-bait, the kind of thing spam accounts post.",
            "Tell people what they will get from following you instead.",
            found.start,
            found.end,
        )


#: Capitals this short next to ordinary words are names, not shouting (KTN, TSA, ATL).
_ACRONYM_MAX_LETTERS = 4


def _count_word(count: int) -> str:
    return {0: "none of them", 1: "one hashtag", 2: "one or two"}.get(count, f"{count} or fewer")


@rule("mass-mention", Severity.WARNING, 15)
def mass_mention(draft: DraftAnalysis, ctx: Context) -> Iterator[Hit]:
    """More than 3 @mentions of people outside the conversation."""
    leading = _leading_mentions(draft) if draft.is_reply else set()
    outside = [
        m
        for m in draft.mentions
        if m.text.lower() not in draft.conversation and m.start not in leading
    ]
    if len(outside) > ctx.settings.thresholds.max_mentions:
        names = [draft.text[m.start : m.end] for m in outside]
        yield Hit(
            f"{len(outside)} @mentions ({listing(names)}) in a tweet that is not a reply to them "
            "looks like spam to the people tagged.",
            "Mention only the people the tweet is really for, or reply to them one by one.",
            *_around(outside),
        )


def _leading_mentions(draft: DraftAnalysis) -> set[int]:
    """Starts of the @handles a reply opens with: that is who it answers."""
    starts: set[int] = set()
    position = 0
    for mention in draft.mentions:
        if draft.text[position : mention.start].strip():
            break
        starts.add(mention.start)
        position = mention.end
    return starts


@rule("hard-sell", Severity.TIP, 5)
def hard_sell(draft: DraftAnalysis, ctx: Context) -> Iterator[Hit]:
    """Sales language ("buy now", "20% off", price tags); marks the draft promotional."""
    for found in draft.sales_pitches:
        yield Hit(
            f"{quoted(found.text)} is sales language; pushing offers is fine, as long as "
            "the account balances them with conversation.",
            "Give the reader something too: a question, a tip, or a thank-you.",
            found.start,
            found.end,
        )


@rule("write-only", Severity.WARNING, 15)
def write_only(draft: DraftAnalysis, ctx: Context) -> Iterator[Hit]:
    """A link with almost nothing else: no question, no mention, no "you"."""
    if not draft.urls or draft.mentions or draft.questions() or draft.words_in(YOU):
        return
    # In a reply the thread is the conversation; only a bare link there is write-only.
    most = 0 if draft.is_reply else ctx.settings.thresholds.write_only_max_words
    if len(draft.words) > most:
        return
    link = draft.urls[0]
    seen = (
        f"A link with just {quoted(' '.join(w.text for w in draft.words))} around it"
        if draft.words
        else "A bare link"
    )
    yield Hit(
        f"{seen} is a write-only tweet: a feed of links like this is one people scroll past.",
        "Say why it matters to the reader, or ask what they think of it.",
        link.start,
        link.end,
    )


@rule("sensitive-topic", Severity.WARNING, 10)
def sensitive_topic(draft: DraftAnalysis, ctx: Context) -> Iterator[Hit]:
    """Politics or religion, by the user's word list."""
    for found in draft.find("sensitive-topic"):
        yield Hit(
            f"{quoted(found.text)} touches on politics or religion, and whatever you say, part "
            "of your audience will hear the business taking sides.",
            "Leave it out unless it is a deliberate choice; if it is, turn this rule off.",
            found.start,
            found.end,
        )


@rule("unprofessional", Severity.WARNING, 20)
def unprofessional(draft: DraftAnalysis, ctx: Context) -> Iterator[Hit]:
    """Profanity, intoxication, or insulting a customer."""
    for found in draft.find("profanity"):
        yield Hit(
            f"{quoted(found.text)} is language customers don't expect from a business; "
            "on this account you are always at work.",
            "Say it the way you would across the shop counter.",
            found.start,
            found.end,
        )
    for found in draft.find("intoxication"):
        yield Hit(
            f"{quoted(found.text)} talks about drinking or partying, and followers read the "
            "account as the business.",
            "Keep nights out for a personal account.",
            found.start,
            found.end,
        )
    for found in _put_downs(draft):
        yield Hit(
            f"{quoted(found.text)} can read as a put-down, and everyone can see it, "
            "not just the person you're answering.",
            "Stay on the problem, not the person: say what you can do next.",
            found.start,
            found.end,
        )


def _put_downs(draft: DraftAnalysis) -> list[Span]:
    """Insults and blame ("the problem is on your end", "maybe learn to"), once each."""
    found: list[Span] = []
    for span in sorted(
        [*draft.find("insults"), *draft.find("blame")], key=lambda s: (s.start, -s.end)
    ):
        if not any(f.start <= span.start < f.end for f in found):
            found.append(span)
    return found


@rule("we-we-we", Severity.TIP, 5)
def we_we_we(draft: DraftAnalysis, ctx: Context) -> Iterator[Hit]:
    """Talks only about the business ("we", "our", "us") and never about the reader."""
    ours = [w for w in draft.words_in(WE) if w.text != "US"]  # US is a country
    if len(ours) >= ctx.settings.thresholds.we_count and not draft.words_in(YOU):
        yield Hit(
            f"This says we, our or us {len(ours)} times and you not once; an account that only "
            "talks about itself is easy to tune out.",
            "Turn one sentence toward the reader: what does this mean for them?",
        )


@rule("invites-conversation", Severity.GOOD, 5)
def invites_conversation(draft: DraftAnalysis, ctx: Context) -> Iterator[Hit]:
    """Asks a real question, invites input, or speaks to "you"."""
    asks = [*draft.find("ask-to-promote"), *draft.find("ask-for-contacts")]
    asks += draft.find("follow-bait")

    blaming = [draft.sentence_of(s) for s in _put_downs(draft)]

    def outside_asks(span: Span) -> bool:
        """Not part of an ask, nor of a sentence that blames (no praise for a put-down's "you")."""
        return not any(a.start <= span.start < a.end for a in asks) and not any(
            start <= span.start < end for start, end in blaming
        )

    questions = [q for q in draft.questions() if outside_asks(q)]
    invites = [s for s in draft.find("invites-input") if outside_asks(s)]
    yous = [w for w in draft.words_in(YOU) if outside_asks(w)]
    if questions:
        seen, span = f"You ask {quoted(questions[0].text)}, which invites an answer", questions[0]
    elif invites:
        seen, span = f"{quoted(invites[0].text)} invites people to talk to you", invites[0]
    elif yous:
        seen, span = f"You speak to the reader ({quoted(yous[0].text)})", yous[0]
    else:
        return
    yield Hit(
        f"{seen}: conversation is what makes a business account worth following.",
        "Be around to answer when people reply.",
        span.start,
        span.end,
    )


@rule("personal-touch", Severity.GOOD, 5)
def personal_touch(draft: DraftAnalysis, ctx: Context) -> Iterator[Hit]:
    """Signed by a person (^JD, – Jen), or written in the first person singular."""
    signature = draft.signature()
    if signature is not None:
        yield Hit(
            f"Signed {quoted(signature.text)}: people like knowing which person they are "
            "talking to.",
            "Keep signing your tweets; it makes the account feel like someone, not something.",
            signature.start,
            signature.end,
        )
        return
    mine = [
        w for w in draft.words if w.text == "I" or (w.text.lower() in ME and not w.text.isupper())
    ]
    if mine:
        yield Hit(
            f"You write as one person ({quoted(mine[0].text)}); people would rather talk to a "
            "person than to a logo.",
            "Keep the voice; a first name or initials at the end makes it clearer still.",
            mine[0].start,
            mine[0].end,
        )
