"""Which X account is signed in, and the one call that opens it.

In order: the four ``TUICOACH_X_*`` environment variables (servers and CI; no
keyring involved), else ``--account NAME``, else the account signed in last.
The data folder keeps a small index of known accounts (username, id, name,
when added): nothing secret, only what is needed to find an account's database
and its keyring entry without asking X.

Only the standard library is imported at the top: the CLI and the app import
this module on their way up, and the keyring and tweepy are loaded only when an
account is really opened.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import socket
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tuicoach import paths
from tuicoach.backends.x.credentials import (
    ENV_VARS,
    Credentials,
    KeyringUnavailable,
    SignInError,
    from_env,
)
from tuicoach.backends.x.credentials import load as load_from_keyring

if TYPE_CHECKING:
    from tuicoach.backends.x.backend import XBackend
    from tuicoach.backends.x.cost import PricingSettings
    from tuicoach.backends.x.settings import XSettings
    from tuicoach.domain.models import User
    from tuicoach.store import Store

__all__ = [
    "INDEX_FILE",
    "AccountIndex",
    "AccountRecord",
    "KeyringUnavailable",
    "SignInError",
    "SignedIn",
    "account_username",
    "add_account_argument",
    "normalise_username",
    "open_signed_in",
    "resolve",
    "signed_in_opener",
]

INDEX_FILE = "accounts.json"
INDEX_VERSION = 1


def normalise_username(name: str) -> str:
    """``@Acme_Bakery`` -> ``Acme_Bakery``: what people type, as X spells a username."""
    return name.strip().removeprefix("@")


@dataclass(frozen=True, slots=True)
class AccountRecord:
    """What tuicoach remembers about an account without a secret: who, and since when."""

    username: str
    user_id: str
    name: str = ""
    added_at: str = ""


class AccountIndex:
    """``accounts.json`` in the data folder: the known accounts and the default one."""

    def __init__(
        self, path: Path, accounts: list[AccountRecord], default: str | None = None
    ) -> None:
        self.path = path
        self.accounts = accounts
        self.default = default

    @classmethod
    def load(cls, data_dir: Path) -> AccountIndex:
        path = data_dir / INDEX_FILE
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(path, [])
        except (OSError, ValueError) as exc:
            raise SignInError(
                f"{path} cannot be read ({exc}). It only lists which accounts you signed in "
                "with: fix it, or delete it and run `tuicoach login` again (your stored "
                "tweets are kept)."
            ) from None
        try:
            accounts = [
                AccountRecord(
                    username=str(item["username"]),
                    user_id=str(item["user_id"]),
                    name=str(item.get("name", "")),
                    added_at=str(item.get("added_at", "")),
                )
                for item in raw["accounts"]
            ]
            default = raw.get("default")
        except (KeyError, TypeError) as exc:
            raise SignInError(
                f"{path} is not a list of accounts (missing {exc}). Delete it and run "
                "`tuicoach login` again (your stored tweets are kept)."
            ) from None
        return cls(path, accounts, str(default) if default else None)

    def save(self) -> None:
        """Write atomically: a crash leaves the old index or the new one, never half of one."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "version": INDEX_VERSION,
            "default": self.default,
            "accounts": [asdict(a) for a in self.accounts],
        }
        fd, tmp = tempfile.mkstemp(prefix=".accounts-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out, indent=2)
                out.write("\n")
            Path(tmp).replace(self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def find(self, username: str) -> AccountRecord | None:
        wanted = normalise_username(username).lower()
        return next((a for a in self.accounts if a.username.lower() == wanted), None)

    def by_id(self, user_id: str) -> AccountRecord | None:
        return next((a for a in self.accounts if a.user_id == user_id), None)

    def add(self, record: AccountRecord, *, make_default: bool = True) -> None:
        self.accounts = [
            a
            for a in self.accounts
            if a.user_id != record.user_id and a.username.lower() != record.username.lower()
        ]
        self.accounts.append(record)
        if make_default:
            self.default = record.username

    def remove(self, username: str) -> AccountRecord | None:
        record = self.find(username)
        if record is None:
            return None
        self.accounts.remove(record)
        if self.default and self.default.lower() == record.username.lower():
            self.default = self.accounts[-1].username if self.accounts else None
        return record

    def default_record(self) -> AccountRecord | None:
        if self.default and (record := self.find(self.default)):
            return record
        return self.accounts[-1] if self.accounts else None


@dataclass(frozen=True, slots=True)
class SignedIn:
    """The account to use, and where its credentials came from (``env`` or ``keyring``)."""

    credentials: Credentials
    source: str
    username: str | None  # None: environment credentials X has not been asked about yet
    user_id: str

    def __repr__(self) -> str:
        return f"SignedIn(@{self.username}, from {self.source})"


def _env_conflict(env_name: str, wanted: str) -> SignInError:
    return SignInError(
        f"The TUICOACH_X_* environment variables sign in @{env_name}, but --account asks "
        f"for @{wanted}. Unset {ENV_VARS[0]} and the other three to use @{wanted}, or "
        "drop --account."
    )


def resolve(
    account: str | None,
    data_dir: Path,
    *,
    env: Mapping[str, str] | None = None,
) -> SignedIn | None:
    """Who is signed in, without touching the network; ``None`` if nobody is.

    Raises :class:`SignInError` (or :class:`KeyringUnavailable`) with a message
    naming the way out when an account is known but cannot be used.
    """
    index = AccountIndex.load(data_dir)
    env_credentials = from_env(env)
    if env_credentials is not None:
        record = index.by_id(env_credentials.user_id)
        username = record.username if record else None
        if account and username and username.lower() != normalise_username(account).lower():
            raise _env_conflict(username, normalise_username(account))
        return SignedIn(env_credentials, "env", username, env_credentials.user_id)

    if account:
        name = normalise_username(account)
        record = index.find(name)
    else:
        record = index.default_record()
        if record is None:
            return None
        name = record.username
    credentials = load_from_keyring(name)
    if credentials is None:
        known = ", ".join(f"@{a.username}" for a in index.accounts) or "none yet"
        raise SignInError(
            f"No saved sign-in for @{name} in the system keyring (accounts known here: "
            f"{known}). Run `tuicoach login --account {name}` to sign in."
        )
    user_id = record.user_id if record else credentials.user_id
    return SignedIn(credentials, "keyring", record.username if record else name, user_id)


def account_username(
    account: str | None, data_dir: Path, *, env: Mapping[str, str] | None = None
) -> str | None:
    """The signed-in account's username, from the index alone: no keyring, no network."""
    index = AccountIndex.load(data_dir)
    env_credentials = from_env(env)
    if env_credentials is not None:
        record = index.by_id(env_credentials.user_id)
        if record is None:
            raise SignInError(
                "the account the TUICOACH_X_* variables sign in to is not known here yet; "
                "run `tuicoach sync` once so tuicoach learns who it is."
            )
        return record.username
    if account:
        return normalise_username(account)
    record = index.default_record()
    return record.username if record else None


def add_account_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--account",
        metavar="NAME",
        help="which signed-in X account to use (default: the last one signed in)",
    )


def open_signed_in(
    *,
    account: str | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    settings: XSettings | None = None,
    pricing: PricingSettings | None = None,
    env: Mapping[str, str] | None = None,
    sleep: Callable[[float], None] | None = None,
    clock: Callable[[], datetime] | None = None,
    store_url: str | None = None,
    store_password: str | None = None,
) -> tuple[Store, XBackend] | None:
    """The signed-in account's store and backend, or ``None`` when nobody is signed in.

    Works offline: nothing is fetched, except once for environment credentials
    whose username tuicoach has not seen yet (it asks X who they belong to and
    remembers the answer in the account index). Raises :class:`SignInError` or
    a ``BackendError`` with a message fit to show.
    """
    from tuicoach.backends.x.backend import XBackend
    from tuicoach.backends.x.client import whoami
    from tuicoach.backends.x.settings import XSettings
    from tuicoach.store import Store

    folder = paths.data_dir(data_dir)
    signed_in = resolve(account, folder, env=env)
    if signed_in is None:
        return None
    settings = settings or XSettings()
    now = clock or (lambda: datetime.now(UTC))
    sleep = sleep or time.sleep
    username = signed_in.username
    asked: User | None = None
    if username is None:
        user = whoami(signed_in.credentials, settings=settings, clock=now, sleep=sleep)
        if account and user.username.lower() != normalise_username(account).lower():
            raise _env_conflict(user.username, normalise_username(account))
        index = AccountIndex.load(folder)
        index.add(
            AccountRecord(user.username, user.id, user.name, now().isoformat(timespec="seconds")),
            make_default=False,
        )
        index.save()
        username = user.username
        asked = user
    store = (
        Store.connect(store_url, password=store_password)
        if store_url
        else Store.open(paths.account_db(folder, username))
    )
    try:
        backend = XBackend.open(
            store,
            signed_in.credentials,
            username=username,
            source=signed_in.source,
            settings=settings,
            pricing=pricing,
            clock=now,
            sleep=sleep,
        )
    except BaseException:
        store.close()
        raise
    if asked is not None:  # X bills that profile read like any other
        backend.meter.read(posts=(), users=(asked.id,), now=now())
    if store_url:  # a store the team shares: one machine at a time syncs it
        backend.sync_holder = _this_machine(folder)
    return store, backend


def _this_machine(folder: Path) -> str:
    """Who syncs, in the team's sync lease: the person, the machine and the data folder
    (two folders on one machine are two teammates)."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name to be had: the folder still tells them apart
        user = "someone"
    return f"{user}@{socket.gethostname()} {folder}"


def signed_in_opener(
    *,
    account: str | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    settings: XSettings | None = None,
    pricing: PricingSettings | None = None,
    env: Mapping[str, str] | None = None,
    clock: Callable[[], datetime] | None = None,
    store_url: str | None = None,
    store_password: str | None = None,
) -> Callable[[], tuple[Store, XBackend]] | None:
    """For the app's start: is anyone signed in? If so, a function that opens the account.

    The check reads only the environment and the account index (no keyring,
    no store, no network), so it costs nothing before the first paint; the
    returned function does the rest and is meant for a worker. It raises
    :class:`SignInError`, ``StoreError`` or a ``BackendError`` worth showing.
    """
    folder = paths.data_dir(data_dir)
    if from_env(env) is None and account_username(account, folder, env=env) is None:
        return None

    def open_account() -> tuple[Store, XBackend]:
        opened = open_signed_in(
            account=account,
            data_dir=folder,
            settings=settings,
            pricing=pricing,
            env=env,
            clock=clock,
            store_url=store_url,
            store_password=store_password,
        )
        if opened is None:
            raise SignInError("No X account is signed in any more; run `tuicoach login`.")
        return opened

    return open_account
