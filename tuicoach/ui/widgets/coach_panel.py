"""The Coach pane's pieces: a score gauge, the findings grouped by severity, the account strip.

Everything is drawn from a :class:`~tuicoach.domain.models.Report` (and an
:class:`AccountStats`) into ``Content`` with the draft's text passed as
template variables, so what the user typed is never read as markup. Updating
the pane replaces three ``Static`` contents: no widgets are mounted per
keystroke.
"""

from __future__ import annotations

from datetime import timedelta

from textual.app import RenderResult
from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Static

from tuicoach.domain.models import Finding, Report, Severity
from tuicoach.ui import format as fmt
from tuicoach.ui.view import AccountStats

GOOD_SCORE = 75
FAIR_SCORE = 50

SEVERITY_TITLES = {
    Severity.ERROR: "Must fix",
    Severity.WARNING: "Warnings",
    Severity.TIP: "Tips",
    Severity.GOOD: "Done well",
}
SEVERITY_STYLES = {
    Severity.ERROR: "$error",
    Severity.WARNING: "$warning",
    Severity.TIP: "$accent",
    Severity.GOOD: "$success",
}
SEVERITY_MARKS = {Severity.ERROR: "✖", Severity.WARNING: "▲", Severity.TIP: "•", Severity.GOOD: "✔"}


def score_class(score: int) -> str:
    if score >= GOOD_SCORE:
        return "-good"
    if score >= FAIR_SCORE:
        return "-fair"
    return "-bad"


class ScoreGauge(Static):
    """``Score  72  ━━━━━━━━━━━━━──────`` in the theme's good/fair/bad colour."""

    DEFAULT_CSS = """
    ScoreGauge {
        height: 1;
        padding: 0 1;
        &.-good { color: $score-good; }
        &.-fair { color: $score-fair; }
        &.-bad { color: $score-bad; }
        &.-empty { color: $text-muted; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.score: int | None = None
        self.pending = False

    def show_score(self, score: int | None, *, pending: bool = False) -> None:
        if (score, pending) == (self.score, self.pending):
            return
        self.score, self.pending = score, pending
        wanted = "-empty" if score is None else score_class(score)
        if not self.has_class(wanted):  # restyle only when the colour changes
            self.remove_class("-good", "-fair", "-bad", "-empty")
            self.add_class(wanted)
        self.refresh()

    def render(self) -> RenderResult:
        width = max(self.content_region.width, 12)
        if self.score is None:
            return Content("Score  —")
        label = f"Score {self.score:>3}  "
        # "…" at the end while the search through earlier tweets is still running.
        bar_width = max(width - len(label) - 2, 4)
        filled = round(bar_width * self.score / 100)
        return Content.assemble(
            (label, "bold"),
            "━" * filled,
            ("─" * (bar_width - filled), "$text-disabled"),
            (" …" if self.pending else "  ", "$text-muted"),
        )


def findings_lines(report: Report | None, width: int) -> list[Content]:
    """The findings, grouped by severity: rule id, message, excerpt, suggestion, earlier tweet.

    Lines under a finding are wrapped to ``width`` with a hanging indent, so the
    rule ids stay a column the eye can run down.
    """
    if report is None or not report.text.strip():
        return _indented(
            Content.styled(
                "The coach reads your draft as you type: the quick checks at once, the "
                "search through your earlier tweets a moment later.",
                "dim",
            ),
            width,
            "",
            "",
        )
    lines: list[Content] = []
    for severity in (Severity.ERROR, Severity.WARNING, Severity.TIP, Severity.GOOD):
        group = [f for f in report.findings if f.severity is severity]
        if not group:
            continue
        if lines:
            lines.append(Content(""))
        lines.append(Content.styled(SEVERITY_TITLES[severity], f"bold {SEVERITY_STYLES[severity]}"))
        for finding in group:
            lines.extend(_finding(report.text, finding, width))
    if not lines:
        lines.append(Content.styled("Nothing to flag.", "$success"))
    return lines


def _indented(content: Content, width: int, first: str = "  ", rest: str = "  ") -> list[Content]:
    wrapped = content.wrap(max(width - len(first), 8))
    return [Content.assemble(first if i == 0 else rest, line) for i, line in enumerate(wrapped)]


def _finding(text: str, finding: Finding, width: int) -> list[Content]:
    style = SEVERITY_STYLES[finding.severity]
    lines = [
        Content.assemble((SEVERITY_MARKS[finding.severity] + " ", style), (finding.rule, "bold"))
    ]
    lines += _indented(Content(finding.message), width)
    if finding.start is not None and finding.end is not None and finding.end > finding.start:
        excerpt = fmt.one_line(text[finding.start : finding.end])
        if len(excerpt) > 60:
            excerpt = excerpt[:59] + "…"
        lines += _indented(Content.styled(f"“{excerpt}”", f"{style} italic"), width)
    if finding.suggestion:
        lines += _indented(Content.styled(finding.suggestion, "dim"), width, "  → ", "    ")
    if finding.related is not None:
        earlier = fmt.one_line(finding.related.text)
        if len(earlier) > 140:
            earlier = earlier[:139] + "…"
        when = finding.related.created_at.strftime("%d %b %Y")
        lines += _indented(Content.assemble((f"Earlier, {when}: ", "bold"), f"“{earlier}”"), width)
    return lines


class FindingsView(Widget):
    """The findings, re-wrapped to the pane's width whenever it is drawn."""

    DEFAULT_CSS = """
    FindingsView { height: auto; width: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.report: Report | None = None
        self._lines_for: Report | None = None
        self._lines_width = 0
        self._lines_cache: list[Content] = []

    def show(self, report: Report | None) -> None:
        width = self.content_region.width or 40
        before = [(line.plain, line.spans) for line in self.lines(width)]
        self.report = report
        after = [(line.plain, line.spans) for line in self.lines(width)]
        # Most keys change nothing here: then nothing is redrawn. A new layout only
        # when the findings take more or fewer lines.
        if after != before:
            self.refresh(layout=len(after) != len(before))

    def lines(self, width: int) -> list[Content]:
        if self._lines_for is not self.report or width != self._lines_width:
            self._lines_for, self._lines_width = self.report, width
            self._lines_cache = findings_lines(self.report, width)
        return self._lines_cache

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))

    def render(self) -> RenderResult:
        return Content("\n").join(self.lines(self.content_region.width or 40))


def _people_waiting(stats: AccountStats) -> str:
    """After the count of people: "people waiting (5 tweets)", as ``owed_words`` puts it."""
    from tuicoach.domain.owed import owed_words  # owed and triage: not before the first frame

    tweets = stats.owed if stats.owed_tweets is None else stats.owed_tweets
    words = owed_words(stats.owed, tweets).split(" ", 1)[1]  # the number is styled apart
    noun, _, rest = words.partition(" ")
    return f"{noun} waiting" + (f" {rest}" if rest else "")


def stats_content(stats: AccountStats | None) -> Content:
    """Promotional share of the recent tweets, owed replies, time since the last post, the pace."""
    if stats is None:
        return Content.styled("Reading the account…", "dim")
    share = f"{stats.promotional_recent}/{stats.recent}" if stats.recent else "—"
    oldest = f", oldest waiting {fmt.duration(stats.oldest_owed)}" if stats.oldest_owed else ""
    since = stats.since_last_post
    if since is None:
        last = "never"
    elif since < timedelta(minutes=1):  # "0m ago" read as a glitch, and 0 s as "never"
        last = "just now"
    else:
        last = f"{fmt.duration(since)} ago"
    return Content.assemble(
        ("Promo   ", "dim"),
        (share, "$warning bold" if stats.promo_heavy else ""),
        f" of the last {stats.recent} are promotional\n",
        ("Owed    ", "dim"),
        (str(stats.owed), "$owed-needs-answer bold" if stats.owed else "$success"),
        f" {_people_waiting(stats)}{oldest}\n",
        ("Posted  ", "dim"),
        f"{last}, ",
        (str(stats.posts_last_hour), "$warning bold" if stats.busy else ""),
        " in the last hour",
    )
