"""Signing in: the PIN flow against the fake API, the keyring, several accounts, the environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import keyring.backend
import keyring.backends.fail
import keyring.errors
import pytest
from conftest import REPO
from fake_x_api import FakeX, MemoryKeyring, World
from x_helpers import Answers, browser_approves, env_of

from tuicoach import cli
from tuicoach.backends.base import AuthError
from tuicoach.backends.x import credentials
from tuicoach.backends.x.accounts import AccountIndex, SignInError, resolve
from tuicoach.backends.x.auth import PinLogin
from tuicoach.backends.x.credentials import Credentials, KeyringUnavailable


@pytest.fixture
def x_env(fake: FakeX, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point every request at the fake, and clear any real credentials from the environment."""
    monkeypatch.setenv("TUICOACH_X_API_BASE", fake.url)
    for name in credentials.ENV_VARS:
        monkeypatch.delenv(name, raising=False)


def login(
    monkeypatch: pytest.MonkeyPatch,
    data: Path,
    *answers: str | Callable[[], str],
    account: str = "",
) -> int:
    monkeypatch.setattr(sys, "stdin", Answers(*answers))
    argv = ["login", "--data-dir", str(data)] + (["--account", account] if account else [])
    return cli.main(argv)


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


# -- the PIN flow ----------------------------------------------------------------------


@pytest.mark.usefixtures("x_env")
def test_login_runs_the_pin_flow_and_keeps_tokens_only_in_the_keyring(
    world: World,
    vault: MemoryKeyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = login(
        monkeypatch,
        tmp_path,
        world.app_key,
        world.app_secret,
        browser_approves(world.fake, "acme_bakery"),
    )
    out, err = capsys.readouterr()
    assert status == 0, err
    assert f"{world.fake.url}/oauth/authorize?oauth_token=" in out
    assert "Signed in as @acme_bakery" in out

    saved = credentials.load("acme_bakery")
    assert saved is not None
    assert saved.consumer_key == world.app_key
    assert saved.user_id == world.me["id"]
    assert saved.access_token in world.fake.tokens  # a token X really issued

    index = AccountIndex.load(tmp_path)
    assert [(a.username, a.user_id) for a in index.accounts] == [("acme_bakery", world.me["id"])]
    assert index.default == "acme_bakery"
    for secret in (*saved.secrets(), world.app_secret):
        assert secret not in out + err
        for path in files_under(tmp_path):
            assert secret.encode() not in path.read_bytes(), path
    routes = [s.route for s in world.fake.requests()]
    assert routes == ["request_token", "authorize", "access_token", "me"]


@pytest.mark.usefixtures("x_env")
def test_app_keys_can_come_from_the_environment(
    world: World, vault: MemoryKeyring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TUICOACH_X_CONSUMER_KEY", world.app_key)
    monkeypatch.setenv("TUICOACH_X_CONSUMER_SECRET", world.app_secret)
    answers = Answers(browser_approves(world.fake, "acme_bakery"))
    monkeypatch.setattr(sys, "stdin", answers)
    assert cli.main(["login", "--data-dir", str(tmp_path)]) == 0
    assert answers.asked == 1  # only the PIN was asked for
    assert credentials.load("ACME_BAKERY") is not None  # usernames are case-insensitive


@pytest.mark.usefixtures("x_env")
def test_several_accounts_and_logout(
    fake: FakeX,
    vault: MemoryKeyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bakery = fake.add_user("acme_bakery")
    cafe = fake.add_user("acme_cafe")
    key, secret = fake.add_app()
    assert login(monkeypatch, tmp_path, key, secret, browser_approves(fake, "acme_bakery")) == 0
    assert login(monkeypatch, tmp_path, key, secret, browser_approves(fake, "acme_cafe")) == 0

    signed_in = resolve(None, tmp_path)
    assert signed_in is not None and signed_in.username == "acme_cafe"  # the last one
    chosen = resolve("@Acme_Bakery", tmp_path)
    assert chosen is not None and chosen.user_id == bakery["id"]
    assert chosen.credentials.user_id == bakery["id"]

    capsys.readouterr()
    assert cli.main(["logout", "--account", "acme_bakery", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Signed out @acme_bakery" in out
    assert "acme_bakery.sqlite3" in out  # says where the stored tweets stay
    assert credentials.load("acme_bakery") is None
    with pytest.raises(SignInError, match="tuicoach login --account acme_bakery"):
        resolve("acme_bakery", tmp_path)
    remaining = resolve(None, tmp_path)
    assert remaining is not None and remaining.user_id == cafe["id"]

    assert cli.main(["logout", "--data-dir", str(tmp_path)]) == 0  # the default: acme_cafe
    assert resolve(None, tmp_path) is None
    assert vault.items == {}


@pytest.mark.usefixtures("x_env")
def test_login_as_the_wrong_account_saves_nothing(
    fake: FakeX,
    vault: MemoryKeyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake.add_user("acme_bakery")
    fake.add_user("someone_else")
    key, secret = fake.add_app()
    status = login(
        monkeypatch,
        tmp_path,
        key,
        secret,
        browser_approves(fake, "someone_else"),
        account="acme_bakery",
    )
    assert status == 3
    assert "approved the app as @someone_else, not @acme_bakery" in capsys.readouterr().err
    assert vault.items == {}


@pytest.mark.usefixtures("x_env")
def test_a_wrong_pin_is_named(
    world: World, vault: MemoryKeyring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flow = PinLogin(world.app_key, world.app_secret, api_base=world.fake.url, timeout=2)
    flow.authorization_url()
    with pytest.raises(AuthError, match="did not accept the PIN"):
        flow.finish("1234567")  # nobody approved anything
    with pytest.raises(AuthError, match="is not a PIN"):
        flow.finish("open sesame")


def test_wrong_app_keys_are_named(world: World) -> None:
    flow = PinLogin(world.app_key, "wrong secret", api_base=world.fake.url, timeout=2)
    with pytest.raises(AuthError, match="rejected the app's API key and secret"):
        flow.authorization_url()


@pytest.mark.usefixtures("x_env")
def test_cancelled_login_saves_nothing(
    world: World, vault: MemoryKeyring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert login(monkeypatch, tmp_path, world.app_key) == 2  # stdin ends before the secret
    assert vault.items == {}
    assert not (tmp_path / "accounts.json").exists()


# -- no keyring ----------------------------------------------------------------------------


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


@pytest.mark.usefixtures("x_env", "no_keyring")
def test_no_keyring_says_so_and_names_the_ways_out(
    world: World,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    answers = Answers(world.app_key, world.app_secret, "1234567")
    monkeypatch.setattr(sys, "stdin", answers)
    assert cli.main(["login", "--data-dir", str(tmp_path)]) == 3
    err = capsys.readouterr().err
    assert "No system keyring is available" in err
    assert "keyrings.alt" in err and "SecretService" in err
    assert all(name in err for name in credentials.ENV_VARS)
    assert answers.asked == 0  # said before asking for anything
    assert world.fake.requests() == []


@pytest.mark.usefixtures("no_keyring")
def test_every_keyring_call_maps_no_keyring(tmp_path: Path) -> None:
    creds = Credentials("k", "s", "1-t", "ts")
    for call in (
        lambda: credentials.save("a", creds),
        lambda: credentials.load("a"),
        lambda: credentials.delete("a"),
    ):
        with pytest.raises(KeyringUnavailable, match="environment"):
            call()
    index = AccountIndex(tmp_path / "accounts.json", [])
    from tuicoach.backends.x.accounts import AccountRecord

    index.add(AccountRecord("a", "1"))
    index.save()
    with pytest.raises(KeyringUnavailable):
        resolve(None, tmp_path)


class LockedKeyring(keyring.backend.KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("the login keyring is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("the login keyring is locked")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.KeyringLocked("the login keyring is locked")


def test_a_locked_keyring_says_to_unlock_it() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(LockedKeyring())
    try:
        for call in (
            credentials.check_keyring,
            lambda: credentials.save("a", Credentials("k", "s", "1-t", "ts")),
            lambda: credentials.load("a"),
            lambda: credentials.delete("a"),
        ):
            with pytest.raises(KeyringUnavailable, match=r"refused \(KeyringLocked: .*Unlock it"):
                call()
    finally:
        keyring.set_keyring(previous)


# -- the environment ----------------------------------------------------------------------


@pytest.mark.usefixtures("no_keyring")
def test_environment_credentials_need_no_keyring(world: World, tmp_path: Path) -> None:
    signed_in = resolve(None, tmp_path, env=env_of(world))
    assert signed_in is not None
    assert signed_in.source == "env"
    assert signed_in.user_id == world.me["id"]
    assert signed_in.credentials.secrets() == world.secrets
    assert "secrets hidden" in repr(signed_in.credentials)
    assert all(s not in repr(signed_in) + repr(signed_in.credentials) for s in world.secrets)


@pytest.mark.parametrize(
    ("set_names", "missing"),
    [
        (["TUICOACH_X_ACCESS_TOKEN"], "TUICOACH_X_CONSUMER_KEY"),
        (
            ["TUICOACH_X_CONSUMER_KEY", "TUICOACH_X_CONSUMER_SECRET", "TUICOACH_X_ACCESS_TOKEN"],
            "TUICOACH_X_ACCESS_TOKEN_SECRET",
        ),
    ],
)
def test_half_set_environment_names_what_is_missing(
    set_names: list[str], missing: str, tmp_path: Path
) -> None:
    env = dict.fromkeys(set_names, "x-1")
    with pytest.raises(SignInError, match=missing):
        resolve(None, tmp_path, env=env)


def test_app_keys_alone_in_the_environment_are_not_an_account(tmp_path: Path) -> None:
    env = {"TUICOACH_X_CONSUMER_KEY": "k", "TUICOACH_X_CONSUMER_SECRET": "s"}
    assert resolve(None, tmp_path, env=env) is None


def test_environment_and_a_different_account_conflict(world: World, tmp_path: Path) -> None:
    from tuicoach.backends.x.accounts import AccountRecord

    index = AccountIndex.load(tmp_path)
    index.add(AccountRecord("acme_bakery", world.me["id"]))
    index.save()
    with pytest.raises(SignInError, match="--account asks for @acme_cafe"):
        resolve("acme_cafe", tmp_path, env=env_of(world))
    same = resolve("ACME_BAKERY", tmp_path, env=env_of(world))
    assert same is not None and same.username == "acme_bakery"


def test_a_broken_account_index_is_named(tmp_path: Path) -> None:
    (tmp_path / "accounts.json").write_text("{not json")
    with pytest.raises(SignInError, match=r"accounts\.json"):
        resolve(None, tmp_path)


# -- a real terminal session ---------------------------------------------------------------


def test_login_in_a_subprocess(world: World, tmp_path: Path) -> None:
    """`python -m tuicoach login` as a person runs it: URL out, PIN in."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TUICOACH_")},
        "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "tests")]),
        "PYTHON_KEYRING_BACKEND": "fake_x_api.MemoryKeyring",
        "TUICOACH_X_API_BASE": world.fake.url,
        "TUICOACH_X_CONSUMER_KEY": world.app_key,
        "TUICOACH_X_CONSUMER_SECRET": world.app_secret,
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "tuicoach", "login", "--data-dir", str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None and proc.stdin is not None
    url = ""
    lines = []
    while not url:
        line = proc.stdout.readline()
        assert line, f"no URL printed: {lines} {proc.stderr.read() if proc.stderr else ''}"
        lines.append(line)
        if "/oauth/authorize?" in line:
            url = line.strip()
    world.fake.authorizing_user = "acme_bakery"
    out, err = proc.communicate(world.fake.approve(url) + "\n", timeout=30)
    assert proc.returncode == 0, err
    assert "Signed in as @acme_bakery" in out
    index = json.loads((tmp_path / "accounts.json").read_text())
    assert index["default"] == "acme_bakery"
    for secret in world.secrets:
        assert secret not in "".join(lines) + out + err
