"""The app's account and view models, under their older import path.

Everything moved to :mod:`tuicoach.ui.view`; ``Account(store, backend, *,
rank_by_followers=...)`` is still constructed from here by the launcher.
"""

from tuicoach.ui.view import (
    Account,
    AccountStats,
    DraftItem,
    Opened,
    Row,
    SavedDraft,
    Snapshot,
    account_stats,
)

__all__ = [
    "Account",
    "AccountStats",
    "DraftItem",
    "Opened",
    "Row",
    "SavedDraft",
    "Snapshot",
    "account_stats",
]
