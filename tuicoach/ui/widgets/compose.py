"""The draft's length counter: ``length/limit`` as the backend counts, coloured near and over.

The limit is the backend's own (``Backend.length_limit``); until the account
is open the counter shows the bare length.
"""

from __future__ import annotations

from textual.widgets import Static

NEAR = 20  # the counter turns to the warning colour this close to the limit


class LengthCounter(Static):
    """``length/limit``, in the warning colour near the limit and the error colour past it."""

    DEFAULT_CSS = """
    LengthCounter {
        width: 8;
        color: $text-muted;
        &.-near { color: $warning; text-style: bold; }
        &.-over { color: $error; text-style: bold; }
    }
    """

    limit: int | None = None

    def show_length(self, length: int) -> None:
        # A fixed width: no layout per keystroke, and classes only change at the thresholds.
        limit = self.limit
        self.update(f"{length}/{limit}" if limit else str(length), layout=False)
        near = limit is not None and limit - NEAR <= length <= limit
        over = limit is not None and length > limit
        if self.has_class("-near") != near or self.has_class("-over") != over:
            self.set_class(near, "-near")
            self.set_class(over, "-over")
