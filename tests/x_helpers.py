"""What the X tests share besides the fake API itself: a clock, a backend on the fake, stdin.

The fixtures built on these (``clock``, ``fake``, ``world``, ``vault``) are in
``conftest.py``.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from fake_x_api import FakeX, World

from tuicoach.backends.x.backend import XBackend
from tuicoach.backends.x.credentials import ENV_VARS, Credentials
from tuicoach.backends.x.settings import XSettings
from tuicoach.store import Store


class Clock:
    """The one clock the fake, the backend and the meter share; tests move it."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def epoch(self) -> float:
        return self.now.timestamp()

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class Sleeps(list[float]):
    """An injected ``sleep`` that records instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def backend_for(
    world: World, store: Store, clock: Clock, sleeps: Sleeps | None = None, **settings: object
) -> XBackend:
    """The world's account as an ``XBackend`` on the fake, with small pages and quick timeouts."""
    options: dict[str, object] = {
        "api_base": world.fake.url,
        "timeout": 0.3,
        "retries": 3,
        "page_size": 20,
        "backfill_pages": 2,
        "catch_up_pages": 3,
        **settings,
    }
    return XBackend.open(
        store,
        Credentials(*world.secrets),
        username="acme_bakery",
        settings=XSettings(**options),  # type: ignore[arg-type]
        clock=clock,
        sleep=sleeps if sleeps is not None else Sleeps(),
        rng=lambda: 0.5,
    )


def env_of(world: World) -> dict[str, str]:
    """The four ``TUICOACH_X_*`` variables that sign in the world's account."""
    return dict(zip(ENV_VARS, world.secrets, strict=True))


class Answers(io.StringIO):
    """A stdin whose lines are computed when asked for (the PIN exists only then)."""

    def __init__(self, *answers: str | Callable[[], str]) -> None:
        super().__init__()
        self._answers = list(answers)
        self.asked = 0

    def readline(self, size: int | None = -1) -> str:
        if not self._answers:
            return ""
        self.asked += 1
        answer = self._answers.pop(0)
        return (answer() if callable(answer) else answer) + "\n"

    def isatty(self) -> bool:
        return False


def browser_approves(fake: FakeX, username: str) -> Callable[[], str]:
    """What the user does in the browser: open the printed page, approve, read the PIN."""

    def pin() -> str:
        fake.authorizing_user = username
        token = next(reversed(fake.request_tokens))
        return fake.approve(f"{fake.url}/oauth/authorize?oauth_token={token}")

    return pin
