"""The coach's front door: one object the UI, the CLI and the X backend share."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

from tuicoach.coach.history import History
from tuicoach.coach.neardup import Match, NearDuplicateIndex
from tuicoach.coach.rules import RULES, Context
from tuicoach.coach.scoring import score
from tuicoach.coach.settings import DEFAULT_WORDS, CoachSettings
from tuicoach.coach.text import DraftAnalysis, Lexicon, is_promotional
from tuicoach.domain.models import Draft, Finding, Report, Tweet


class Coach:
    """Reads drafts against the rulebook, the user's settings and their own history.

    Build it once (the near-duplicate index is built here), feed it each tweet
    the user posts with :meth:`add_to_history`, and call :meth:`report` as they
    type: ``near_duplicates=False`` is the cheap pass for every keystroke, the
    full pass can follow when typing pauses. :meth:`report` may run in a worker
    thread, but not at the same moment as :meth:`add_to_history`.
    """

    def __init__(
        self, settings: CoachSettings | None = None, history: Iterable[Tweet] = ()
    ) -> None:
        self.settings = settings or CoachSettings()
        self.lexicon = Lexicon({name: self.settings.word_list(name) for name in DEFAULT_WORDS})
        tweets = list(history)
        self.history = History(tweets)
        # Only the rule's window need be searchable: the index holds the tweets
        # from its start, reckoned from now (or from the newest tweet, if the
        # history ends earlier: a clock set back, a test's fixed day). A report
        # for an earlier moment rebuilds it from the history (see _search).
        window = timedelta(days=self.settings.thresholds.near_duplicate_days)
        newest = self.history.latest(until=_END)
        moment = datetime.now(UTC)
        if newest is not None and newest.created_at < moment:
            moment = newest.created_at
        self._index = self._new_index(tweets, keep_from=moment - window)
        self._promotional: dict[tuple[str, bool], bool] = {}
        self._last: tuple[Draft, DraftAnalysis] | None = None

    def add_to_history(self, tweet: Tweet) -> None:
        """Remember a tweet the user posted, for the account rules and near-duplicates."""
        self.history.add(tweet)
        self._index.add(tweet)

    def analyse(self, draft: Draft | str) -> DraftAnalysis:
        """The draft read once; the last one is kept, as the UI asks twice per pause."""
        if isinstance(draft, str):
            draft = Draft(draft)
        if self._last is not None and self._last[0] == draft:
            return self._last[1]
        conversation = set(draft.reply_usernames)
        if draft.reply_to is not None:
            conversation |= draft.reply_to.mentioned_usernames
        analysis = DraftAnalysis(
            draft.text,
            self.lexicon,
            is_reply=draft.is_reply,
            conversation=frozenset(name.lower() for name in conversation),
        )
        self._last = (draft, analysis)
        return analysis

    def is_promotional(self, tweet: Tweet) -> bool:
        """The same test as a draft's, remembered per text (and whether it is a reply: all
        the test reads), so a repeated text is judged once and an edited tweet afresh."""
        key = (tweet.text, tweet.replied_to_id is not None)
        known = self._promotional.get(key)
        if known is None:
            known = is_promotional(tweet.text, self.lexicon, is_reply=key[1])
            self._promotional[key] = known
        return known

    def report(
        self,
        draft: Draft | str,
        *,
        now: datetime,
        owed_since: Sequence[datetime] = (),
        near_duplicates: bool = True,
        stranger: bool = False,
    ) -> Report:
        """What the coach says about ``draft`` at time ``now``.

        ``owed_since`` holds when each mention still owed a reply arrived.
        ``near_duplicates=False`` skips the history search: the cheap pass.
        ``stranger=True``: the draft answers an opportunity (a stranger's
        conversation found by listening), where a pitch is spam.
        A naive ``now`` is taken as UTC, as every time in tuicoach is.
        """
        if now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        analysis = self.analyse(draft)
        context = Context(
            settings=self.settings,
            lexicon=self.lexicon,
            now=now,
            history=self.history,
            owed_since=owed_since,
            is_promotional=self.is_promotional,
            search=self._search if near_duplicates else None,
            stranger=stranger,
        )
        findings: list[Finding] = []
        # A draft with nothing in it gets one finding, not a list of account advice.
        rules = [RULES["empty"]] if not analysis.visible else list(RULES.values())
        for rule in rules:
            chosen = self.settings.rule(rule.id)
            if not chosen.enabled:
                continue
            for hit in rule.check(analysis, context):
                findings.append(
                    Finding(
                        rule=rule.id,
                        severity=hit.severity or chosen.severity,
                        message=hit.message,
                        suggestion=hit.suggestion,
                        start=hit.start,
                        end=hit.end,
                        related=hit.related,
                    )
                )
        findings.sort(key=_order)
        return Report(
            text=analysis.text,
            score=score(findings, self.settings),
            weighted_length=analysis.parse.weighted_length,
            valid=analysis.parse.valid,
            promotional=analysis.promotional,
            findings=tuple(findings),
        )

    def _new_index(self, tweets: Iterable[Tweet], *, keep_from: datetime) -> NearDuplicateIndex:
        return NearDuplicateIndex(
            tweets, threshold=self.settings.thresholds.near_duplicate_ratio, keep_from=keep_from
        )

    def _search(self, text: str, since: datetime) -> Match | None:
        keep_from = self._index.keep_from
        if keep_from is not None and since < keep_from:
            # Asked about an earlier window than the index holds: hold that one.
            self._index = self._new_index(self.history.between(since, _END), keep_from=since)
        return self._index.search(text, since=since)


_END = datetime.max.replace(tzinfo=UTC)


def _order(finding: Finding) -> tuple[int, int, int, str]:
    """Errors first, praise last; within a severity, whole-draft findings, then by position."""
    start = -1 if finding.start is None else finding.start
    end = -1 if finding.end is None else finding.end
    return finding.severity.rank, start, end, finding.rule
