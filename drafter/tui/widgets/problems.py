"""The line under a list that says which files it skipped (the drafts library, the templates)."""

from __future__ import annotations

from typing import Sequence

from rich.text import Text
from textual.widgets import Static


def show_problems(label: Static, count: str, problems: Sequence[str]) -> None:
    """``label`` shows "⚠ COUNT:", the first two problems and "… and N more"; hidden when there are none."""
    label.set_class(bool(problems), "-shown")
    if not problems:
        label.update("")
        return
    lines = [f"⚠ {count}:", *(f"  {p}" for p in problems[:2])]
    if len(problems) > 2:
        lines.append(f"  … and {len(problems) - 2} more")
    label.update(Text("\n".join(lines)))
