"""The base of the main screen's parts (its requests, its storage): each holds the screen and
reads the open draft and the drafting service through it, never keeping a copy of either."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...service.drafting import Drafter
    from ..session import Session
    from .main import MainScreen


class ScreenPart:
    def __init__(self, screen: "MainScreen") -> None:
        self.screen_ = screen

    @property
    def session(self) -> "Session":
        """The open draft (the screen's one model of it)."""
        return self.screen_.session

    @property
    def drafter(self) -> "Drafter":
        return self.screen_.drafter
