"""Speed and memory of the drafts library screen over 10,000 drafts (no asserts: read it).

    .venv/bin/python bench/bench_library.py [--drafts 10000] [--repeat 5] [--folder DIR]

Creates the drafts through the Store API (3 revisions each, posts of ~1,200 chars: the search
and the preview carry the post text, from .texts.json) in a temporary workspace, then
prints medians and their ratios to the targets:

open     push DraftsScreen in a headless app (run_test) until the screen has repainted with
         the table filled; a fresh Drafter/Store each run, reading the store's .index.json
         (target < 0.5 s). Store.list() alone is printed too: most of the time is there. The first,
         cold open (no index yet: every file parsed) is printed too, for information.
filter   one keystroke in the filter: Input.Changed -> filter 10,000 haystacks -> rebuild the
         table (one page, 200 rows); the handler's wall time, and the CPU time from the change
         to the repainted screen (an idle pilot.pause()'s CPU subtracted; pilot.press itself
         waits ~100 ms on timers, so its wall time says nothing) (target < 50 ms).
memory   VmRSS of a separate process that has the library open (target < 150 MB).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.app import App  # noqa: E402
from textual.widgets import Input  # noqa: E402

from drafter.settings.config import Settings  # noqa: E402
from drafter.service.drafting import Drafter  # noqa: E402
from drafter.models.post import Parts, assemble  # noqa: E402
from drafter.models.draft import Draft, SourceRecord, now  # noqa: E402
from drafter.storage.store import Store  # noqa: E402
from drafter.tui.screens.library import DraftsScreen  # noqa: E402
from drafter.settings.paths import Workspace  # noqa: E402

TARGET_OPEN_S = 0.5
TARGET_KEY_MS = 50.0
TARGET_RSS_MB = 150.0
TEMPLATES = ("classic", "story", "how-to", "news-takeaways", "contrarian", "weekly-notes")
WORDS = ("battery", "recycling", "remote", "work", "survey", "launch", "database", "postmortem",
         "hiring", "pricing", "platform", "security", "design", "review", "meeting", "budget",
         "customer", "roadmap", "migration", "lesson", "team", "shade", "trees", "week")  # fmt: skip
QUERIES = ("recycling", "story", "e", "ba", "zzz-no-match", "team budget", "trees shade week")
"""Typed one character at a time; the last two match every word in any order (the multi-word path)."""


def make_library(root: Path, n: int, seed: int = 7, post_chars: int = 1200) -> float:
    """n drafts with 3 revisions each, written with Store.save (atomic, fsync), posts of about
    ``post_chars`` characters (what the index, the search and the preview carry). Returns seconds."""
    rng = random.Random(seed)
    store = Store(root / "drafts")
    base = now()
    started = time.perf_counter()
    for i in range(n):
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 8))).capitalize()
        body = " ".join(rng.choice(WORDS) for _ in range(post_chars // 7))  # ~7 chars a word
        parts = Parts(hook=f"{title}: what we learned", takeaways=[f"{body[: len(body) // 3]}.", "Another thing.",
                      f"{body[len(body) // 3:]}."], question="What would you do?", hashtags=["#Work", "#Lessons"])
        article = f"{title}. " * rng.randint(20, 120)
        draft = Draft.new(title, SourceRecord(kind="text", topic=title, text=article, chars=len(article)),
                          rng.choice(TEMPLATES), {"tone": "plain"}, parts=parts, engine="offline",
                          model="extractive", id=f"2026-01-01-bench-{i:05d}")
        for kind in ("regenerate", "edit"):
            draft = draft.revise(kind, text=assemble(parts) + f"\n\n{kind} {i}", engine="offline")  # type: ignore[arg-type]
        when = base - timedelta(minutes=i)
        store.save(draft.model_copy(update={"created": when, "updated": when}), touch=False)
    return time.perf_counter() - started


def _newest_mtime(folder: Path) -> float:
    return max((p.stat().st_mtime for p in folder.glob("*.json")), default=0.0)


class Host(App[None]):
    """A bare app with a drafter, like the real one."""

    def __init__(self, drafter: Drafter) -> None:
        super().__init__()
        self.drafter = drafter


def drafter_for(root: Path) -> Drafter:
    return Drafter(Settings(engine="offline"), Workspace(root, "bench"))


async def _wait(pilot, predicate, limit: float = 60.0) -> None:
    deadline = time.perf_counter() + limit
    while not predicate():
        if time.perf_counter() > deadline:
            raise RuntimeError("the library did not load")
        await pilot.pause()


async def open_once(root: Path) -> float:
    """Seconds from pushing the screen to the first repaint after the table was filled."""
    app = Host(drafter_for(root))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = DraftsScreen()
        painted: list[float] = []
        original = screen._apply_filter

        def filled(query: str, select: str | None = None) -> None:
            original(query, select)
            if not painted:
                screen.call_after_refresh(lambda: painted.append(time.perf_counter()))

        screen._apply_filter = filled  # type: ignore[method-assign]
        started = time.perf_counter()
        app.push_screen(screen)
        await _wait(pilot, lambda: bool(painted))
        assert screen.query_one("#library-table").row_count > 0
        return painted[0] - started


async def filter_keys(root: Path) -> tuple[list[float], list[float], int]:
    """Per keystroke, in ms: the handler (wall clock), and the CPU from the keystroke to the
    repainted screen (handler + table + compositor), with the CPU of an idle pilot.pause()
    subtracted. Each query is typed one character at a time into the filter Input."""
    app = Host(drafter_for(root))
    handler: list[float] = []
    cpu: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = DraftsScreen()
        app.push_screen(screen)
        await _wait(pilot, lambda: screen.loaded and screen.searchable)
        total = len(screen._rows)
        original = screen._apply_filter

        def timed(query: str, select: str | None = None) -> None:
            started = time.perf_counter()
            original(query, select)
            handler.append((time.perf_counter() - started) * 1000)

        screen._apply_filter = timed  # type: ignore[method-assign]
        await pilot.press("slash")
        field = screen.query_one("#library-filter", Input)
        for query in QUERIES:
            for typed in [query[: i + 1] for i in range(len(query))] + [""]:
                idle = time.process_time()
                await pilot.pause()
                idle = time.process_time() - idle
                started = time.process_time()
                field.value = typed  # what a keystroke does: Input.Changed -> filter -> table
                await pilot.pause()
                cpu.append(max(0.0, time.process_time() - started - idle) * 1000)
    return handler, cpu, total


def child_rss(root: Path) -> None:
    """In a fresh process: open the library, then print VmRSS (kB) as JSON."""

    baseline = _vmrss_kb()

    async def measure() -> dict[str, int]:
        app = Host(drafter_for(root))
        async with app.run_test(size=(120, 40)) as pilot:
            screen = DraftsScreen()
            app.push_screen(screen)
            await _wait(pilot, lambda: screen.loaded and screen.searchable)
            await pilot.press("slash", "e")
            await pilot.pause()
            return {"rss_kb": _vmrss_kb(), "rows": len(screen._rows), "baseline_kb": baseline}

    print(json.dumps(asyncio.run(measure())))


def _vmrss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return -1


def rss_in_subprocess(root: Path) -> dict[str, int]:
    out = subprocess.run([sys.executable, __file__, "--child-rss", str(root)], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def line(label: str, value: float, unit: str, target: float) -> str:
    return f"  {label:<46} {value:9.2f} {unit:<3} = {value / target:5.2f}x target ({target:g} {unit})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drafts", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--folder", type=Path, help="reuse/keep this workspace (created if missing)")
    parser.add_argument("--post-chars", type=int, default=1200, help="length of each post (LinkedIn: up to 3,000)")
    parser.add_argument("--child-rss", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_rss:
        child_rss(args.child_rss)
        return

    tmp = None
    if args.folder:
        root = args.folder
    else:
        tmp = tempfile.TemporaryDirectory(prefix="drafter-bench-library-")
        root = Path(tmp.name) / "ws"
    try:
        existing = len(list((root / "drafts").glob("*.json"))) if (root / "drafts").is_dir() else 0
        if existing < args.drafts:
            print(f"creating {args.drafts:,} drafts (3 revisions each) with Store.save ...", flush=True)
            secs = make_library(root, args.drafts, post_chars=args.post_chars)
            print(f"  done in {secs:.1f} s ({secs / args.drafts * 1000:.2f} ms per draft, fsync included)")
        (root / "drafts" / ".index.json").unlink(missing_ok=True)
        # Store.list() re-reads files modified within 2 s of its index's scan (coarse mtime
        # clocks) until the index is rewritten: let the fresh files age past that window, as
        # drafts written over days have, so "warm" measures the index and not that window.
        time.sleep(max(0.0, 2.1 - (time.time() - _newest_mtime(root / "drafts"))))

        cold = asyncio.run(open_once(root))
        opens = [asyncio.run(open_once(root)) for _ in range(args.repeat)]
        lists = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            Store(root / "drafts").list()
            lists.append(time.perf_counter() - started)
        handler: list[float] = []
        cpu: list[float] = []
        total = 0
        for _ in range(max(1, args.repeat // 2)):
            h, c, total = asyncio.run(filter_keys(root))
            handler += h
            cpu += c
        rss = rss_in_subprocess(root)

        print(f"\ndrafts library, {total:,} drafts of ~{args.post_chars:,}-char posts (medians of {args.repeat} runs; ratios < 1 meet the target)")
        print(f"  {'open, cold (no index: every file parsed; info)':<46} {cold:9.2f} s")
        print(line("open until the table is painted (warm index)", statistics.median(opens), "s", TARGET_OPEN_S))
        print(f"  {'  of which Store.list() (fresh Store, warm)':<46} {statistics.median(lists):9.2f} s")
        print(line("filter keystroke, handler (filter + table)", statistics.median(handler), "ms", TARGET_KEY_MS))
        print(f"  {'  worst keystroke, handler':<46} {max(handler):9.2f} ms")
        print(line("filter keystroke to repainted screen (CPU)", statistics.median(cpu), "ms", TARGET_KEY_MS))
        print(f"  {'  90th percentile':<46} {statistics.quantiles(cpu, n=10)[-1]:9.2f} ms")
        print(f"  {'  worst':<46} {max(cpu):9.2f} ms")
        print(line("resident memory, library open (VmRSS)", rss["rss_kb"] / 1024, "MB", TARGET_RSS_MB))
        print(f"  {'  before the app started (interpreter+imports)':<46} {rss['baseline_kb'] / 1024:9.2f} MB")
    finally:
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    main()
