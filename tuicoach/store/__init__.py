"""The local store: one SQLite database per account (stdlib ``sqlite3`` only).

See :class:`Store`. Nothing here imports the UI or the network.
"""

from tuicoach.store.schema import SCHEMA_VERSION
from tuicoach.store.store import (
    META_ACCOUNT_ID,
    META_ACCOUNT_USERNAME,
    STREAMS,
    DraftRecord,
    OutboxItem,
    OutboxState,
    Store,
    StoreError,
)

__all__ = [
    "META_ACCOUNT_ID",
    "META_ACCOUNT_USERNAME",
    "SCHEMA_VERSION",
    "STREAMS",
    "DraftRecord",
    "OutboxItem",
    "OutboxState",
    "Store",
    "StoreError",
]
