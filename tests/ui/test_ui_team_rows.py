"""A mention row with what teammates do with it: a line of its own, in words, as typed."""

from __future__ import annotations

from dataclasses import replace

from test_ui_tweet_list import ListApp, row

from tuicoach.ui.widgets.tweet_list import ROW_HEIGHT, TweetList

LONG = "is there rye today " * 12  # many lines when open


def lines(tweets: TweetList, start: int, count: int) -> list[str]:
    return [tweets.render_line(y).text.rstrip() for y in range(start, start + count)]


async def test_the_team_line_sits_under_the_header_and_rows_keep_their_height() -> None:
    app = ListApp()
    async with app.run_test(size=(60, 40)) as pilot:
        tweets = app.query_one(TweetList)
        plain = row(1, LONG)
        team = replace(row(2, LONG), team="[b]Jen[/b] is replying · Sam has it")
        tweets.set_rows([row(0, "first"), team, plain, row(3, "after")])
        await pilot.pause()
        # Closed: header, the team's words, one line of text cut with "…", the gap.
        closed = lines(tweets, ROW_HEIGHT, ROW_HEIGHT)
        assert closed[1].strip() == "[b]Jen[/b] is replying · Sam has it"  # as typed
        assert closed[2].strip().startswith("is there rye") and closed[2].endswith("…")
        assert closed[3] == ""
        # The next row starts where arithmetic says: no row grew.
        assert "is there rye" in lines(tweets, 2 * ROW_HEIGHT + 1, 1)[0]
        assert "after" in lines(tweets, 3 * ROW_HEIGHT + 1, 1)[0]
        # Open (highlighted): the team line, then the whole text; the rows below move down.
        tweets.cursor = 1
        await pilot.pause()
        opened = lines(tweets, ROW_HEIGHT, tweets.height_of(1))
        assert "Jen[/b] is replying" in opened[1]
        body = " ".join(line.strip(" ▌") for line in opened[2:])
        assert " ".join(body.split()) == " ".join(LONG.split())
        below = ROW_HEIGHT + tweets.height_of(1)
        assert "is there rye" in lines(tweets, below + 1, 1)[0]
        assert tweets.height_of(1) == len(tweets._wrapped(team)) + 3  # header, team, gap
