"""kill -9 while saving: no draft file is ever half-written, and no draft saved before the kill is lost.

Worker processes save new drafts in a loop (and overwrite one shared draft) in one folder,
reporting each save on stdout only after ``Store.save`` returned; ``drafter draft --save``
runs beside them. They are killed with SIGKILL at random points of their progress. Then every
file in the folder must load (a crash may leave a hidden ``.tmp`` file, never listed), every
draft reported saved must be there, and the shared draft must hold one of the versions written.
"""

from __future__ import annotations

import os
import random
import selectors
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from drafter.models.source import Source
from drafter.models.draft import Draft
from drafter.storage.store import Store

ROUNDS = 4
WORKERS = 3
"""Per round: this many looping savers and one CLI ``draft --save``, all killed."""
LINE_TIMEOUT = 60.0
"""Safety bound on waiting for one line from a worker (a stuck worker fails the test)."""

WORKER = r"""
import sys
from drafter.models.source import Source
from drafter.models.draft import Draft
from drafter.storage.store import Store

store, tag, shared_id = Store(sys.argv[1]), sys.argv[2], sys.argv[3]
body = "A sentence of the article that makes the file big enough to be cut mid-write. " * 800
n = 0
while True:
    n += 1
    title = f"{tag} {n}"
    draft = Draft.new(title, Source(kind="text", topic=title, text=body), "classic",
                      text=f"post {title}\n" * 40, id=store.new_id(title))
    store.save(draft)
    sys.stdout.write(f"saved {draft.id}\n")
    sys.stdout.flush()
    shared = store.load(shared_id)
    store.save(shared.model_copy(update={"text": title}))
    sys.stdout.write(f"updated {title}\n")
    sys.stdout.flush()
"""


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DRAFTER_"))}


def _read_lines(proc: subprocess.Popen[str], count: int) -> list[str]:
    """The next ``count`` lines the worker prints (fails if one takes longer than LINE_TIMEOUT)."""
    lines: list[str] = []
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)  # type: ignore[arg-type]
        while len(lines) < count:
            assert sel.select(LINE_TIMEOUT), "a worker printed nothing for a long time"
            line = proc.stdout.readline()  # type: ignore[union-attr]
            assert line, f"a worker ended by itself: {proc.stderr.read()}"  # type: ignore[union-attr]
            lines.append(line.rstrip("\n"))
    return lines


@pytest.mark.slow
def test_kill_9_never_leaves_a_half_written_draft_or_loses_a_saved_one(tmp_path: Path) -> None:
    folder = tmp_path / "drafts"
    store = Store(folder)
    shared = store.save(Draft.new("Shared", Source(kind="topic", topic="Shared"), "classic", text="start",
                                  id=store.new_id("Shared")))
    rng = random.Random(7)
    saved: set[str] = set()
    versions = {"start"}
    runs = kills = 0
    for round_no in range(ROUNDS):
        procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(folder), f"r{round_no}w{i}", shared.id],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
                 for i in range(WORKERS)]  # fmt: skip
        cli = subprocess.Popen([sys.executable, "-m", "drafter", "--workspace", str(tmp_path), "draft", "--engine",
                                "offline", "--topic", f"kill round {round_no}", "--save"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=_env())
        runs += len(procs) + 1
        for proc in procs:  # each one is killed after a random number of completed steps
            for line in _read_lines(proc, rng.randint(1, 6)):
                kind, value = line.split(" ", 1)
                (saved.add if kind == "saved" else versions.add)(value)
        for proc in [*procs, cli]:
            if proc.poll() is None:
                kills += 1
            proc.send_signal(signal.SIGKILL)
        for proc in procs:
            proc.wait()
            for line in proc.stdout.read().split("\n")[:-1]:  # type: ignore[union-attr]  # whole lines only
                kind, value = line.split(" ", 1)
                (saved.add if kind == "saved" else versions.add)(value)
        cli.wait()
        for line in cli.stderr.read().splitlines():  # type: ignore[union-attr]
            if line.startswith("drafter: saved draft "):
                saved.add(line.removeprefix("drafter: saved draft ").strip())
        # A worker killed between its save and its print wrote a version it never reported:
        # every worker's next step is a possible version of the shared draft too.
        for i in range(WORKERS):
            versions.update(f"r{round_no}w{i} {n}" for n in range(1, 200))

    summaries, problems = Store(folder).list()
    assert problems == [], problems  # every draft file in the folder is whole
    listed = {s.id for s in summaries}
    lost = saved - listed
    for draft_id in listed:
        Store(folder).load(draft_id)  # loads in full, not only its header
    assert Store(folder).load(shared.id).text in versions
    leftovers = [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert all(p.startswith(".") for p in leftovers)  # hidden, never listed
    print(f"kill -9: {runs} runs, {kills} kills, {len(saved)} saves reported, {len(lost)} drafts lost, "
          f"{len(leftovers)} temporary files left")
    assert kills >= ROUNDS * WORKERS and not lost
