"""Lint and the offline text pipeline stay linear on hostile input.

Each shape is a long run of one pattern (unclosed brackets, markers, spaces, emoji, digits).
At this size (a run of 100,000 unclosed `[` took 45 s before) a quadratic scan takes; a linear one takes
milliseconds. The test asserts only that each call ends: its own runtime is the signal.
"""

from __future__ import annotations

import pytest

from drafter.lint import lint
from drafter.engines.offline.text import analyse, clean_text

SIZE = 100_000
SHAPES = ["[", "[a", "[x](", "(", "#", "# ", "#a ", "*", "**a", "_", "__a", " ", "\U0001F600",
          "1", "1,", "1.", "a. ", "-", ":", "\n", "a\n", "a\n\n", "Dr. ", "`", "```\n",
          "<p", "<p><a", "<h1>", "<!--", "<"]


def hostile(shape: str) -> str:
    return (shape * (SIZE // len(shape) + 1))[:SIZE]


@pytest.mark.parametrize("shape", SHAPES, ids=repr)
def test_lint_ends_on_hostile_runs(shape: str) -> None:
    report = lint(hostile(shape) + "\n\n#Bakery")
    assert report.score is not None


@pytest.mark.parametrize("shape", SHAPES, ids=repr)
def test_text_pipeline_ends_on_hostile_runs(shape: str) -> None:
    text = "A title\n\n" + hostile(shape)
    cleaned = clean_text(text)
    analyse(text)
    assert isinstance(cleaned.paragraphs, list)
