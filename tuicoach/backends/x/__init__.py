"""The real X account, through tweepy's API v2 ``Client``.

Modules, from the wire up:

- ``transport``: the ``requests`` session every call goes through; it points
  tweepy's hard-coded ``https://api.twitter.com`` at the configured API base and
  puts a timeout on every request (tweepy sets none).
- ``errors``: X's failures mapped to the ``BackendError`` family, and bounded
  retries with backoff and jitter for the ones worth retrying.
- ``client``: ``XClient``, the few endpoints tuicoach uses, returning domain models.
- ``auth``: credentials, the OS keyring, and the OAuth 1.0a PIN flow.
- ``sync``, ``outbox``, ``backend``: ``XBackend`` (the ``Backend`` protocol).
- ``cost``: the pay-per-use meter (stdlib and store only; the status bar imports it).
- ``outbox_store``, ``usage_store``: this backend's own tables in the account's
  store (schema steps registered by name, queries through ``Store.transaction``).

This ``__init__`` imports nothing, so ``tuicoach.backends.x.cost`` stays light.
"""
