"""The demo brand: a whole practice world, no account, no network (backend pending the store)."""
