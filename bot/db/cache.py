"""A small in-process cache for rows read on every update and written rarely."""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """Least-recently-used entries, at most `size`, each fresh for `ttl` seconds.

    Only for data this process writes itself (it updates the cache as it writes); the TTL
    bounds how long a change made by another process can go unseen.
    """

    def __init__(self, *, size: int, ttl: float) -> None:
        self._size = size
        self._ttl = ttl
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()

    def lookup(self, key: K) -> tuple[bool, V | None]:
        """(True, value) when a fresh value is cached, else (False, None)."""
        entry = self._entries.get(key)
        if entry is None:
            return False, None
        stored_at, value = entry
        if time.monotonic() - stored_at > self._ttl:
            del self._entries[key]
            return False, None
        self._entries.move_to_end(key)
        return True, value

    def put(self, key: K, value: V) -> None:
        """Store (or refresh) a value."""
        self._entries[key] = (time.monotonic(), value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)

    def evict(self, key: K) -> None:
        """Forget a key."""
        self._entries.pop(key, None)
