"""The Reports screen: how the account is doing, as plots with their numbers beside them.

The screen never reads the store: it is given a *loader*, a function of the
period's length in days that returns a :class:`ReportsView`, and calls it in a
worker thread. :func:`load_reports_view` is that loader over a store and a
backend; the app binds it (``functools.partial``) and pushes the screen::

    app.push_screen(ReportsScreen(partial(load_reports_view, store, backend,
                                          coach_settings, now=clock)))

Keys: ``7`` / ``3`` / ``9`` for the last 7, 30 or 90 days, ``escape`` to go back.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual_plotext import PlotextPlot

from tuicoach.domain.models import Finding, Severity
from tuicoach.domain.owed import owed_words
from tuicoach.domain.report import WEEKDAYS, AccountReport, BusinessHours
from tuicoach.ui.keys import REPORTS_BINDINGS

if TYPE_CHECKING:
    from tuicoach.backends.base import Backend
    from tuicoach.coach.settings import CoachSettings
    from tuicoach.store import Store

PERIODS = (7, 30, 90)


@dataclass(frozen=True, slots=True)
class ReportsView:
    """Everything the Reports screen shows, computed off the UI thread."""

    days: int
    report: AccountReport
    checkup: tuple[Finding, ...] = ()
    note: str | None = None  # e.g. the profile could not be read
    extra: dict[str, str] = field(default_factory=dict)


def load_reports_view(
    store: Store,
    backend: Backend | None,
    settings: CoachSettings | None,
    days: int,
    *,
    now: Callable[[], datetime],
    hours: BusinessHours | None = None,
) -> ReportsView:
    """The report and check-up over the last ``days`` days (blocking: call from a worker).

    With a backend that offers a profile (:func:`tuicoach.backends.base.profile_of`),
    the check-up includes the bio and website; on X that is one user read.
    """
    from tuicoach.backends.base import BackendError, profile_of
    from tuicoach.coach import Coach
    from tuicoach.coach.settings import CoachSettings
    from tuicoach.domain.checkup import Goals, checkup
    from tuicoach.store import insights

    settings = settings or CoachSettings()
    moment = now()
    # Who sent each reply is the backend's to say (the per-person table); the person at this
    # machine (``[team] name``, handed to the backend as its ``author``) is listed anyway.
    author = getattr(backend, "author", None) if backend is not None else None
    report = insights.report(
        store,
        since=moment - timedelta(days=days),
        until=moment,
        now=moment,
        hours=hours,
        is_promotional=Coach(settings).is_promotional,
        promo_line=settings.thresholds.promo_share,
        reply_authors=backend.replies_by_author() if backend is not None else None,
        people=(author,) if isinstance(author, str) and author else (),
    )
    note = None
    try:
        profile = profile_of(backend) if backend is not None else None
    except BackendError as exc:
        profile, note = None, f"Profile not checked: {exc}"
    goals = Goals(
        promo_share=settings.thresholds.promo_share, quiet_days=settings.thresholds.quiet_days
    )
    findings = checkup(profile, report, now=moment, goals=goals)
    return ReportsView(days, report, tuple(findings), note)


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    whole = int(seconds)
    if whole < 3600:
        return f"{whole // 60}m"
    if whole < 86400:
        return f"{whole // 3600}h{whole % 3600 // 60:02d}m"
    return f"{whole // 86400}d{whole % 86400 // 3600}h"


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def replies_text(report: AccountReport) -> Content:
    first = report.first_reply
    lines = [
        ("Reply rate", f"{_share(report.reply_rate)} ({first.answered}/{first.addressed})"),
        ("Within 1 hour", _share(report.replied_within_hour)),
        ("Median reply", _duration(first.median_seconds)),
        ("90% within", _duration(first.p90_seconds)),
        ("Business hrs", _duration(report.business_hours.median_seconds)),
        ("Off hours", _duration(report.off_hours.median_seconds)),
    ]
    lines += [(band, _duration(t.median_seconds)) for band, t in report.by_band.items()]
    return Content("\n".join(f"{label:<14}{value}" for label, value in lines))


def backlog_text(report: AccountReport) -> Content:
    counts = [n for _, n in report.backlog]
    if not counts:
        return Content("No days in the period.")
    now = owed_words(counts[-1], report.tweet_counts()[-1])
    return Content(
        f"{'Owed now':<11}{now}\n{'Most':<11}{max(counts)}\n"
        f"{'Fewest':<11}{min(counts)}\n{'Days':<11}{len(counts)}"
    )


def promo_text(report: AccountReport) -> Content:
    over = [w for w in report.promo_weeks if (w.share or 0) > report.promo_line]
    lines = [
        f"{'Overall':<11}{_share(report.promo_share)}",
        f"{'Line':<11}{_share(report.promo_line)}",
        f"{'Weeks over':<11}{len(over)} of {len(report.promo_weeks)}",
    ]
    lines += [
        f"{w.week:%d %b}    {_share(w.share):>4} of {w.tweets}" for w in report.promo_weeks[-4:]
    ]
    return Content("\n".join(lines))


def hours_text(report: AccountReport) -> Content:
    best = report.best_hours()
    lines = [f"{'Best hours':<11}" + (" ".join(f"{h:02d}h" for h in best) or "-")]
    for day, slot in zip(WEEKDAYS, report.by_weekday, strict=True):
        per = "-" if slot.per_post is None else f"{slot.per_post:.1f}"
        lines.append(f"{day:<5}{slot.posts:>3} posts {per:>5}/post")
    return Content("\n".join(lines))


def people_text(report: AccountReport) -> Content:
    """The per-person table: replies sent, the tweets they answered first (one reply can
    answer two tweets of one person) and the median first reply, one teammate a line (at
    most 58 columns: it reads at 80x24)."""
    lines = [f"{'':<20}{'replies':>8}{'answered':>10}{'median first reply':>20}"]
    for person in report.by_person:
        first = person.first_replies
        name = (person.name or "(no name)")[:19]
        lines.append(
            f"{name:<20}{person.replies:>8}{first.answered:>15}{_duration(first.median_seconds):>9}"
        )
    if any(p.name is None for p in report.by_person):
        lines.append("(no name): sent outside tuicoach, or with no [team] name")
    return Content("\n".join(lines))


HEAT_SHADES = "░▒▓█"  # a quarter of the busiest cell's posts, half, three quarters, all


def heat_grid(report: AccountReport) -> Content:
    """Posts by weekday (rows, Monday first) and local hour (columns) as a heatmap in shade
    characters, so it reads without colour and every cell sits under its hour."""
    most = max((n for row in report.heatmap for n in row), default=0)
    # One column an hour; each label starts over its hour, every third hour.
    ticks = "    " + "".join(f"{h:02d} " for h in range(0, 24, 3))
    lines = ["Posts by weekday and local hour", ticks.rstrip()]
    for day, row in zip(WEEKDAYS, report.heatmap, strict=True):
        cells = "".join(
            "·" if n == 0 else HEAT_SHADES[max(0, math.ceil(4 * n / most) - 1)] for n in row
        )
        lines.append(f"{day} {cells}")
    if most:
        lines.append(f"    · none  ░ a few  █ {most} (the most)")
    return Content("\n".join(lines))


def heat_text(report: AccountReport) -> Content:
    """The heatmap's busiest cells, and what the best hours' posts earned."""
    cells = sorted(
        ((n, d, h) for d, row in enumerate(report.heatmap) for h, n in enumerate(row) if n),
        key=lambda c: (-c[0], c[1], c[2]),
    )
    lines = ["Busiest"]
    lines += [
        f"  {WEEKDAYS[d]} {h:02d}h  {n:>3} post{'s' * (n != 1)}" for n, d, h in cells[:4]
    ] or ["  -"]
    lines.append("Replies+likes a post")
    for hour in report.best_hours():
        slot = report.by_hour[hour]
        posts = f"{slot.posts} post{'s' * (slot.posts != 1)}"
        lines.append(f"  {hour:02d}h {slot.per_post or 0:>6.1f}  ({posts})")
    return Content("\n".join(lines))


_SEVERITY_STYLE = {
    Severity.ERROR: "$error",
    Severity.WARNING: "$warning",
    Severity.TIP: "$accent",
    Severity.GOOD: "$success",
}


def checkup_content(findings: tuple[Finding, ...], note: str | None) -> Content:
    parts: list[Content] = []
    for finding in findings:
        style = _SEVERITY_STYLE[finding.severity]
        parts.append(
            Content.from_markup(
                f"[{style} b]$severity[/] [b]$rule[/]  $message",
                severity=finding.severity.value,
                rule=finding.rule,
                message=finding.message,
            )
        )
        if finding.severity is not Severity.GOOD:
            parts.append(Content.from_markup("   [dim]Try:[/] $s", s=finding.suggestion))
    if note:
        parts.append(Content.from_markup("[dim]$note[/]", note=note))
    return Content("\n").join(parts) if parts else Content("Nothing to check yet.")


class ReportsScreen(Screen[None]):
    """Reports: replies, backlog, promotion, hours, and the check-up."""

    DEFAULT_CSS = """
    ReportsScreen {
        #reports-title { height: 1; padding: 0 1; background: $panel; text-style: bold; }
        VerticalScroll { height: 1fr; }
        .section { height: 13; margin: 0 0 1 0; }
        .section PlotextPlot { width: 1fr; height: 100%; }
        .section .grid { width: 1fr; height: 100%; padding: 0 1; }
        .section .numbers { width: 30; height: 100%; padding: 1 1; border-left: tall $panel; }
        #checkup { height: auto; padding: 0 1 1 1; }
        #people { height: auto; padding: 0 1 1 1; }
        .-solo #people, .-solo #people-heading { display: none; }
        .heading { height: 1; padding: 0 1; color: $primary; text-style: bold; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = list(REPORTS_BINDINGS)

    class Loaded(Message):
        def __init__(self, view: ReportsView) -> None:
            super().__init__()
            self.view = view

    class Failed(Message):
        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    def __init__(self, loader: Callable[[int], ReportsView], *, days: int = 30) -> None:
        super().__init__()
        self._loader = loader
        self.days = days
        self.view: ReportsView | None = None

    def compose(self) -> ComposeResult:
        yield Static("Reports · loading…", id="reports-title", markup=False)
        with VerticalScroll(id="reports-scroll", classes="-solo"):
            for name in ("replies", "backlog", "promo", "hours", "heat"):
                with Horizontal(classes="section", id=f"{name}-section"):
                    if name == "heat":  # drawn as text: every cell where its label says
                        yield Static("", id="heat-plot", classes="grid")
                    else:
                        yield PlotextPlot(id=f"{name}-plot")
                    yield Static("", classes="numbers", id=f"{name}-numbers")
                if name == "replies":  # the team's share of them, where there is a team
                    yield Static("By person", classes="heading", id="people-heading")
                    yield Static("", id="people")
            yield Static("Check-up", classes="heading", id="checkup-heading")
            yield Static("", id="checkup")
        yield Footer()

    def on_mount(self) -> None:
        self._load(self.days)

    @work(thread=True, exclusive=True, exit_on_error=False, group="reports")
    def _load(self, days: int) -> None:
        try:
            view = self._loader(days)
        except Exception as exc:  # shown, not raised: the screen stays usable
            self.post_message(self.Failed(f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(self.Loaded(view))

    def action_period(self, days: int) -> None:
        self.days = days
        self.query_one("#reports-title", Static).update(f"Reports · last {days} days · loading…")
        self._load(days)

    def action_close(self) -> None:
        self.dismiss()

    def action_scroll(self, how: str) -> None:
        scroll = self.query_one("#reports-scroll", VerticalScroll)
        {
            "down": scroll.scroll_down,
            "up": scroll.scroll_up,
            "page_down": scroll.scroll_page_down,
            "page_up": scroll.scroll_page_up,
            "home": scroll.scroll_home,
            "end": scroll.scroll_end,
        }[how](animate=False)

    def action_checkup(self) -> None:
        """To the check-up, its heading at the top (or as high as the page goes)."""
        heading = self.query_one("#checkup-heading", Static)
        self.query_one("#reports-scroll", VerticalScroll).scroll_to_widget(
            heading, animate=False, top=True
        )

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self.query_one("#reports-title", Static).update(
            f"Reports · could not be computed: {message.error}"
        )

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        view = self.view = message.view
        report = view.report
        periods = " ".join(f"[{d}]" if d == view.days else str(d) for d in PERIODS)
        self.query_one("#reports-title", Static).update(
            f"Reports · last {view.days} days ({periods}: keys 7 3 9) · c check-up"
        )
        self._plot_replies(report)
        self._plot_backlog(report)
        self._plot_promo(report)
        self._plot_hours(report)
        self.query_one("#heat-plot", Static).update(heat_grid(report))
        self.query_one("#replies-numbers", Static).update(replies_text(report))
        self.query_one("#backlog-numbers", Static).update(backlog_text(report))
        self.query_one("#promo-numbers", Static).update(promo_text(report))
        self.query_one("#hours-numbers", Static).update(hours_text(report))
        team = report.has_team
        self.query_one("#reports-scroll", VerticalScroll).set_class(not team, "-solo")
        self.query_one("#people", Static).update(people_text(report) if team else "")
        self.query_one("#heat-numbers", Static).update(heat_text(report))
        self.query_one("#checkup", Static).update(checkup_content(view.checkup, view.note))

    def _plot(self, name: str):  # type: ignore[no-untyped-def]
        widget = self.query_one(f"#{name}-plot", PlotextPlot)
        plt = widget.plt
        plt.clear_figure()
        return widget, plt

    def _plot_replies(self, report: AccountReport) -> None:
        widget, plt = self._plot("replies")
        groups = {"overall": report.first_reply, "business hrs": report.business_hours}
        groups["off hours"] = report.off_hours
        groups.update(report.by_band)
        minutes = [round((t.median_seconds or 0) / 60) for t in groups.values()]
        plt.bar(list(groups), minutes, orientation="horizontal", width=0.5)
        plt.title("Median first reply, minutes")
        widget.refresh()

    def _plot_backlog(self, report: AccountReport) -> None:
        widget, plt = self._plot("backlog")
        counts = [n for _, n in report.backlog]
        if counts:
            plt.plot(list(range(len(counts))), counts, marker="braille")
            step = max(1, len(counts) // 5)
            ticks = list(range(0, len(counts), step))
            plt.xticks(ticks, [report.backlog[i][0].strftime("%d %b") for i in ticks])
        plt.title("People owed a reply at each day's end")
        widget.refresh()

    def _plot_promo(self, report: AccountReport) -> None:
        widget, plt = self._plot("promo")
        weeks = report.promo_weeks[-12:]
        if weeks:
            labels = [w.week.strftime("%d %b") for w in weeks]
            plt.bar(labels, [round(100 * (w.share or 0)) for w in weeks], width=0.5)
            plt.hline(100 * report.promo_line, "red")
        plt.title(f"Promotional share per week (%; line {report.promo_line:.0%})")
        widget.refresh()

    def _plot_hours(self, report: AccountReport) -> None:
        widget, plt = self._plot("hours")
        posts = [s.posts for s in report.by_hour]
        plt.bar(list(range(24)), posts, width=0.6)
        plt.xticks(list(range(0, 24, 3)), [f"{h:02d}h" for h in range(0, 24, 3)])
        best = " ".join(f"{h:02d}h" for h in report.best_hours()) or "-"
        plt.title(f"Posts by hour (best: {best})")
        widget.refresh()
