"""Start-up: from the command to the four panes on screen, against a bare Textual app.

    PYTHONPATH=. python benchmarks/startup.py [--runs 9] [--json]

Each run starts a fresh interpreter in a pseudo-terminal of 160x45 and times
it to exit. The bare app is the smallest Textual app that paints one frame and
exits; tuicoach runs `python -m tuicoach --demo --exit-when ready` (it exits on
its first frame, the four panes drawn) and, for information, `--exit-when
loaded` (exits once the demo's timeline, mentions and coach are filled in).
The demo database is created once before timing, as it is after a first run.
Prints the medians and the ratio tuicoach/bare (target: at most 1.5).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

BARE = """
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("Hello")

    def on_ready(self):
        self.exit()

Bare().run()
"""


def timed_run(argv: list[str], env: dict[str, str]) -> float:
    """Seconds from spawn to exit, in a 160x45 pseudo-terminal."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 45, 160, 0, 0))

    def drain() -> None:
        while True:
            try:
                if not os.read(master, 65536):
                    return
            except OSError:
                return

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    started = time.perf_counter()
    process = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    try:
        code = process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        # It runs in a session of its own: take the whole group down, or it lingers.
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise SystemExit(f"{argv} did not finish within 60 s") from None
    finally:
        os.close(slave)
    elapsed = time.perf_counter() - started
    os.close(master)
    reader.join(timeout=1)
    if code != 0:
        raise SystemExit(f"{argv} exited with {code}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "TERM": "xterm-256color",
            "TUICOACH_CONFIG": str(Path(tmp) / "config.toml"),
        }
        app = [sys.executable, "-m", "tuicoach", "--demo", "--data-dir", tmp]
        timed_run([*app, "--exit-when", "loaded"], env)  # creates the demo database
        commands = {
            "bare": [sys.executable, "-c", BARE],
            "ready": [*app, "--exit-when", "ready"],
            "loaded": [*app, "--exit-when", "loaded"],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):  # interleaved, so machine load hits all alike
            for name, argv in commands.items():
                times[name].append(timed_run(argv, env))
    medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
    result = {
        "runs": args.runs,
        "bare_ms": round(medians["bare"], 1),
        "tuicoach_ready_ms": round(medians["ready"], 1),
        "tuicoach_loaded_ms": round(medians["loaded"], 1),
        "ratio": round(medians["ready"] / medians["bare"], 2),
    }
    if args.json:
        print(json.dumps(result))
        return
    print(f"median of {args.runs} runs in a 160x45 pty")
    print(f"  bare Textual app, first frame:     {result['bare_ms']:7.1f} ms")
    print(f"  tuicoach --demo, four panes drawn: {result['tuicoach_ready_ms']:7.1f} ms")
    print(f"  tuicoach --demo, data shown:       {result['tuicoach_loaded_ms']:7.1f} ms")
    print(f"  ratio (four panes / bare):         {result['ratio']:7.2f}  (target <= 1.5)")


if __name__ == "__main__":
    main()
