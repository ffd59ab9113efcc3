"""Compose's sign key (``alt+i``, binding ``sign``): the ``[team] signature`` is appended to
the draft once, as the user's own edit (it counts toward the length, the coach reads the
signed text, the saved draft has it), with a hint in the pane's subtitle while a signature
is set; without one, the key says how to set it. Never appended by itself.

The signature comes from the config through launch's own ``[team]`` wiring.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from ui_helpers import NOW, RecordingApp, coach_caught_up, settle, type_text

from tuicoach.config import load
from tuicoach.domain.twittertext import parse_tweet
from tuicoach.ui.keys import key_help
from tuicoach.ui.launch import _with_sections, demo_connect, fixed_clock
from tuicoach.ui.widgets.compose import LengthCounter


def signed_app(tmp_path: Path, config_text: str) -> RecordingApp:
    """The demo app, opened through launch's ``[team]`` wiring under ``config_text``."""
    path = tmp_path / "config.toml"
    path.write_text(config_text, encoding="utf-8")
    config = load(path)
    clock = fixed_clock(NOW)
    connect = _with_sections(demo_connect(tmp_path / "data", clock), config)
    return RecordingApp(
        clock=clock, sync=False, connect=connect, theme="espresso", keymap=config.keymap
    )


def counter(app: RecordingApp) -> str:
    return str(app.main.composer.query_one(LengthCounter).render())


async def saved(pilot: Pilot[None]) -> None:
    app = pilot.app
    assert isinstance(app, RecordingApp)
    for _ in range(100):
        await settle(pilot)
        if app.main.composer.draft_saved:
            return
        await pilot.pause(0.05)
    raise AssertionError("the draft was not saved")


async def test_the_sign_key_appends_the_signature_once(tmp_path: Path) -> None:
    app = signed_app(tmp_path, '[team]\nname = "Jen"\nsignature = "^JD"\n')
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        composer = app.main.composer
        assert composer.border_subtitle == "alt+i signs ^JD"
        await pilot.press("n")
        await type_text(pilot, "Fresh rye at 8 ")
        await coach_caught_up(pilot)
        assert app.main.coach.report is not None
        assert app.main.coach.report.text == "Fresh rye at 8 "  # nothing signed by itself

        await pilot.press("alt+i")
        await coach_caught_up(pilot)
        assert composer.text == "Fresh rye at 8 ^JD"  # one space, not two
        assert app.main.coach.report.text == "Fresh rye at 8 ^JD"  # the coach scores it signed
        assert counter(app) == f"{parse_tweet('Fresh rye at 8 ^JD').weighted_length}/280"

        await pilot.press("alt+i")  # once, not twice
        await settle(pilot)
        assert composer.text == "Fresh rye at 8 ^JD"
        assert app.notices[-1] == "Already signed ^JD."

        await saved(pilot)  # an edit like any other: the saved draft is signed
        assert app.account is not None
        assert [d.text for d in app.account.store.drafts()] == ["Fresh rye at 8 ^JD"]

        await pilot.press("ctrl+z")  # and undo takes it back
        await settle(pilot)
        assert composer.text == "Fresh rye at 8 "

    # `?` lists it under Compose, with its keys.
    rows = {row.id: row for row in key_help({})}
    assert (rows["sign"].where, rows["sign"].keys) == ("Compose", "alt+i")


async def test_the_signature_counts_toward_the_length_limit(tmp_path: Path) -> None:
    app = signed_app(tmp_path, '[team]\nsignature = "^JD"\n')
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        composer = app.main.composer
        await composer.attach_editor()
        composer.draft_area.load_text("a" * 278)  # 278 fits; signed it is 282
        await settle(pilot)
        await pilot.press("alt+i")
        await settle(pilot)
        assert composer.text == "a" * 278 + " ^JD"
        assert counter(app) == "282/280"
        assert composer.query_one(LengthCounter).has_class("-over")


async def test_a_remapped_sign_key_is_the_one_the_hint_names(tmp_path: Path) -> None:
    app = signed_app(tmp_path, '[team]\nsignature = "~Sam"\n\n[keymap]\nsign = "f6"\n')
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        composer = app.main.composer
        assert composer.border_subtitle == "f6 signs ~Sam"
        await pilot.press("n")
        await type_text(pilot, "Back at 2")
        await pilot.press("f6")
        await settle(pilot)
        assert composer.text == "Back at 2 ~Sam"


async def test_without_a_signature_the_key_says_how_to_set_one(tmp_path: Path) -> None:
    app = signed_app(tmp_path, '[team]\nname = "Jen"\n')
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        composer = app.main.composer
        assert composer.border_subtitle == ""  # no hint without a signature
        await pilot.press("n")
        await type_text(pilot, "Back at 2")
        await pilot.press("alt+i")
        await settle(pilot)
        assert composer.text == "Back at 2"
        said = app.notices[-1]
        assert "signature" in said and "[team]" in said and "tuicoach config" in said


async def test_an_empty_draft_is_not_signed(tmp_path: Path) -> None:
    app = signed_app(tmp_path, '[team]\nsignature = "^JD"\n')
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.press("alt+i")
        await settle(pilot)
        assert app.main.composer.text == ""
        assert app.notices[-1] == "Nothing to sign yet: write the post, then alt+i."
