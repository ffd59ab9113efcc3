"""Draw docs/screenshot.svg: the demo at 160x45, replying to an owed mention.

    PYTHONPATH=. python docs/screenshot.py

A fixed clock and theme, so the picture only changes when the app does.
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from tuicoach.ui.app import TuicoachApp
from tuicoach.ui.launch import demo_connect, fixed_clock
from tuicoach.ui.widgets.draft_area import DraftArea

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
REPLY = "So sorry! Please RT our sale while we sort it out. Could you DM us your order number?"
OUT = Path(__file__).with_name("screenshot.svg")


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        clock = fixed_clock(NOW)
        app = TuicoachApp(
            connect=demo_connect(Path(tmp), clock), clock=clock, theme="espresso", sync=False
        )
        async with app.run_test(size=(160, 45)) as pilot:
            for _ in range(3):
                await app.workers.wait_for_complete()
                await pilot.pause()
            app.query_one(DraftArea).cursor_blink = False
            await pilot.press("slash", "r", *[{" ": "space"}.get(c, c) for c in REPLY])
            while not app.draft_saved:  # saved half a second after the last key
                await pilot.pause(0.05)
            for _ in range(3):
                await app.workers.wait_for_complete()
                await pilot.pause()
            app.save_screenshot(str(OUT))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    asyncio.run(main())
