"""Listening on X: run each saved search with ``since_id``, within a daily budget.

X bills every post a search returns ($0.005, once per UTC day) and every
author in ``includes`` ($0.010); an empty answer is free. So each search
polls from its cursor (the newest id it has seen): in a steady state a post
is read once. A burst bigger than a poll's ``pages`` leaves a backlog, read by
the next polls (``since_id``/``until_id``) until it is closed: no post is lost.

Before each request the :class:`Listener` checks the account's
listening spend for the UTC day against ``[listen] daily_budget``, counting
the worst a full page could cost, so the budget is never overrun: when it
would be, listening stops for the day and says so.

:meth:`Listener.estimate` says what a search would have cost, before it is
saved: from ``/2/tweets/counts/recent`` when an app bearer token is at hand
(one request, $0.005), otherwise from the volume of its first page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tuicoach.backends.base import BackendError, RateLimited
from tuicoach.backends.x import cost
from tuicoach.backends.x.client import SEARCH_FEATURE, XAppClient, XClient
from tuicoach.backends.x.cost import Meter, Prices
from tuicoach.backends.x.errors import rate_limited
from tuicoach.domain.listen import ListenSettings, SavedSearch, build_query, volume_words
from tuicoach.domain.models import User
from tuicoach.store import Store
from tuicoach.store.listen import Backlog, ListenStore

SEARCH_WINDOW = timedelta(days=7)  # recent search covers the last seven days

#: The X app's bearer token: counts and X's own usage are readable only with it.
BEARER_ENV = "TUICOACH_X_BEARER_TOKEN"


class BudgetReached(BackendError):
    """Listening's daily budget is spent (or the next page could overrun it)."""

    def __init__(self, message: str, resumes: datetime) -> None:
        super().__init__(message)
        self.resumes = resumes


@dataclass(frozen=True, slots=True)
class SearchRun:
    """One saved search, polled once."""

    name: str
    query: str
    new: tuple[str, ...] = ()  # tweet ids no search had found before
    requests: int = 0
    post_reads: int = 0  # billed (first read of the post today)
    user_reads: int = 0
    cost: float = 0.0
    error: BackendError | None = None
    #: A burst held more than this poll's pages: its older posts wait in the backlog.
    catching_up: bool = False
    #: Posts read this poll from a backlog (older than the search's newest).
    from_backlog: int = 0

    def skipped_words(self, settings: ListenSettings) -> str | None:
        """What still waits to be read after this poll, and what happens; None when nothing."""
        if not self.catching_up:
            return None
        pages = f"{settings.pages} page" + ("s" if settings.pages != 1 else "")
        return (
            f"catching up: a burst held more than {pages} of {settings.max_results}, "
            "so its older posts are read over the next polls (each once, within the "
            "budget; nothing is lost); raise [listen] pages or max_results to catch up sooner"
        )


@dataclass(frozen=True, slots=True)
class ListenReport:
    """A poll of every saved search: per search, and the day's listening spend after it."""

    runs: tuple[SearchRun, ...]
    spent_today: float
    budget: float
    stopped: BudgetReached | None = None

    @property
    def new(self) -> int:
        return sum(len(r.new) for r in self.runs)

    @property
    def post_reads(self) -> int:
        return sum(r.post_reads for r in self.runs)

    @property
    def cost(self) -> float:
        return sum(r.cost for r in self.runs)


@dataclass(frozen=True, slots=True)
class Estimate:
    """What a search would cost: posts per day over the last days, and dollars per day."""

    name: str
    query: str
    posts_per_day: float
    dollars_per_day: float
    method: str  # "counts" or "first page"
    days: tuple[tuple[datetime, int], ...] = field(default_factory=tuple)
    spent: float = 0.0  # what estimating cost

    def describe(self) -> str:
        how = (
            "X's counts of the last 7 days"
            if self.method == "counts"
            else "the volume of a first page of results"
        )
        return (
            f"{self.name}: {volume_words(self.posts_per_day)}, "
            f"{cost.format_dollars(self.dollars_per_day)} a day at today's prices "
            f"(from {how}; estimating cost {cost.format_dollars(self.spent)})"
        )


def _next_midnight(now: datetime) -> datetime:
    day = now.astimezone(UTC).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


class Listener:
    """The account's saved searches, polled against X's recent search."""

    def __init__(
        self,
        store: Store,
        client: XClient,
        account: User,
        *,
        settings: ListenSettings | None = None,
        table: Sequence[Prices] = cost.DEFAULT_PRICE_TABLE,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        app_client: XAppClient | None = None,
    ) -> None:
        self.store = store
        self.listen = ListenStore(store)
        self.client = client
        self.account = account
        self.settings = settings or ListenSettings()
        self.table = table
        self.meter = Meter(store)
        self.app_client = app_client
        self._clock = clock

    # -- money

    def _prices(self) -> Prices:
        prices = cost.prices_on(cost.utc_day(self._clock()), self.table)
        if prices is None:
            raise BackendError(
                "no X prices for today in the [pricing] table; add a row dated on or before "
                "today, so listening can keep to its budget"
            )
        return prices

    def spent_today(self) -> float:
        """Listening's spend today (UTC): its posts and authors read, and counts requests."""
        usage, _ = cost.today(self.store, now=self._clock(), table=self.table)
        prices = self._prices()
        return (
            usage.search_post_reads * prices.post_read
            + usage.search_user_reads * prices.user_read
            + usage.counts_requests * cost.units_on(usage.day).counts_request
        )

    def page_worst_case(self) -> float:
        """The most one search request can cost: a full page, each post by a new author."""
        prices = self._prices()
        return self.settings.max_results * (prices.post_read + prices.user_read)

    def check_budget(self) -> None:
        """Raise :class:`BudgetReached` when one more page could overrun today's budget."""
        self._check_budget()

    def _check_budget(self) -> None:
        spent = self.spent_today()
        budget = self.settings.daily_budget
        if spent + self.page_worst_case() > budget + 1e-9:
            resumes = _next_midnight(self._clock())
            raise BudgetReached(
                f"listening stopped for today: {cost.format_dollars(spent)} of the "
                f"{cost.format_dollars(budget)} daily budget is spent, and one more page of "
                f"{self.settings.max_results} results could cost "
                f"{cost.format_dollars(self.page_worst_case())}. It starts again at 00:00 UTC; "
                "raise [listen] daily_budget to listen more",
                resumes,
            )

    def _rate_blocked(self) -> RateLimited | None:
        rate = self.client.rate_limits.get("search")
        if rate is None or rate.remaining > 0 or rate.reset <= self._clock():
            return None
        return rate_limited(SEARCH_FEATURE, rate.reset, rate.limit)

    # -- polling

    def searches(self) -> list[SavedSearch]:
        """Every saved search: the store's, brought in line with the config's first.

        A search in the config runs as the config says (edited there, it changes
        here; taken out, it is removed): see :meth:`ListenStore.adopt`.
        """
        self.listen.adopt(self.settings.searches, now=self._clock())
        return self.listen.searches()

    def run(self, names: Sequence[str] | None = None) -> ListenReport:
        """Poll every saved search (or those ``names``) once; stop for the day at the budget."""
        runs: list[SearchRun] = []
        stopped: BudgetReached | None = None
        wanted = {n.lower() for n in names} if names is not None else None
        for search in self.searches():
            if wanted is not None and search.name.lower() not in wanted:
                continue
            if stopped is not None:
                runs.append(SearchRun(search.name, "", error=stopped))
                continue
            run = self.run_search(search)
            if isinstance(run.error, BudgetReached):
                stopped = run.error
            runs.append(run)
        return ListenReport(
            tuple(runs), self.spent_today(), self.settings.daily_budget, stopped=stopped
        )

    def run_search(self, search: SavedSearch) -> SearchRun:
        """One search, up to ``pages`` requests: its backlog first, then what is new.

        A burst bigger than one poll's pages leaves a backlog (the ids between
        the old cursor and the oldest post read); the next polls read it with
        ``since_id``/``until_id``, newest first, until it is closed, and only then
        ask for what came since (so there is never more than one gap, and no
        post is read twice). Each page is filed with both cursors in one
        transaction: a poll cut short (budget, rate limit, crash) loses nothing.
        """
        query = build_query(search, self.account.username)
        if self.listen.search(search.name) is None:
            self.listen.save_search(search, now=self._clock())
        backlog = self.listen.backlog(search.name)
        new: list[str] = []
        requests = post_reads = user_reads = from_backlog = 0
        error: BackendError | None = None
        token: str | None = None
        since: str | None = None
        until: str | None = None
        top = read_top = False  # whether this chain of pages started at the cursor
        for _page in range(self.settings.pages):
            if token is None:  # a new chain of pages: the backlog's, else the newest
                if backlog is not None:
                    since, until, top = backlog.since, backlog.until, False
                elif not read_top:
                    since, until, top = self.listen.cursor(search.name), None, True
                    read_top = True
                else:
                    break
                first = True
            try:
                if (blocked := self._rate_blocked()) is not None:
                    raise blocked
                self._check_budget()
                fetched = self.client.search_recent(
                    query,
                    search=search.name,
                    since_id=since,
                    until_id=until,
                    next_token=token,
                    max_results=self.settings.max_results,
                )
            except BackendError as exc:
                error = exc
                break
            requests += 1
            page = fetched.page
            now = self._clock()
            posts, users = self.meter.searched(
                posts=[t.id for t in page.tweets],
                users=[u.id for u in page.users],
                now=now,
            )
            post_reads += posts
            user_reads += users
            meta = fetched.raw.get("meta") if isinstance(fetched.raw, dict) else None
            meta = meta if isinstance(meta, dict) else {}
            token = str(meta["next_token"]) if meta.get("next_token") else None
            ids = sorted((t.id for t in page.tweets), key=lambda i: (len(i), i))
            newest = str(meta.get("newest_id") or ids[-1]) if ids else None
            oldest = str(meta.get("oldest_id") or ids[0]) if ids else None
            at_top = top and first
            if not at_top:
                from_backlog += len(page.tweets)
            if token is None:
                backlog = None  # the chain reached its end: nothing older is left unread
            elif oldest is not None:
                backlog = Backlog(since, oldest)  # older than this page is still to read
            mine = [t for t in page.tweets if t.author_id != self.account.id]
            new += self.listen.file_page(
                search.name,
                mine,
                page.users,
                # Only the chain from the cursor moves it; past its first page the
                # ids are older, and the cursor never moves back.
                newest=newest if top else None,
                backlog=backlog,
                now=now,
            )
            first = False
        prices = self._prices()
        spent = post_reads * prices.post_read + user_reads * prices.user_read
        return SearchRun(
            search.name,
            query,
            tuple(new),
            requests,
            post_reads,
            user_reads,
            spent,
            error,
            catching_up=backlog is not None,
            from_backlog=from_backlog,
        )

    # -- before saving

    def estimate(self, search: SavedSearch) -> Estimate:
        """What ``search`` would cost a day, from counts (with a bearer token) or a first page.

        The first-page way reads up to ``max_results`` posts; the search's first
        poll the same UTC day reads them again for free (X bills a post once a
        day). The counts way costs one counts request.
        """
        query = build_query(search, self.account.username)
        prices = self._prices()
        per_post = prices.post_read + prices.user_read
        if self.app_client is not None:
            self._check_budget()
            days = self.app_client.recent_counts(query, search=search.name)
            self.meter.counted(now=self._clock())
            total = sum(n for _, n in days)
            per_day = total / max(1, len(days))
            return Estimate(
                search.name,
                query,
                per_day,
                per_day * per_post,
                "counts",
                tuple(days),
                spent=cost.units_on(cost.utc_day(self._clock())).counts_request,
            )
        self._check_budget()
        fetched = self.client.search_recent(
            query, search=search.name, max_results=self.settings.max_results
        )
        now = self._clock()
        posts, users = self.meter.searched(
            posts=[t.id for t in fetched.page.tweets],
            users=[u.id for u in fetched.page.users],
            now=now,
        )
        tweets = fetched.page.tweets
        meta = fetched.raw.get("meta") if isinstance(fetched.raw, dict) else None
        full = isinstance(meta, dict) and bool(meta.get("next_token"))
        if not tweets:
            per_day = 0.0
        elif full:
            span = max(now - min(t.created_at for t in tweets), timedelta(minutes=1))
            per_day = len(tweets) / (span / timedelta(days=1))
        else:
            per_day = len(tweets) / (SEARCH_WINDOW / timedelta(days=1))
        return Estimate(
            search.name,
            query,
            per_day,
            per_day * per_post,
            "first page",
            spent=posts * prices.post_read + users * prices.user_read,
        )

    def reconcile(self, days: int) -> list[tuple[str, int, int | None]]:
        """(day, tuicoach's post reads, X's) for the last ``days`` UTC days; X's None if unknown.

        Needs an app bearer token: ``/2/usage/tweets`` accepts nothing else.
        """
        if self.app_client is None:
            raise BackendError(
                "X's usage counts need the app's bearer token: set TUICOACH_X_BEARER_TOKEN "
                "(from the X developer console) to compare"
            )
        theirs = self.app_client.usage_tweets(days)
        last = cost.utc_day(self._clock())
        ours = cost.usage_days(self.store, last - timedelta(days=days - 1), last)
        return [
            (str(d.day), d.post_reads + d.owned_reads, theirs.get(str(d.day)))
            for d in reversed(ours)
        ]
