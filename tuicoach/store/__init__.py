"""The local store: one SQLite database per account (stdlib ``sqlite3`` only).

See :class:`Store`. Nothing here imports the UI or the network.
"""

from tuicoach.store.schema import SCHEMA_VERSION
from tuicoach.store.store import (
    META_ACCOUNT_ID,
    META_ACCOUNT_USERNAME,
    STREAMS,
    UNCONFIRMED,
    DiskFull,
    DraftRecord,
    OutboxItem,
    OutboxState,
    OutboxStatus,
    Store,
    StoreError,
    outbox_status,
)

__all__ = [
    "META_ACCOUNT_ID",
    "META_ACCOUNT_USERNAME",
    "SCHEMA_VERSION",
    "STREAMS",
    "UNCONFIRMED",
    "DiskFull",
    "DraftRecord",
    "OutboxItem",
    "OutboxState",
    "OutboxStatus",
    "Store",
    "StoreError",
    "outbox_status",
]
