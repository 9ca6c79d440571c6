"""One pause for every request of an engine after a 429: the shared rate limiter.

When any request is told to slow down (429, with ``retry-after`` / ``retry-after-ms`` or the
engine's backoff), every request of the same engine instance waits until then before its next
try, so a batch drafting N sources at once meets throttling once, not N times over.
"""

from __future__ import annotations

import asyncio
import time
from typing import Callable


class SharedLimiter:
    """The moment before which no request of this engine starts (``time.monotonic()``).

    Shared by every generation of one engine instance (a batch shares one Drafter, hence one
    engine); event-loop-local state only: asyncio runs one callback at a time, so no lock."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._until = 0.0

    def hold(self, seconds: float) -> None:
        """No request starts for ``seconds`` from now (a later pause already set stays)."""
        self._until = max(self._until, self._clock() + max(0.0, seconds))

    def remaining(self) -> float:
        """Seconds until requests may start again (0 when they may now)."""
        return max(0.0, self._until - self._clock())

    async def wait(self) -> None:
        """Sleep until the pause is over (a pause set meanwhile is waited for too)."""
        while (left := self.remaining()) > 0:
            await asyncio.sleep(left)
