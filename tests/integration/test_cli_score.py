"""``tuicoach score``, run for real as ``python -m tuicoach`` in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from conftest import run_tuicoach

SALE = "Please RT!! Our spring sale is ON, 20% off everything, shop now https://shop.example.com"
NOW = "2026-03-10T12:00:00Z"
FINDING_KEYS = {"rule", "severity", "start", "end", "message", "suggestion"}


def tuicoach(
    *args: str, stdin: str | None = None, tmp_path: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the CLI with a config file that does not exist, unless ``env`` says otherwise."""
    defaults = {"TUICOACH_CONFIG": str(tmp_path / "no-config.toml"), "NO_COLOR": "1"}
    return run_tuicoach(*args, env={**os.environ, **defaults, **(env or {})}, stdin=stdin)


def history_file(tmp_path: Path, lines: list[object]) -> Path:
    path = tmp_path / "history.jsonl"
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n",
        encoding="utf-8",
    )
    return path


def test_readable_report(tmp_path: Path) -> None:
    run = tuicoach("score", SALE, tmp_path=tmp_path)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert out.splitlines()[0] == "Score 60/100, weighted length 87/280, promotional"
    assert 'warning  ask-to-promote at 0-9: "Please RT"' in out
    assert 'tip      hard-sell at 35-42: "20% off"' in out
    assert "Try: " in out
    assert "\x1b[" not in out  # no colour in a pipe


def test_json_report_has_exactly_the_listed_keys(tmp_path: Path) -> None:
    run = tuicoach("score", "--json", SALE, tmp_path=tmp_path)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert set(data) == {"score", "weighted_length", "valid", "promotional", "findings"}
    assert (data["score"], data["weighted_length"], data["valid"], data["promotional"]) == (
        60,
        87,
        True,
        True,
    )
    assert {tuple(sorted(f)) for f in data["findings"]} == {tuple(sorted(FINDING_KEYS))}
    assert [f["rule"] for f in data["findings"]] == [
        "ask-to-promote",
        "spam-signals",
        "hard-sell",
        "hard-sell",
    ]
    assert SALE[data["findings"][0]["start"] : data["findings"][0]["end"]] == "Please RT"


def test_an_error_finding_exits_1(tmp_path: Path) -> None:
    run = tuicoach("score", "--json", "x" * 300, tmp_path=tmp_path)
    assert run.returncode == 1
    data = json.loads(run.stdout)
    assert (data["valid"], data["findings"][0]["rule"], data["score"]) == (False, "too-long", 40)


def test_jsonl_scores_each_line_in_order_and_reports_bad_lines_in_place(tmp_path: Path) -> None:
    lines = "\n".join(
        [
            json.dumps({"id": 7, "text": SALE}),
            "{not json",
            json.dumps({"id": "b"}),
            "",
            json.dumps({"id": "c", "text": "What's your favourite roast?"}),
            json.dumps(["a list"]),
        ]
    )
    run = tuicoach("score", "--jsonl", stdin=lines + "\n", tmp_path=tmp_path)
    assert run.returncode == 2
    out = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(out) == 5
    assert out[0]["id"] == 7 and out[0]["score"] == 60
    assert out[1]["line"] == 2 and "not valid JSON" in out[1]["error"]
    assert out[2] == {"line": 3, "error": out[2]["error"]} and '"text"' in out[2]["error"]
    assert out[3]["id"] == "c" and out[3]["findings"][0]["rule"] == "invites-conversation"
    assert out[4]["line"] == 6
    assert set(out[0]) == {"id", "score", "weighted_length", "valid", "promotional", "findings"}


def test_jsonl_from_a_file_and_its_exit_status(tmp_path: Path) -> None:
    drafts = tmp_path / "drafts.jsonl"
    drafts.write_text(
        json.dumps({"id": 1, "text": "Hello there"}) + "\n" + json.dumps({"id": 2, "text": ""}),
        encoding="utf-8",
    )
    run = tuicoach("score", "--jsonl", "--input", str(drafts), tmp_path=tmp_path)
    assert run.returncode == 1  # the empty draft is an error finding
    assert [json.loads(line)["id"] for line in run.stdout.splitlines()] == [1, 2]
    clean = tmp_path / "clean.jsonl"
    clean.write_text(json.dumps({"id": 1, "text": "Hello there"}) + "\n", encoding="utf-8")
    assert tuicoach("score", "--jsonl", "--input", str(clean), tmp_path=tmp_path).returncode == 0


def test_history_enables_the_account_rules(tmp_path: Path) -> None:
    earlier = "Fresh sourdough loaves are out of the oven, come grab one while they're warm"
    history = history_file(
        tmp_path,
        [
            {"id": "111", "text": earlier, "created_at": "2026-03-08T09:00:00.000Z"},
            {"id": "112", "text": "Good morning!", "created_at": "2026-03-09T09:00:00Z"},
        ],
    )
    run = tuicoach(
        "score", "--json", "--history", str(history), "--now", NOW, earlier, tmp_path=tmp_path
    )
    assert run.returncode == 0, run.stderr
    (finding,) = [f for f in json.loads(run.stdout)["findings"] if f["rule"] == "near-duplicate"]
    assert finding["related"] == {
        "id": "111",
        "text": earlier,
        "created_at": "2026-03-08T09:00:00Z",
    }
    assert set(finding) == FINDING_KEYS | {"related"}
    readable = tuicoach(
        "score", "--history", str(history), "--now", NOW, earlier, tmp_path=tmp_path
    )
    assert "Earlier tweet 111 (2026-03-08T09:00:00Z)" in readable.stdout
    # Without --now the clock is the real one: that history is then long gone, but it runs.
    assert tuicoach("score", "--history", str(history), earlier, tmp_path=tmp_path).returncode == 0


def test_quiet_account_on_a_fixed_clock(tmp_path: Path) -> None:
    history = history_file(
        tmp_path, [{"id": "1", "text": "Hello", "created_at": "2026-03-01T09:00:00Z"}]
    )
    run = tuicoach(
        "score", "--json", "--history", str(history), "--now", NOW, "Back again", tmp_path=tmp_path
    )
    assert [f["rule"] for f in json.loads(run.stdout)["findings"]] == ["quiet-account"]


def test_a_bad_history_line_is_named(tmp_path: Path) -> None:
    history = history_file(
        tmp_path,
        [
            {"id": "1", "text": "ok", "created_at": "2026-03-01T09:00:00Z"},
            {"id": "2", "text": "no time"},
        ],
    )
    run = tuicoach("score", "--history", str(history), "Hi", tmp_path=tmp_path)
    assert run.returncode == 2
    assert f"--history: {history}: line 2: field 'created_at'" in run.stderr
    assert run.stdout == ""
    broken = history_file(
        tmp_path, ['{"id": "1", "text": "ok", "created_at": "2026-03-01T09:00:00Z"}', "{"]
    )
    run = tuicoach("score", "--history", str(broken), "Hi", tmp_path=tmp_path)
    assert run.returncode == 2 and "line 2: not valid JSON" in run.stderr


def test_bad_usage_exits_2_with_a_clear_message(tmp_path: Path) -> None:
    cases = [
        (("score",), "nothing to score"),
        (("score", "--now", "yesterday", "Hi"), "--now: 'yesterday' is not an ISO 8601 time"),
        (
            ("score", "--history", str(tmp_path / "missing.jsonl"), "Hi"),
            "missing.jsonl: no such file",
        ),
        (("score", "--history", str(tmp_path), "Hi"), "cannot read it"),
        (("score", "--jsonl", "--input", str(tmp_path / "gone.jsonl")), "gone.jsonl: no such file"),
        (("score", "--input", "x.jsonl", "Hi"), "--input goes with --jsonl"),
        (("score", "--jsonl", "Hi"), "not both"),
    ]
    for args, message in cases:
        run = tuicoach(*args, stdin="", tmp_path=tmp_path)
        assert run.returncode == 2, (args, run.stderr)
        assert message in run.stderr, (args, run.stderr)
    both = tuicoach("score", "--json", "--jsonl", tmp_path=tmp_path)
    assert both.returncode == 2 and "not allowed with" in both.stderr


def test_a_bad_config_exits_2_naming_the_file_and_key(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[rules.spam-signals]\nseverity = "loud"\n', encoding="utf-8")
    run = tuicoach("score", "Hi", tmp_path=tmp_path, env={"TUICOACH_CONFIG": str(config)})
    assert run.returncode == 2
    assert (
        f'{config}: rules.spam-signals.severity: "loud" is not one of error, warning, tip, good'
        in run.stderr
    )
    flag = tuicoach("--config", str(config), "score", "Hi", tmp_path=tmp_path)
    assert flag.returncode == 2 and "rules.spam-signals.severity" in flag.stderr


def test_the_config_changes_the_score(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        "[rules.ask-to-promote]\nenabled = false\n[rules.spam-signals]\nweight = 1\n",
        encoding="utf-8",
    )
    run = tuicoach("score", "--json", "--config", str(config), SALE, tmp_path=tmp_path)
    data = json.loads(run.stdout)
    assert "ask-to-promote" not in {f["rule"] for f in data["findings"]}
    assert data["score"] == 100 - 1 - 5
