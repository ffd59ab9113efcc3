"""A list of tweets that stays smooth at ten thousand: the Timeline and Mentions panes.

``ListView`` mounts a widget per item and ``OptionList`` measures every option
up front; both lag long before 10,000 tweets. This is a Line-API
``ScrollView``: every row is the same height (a header, two lines of text, a
gap) except the highlighted one, which opens to show the whole tweet. So any
row's position is arithmetic, nothing is measured ahead of time, and only the
rows on screen are ever rendered (and cached).

Tweet text is data: it goes into segments as plain text and is never parsed as
markup, so ``[b]`` in a tweet shows as typed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tuicoach.ui import format as fmt
from tuicoach.ui.keys import LIST_BINDINGS
from tuicoach.ui.view import Row

__all__ = ["ROW_HEIGHT", "Row", "TweetList"]

BAND_LABELS = {
    "needs-answer": "needs answer",
    "normal": "owed",
    "thanks": "thanks",
    "spam": "probably spam · s/S",  # s confirms it, S moves it back
}
WHY = "why: "  # the line under a mention that says why it is in its band
PREVIEW_LINES = 2
ROW_HEIGHT = PREVIEW_LINES + 2  # header, text lines, gap


class TweetList(ScrollView, can_focus=True):
    """A virtualised, keyboard-driven list of :class:`Row`."""

    BINDINGS: ClassVar[list[BindingType]] = list(LIST_BINDINGS)

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "tweet-list--author",
        "tweet-list--meta",
        "tweet-list--text",
        "tweet-list--cursor",
        "tweet-list--cursor-bar",
        "tweet-list--owed-needs-answer",
        "tweet-list--owed-normal",
        "tweet-list--owed-thanks",
        "tweet-list--owed-spam",
        "tweet-list--why",
        "tweet-list--note",
        "tweet-list--team",
        "tweet-list--liked",
        "tweet-list--empty",
    }

    DEFAULT_CSS = """
    TweetList {
        background: $surface;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
        & > .tweet-list--author { text-style: bold; color: $text; }
        & > .tweet-list--meta { color: $text-muted; }
        & > .tweet-list--text { color: $text; }
        & > .tweet-list--cursor { background: $boost; }
        & > .tweet-list--cursor-bar { color: $text-muted; }
        & > .tweet-list--owed-needs-answer { color: $owed-needs-answer; text-style: bold; }
        & > .tweet-list--owed-normal { color: $owed-normal; text-style: bold; }
        & > .tweet-list--owed-thanks { color: $owed-thanks; }
        & > .tweet-list--owed-spam { color: $text-muted; text-style: italic; }
        & > .tweet-list--why { color: $text-muted; text-style: italic; }
        & > .tweet-list--note { color: $text-muted; text-style: italic; }
        & > .tweet-list--team { color: $accent; text-style: bold; }
        & > .tweet-list--liked { color: $accent; text-style: bold; }
        & > .tweet-list--empty { color: $text-muted; text-style: italic; }
    }
    TweetList:focus {
        & > .tweet-list--cursor { background: $primary 25%; }
        & > .tweet-list--cursor-bar { color: $primary; }
    }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Highlighted(Message):
        """The cursor moved to another row."""

        def __init__(self, tweet_list: TweetList, row: Row) -> None:
            super().__init__()
            self.tweet_list = tweet_list
            self.row = row

        @property
        def control(self) -> TweetList:
            return self.tweet_list

    class Selected(Highlighted):
        """Enter (or a double click) on a row."""

    class NearEnd(Message):
        """The cursor came close to the last loaded row: time to fetch the next page."""

        def __init__(self, tweet_list: TweetList) -> None:
            super().__init__()
            self.tweet_list = tweet_list

        @property
        def control(self) -> TweetList:
            return self.tweet_list

    def __init__(
        self,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        empty_text: str = "Nothing here yet.",
        text_width: int | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._rows: list[Row] = []
        self._index_of: dict[str, int] = {}
        self._clock = clock
        self.empty_text = empty_text
        self._row_cache: LRUCache[tuple[object, ...], list[Strip]] = LRUCache(256)
        self._wrap_cache: LRUCache[tuple[str, int, str | None], list[str]] = LRUCache(64)
        # How many of a row's wrapped lines are its text (the rest: the why-line).
        self._text_lines: LRUCache[tuple[str, int, str | None], int] = LRUCache(64)
        self._now = clock()
        self._frame: tuple[int, Style] = (0, Style())
        self._fixed_width = text_width  # for tests of the geometry, unmounted

    # -- data ---------------------------------------------------------------------------------

    @property
    def rows(self) -> Sequence[Row]:
        return self._rows

    @property
    def current(self) -> Row | None:
        if 0 <= self.cursor < len(self._rows):
            return self._rows[self.cursor]
        return None

    def set_rows(
        self, rows: Sequence[Row], *, keep: str | None = None, else_top: bool = False
    ) -> None:
        """Replace every row; the cursor stays on its tweet (or on ``keep``) if still here.

        When it is gone the cursor stays at its place, or goes to the top with ``else_top``.
        """
        current = self.current
        target = keep or (current.tweet.id if current else None)
        self._rows = list(rows)
        self._index_of = {row.tweet.id: i for i, row in enumerate(self._rows)}
        self._row_cache.clear()
        index = self._index_of.get(target, None) if target else None
        if index is None:
            index = 0 if else_top else min(self.cursor, max(len(self._rows) - 1, 0))
        self._now = self._clock()
        self.cursor = index

    def append_rows(self, rows: Sequence[Row]) -> None:
        """Add the next page at the end (rows already present are skipped)."""
        for row in rows:
            if row.tweet.id not in self._index_of:
                self._index_of[row.tweet.id] = len(self._rows)
                self._rows.append(row)
        self._update_virtual_size()
        self.refresh()

    def update_liked(self, tweet_id: str, liked: bool) -> None:
        """Show a like (or its undoing) on the row of ``tweet_id``, if it is here."""
        index = self._index_of.get(tweet_id)
        if index is not None and self._rows[index].liked != liked:
            self._rows[index] = self._rows[index].with_liked(liked)
            self._row_cache.clear()
            self.refresh()

    @property
    def rendered_rows(self) -> int:
        """How many rows are drawn and kept (the rest are only arithmetic)."""
        return len(self._row_cache)

    def select_tweet(self, tweet_id: str) -> bool:
        index = self._index_of.get(tweet_id)
        if index is None:
            return False
        self.cursor = index
        return True

    def tick(self) -> None:
        """Re-read the clock so ages stay true ("3m" becomes "4m")."""
        self._now = self._clock()
        self._row_cache.clear()
        self.refresh()

    # -- geometry -----------------------------------------------------------------------------

    def _text_width(self) -> int:
        if self._fixed_width is not None:
            return self._fixed_width
        return max(self.scrollable_content_region.width - 2, 8)

    def _wrapped(self, row: Row) -> list[str]:
        width = self._text_width()
        key = (row.tweet.id, width, row.why)
        lines = self._wrap_cache.get(key)
        if lines is None:
            lines = []
            for paragraph in row.tweet.text.splitlines() or [""]:
                wrapped = Content(paragraph).wrap(width)
                lines.extend(line.plain.rstrip() for line in wrapped)
            self._text_lines[key] = len(lines)
            if row.why:  # the band's cues, under the text
                lines.extend(line.plain.rstrip() for line in Content(row.why).wrap(width))
            self._wrap_cache[key] = lines
        return lines

    def _text_count(self, row: Row) -> int:
        key = (row.tweet.id, self._text_width(), row.why)
        count = self._text_lines.get(key)
        if count is None:  # evicted apart from its lines: count again
            width = self._text_width()
            count = sum(
                len(Content(paragraph).wrap(width))
                for paragraph in row.tweet.text.splitlines() or [""]
            )
            self._text_lines[key] = count
        return count

    def _extra(self) -> int:
        """How many more lines the open (highlighted) row takes than a closed one."""
        row = self.current
        if row is None:
            return 0
        return max(0, _team_lines(row) + len(self._wrapped(row)) - PREVIEW_LINES)

    def top_of(self, index: int) -> int:
        top = index * ROW_HEIGHT
        return top + self._extra() if index > self.cursor else top

    def height_of(self, index: int) -> int:
        return ROW_HEIGHT + (self._extra() if index == self.cursor else 0)

    def locate(self, y: int) -> tuple[int, int]:
        """The row at virtual line ``y``, and the line within it."""
        cursor_top = self.cursor * ROW_HEIGHT
        if y < cursor_top:
            return divmod(y, ROW_HEIGHT)
        if y < cursor_top + self.height_of(self.cursor):
            return self.cursor, y - cursor_top
        return divmod(y - self._extra(), ROW_HEIGHT)

    def _update_virtual_size(self) -> None:
        height = len(self._rows) * ROW_HEIGHT + self._extra() if self._rows else 1
        self.virtual_size = Size(self.scrollable_content_region.width, height)

    def on_resize(self, event: events.Resize) -> None:
        self._row_cache.clear()
        self._update_virtual_size()
        self.scroll_to_cursor()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._row_cache.clear()

    def _on_focus(self, event: events.Focus) -> None:
        self._row_cache.clear()
        self.refresh()

    def _on_blur(self, event: events.Blur) -> None:
        self._row_cache.clear()
        self.refresh()

    # -- cursor -------------------------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self._rows) - 1)) if self._rows else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self._update_virtual_size()
        self.scroll_to_cursor()
        self.refresh()
        if (row := self.current) is not None:
            self.post_message(self.Highlighted(self, row))
        if self._rows and new >= len(self._rows) - 25:
            self.post_message(self.NearEnd(self))

    def scroll_to_cursor(self) -> None:
        if not self._rows or not self.is_mounted:
            return
        region = Region(
            0,
            self.top_of(self.cursor),
            self.scrollable_content_region.width,
            self.height_of(self.cursor),
        )
        self.scroll_to_region(region, animate=False, force=True, immediate=True)

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height // ROW_HEIGHT - 1)

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_page_down(self) -> None:
        self.cursor += self._page()

    def action_page_up(self) -> None:
        self.cursor -= self._page()

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self._rows) - 1

    def action_open(self) -> None:
        if (row := self.current) is not None:
            self.post_message(self.Selected(self, row))

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or not self._rows:
            return
        index, _ = self.locate(offset.y + round(self.scroll_offset.y))
        if index < len(self._rows):
            self.cursor = index
            if event.chain >= 2:
                self.action_open()

    # -- rendering ----------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # Looked up once a frame, not once a line: both walk the styles.
        self._frame = (self.scrollable_content_region.width, self.rich_style)
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width, base = self._frame
        if not self._rows:
            if y == 1:
                style = base + self.get_component_rich_style("tweet-list--empty")
                return Strip([Segment(f"  {self.empty_text}", style)]).adjust_cell_length(
                    width, base
                )
            return Strip.blank(width, base)
        index, line = self.locate(y + round(self.scroll_offset.y))
        if index >= len(self._rows):
            return Strip.blank(width, base)
        strips = self._render_row(index, width)
        return strips[line] if line < len(strips) else Strip.blank(width, base)

    def _header(self, row: Row, when: str, base: Style, width: int, is_cursor: bool) -> Strip:
        """Marker, @handle, name, age, owed band or note, and counts, dropping what does not fit."""
        style = self.get_component_rich_style
        meta = base + style("tweet-list--meta")
        left: list[Segment] = []
        if row.band is not None:
            band_style = base + style(f"tweet-list--owed-{row.band}")
            left.append(Segment("● ", band_style))
        elif is_cursor:
            left.append(Segment("▌ ", base + style("tweet-list--cursor-bar")))
        else:
            left.append(Segment("  ", base))
        name = f" {row.author.name}" if row.author is not None and row.author.name else ""
        age = f" · {when}"
        tag, tag_style = "", meta
        if row.band is not None:
            tag = f" · {BAND_LABELS.get(row.band, row.band)}"
            tag_style = base + style(f"tweet-list--owed-{row.band}")
        elif row.note:
            tag, tag_style = f" · {row.note}", base + style("tweet-list--note")
        metrics = row.tweet.metrics
        heart = "♥" if row.liked else "♡"
        counts = f"  ↩{fmt.count(metrics.replies)} {heart}{fmt.count(metrics.likes)} "
        handle = row.handle
        lead = sum(s.cell_length for s in left)
        # The band or the note is why the row is here: it stays whole. Then the age, the
        # handle (cut with "…" if it must), the name, and the counts, as room allows.
        room = width - lead - cell_len(age) - cell_len(tag)
        if room < cell_len(handle):
            if room >= 4:
                handle = handle[: room - 1] + "…"
            else:  # too narrow for all: then the tag gives way after all
                handle = handle[: max(3, room) - 1] + "…"
                tag = tag[: max(0, width - lead - cell_len(handle) - cell_len(age) - 1)]
        left.append(Segment(handle, base + style("tweet-list--author")))
        used = lead + cell_len(handle) + cell_len(age) + cell_len(tag)
        if used + cell_len(name) > width - 1:
            name = ""
        used += cell_len(name)
        if used + cell_len(counts) > width:
            # No room for the counts: a like still shows, as a lone heart.
            counts = " ♥ " if row.liked and used + 3 <= width else ""
        segments = [
            *left,
            Segment(name, meta),
            Segment(age, meta),
            Segment(tag, tag_style),
        ]
        if counts:
            segments.append(Segment(" " * (width - used - cell_len(counts)), base))
            if row.liked:
                at = counts.index(heart)
                liked = base + style("tweet-list--liked")
                segments += [Segment(counts[:at], meta), Segment(counts[at:].rstrip(), liked)]
                segments.append(Segment(" ", meta))
            else:
                segments.append(Segment(counts, meta))
        return Strip(segments).crop(0, width).adjust_cell_length(width, base)

    def _render_row(self, index: int, width: int) -> list[Strip]:
        row = self._rows[index]
        is_cursor = index == self.cursor
        when = fmt.age(row.tweet.created_at, self._now)
        key = (index, width, is_cursor, self.has_focus, when)
        cached = self._row_cache.get(key)
        if cached is not None:
            return cached

        style = self.get_component_rich_style
        base = self._frame[1]
        if is_cursor:
            base = base + style("tweet-list--cursor")
        text = style("tweet-list--text")
        bar = (
            Segment("▌ ", base + style("tweet-list--cursor-bar"))
            if is_cursor
            else Segment("  ", base)
        )

        header_strip = self._header(row, when, base, width, is_cursor)
        strips = [header_strip]

        wrapped = self._wrapped(row)
        # What teammates do with it ("Jen is replying"): a line of its own, above the text.
        room = PREVIEW_LINES - _team_lines(row)
        if row.team:
            team = Content(row.team).truncate(self._text_width(), ellipsis=True).plain
            strips.append(
                Strip([bar, Segment(team, base + style("tweet-list--team"))]).adjust_cell_length(
                    width, base
                )
            )
        if is_cursor:
            lines = wrapped + [""] * max(0, room - len(wrapped))
        else:
            # Closed, the text comes first; the why-line shows where the text leaves room.
            text_lines = wrapped[: self._text_count(row)]
            if len(text_lines) < room:
                lines = _preview(row.tweet.text, wrapped, self._text_width(), room)
            else:
                lines = _preview(row.tweet.text, text_lines, self._text_width(), room)
        body_style = base + text
        why_style = base + style("tweet-list--why")
        text_count = self._text_count(row)
        for number, line in enumerate(lines):
            line_style = why_style if row.why and number >= text_count else body_style
            strips.append(Strip([bar, Segment(line, line_style)]).adjust_cell_length(width, base))
        strips.append(Strip.blank(width, self._frame[1]))
        self._row_cache[key] = strips
        return strips


def _team_lines(row: Row) -> int:
    """How many lines the team's words take on a row (one, or none)."""
    return 1 if row.team else 0


def _preview(text: str, wrapped: list[str], width: int, count: int = PREVIEW_LINES) -> list[str]:
    """Exactly ``count`` lines of a closed row, the last one ending in "…" when cut."""
    if len(wrapped) <= count:
        return wrapped + [""] * (count - len(wrapped))
    lines = wrapped[:count]
    last = Content(lines[-1]).truncate(width - 1).plain.rstrip()
    lines[-1] = last + "…"
    return lines
