"""An account's four OAuth 1.0a secrets: from the environment, or in the OS keyring.

Secrets live only in memory, in the OS keyring, or in the environment the user
set. Nothing here writes them to a file, and :class:`Credentials` never shows
them in a ``repr``, a log line or a traceback. ``keyring`` is imported only
when it is needed, so the app starts fast on the demo.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import ModuleType

SERVICE = "tuicoach"

ENV_CONSUMER_KEY = "TUICOACH_X_CONSUMER_KEY"
ENV_CONSUMER_SECRET = "TUICOACH_X_CONSUMER_SECRET"
ENV_ACCESS_TOKEN = "TUICOACH_X_ACCESS_TOKEN"
ENV_ACCESS_TOKEN_SECRET = "TUICOACH_X_ACCESS_TOKEN_SECRET"
ENV_VARS = (ENV_CONSUMER_KEY, ENV_CONSUMER_SECRET, ENV_ACCESS_TOKEN, ENV_ACCESS_TOKEN_SECRET)

NO_KEYRING = (
    "No system keyring is available to keep your X tokens safe (the `keyring` "
    "library found no backend, as on a headless Linux box). Either install and "
    "unlock a keyring backend (GNOME Keyring or KWallet through SecretService, "
    "or `pip install keyrings.alt` for a file-based one), or set "
    + ", ".join(ENV_VARS[:-1])
    + f" and {ENV_VARS[-1]} in the environment, which tuicoach then uses "
    "without any keyring."
)


class SignInError(Exception):
    """Signing in cannot go ahead; ``str(error)`` says why and what to do."""


class KeyringUnavailable(SignInError):
    """The OS keyring is missing, locked or refused."""


@dataclass(frozen=True, slots=True)
class Credentials:
    """The app's keys and the account's tokens. Never printed: see ``__repr__``."""

    consumer_key: str = field(repr=False)
    consumer_secret: str = field(repr=False)
    access_token: str = field(repr=False)
    access_token_secret: str = field(repr=False)

    def __repr__(self) -> str:
        return f"Credentials(user_id={self.user_id!r}, secrets hidden)"

    __str__ = __repr__

    @property
    def user_id(self) -> str:
        """X's access tokens start with the user's id: ``<id>-<random>``."""
        return self.access_token.partition("-")[0]

    def secrets(self) -> tuple[str, str, str, str]:
        """All four values, e.g. for tests that prove none leaked anywhere."""
        return (
            self.consumer_key,
            self.consumer_secret,
            self.access_token,
            self.access_token_secret,
        )

    def to_keyring(self) -> str:
        return json.dumps(
            {
                "consumer_key": self.consumer_key,
                "consumer_secret": self.consumer_secret,
                "access_token": self.access_token,
                "access_token_secret": self.access_token_secret,
            }
        )

    @classmethod
    def from_keyring(cls, text: str) -> Credentials:
        try:
            data = json.loads(text)
            return cls(
                consumer_key=str(data["consumer_key"]),
                consumer_secret=str(data["consumer_secret"]),
                access_token=str(data["access_token"]),
                access_token_secret=str(data["access_token_secret"]),
            )
        except (ValueError, KeyError, TypeError):
            raise SignInError(
                "The tokens saved in the keyring for this account are unreadable; "
                "run `tuicoach login` again to replace them."
            ) from None


def from_env_names(env: Mapping[str, str] | None = None) -> list[str]:
    """Which ``TUICOACH_X_*`` variables are set (names only, never values)."""
    env = os.environ if env is None else env
    return [name for name in ENV_VARS if env.get(name, "").strip()]


def app_keys_from_env(env: Mapping[str, str] | None = None) -> tuple[str, str]:
    """The app's consumer key and secret from the environment ("" where unset)."""
    env = os.environ if env is None else env
    return env.get(ENV_CONSUMER_KEY, "").strip(), env.get(ENV_CONSUMER_SECRET, "").strip()


def from_env(env: Mapping[str, str] | None = None) -> Credentials | None:
    """The account set in all four ``TUICOACH_X_*``, else ``None``.

    The app's two keys alone are not an account (``tuicoach login`` uses them);
    an access token without the rest is a mistake worth naming.
    """
    env = os.environ if env is None else env
    values = {name: env.get(name, "").strip() for name in ENV_VARS}
    present = [name for name, value in values.items() if value]
    if not (values[ENV_ACCESS_TOKEN] or values[ENV_ACCESS_TOKEN_SECRET]):
        return None
    if len(present) < len(ENV_VARS):
        missing = [name for name in ENV_VARS if not values[name]]
        raise SignInError(
            f"Only some of the X credentials are set in the environment: {', '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} missing. Set all four, or unset "
            f"{', '.join(present)} to use the keyring and `tuicoach login` instead."
        )
    return Credentials(*(values[name] for name in ENV_VARS))


def _key(username: str) -> str:
    return username.lower()


@contextmanager
def _keyring() -> Iterator[ModuleType]:
    """The ``keyring`` module, imported only now; its failures become KeyringUnavailable."""
    import keyring
    import keyring.errors

    try:
        yield keyring
    except (keyring.errors.KeyringError, RuntimeError) as exc:
        if isinstance(exc, keyring.errors.NoKeyringError):
            raise KeyringUnavailable(NO_KEYRING) from None
        raise KeyringUnavailable(
            f"The system keyring refused ({exc.__class__.__name__}: {exc}). Unlock it and try "
            "again, or set the TUICOACH_X_* environment variables instead."
        ) from None


def check_keyring() -> str:
    """Make sure a keyring is usable before asking the user for anything; return its name."""
    with _keyring() as keyring:
        backend = keyring.get_keyring()
        backend.get_password(SERVICE, "tuicoach-probe")
    return str(getattr(backend, "name", type(backend).__name__))


def save(username: str, credentials: Credentials) -> None:
    """Keep the account's credentials in the OS keyring under its username."""
    with _keyring() as keyring:
        keyring.set_password(SERVICE, _key(username), credentials.to_keyring())


def load(username: str) -> Credentials | None:
    """The account's credentials from the keyring, ``None`` if none are stored."""
    with _keyring() as keyring:
        text = keyring.get_password(SERVICE, _key(username))
    return None if text is None else Credentials.from_keyring(text)


def delete(username: str) -> bool:
    """Remove the account's credentials from the keyring; ``False`` if there were none."""
    with _keyring() as keyring:
        try:
            keyring.delete_password(SERVICE, _key(username))
        except keyring.errors.PasswordDeleteError:
            return False
    return True
