"""`drafter draft` against an LLM server that misbehaves: every fault ends, with one line and a stable exit.

The faults come from ``tests/loopback.py``: steady drips that never finish, slow headers,
events that are not JSON or not chunks, replies far longer than max_tokens allows, and 200
answers that are not event streams. Bounds come from the settings (small ``--deadline`` and
``--timeout`` here); the tests assert only that the command ended, never how fast.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from drafter.cli.main import main
from drafter.engines.openai.engine import answer_cap
from tests.loopback import Loopback, Reply, chunk, loopback  # noqa: F401  (fixture)

GOOD = {
    "hook": "Code review got faster the week we stopped arguing about style",
    "takeaways": ["Let the formatter own style", "Review intent, not syntax", "Small diffs merge sooner"],
    "question": "What did your team stop reviewing by hand?",
    "hashtags": ["#CodeReview", "#DevTools", "#Teams"],
}
SUBPROCESS_TIMEOUT = 60
"""Generous: a command that is still running after this long has hung."""


def signal_mid_stream(lb: Loopback, argv: list[str], sig: int) -> tuple[int, str, str]:
    """Run ``drafter ARGV`` as a process, send ``sig`` once the server has dripped text to it,
    and return (exit code, stdout, stderr). Bounded: the process is killed if it outlives that."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DRAFTER_"))}
    proc = subprocess.Popen([sys.executable, "-m", "drafter", *argv],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert lb.wait_dripped(3, timeout=SUBPROCESS_TIMEOUT)  # text is flowing to the client
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=SUBPROCESS_TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return proc.returncode, out, err


def draft_argv(workspace: Path, lb: Loopback, *extra: str) -> list[str]:
    return ["--workspace", str(workspace), "draft", "--topic", "code review", "--base-url", lb.base_url,
            "--no-repair", *extra]


def run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def run_process(argv: list[str]) -> subprocess.CompletedProcess[str]:
    """The CLI in its own process; TimeoutExpired (a failure) if it does not end."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DRAFTER_"))}
    return subprocess.run([sys.executable, "-m", "drafter", *argv], capture_output=True, text=True, env=env,
                          timeout=SUBPROCESS_TIMEOUT)


def the_line(err: str) -> str:
    """The one error line: the last line on stderr (progress lines come before it)."""
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines and lines[-1].startswith("drafter: "), err
    assert "Traceback" not in err and "unexpected error" not in err, err
    return lines[-1]


def kept_file(line: str) -> Path:
    """The file a "kept in <path>" line names (it must exist)."""
    match = re.search(r"kept in (\S+\.txt)", line)
    assert match, line
    path = Path(match.group(1))
    assert path.is_file(), line
    return path


def assert_kept(out: str, line: str, text_start: str) -> str:
    """The text is on stdout and in the file the line names; returns it."""
    text = kept_file(line).read_text(encoding="utf-8")
    assert text.startswith(text_start) and out == text + "\n"
    return text


# ---- time: a stream that never finishes, headers that never end ---------------------------------


def test_a_steady_drip_forever_ends_at_the_deadline_and_keeps_what_arrived(workspace_dir, loopback):
    loopback.script(Reply.drip_forever('{"hook": "', "a", every=0.05))
    res = run_process(draft_argv(workspace_dir, loopback, "--deadline", "2", "--timeout", "5"))
    assert res.returncode == 1
    line = the_line(res.stderr)
    assert "within the 2 s deadline" in line and "--deadline" in line
    assert_kept(res.stdout, line, '{"hook": "a')
    assert len(loopback.chat_requests) == 1  # a deadline is not retried


def test_one_character_at_a_time_ends_at_the_deadline(capsys, workspace_dir, loopback):
    loopback.script(Reply.drip_chars(GOOD, every=0.05))
    code, out, err = run(capsys, draft_argv(workspace_dir, loopback, "--deadline", "2"))
    assert code == 1
    line = the_line(err)
    assert "2 s deadline" in line
    text = assert_kept(out, line, '{"')
    assert json.dumps(GOOD).startswith(text) and len(text) < len(json.dumps(GOOD))


def test_the_deadline_comes_from_env_and_config(capsys, workspace_dir, loopback, monkeypatch):
    loopback.script(Reply.drip_forever(every=0.05), Reply.drip_forever(every=0.05))
    monkeypatch.setenv("DRAFTER_DEADLINE", "0.4")
    code, _, err = run(capsys, draft_argv(workspace_dir, loopback))
    assert code == 1 and "0.4 s deadline" in the_line(err)
    monkeypatch.delenv("DRAFTER_DEADLINE")
    (workspace_dir / "drafter.toml").write_text("deadline = 0.3\n", encoding="utf-8")
    code, _, err = run(capsys, draft_argv(workspace_dir, loopback))
    assert code == 1 and "0.3 s deadline" in the_line(err)


@pytest.mark.parametrize("value", ["0", "-1", "soon"])
def test_a_bad_deadline_is_bad_input(capsys, workspace_dir, loopback, value):
    code, _, err = run(capsys, draft_argv(workspace_dir, loopback, f"--deadline={value}"))
    assert code == 2 and "deadline" in the_line(err)
    assert not loopback.requests


def test_slow_headers_end_at_the_timeout(workspace_dir, loopback):
    loopback.script(Reply.slow_headers(every=0.05))
    res = run_process(draft_argv(workspace_dir, loopback, "--timeout", "0.5"))
    assert res.returncode == 1
    line = the_line(res.stderr)
    assert "no answer from" in line and "within 0.5 s" in line and "kept" not in line
    assert res.stdout == ""


def test_slow_headers_end_at_the_deadline_before_the_timeout(capsys, workspace_dir, loopback):
    loopback.script(Reply.slow_headers(every=0.05))
    code, out, err = run(capsys, draft_argv(workspace_dir, loopback, "--timeout", "30", "--deadline", "0.5"))
    assert code == 1 and "0.5 s deadline" in the_line(err) and out == ""


def test_a_retry_wait_past_the_deadline_is_not_waited(capsys, workspace_dir, loopback):
    loopback.script(Reply.error(429, "slow down", headers={"retry-after": "50"}), Reply.stream(GOOD))
    code, _, err = run(capsys, draft_argv(workspace_dir, loopback, "--deadline", "2"))
    assert code == 1 and "2 s deadline (the next retry was 50 s away)" in the_line(err)
    assert "retrying in" not in err  # no promise of a retry that will not happen
    assert len(loopback.chat_requests) == 1


# ---- shape: events that are not chunks --------------------------------------------------------------


def _base(choices: Any, **extra: Any) -> dict[str, Any]:
    return {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "m", "choices": choices, **extra}


MALFORMED: dict[str, tuple[list[Any], str]] = {
    "not JSON": (["{not json"], "not JSON"),
    "a number": (["5"], "the event is a number"),
    "a list": (["[1, 2]"], "the event is a list"),
    "null": (["null"], "the event is null"),
    "content a number": ([chunk({"content": 5})], "content is a number"),
    "content an object": ([chunk({"content": {"text": "hi"}})], "content is an object"),
    "choices a string": ([_base("abc")], "choices is a string"),
    "choices of numbers": ([_base([5])], "choices[0] is a number"),
    "delta a string": ([_base([{"index": 0, "delta": "hi", "finish_reason": None}])], "delta is a string"),
    "no delta": ([_base([{"index": 0, "finish_reason": None}])], "delta is null"),
    "finish_reason a number": ([chunk({"content": "a"}, finish_reason=7)], "finish_reason is a number"),
    "refusal a number": ([chunk({"refusal": 3})], "refusal is a number"),
    "usage a number": ([_base([], usage=5)], "usage is a number"),
    "usage tokens a string": ([_base([], usage={"prompt_tokens": "many"})], "usage.prompt_tokens is a string"),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_malformed_events_are_a_server_error_with_one_line(capsys, workspace_dir, loopback, name):
    events, detail = MALFORMED[name]
    loopback.script(Reply.sse(*events))
    code, out, err = run(capsys, draft_argv(workspace_dir, loopback))
    assert code == 1
    line = the_line(err)
    assert "sent a malformed stream event" in line and detail in line and "--base-url" in line
    assert out == ""  # nothing had arrived, so nothing to keep


def test_a_malformed_event_after_text_keeps_the_text(capsys, workspace_dir, loopback):
    loopback.script(Reply.sse(chunk({"content": '{"hook": "Half'}), "{not json"))
    code, out, err = run(capsys, draft_argv(workspace_dir, loopback))
    line = the_line(err)
    assert code == 1 and "after 14 characters" in line
    assert assert_kept(out, line, '{"hook": "Half') == '{"hook": "Half'


# ---- size: a reply far longer than max_tokens allows ---------------------------------------------------


def test_an_oversized_reply_stops_at_the_cap_and_is_not_sent_again(capsys, workspace_dir, loopback):
    loopback.script(Reply.oversized(10_000_000), Reply.stream(GOOD), Reply.stream(GOOD))
    code, out, err = run(capsys, draft_argv(workspace_dir, loopback, "--max-tokens", "500", "--save"))
    assert code == 1
    line = the_line(err)
    cap = answer_cap(500)
    assert f"passed {cap:,} characters" in line and "max_tokens=500" in line
    text = assert_kept(out, line, '{"hook": "xxx')
    assert len(text) == cap
    assert len(loopback.chat_requests) == 1  # no fallback, no repair re-sending the flood
    assert not list((workspace_dir / "drafts").glob("*.json"))


def test_an_answer_up_to_the_cap_is_read_to_the_end(capsys, workspace_dir, loopback):
    loopback.script(Reply.oversized(answer_cap(16) - len('{"hook": "'), pieces=8), Reply.stream("no sections"))
    code, _, err = run(capsys, draft_argv(workspace_dir, loopback, "--max-tokens", "16"))
    line = the_line(err)
    assert code == 1 and "passed" not in line and "could not be read" in line  # read whole, then not a post
    assert len(loopback.chat_requests) == 2


# ---- not an event stream ----------------------------------------------------------------------------------


@pytest.mark.parametrize("body, content_type, said", [
    ("<!doctype html><html><body>Welcome to nginx!</body></html>", "text/html; charset=utf-8", "text/html"),
    ("OK", "text/plain", "text/plain"),
    (json.dumps({"object": "chat.completion", "choices": []}), "application/json", "application/json"),
])
def test_a_200_that_is_not_an_event_stream_says_what_came_back(capsys, workspace_dir, loopback, body,
                                                               content_type, said):
    loopback.script(Reply.body(body, content_type=content_type))
    code, out, err = run(capsys, draft_argv(workspace_dir, loopback))
    assert code == 1
    line = the_line(err)
    assert f"answered 200 with {said}, not an event stream" in line and "/v1" in line
    assert "empty answer" not in line and out == ""
