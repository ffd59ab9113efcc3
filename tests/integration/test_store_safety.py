"""The store never re-creates an existing file, keeps its files private, and names a full disk.

The full disk is real: a small tmpfs mounted for the test (root only; elsewhere
these skip, and ``test_store_errors`` covers SQLite's ``max_page_count``).
"""

from __future__ import annotations

import os
import stat
import subprocess
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tuicoach.domain.models import Tweet
from tuicoach.store import DiskFull, Store, StoreError

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def tweets(prefix: str, count: int, size: int = 400) -> list[Tweet]:
    return [
        Tweet(f"{prefix}{i}", "x" * size, NOW - timedelta(minutes=i), "7") for i in range(count)
    ]


def small_disk(folder: Path, size: str) -> Iterator[Path]:
    folder.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {done.stderr!r}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    """A real 512 kB file system."""
    yield from small_disk(tmp_path / f"disk-{uuid.uuid4().hex[:6]}", "512k")


def fill(folder: Path) -> None:
    """Take every free byte of ``folder``'s file system."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)


def test_a_zero_byte_store_is_an_error_naming_it_and_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "acme.sqlite3"
    with Store.open(path) as store:
        store.save_draft("keep me", now=NOW)
    path.write_bytes(b"")  # cut to 0 bytes
    with pytest.raises(StoreError) as caught:
        Store.open(path)
    assert str(path) in str(caught.value) and "empty (0 bytes)" in str(caught.value)
    assert "restore it from a backup" in str(caught.value)
    assert path.stat().st_size == 0  # not re-created over the user's data


def test_damaged_later_pages_are_found_on_open(tmp_path: Path) -> None:
    path = tmp_path / "acme.sqlite3"
    with Store.open(path) as store:
        store.upsert_tweets(tweets("t", 400), stream="home")
    size = path.stat().st_size
    assert size > 16 * 4096
    with path.open("r+b") as raw:  # the header stays good; pages deep inside do not
        raw.seek(size // 2)
        raw.write(os.urandom(3 * 4096))
    with pytest.raises(StoreError) as caught:
        Store.open(path)
    message = str(caught.value)
    assert str(path) in message and ("damaged" in message)
    assert "Traceback" not in message


def test_files_and_folders_are_private(tmp_path: Path) -> None:
    os.umask(0o022)
    path = tmp_path / "new" / "data" / "acme.sqlite3"
    with Store.open(path) as store:
        store.save_draft("private", now=NOW)  # the -wal and -shm exist while open
        for name in ("acme.sqlite3", "acme.sqlite3-wal", "acme.sqlite3-shm"):
            mode = stat.S_IMODE((path.parent / name).stat().st_mode)
            assert mode == 0o600, (name, oct(mode))
    for folder in (tmp_path / "new", tmp_path / "new" / "data"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert sorted(p.name for p in path.parent.iterdir()) == ["acme.sqlite3"]  # no temp left


def test_a_full_disk_on_first_use_is_named(disk: Path) -> None:
    fill(disk)
    with pytest.raises(DiskFull) as caught:
        Store.open(disk / "data" / "acme.sqlite3")
    assert "disk is full" in str(caught.value) and "nothing was lost" in str(caught.value)


def test_a_disk_filling_during_writes_loses_nothing_saved(disk: Path) -> None:
    path = disk / "acme.sqlite3"
    with Store.open(path) as store:
        store.save_draft("the draft that must survive", now=NOW)
        fill(disk)
        with pytest.raises(DiskFull) as caught:
            for n in range(200):
                store.upsert_tweets(tweets(f"b{n}-", 50), stream="home")
        message = str(caught.value)
        assert message.startswith(f"disk is full: {path}; nothing was lost")
        (disk / "filler").unlink()
        assert [d.text for d in store.drafts()] == ["the draft that must survive"]
    with Store.open(path) as again:
        assert [d.text for d in again.drafts()] == ["the draft that must survive"]


def test_an_unwritable_data_folder_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    with pytest.raises(StoreError) as caught:
        Store.open(blocker / "acme.sqlite3")
    assert str(blocker) in str(caught.value)


def test_a_read_only_data_folder_on_first_use_is_named(tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    yield_ = small_disk(ro, "64k")
    next(yield_)
    try:
        subprocess.run(["mount", "-o", "remount,ro", str(ro)], check=True)
        with pytest.raises(StoreError) as caught:
            Store.open(ro / "acme.sqlite3")
        assert str(ro / "acme.sqlite3") in str(caught.value)
        assert "cannot create" in str(caught.value)
    finally:
        next(yield_, None)


def test_a_new_store_on_a_disk_too_small_for_its_schema_says_the_disk_is_full(
    tmp_path: Path,
) -> None:
    """A fresh store needs about 450k while its schema is made; on 400k SQLite's failure
    came back as "malformed", and the message blamed a damaged file that was never there."""
    mounted = small_disk(tmp_path / "tiny", "400k")
    folder = next(mounted)
    try:
        with pytest.raises(DiskFull, match=r"disk is full.*nothing was lost"):
            Store.open(folder / "acme.sqlite3")
    finally:
        next(mounted, None)
