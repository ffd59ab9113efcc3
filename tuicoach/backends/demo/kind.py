"""The demo brand as the registry knows it: always "signed in", no config of its own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuicoach.backends.registry import BackendKind, Opener, Report, Request

if TYPE_CHECKING:
    from tuicoach.backends.base import Backend
    from tuicoach.store import Store


def open_store(request: Request) -> Store:
    from tuicoach.backends.demo import open_demo_store

    return open_demo_store(request.data_dir, request.clock())


def opener(request: Request) -> Opener:
    def open_account() -> tuple[Store, Backend]:
        from tuicoach.backends.demo import DemoBackend

        store = open_store(request)
        return store, DemoBackend(store, now=request.clock)

    return open_account


def usage(store: Store, request: Request, days: int) -> Report:
    account = store.account()
    name = f"@{account.username}" if account is not None else "the demo"
    return Report(
        (f"{name} (the demo): nothing is read from or posted to a service, so nothing is billed.",),
        [],
    )


BACKEND = BackendKind(
    name="demo",
    service="the demo",
    sign_in_hint="The demo needs no sign-in.",
    opener=opener,
    open_store=open_store,
    usage=usage,
)
