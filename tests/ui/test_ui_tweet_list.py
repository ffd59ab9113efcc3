"""The virtualised tweet list: geometry, keys, paging signal, and text shown as typed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from textual.app import App, ComposeResult

from tuicoach.domain.models import Tweet, User
from tuicoach.ui.themes import variable_defaults
from tuicoach.ui.widgets.tweet_list import ROW_HEIGHT, Row, TweetList

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
AUTHOR = User(id="7", username="sam_brews", name="Sam")


def row(i: int, text: str | None = None) -> Row:
    tweet = Tweet(
        id=str(1000 + i),
        text=text if text is not None else f"tweet number {i} " + "word " * (i % 40),
        created_at=NOW - timedelta(minutes=i),
        author_id=AUTHOR.id,
    )
    return Row(tweet, AUTHOR)


class ListApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.near_end = 0

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return variable_defaults(self.current_theme)

    def compose(self) -> ComposeResult:
        yield TweetList(id="tweets", clock=lambda: NOW)

    def on_tweet_list_near_end(self, _: TweetList.NearEnd) -> None:
        self.near_end += 1


async def test_markup_in_a_tweet_shows_as_typed() -> None:
    app = ListApp()
    async with app.run_test(size=(80, 12)) as pilot:
        tweets = app.query_one(TweetList)
        tweets.set_rows([row(0, "[b]not bold[/b] and [link=https://x.com]no link[/link] $var")])
        await pilot.pause()
        lines = [tweets.render_line(y).text for y in range(ROW_HEIGHT)]
        assert "[b]not bold[/b] and [link=https://x.com]no link[/link] $var" in " ".join(
            line.strip() for line in lines
        )
        assert not any(segment.style and segment.style.bold for segment in tweets.render_line(1))


async def test_ten_thousand_rows_render_only_what_is_on_screen() -> None:
    app = ListApp()
    async with app.run_test(size=(80, 24)) as pilot:
        tweets = app.query_one(TweetList)
        tweets.focus()
        tweets.set_rows([row(i) for i in range(10_000)])
        await pilot.pause()
        # Every row is addressable (virtual height), few were drawn.
        assert tweets.virtual_size.height >= 10_000 * ROW_HEIGHT
        assert tweets.rendered_rows <= 24 // ROW_HEIGHT + 2
        await pilot.press("G")
        await pilot.pause()
        assert tweets.cursor == 9_999
        assert tweets.current is not None and tweets.current.tweet.id == "10999"
        assert tweets.rendered_rows <= 2 * (24 // ROW_HEIGHT + 2)
        # The last row is on screen.
        first_visible, _ = tweets.locate(round(tweets.scroll_offset.y))
        assert first_visible <= 9_999 < first_visible + 24 // ROW_HEIGHT + 1


async def test_keys_move_the_cursor_and_ask_for_more_near_the_end() -> None:
    app = ListApp()
    async with app.run_test(size=(80, 24)) as pilot:
        tweets = app.query_one(TweetList)
        tweets.focus()
        tweets.set_rows([row(i) for i in range(40)])
        await pilot.pause()
        await pilot.press("j", "j", "down", "k")
        assert tweets.cursor == 2
        assert app.near_end == 0
        await pilot.press("end")
        await pilot.pause()
        assert tweets.cursor == 39
        assert app.near_end >= 1
        await pilot.press("g")
        assert tweets.cursor == 0


async def test_set_rows_keeps_the_cursor_on_the_same_tweet() -> None:
    app = ListApp()
    async with app.run_test(size=(80, 24)) as pilot:
        tweets = app.query_one(TweetList)
        tweets.set_rows([row(i) for i in range(10)])
        tweets.cursor = 4
        await pilot.pause()
        tweets.set_rows([row(i) for i in range(2, 10)])  # two newer rows left the list
        assert tweets.current is not None and tweets.current.tweet.id == "1004"
        assert tweets.cursor == 2


async def test_a_click_picks_the_row_under_the_mouse() -> None:
    app = ListApp()
    async with app.run_test(size=(80, 24)) as pilot:
        tweets = app.query_one(TweetList)
        tweets.set_rows([row(i, "short") for i in range(10)])
        await pilot.pause()
        await pilot.click(TweetList, offset=(5, 2 * ROW_HEIGHT + 1))
        assert tweets.cursor == 2


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=30),
    st.data(),
)
def test_every_line_belongs_to_exactly_one_row(lengths: list[int], data: st.DataObject) -> None:
    """locate and top_of agree for any row lengths and any cursor (pure geometry)."""
    tweets = TweetList(clock=lambda: NOW, text_width=20)
    tweets.set_rows([row(i, "x" * n) for i, n in enumerate(lengths)])
    tweets.cursor = data.draw(st.integers(min_value=0, max_value=len(lengths) - 1))
    y = 0
    for index in range(len(lengths)):
        assert tweets.top_of(index) == y
        for line in range(tweets.height_of(index)):
            assert tweets.locate(y + line) == (index, line)
        y += tweets.height_of(index)
