"""The promises every drafter command keeps, checked on a real process.

A :class:`Case` is one command line (with its files, stdin, scripted LLM server and web pages);
:func:`run` starts ``python -m drafter`` on it in a fresh temporary home and workspace, and
returns the broken promises (an empty list when the case held):

- it ends within its bound (nothing hangs);
- the exit code is 0, 1, 2 (or 130 after an interrupt), and the one the case expects;
- no traceback and no "unexpected error"; every stderr line is one ``drafter: …`` line;
- no terminal control characters (other than newline and tab) on stdout or stderr;
- the API key never appears on stdout, stderr, or in any file drafter wrote;
- nothing in ``drafts/`` changed that the command did not ask for;
- text the case says must be kept is on stdout or in a file named on stderr.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

SECRET = "sk-trust-SECRET-0123456789abcdef"
"""The API key every case runs with: it must never come back out."""
REPO = Path(__file__).resolve().parents[2]
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
PATH_IN_TEXT = re.compile(r"(/[^\s'\"`,;()]+)")


@dataclass
class Servers:
    """What a case's command line may refer to: ``{llm}`` (base URL), ``{web}`` (page root)."""

    llm: str = ""
    web: str = ""
    chat_requests: Callable[[], int] = lambda: 0


@dataclass
class Case:
    name: str
    argv: list[str]
    """After ``drafter``; ``{ws}``, ``{tmp}``, ``{llm}`` and ``{web}`` are filled in."""
    exit: tuple[int, ...] = (2,)
    says: str = ""
    """A piece of the stderr text expected (case-insensitive)."""
    out: str = ""
    """A piece of stdout expected."""
    kept: str = ""
    """Text that must reach the user: on stdout, or in a file whose path stderr names."""
    stdin: bytes | None = None
    stdin_file: str | None = None
    """A path (``/dev/zero``) opened as stdin instead of ``stdin`` bytes."""
    files: dict[str, bytes | str] = field(default_factory=dict)
    """Relative to the temp folder; ``ws/…`` is the workspace. ``fifo:`` content makes a FIFO."""
    llm: list | None = None
    """Replies for a loopback OpenAI-compatible server (``tests.loopback.Reply``)."""
    web: dict | None = None
    """Routes for a page server: path -> ``tests.pages.Route``."""
    env: dict[str, str] = field(default_factory=dict)
    saves: bool = False
    """True when the command is asked to write in drafts/."""
    interrupt: bool = False
    """Send SIGINT once the LLM server has the request and the answer has started."""
    bound: float = 40.0
    """Seconds after which the case counts as a hang."""
    group: str = "misc"


@dataclass
class Result:
    case: Case
    broken: list[str]
    code: int | None
    stdout: str
    stderr: str
    seconds: float

    @property
    def held(self) -> bool:
        return not self.broken


def _tree_hash(folder: Path) -> dict[str, str]:
    """Every non-hidden file under ``folder`` (drafts, not caches) with its sha256."""
    out: dict[str, str] = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(p.startswith(".") for p in rel.parts):
            continue
        try:
            if path.is_file() and not path.is_symlink():
                out[str(rel)] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            out[str(rel)] = "unreadable"
    return out


def _all_files(root: Path) -> dict[Path, str]:
    """Every regular file under ``root`` with its sha256 (what the case itself wrote, and later
    what the command left)."""
    files: dict[Path, str] = {}
    for path in root.rglob("*"):
        try:
            if path.is_file() and not path.is_symlink():
                files[path] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            pass
    return files


def _prepare(case: Case, tmp: Path) -> None:
    ws = tmp / "ws"
    (ws / "drafts").mkdir(parents=True)
    (ws / "prompts").mkdir()
    (ws / "drafter.toml").write_text("", encoding="utf-8")
    for rel, content in case.files.items():
        path = tmp / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str) and content.startswith("fifo:"):
            if path.exists():
                path.unlink()
            os.mkfifo(path)
        elif isinstance(content, str) and content == "dir:":
            path.mkdir(parents=True, exist_ok=True)
        else:
            path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)


def _env(tmp: Path, case: Case) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DRAFTER_", "OPENAI_", "TIKTOKEN_")) and "proxy" not in k.lower()}
    home = tmp / "home"
    home.mkdir(exist_ok=True)
    env.update({
        "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), "XDG_DATA_HOME": str(home / ".share"),
        "XDG_CACHE_HOME": str(home / ".cache"), "NO_PROXY": "*", "no_proxy": "*", "NO_COLOR": "1",
        "PYTHONPATH": str(REPO), "OPENAI_API_KEY": SECRET, "DRAFTER_RETRIES": "1",
    })
    env.update(case.env)
    return {k: v for k, v in env.items() if v != ""}


def _fill(arg: str, tmp: Path, servers: Servers) -> str:
    return (arg.replace("{ws}", str(tmp / "ws")).replace("{tmp}", str(tmp))
            .replace("{llm}", servers.llm).replace("{web}", servers.web))


def run(case: Case, servers: Servers) -> Result:
    """Run one case in a fresh temp folder; the promises it broke."""
    with tempfile.TemporaryDirectory(prefix="drafter-trust-") as name:
        tmp = Path(name)
        _prepare(case, tmp)
        argv = [_fill(a, tmp, servers) for a in case.argv]
        if "--workspace" not in argv:
            argv = ["--workspace", str(tmp / "ws"), *argv]
        before = _tree_hash(tmp / "ws" / "drafts")
        setup = _all_files(tmp)
        started = time.time()
        stdin = subprocess.PIPE if case.stdin is not None else (
            open(case.stdin_file, "rb") if case.stdin_file else subprocess.DEVNULL)
        proc = subprocess.Popen([sys.executable, "-m", "drafter", *argv], cwd=tmp, env=_env(tmp, case),
                                stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if case.interrupt:
            threading.Thread(target=_interrupt_when_streaming, args=(proc, servers, case.bound), daemon=True).start()
        hung = False
        try:
            out, err = proc.communicate(case.stdin, timeout=case.bound)
        except subprocess.TimeoutExpired:
            hung = True
            proc.kill()
            out, err = proc.communicate()
        finally:
            if hasattr(stdin, "close"):
                stdin.close()
        seconds = time.time() - started
        stdout, stderr = out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
        broken = _check(case, tmp, proc.returncode, stdout, stderr, hung, before, setup)
        return Result(case, broken, None if hung else proc.returncode, stdout, stderr, seconds)


def _interrupt_when_streaming(proc: subprocess.Popen, servers: Servers, bound: float) -> None:
    end = time.monotonic() + bound / 2
    while time.monotonic() < end and proc.poll() is None:
        if servers.chat_requests() > 0:
            time.sleep(0.8)  # let the first chunks reach the client
            break
        time.sleep(0.02)
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)


def _check(case: Case, tmp: Path, code: int | None, stdout: str, stderr: str, hung: bool,
           before: dict[str, str], setup: dict[Path, str]) -> list[str]:
    broken: list[str] = []
    if hung:
        return [f"hang: still running after {case.bound:.0f} s"]
    allowed = {0, 1, 2} | ({130} if case.interrupt else set())
    if code not in allowed:
        broken.append(f"exit {code} is not 0/1/2")
    elif code not in case.exit:
        broken.append(f"exit {code}, expected {'/'.join(map(str, case.exit))}")
    if "Traceback" in stderr or "unexpected error" in stderr:
        broken.append("crash: " + _last_line(stderr))
    bad_lines = [ln for ln in stderr.splitlines() if ln.strip() and not ln.startswith("drafter: ")]
    if bad_lines:
        broken.append(f"stderr line not in the one-line form: {bad_lines[0][:120]!r}")
    if re.search(r"^drafter: drafter: ", stderr, re.M):
        broken.append("message says 'drafter: drafter:'")
    for label, text in (("stdout", stdout), ("stderr", stderr)):
        if CONTROL.search(text):
            broken.append(f"control character on {label}: {CONTROL.search(text).group()!r}")
    if SECRET in stdout or SECRET in stderr or SECRET[3:] in stdout + stderr:
        broken.append("the API key was printed")
    for path, digest in _all_files(tmp).items():
        if setup.get(path) == digest:
            continue  # the case wrote it, not drafter
        try:
            if SECRET.encode() in path.read_bytes():
                broken.append(f"the API key was written to {path.relative_to(tmp)}")
        except OSError:
            pass
    if not case.saves and _tree_hash(tmp / "ws" / "drafts") != before:
        broken.append("drafts/ changed without being asked")
    if case.says and case.says.lower() not in stderr.lower():
        broken.append(f"stderr does not say {case.says!r}: {_last_line(stderr)!r}")
    if case.out and case.out not in stdout:
        broken.append(f"stdout lacks {case.out!r}")
    if case.kept and not _kept(case.kept, stdout, stderr):
        broken.append(f"generated text {case.kept!r} is neither on stdout nor in a file named on stderr")
    return broken


def _kept(text: str, stdout: str, stderr: str) -> bool:
    if text in stdout:
        return True
    for match in PATH_IN_TEXT.finditer(stderr):
        path = Path(match.group(1).rstrip("."))
        try:
            if path.is_file() and text in path.read_text("utf-8", "replace"):
                return True
        except OSError:
            continue
    return False


def _last_line(text: str) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return lines[-1][:200] if lines else ""
