"""Speed of the terminal app, as ratios and medians (no asserts; run it and read it).

1. Start-up: process start to first frame, ``python -m drafter`` vs a minimal Textual app
   started the same way (under a pseudo-terminal, 80×24): the time until the frame's text
   shows up on the pty. Both quit right after their first frame (drafter through
   :data:`FIRST_FRAME_DRAFTER`, which starts it as ``python -m drafter`` does with that one
   change; nothing in the package exists for the bench); the time to exit is printed too.
   Target: <= 1.5x.
2. Keystroke: in a 3,000-character post, time from a key press to the updated counters and
   preview (in process, Textual's test driver), and the app's own work per keystroke.
   Target: < 16 ms.
3. Whether ``openai`` was imported by starting the app set up for the OpenAI engine and
   typing in it (it must not be: only the first request loads it).

    .venv/bin/python bench/bench_tui.py [--runs 9] [--keys 60]
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import pty
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MINIMAL_APP = '''
from textual.app import App
from textual.widgets import Footer, Label

class Minimal(App):
    def compose(self):
        yield Label("hello")
        yield Footer()

    def on_mount(self):
        self.call_after_refresh(self.exit)

Minimal().run()
'''
FIRST_FRAME_DRAFTER = '''
from drafter.tui.app import DrafterApp

mount = DrafterApp.on_mount

def on_mount(self):
    mount(self)
    self.call_after_refresh(self.exit)

DrafterApp.on_mount = on_mount  # Textual looks its handlers up when it calls them

from drafter.__main__ import main

main()
'''
"""``python -m drafter``, quitting right after the app's first frame is painted."""


def run_in_pty(argv: list[str], env: dict[str, str], marker: bytes, timeout: float = 30.0) -> tuple[float, float]:
    """Spawn ``argv`` under an 80×24 pty. Returns (seconds until ``marker`` appears on the
    screen, i.e. the first frame is painted; seconds until the process exits)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    seen: list[float] = []
    start = 0.0

    def drain() -> None:
        buffer = b""
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            if not seen:
                buffer += data
                if marker in buffer:
                    seen.append(time.perf_counter())

    reader = threading.Thread(target=drain, daemon=True)
    start = time.perf_counter()
    reader.start()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=env.get("PWD"),
                            start_new_session=True)
    os.close(slave)
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise SystemExit(f"{argv} did not exit within {timeout} s")
    ended = time.perf_counter()
    reader.join(timeout=2)
    os.close(master)
    if code != 0:
        raise SystemExit(f"{argv} exited with {code}")
    if not seen:
        raise SystemExit(f"{argv}: {marker!r} never appeared on the screen")
    return seen[0] - start, ended - start


def bench_startup(runs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        (home / "minimal.py").write_text(MINIMAL_APP, encoding="utf-8")
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("DRAFTER_", "OPENAI_")) and k != "PYTHONDONTWRITEBYTECODE"}
        # Byte-code cached as an installed package would have it (in the temp dir, not the repo).
        env.update(PYTHONPYCACHEPREFIX=str(home / "pycache"), TERM="xterm-256color", HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
                   XDG_DATA_HOME=str(home / "data"), XDG_CACHE_HOME=str(home / "cache"),
                   PYTHONPATH=str(ROOT), PWD=str(home))
        drafter_cmd = [sys.executable, "-c", FIRST_FRAME_DRAFTER, "--workspace", str(home / "ws")]
        minimal_cmd = [sys.executable, str(home / "minimal.py")]
        run_in_pty(drafter_cmd, env, b"engine:")  # warm the OS file cache and the .pyc files
        run_in_pty(minimal_cmd, env, b"hello")
        times: dict[str, list[float]] = {"drafter": [], "minimal": [], "drafter_exit": [], "minimal_exit": []}
        for _ in range(runs):  # interleaved, so drift hits both alike
            frame, ended = run_in_pty(drafter_cmd, env, b"engine:")
            times["drafter"].append(frame)
            times["drafter_exit"].append(ended)
            frame, ended = run_in_pty(minimal_cmd, env, b"hello")
            times["minimal"].append(frame)
            times["minimal_exit"].append(ended)
    return {k: statistics.median(v) for k, v in times.items()}


async def bench_keystroke(keys: int) -> tuple[float, float, bool]:
    sys.path.insert(0, str(ROOT))
    from drafter.settings.config import Settings
    from drafter.service.drafting import Drafter
    from drafter.tui.app import make_app
    from drafter.tui.screens.main import MainScreen
    from drafter.settings.paths import Workspace

    async def ready(pilot) -> MainScreen:
        screen = pilot.app.screen
        assert isinstance(screen, MainScreen)
        for _ in range(2000):
            if screen.ready and screen.compose_pane.template_name is not None:
                return screen
            await pilot.pause(0.005)
        raise SystemExit("the app did not start")

    with tempfile.TemporaryDirectory() as tmp:
        workspace = Workspace(Path(tmp), "bench").ensure()
        # An app set up for the OpenAI engine, started and typed in: openai must stay unloaded.
        settings = Settings(engine="openai", base_url="http://127.0.0.1:9/v1", api_key="sk-unused")
        app = make_app(drafter=Drafter(settings, workspace), env={})
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            await pilot.press("h", "i")
            openai_early = "openai" in sys.modules

        drafter = Drafter(Settings(engine="offline"), workspace)
        app = make_app(drafter=drafter, env={})
        latencies: list[float] = []
        work: list[float] = []
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await ready(pilot)
            paragraph = ("We moved our weekly status meeting to a written update and kept one call "
                         "for decisions. Here is what changed over a quarter.\n\n")
            text = (paragraph * 40)[:2990] + "\n\n#Meetings"
            post = screen.query_one("#post")
            post.load_text(text)
            post.focus()
            post.move_cursor((0, 0))
            await pilot.pause()
            original = screen.render_session

            def timed(*args, **kwargs):
                t = time.perf_counter()
                original(*args, **kwargs)
                work.append(time.perf_counter() - t)

            screen.render_session = timed  # type: ignore[method-assign]
            preview = screen.preview
            update_text = preview.update_text
            updated_at = [0.0]  # perf_counter() when the preview last took the text

            def stamped(*args, **kwargs):
                update_text(*args, **kwargs)
                updated_at[0] = time.perf_counter()

            preview.update_text = stamped  # type: ignore[method-assign]
            for i in range(keys):
                before = updated_at[0]
                start = time.perf_counter()
                await pilot.press("x" if i % 2 == 0 else "backspace")
                for _ in range(100):
                    if updated_at[0] != before:
                        break
                    await pilot.pause()
                latencies.append(updated_at[0] - start)
    return statistics.median(latencies) * 1000, statistics.median(work) * 1000, openai_early


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--keys", type=int, default=60)
    args = parser.parse_args()
    t = bench_startup(args.runs)
    latency_ms, work_ms, openai_early = asyncio.run(bench_keystroke(args.keys))
    print(f"start-up (median of {args.runs}, 80x24 pty; first frame = its text appears on the pty):")
    print(f"  python -m drafter     first frame {t['drafter'] * 1000:6.0f} ms   exit {t['drafter_exit'] * 1000:6.0f} ms")
    print(f"  minimal Textual app   first frame {t['minimal'] * 1000:6.0f} ms   exit {t['minimal_exit'] * 1000:6.0f} ms")
    print(f"  ratio to first frame {t['drafter'] / t['minimal']:6.2f}x   (target <= 1.5x)")
    print(f"  ratio to exit        {t['drafter_exit'] / t['minimal_exit']:6.2f}x")
    print(f"keystroke in a 3,000-char post (median of {args.keys}):")
    print(f"  key press -> counters and preview updated  {latency_ms:6.2f} ms   (target < 16 ms)")
    print(f"  app work per keystroke (render_session) {work_ms:6.2f} ms")
    print(f"  ratio to a 16 ms frame                     {latency_ms / 16:6.2f}x")
    print(f"openai imported by start-up and typing (OpenAI engine configured): "
          f"{'YES (regression)' if openai_early else 'no'}")


if __name__ == "__main__":
    main()
