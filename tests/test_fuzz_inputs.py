"""Arbitrary bytes as an article file and as stdin for `draft -` and `lint -` (issue 7, fuzzing).

Whatever comes in: exit 0, 1 or 2, never a traceback or "unexpected error", a failure is one
line on stderr, stdout carries no raw control codes, and nothing appears in drafts/ (nothing
was saved). Most cases run the CLI in-process (``drafter.cli.main.main`` with swapped stdio, which
is fast); a few run it as a subprocess with real pipes.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from drafter.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Bytes that reach different layers: binary, text in odd encodings, HTML, control codes.
_TEXTY = st.text(alphabet=st.characters(codec="utf-8"), max_size=400).map(lambda s: s.encode("utf-8"))
_PIECES = st.sampled_from([
    b"<html><body><p>", b"</p></body></html>", b"# Title\n", b"\x1b]0;PWNED\x07", b"\x1b[2J", b"\r\n",
    b"\xef\xbb\xbf", b"\xff\xfe", b"\x00", b"\x9b", "caf\u00e9 ".encode("latin-1"), b"Decision logs help teams. ",
    b"<meta charset='klingon'>", b"#AI #ai #The ", b"Thoughts?\n\n", b"\xe2\x80\x8b",
])
ARBITRARY = st.one_of(st.binary(max_size=600), _TEXTY, st.lists(_PIECES, max_size=30).map(b"".join))


def _drafts(workspace: Path) -> list[str]:
    return sorted(p.name for p in (workspace / "drafts").iterdir())


def run_in_process(workspace: Path, argv: list[str], stdin: bytes | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin
    if stdin is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["--workspace", str(workspace), *argv])
    finally:
        sys.stdin = saved
    return code, out.getvalue(), err.getvalue()


def check(code: int, out: str, err: str) -> None:
    assert code in (0, 1, 2), (code, err)
    assert "Traceback" not in err and "unexpected error" not in err, err
    assert not RAW_CONTROL.search(out + err), repr(out + err)
    if code == 2:
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("drafter: "), err
        assert out == ""


@FUZZ
@given(data=ARBITRARY, suffix=st.sampled_from([".txt", ".md", ".html", ""]))
@example(data=b"# Hi \x1b]0;PWNED\x07 there\n\nDecision logs help small teams.", suffix=".md")
def test_any_bytes_as_an_article_file(workspace_dir: Path, data: bytes, suffix: str) -> None:
    before = _drafts(workspace_dir)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"article{suffix}"
        path.write_bytes(data)
        check(*run_in_process(workspace_dir, ["draft", "--article", str(path)]))
    assert _drafts(workspace_dir) == before


@FUZZ
@given(data=ARBITRARY)
@example(data=b"\x00" * 100)
@example(data="caf\u00e9".encode("utf-16"))
def test_any_bytes_as_draft_stdin(workspace_dir: Path, data: bytes) -> None:
    before = _drafts(workspace_dir)
    check(*run_in_process(workspace_dir, ["draft", "-"], stdin=data))
    assert _drafts(workspace_dir) == before


@FUZZ
@given(data=ARBITRARY, as_json=st.booleans())
@example(data=b"A post \x1b]0;PWNED\x07 with codes.\n\n#AI", as_json=False)
def test_any_bytes_as_lint_stdin(workspace_dir: Path, data: bytes, as_json: bool) -> None:
    check(*run_in_process(workspace_dir, ["lint", "-", *(["--json"] if as_json else [])], stdin=data))


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 40,
        b"\xfa\xfb" * 3000,
        "caf\u00e9 cr\u00e8me".encode("utf-16"),
        b"# Hi \x1b]0;PWNED\x07\x1b[2J there\r\n\r\nDecision logs help small teams remember why they chose. " * 5,
        b"",
    ],
    ids=["binary", "not-utf8", "utf16", "control-codes", "empty"],
)
@pytest.mark.parametrize("command", [["draft", "-"], ["lint", "-"]])
def test_stdin_through_a_real_pipe(workspace_dir: Path, command: list[str], data: bytes) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DRAFTER_"))}
    res = subprocess.run([sys.executable, "-m", "drafter", "--workspace", str(workspace_dir), *command],
                         input=data, capture_output=True, env=env, timeout=60, cwd=ROOT)
    check(res.returncode, res.stdout.decode("utf-8", "replace"), res.stderr.decode("utf-8", "replace"))
    assert _drafts(workspace_dir) == []
