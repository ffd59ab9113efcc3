"""Measure a tweet as X does (twitter-text config v3), and find its entities.

X counts a tweet's length in a weighted way: the text is NFC-normalised, most
Latin script weighs 1 and everything else 2, every link weighs 23 whatever its
length, and every emoji sequence (a family, a flag, a skin tone) weighs 2.
Getting this exactly right matters: a draft the coach calls "fits" must post.

The URL, @mention, #hashtag and $cashtag rules are a port of twitter-text's
JavaScript library (``js/src/regexp``, Apache-2.0, commit 30e2430d), the one
X's web client runs; its conformance suite is the test. Emoji follow Unicode's
emoji sequence grammar (UTS #51) rather than twitter-text's 2020 emoji list, so
sequences added since (❤️‍🔥, 🫱🏽‍🫲🏻) also count 2, as X counts them today.

Offsets in entities are Python ``str`` indices into the text as given. The
coach calls all of this on every keystroke, so the stdlib ``re`` (faster) does
what needs no Unicode properties, and ``regex`` the rest.
"""

from __future__ import annotations

import re
import string
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import regex

MAX_WEIGHTED_LENGTH = 280
SCALE = 100
DEFAULT_WEIGHT = 200
URL_LENGTH = 23
# (first code point, last code point, weight): everything else weighs DEFAULT_WEIGHT.
RANGES = ((0, 4351, 100), (8192, 8205, 100), (8208, 8223, 100), (8242, 8247, 100))
INVALID_CHARACTERS = frozenset("\ufffe\ufeff\uffff")

MAX_URL_LENGTH = 4096  # counting "https://" when the URL has no protocol
MAX_TCO_SLUG_LENGTH = 40
MAX_LABEL_LENGTH = 63  # a DNS label, after punycode encoding


@dataclass(frozen=True, slots=True)
class Entity:
    """A URL, @mention, #hashtag or $cashtag; ``start``/``end`` are Python str offsets.

    ``text`` is the URL as written, or the name without its ``@``/``#``/``$``;
    the span covers the sign too.
    """

    kind: str  # "url" | "mention" | "hashtag" | "cashtag"
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ParseResult:
    """How X measures a tweet.

    ``overflow_start`` is the offset (into the text as given) of the first
    character past the limit, so a UI can mark what does not fit; ``None``
    when everything fits.
    """

    weighted_length: int
    valid: bool
    permillage: int
    overflow_start: int | None = None


# --- Characters (twitter-text js/src/regexp) ------------------------------------

_SPACE_CHARS = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u180e"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)
_DIRECTIONAL_CHARS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_INVALID_CHARS = "\ufffe\ufeff\uffff"
# ASCII punctuation. twitter-text's JS list misses '"' and '`' (it has "'" twice);
# its Java port has both, and so do we: a quote never belongs to a host name.
_PUNCT_CHARS = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_SPACES = re.escape(_SPACE_CHARS)
_PUNCT = re.escape(_PUNCT_CHARS)
_LATIN_ACCENTS = (
    r"\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u0100-\u024f\u0253\u0254\u0256\u0257"
    r"\u0259\u025b\u0263\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff"
)
_CYRILLIC = r"\u0400-\u04ff"


# --- Expressions, compiled when first used --------------------------------------
#
# Compiling the expressions below (the TLD trie above all) took about 50 ms at
# import, on the way to every start-up. Each is compiled the first time it is
# used instead; the methods are then bound on the wrapper, so a call costs what
# it costs on the compiled pattern.

_BOUND = ("search", "match", "fullmatch", "finditer", "findall", "sub", "split", "pattern")


class _Lazy:
    def __init__(self, build: Callable[[], Any]) -> None:
        self._build = build

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        compiled = self._build()
        for bound in _BOUND:
            setattr(self, bound, getattr(compiled, bound))
        return getattr(compiled, name)


def _lazy_re(pattern: str | Callable[[], str]) -> re.Pattern[str]:
    """An ``re`` pattern compiled on first use (``pattern`` may be built on first use too)."""
    source = pattern if callable(pattern) else (lambda: pattern)
    return cast("re.Pattern[str]", _Lazy(lambda: re.compile(source())))


def _lazy_regex(pattern: str) -> regex.Pattern[str]:
    """A ``regex`` pattern (Unicode properties), imported and compiled on first use."""

    def build() -> Any:
        import regex

        return regex.compile(pattern)

    return cast("regex.Pattern[str]", _Lazy(build))


# --- Top-level domains ---------------------------------------------------------


def _load_tlds() -> tuple[list[str], list[str]]:
    """The generic and country TLDs from the data file shipped beside this module."""
    from importlib import resources

    data = resources.files("tuicoach.domain").joinpath("twittertext_tlds.txt")
    sections: dict[str, list[str]] = {}
    current: list[str] = []
    for raw in data.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
        else:
            current.append(line)
    return sections["generic"], sections["country"]


def _trie_pattern(words: list[str]) -> str:
    """An alternation of ``words`` as a prefix tree, longest match first.

    ASCII letters match either case, as in twitter-text's "i" expressions.
    Source order only matters where one TLD is a prefix of another followed
    by a non-ASCII letter (嘉里/嘉里大酒店, भारत/भारतम्), and there the source lists
    the longer first too.
    """
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word.lower():
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict[str, Any]) -> str:
        branches = [_either_case(char) + pattern(child) for char, child in node.items() if char]
        if not branches:
            return ""
        group = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" not in node:
            return group
        return f"(?:{group})?" if len(branches) == 1 else group + "?"

    return pattern(trie)


def _either_case(char: str) -> str:
    return f"[{char}{char.upper()}]" if char in string.ascii_lowercase else re.escape(char)


@cache
def _tlds() -> tuple[list[str], list[str]]:
    return _load_tlds()


def __getattr__(name: str) -> list[str]:
    """``GENERIC_TLDS`` and ``COUNTRY_TLDS``, read from the data file when first asked for."""
    if name == "GENERIC_TLDS":
        return _tlds()[0]
    if name == "COUNTRY_TLDS":
        return _tlds()[1]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _all_tlds() -> list[str]:
    generic, country = _tlds()
    return [*generic, *country]


# The expressions are case-insensitive the way JavaScript's "i" is without "u":
# ASCII letters match either case, other letters their own upper/lower case, and
# nothing else (Python's re.IGNORECASE would also let "ſ" match "s").
_TLD_END = "(?![0-9a-zA-Z@+-])"
_PUNYCODE_TLD = "[xX][nN]--[-0-9a-zA-Z]+"


@cache
def _other_tld() -> str:
    return f"(?i:{_trie_pattern([t for t in _all_tlds() if not t.isascii()])}){_TLD_END}"


@cache
def _tld() -> str:
    """A known TLD not followed by more of a host name, or a punycode label."""
    ascii_tld = f"{_trie_pattern([t for t in _all_tlds() if t.isascii()])}{_TLD_END}"
    return f"(?:{ascii_tld}|{_other_tld()}|{_PUNYCODE_TLD})"


@cache
def _ascii_tlds() -> frozenset[str]:
    """The same test, faster: an ASCII TLD is a whole run of ASCII letters and
    digits, so a set lookup decides it."""
    return frozenset(t.lower() for t in _all_tlds() if t.isascii())


_ASCII_ALNUM = _lazy_re("[0-9A-Za-z]+")
_OTHER_TLD_AT = _lazy_re(_other_tld)
_PUNYCODE_AT = _lazy_re(_PUNYCODE_TLD)

# --- URLs (twitter-text js/src/regexp/extractUrl.js and its parts) ------------

# twitter-text's host name is (label ".")+ TLD, where a label is domain
# characters (anything but punctuation, spaces, direction marks) with "-" and
# "_" inside, but no "_" in the label right before the TLD:
#   (?:(?:C(?:[_-]|C)*)?C\.)*(?:(?:C(?:-|C)*)?C\.)TLD
# As a regular expression that backtracks over labels from every start, this
# costs O(n²) on a long word: 1.4 ms for Japanese text glued to a link.
# _url_spans finds the same matches in linear time, working on runs of label
# characters; a test holds it to the expression.
_NOT_DOMAIN_CHARS = frozenset(_PUNCT_CHARS + _SPACE_CHARS + _DIRECTIONAL_CHARS + _INVALID_CHARS)
_LABEL_RUN = _lazy_re(
    f"[^{re.escape(_PUNCT_CHARS.replace('_', '').replace('-', ''))}"
    f"{_SPACES}{re.escape(_DIRECTIONAL_CHARS + _INVALID_CHARS)}]+"
)
_PROTOCOL_PATTERN = "[hH][tT][tT][pP][sS]?://"
_PROTOCOL = _lazy_re(_PROTOCOL_PATTERN)
_SPACE = _lazy_re(f"[{_SPACES}]")
_LAST_SPACE = _lazy_re(f"[{_SPACES}][^{_SPACES}]*\\Z")
# A URL needs a character before it that is none of these, or the start of the text.
_NOT_PRECEDING = frozenset(string.ascii_letters + string.digits + "@＠$#＃" + _INVALID_CHARS)

_PATH_CHAR = rf"[a-zA-Z{_CYRILLIC}0-9!*';:=+,.$/%#\[\]\-\u2013_~@|&{_LATIN_ACCENTS}]"
# Balanced parentheses, one level nested: Wikipedia's /wiki/Primer_(film).
_PARENS = rf"\((?:{_PATH_CHAR}+|(?:{_PATH_CHAR}*\({_PATH_CHAR}+\){_PATH_CHAR}*))\)"
_PATH_END = rf"(?:[+\-a-zA-Z{_CYRILLIC}0-9=_#/{_LATIN_ACCENTS}]|{_PARENS})"
_PATH = rf"(?:(?:{_PATH_CHAR}*(?:{_PARENS}{_PATH_CHAR}*)*{_PATH_END})|(?:@{_PATH_CHAR}+/))"
_QUERY_CHAR = r"[a-zA-Z0-9!?*'@();:&=+$/%#\[\]\-_.,~|]"
_QUERY_END = r"[a-zA-Z0-9\-_&=#/]"
# What may follow the host: port, path (group 1), query. The path is
# possessive, as in twitter-text's Java port, so "/path........." cannot
# backtrack for ever.
_URL_TAIL = _lazy_re(rf"(?::[0-9]+)?(/{_PATH}*+)?(?:\?{_QUERY_CHAR}*{_QUERY_END})?")
_ASCII_DOMAIN = _lazy_re(lambda: rf"(?:[\-a-zA-Z0-9{_LATIN_ACCENTS}]+\.)+{_tld()}")
_TCO = _lazy_re(
    rf"{_PROTOCOL_PATTERN}[tT]\.[cC][oO]/([a-zA-Z0-9]+)(?:\?{_QUERY_CHAR}*{_QUERY_END})?"
)

# --- Mentions, hashtags, cashtags ---------------------------------------------

_MENTION = _lazy_re(
    r"(?:^|[^a-zA-Z0-9_!#$%&*@＠]|(?:^|[^a-zA-Z0-9_+~.-])(?:rt|RT|rT|Rt):?)"
    r"[@＠]([a-zA-Z0-9_]{1,20})(/[a-zA-Z][a-zA-Z0-9_-]{0,24})?"
)
_MENTION_CONTEXT = len("xRT:")  # the most a mention's match holds before its "@"
_AT_SIGN = _lazy_re("[@＠]")
_MENTION_BAD_END = _lazy_re(rf"[@＠{_LATIN_ACCENTS}]|://")

_HASHTAG_LETTER = r"\p{L}\p{M}"
_HASHTAG_ALNUM = (
    rf"{_HASHTAG_LETTER}\p{{Nd}}_\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c"
    r"\u309b\u309c\u30a0\u30fb\u3003\u0f0b\u0f0c\u00b7"
)
# Matched at a hash sign. A letter, digit or "&" before it makes it no
# hashtag, except a variation selector (U+FE0E/F, itself a mark) after an emoji.
_HASHTAG = _lazy_regex(
    rf"(?:(?<=[\ufe0e\ufe0f])|(?<![&{_HASHTAG_ALNUM}]))[#＃](?![\ufe0f\u20e3])"
    rf"([{_HASHTAG_ALNUM}]*[{_HASHTAG_LETTER}][{_HASHTAG_ALNUM}]*)"
)
_HASH_SIGN = _lazy_re("[#＃]")
_HASHTAG_BAD_END = _lazy_re(r"[#＃]|://")

_CASHTAG = _lazy_re(
    rf"(?:^|[{_SPACES}])\$([a-zA-Z]{{1,6}}(?:[._][a-zA-Z]{{1,2}})?)(?=\Z|\s|[{_PUNCT}])"
)

# --- Emoji and weights ------------------------------------------------------------

# One emoji: a flag, a keycap, a skin-toned person, a tag sequence (🏴󠁧󠁢󠁳󠁣󠁴󠁿), or an
# emoji with an optional VS16; a ZWJ sequence joins several. Bare digits, "#"
# and "*" are emoji only as keycaps.
_EMOJI_ELEMENT = (
    r"(?:\p{Regional_Indicator}\p{Regional_Indicator}"
    r"|[#*0-9]\ufe0f?\u20e3"
    r"|\p{Emoji_Modifier_Base}\p{Emoji_Modifier}"
    r"|\p{Emoji}[\U000e0020-\U000e007e]+\U000e007f"
    r"|(?![#*0-9])\p{Emoji}\ufe0f?)"
)
_EMOJI_SEQUENCE = _lazy_regex(rf"{_EMOJI_ELEMENT}(?:\u200d{_EMOJI_ELEMENT})*")
# A single code point weighs what its range says; only a sequence counts as one
# emoji, and every sequence holds one of these.
_SEQUENCE_HINT = _lazy_re(
    "[\ufe0f\u20e3\u200d\U0001f1e6-\U0001f1ff\U0001f3fb-\U0001f3ff\U000e007f]"
)

if len({weight for _, _, weight in RANGES}) != 1:
    raise ValueError("the weight ranges of twitter-text config v3 share one weight")
_RANGE_WEIGHT = RANGES[0][2]
# Characters outside every range: they weigh DEFAULT_WEIGHT.
_DEFAULT_WEIGHT_CHAR = _lazy_re(
    "[^" + "".join(f"\\U{first:08x}-\\U{last:08x}" for first, last, _ in RANGES) + "]"
)


# --- Extraction ---------------------------------------------------------------------


def extract_urls(text: str) -> list[Entity]:
    """Links as X finds them, with or without a protocol (``example.com/path``)."""
    return [Entity("url", text[start:end], start, end) for start, end in _url_spans(text)]


def extract_mentions(text: str) -> list[Entity]:
    """@mentions; list references (``@user/list``) and ``@`` inside a link are not."""
    found = []
    position = 0
    for sign in _AT_SIGN.finditer(text):
        if sign.start() < position:
            continue
        # No match can start further back than this from the next "@" (see
        # _MENTION_CONTEXT), so searching from here finds the regex's next match.
        match = _MENTION.search(text, max(position, sign.start() - _MENTION_CONTEXT))
        if match is None:
            break
        position = match.end()
        if match.group(2) or _MENTION_BAD_END.match(text, match.end()):
            continue
        found.append(Entity("mention", match.group(1), match.start(1) - 1, match.end(1)))
    return _outside_urls(text, found)


def extract_hashtags(text: str) -> list[Entity]:
    """#hashtags, in any script; at least one letter, and not part of a link."""
    found = []
    position = 0
    for sign in _HASH_SIGN.finditer(text):
        if sign.start() < position:
            continue
        match = _HASHTAG.match(text, sign.start())
        if match is None:
            continue
        position = match.end()
        if not _HASHTAG_BAD_END.match(text, match.end()):
            found.append(Entity("hashtag", match.group(1), match.start(), match.end()))
    return _outside_urls(text, found)


def extract_cashtags(text: str) -> list[Entity]:
    """$cashtags such as ``$TWTR`` or ``$BRK.A``."""
    if "$" not in text:
        return []
    found = [
        Entity("cashtag", m.group(1), m.start(1) - 1, m.end(1)) for m in _CASHTAG.finditer(text)
    ]
    return _outside_urls(text, found)


def _outside_urls(text: str, entities: list[Entity]) -> list[Entity]:
    """Drop entities that overlap a link: the link wins, as on X."""
    spans = _url_spans(text) if entities else ()
    if not spans:
        return entities
    return [e for e in entities if not any(s < e.end and e.start < t for s, t in spans)]


@lru_cache(maxsize=64)
def _url_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Start and end of every link; cached, as each check of a draft asks again.

    twitter-text's expression tries every position in turn: a preceding
    character (or the start of the text), an optional protocol, a host, a
    tail; after a match, even one it then rejects, it goes on from the
    match's end. Here only positions that can start a host are tried (in a
    run of label characters that ends in ".", or after a protocol), in the
    same order, and each run's hosts are worked out once.
    """
    tlds: dict[int, int | None] = {}  # position -> end of the TLD there
    # Every host holds a "." between a label and a TLD; no URL holds a space.
    dots = [d for d in _find_all(text, ".") if _ends_label(text, d) and _tld_end(text, d + 1, tlds)]
    if not dots:
        return ()
    before_first = _LAST_SPACE.search(text, 0, dots[0])
    first = before_first.start() if before_first else 0
    after_last = _SPACE.search(text, dots[-1])
    last = after_last.start() if after_last else len(text)
    runs = {m.start(): m.end() for m in _LABEL_RUN.finditer(text, first, last)}
    hosts: dict[int, tuple[int | None, int | None]] = {}

    def run_hosts(run: int) -> tuple[int | None, int | None]:
        """Where a host whose first label ends with this run ends: (with more labels, without).

        The expression takes all the labels it can, so the first wins; the
        second needs a first label without "_". None where there is no host.
        """
        if run not in hosts:
            dot = runs[run]
            deeper = tld = None
            if _ends_label(text, dot):
                following = dot + 1
                if following in runs and text[following] not in "_-":
                    deeper = _host_end(text, following, run_hosts(following), runs[following])
                if deeper is None:
                    tld = _tld_end(text, following, tlds)
            hosts[run] = deeper, tld
        return hosts[run]

    # Where hosts may start, in text order: runs ending in "." (any position in
    # them that follows a preceding character) and protocols.
    sources = sorted(
        [(run, dot, False) for run, dot in runs.items() if _ends_label(text, dot)]
        + [(m.start(), m.end(), True) for m in _PROTOCOL.finditer(text, first, last)]
    )
    spans: list[tuple[int, int]] = []
    resume = 0  # the expression goes on from the end of its last match
    for source, end_of_source, is_protocol in sources:
        if is_protocol:
            start, host = source, end_of_source
            if host not in runs or text[host] in "_-":
                continue
            if start and (start <= resume or text[start - 1] in _NOT_PRECEDING):
                continue
            if not start and resume:
                continue
            end_of_host = _host_end(text, host, run_hosts(host), runs[host])
        else:
            found = _first_start(text, source, end_of_source, resume, run_hosts(source))
            if found is None:
                continue
            start = host = found
            end_of_host = _host_end(text, host, run_hosts(source), end_of_source)
        if end_of_host is None:
            continue
        tail = _URL_TAIL.match(text, end_of_host)
        assert tail is not None  # every part of the tail is optional
        end = resume = tail.end()
        spans.extend(_accepted(text, start, host, end_of_host, end, bool(tail.group(1))))
    return tuple(spans)


def _first_start(
    text: str, run: int, dot: int, resume: int, run_hosts: tuple[int | None, int | None]
) -> int | None:
    """The first position in text[run:dot] where the expression would find a host.

    It tries positions in order, each after a preceding character; at the
    very start of the text, a preceding character (so position 1) before
    "the start" (position 0).
    """
    deeper, tld = run_hosts
    if deeper is None and tld is None:
        return None
    lowest = run if deeper is not None else max(run, text.rfind("_", run, dot) + 1)
    if run == 0 and resume == 0:
        order: Iterable[int] = [1, 0, *range(2, dot)] if dot > 1 else [0]
    else:
        order = range(max(resume + 1, run), dot)
    for start in order:
        if (
            start >= lowest
            and text[start] not in "_-"
            and (start == 0 or text[start - 1] not in _NOT_PRECEDING)
        ):
            return start
    return None


def _host_end(
    text: str, label: int, run_hosts: tuple[int | None, int | None], dot: int
) -> int | None:
    """End of the host whose first label is text[label:dot], given its run's hosts."""
    deeper, tld = run_hosts
    if deeper is not None:
        return deeper
    return tld if text.rfind("_", label, dot) == -1 else None


def _accepted(
    text: str, start: int, host: int, end_of_host: int, end: int, has_path: bool
) -> list[tuple[int, int]]:
    """What twitter-text keeps of a match: the checks after its expression."""
    url, domain = text[start:end], text[host:end_of_host]
    protocol_given = host > start
    if not _valid_host_and_length(url, protocol_given, domain):
        return []
    if protocol_given:
        tco = _TCO.match(url)
        if tco:
            if len(tco.group(1)) > MAX_TCO_SLUG_LENGTH:
                return []
            end = start + tco.end()  # a t.co link ends at its slug (and query)
        return [(start, end)]
    # Without a protocol: not after "-_./", and only ASCII host names count.
    if start and text[start - 1] in "-_./":
        return []
    found = [(start + m.start(), start + m.end()) for m in _ASCII_DOMAIN.finditer(domain)]
    if found and has_path:  # the last host takes the path
        found[-1] = (found[-1][0], end)
    return found


def _find_all(text: str, char: str) -> list[int]:
    found = []
    index = text.find(char)
    while index != -1:
        found.append(index)
        index = text.find(char, index + 1)
    return found


def _ends_label(text: str, dot: int) -> bool:
    """A "." at ``dot`` that closes a label: a domain character just before it."""
    return 0 < dot < len(text) and text[dot] == "." and text[dot - 1] not in _NOT_DOMAIN_CHARS


def _tld_end(text: str, position: int, memo: dict[int, int | None]) -> int | None:
    """End of the TLD (or punycode label) at ``position``, if one is there."""
    if position in memo:
        return memo[position]
    ascii_run = _ASCII_ALNUM.match(text, position)
    if ascii_run is None:  # maybe a TLD in another script
        tld = _OTHER_TLD_AT.match(text, position)
        end = tld.end() if tld else None
    elif ascii_run.group().lower() in _ascii_tlds() and not text.startswith(
        ("@", "+", "-"), ascii_run.end()
    ):
        end = ascii_run.end()
    else:
        punycode = _PUNYCODE_AT.match(text, position)
        end = punycode.end() if punycode else None
    memo[position] = end
    return end


def _valid_host_and_length(url: str, protocol_given: bool, host: str) -> bool:
    """Every label 1 to 63 characters once punycode-encoded, the URL at most 4096."""
    if host.startswith("xn--") and not _ASCII_DOMAIN.search(host):
        return False  # a punycode host cannot hold non-ASCII characters
    labels = host.split(".")
    encoded_length = len(labels) - 1
    for label in labels:
        # Encoding never shortens a label, so a long one fails without the work.
        if not 1 <= len(label) <= MAX_LABEL_LENGTH:
            return False
        encoded = label
        if not label.isascii():
            try:
                encoded = "xn--" + label.encode("punycode").decode("ascii")
            except UnicodeError:
                return False
            if len(encoded) > MAX_LABEL_LENGTH:
                return False
        encoded_length += len(encoded)
    url_length = len(url) - len(host) + encoded_length
    return url_length + (0 if protocol_given else len("https://")) <= MAX_URL_LENGTH


# --- Weighted length ------------------------------------------------------------------


def parse_tweet(text: str) -> ParseResult:
    """Weighted length and validity of ``text``, as X counts them.

    Invalid: empty or only whitespace, longer than 280, or holding one of
    U+FFFE, U+FEFF, U+FFFF.
    """
    normalized = _nfc(text)
    pieces = _weighted_pieces(normalized)
    scaled = sum(piece[2] for piece in pieces)
    length = scaled // SCALE
    overflow_start = None
    if scaled > MAX_WEIGHTED_LENGTH * SCALE:
        overflow_start = _raw_offset(text, normalized, _overflow_offset(normalized, pieces))
    valid = (
        overflow_start is None
        and bool(normalized.strip())
        and INVALID_CHARACTERS.isdisjoint(normalized)
    )
    return ParseResult(length, valid, length * 1000 // MAX_WEIGHTED_LENGTH, overflow_start)


def weighted_length(text: str) -> int:
    """The length X shows against its 280 limit."""
    return parse_tweet(text).weighted_length


Piece = tuple[int, int, int, bool]  # start, end, scaled weight, counted whole (link, emoji)


def _weighted_pieces(text: str) -> list[Piece]:
    """``text`` cut into links, emoji sequences and plain runs."""
    pieces: list[Piece] = []
    position = 0
    for start, end in _url_spans(text):
        _add_text_pieces(text, position, start, pieces)
        pieces.append((start, end, URL_LENGTH * SCALE, True))
        position = end
    _add_text_pieces(text, position, len(text), pieces)
    return pieces


def _add_text_pieces(text: str, start: int, end: int, pieces: list[Piece]) -> None:
    if start >= end:
        return
    if _SEQUENCE_HINT.search(text, start, end):
        for match in _EMOJI_SEQUENCE.finditer(text, start, end):
            if match.end() - match.start() > 1:
                if match.start() > start:
                    run = text[start : match.start()]
                    pieces.append((start, match.start(), _run_weight(run), False))
                pieces.append((match.start(), match.end(), DEFAULT_WEIGHT, True))
                start = match.end()
    if start < end:
        pieces.append((start, end, _run_weight(text[start:end]), False))


def _run_weight(run: str) -> int:
    heavy = 0 if run.isascii() else len(_DEFAULT_WEIGHT_CHAR.findall(run))
    return heavy * DEFAULT_WEIGHT + (len(run) - heavy) * _RANGE_WEIGHT


def _overflow_offset(text: str, pieces: list[Piece]) -> int:
    """Offset in ``text`` of the first link, emoji or character that no longer fits."""
    budget = MAX_WEIGHTED_LENGTH * SCALE
    for start, end, weight, whole in pieces:
        if weight <= budget:
            budget -= weight
            continue
        if whole:
            return start
        # Binary search for the run's first character that does not fit.
        heavy = [m.start() for m in _DEFAULT_WEIGHT_CHAR.finditer(text, start, end)]
        low, high = start, end - 1
        while low < high:
            middle = (low + high) // 2
            light = middle + 1 - start
            weight = light * _RANGE_WEIGHT + (DEFAULT_WEIGHT - _RANGE_WEIGHT) * bisect_right(
                heavy, middle
            )
            if weight > budget:
                high = middle
            else:
                low = middle + 1
        return low
    return len(text)


def _raw_offset(raw: str, normalized: str, offset: int) -> int:
    """Map an offset in the NFC form of ``raw`` back to ``raw``.

    NFC works within runs that start at a starter (combining class 0). Both
    forms are cut into such runs, merging neighbours that NFC joins (Hangul
    jamo, a starter that decomposes into marks); an offset inside a run maps
    to the run's start.
    """
    if raw == normalized:
        return offset
    starts = [i for i, char in enumerate(raw) if i == 0 or not unicodedata.combining(char)]
    chunks: list[tuple[int, int]] = []
    for start, end in zip(starts, [*starts[1:], len(raw)], strict=True):
        if chunks:
            previous = chunks[-1][0]
            if _nfc(raw[previous:end]) != _nfc(raw[previous:start]) + _nfc(raw[start:end]):
                chunks[-1] = (previous, end)
                continue
        chunks.append((start, end))
    raw_start = nfc_position = 0
    for start, end in chunks:
        if nfc_position > offset:
            break
        raw_start = start
        nfc_position += len(_nfc(raw[start:end]))
    return raw_start


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
