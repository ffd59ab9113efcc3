"""Saved searches become the query X runs: terms ORed, phrases quoted, the account left out."""

from __future__ import annotations

import pytest

from tuicoach.domain.listen import (
    MAX_QUERY_LENGTH,
    ListenSettings,
    QueryError,
    SavedSearch,
    SettingsError,
    build_query,
    listen_settings,
    split_terms,
    volume_words,
)

BUILT = [
    (
        SavedSearch("brand", ("larkspur coffee", "larkspurcoffee", "#larkspurcoffee"), lang="en"),
        '("larkspur coffee" OR larkspurcoffee OR #larkspurcoffee) '
        "-@larkspurcoffee -from:larkspurcoffee lang:en",
    ),
    (SavedSearch("one", ("larkspur",)), "larkspur -@larkspurcoffee -from:larkspurcoffee"),
    (
        SavedSearch("noise", ("larkspur",), exclude=("larkspur flowers", "seeds")),
        'larkspur -@larkspurcoffee -from:larkspurcoffee -"larkspur flowers" -seeds',
    ),
    (
        SavedSearch("spaces", ("  dawn   chorus blend ",)),
        '"dawn chorus blend" -@larkspurcoffee -from:larkspurcoffee',
    ),
    (
        SavedSearch("raw", query="larkspur OR lark has:media"),
        "(larkspur OR lark has:media) -@larkspurcoffee -from:larkspurcoffee",
    ),
    (
        SavedSearch("raw-own", query="larkspur -from:larkspurcoffee lang:de", lang="en"),
        "larkspur -from:larkspurcoffee lang:de -@larkspurcoffee",
    ),
    (  # X applies AND before OR: the account's exclusions must cover every alternative
        SavedSearch("raw-or-groups", query="(larkspur coffee) OR (lark roasters)"),
        "((larkspur coffee) OR (lark roasters)) -@larkspurcoffee -from:larkspurcoffee",
    ),
    (
        SavedSearch("raw-grouped", query="(larkspur OR lark) has:media"),
        "(larkspur OR lark) has:media -@larkspurcoffee -from:larkspurcoffee",
    ),
    (
        SavedSearch("ops-out", ("larkspur",), exclude=("is:retweet", "-has:links", "from:bot1")),
        "larkspur -@larkspurcoffee -from:larkspurcoffee -is:retweet -has:links -from:bot1",
    ),
    (  # not an operator X knows: searched as the text it is
        SavedSearch("web", ("larkspur.coffee/menu", "https://larkspur.coffee")),
        '(larkspur.coffee/menu OR "https://larkspur.coffee") -@larkspurcoffee -from:larkspurcoffee',
    ),
    (
        SavedSearch("LANG", ("kaffee",), lang="DE"),
        "kaffee -@larkspurcoffee -from:larkspurcoffee lang:de",
    ),
]


@pytest.mark.parametrize(("search", "query"), BUILT, ids=[s.name for s, _ in BUILT])
def test_the_query_x_runs(search: SavedSearch, query: str) -> None:
    assert build_query(search, "@larkspurcoffee") == query


REJECTED = [
    (SavedSearch("empty"), "no terms and no query"),
    (SavedSearch("blank", ("  ",)), "no terms"),
    (SavedSearch("alone", ("has:media",)), "has: works only beside a keyword"),
    (SavedSearch("alone-lang", ("lang:en",)), "lang: works only beside a keyword"),
    (SavedSearch("raw-alone", query="is:reply has:links -is:retweet"), "cannot stand alone"),
    (SavedSearch("negations", query="-larkspur -from:someone"), "cannot stand alone"),
    (SavedSearch("quote", query='"larkspur coffee'), "unclosed double quote"),
    (SavedSearch("parens", query="(larkspur OR lark"), "parentheses do not match"),
    (SavedSearch("unknown-op", query="larkspur near:sf"), "does not know the operator 'near:'"),
    (SavedSearch("lang-bad", ("larkspur",), lang="english"), "not a language code"),
    (
        SavedSearch("exclude-op", ("larkspur",), exclude=("near:sf",)),
        "operator 'near:' (in the exclusion 'near:sf')",
    ),
    (SavedSearch("quoted-term", ('say "hi"',)), "contains a double quote"),
    (SavedSearch("or-term", ("larkspur", "OR")), "is an X operator"),
    (
        SavedSearch("huge", tuple(f"blend{n:03d}" for n in range(60))),
        f"X allows {MAX_QUERY_LENGTH}",
    ),
]


@pytest.mark.parametrize(("search", "problem"), REJECTED, ids=[s.name for s, _ in REJECTED])
def test_what_x_rejects_is_an_error_naming_the_search(search: SavedSearch, problem: str) -> None:
    with pytest.raises(QueryError) as caught:
        build_query(search, "larkspurcoffee")
    assert f"saved search {search.name!r}" in str(caught.value)
    assert problem in str(caught.value)


def test_the_limit_is_512_characters_exactly() -> None:
    base = build_query(SavedSearch("x", ("a",)), "me")
    fits = "a" * (MAX_QUERY_LENGTH - len(base) + 1)
    assert len(build_query(SavedSearch("x", (fits,)), "me")) == MAX_QUERY_LENGTH
    with pytest.raises(QueryError):
        build_query(SavedSearch("x", (fits + "a",)), "me")


@pytest.mark.parametrize(
    ("typed", "terms"),
    [
        (
            "larkspur, larkspur coffee, #larkspurcoffee",
            ["larkspur", "larkspur coffee", "#larkspurcoffee"],
        ),
        ('larkspur "dawn chorus" lark', ["larkspur", "dawn chorus", "lark"]),
        ("larkspur", ["larkspur"]),
    ],
)
def test_terms_as_typed(typed: str, terms: list[str]) -> None:
    assert split_terms(typed) == terms


def test_settings_from_the_config() -> None:
    settings = listen_settings(
        {
            "daily_budget": 1.25,
            "search": [{"name": "Blends", "terms": ["dawn chorus", "night owl"], "lang": "en"}],
        }
    )
    assert settings.daily_budget == 1.25
    assert settings.searches == (SavedSearch("Blends", ("dawn chorus", "night owl"), lang="en"),)
    as_array = listen_settings([{"name": "larkspur", "terms": "larkspur, larkspur coffee"}])
    assert as_array.searches[0].terms == ("larkspur", "larkspur coffee")
    assert as_array.daily_budget == ListenSettings().daily_budget


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"daily_budget": "lots"}, "listen.daily_budget"),
        ({"daily_budget": -1}, "listen.daily_budget"),
        ({"max_results": 5}, "10 to 100"),
        ({"budget": 1}, "unknown key 'budget'"),
        ({"search": [{"terms": ["x"]}]}, "needs name"),
        ({"search": [{"name": "x", "terms": ["x"], "when": 1}]}, "unknown key 'when'"),
    ],
)
def test_bad_settings_name_the_key(data: dict[str, object], problem: str) -> None:
    with pytest.raises(SettingsError, match=problem):
        listen_settings(data)


def test_a_rejected_saved_search_in_the_config_names_it() -> None:
    with pytest.raises(QueryError, match="saved search 'media'"):
        listen_settings({"search": [{"name": "media", "terms": ["has:media"]}]})


@pytest.mark.parametrize(
    ("per_day", "words"),
    [
        (0, "no posts a day"),
        (0.05, "fewer than 1 post a week"),
        (0.1, "about 1 post a week"),
        (2 / 7, "about 2 posts a week"),
        (0.8, "about 1 post a day"),
        (1, "about 1 post a day"),
        (12.4, "about 12 posts a day"),
    ],
)
def test_a_search_s_volume_in_words_never_says_about_0_while_it_costs(
    per_day: float, words: str
) -> None:
    assert volume_words(per_day) == words
