"""A deadline: the moment by which one piece of work (a generation, a URL fetch) must be over.

One definition for the LLM engine's whole-request deadline and the URL fetcher's; stdlib only,
so the offline path can import it.
"""

from __future__ import annotations

import time


class Deadline:
    """The moment (``time.monotonic()``) ``seconds`` from now."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def passed(self) -> bool:
        """True once the deadline has come (or is under a millisecond away: event-loop timers
        may fire up to the clock's resolution early, and a timer set for it must count)."""
        return time.monotonic() >= self.at - 0.001

    def bound(self, seconds: float) -> float:
        """``seconds``, or less if the deadline comes first (never below zero)."""
        return max(0.0, min(seconds, self.remaining()))

    def left(self) -> float:
        """The time left, for a blocking call's timeout; TimeoutError once none is left."""
        left = self.remaining()
        if left <= 0:
            raise TimeoutError(f"took longer than {self.seconds:g} s")
        return left
