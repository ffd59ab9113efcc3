"""Listening: saved searches for what people say about the business, and the query X runs.

004: "Set up searches for your company, product names, and relevant topics."
A :class:`SavedSearch` holds plain terms (brand, product names, misspellings,
a hashtag) or a raw X query; :func:`build_query` turns it into the query X's
recent search runs, leaving out the account's own posts (``-from:``) and posts
that already @mention it (those are mentions, owed a reply elsewhere). A query
X would reject (over 512 characters, an operator that cannot stand alone,
unbalanced quotes) is a :class:`QueryError` that names the search and the way
out, before any request is sent.

An :class:`Opportunity` is a found tweet and what the user decided about it.
Pure: the standard library and the domain only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

#: X's limit on a recent-search query (``x-api/posts/search``), in characters.
MAX_QUERY_LENGTH = 512
#: What a saved search is called at most; it shows in titles and in ``tuicoach listen``.
MAX_NAME_LENGTH = 40
#: Operators X accepts only beside a keyword or another standalone operator.
CONJUNCTION_ONLY = ("is:", "has:", "lang:", "place_country:", "sample:")
#: Operators that stand alone (besides keywords, phrases, #hashtags, @mentions).
STANDALONE = ("from:", "to:", "url:", "conversation_id:", "retweets_of:", "list:", "place:")
#: Every operator prefix tuicoach knows X's recent search to accept.
KNOWN_OPERATORS = CONJUNCTION_ONLY + STANDALONE + ("min_likes:", "min_replies:", "min_reposts:")

_LANG = re.compile(r"[a-z]{2,3}|und")
_NAME = re.compile(r"[\w][\w .'&+-]*")
_TOKEN = re.compile(r'-?"[^"]*"|[()]|[^\s()"]+')
_OPERATOR = re.compile(r"-?([a-z_]+):\S")


class QueryError(ValueError):
    """A saved search X would refuse; ``str(error)`` names it, the problem and the way out."""

    def __init__(self, search: str, problem: str) -> None:
        super().__init__(f"saved search {search!r}: {problem}")
        self.search = search
        self.problem = problem


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """A named search: plain ``terms`` (ORed), or a raw X ``query``; ``lang`` and ``exclude``.

    ``exclude`` holds words or phrases whose posts are noise ("larkspur
    flowers" for a coffee shop called Larkspur).
    """

    name: str
    terms: tuple[str, ...] = ()
    query: str | None = None
    lang: str | None = None
    exclude: tuple[str, ...] = ()

    @classmethod
    def from_terms(
        cls,
        name: str,
        terms: str | Iterable[str],
        *,
        lang: str | None = None,
        exclude: Iterable[str] = (),
    ) -> SavedSearch:
        """``terms`` as typed on a command line: comma-separated, or one term per item."""
        items = split_terms(terms) if isinstance(terms, str) else [t.strip() for t in terms]
        return cls(name.strip(), tuple(t for t in items if t), None, lang, tuple(exclude))


def split_terms(text: str) -> list[str]:
    """``larkspur, "larkspur coffee", #larkspurcoffee`` -> its terms (commas, or spaces).

    Commas separate terms that may contain spaces; without a comma, each
    word is a term and a quoted phrase stays one.
    """
    if "," in text:
        return [part.strip().strip('"').strip() for part in text.split(",") if part.strip()]
    return [tok.strip('"') for tok in re.findall(r'"[^"]+"|\S+', text)]


def _quote(term: str, search: str) -> str:
    """A term as X reads it: a phrase in quotes, a word, #hashtag or @handle as it is."""
    if '"' in term:
        raise QueryError(
            search,
            f"the term {term!r} contains a double quote; write the phrase without quotes "
            "(tuicoach quotes phrases itself)",
        )
    if any(ch.isspace() for ch in term):
        return f'"{" ".join(term.split())}"'
    lowered = term.lower()
    operator = _OPERATOR.match(lowered)
    if operator is not None and operator.group(1) + ":" not in KNOWN_OPERATORS:
        return f'"{term}"'  # "acme:rye" or a web address: text to X, not an operator it rejects
    for op in CONJUNCTION_ONLY:
        if lowered.startswith(op):
            raise QueryError(
                search,
                f"X rejects {term!r} on its own: {op} works only beside a keyword. "
                "Give a word or phrase as the term, and put the operator in a raw query",
            )
    if lowered in ("or", "and"):
        raise QueryError(search, f"{term!r} is an X operator, not a term; leave it out")
    return term


def _check_lang(search: SavedSearch) -> str | None:
    if search.lang is None or not search.lang.strip():
        return None
    lang = search.lang.strip().lower()
    if not _LANG.fullmatch(lang):
        raise QueryError(
            search.name,
            f"lang {search.lang!r} is not a language code; use a two-letter code such as "
            '"en" or "de"',
        )
    return lang


def _check_raw(name: str, query: str) -> None:
    """Catch what X answers with a 400 before spending a request on it."""
    if query.count('"') % 2:
        raise QueryError(name, "the query has an unclosed double quote; close the phrase")
    depth = 0
    for char in re.sub(r'"[^"]*"', "", query):
        depth += char == "("
        depth -= char == ")"
        if depth < 0:
            break
    if depth:
        raise QueryError(name, "the query's parentheses do not match; close each group")
    standalone = False
    for token in _TOKEN.findall(query):
        if token in ("(", ")", "OR"):
            continue
        if (match := _OPERATOR.match(token)) is not None:
            op = match.group(1) + ":"
            if op not in KNOWN_OPERATORS:
                raise QueryError(
                    name,
                    f"X does not know the operator {op!r} (in {token!r}); see X's list "
                    "of search operators, or quote the word to search for it as text",
                )
            if not token.startswith("-") and op not in CONJUNCTION_ONLY:
                standalone = True
            continue
        if not token.startswith("-"):
            standalone = True
    if not standalone:
        raise QueryError(
            name,
            "X rejects a query with nothing to search for: is:, has: and lang: and "
            "negations cannot stand alone; add a keyword or phrase",
        )


def _or_at_top(query: str) -> bool:
    """Whether ``query`` has an ``OR`` outside every group: X applies AND first, so the
    account's exclusions appended after it would cover only its last alternative."""
    depth = 0
    for token in _TOKEN.findall(query):
        depth += token == "("
        depth -= token == ")"
        if token == "OR" and depth == 0:
            return True
    return False


def _exclusion(word: str, search: str) -> str:
    """What follows the ``-`` of an exclusion: a word or phrase, or an operator X knows
    (``is:retweet``, ``has:links``, ``from:somebot``), which X accepts negated."""
    operator = _OPERATOR.match(word.lower())
    if operator is None or any(ch.isspace() for ch in word):
        return _quote(word, search)
    if operator.group(1) + ":" not in KNOWN_OPERATORS:
        raise QueryError(
            search,
            f"X does not know the operator {operator.group(1) + ':'!r} (in the exclusion "
            f"{word!r}); see X's list of search operators, or leave the exclusion out",
        )
    return word


def build_query(search: SavedSearch, account_username: str) -> str:
    """The query X's recent search runs for ``search`` on behalf of ``account_username``.

    Terms are ORed (phrases quoted), then ``-@account -from:account``, the
    exclusions and ``lang:``. Raises :class:`QueryError` for what X rejects.
    """
    name = search.name.strip()
    if not name:
        raise QueryError(search.name, "a saved search needs a name")
    handle = account_username.lstrip("@")
    lang = _check_lang(search)
    if search.query is not None and search.query.strip():
        core = " ".join(search.query.split())
        _check_raw(name, core)
        if _or_at_top(core):
            core = f"({core})"
    elif search.terms:
        quoted = [_quote(t.strip(), name) for t in search.terms if t.strip()]
        if not quoted:
            raise QueryError(name, "it has no terms; give a word, a phrase or a #hashtag")
        core = quoted[0] if len(quoted) == 1 else f"({' OR '.join(quoted)})"
    else:
        raise QueryError(name, "it has no terms and no query; give a word, a phrase or a #hashtag")
    parts = [core]
    lowered = core.lower()
    if f"-@{handle.lower()}" not in lowered:
        parts.append(f"-@{handle}")
    if f"-from:{handle.lower()}" not in lowered:
        parts.append(f"-from:{handle}")
    for word in search.exclude:
        if word := word.strip().removeprefix("-").strip():
            parts.append(f"-{_exclusion(word, name)}")
    if lang is not None and "lang:" not in lowered:
        parts.append(f"lang:{lang}")
    query = " ".join(parts)
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryError(
            name,
            f"the query is {len(query)} characters and X allows {MAX_QUERY_LENGTH}; "
            "drop some terms or split them into two saved searches",
        )
    return query


def check_name(name: str) -> str:
    """A saved search's name, trimmed; a :class:`QueryError` when it cannot be one."""
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > MAX_NAME_LENGTH or not _NAME.fullmatch(cleaned):
        raise QueryError(
            name,
            f"a name is 1 to {MAX_NAME_LENGTH} letters, digits, spaces or . ' & + - "
            "(it starts with a letter or digit)",
        )
    return cleaned


def volume_words(per_day: float) -> str:
    """How many posts a search finds, in words: "about 12 posts a day", "about 3 posts a week".

    Below one a day a daily count would say "about 0" while costing money, so
    it is given per week.
    """
    if per_day <= 0:
        return "no posts a day"
    if per_day >= 1.5:
        return f"about {per_day:.0f} posts a day"
    if per_day >= 0.5:
        return "about 1 post a day"
    weekly = per_day * 7
    if weekly < 1.5:
        return "about 1 post a week" if weekly >= 0.5 else "fewer than 1 post a week"
    return f"about {weekly:.0f} posts a week"


# --- Opportunities ----------------------------------------------------------------


class State(StrEnum):
    """What the user decided about an opportunity."""

    OPEN = "open"
    HANDLED = "handled"
    NOT_WORTH = "not-worth-joining"
    SNOOZED = "snoozed"


@dataclass(frozen=True, slots=True)
class Opportunity:
    """A tweet a saved search found, and the user's decision about it."""

    tweet_id: str
    search: str
    found_at: datetime
    state: State = State.OPEN
    reason: str = ""
    until: datetime | None = None  # a snooze's end

    def is_open(self, now: datetime) -> bool:
        """Shown as open at ``now``: never decided, or a snooze that has ended."""
        if self.state is State.OPEN:
            return True
        return self.state is State.SNOOZED and (self.until is None or self.until <= now)


# --- Settings ---------------------------------------------------------------------


#: A small default: twenty posts a day ($0.005 each) and their authors.
DEFAULT_DAILY_BUDGET = 0.50
DEFAULT_MAX_RESULTS = 10


@dataclass(frozen=True, slots=True)
class ListenSettings:
    """The config's listening settings (``[listen]``) and its saved searches.

    ``daily_budget``: dollars per account per UTC day for listening (reads of
    found posts and their authors, counts requests); listening stops for the
    day when it is reached. ``max_results``: posts per search request (10-100).
    ``pages``: at most this many pages per search per poll.
    """

    daily_budget: float = DEFAULT_DAILY_BUDGET
    max_results: int = DEFAULT_MAX_RESULTS
    pages: int = 3
    searches: tuple[SavedSearch, ...] = field(default_factory=tuple)


class SettingsError(ValueError):
    """A listening setting that cannot be used: names the key and what to write instead."""


def _search_from(table: Mapping[str, object], where: str) -> SavedSearch:
    known = {"name", "terms", "query", "lang", "exclude"}
    unknown = set(table) - known
    if unknown:
        raise SettingsError(f"{where}: unknown key {sorted(unknown)[0]!r}; known: {sorted(known)}")
    name = table.get("name")
    if not isinstance(name, str):
        raise SettingsError(f'{where}: a saved search needs name = "..."')
    terms = table.get("terms", ())
    if isinstance(terms, str):
        terms = split_terms(terms)
    if not isinstance(terms, list | tuple) or not all(isinstance(t, str) for t in terms):
        raise SettingsError(f'{where}.terms: give a list of strings, e.g. ["larkspur"]')
    query = table.get("query")
    lang = table.get("lang")
    exclude = table.get("exclude", ())
    if query is not None and not isinstance(query, str):
        raise SettingsError(f"{where}.query: give the query as a string")
    if lang is not None and not isinstance(lang, str):
        raise SettingsError(f'{where}.lang: give a language code such as "en"')
    if not isinstance(exclude, list | tuple) or not all(isinstance(t, str) for t in exclude):
        raise SettingsError(f"{where}.exclude: give a list of strings")
    search = SavedSearch(check_name(name), tuple(terms), query, lang, tuple(exclude))
    build_query(search, "account")  # rejected queries fail at load, naming the search
    return search


def listen_settings(data: Mapping[str, object] | Sequence[Mapping[str, object]]) -> ListenSettings:
    """Read the config's ``listen`` value: ``[listen]`` with ``[[listen.search]]`` tables.

    Also accepted: ``[[listen]]`` tables, each one saved search (the issue's
    spelling; TOML cannot hold both ``[listen]`` and ``[[listen]]``).
    """
    if isinstance(data, Sequence) and not isinstance(data, str):
        searches = tuple(_search_from(t, f"listen[{i}]") for i, t in enumerate(data))
        return ListenSettings(searches=searches)
    known = {"daily_budget", "max_results", "pages", "search"}
    unknown = set(data) - known
    if unknown:
        raise SettingsError(f"listen: unknown key {sorted(unknown)[0]!r}; known: {sorted(known)}")
    budget = data.get("daily_budget", DEFAULT_DAILY_BUDGET)
    if isinstance(budget, bool) or not isinstance(budget, int | float) or budget < 0:
        raise SettingsError("listen.daily_budget: give dollars as a number, e.g. 0.50")
    max_results = data.get("max_results", DEFAULT_MAX_RESULTS)
    if isinstance(max_results, bool) or not isinstance(max_results, int):
        raise SettingsError("listen.max_results: give a whole number from 10 to 100")
    if not 10 <= max_results <= 100:
        raise SettingsError("listen.max_results: X allows 10 to 100 posts per request")
    pages = data.get("pages", 3)
    if isinstance(pages, bool) or not isinstance(pages, int) or not 1 <= pages <= 10:
        raise SettingsError("listen.pages: give a whole number from 1 to 10")
    raw = data.get("search", ())
    if not isinstance(raw, list | tuple):
        raise SettingsError("listen.search: write each saved search as a [[listen.search]] table")
    searches = tuple(_search_from(t, f"listen.search[{i}]") for i, t in enumerate(raw))
    return ListenSettings(float(budget), max_results, pages, searches)
