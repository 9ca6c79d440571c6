"""The edges an adversarial tester found on the engine and CLI side (issue 7, second pass)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from drafter.cli.main import main
from drafter.engines.base import every_answer
from drafter.engines.openai.mode_cache import ModeCache
from tests.loopback import Reply, loopback  # noqa: F401  (fixture)
from tests.test_faults_llm import GOOD, SUBPROCESS_TIMEOUT, signal_mid_stream, assert_kept, draft_argv, run, the_line


def test_mode_cache_nested_too_deep_is_an_empty_cache(tmp_path):
    path = tmp_path / "output-modes.json"
    path.write_text("[" * 100_000)
    cache = ModeCache(path, "http://127.0.0.1:1/v1")
    assert cache.start() == "json_schema"
    cache.remember("text")
    assert "text" in path.read_text()


def test_mode_cache_fifo_does_not_hang(tmp_path):
    path = tmp_path / "output-modes.json"
    os.mkfifo(path)
    assert ModeCache(path, "k").start() == "json_schema"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_mid_stream_keep_what_arrived_like_sigint(workspace_dir, loopback, sig):
    loopback.script(Reply.drip_forever('{"hook": "Terminated', "!", every=0.05))
    code, out, err = signal_mid_stream(loopback, draft_argv(workspace_dir, loopback), sig)
    assert code == 128 + sig
    line = the_line(err)
    assert line.startswith("drafter: interrupted: the ") and "characters received are on stdout" in line
    assert assert_kept(out, line, '{"hook": "Terminated!').endswith("!")


LONG = "a" * 300


@pytest.mark.parametrize("command", [["doctor"], ["drafts", "list"], ["drafts", "show", "x"], ["templates", "list"],
                                     ["templates", "new", "foo"], ["draft", "--topic", "x", "--engine", "offline", "--save"]])
def test_a_workspace_path_too_long_is_bad_input(capsys, tmp_path, command):
    code, _, err = run(capsys, ["--workspace", str(tmp_path / LONG), *command])
    assert code == 2
    assert "not usable" in the_line(err) and "unexpected" not in err


def test_drafter_workspace_too_long_is_bad_input(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("DRAFTER_WORKSPACE", str(tmp_path / LONG))
    code, _, err = run(capsys, ["drafts", "list"])
    assert code == 2 and the_line(err).startswith("drafter: DRAFTER_WORKSPACE: the path is not usable")


def test_eval_on_a_folder_name_too_long_is_bad_input(capsys, workspace_dir):
    code, _, err = run(capsys, ["--workspace", str(workspace_dir), "eval", str(workspace_dir / LONG)])
    assert code == 2 and "argument folder: the path is not usable" in the_line(err)


def test_a_path_longer_than_the_system_allows_is_bad_input(capsys, tmp_path):
    deep = tmp_path.joinpath(*(["b" * 200] * 25))
    code, _, err = run(capsys, ["--workspace", str(deep), "drafts", "list"])
    assert code == 2 and "longer than" in the_line(err)


def _run_to(stdout_spec: str, argv: list[str]) -> subprocess.CompletedProcess[str]:
    """The CLI in its own process with stdout redirected by the shell (``>/dev/full``, ``>&-``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DRAFTER_"))}
    return subprocess.run(["sh", "-c", f'exec "$0" -m drafter "$@" {stdout_spec}', sys.executable, *argv],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
                          timeout=SUBPROCESS_TIMEOUT)


@pytest.mark.parametrize("spec", [">/dev/full", ">&-"])
@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_a_post_that_cannot_be_printed_is_kept_and_the_line_says_where(workspace_dir, spec, json_flag):
    proc = _run_to(spec, ["--workspace", str(workspace_dir), "draft", "--engine", "offline", "--topic", "x",
                          *json_flag])
    assert proc.returncode == 1
    line = the_line(proc.stderr)
    assert "standard output" in line and "the post is kept in" in line
    kept = Path(line.rsplit("kept in ", 1)[1])
    assert kept.parent == workspace_dir / "drafts" / ".unsaved" and "#" in kept.read_text(encoding="utf-8")


def test_a_saved_post_that_cannot_be_printed_names_the_draft(workspace_dir):
    proc = _run_to(">/dev/full", ["--workspace", str(workspace_dir), "draft", "--engine", "offline", "--topic", "x",
                                  "--save"])
    assert proc.returncode == 1
    line = the_line(proc.stderr)
    draft_id = line.rsplit("saved as draft ", 1)[1]
    assert (workspace_dir / "drafts" / f"{draft_id}.json").is_file()


@pytest.mark.parametrize("command", [["drafts", "list"], ["templates", "show", "classic"], ["templates", "path"],
                                     ["doctor", "--engine", "offline"], ["lint", "{post}"]])
def test_every_command_that_cannot_print_says_so_in_one_line(workspace_dir, tmp_path, command):
    post = tmp_path / "post.txt"
    post.write_text("Hello there.\n\n#One\n", encoding="utf-8")
    argv = [a.replace("{post}", str(post)) for a in command]
    assert main(["--workspace", str(workspace_dir), "draft", "--engine", "offline", "--topic", "x", "--save"]) == 0
    proc = _run_to(">/dev/full", ["--workspace", str(workspace_dir), *argv])
    assert proc.returncode == 1
    assert the_line(proc.stderr) == "drafter: cannot write to standard output: No space left on device"
    assert "Exception ignored" not in proc.stderr


@contextlib.contextmanager
def raw_server(answer: bytes) -> Iterator[str]:
    """A 127.0.0.1 port that sends ``answer`` to every connection, then closes it; yields its address."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1.0)
                try:
                    conn.recv(65536)  # the request (or its start)
                    conn.sendall(answer)
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{sock.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        sock.close()


def test_doctor_against_a_port_that_is_not_http(capsys, workspace_dir):
    with raw_server(b"SSH-2.0-OpenSSH_9.6\r\n") as address:
        code, out, err = run(capsys, ["--workspace", str(workspace_dir), "doctor", "--base-url", f"http://{address}/v1"])
    assert code == 0 and "unexpected" not in err
    server = next(line for line in out.splitlines() if line.startswith("server"))
    assert "NOT an HTTP server" in server


def test_doctor_against_headers_that_never_end_ends_within_its_timeout(capsys, workspace_dir, loopback):
    loopback.script(Reply.slow_headers(every=0.05, path="models"))
    code, out, err = run(capsys, ["--workspace", str(workspace_dir), "doctor", "--base-url", loopback.base_url,
                                  "--timeout", "0.5"])
    assert code == 0 and "unexpected" not in err
    server = next(line for line in out.splitlines() if line.startswith("server"))
    assert "NOT reachable: no complete answer" in server and "within 0.5 s" in server


REDIRECT_LOOP = (b"HTTP/1.1 307 Temporary Redirect\r\nLocation: /v1/chat/completions\r\nContent-Length: 0\r\n"
                 b"Connection: close\r\n\r\n")


def test_an_llm_server_that_redirects_in_a_loop_is_reported_as_redirects(capsys, workspace_dir):
    with raw_server(REDIRECT_LOOP) as address:
        code, _, err = run(capsys, ["--workspace", str(workspace_dir), "draft", "--topic", "x", "--no-repair",
                                    "--base-url", f"http://{address}/v1"])
    line = the_line(err)
    assert code == 1 and "too many redirects" in line and "cannot connect" not in line
    assert "retrying" not in err  # a loop is not retried


def test_doctor_against_a_redirect_loop(capsys, workspace_dir):
    with raw_server(REDIRECT_LOOP.replace(b"chat/completions", b"models")) as address:
        code, out, _ = run(capsys, ["--workspace", str(workspace_dir), "doctor", "--base-url", f"http://{address}/v1"])
    server = next(line for line in out.splitlines() if line.startswith("server"))
    assert code == 0 and "redirects more than" in server


NO_HOOK = json.dumps({**GOOD, "hook": ""})


def _both_answers_kept(out: str, line: str, latest: str) -> str:
    kept = assert_kept(out, line, latest)
    assert "----- an earlier answer (json_schema output, not readable" in kept
    assert kept.split("-----\n", 1)[1] == NO_HOOK  # the earlier answer, whole
    return kept


def test_an_earlier_modes_answer_is_kept_when_the_next_mode_fails_too(capsys, workspace_dir, loopback):
    loopback.script(Reply.stream(NO_HOOK), Reply.stream("FIRSTB garbage"))
    code, out, err = run(capsys, draft_argv(workspace_dir, loopback))
    assert code == 1
    _both_answers_kept(out, the_line(err), "FIRSTB garbage\n\n")


def test_an_earlier_modes_answer_is_kept_when_the_next_is_truncated(capsys, workspace_dir, loopback):
    loopback.script(Reply.stream(NO_HOOK), Reply.stream("HOOK: Half a", finish_reason="length"))
    code, out, err = run(capsys, draft_argv(workspace_dir, loopback))
    line = the_line(err)
    assert code == 1 and "cut off" in line
    _both_answers_kept(out, line, "HOOK: Half a\n\n")


def test_an_earlier_modes_answer_is_kept_when_the_next_is_interrupted(workspace_dir, loopback):
    loopback.script(Reply.stream(NO_HOOK), Reply.drip_forever("HOOK: Slow", "!", every=0.05))
    code, out, err = signal_mid_stream(loopback, draft_argv(workspace_dir, loopback), signal.SIGTERM)
    assert code == 143
    kept = assert_kept(out, the_line(err), "HOOK: Slow!")
    assert kept.split("----- an earlier answer (an earlier attempt) -----\n", 1)[1] == NO_HOOK


def test_every_answer_puts_the_latest_first_and_labels_the_rest():
    assert every_answer("", []) == "" and every_answer("only", []) == "only"
    assert every_answer("", [("a", "first")]) == "first"  # a lone answer stays as it is (JSON stays JSON)
    assert every_answer("third", [("a", "first"), ("b", " "), ("c", "second")]) == (
        "third\n\n----- an earlier answer (c) -----\nsecond\n\n----- an earlier answer (a) -----\nfirst")
