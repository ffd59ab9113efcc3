"""Start-up: from the command to the demo's data on screen, against a bare Textual app.

    PYTHONPATH=. python benchmarks/startup.py [--runs 9] [--json] [--against ../main]

Each run starts a fresh interpreter in a pseudo-terminal of 160x45 and reads
what it draws. The bare app is the smallest Textual app that paints one frame
("Hello"); the clock stops when that word is on the terminal. For
`python -m tuicoach --demo` the clock stops when the demo's data is on screen:
the pane titles, the owed count in the Mentions title ("· 17 owed") and the
newest timeline tweet's first words; the time to the four (empty) panes is
shown too, and the time until the app's own process has the account open (the
status bar says "up to date"; from then on keys act on it: where it can fork,
tuicoach reads the first screen in a reader process, ui/reader.py, and opens
its own account after the first frame). Each process is then killed: what it
does after that (finishing the coach's index, exiting) is not start-up.
The demo database is created once before timing, as it is after a first run,
and tuicoach runs from compiled bytecode (kept in the run's temporary folder)
as Textual does from site-packages and as ``pip install`` leaves it: with
``PYTHONDONTWRITEBYTECODE`` set, each run would otherwise compile tuicoach's
modules from source again, which the bare app never pays.
The headline is the ratio data-on-screen / bare (target: at most 1.5); the CPU time
each process used until it was killed (for tuicoach: once its account is open, the
reader process's CPU included) is shown too, as a measure that machine load moves less.
``--against DIR`` times another checkout (main, before a change) in the same runs,
interleaved with the others, so a before/after comparison shares the machine's load.
The skeleton (benchmarks/startup_skeleton.py) is the first frame's widget tree built
from plain Textual widgets, with no tuicoach code, data or store: what Textual alone
charges for such a frame, and so the floor under tuicoach's ratio.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

BARE = """
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("Hello")


Bare().run()
"""


def timed_run(
    argv: list[str], env: dict[str, str], marks: dict[str, list[bytes]], cwd: Path = REPO
) -> dict[str, float]:
    """Seconds from spawn until each of ``marks`` (all its byte strings) is on the terminal,
    and (``cpu``) the CPU seconds the process had used when it was killed, just after."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 45, 160, 0, 0))
    started = time.perf_counter()
    process = subprocess.Popen(  # from its checkout: `-m` puts the cwd first on sys.path
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True, cwd=cwd
    )
    os.close(slave)
    seen = b""
    found: dict[str, float] = {}
    deadline = started + 60
    try:
        while len(found) < len(marks):
            if time.perf_counter() > deadline:
                raise SystemExit(f"{argv} did not show {sorted(set(marks) - set(found))} in 60 s")
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                if process.poll() is not None:
                    raise SystemExit(f"{argv} exited with {process.returncode} before drawing")
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                raise SystemExit(f"{argv} closed its terminal before drawing")
            seen += chunk
            now = time.perf_counter()
            for name, needles in marks.items():
                if name not in found and all(n in seen for n in needles):
                    found[name] = now - started
    finally:
        # It runs in a session of its own: take the whole group down, or it lingers.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        _, status, usage = os.wait4(process.pid, 0)  # its CPU time too: the machine may be busy
        process.returncode = os.waitstatus_to_exitcode(status)
        os.close(master)
    found["cpu"] = usage.ru_utime + usage.ru_stime
    return found


def first_words(data_dir: Path) -> bytes:
    """The newest timeline tweet's first two words, as the demo shows them."""
    sys.path.insert(0, str(REPO))
    from tuicoach import paths
    from tuicoach.backends import registry  # noqa: F401  (the backends' schema steps)
    from tuicoach.store import Store

    with Store.open(paths.demo_db(data_dir)) as store:
        (newest,) = store.timeline(limit=1)
    return " ".join(newest.text.split()[:2]).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--against", metavar="DIR", type=Path, help="another checkout, timed in the same runs"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "TERM": "xterm-256color",
            "TUICOACH_CONFIG": str(Path(tmp) / "config.toml"),
            "PYTHONPYCACHEPREFIX": str(Path(tmp) / "pycache"),
        }
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        app = [sys.executable, "-m", "tuicoach", "--demo", "--data-dir", tmp]
        subprocess.run(
            [*app, "--exit-when", "loaded"], env=env, capture_output=True, check=False, cwd=REPO
        )
        tweet = first_words(Path(tmp))
        panes = [b"Timeline", b"Mentions", b"Compose", b"Coach"]
        tuicoach_marks = {"panes": panes, "data": [*panes, b" owed", tweet],
                          "open": [b"up to date"]}  # fmt: skip
        runs: dict[str, tuple[list[str], dict[str, list[bytes]], dict[str, str], Path]] = {
            "bare": ([sys.executable, "-c", BARE], {"bare": [b"Hello"]}, env, REPO),
            "tuicoach": (app, tuicoach_marks, env, REPO),
            "skeleton": (
                [sys.executable, str(REPO / "benchmarks" / "startup_skeleton.py")],
                {"skeleton": [b"Timeline", b" owed", b"Coach", b"Skeleton's last line"]},
                env,
                REPO,
            ),
        }
        times: dict[str, list[float]] = {
            "bare": [], "panes": [], "data": [], "open": [], "bare_cpu": [], "tuicoach_cpu": [],
            "skeleton": [], "skeleton_cpu": [],
        }  # fmt: skip
        if args.against is not None:  # its own data and bytecode; the same demo words
            other = args.against.resolve()
            data = Path(tmp) / "against"
            data.mkdir()
            other_env = {**env, "PYTHONPATH": str(other),
                         "PYTHONPYCACHEPREFIX": str(data / "pycache")}  # fmt: skip
            other_app = [sys.executable, "-m", "tuicoach", "--demo", "--data-dir", str(data)]
            subprocess.run([*other_app, "--exit-when", "loaded"], env=other_env,
                           capture_output=True, check=False, cwd=other)  # fmt: skip
            marks = {"against": tuicoach_marks["data"], "against_open": [b"up to date"]}
            runs["against"] = (other_app, marks, other_env, other)
            times |= {"against": [], "against_open": [], "against_cpu": []}
        for _ in range(args.runs):  # interleaved, so machine load hits all alike
            for run, (argv, marks, run_env, cwd) in runs.items():
                for name, seconds in timed_run(argv, run_env, marks, cwd).items():
                    times[f"{run}_cpu" if name == "cpu" else name].append(seconds)
    medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
    result = {
        "runs": args.runs,
        "bare_ms": round(medians["bare"], 1),
        "tuicoach_panes_ms": round(medians["panes"], 1),
        "tuicoach_data_ms": round(medians["data"], 1),
        "ratio": round(medians["data"] / medians["bare"], 2),
        "panes_ratio": round(medians["panes"] / medians["bare"], 2),
        "tuicoach_open_ms": round(medians["open"], 1),
        "bare_cpu_ms": round(medians["bare_cpu"], 1),
        "tuicoach_cpu_ms": round(medians["tuicoach_cpu"], 1),
        "cpu_ratio": round(medians["tuicoach_cpu"] / medians["bare_cpu"], 2),
        "skeleton_ms": round(medians["skeleton"], 1),
        "skeleton_ratio": round(medians["skeleton"] / medians["bare"], 2),
        "skeleton_cpu_ms": round(medians["skeleton_cpu"], 1),
        "skeleton_cpu_ratio": round(medians["skeleton_cpu"] / medians["bare_cpu"], 2),
    }
    if "against" in medians:
        result |= {
            "against_data_ms": round(medians["against"], 1),
            "against_open_ms": round(medians["against_open"], 1),
            "against_ratio": round(medians["against"] / medians["bare"], 2),
            "against_cpu_ms": round(medians["against_cpu"], 1),
            "against_cpu_ratio": round(medians["against_cpu"] / medians["bare_cpu"], 2),
        }
    if args.json:
        print(json.dumps(result))
        return
    print(f"median of {args.runs} runs in a 160x45 pty")
    print(f"  bare Textual app, first frame:          {result['bare_ms']:7.1f} ms")
    print(f"  tuicoach --demo, four panes drawn:      {result['tuicoach_panes_ms']:7.1f} ms")
    print(f"  tuicoach --demo, data on screen:        {result['tuicoach_data_ms']:7.1f} ms")
    print(f"  ratio (data on screen / bare):          {result['ratio']:7.2f}  (target <= 1.5)")
    print(f"  (four panes / bare:                     {result['panes_ratio']:7.2f})")
    print(f"  CPU time, bare app:                     {result['bare_cpu_ms']:7.1f} ms")
    print(f"  tuicoach --demo, its account open:      {result['tuicoach_open_ms']:7.1f} ms")
    print(f"  CPU time, tuicoach (to account open):   {result['tuicoach_cpu_ms']:7.1f} ms")
    print(f"  CPU ratio (tuicoach / bare):            {result['cpu_ratio']:7.2f}")
    print("  the same widget tree in plain Textual (no tuicoach code, no data: the floor):")
    print(f"    first frame:                          {result['skeleton_ms']:7.1f} ms")
    print(f"    ratio (skeleton / bare):              {result['skeleton_ratio']:7.2f}")
    print(f"    CPU ratio (skeleton / bare):          {result['skeleton_cpu_ratio']:7.2f}")
    if "against" in medians:
        print(f"  --against {args.against}, same runs:")
        print(f"    data on screen:                       {result['against_data_ms']:7.1f} ms")
        print(f"    ratio (data on screen / bare):        {result['against_ratio']:7.2f}")
        print(f"    its account open:                     {result['against_open_ms']:7.1f} ms")
        print(f"    CPU time:                             {result['against_cpu_ms']:7.1f} ms")
        print(f"    CPU ratio (against / bare):           {result['against_cpu_ratio']:7.2f}")


if __name__ == "__main__":
    main()
