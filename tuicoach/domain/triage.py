"""Triage: which band a tweet addressed to the business belongs in, and why.

Bands, most needed first: ``needs-answer`` (questions, complaints, requests),
``normal`` (everything else), ``thanks`` (thank-you notes, praise, emoji-only),
and ``probably-spam`` (promotion, airdrops, follow-back rings), which is shown
last and is not owed at all until the user moves it back.

Every verdict carries its :class:`Reason` list: the cue that decided it and
where it is in the tweet's text (Python ``str`` offsets, end exclusive), so a
person who disagrees can see what to argue with. Cues about the *account*
(a follow ring's shape) have no place in the text: ``start`` and ``end`` are
``None`` there, as a whole-draft finding's are in the coach.

How a tweet is read, in order:

1. Links and @mentions are masked, never cut, so every offset stays the
   tweet's own; ``&amp;`` and friends are read as the characters they stand for.
2. *Need* cues: a question (a ``?`` outside a link, or a clause that opens like
   one: "where is my bag"), a request ("please help", "dm me"), failure words
   ("delayed", "stuck", "rude", "#fail", "no one"), waiting ("on hold",
   "3 hours", "still waiting"), praise negated ("not helpful", "no help",
   "never again"), a comparison with a competitor ("as bad as @united").
   A negated failure ("no problem", "not bad", "never disappoints") is no
   failure.
3. *Praise* cues: thanks, praise words, warm emoji.
4. Need wins over praise: "thanks for cancelling our flight" and "never came.
   Awesome!" are complaints (sarcasm is praise around a failure). Except when
   the failure is what the praise is *for*: a clause that says it was fixed
   ("helped me with my problem", "despite the delay", "rebooked me") is
   gratitude, so "she helped me with my problem so easily… you guys rock!"
   stays thanks.

The word lists live in :class:`TriageWords`, plain data with a way to extend
or replace each list (``TriageWords().extended(complaint=("meh",))``), so the
config can tune them as it tunes the coach's.
"""

from __future__ import annotations

import functools
import importlib.util
import itertools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from tuicoach.domain.models import User


class Band(StrEnum):
    """How much an owed tweet needs an answer; the order of the owed list."""

    NEEDS_ANSWER = "needs-answer"
    NORMAL = "normal"
    THANKS = "thanks"
    SPAM = "probably-spam"

    @property
    def rank(self) -> int:
        """Sort key: the most needed first, spam last."""
        return _BAND_RANK[self]

    @property
    def owed(self) -> bool:
        """Whether tweets in this band count as replies owed."""
        return self is not Band.SPAM


_BAND_RANK = {Band.NEEDS_ANSWER: 0, Band.NORMAL: 1, Band.THANKS: 2, Band.SPAM: 3}


class Reason(NamedTuple):
    """One cue behind a band: what kind, the words, and where they are.

    ``text[start:end] == words`` whenever ``start`` is not ``None``; account
    cues (``kind`` ``"spam-account"``) have no offsets.
    """

    kind: str
    words: str
    start: int | None
    end: int | None

    def to_json(self) -> dict[str, Any]:
        return {"cue": self.words, "kind": self.kind, "start": self.start, "end": self.end}


class Verdict(NamedTuple):
    """A band, how pressing it is within its band (lower first), and the reasons."""

    band: Band
    tier: int
    reasons: tuple[Reason, ...]


# --- Word lists ---------------------------------------------------------------
# A word ending in "*" matches any word that starts with it ("disappoint*":
# disappointed, disappointing). Matching is case-insensitive, on whole words.


@dataclass(frozen=True, slots=True)
class TriageWords:
    """Every word list triage reads. Extend or replace any one of them."""

    #: Phrases that open a question even without a "?", at the start of a clause.
    question_openers: tuple[str, ...] = (
        "any chance", "any news", "any update*", "any word", "any way", "anyone know", "are you",
        "are there", "can i", "can we", "can someone", "can you", "could i", "could you",
        "did you", "do i", "do you", "do we", "does anyone", "does it", "how can", "how come",
        "how do", "how does", "how long", "how much", "how many", "is it", "is there", "is this",
        "what is", "what's", "whats", "what are", "what happened", "when can", "when does",
        "when is", "when will", "where are", "where is", "where's", "wheres", "which one",
        "who can", "who do", "why", "will i", "will you", "would you", "wondering",
        "i wonder", "i'd like to know", "want to know", "need to know",
    )  # fmt: skip
    #: Asking for something to be done.
    request: tuple[str, ...] = (
        "please help", "pls help", "plz help", "help me", "help us", "help!", "need help",
        "need assistance", "dm me", "dm'd", "dmd", "call me", "call back", "get back to me",
        "please respond", "please reply", "please answer", "respond to", "contact me",
        "follow me so", "follow back so",
        "let me know", "look into", "need a", "need an", "need to", "need you", "need someone",
        "please fix", "fix this", "fix it", "do something", "make it right", "waiting for",
        "waiting on", "still waiting", "can you help", "can someone help", "how to", "let us know",
        "please", "pls", "plz", "would be great", "would be nice", "would be super", "hope you",
    )  # fmt: skip
    #: Failure: something went wrong, or the customer is unhappy.
    complaint: tuple[str, ...] = (
        "awful", "annoy*", "angry", "appall*", "bad", "badly", "broke", "broken", "bs",
        "bullshit", "can't", "cannot", "cancel*", "canceled", "chaos", "charged", "complain*",
        "confus*", "crap", "crappy", "crash*", "cramped", "damage*", "dead", "delay*", "denied",
        "didn't", "dirty", "disappoint*", "disaster", "disconnect*", "disgrace*", "disgust*",
        "disrespect*", "diverted", "doesn't", "don't", "dumb", "embarrass*", "error", "excuse*",
        "fail", "failed", "failing", "fails", "failure", "fault*", "fee", "fees", "fix", "frozen",
        "frustrat*", "furious", "garbage", "gross", "hate", "hated", "hell", "horrible",
        "horrendous", "hung up", "hang up", "ignor*", "impossible", "inconvenien*",
        "incompetent", "insult*", "issue", "issues", "joke", "late", "lie", "lied", "lies",
        "lost", "lousy", "mad", "mess", "messed", "miserable", "miss", "missed", "missing",
        "mistake", "nightmare", "never came", "never arrived", "never got", "never showed",
        "never received", "never heard", "never answered", "never responded", "never called",
        "never again", "miss our connection", "miss my connection",
        "no one", "is down", "was down", "site down", "can't log in", "charged twice",
        "dead end", "didn't arrive", "does not work", "doesn't work", "isn't working",
        "not working", "stop working", "stopped working", "stops working", "outage",
        "overcharged", "freezes", "bug", "bugs", "glitch*", "mia", "never arrived",
        "nobody", "noone", "nothing", "never", "no answer",
        "no response", "no reply", "no help", "no info*", "no longer", "oversold", "overbook*",
        "outrage*", "atrocious", "horrific", "hopeless", "refus*", "unbelievable",
        "pathetic", "poor", "poorly", "problem", "problems", "refund*", "ridiculous",
        "rubbish", "rude*", "ruin*", "sad", "screw*", "shame*", "shameful", "sick of",
        "slow", "smh", "sorry", "stink*", "stranded", "stuck", "stupid", "suck*", "sux",
        "terrible", "tired of", "trouble", "ugh", "unable", "unacceptable", "unfortunate*",
        "unhappy", "unhelpful", "losing", "lack", "lacking", "lacks", "ripped off", "rip off",
        "none", "less than", "not so much", "absurd", "stress*", "freak*", "blows", "asshole",
        "jeopardy", "assault*", "deleted", "shatter*", "no luck", "snag*", "inadequate",
        "unwilling", "stubborn", "go quiet", "jammed", "black hole", "been trying", "tried",
        "trying", "static", "timed out", "sigh", "come on", "insane", "nope", "prove it",
        "not impressed", "why would", "how hard", "what a joke", "poor service", "no way", "unnerving", "discourag*", "unexpect*", "forced", "unprofessional", "upset", "useless", "waste*", "won't",  # noqa: E501
        "worse", "worst", "wouldn't", "wrong", "wtf", "yet again", "again", "still", "seriously",
        "couldn't", "isn't", "wasn't", "aren't", "haven't", "hasn't", "not", "no",
    )  # fmt: skip
    #: Waiting and being kept: a cue of need even in a calm voice.
    waiting: tuple[str, ...] = (
        "on hold", "hold", "holding", "wait", "waited", "waiting", "waits", "hour*", "hr", "hrs",
        "minutes", "mins", "all day", "all night", "overnight", "days", "stuck", "queue",
        "line", "still", "yet",
    )  # fmt: skip
    #: Praise words, which negated ("not helpful") become a complaint.
    praise: tuple[str, ...] = (
        "amazing", "appreciate*", "awesome", "beautiful", "best", "brilliant", "cheers",
        "classy", "comfortable", "congrat*", "cool", "courteous", "delight*", "enjoy*",
        "excellent", "excited", "fabulous", "fantastic", "favorite", "favourite", "friendly",
        "fun", "glad", "good", "gorgeous", "grateful", "great", "happy", "helpful", "impress*",
        "incredible", "kudos", "legend*", "love", "loved", "loves", "loving", "lovely",
        "nice", "perfect", "pleasant", "pleasure", "professional", "props", "rock", "rocks",
        "shout out", "shoutout", "smooth", "stellar", "super helpful", "super nice", "superb",
        "sweet", "thank*",
        "thx", "ty", "wonderful", "wow", "yay", "impeccable", "outstanding",
        "exceptional", "terrific", "phenomenal", "well done", "good job", "great job",
        "on time", "quick*", "easily", "safe", "safely", "<3", ":)",
        ":-)", ":d", ";)", "(:", "proud", "hero*", "angel*", "a+", "10/10",
    )  # fmt: skip
    #: Words that turn what follows into its opposite.
    negators: tuple[str, ...] = (
        "not", "no", "never", "nobody", "nothing", "hardly", "without", "didn't", "don't",
        "doesn't", "isn't", "wasn't", "aren't", "weren't", "won't", "wouldn't", "can't",
        "couldn't", "haven't", "hasn't", "ain't", "zero", "lack of", "least",
    )  # fmt: skip
    #: A clause that says a problem was dealt with: its failure words are what
    #: the praise is for ("helped me with my problem", "despite the delay").
    resolution: tuple[str, ...] = (
        "helped", "help with", "helping", "fixed", "resolved", "solved", "sorted", "handled",
        "took care", "taking care", "rebooked", "re-booked", "got me", "made up for",
        "turned around", "saved", "rescued", "worked out", "went above", "above and beyond",
        "no problem", "no problems", "no issue", "no issues", "all good", "no worries",
        "thanks to", "thx to", "thank you to", "kudos to", "props to", "big up", "shout out",
        "shoutout", "thankful", "grateful", "for finding", "found", "got us", "got my",
        "get us", "getting us", "getting me", "for switching", "for handling", "for getting",
        "for rebooking", "for helping", "made it", "thanks for your help",
        "thank you for your help",
    )  # fmt: skip
    #: Words after which the next few words are a problem overcome: "despite the delay".
    overcoming: tuple[str, ...] = ("despite", "even though", "in spite of", "regardless of")
    #: Failures that praise cannot be "for": sarcasm when thanked ("thanks for cancelling").
    sarcasm_targets: tuple[str, ...] = (
        "cancel*", "delay*", "losing", "lost", "miss", "causing", "leaving", "making me", "stranded", "stuck", "nothing", "never",  # noqa: E501
        "no one", "nobody", "ruin*", "waiting", "wait", "hold", "hour*", "late", "missed",
        "rude*", "broke*", "charg*", "fee*", "worst", "fail*",
    )  # fmt: skip
    #: Competitors named with a comparison that goes against the business.
    competitor_comparisons: tuple[str, ...] = (
        "as bad as", "worse than", "switch to", "switching to", "switched to", "should have flown",
        "should've flown", "should have gone with", "should've gone with", "going with",
        "go with", "flying with", "fly with", "stick with", "sticking with", "back to",
        "unlike", "at least", "better than you", "next time i'll fly", "next time i will fly",
        "i'll fly", "i'll be flying", "i'm flying", "try", "trying", "more than you", "like a real",
    )  # fmt: skip
    #: Phrases that say a problem is over: their failure words are not failures.
    resolved: tuple[str, ...] = (
        "all fixed", "all good", "all sorted", "fixed it", "fixed now", "issue resolved",
        "issue solved", "no complaints", "no issue", "no issues", "no problem", "no problems",
        "no worries", "not a problem", "problem resolved", "problem solved", "working now",
        "works now", "not bad", "not too bad", "never disappoint*", "no delay*", "no wait*",
        "not disappoint*", "no complaint*", "can't wait", "cannot wait", "can't beat",
        "can't complain", "couldn't be happier", "couldn't have", "can't thank",
        "cannot thank", "can't say enough", "never had a bad", "no hassle", "never fails",
        "couldn't ask for", "never been", "not only", "nothing but", "no joke", "worth the wait",
        "wouldn't miss", "won't miss", "never miss", "don't mind", "don't worry",
    )  # fmt: skip
    #: Spam and bot wording.
    spam: tuple[str, ...] = (
        "airdrop*", "giveaway", "crypto", "bitcoin", "btc", "nft*", "token*", "wallet",
        "claim your", "claim now", "free tokens", "follow back", "followback", "#followback",
        "f4f", "#f4f", "teamfollowback", "follow me and i", "i follow back", "gain followers",
        "free followers", "more followers", "get followers", "promo package*", "promote your",
        "we work with brands", "brands like yours", "dm us for", "dm for", "collab",
        "go viral", "grow your", "boost your", "500k", "100k", "reach guaranteed",
        "check my bio", "link in bio", "check out my", "make money", "earn $", "forex",
        "investment opportunit*", "sugar daddy", "onlyfans", "whatsapp me", "telegram",
        "not financial advice", "to the moon", "💯", "🚀", "📈", "💰", "🤑",
    )  # fmt: skip
    #: Emoji that carry a complaint on their own.
    complaint_emoji: tuple[str, ...] = (":(", ":-(", ":/", "😔", "😕", "😟", "🙁", "☹", "💔", "😓", "😡", "😠", "🤬", "😤", "😩", "😫", "👎", "💩", "🙄", "😒", "😞", "😢", "😭", "😣", "😖", "😑")  # fmt: skip  # noqa: E501
    #: Emoji of thanks and warmth.
    thanks_emoji: tuple[str, ...] = ("🙏", "❤", "😍", "👍", "🙌", "👏", "😊", "🙂", "😀", "😁", "🥰", "💙", "💕", "🤩", "😃", "😄", "💜", "💖", "✈", "☺", "😎", "💗", "👌", "🎉", "💛", "♥")  # fmt: skip  # noqa: E501

    def extended(self, **lists: Iterable[str]) -> TriageWords:
        """These lists with more words: ``extended(complaint=("meh",))``."""
        return replace(self, **{k: (*getattr(self, _known(k)), *v) for k, v in lists.items()})

    def replaced(self, **lists: Iterable[str]) -> TriageWords:
        """These lists swapped for others: ``replaced(spam=("airdrop",))``."""
        return replace(self, **{_known(k): tuple(v) for k, v in lists.items()})

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The list names, as the config spells them (``[triage.words.complaint]``)."""
        return tuple(f.name for f in fields(cls))


def _known(name: str) -> str:
    if name not in _LIST_NAMES:
        raise ValueError(
            f"no triage word list called {name!r}; the lists are: {', '.join(_LIST_NAMES)}"
        )
    return name


_LIST_NAMES = tuple(f.name for f in fields(TriageWords))


@dataclass(frozen=True, slots=True)
class TriageSettings:
    """What the user can tune: the word lists, and the shape of a follow-ring account."""

    words: TriageWords = TriageWords()
    #: An account following at least this many times more people than follow it ...
    spam_follow_ratio: float = 20.0
    #: ... while followed by fewer than this, looks like a follow ring or a bot.
    spam_max_followers: int = 1000
    #: Praise words it takes to outweigh one failure word in a tweet that asks nothing
    #: ("great crew, smooth flight despite a late start, thank you!").
    praise_per_failure: int = 2
    #: A statement this long with one weak cue ("can't", "never") is a complaint.
    long_statement_words: int = 12
    #: Words of the VADER sentiment lexicon (MIT) this negative or worse are failure
    #: cues too ("dreadful", "disgusting", "horrible"); ``None`` reads only the lists.
    lexicon_failure: float | None = -1.5
    #: How much the tweet's VADER valence moves it within its band (0: not at all).
    valence_weight: float = 1.0


# --- Reading ------------------------------------------------------------------


def _alternation(words: Iterable[str]) -> str:
    """One regex for a word list, as a trie: Python's ``re`` tries every branch of
    a flat alternation at every position, a trie only the branches that fit.

    Longer words are tried first, as a list sorted by length would be; a word
    ending in "*" matches any word starting with it.
    """
    trie: dict[str, Any] = {}
    for word in words:
        star = word.endswith("*") and len(word) > 1
        node = trie
        for char in (word[:-1] if star else word).lower():
            node = node.setdefault(char, {})
        node["*" if star else ""] = True
    if not trie:
        return r"(?!x)x"
    return _trie_pattern(trie)


def _trie_pattern(node: dict[str, Any]) -> str:
    branches = [
        re.escape(c) + _trie_pattern(n) for c, n in sorted(node.items()) if len(c) == 1 and c != "*"
    ]
    if "*" in node:
        branches.append(r"\w*")
    if "" in node:
        if not branches:
            return ""
        return "(?:" + "|".join(branches) + ")?"
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


def _words(words: Iterable[str]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w'])(?:" + _alternation(words) + r")(?![\w'])", re.IGNORECASE)


def _chars(chars: Iterable[str]) -> re.Pattern[str]:
    return re.compile(_alternation(chars), re.IGNORECASE)


_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MENTION = re.compile(r"(?<![\w@＠])[@＠](\w{1,15})(?!\w)")
_ENTITY = re.compile(r"&(?:amp|lt|gt|quot);")
_ENTITY_CHAR = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"'}
_APOSTROPHES = str.maketrans("’‘`´", "''''")
_CLAUSE_END = re.compile(r"[.!?;:…\n]+|,\s*(?:but|and|so|yet)\b|\s-\s|\s—\s|\bbut\b", re.I)
_HASHTAG = re.compile(r"#(\w+)")
_DIGITS = re.compile(r"\b\d+\s*\+?\s*(?:hours?|hrs?|h\b|minutes|mins|days)", re.IGNORECASE)
_EMOJI_GLUE = frozenset("\u200d\ufe0f\u20e3")
_SHOUT = re.compile(r"(?<![\w'])[A-Z]{4,}(?![\w'])")
_WORD = re.compile(r"\w+")
#: What may come just before a question opener: the start, a clause's end, a link word.
_CLAUSE_START = re.compile(
    r"(?:^|[.!?;:,…\n]|(?<![\w'])(?:but|so|and|also|ok|okay|hi|hey|please|pls))\s*$", re.I
)
_WISH = re.compile(
    r"(?<![\w'])(?:it\s*'?d|would|wd|will)\s+be\s+(?:\w+\s+)?(?:nice|great|super|awesome|good"
    r"|cool|lovely|helpful|amazing|wonderful)(?:\s+(?:if|to))?",
    re.I,
)
#: "couldn't be more", "can't be any": a negator that raises the praise after it.
_RAISED = re.compile(r"(?<![\w'])be\s+(?:any|more|much)(?![\w'])", re.I)
#: What ought to have happened and did not: "should have been", "would've helped".
_REGRET = re.compile(
    r"(?<![\w'])(?:should|shouldn't|should not|could|would|wouldn't)\s*(?:have|'ve|of)"
    r"\s+(?:been|\w+ed)(?![\w'])",
    re.I,
)
#: Thanks for a failure that did not happen: "for not cancelling", "for never losing".
_SPARED = re.compile(r"(?<![\w'])(?:for|by)\s+(?:not|never|without)\s+[\w']+", re.I)
#: A turn in the tweet: what follows outweighs what came before ("thanks, but ...").
_CONTRAST = re.compile(
    r"(?<![\w'])(?:but|however|though|although|unfortunately|except)(?![\w'])", re.I
)
#: "for not doing X" or "for never X": thanks for something that did not go wrong.
_NOT_DOING = re.compile(
    r"(?<![\w'])(?:for|by|of)\s+(?:not|never|without)(?![\w'])|(?:for|of)\s+\w+n't(?![\w'])", re.I
)
_BANG = re.compile(r"!{2,}|\?{2,}|[!?]{3,}")


def _masked(text: str) -> str:
    """The text with links and @mentions blanked, entities read, same length."""
    if "&" in text:
        text = _ENTITY.sub(lambda m: _ENTITY_CHAR[m.group()].ljust(len(m.group())), text)
    if "http" in text or "www." in text:
        text = _LINK.sub(lambda m: " " * len(m.group()), text)
    if "@" in text or "＠" in text:
        text = _MENTION.sub(lambda m: " " * len(m.group()), text)
    return text.translate(_APOSTROPHES)


def _emoji_only(text: str) -> bool:
    seen = False
    for char in text:
        if char.isspace() or char in _EMOJI_GLUE:
            continue
        category = unicodedata.category(char)
        if category == "So":
            seen = True
        elif category != "Sk" and not category.startswith("P"):
            return False
    return seen


@functools.cache
def _vader_means() -> dict[str, str]:
    """Every plain word of the VADER lexicon (MIT) and its mean valence (-4 to 4) as the
    file writes it, in the file's order, read once; empty when it is not installed.

    The opening thread reads it before the first frame: one pass of one pattern over the
    file (a line: word, tab, mean, tab, ...), each line found from the newline before it
    (the engine looks for that character, where ``^`` would be tried at every place),
    and a mean read as a number only where one is asked for."""
    text = _vader_text()
    if text is None:
        return {}
    return dict(_LEXICON_LINE.findall("\n" + text))


@functools.cache
def _vader_lexicon() -> dict[str, float]:
    """Every plain word of the VADER lexicon (MIT) and its mean valence (-4 to 4), in the
    file's order, read once; empty when the lexicon is not installed."""
    return {word: float(mean) for word, mean in _vader_means().items()}


def _vader_text() -> str | None:
    """The VADER lexicon file's text, None when it is not installed.

    Found beside the package's ``__init__`` without importing it: the opening thread reads
    it before the first frame, and ``importlib.resources`` (with the zip reader it loads)
    costs several times the read (about 20 ms against 5, CPU). A package that is not a
    plain folder (zipped) is read through ``importlib.resources``."""
    try:
        spec = importlib.util.find_spec("vaderSentiment")
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    for folder in spec.submodule_search_locations or ():
        try:
            # Bytes, decoded at once: a text file's reader (and its newline translation,
            # done here only if needed) costs several times that.
            text = Path(folder, "vader_lexicon.txt").read_bytes().decode("utf-8")
        except FileNotFoundError:
            continue
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        return text
    from importlib.resources import files

    try:
        return (files("vaderSentiment") / "vader_lexicon.txt").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):
        return None


@functools.cache
def _vader_words(at_most: float | None) -> tuple[str, ...]:
    """The plain words of the VADER lexicon whose mean valence is ``at_most`` or lower;
    none when ``at_most`` is ``None`` or the lexicon is not installed."""
    if at_most is None:
        return ()
    means = _vader_means()
    if at_most < 0:  # only a mean written with a minus is negative: the others not read
        return tuple(w for w, mean in means.items() if "-" in mean and float(mean) <= at_most)
    return tuple(w for w, mean in means.items() if float(mean) <= at_most)


def _vader_valences() -> dict[str, str]:
    """Every plain word of the VADER lexicon and its mean valence (-4 to 4), as written."""
    return _vader_means()


#: The characters beyond ASCII that ``re.IGNORECASE`` matches to an ASCII letter, and the
#: letter (found by trying every code point: see test_triage's test of it).
_ASCII_FOLDS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
_WORD_CHAR = re.compile(r"[\w']")
#: Words a :class:`_WordSet` can stand for, one a line: letters and apostrophes, hyphens
#: between.
_SET_WORDS = re.compile(r"[a-z][a-z']*(?:-[a-z']+)*(?:\n[a-z][a-z']*(?:-[a-z']+)*)*")


class _Hit(Protocol):
    """What the readers use of a match: a regex's, or a :class:`_WordSet`'s."""

    def span(self) -> tuple[int, int]: ...

    def start(self) -> int: ...

    def end(self) -> int: ...

    def group(self) -> str: ...


class _Matcher(Protocol):
    """A compiled word list: a regex, or a :class:`_WordSet`."""

    def match(self, text: str, pos: int = 0) -> _Hit | None: ...

    def finditer(self, text: str) -> Iterable[_Hit]: ...


class _Found:
    """A word a :class:`_WordSet` found: what a regex match says of itself, as used here."""

    __slots__ = ("_end", "_start", "_text")

    def __init__(self, text: str, start: int, end: int) -> None:
        self._text, self._start, self._end = text, start, end

    def span(self) -> tuple[int, int]:
        return self._start, self._end

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self) -> str:
        return self._text[self._start : self._end]


class _WordSet:
    r"""A list of plain words (see ``_SET_WORDS``: no stem, no space), found as
    :func:`_words` finds them (whole words, any case, the longest first) by looking the
    text's runs up in a set: compiling thousands of words into one pattern (the
    lexicon's) would take longer than reading every tweet the first screen shows.

    A word starts where a run of ``[\w']`` starts, and ends where one ends; a
    hyphenated word ("son-of-a-bitch") joins runs that only a hyphen parts.
    """

    def __init__(self, words: Iterable[str]) -> None:
        words = list(words)
        joined = "\n".join(words)
        if words and joined.count("\n") == len(words) - 1:  # lowered in one call
            self._words = frozenset(joined.lower().split("\n"))
        else:
            self._words = frozenset(word.lower() for word in words)
        self._longest = max(map(len, self._words), default=0)
        self._hyphens = any("-" in word for word in self._words)

    @staticmethod
    def fits(words: Iterable[str]) -> bool:
        words = list(words)
        if not words:
            return True
        joined = "\n".join(words)  # one pass of the engine for the lot (the lexicon's)
        return joined.count("\n") == len(words) - 1 and bool(_SET_WORDS.fullmatch(joined.lower()))

    def match(self, text: str, pos: int = 0) -> _Found | None:
        if pos > 0 and _WORD_CHAR.match(text, pos - 1):
            return None  # inside a run: no word starts here
        ends = []
        at = pos
        while (run := _RUN.match(text, at)) is not None:
            end = run.end()
            if end - pos > self._longest:
                break
            ends.append(end)
            if not (self._hyphens and text.startswith("-", end)):
                break
            at = end + 1
        for end in reversed(ends):  # the longest first, as the pattern's trie tries them
            key = text[pos:end]
            if not key.isascii():
                key = key.translate(_ASCII_FOLDS)
            if key.lower() in self._words:
                return _Found(text, pos, end)
        return None

    def finditer(self, text: str) -> Iterable[_Found]:
        found = []
        end = 0
        for run in _RUN.finditer(text):  # each starts where no word character is before it
            if run.start() >= end and (m := self.match(text, run.start())) is not None:
                found.append(m)
                end = m.end()
        return found


def _folded(text: str) -> str:
    """``text`` as ``re.IGNORECASE`` compares it with ASCII: lower case, the few characters
    beyond ASCII that match an ASCII letter folded to it, the same length (a character whose
    lower case is longer is kept: it matches no ASCII letter)."""
    if text.isascii():
        return text.lower()
    low = text.translate(_ASCII_FOLDS).lower()
    if len(low) != len(text):
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text.translate(_ASCII_FOLDS))
    return low


#: A run of ``\w`` (what a "*" word's stem may be followed by), whitespace, a ``\w`` word.
_WCHARS = re.compile(r"\w*")
_SPACES = re.compile(r"\s*")


class _Scanner:
    """What a pattern of words does for the readers (match, finditer, search), done in
    Python from the places a match may start (:meth:`_starts`) and what it is there
    (:meth:`_at`), with nothing compiled."""

    def _at(self, text: str, low: str, pos: int) -> _Found | None:
        raise NotImplementedError

    def _starts(self, text: str, low: str, pos: int) -> list[int]:
        raise NotImplementedError

    def match(self, text: str, pos: int = 0) -> _Found | None:
        if pos >= len(text) or (pos > 0 and _WORD_CHAR.match(text, pos - 1)):
            return None
        return self._at(text, _folded(text), pos)

    def matches(self, text: str, starts: Iterable[int]) -> list[_Found]:
        """The matches at ``starts`` (in text order, where a word may start), no two
        overlapping: what ``finditer`` finds, when every match starts at one of them."""
        low = _folded(text)
        found = []
        end = 0
        for start in starts:
            if start >= end and (m := self._at(text, low, start)) is not None:
                found.append(m)
                end = m.end()
        return found

    def finditer(self, text: str) -> list[_Found]:
        low = _folded(text)
        return self.matches(text, self._starts(text, low, 0))

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> _Found | None:
        if endpos is not None and endpos < len(text):
            text = text[:endpos]
        low = _folded(text)
        for start in self._starts(text, low, pos):
            if (m := self._at(text, low, start)) is not None:
                return m
        return None


class _Phrases(_Scanner):
    r"""A word list found as :func:`_words` finds it (whole words, any case, the longest
    first, "*" a stem), with no pattern compiled: the words are kept by the run of
    ``[\w']`` they start with (or their first character, for a symbol), and a text is
    looked up run by run. Building one costs a pass over the list; compiling its trie
    with ``re`` costs tens of times that, which the first screen would pay.

    For words of ASCII and uncased symbols (see :meth:`fits`), not starting with a space.
    The pattern's trie tries a longer word before a shorter one it starts with (and a
    stem's ``\w*`` before its end), so of the words a text starts with at a place, the
    longest that ends at a word boundary is the match.
    """

    def __init__(self, words: Iterable[str]) -> None:
        by_run: dict[str, list[tuple[str, bool]]] = {}
        by_char: dict[str, list[tuple[str, bool]]] = {}
        stems: list[str] = []
        for word in words:
            star = word.endswith("*") and len(word) > 1
            body = (word[:-1] if star else word).lower()
            run = _RUN.match(body)
            if run is None:
                by_char.setdefault(body[0], []).append((body, star))
            elif star and run.end() == len(body):
                stems.append(body)
            else:
                by_run.setdefault(run.group(), []).append((body, star))
        self._by_run = by_run
        self._stems = tuple(stems)
        self._by_char = {c: _longest_first(ws) for c, ws in by_char.items()}
        self._memo: dict[str, tuple[tuple[str, bool], ...]] = {}

    @staticmethod
    def fits(words: Iterable[str]) -> bool:
        for word in words:
            body = (word[:-1] if word.endswith("*") and len(word) > 1 else word).lower()
            if not body or body[0].isspace():
                return False
            if not body.isascii() and not all(
                c.isascii() or (c.lower() == c == c.upper() and not c.isalnum() and c != "_")
                for c in body
            ):
                return False
        return True

    def _candidates(self, run: str) -> tuple[tuple[str, bool], ...]:
        """The words that may start where the text's run ``run`` (folded) starts, in the
        order the pattern tries them."""
        found = self._memo.get(run)
        if found is None:
            words = self._by_run.get(run, [])
            if self._stems and run.startswith(self._stems):  # one call for all of them
                words = [*words, *((stem, True) for stem in self._stems if run.startswith(stem))]
            found = _longest_first(words) if len(words) > 1 else tuple(words)
            if len(self._memo) >= _KNOWN_TEXTS:
                self._memo.clear()
            self._memo[run] = found
        return found

    def ends(self, text: str, low: str, pos: int) -> list[int]:
        """Where the words that ``text`` (folded: ``low``) has at ``pos`` end, in the order
        the pattern tries them (no boundary checked at either end)."""
        run = _RUN.match(text, pos)
        if run is not None:
            words = self._candidates(low[pos : run.end()])
        else:
            words = self._by_char.get(low[pos : pos + 1], ())
        if not words:
            return []
        ends = []
        for body, star in words:
            if low.startswith(body, pos):
                end = pos + len(body)
                ends.append(_stem_end(text, end) if star else end)
        return ends

    def _at(self, text: str, low: str, pos: int) -> _Found | None:
        for end in self.ends(text, low, pos):
            if not _WORD_CHAR.match(text, end):  # (?![\w'])
                return _Found(text, pos, end)
        return None

    def _starts(self, text: str, low: str, pos: int) -> list[int]:
        """Every place from ``pos`` where a word may start: a run's start, or a symbol."""
        starts = [m.start() for m in _RUN.finditer(text, pos)]
        if starts and starts[0] == pos and pos > 0 and _WORD_CHAR.match(text, pos - 1):
            del starts[0]
        if self._by_char:
            for char in self._by_char:
                at = low.find(char, pos)
                while at >= 0:
                    if at == 0 or not _WORD_CHAR.match(text, at - 1):
                        starts.append(at)
                    at = low.find(char, at + 1)
            starts.sort()
        return starts


class _Symbols(_Phrases):
    """A list of symbols (emoji, ":(") found as :func:`_chars` finds them: anywhere, with
    no word boundary before or after; each starts with a character no word has."""

    @staticmethod
    def fits(words: Iterable[str]) -> bool:
        words = tuple(words)
        return _Phrases.fits(words) and not any(_RUN.match(w.lower()) for w in words)

    def _at(self, text: str, low: str, pos: int) -> _Found | None:
        ends = self.ends(text, low, pos)
        return _Found(text, pos, ends[0]) if ends else None

    def match(self, text: str, pos: int = 0) -> _Found | None:
        return self._at(text, _folded(text), pos) if pos < len(text) else None

    def _starts(self, text: str, low: str, pos: int) -> list[int]:
        starts = []
        for char in self._by_char:
            at = low.find(char, pos)
            while at >= 0:
                starts.append(at)
                at = low.find(char, at + 1)
        starts.sort()
        return starts


def _after_spaces(text: str, pos: int) -> int:
    r"""Where the whitespace (``\s*``) from ``pos`` ends."""
    m = _SPACES.match(text, pos)
    return pos if m is None else m.end()


class _Overcome(_Scanner):
    r"""``(?<![\w'])(?:WORDS)(?:\s+[\w']+){1,4}``: "despite" and the few words after it."""

    def __init__(self, words: _Phrases) -> None:
        self._words = words

    def _starts(self, text: str, low: str, pos: int) -> list[int]:
        return self._words._starts(text, low, pos)

    def _at(self, text: str, low: str, pos: int) -> _Found | None:
        for end in self._words.ends(text, low, pos):
            taken = 0
            while taken < 4:
                space = _after_spaces(text, end)
                run = _RUN.match(text, space) if space > end else None
                if run is None:
                    break
                end = run.end()
                taken += 1
            if taken:
                return _Found(text, pos, end)
        return None


def _then(text: str, low: str, at: int, words: int, targets: _Phrases) -> int | None:
    r"""Where one of ``targets`` ends after ``at``, past spaces and up to ``words`` words
    (as few as will do): ``\s+(?:\w+\s+){0,words}?(?:TARGETS)(?![\w'])``; None if none does."""
    for between in range(words + 1):
        word = _after_spaces(text, at)
        if word == at:
            return None
        for end in targets.ends(text, low, word):
            if not _WORD_CHAR.match(text, end):
                return end
        run = _WORD.match(text, word) if between < words else None
        if run is None:
            return None
        at = run.end()
    return None


class _NegatedPraise(_Scanner):
    r"""``(?<![\w'])(?:NEGATORS)(?:\s+\w+){0,2}?\s+(?:PRAISE)(?![\w'])``: "not very helpful"."""

    def __init__(self, negators: _Phrases, praise: _Phrases) -> None:
        self._negators, self._praise = negators, praise

    def _starts(self, text: str, low: str, pos: int) -> list[int]:
        return self._negators._starts(text, low, pos)

    def _at(self, text: str, low: str, pos: int) -> _Found | None:
        for at in self._negators.ends(text, low, pos):
            if (end := _then(text, low, at, 2, self._praise)) is not None:
                return _Found(text, pos, end)
        return None


#: What thanks a failure in ``_ThanksFor``: the runs it may start with.
_THANKING = frozenset(("thanks", "thank", "thx", "love", "great", "awesome", "nice", "appreciate"))


class _ThanksFor(_Scanner):
    r"""``(?<![\w'])(?:thanks?|thank you|thx|love|great|awesome|nice|appreciate)\s+``
    ``(?:\w+\s+){0,3}?(?:TARGETS)(?![\w'])``: praise for a failure, "thanks for nothing"."""

    def __init__(self, targets: _Phrases) -> None:
        self._targets = targets

    def _starts(self, text: str, low: str, pos: int) -> list[int]:
        starts = [
            m.start() for m in _RUN.finditer(text, pos) if low[m.start() : m.end()] in _THANKING
        ]
        if starts and starts[0] == pos and pos > 0 and _WORD_CHAR.match(text, pos - 1):
            del starts[0]
        return starts

    def _at(self, text: str, low: str, pos: int) -> _Found | None:
        run = _RUN.match(text, pos)
        if run is None or (thanks := low[pos : run.end()]) not in _THANKING:
            return None
        ends = [run.end()]
        if thanks == "thank" and low.startswith("thank you", pos):
            ends.append(pos + 9)
        for at in ends:
            if (end := _then(text, low, at, 3, self._targets)) is not None:
                return _Found(text, pos, end)
        return None


class _Competitor(_Scanner):
    r"""``(?<![\w'])(?:COMPARISONS)\s+(?:the\s+)?[@＠]\w+``: "as bad as @united"."""

    def __init__(self, comparisons: _Phrases) -> None:
        self._comparisons = comparisons

    def _starts(self, text: str, low: str, pos: int) -> list[int]:
        return self._comparisons._starts(text, low, pos)

    def _at(self, text: str, low: str, pos: int) -> _Found | None:
        for end in self._comparisons.ends(text, low, pos):
            at = _after_spaces(text, end)
            if at == end:
                continue
            if low.startswith("the", at):
                handle = _after_spaces(text, at + 3)
                if handle > at + 3 and (name := _handle_end(text, handle)):
                    return _Found(text, pos, name)
            if name := _handle_end(text, at):
                return _Found(text, pos, name)
        return None


def _handle_end(text: str, at: int) -> int:
    r"""Where ``[@＠]\w+`` at ``at`` ends; 0 if it is not there."""
    if not text.startswith(("@", "＠"), at):
        return 0
    m = _WORD.match(text, at + 1)
    return 0 if m is None else m.end()


# The patterns :class:`_Overcome`, :class:`_NegatedPraise`, :class:`_ThanksFor` and
# :class:`_Competitor` stand for, compiled only for word lists they cannot hold.


def _overcome_pattern(words: Iterable[str]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w'])(?:" + _alternation(words) + r")(?:\s+[\w']+){1,4}", re.I)


def _negated_praise_pattern(negators: Iterable[str], praise: Iterable[str]) -> re.Pattern[str]:
    return re.compile(
        r"(?<![\w'])(?:" + _alternation(negators) + r")(?:\s+\w+){0,2}?\s+(?:"
        + _alternation(praise) + r")(?![\w'])",
        re.I,
    )  # fmt: skip


def _thanks_for_pattern(targets: Iterable[str]) -> re.Pattern[str]:
    return re.compile(
        r"(?<![\w'])(?:thanks?|thank you|thx|love|great|awesome|nice|appreciate)\s+"
        r"(?:\w+\s+){0,3}?(?:" + _alternation(targets) + r")(?![\w'])",
        re.I,
    )


def _competitor_pattern(words: Iterable[str]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w'])(?:" + _alternation(words) + r")\s+(?:the\s+)?[@＠]\w+", re.I)


def _stem_end(text: str, end: int) -> int:
    r"""Where a stem's ``\w*`` ends, the stem ending at ``end``."""
    m = _WCHARS.match(text, end)
    return end if m is None else m.end()


def _longest_first(words: list[tuple[str, bool]]) -> tuple[tuple[str, bool], ...]:
    r"""Words in the order a trie pattern tries them where all fit: longer first, and of the
    same word, the stem (its ``\w*``) before the word alone."""
    return tuple(sorted(words, key=lambda w: (-len(w[0]), not w[1])))


_TOKEN = re.compile(r"[a-z][a-z']*")
#: Words milder than this ("fair", "stall") do not move a tweet within its band.
_CLEAR_VALENCE = 1.5
_LEXICON_LINE = re.compile(r"\n([a-z][a-z'-]+)\t([^\t\n]*)")


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


def _inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in spans)


# --- Gates ----------------------------------------------------------------------
# Most word lists find nothing in most tweets, and a regex finds nothing only
# after trying every position. A list's words can match only where the text
# has a word (a run of letters, digits and apostrophes, as the lists' own
# boundaries cut them) equal to a word's first run ("no one" needs "no"; "help!"
# needs "help") or starting with a "*" word's stem ("disappoint*"): so each text
# is cut into its runs once, and a list whose runs are all absent is not
# searched; a list of symbols (emoji) is searched where the text has one of
# their first characters. The verdicts are the same; only the work that cannot
# find anything is skipped. A text with a non-ASCII run is searched in full
# (case rules beyond ASCII are the regex engine's), as is a list whose word
# starts with a non-ASCII run or a cased symbol.

_RUN = re.compile(r"[\w']+")


class _Cues(NamedTuple):
    """A text's gates: ``mask`` has the bit of each list that may match in it,
    ``starts`` where (the starts of the runs that open it), ``scan`` the bits of
    lists to search in full (a symbol of theirs is in the text, or no gate)."""

    mask: int
    starts: dict[int, list[int]]
    scan: int


class _Gate(NamedTuple):
    """What a text must hold for a word list to match in it."""

    runs: frozenset[str]  # a run equal to one of these ...
    stems: tuple[str, ...]  # ... or starting with one of these ...
    chars: frozenset[str]  # ... or one of these characters (words that start with no run)


def _gate(words: Iterable[str]) -> _Gate | None:
    """The gate of a word list (as :func:`_alternation` reads it); ``None``: always search."""
    runs: set[str] = set()
    stems: list[str] = []
    chars: set[str] = set()
    for word in words:
        star = word.endswith("*") and len(word) > 1
        body = (word[:-1] if star else word).lower()
        if not body:
            return None
        run = _RUN.match(body)
        if run is None:
            first = body[0]
            if first.upper() != first or first.lower() != first:
                return None  # a cased symbol: the engine's case rules decide
            chars.add(first)
        elif not run.group().isascii():
            return None
        elif star and run.group() == body:
            stems.append(body)
        else:
            runs.add(run.group())
    return _Gate(frozenset(runs), tuple(stems), frozenset(chars))


#: The module's own word patterns, gated by the runs they start with.
_SPARED_RUNS = _Gate(frozenset(("for", "by")), (), frozenset())
#: "should", "could've", "wouldn't": every way _REGRET starts is one of these stems.
_REGRET_RUNS = _Gate(frozenset(), ("should", "could", "would"), frozenset())
_WISH_RUNS = _Gate(frozenset(("it", "it'd", "itd", "would", "wd", "will")), (), frozenset())
_CONTRAST_RUNS = _Gate(
    frozenset(("but", "however", "though", "although", "unfortunately", "except")), (), frozenset()
)


class _Gating(NamedTuple):
    """The gates of a :class:`Triage`'s lists (see :func:`_gate`), one bit per list."""

    bit: dict[str, int]
    all_bits: int
    always: int  # lists no gate can stand for
    run_bits: dict[str, int]  # a run of the lists -> the bits it opens
    stems: list[tuple[tuple[str, ...], int]]
    char_gates: list[tuple[frozenset[str], int]]


def _listed(name: str) -> functools.cached_property[_Phrases | re.Pattern[str]]:
    """The word pattern of the settings' list ``name``, built on first use: a
    :class:`_Phrases` while the reader is new, a compiled pattern once it is busy."""

    def pattern(self: Triage) -> _Phrases | re.Pattern[str]:
        words = getattr(self.settings.words, name)
        return _Phrases(words) if not self._busy and _Phrases.fits(words) else _words(words)

    return functools.cached_property(pattern)


def _emoji(name: str) -> functools.cached_property[_Symbols | re.Pattern[str]]:
    """The symbol pattern of the settings' list ``name``, built on first use (a
    :class:`_Symbols` while the reader is new, as :func:`_listed`)."""

    def pattern(self: Triage) -> _Symbols | re.Pattern[str]:
        symbols = getattr(self.settings.words, name)
        return _Symbols(symbols) if not self._busy and _Symbols.fits(symbols) else _chars(symbols)

    return functools.cached_property(pattern)


class Triage:
    """A compiled reader for one :class:`TriageSettings`; cheap to call per tweet.

    Building one is cheap too, and so are its first readings: a word list is found
    by looking the text's runs up (:class:`_Phrases` and the scanners over them), with
    nothing compiled; the opening thread's first owed list reads a few dozen tweets,
    and compiling the lists' tries with ``re`` would cost it several times the reading.
    Once the reader has read ``_SCANNED_READS`` texts it is busy (a sync, a report, an
    import): each pattern is then compiled the next time a tweet reaches it, and read
    by the regex engine, faster per tweet. Both find the same matches (tested).
    """

    # Question openers count at the start of a clause: found as words, then
    # the few characters before each are checked (cheaper than a lookbehind
    # tried at every position).
    _opener = _listed("question_openers")
    _request = _listed("request")
    _complaint = _listed("complaint")
    _waiting = _listed("waiting")
    _praise = _listed("praise")
    _resolved = _listed("resolved")
    _resolution = _listed("resolution")
    _sarcasm_target = _listed("sarcasm_targets")
    _spam = _listed("spam")
    _negator = _listed("negators")
    _complaint_emoji = _emoji("complaint_emoji")
    _thanks_emoji = _emoji("thanks_emoji")
    # Words that do not count as complaints on their own: they are only
    # failures next to another cue (a bare "not" or "no" is not a complaint).
    _weak = frozenset(
        (
            "not", "no", "still", "again", "sorry", "yet", "don't", "didn't", "doesn't",
            "can't", "cannot", "won't", "wouldn't", "couldn't", "isn't", "wasn't", "aren't",
            "haven't", "hasn't", "never", "nobody", "nothing", "no one", "noone", "none",
            "miss", "hold", "wait", "line", "days", "fix", "bad", "sad", "mad", "joke",
            "tried", "trying", "nope", "static",
        )
    )  # fmt: skip

    def __init__(self, settings: TriageSettings | None = None) -> None:
        self.settings = settings or TriageSettings()
        # text -> (has spam wording, the words' verdict); see classify.
        self._known: dict[str, tuple[bool, Verdict]] = {}
        self._token_bits: dict[str, int] = {}  # memo: a text's run -> its bits
        self._reads = 0  # texts read, up to _SCANNED_READS
        self._busy = False  # compiled patterns from now on (see the class's note)

    # -- patterns built on first use

    @functools.cached_property
    def _overcome(self) -> _Scanner | re.Pattern[str]:
        words = self.settings.words.overcoming
        if not self._busy and _Phrases.fits(words):
            return _Overcome(_Phrases(words))
        return _overcome_pattern(words)

    @functools.cached_property
    def _valences(self) -> dict[str, str]:
        return _vader_valences() if self.settings.valence_weight else {}

    @functools.cached_property
    def _negator_words(self) -> frozenset[str]:
        return frozenset(n for n in self.settings.words.negators if " " not in n)

    @functools.cached_property
    def _lexicon_words(self) -> tuple[str, ...]:
        """The lexicon's failure words that no list of the settings already has."""
        w = self.settings.words
        known = {x.casefold() for x in (*w.praise, *w.resolution, *w.resolved, *w.complaint)}
        return tuple(x for x in _vader_words(self.settings.lexicon_failure) if x not in known)

    @functools.cached_property
    def _lexicon(self) -> _WordSet | re.Pattern[str]:
        words = self._lexicon_words
        return _WordSet(words) if _WordSet.fits(words) else _words(words)

    @property
    def _lexicon_gate(self) -> _Gate | None:
        """:func:`_gate` of the lexicon's words, read off them when they are plain words (as
        a :class:`_WordSet` holds them): each opens with the run before its first hyphen."""
        words = self._lexicon_words
        if not isinstance(self._lexicon, _WordSet):
            return _gate(words)
        return _Gate(frozenset(w.lower().partition("-")[0] for w in words), (), frozenset())

    @functools.cached_property
    def _negated_praise(self) -> _Scanner | re.Pattern[str]:
        # A negator, up to two words, then a praise word: "not very helpful".
        w = self.settings.words
        if isinstance(self._negator, _Phrases) and isinstance(self._praise, _Phrases):
            return _NegatedPraise(self._negator, self._praise)
        return _negated_praise_pattern(w.negators, w.praise)

    @functools.cached_property
    def _thanks_for_failure(self) -> _Scanner | re.Pattern[str]:
        # Praise for a failure is sarcasm: the listed targets, and every failure
        # word that counts on its own ("thanks for wasting a day").
        w = self.settings.words
        sarcasm_targets = (
            *w.sarcasm_targets,
            *(c for c in w.complaint if c not in self._weak),
            *_FAILED_ACTS,
        )
        if not self._busy and _Phrases.fits(sarcasm_targets):
            return _ThanksFor(_Phrases(sarcasm_targets))
        return _thanks_for_pattern(sarcasm_targets)

    @functools.cached_property
    def _competitor(self) -> _Scanner | re.Pattern[str]:
        words = self.settings.words.competitor_comparisons
        if not self._busy and _Phrases.fits(words):
            return _Competitor(_Phrases(words))
        return _competitor_pattern(words)

    @functools.cached_property
    def _gating(self) -> _Gating:
        """The lists' gates (see _gate): a text's mask has the bits of the lists
        that may match in it."""
        w = self.settings.words
        gates = {
            "resolved": _gate(w.resolved),
            "spared": _SPARED_RUNS,
            "opener": _gate(w.question_openers),
            "request": _gate(w.request),
            "negator": _gate(w.negators),
            "praise": _gate(w.praise),
            "complaint": _gate(w.complaint),
            "waiting": _gate(w.waiting),
            "regret": _REGRET_RUNS,
            "lexicon": self._lexicon_gate,
            "complaint_emoji": _gate(w.complaint_emoji),
            "thanks_emoji": _gate(w.thanks_emoji),
            "wish": _WISH_RUNS,
            "contrast": _CONTRAST_RUNS,
            "overcome": _gate(w.overcoming),
        }
        bits = {name: 1 << i for i, name in enumerate(gates)}
        always = 0
        run_bits: dict[str, int] = {}
        stems: list[tuple[tuple[str, ...], int]] = []
        char_gates: list[tuple[frozenset[str], int]] = []
        for name, gate in gates.items():
            bit = bits[name]
            if gate is None:
                always |= bit
                continue
            for run in gate.runs:
                run_bits[run] = run_bits.get(run, 0) | bit
            if gate.stems:
                stems.append((gate.stems, bit))
            if gate.chars:
                char_gates.append((gate.chars, bit))
        return _Gating(bits, (1 << len(gates)) - 1, always, run_bits, stems, char_gates)

    # -- gates

    def _cues(self, masked: str) -> _Cues:
        """Which lists may match in ``masked``, and where (see :class:`_Cues`)."""
        gating = self._gating
        scan = gating.always
        low = masked.lower()
        if not masked.isascii() and (
            len(low) != len(masked) or not " ".join(_RUN.findall(masked)).isascii()
        ):
            return _Cues(gating.all_bits, {}, gating.all_bits)
        mask = scan
        starts: dict[int, list[int]] = {}
        memo = self._token_bits
        get = memo.get
        for m in _RUN.finditer(low):  # same runs at the same places: ASCII runs, same length
            run = m.group()
            bits = get(run)
            if bits is None:
                bits = gating.run_bits.get(run, 0)
                for stems, bit in gating.stems:
                    if run.startswith(stems):
                        bits |= bit
                if len(memo) >= _KNOWN_TEXTS:
                    memo.clear()
                memo[run] = bits
            if bits:
                mask |= bits
                start = m.start()
                while bits:
                    bit = bits & -bits
                    bits ^= bit
                    if (at := starts.get(bit)) is None:
                        starts[bit] = [start]
                    else:
                        at.append(start)
        for chars, bit in gating.char_gates:
            if not chars.isdisjoint(masked):
                mask |= bit
                scan |= bit
        return _Cues(mask, starts, scan)

    def _find(self, pattern: _Matcher, name: str, masked: str, cues: _Cues) -> Iterable[_Hit]:
        """``pattern.finditer(masked)``, the same matches, tried only where they may start."""
        bit = self._gating.bit[name]
        if not cues.mask & bit:
            return ()
        if cues.scan & bit:
            return pattern.finditer(masked)
        if isinstance(pattern, _Scanner):
            return pattern.matches(masked, cues.starts[bit])
        found: list[_Hit] = []
        end = 0
        for start in cues.starts[bit]:  # in text order, as finditer goes
            if start >= end and (m := pattern.match(masked, start)) is not None:
                found.append(m)
                end = m.end()
        return found

    # -- spam

    def spam_reasons(self, text: str, author: User | None = None) -> list[Reason]:
        """Cues that the tweet is spam or from a bot; empty when it reads as a person."""
        reasons = [Reason("spam-wording", m.group(), *m.span()) for m in self._spam.finditer(text)]
        if not reasons:
            return []
        s = self.settings
        if author is not None:
            followers, following = author.followers_count, author.following_count
            if (
                followers is not None
                and following is not None
                and followers < s.spam_max_followers
                and following >= s.spam_follow_ratio * max(followers, 1)
            ):
                reasons.append(
                    Reason(
                        "spam-account",
                        f"follows {following:,}, followed by {followers:,}",
                        None,
                        None,
                    )
                )
            if self._spam.search(author.description or ""):
                reasons.append(Reason("spam-account", "profile: " + author.description, None, None))
        reasons.extend(Reason("link", m.group(), *m.span()) for m in _LINK.finditer(text))
        strong = {r.words.casefold() for r in reasons if r.kind == "spam-wording"}
        account = any(r.kind == "spam-account" for r in reasons)
        link = any(r.kind == "link" for r in reasons)
        if len(strong) >= 2 or (strong and (account or link)):
            # A person who asks or complains is a customer, however they word it,
            # unless the spam wording is overwhelming.
            if len(strong) < 3 and not account and self._needs(_masked(text))[0]:
                return []
            return reasons
        return []

    # -- need and praise

    def _needs(
        self,
        masked: str,
        cues: _Cues | None = None,
        negated: list[tuple[int, int]] | None = None,
    ) -> tuple[list[Reason], list[Reason], list[Reason]]:
        """(complaint-like, question-like, weak unused) reasons in the masked text.

        ``cues`` is :meth:`_cues` of it, ``negated`` :meth:`_negated_spans`, when known."""
        if cues is None:
            cues = self._cues(masked)
        m: _Hit  # a regex's match or a word set's
        complaints: list[Reason] = []
        questions: list[Reason] = []
        resolved = [m.span() for m in self._find(self._resolved, "resolved", masked, cues)]
        # "thanks for not cancelling", "kudos for never losing a bag": a failure
        # that did not happen, and what the thanks is for.
        resolved.extend(m.span() for m in self._find(_SPARED, "spared", masked, cues))
        if "?" in masked:
            for m in re.finditer(r"\?", masked):
                questions.append(Reason("question", "?", *m.span()))
        for m in self._find(self._opener, "opener", masked, cues):
            start = m.start()
            if not masked[:start].strip() or _CLAUSE_START.search(
                masked, max(0, start - 12), start
            ):
                questions.append(Reason("question", m.group(), start, m.end()))
        for m in self._find(self._request, "request", masked, cues):
            if not _inside(m.span(), resolved):
                questions.append(Reason("request", m.group(), *m.span()))
        if negated is None:
            negated = self._negated_spans(masked, cues)
        for s, e in negated:
            if not _inside((s, e), resolved):
                complaints.append(Reason("negated-praise", masked[s:e], s, e))
        weak: list[Reason] = []
        for m in self._find(self._complaint, "complaint", masked, cues):
            span = m.span()
            if _inside(span, resolved) or _inside(span, negated):
                continue
            reason = Reason("complaint", m.group(), *span)
            (weak if m.group().casefold() in self._weak else complaints).append(reason)
        for m in self._find(self._waiting, "waiting", masked, cues):
            span = m.span()
            if not _inside(span, resolved):
                word = m.group().casefold()
                (weak if word in self._weak else complaints).append(
                    Reason("waiting", m.group(), *span)
                )
        for m in self._find(_REGRET, "regret", masked, cues):  # "should have been"
            if not _inside(m.span(), resolved):
                complaints.append(Reason("complaint", m.group(), *m.span()))
        for m in _DIGITS.finditer(masked):
            complaints.append(Reason("waiting", m.group(), *m.span()))
        for m in _HASHTAG.finditer(masked):
            tag = m.group(1)
            if self._complaint.search(tag) or re.search(
                r"fail|worst|suck|never|disappoint|unhappy|broken|delay|cancel|lost|stuck|hold"
                r"|bad|poor|wait|hate|angry|ugh|fix|help|annoy|frustrat|rude|ruin|strand",
                tag,
                re.I,
            ):
                complaints.append(Reason("complaint", m.group(), *m.span()))
        for m in self._find(self._lexicon, "lexicon", masked, cues):
            span = m.span()
            if _inside(span, resolved) or _inside(span, negated):
                continue
            before = masked[max(0, span[0] - 16) : span[0]]
            if self._negator.search(before):  # "not hopeless", "never disgusting"
                continue
            complaints.append(Reason("complaint", m.group(), *span))
        for m in self._find(self._complaint_emoji, "complaint_emoji", masked, cues):
            complaints.append(Reason("complaint", m.group(), *m.span()))
        # Weak cues count beside another cue, two together, or one in a long
        # statement (a customer explaining what went wrong): "I can't get anyone
        # on the phone to change my seat" needs an answer, "wouldn't miss it" not.
        long = len(_WORD.findall(masked)) >= self.settings.long_statement_words
        distinct_weak = len({r.words.casefold() for r in weak})
        if complaints or questions or distinct_weak >= 2 or (weak and long):
            complaints.extend(weak)
            weak = []
        return complaints, questions, weak

    def _competitors(self, text: str) -> list[Reason]:
        cues = []
        for m in self._competitor.finditer(text.translate(_APOSTROPHES)):
            cues.append(Reason("competitor", text[m.start() : m.end()], *m.span()))
        return cues

    def is_spam(self, text: str, author: User | None = None) -> bool:
        """Whether :meth:`classify` puts the tweet in probably-spam: the spam test alone,
        far cheaper than a whole reading (most tweets have no spam wording at all)."""
        known = self._known.get(text)
        if known is not None and not known[0]:
            return False
        return bool(self.spam_reasons(text, author))

    def classify(self, text: str, author: User | None = None, *, spam: bool = True) -> Verdict:
        """The band of one tweet addressed to the business, with its reasons.

        ``spam=False`` reads it as a person's, for a mention moved back from spam.

        What the words alone decide is kept per text (the same words read the
        same way), so a repeated tweet (a template, a copied complaint, a spam
        run) is read once; the spam test, which may look at the author, runs
        again only for a text with spam wording.
        """
        known = self._known.get(text)
        if known is None:
            if not self._busy:
                self._reads += 1
                if self._reads >= _SCANNED_READS:
                    self._compile()
            wording = self._spam.search(text) is not None
            known = (wording, self._read(text))
            if len(self._known) >= _KNOWN_TEXTS:
                self._known.clear()  # bounded; simpler and thread-safe beside an LRU
            self._known[text] = known
        if spam and known[0]:
            spam_cues = self.spam_reasons(text, author)
            if spam_cues:
                return Verdict(Band.SPAM, 0, tuple(spam_cues))
        return known[1]

    def _compile(self) -> None:
        """Busy from now on: each pattern built as a scanner is compiled when next used."""
        self._busy = True
        for name, value in list(vars(self).items()):
            if isinstance(value, _Scanner):
                vars(self).pop(name, None)

    def _read(self, text: str) -> Verdict:
        """The verdict of the words, read as a person's (no spam test)."""
        masked = _masked(text)
        cues = self._cues(masked)
        negated = self._negated_spans(masked, cues)
        complaints, questions, weak = self._needs(masked, cues, negated)
        if "@" in text or "＠" in text:  # a competitor is named by handle
            complaints.extend(self._competitors(text))
        praise = [
            Reason("thanks", m.group(), *m.span())
            for m in self._find(self._praise, "praise", masked, cues)
        ]
        # "would be great if ...": a request, not praise
        wishes = [m.span() for m in self._find(_WISH, "wish", masked, cues)]
        praise = [
            p
            for p in praise
            if not _inside((p.start or 0, p.end or 0), negated)
            and not _inside((p.start or 0, p.end or 0), wishes)
        ]
        praise.extend(
            Reason("thanks", m.group(), *m.span())
            for m in self._find(self._thanks_emoji, "thanks_emoji", masked, cues)
        )
        bangs = (
            [Reason("intensity", m.group(), *m.span()) for m in _BANG.finditer(masked)]
            if "!" in masked or "?" in masked
            else []
        )
        if masked != masked.lower():  # any capital: perhaps a shouted word
            bangs.extend(Reason("intensity", m.group(), *m.span()) for m in _SHOUT.finditer(masked))

        sarcasm: list[Reason] = []
        if praise:
            sarcasm = [
                Reason("sarcasm", m.group(), *m.span())
                for m in self._thanks_for_failure.finditer(masked)
                # "thanks for not leaving me" is thanks; "thanks for nothing" is not
                if not _NOT_DOING.search(m.group())
                and not _inside(
                    m.span(),
                    resolved := [
                        m.span() for m in self._find(self._resolved, "resolved", masked, cues)
                    ],
                )
                and not any(s < m.end() and m.end() <= e for s, e in resolved)
            ]
        if complaints and praise and not sarcasm:
            # "Thanks, but ...": what follows the turn is what the tweet says.
            # Praise before it is a courtesy when a failure follows.
            turn = next(iter(self._find(_CONTRAST, "contrast", masked, cues)), None)
            if turn is not None:
                at = turn.start()
                if any((c.start or 0) > at for c in self._strong(complaints)):
                    praise = [p for p in praise if (p.start or 0) > at]
        if complaints and praise and not sarcasm:
            # Failures the praise is for: a clause that says the problem was
            # dealt with ("helped me with my problem", "despite the delay").
            kept: list[Reason] = []
            overcome = [m.span() for m in self._find(self._overcome, "overcome", masked, cues)]
            for start, end in _clauses(masked):
                in_clause = [c for c in complaints if start <= (c.start or 0) < end]
                if (
                    in_clause
                    and self._resolution.search(masked, start, end)
                    and not self._negator.search(masked, start, end)
                ):
                    continue
                kept.extend(
                    c for c in in_clause if not _inside((c.start or 0, c.end or 0), overcome)
                )
            complaints = kept
            weak_only = [c for c in complaints if c.words.casefold() in self._weak]
            failing = self._failure_clauses(masked, weak_only, praise)
            if failing:
                return self._scored(
                    Band.NEEDS_ANSWER,
                    text,
                    complaints + questions + praise,
                    complaints=complaints + failing,
                    questions=questions,
                    praise=praise,
                )
            strong = len(self._strong(complaints))
            outweighed = len(praise) >= len(complaints) + (
                strong * self.settings.praise_per_failure
            )
            if outweighed and not any(q.kind == "question" for q in questions):
                return self._scored(Band.THANKS, text, praise, complaints=complaints)
            # A smile after a failure may be a smirk ("no more flights ... 😁"):
            # against failure words, praise must be said in words.
            worded = [p for p in praise if any(ch.isalpha() for ch in p.words)]
            if not strong and worded and len(praise) >= len(complaints):
                if any(q.kind == "question" for q in questions):
                    return self._scored(Band.NEEDS_ANSWER, text, questions, praise=praise)
                return self._scored(Band.THANKS, text, praise, complaints=complaints)
        if complaints or sarcasm:
            return self._scored(
                Band.NEEDS_ANSWER,
                text,
                sarcasm + complaints + questions + bangs,
                complaints=complaints,
                sarcasm=sarcasm,
                questions=questions,
                praise=praise,
                bangs=bangs,
            )
        if questions:
            if not praise or any(
                q.kind == "question" or q.words.casefold() not in _SOFT_REQUESTS for q in questions
            ):
                return self._scored(
                    Band.NEEDS_ANSWER, text, questions, questions=questions, praise=praise
                )
            return self._scored(Band.THANKS, text, praise + questions, praise=praise)
        if praise and weak:
            # What each clause does: a clause that only says something did not
            # happen ("they wouldn't let me on.") beside praise elsewhere ("Real
            # nice of you!") is a complaint, the praise around it sarcasm or a
            # courtesy; in the same clause as the praise ("can't thank you
            # enough") or with a fix ("got me on, didn't have to wait") it is not.
            failing = self._failure_clauses(masked, weak, praise)
            if failing:
                return self._scored(
                    Band.NEEDS_ANSWER, text, failing + praise, complaints=failing, praise=praise
                )
        if praise:
            return self._scored(Band.THANKS, text, praise, praise=praise, complaints=weak)
        if _emoji_only(masked.strip()):
            return Verdict(Band.THANKS, _TIER_BASE, ())
        return self._scored(Band.NORMAL, text, [], complaints=weak)

    def _valence(self, text: str) -> float:
        """The tweet's summed VADER valence (negative is unhappy) over its clear words, one flipped
        after a negator in the three words before it: orders tweets in a band."""
        lexicon = self._valences
        if not lexicon:
            return 0.0
        total = 0.0
        flip_until = -1
        for i, word in enumerate(_TOKEN.findall(text.translate(_APOSTROPHES).lower())):
            if word in self._negator_words:
                flip_until = i + 3
                continue
            mean = lexicon.get(word)
            if mean is not None and abs(value := float(mean)) >= _CLEAR_VALENCE:
                total += -value if i <= flip_until else value
        return total

    def _negated_spans(self, masked: str, cues: _Cues | None = None) -> list[tuple[int, int]]:
        """Praise negated ("not helpful"), but not praise raised to the top by a
        negated comparison ("couldn't be more thankful", "can't be any nicer")."""
        if cues is None:
            cues = self._cues(masked)
        if not cues.mask & self._gating.bit["praise"]:
            return []
        return [
            (s, e)
            for s, e in (
                m.span() for m in self._find(self._negated_praise, "negator", masked, cues)
            )
            if not _RAISED.search(masked, s, e)
        ]

    def _failure_clauses(
        self, masked: str, weak: list[Reason], praise: list[Reason]
    ) -> list[Reason]:
        """The weak cues that stand in a clause of their own: no praise, no fix."""
        failing: list[Reason] = []
        for start, end in _clauses(masked):
            # A cue that opens its clause ("Don't know her name, but ...") is a
            # hedge; a failure has someone it happened to ("they wouldn't let me on").
            lead = masked[start:end].lstrip(" \t.,!?;:…-—\n")
            opening = start + (end - start) - len(lead)
            cues = [
                r
                for r in weak
                if start <= (r.start or 0) < end
                and (r.start or 0) > opening
                and r.words.casefold() in _FAILED_ACTS
            ]
            if not cues or any(start <= (p.start or 0) < end for p in praise):
                continue
            if self._resolution.search(masked, start, end):
                continue
            failing.extend(cues)
        return failing

    def _scored(
        self,
        band: Band,
        text: str,
        reasons: list[Reason],
        *,
        complaints: list[Reason] = (),  # type: ignore[assignment]
        sarcasm: list[Reason] = (),  # type: ignore[assignment]
        questions: list[Reason] = (),  # type: ignore[assignment]
        praise: list[Reason] = (),  # type: ignore[assignment]
        bangs: list[Reason] = (),  # type: ignore[assignment]
    ) -> Verdict:
        """The verdict, its tier from how much need the cues add up to (more need, lower tier)."""
        need = 3 * len(self._strong(list(complaints))) + len(complaints) + len(bangs)
        need += 6 * len(sarcasm) - 8 * (len(praise) - len(sarcasm))
        need += 2 * any(q.kind == "question" for q in questions)
        need += sum(1 for q in questions if q.kind == "request")
        # "Why ...?", "how come ...": a question that asks for a reason is a reproach.
        need += 6 * any(q.words.casefold() in _REPROACH for q in questions)
        tier = _TIER_BASE - need
        if band is Band.NEEDS_ANSWER:
            # Within needs-answer, how unhappy the words are orders what the cue
            # counts leave tied; elsewhere the oldest comes first among equals.
            tier += round(self.settings.valence_weight * self._valence(text))
            tier += _NEED_STEP * self._need_tier(complaints, sarcasm, questions, praise)
        return _verdict(band, tier, reasons, text)

    def _need_tier(
        self,
        complaints: list[Reason],
        sarcasm: list[Reason],
        questions: list[Reason],
        praise: list[Reason],
    ) -> int:
        """Within needs-answer, what kind of need: 0 a complaint (a failure the
        praise does not outweigh, or sarcasm), 1 a plain question or request,
        2 a polite question from a happy customer ("Thanks! Can I ...?")."""
        warm = len(praise) - len(sarcasm)
        strong = len(self._strong(complaints))
        if sarcasm or (strong and strong >= warm):
            return 0
        return 1 if warm > 0 else 0

    def _strong(self, complaints: list[Reason]) -> list[Reason]:
        """The complaints that count on their own (not a bare "not", "still" or "sorry")."""
        weak = self._weak
        return [c for c in complaints if c.words.casefold() not in weak]


#: Question openers that ask the business to account for itself.
_REPROACH = frozenset(("why", "how come", "what happened"))

#: Weak cues that say something was not done: a failure in a clause of their own.
_FAILED_ACTS = frozenset(
    (
        "can't", "cannot", "couldn't", "won't", "wouldn't", "didn't", "doesn't", "isn't",
        "wasn't", "aren't", "haven't", "hasn't", "never", "no one", "nobody", "nothing", "noone",
    )
)  # fmt: skip

#: Requests that a thank-you note may carry politely ("please keep it up").
_SOFT_REQUESTS = frozenset(("please", "pls", "plz", "hope you", "let us know", "let me know"))

#: The tier of a tweet with no cue either way; more need is lower (listed first).
_TIER_BASE = 100

#: How far apart the need tiers of needs-answer sit: more than any cue count moves a tier.
_NEED_STEP = 1000


def _verdict(band: Band, tier: int, reasons: list[Reason], text: str) -> Verdict:
    """The verdict, its reasons in text order, once each, in the tweet's own words."""
    seen: set[tuple[int | None, int | None]] = set()
    unique = []
    for r in sorted(reasons, key=lambda r: (r.start or 0, -(r.end or 0))):
        key = (r.start, r.end)
        if key in seen:
            continue
        seen.add(key)
        if r.start is not None:
            r = r._replace(words=text[r.start : r.end])
        unique.append(r)
    return Verdict(band, tier, tuple(unique))


def _clauses(text: str) -> list[tuple[int, int]]:
    cuts = [0]
    for m in _CLAUSE_END.finditer(text):
        cuts.append(m.end())
    cuts.append(len(text))
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


#: How many texts a :class:`Triage` reads with its scanners before it compiles its patterns:
#: start-up's first owed list reads far fewer; a sync or report far more, each faster with
#: the regex engine (compiling them all costs about what 500 scanned readings do).
_SCANNED_READS = 100

#: How many texts' verdicts a :class:`Triage` keeps (about 650 bytes each, so some
#: 13 MB at most); past it, it starts afresh. The run memo of the gates has the same bound.
_KNOWN_TEXTS = 20_000


@functools.cache
def default_triage() -> Triage:
    """The reader with the default word lists, built on first use, not on import: its
    patterns take a while to compile, and importing the store must stay cheap."""
    return Triage()


def __getattr__(name: str) -> Any:
    """``DEFAULT_TRIAGE``, for code written before :func:`default_triage`."""
    if name == "DEFAULT_TRIAGE":
        return default_triage()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def triage(text: str, author: User | None = None) -> Verdict:
    """:meth:`Triage.classify` with the default word lists."""
    return default_triage().classify(text, author)


def classify(text: str) -> Band:
    """The band of a tweet addressed to the user, from its words alone."""
    return default_triage().classify(text).band


def reasons_json(reasons: Iterable[Reason]) -> list[dict[str, Any]]:
    return [r.to_json() for r in reasons]


def authors_by_id(users: Iterable[User]) -> Mapping[str, User]:
    return {u.id: u for u in users}
