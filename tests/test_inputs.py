"""Inputs without bounds and files that are not files (issue 7, items 5 and 12).

`lint` reads through the same function as `draft`'s sources (drafter.sources.inputs.read_text /
read_file / read_stdin): the size cap, regular files only, binary and encoding checks. Cases
that could block or fill memory if the bound were lost run in a subprocess with a timeout.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from drafter.cli import evaluation
from drafter.sources import inputs as sources
from drafter.cli.main import main
from drafter.sources.inputs import MAX_BYTES
from tests.cli_contract import one_line

ROOT = Path(__file__).resolve().parent.parent
POST = "A short post about decision logs.\n\nWhich decision would you write down first?\n\n#DecisionLogs"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def cli(workspace: Path, *argv: str, stdin: object = subprocess.DEVNULL, timeout: float = 60) -> subprocess.CompletedProcess:
    """The CLI in its own process (stdin from a file or bytes), ended by ``timeout`` at worst."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DRAFTER_"))}
    kwargs: dict[str, object] = {"input": stdin} if isinstance(stdin, bytes) else {"stdin": stdin}
    return subprocess.run([sys.executable, "-m", "drafter", "--workspace", str(workspace), *argv],
                          capture_output=True, env=env, timeout=timeout, cwd=ROOT, **kwargs)


def test_one_reader_for_lint_and_sources() -> None:
    """lint's reader is the sources' reader, not a copy."""
    assert evaluation.read_post.__code__.co_names.count("read_text") == 1
    assert sources.read_text.__code__.co_names.count("read_file") == 1


# ---- endless and oversized input -------------------------------------------------------------


@pytest.mark.parametrize("command", [["lint", "-"], ["draft", "-"]])
def test_endless_stdin_stops_at_the_cap(workspace_dir, command) -> None:
    with open("/dev/zero", "rb") as zero:
        res = cli(workspace_dir, *command, stdin=zero)
    assert res.returncode == 2, res.stderr
    line = one_line(res.stderr.decode())
    assert "stdin is larger than the limit of 2.0 MB (2,000,000 bytes)" in line
    assert res.stdout == b""


def test_oversized_stdin_in_process(capsys, workspace_dir, monkeypatch) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"a" * (MAX_BYTES + 1))))
    code, out, err = run(capsys, "--workspace", str(workspace_dir), "lint", "-")
    assert (code, out) == (2, "") and "stdin is larger than the limit" in one_line(err)


def test_huge_file_is_refused_by_its_size(capsys, workspace_dir, tmp_path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.truncate(3_000_000_000)  # sparse: 3 GB on paper, nothing on disk
    for command in (["lint", str(path)], ["draft", "--article", str(path)]):
        code, out, err = run(capsys, "--workspace", str(workspace_dir), *command)
        assert (code, out) == (2, "")
        assert "is 3.0 GB (3,000,000,000 bytes); the limit is 2.0 MB" in one_line(err)


# ---- what a post file is ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks binary"),
        (bytes(range(1, 32)) * 20, "looks binary"),
        ("caf\u00e9 cr\u00e8me".encode("latin-1"), "is not UTF-8"),
        ("hello".encode("utf-16"), "UTF-16"),
        (b"", "is empty"),
        (b"  \n\n\t", "is empty"),
    ],
    ids=["png", "control-bytes", "latin1", "utf16", "empty", "blank"],
)
def test_lint_refuses_what_draft_refuses(capsys, workspace_dir, tmp_path, content, needle) -> None:
    path = tmp_path / "post.txt"
    path.write_bytes(content)
    code, out, err = run(capsys, "--workspace", str(workspace_dir), "lint", str(path))
    assert (code, out) == (2, "")
    assert needle in one_line(err) and str(path) in err


@pytest.mark.parametrize(
    ("content", "needle"),
    [(bytes(range(256)) * 8, "looks binary"), (b"\xfa\xfb\xfc" * 50, "not UTF-8")],
    ids=["binary", "not-utf8"],
)
def test_binary_stdin_is_not_linted(workspace_dir, content, needle) -> None:
    res = cli(workspace_dir, "lint", "-", stdin=content)
    assert res.returncode == 2 and res.stdout == b""
    assert needle in one_line(res.stderr.decode())


def test_lint_reads_a_bom_and_crlf_like_the_plain_file(capsys, workspace_dir, tmp_path) -> None:
    plain, windows = tmp_path / "plain.txt", tmp_path / "windows.txt"
    plain.write_text(POST, encoding="utf-8")
    windows.write_bytes(b"\xef\xbb\xbf" + POST.replace("\n", "\r\n").encode("utf-8"))
    outputs = [run(capsys, "--workspace", str(workspace_dir), "lint", str(p), "--json")[1] for p in (plain, windows)]
    assert outputs[0] == outputs[1] and '"score"' in outputs[0]


# ---- folders, FIFOs and devices ---------------------------------------------------------------


@pytest.mark.parametrize("command", [["lint"], ["draft", "--article"]])
def test_a_folder_is_named_a_folder(capsys, workspace_dir, tmp_path, command) -> None:
    code, _, err = run(capsys, "--workspace", str(workspace_dir), *command, str(tmp_path))
    assert code == 2 and "is a folder" in one_line(err)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("command", [["lint"], ["draft", "--article"]])
def test_a_fifo_is_refused_without_blocking(workspace_dir, tmp_path, command) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    res = cli(workspace_dir, *command, str(fifo), timeout=30)  # a blocking open would time out here
    assert res.returncode == 2
    assert "is a FIFO (named pipe), not a regular file" in one_line(res.stderr.decode())


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_is_refused(capsys, workspace_dir) -> None:
    code, _, err = run(capsys, "--workspace", str(workspace_dir), "lint", "/dev/zero")
    assert code == 2 and "/dev/zero is a device or socket, not a regular file" in one_line(err)


def test_a_missing_file_is_still_missing(capsys, workspace_dir, tmp_path) -> None:
    code, _, err = run(capsys, "--workspace", str(workspace_dir), "lint", str(tmp_path / "nope.txt"))
    assert code == 2 and "no such file" in one_line(err)
