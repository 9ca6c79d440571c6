"""Micro-benchmark: Store.list() over a library of N drafts (default 10,000).

Prints medians and ratios; asserts nothing. The TUI target is < 0.5 s to open 10,000 drafts.

    .venv/bin/python bench/bench_store.py [--drafts 10000] [--repeat 5] [--folder DIR]

Cold   = no .index.json: every file is parsed and validated, the index is written.
Warm   = a fresh Store (new process's view) with an up-to-date .index.json on disk.
Memo   = the same Store listing again (index unchanged on disk, kept in memory).
Touch1 = warm, after one draft changed on disk (one file re-parsed, index rewritten).
GC     = objects the garbage collector tracks for a Store with the library listed (its in-memory
         index, then the 10,000 DraftSummary rows too), and the time of a full gc.collect() then:
         what every full collection in the TUI pays while the library is open.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from drafter.models.post import Parts, assemble  # noqa: E402
from drafter.models.draft import Draft, SourceRecord, now  # noqa: E402
from drafter.storage.store import INDEX_NAME, Store  # noqa: E402

PARAGRAPH = (
    "The county's new recycling line takes in spent lithium cells, shreds them under a nitrogen "
    "blanket and separates the black mass from copper and aluminium foil. Operators say the "
    "recovered nickel and cobalt go back to cathode makers within the same region. "
)


def make_library(folder: Path, n: int) -> None:
    """Write n drafts with 3 revisions each directly (no fsync: setup speed only)."""
    folder.mkdir(parents=True, exist_ok=True)
    article = PARAGRAPH * 12  # ~3,000 chars kept in each draft's source record
    base = now()
    for i in range(n):
        parts = Parts(
            hook=f"Draft {i}: a recycling plant turns old batteries into new ones",
            takeaways=["Cells are shredded under nitrogen", "Black mass is separated", "Metals go back to cathodes"],
            question="Would you buy a car with recycled cells",
            hashtags=["#Recycling", "#Batteries", "#Energy"],
        )
        draft = Draft.new(
            None,
            SourceRecord(kind="text", topic=f"Battery recycling {i}", text=article, chars=len(article)),
            "classic",
            {"tone": "plain", "audience": "engineers", "takeaways": 3, "hashtags": 3},
            parts=parts,
            engine="offline",
            model="extractive",
            id=f"2026-01-01-battery-recycling-{i:05d}",
        )
        for kind in ("regenerate", "edit"):
            draft = draft.revise(kind, text=assemble(parts) + f"\n\n{kind}", engine="offline", model="extractive")  # type: ignore[arg-type]
        when = base - timedelta(minutes=i)
        draft = draft.model_copy(update={"updated": when, "created": when})
        (folder / f"{draft.id}.json").write_text(draft.to_json(), encoding="utf-8")
    old = time.time() - 3600  # past the index's "racy" window, as a real library would be
    for entry in os.scandir(folder):
        os.utime(entry.path, (old, old))


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def tracked() -> int:
    gc.collect()
    return len(gc.get_objects())


def gc_ms(repeat: int) -> str:
    """A full collection's time, min and median (the min is the least disturbed by other load)."""
    runs = []
    for _ in range(max(9, repeat)):
        start = time.perf_counter()
        gc.collect()
        runs.append(time.perf_counter() - start)
    return f"{min(runs) * 1000:5.1f} ms (median {statistics.median(runs) * 1000:5.1f})"


def gc_figures(folder: Path, repeat: int) -> None:
    """Tracked objects and full-collection time: nothing open, the Store's index, plus the rows."""
    base, base_ms = tracked(), gc_ms(repeat)
    store = Store(folder)
    summaries, _ = store.list()
    with_rows, rows_ms = tracked() - base, gc_ms(repeat)
    del summaries
    memo, memo_ms = tracked() - base, gc_ms(repeat)
    print(f"     gc: full collection {base_ms} with no library ({base} tracked objects)")
    print(f"         Store index kept in memory: +{memo:>6} tracked objects, full collection {memo_ms}")
    print(f"         index + the listed DraftSummary rows: +{with_rows:>6} tracked objects, full collection {rows_ms}")
    del store


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--drafts", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--folder", type=Path, default=None, help="reuse/keep a library here")
    args = ap.parse_args()

    tmp = tempfile.TemporaryDirectory() if args.folder is None else None
    folder = args.folder or Path(tmp.name) / "drafts"  # type: ignore[union-attr]
    if not folder.is_dir() or len(os.listdir(folder)) < args.drafts:
        t = timed(lambda: make_library(folder, args.drafts))
        print(f"setup: wrote {args.drafts} drafts in {t:.1f} s")
    size = sum(e.stat().st_size for e in os.scandir(folder) if e.name.endswith(".json"))
    print(f"library: {args.drafts} drafts, {size / 1e6:.1f} MB in {folder}")

    cold, warm, memo, touch1 = [], [], [], []
    for _ in range(args.repeat):
        (folder / INDEX_NAME).unlink(missing_ok=True)
        cold.append(timed(lambda: Store(folder).list()))
        store = Store(folder)
        warm.append(timed(store.list))
        memo.append(timed(store.list))
    victim = next(e.path for e in os.scandir(folder) if e.name.endswith(".json") and e.name[0] != ".")
    for i in range(args.repeat):
        os.utime(victim, ns=(10**18 + i, 10**18 + i))  # a change list() must notice
        touch1.append(timed(lambda: Store(folder).list()))
    summaries, problems = Store(folder).list()
    assert len(summaries) == args.drafts and not problems, (len(summaries), problems[:3])

    med = {k: statistics.median(v) for k, v in
           {"cold": cold, "warm": warm, "memo": memo, "touch1": touch1}.items()}  # fmt: skip
    for name, value in med.items():
        print(f"{name:>7}: median {value * 1000:8.1f} ms  ({args.repeat} runs)")
    print(f"warm/cold ratio: {med['warm'] / med['cold']:.3f}  (cold/warm speed-up x{med['cold'] / med['warm']:.1f})")
    print(f"memo/cold ratio: {med['memo'] / med['cold']:.3f}; touch1/warm ratio: {med['touch1'] / med['warm']:.2f}")
    del store, summaries, problems  # measured from nothing held
    gc_figures(folder, args.repeat)
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
