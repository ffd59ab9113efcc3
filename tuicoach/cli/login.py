"""``tuicoach login``: sign in with the OAuth 1.0a PIN flow; the tokens go to the keyring."""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import UTC, datetime

from tuicoach.cli import EXIT_OK, EXIT_USAGE
from tuicoach.cli._account import config, fail


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from tuicoach.backends.x.accounts import add_account_argument

    add_account_argument(parser)
    parser.epilog = (
        "Uses your own X app's API key and secret (from the X developer console), "
        "asked for or taken from TUICOACH_X_CONSUMER_KEY and TUICOACH_X_CONSUMER_SECRET. "
        "The tokens go to the system keyring, never to a file."
    )


def _ask(prompt: str, *, secret: bool = False) -> str:
    if secret and sys.stdin.isatty():
        return getpass.getpass(prompt)
    print(prompt, end="", flush=True)
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.strip()


def run(args: argparse.Namespace) -> int:
    from tuicoach import paths
    from tuicoach.backends.base import BackendError
    from tuicoach.backends.x import credentials
    from tuicoach.backends.x.accounts import normalise_username
    from tuicoach.backends.x.auth import PinLogin
    from tuicoach.backends.x.client import whoami
    from tuicoach.backends.x.config import x_settings
    from tuicoach.backends.x.settings import ApiBaseError, api_base

    settings = x_settings(config(args).sections)
    wanted = normalise_username(args.account) if args.account else None
    folder = paths.data_dir(args.data_dir)
    try:
        base = api_base(settings.api_base)
        env_account = credentials.from_env()
        if env_account is not None:
            user = whoami(env_account, settings=settings)
            _remember(folder, user, make_default=False)
            print(
                f"The TUICOACH_X_* environment variables already sign in @{user.username}; "
                "nothing is stored in the keyring. Unset them to sign in with `tuicoach login`."
            )
            return EXIT_OK
        keyring_name = credentials.check_keyring()
        key, secret = credentials.app_keys_from_env()
        if not key:
            key = _ask("Your X app's API key (consumer key): ")
        if not secret:
            secret = _ask("Its API key secret (consumer secret): ", secret=True)
        login = PinLogin(key, secret, api_base=base, timeout=settings.timeout)
        url = login.authorization_url()
        print("Open this page, sign in as the account to use, and approve the app:")
        print(f"\n    {url}\n")
        pin = _ask("Then type the PIN X shows you: ")
        creds = login.finish(pin)
        user = whoami(creds, settings=settings, source="keyring")
    except EOFError:
        print("\ntuicoach: sign-in cancelled; nothing was saved.", file=sys.stderr)
        return EXIT_USAGE
    except ApiBaseError as exc:
        print(f"tuicoach: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (credentials.SignInError, BackendError) as exc:
        return fail(exc)
    if wanted and user.username.lower() != wanted.lower():
        return fail(
            f"you approved the app as @{user.username}, not @{wanted}. Run `tuicoach login "
            f"--account {wanted}` again and sign in to X as @{wanted} in the browser first."
        )
    try:
        credentials.save(user.username, creds)
    except credentials.SignInError as exc:
        return fail(exc)
    _remember(folder, user, make_default=True)
    print(
        f"Signed in as @{user.username}"
        + (f" ({user.name})" if user.name else "")
        + f". The tokens are in the system keyring ({keyring_name}); nothing secret was "
        "written to disk. Next: `tuicoach sync`."
    )
    return EXIT_OK


def _remember(folder: object, user: object, *, make_default: bool) -> None:
    from pathlib import Path

    from tuicoach.backends.x.accounts import AccountIndex, AccountRecord
    from tuicoach.domain.models import User

    assert isinstance(folder, Path) and isinstance(user, User)
    index = AccountIndex.load(folder)
    index.add(
        AccountRecord(
            user.username, user.id, user.name, datetime.now(UTC).isoformat(timespec="seconds")
        ),
        make_default=make_default,
    )
    index.save()
