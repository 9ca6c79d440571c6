"""Helpers for tests that run the CLI in-process and check its one-line contract."""

from __future__ import annotations


def one_line(err: str) -> str:
    """The single ``drafter: …`` line on stderr (fails on a traceback, "unexpected error" or more lines)."""
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("drafter: ") and "Traceback" not in err and "unexpected error" not in err
    return lines[0]
