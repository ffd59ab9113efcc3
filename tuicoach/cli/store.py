"""``tuicoach store``: where the account's store lives, and moving it to PostgreSQL.

- ``tuicoach store migrate --to URL [--account NAME]`` copies an account's
  SQLite file into a PostgreSQL store (see :mod:`tuicoach.store.copy`), checks
  the counts per table, and leaves the file as it was. Run twice, it copies
  nothing the second time.
- ``tuicoach store password [URL]`` keeps the store's password in the system
  keyring (read from the terminal, never from the command line), for when
  ``~/.pgpass`` or ``$PGPASSWORD`` will not do.
- ``tuicoach store check [URL]`` opens the store (PostgreSQL: upgrades it if
  it is older) and says its engine, version and what it holds.

Exit status 3 when the store (or the keyring) cannot be used: the message
names the URL without its password, and what to do.
"""

from __future__ import annotations

import argparse
import sys

from tuicoach.cli import EXIT_OK, EXIT_SERVICE, UsageError
from tuicoach.cli._account import add_account_argument, config, fail


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="store_action", metavar="ACTION", required=True)
    migrate = actions.add_parser(
        "migrate",
        help="copy an account's SQLite store into PostgreSQL (the file is left as it is)",
        description="Copy an account's SQLite store into a PostgreSQL database, check the "
        "counts per table, and leave the SQLite file untouched. Running it again copies "
        "nothing new.",
    )
    migrate.add_argument(
        "--to",
        metavar="URL",
        help="the PostgreSQL store, e.g. postgresql://jen@db.example.com/tuicoach "
        "(default: --store, $TUICOACH_STORE_URL or [store] url)",
    )
    add_account_argument(migrate)
    migrate.add_argument(
        "--store", metavar="URL", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    password = actions.add_parser(
        "password",
        help="keep the PostgreSQL store's password in the system keyring",
        description="Read the password from the terminal (or stdin) and keep it in the system "
        "keyring for the store's URL. Never give it on the command line.",
    )
    password.add_argument(
        "url", nargs="?", metavar="URL", help="the store (default: as for the app)"
    )
    password.add_argument("--forget", action="store_true", help="remove it from the keyring")
    check = actions.add_parser("check", help="open the store and say what it holds")
    check.add_argument("url", nargs="?", metavar="URL", help="the store (default: as for the app)")
    add_account_argument(check)
    for sub in (migrate, password, check):
        sub.add_argument(
            "--config", metavar="PATH", default=argparse.SUPPRESS, help=argparse.SUPPRESS
        )
        sub.add_argument(
            "--data-dir", metavar="PATH", default=argparse.SUPPRESS, help=argparse.SUPPRESS
        )


def run(args: argparse.Namespace) -> int:
    if args.store_action == "migrate":
        return _migrate(args)
    if args.store_action == "password":
        return _password(args)
    return _check(args)


def _url(args: argparse.Namespace, given: str | None) -> str:
    from tuicoach.config import store_url
    from tuicoach.store.engine import is_pg_url

    url = store_url(config(args), given or getattr(args, "store", None))
    if url is None:
        raise UsageError(
            "no PostgreSQL store named: give its URL (--to URL, or URL), set "
            "$TUICOACH_STORE_URL, or put url under [store] in the config"
        )
    if not is_pg_url(url):
        raise UsageError(
            f"{url.split('://', 1)[0]!r} is not a PostgreSQL URL: expected one like "
            "postgresql://jen@db.example.com/tuicoach"
        )
    return url


def _sqlite_file(args: argparse.Namespace) -> object:
    from tuicoach import paths

    data = paths.data_dir(getattr(args, "data_dir", None))
    if args.account:
        path = paths.account_db(data, args.account.lstrip("@"))
        if not path.exists():
            raise UsageError(f"no store for @{args.account.lstrip('@')}: {path} does not exist")
        return path
    found = sorted((data / "accounts").glob("*.sqlite3"))
    if not found:
        raise UsageError(f"no account's store in {data / 'accounts'}: sign in and sync first")
    if len(found) > 1:
        names = ", ".join(p.stem for p in found)
        raise UsageError(f"{len(found)} accounts in {data} ({names}): choose one with --account")
    return found[0]


def _migrate(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tuicoach.config import store_password
    from tuicoach.store import StoreError
    from tuicoach.store.copy import CopyMismatch, copy_to_pg
    from tuicoach.store.engine import redact

    url = _url(args, args.to)
    source = Path(str(_sqlite_file(args)))
    try:
        result = copy_to_pg(source, url, password=store_password(url))
    except CopyMismatch as exc:
        return fail(exc)
    except StoreError as exc:
        return fail(exc)
    print(f"{source} -> {redact(url)}")
    width = max(len(t.table) for t in result.tables)
    for t in result.tables:
        print(
            f"  {t.table:<{width}}  {t.source:>7} in SQLite, {t.target:>7} in PostgreSQL "
            f"({t.copied} copied, {t.source - t.copied} there already)"
        )
    copied = sum(t.copied for t in result.tables)
    print(
        f"copied {copied} rows; every row of the file is in PostgreSQL, and the file is as it was."
        if copied
        else "nothing to copy: PostgreSQL already holds every row of the file."
    )
    print(f"To use it: set url = {redact(url)!r} under [store] in the config (or --store).")
    return EXIT_OK


def _password(args: argparse.Namespace) -> int:
    import getpass

    from tuicoach.config import STORE_KEYRING_SERVICE
    from tuicoach.store.engine import redact, url_password

    url = _url(args, args.url)
    if url_password(url) is not None:
        raise UsageError(
            "the URL holds a password; give it without one (the password is asked for next)"
        )
    shown = redact(url)
    try:
        import keyring
        from keyring.errors import KeyringError, PasswordDeleteError
    except ImportError:  # pragma: no cover - a dependency
        return fail("no keyring module: use ~/.pgpass or $PGPASSWORD instead")
    try:
        if args.forget:
            try:
                keyring.delete_password(STORE_KEYRING_SERVICE, shown)
            except PasswordDeleteError:
                print(f"the keyring held no password for {shown}")
                return EXIT_OK
            print(f"forgot the password for {shown}")
            return EXIT_OK
        if sys.stdin.isatty():
            secret = getpass.getpass(f"password for {shown}: ")
        else:
            secret = sys.stdin.readline().rstrip("\n")
        if not secret:
            raise UsageError("no password given: nothing was saved")
        keyring.set_password(STORE_KEYRING_SERVICE, shown, secret)
    except KeyringError as exc:
        print(
            f"tuicoach: the keyring refused ({exc}); use ~/.pgpass or $PGPASSWORD instead",
            file=sys.stderr,
        )
        return EXIT_SERVICE
    print(f"saved the password for {shown} in the keyring")
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from tuicoach.config import store_password
    from tuicoach.store import SCHEMA_VERSION, Store, StoreError

    url = _url(args, args.url)
    try:
        with Store.connect(url, password=store_password(url)) as store:
            account = store.account()
            count = store.timeline_count()
            who = f"@{account.username}" if account is not None else "no account yet"
            print(
                f"{store.where}: PostgreSQL, schema version {SCHEMA_VERSION}; {who}; "
                f"{count} tweets in the timeline"
            )
    except StoreError as exc:
        return fail(exc)
    return EXIT_OK
