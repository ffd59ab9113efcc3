"""``tuicoach logout``: forget an account's tokens (its stored tweets stay)."""

from __future__ import annotations

import argparse

from tuicoach.cli import EXIT_OK
from tuicoach.cli._account import fail


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from tuicoach.backends.x.accounts import add_account_argument

    add_account_argument(parser)


def run(args: argparse.Namespace) -> int:
    from tuicoach import paths
    from tuicoach.backends.x import credentials
    from tuicoach.backends.x.accounts import AccountIndex, SignInError, normalise_username

    folder = paths.data_dir(args.data_dir)
    try:
        index = AccountIndex.load(folder)
        if args.account:
            name = normalise_username(args.account)
        elif (record := index.default_record()) is not None:
            name = record.username
        else:
            name = None
        removed = credentials.delete(name) if name else False
    except SignInError as exc:
        return fail(exc)
    record = index.remove(name) if name else None
    if record is not None:
        index.save()
    env = credentials.from_env_names()
    if name is None:
        print("No account is signed in with the keyring; nothing to do.")
    elif removed or record is not None:
        db = paths.account_db(folder, name)
        print(
            f"Signed out @{name}: its tokens are removed from the system keyring. "
            f"Its stored tweets stay in {db}; delete that file to remove them too."
        )
    else:
        print(f"@{name} was not signed in here; nothing to do.")
    if env:
        print(
            f"Note: {', '.join(env)} {'is' if len(env) == 1 else 'are'} still set in the "
            "environment and sign in on their own; unset them to sign out completely."
        )
    return EXIT_OK
