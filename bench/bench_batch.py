"""Batch throughput, as ratios, in one run.

(a) LLM: 16 articles at concurrency 4 against the loopback server taking 1 s per answer: the
    batch's wall time as a ratio of the 4-round floor (16 / 4 x 1 s; target within 1.25x). What
    every LLM command pays once before its first request (importing the SDK, loading the
    tokenizer) is timed apart and shown with the ratio it gives when counted in.
(b) Offline: the corpus repeated to 120 articles: articles per second with the process pool
    (one worker per core), and as a ratio against drafting them one after another in the same
    process (the batch runner with one process).

    .venv/bin/python bench/bench_batch.py [--articles 16] [--concurrency 4] [--hold 1.0] [--offline 120]

Prints the figures; asserts nothing. Each run drafts into a fresh temporary workspace.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from drafter.service.batch import run_batch  # noqa: E402
from drafter.service.drafting import Drafter  # noqa: E402
from drafter.sources.batch import expand  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"
GOOD = {"hook": "Code review got faster the week we stopped arguing about style",
        "takeaways": ["Let the formatter own style", "Review intent, not syntax", "Small diffs merge sooner"],
        "question": "What did your team stop reviewing by hand?", "hashtags": ["#CodeReview", "#DevTools", "#Teams"]}


def _workspace(root: Path) -> Path:
    ws = root / "ws"
    (ws / "drafts").mkdir(parents=True)
    (ws / "drafter.toml").write_text("", encoding="utf-8")
    return ws


def _articles(root: Path, count: int) -> Path:
    """The corpus repeated to ``count`` distinct files (a line added: each its own batch key)."""
    folder = root / "articles"
    folder.mkdir()
    corpus = sorted(p for p in CORPUS.iterdir() if p.is_file())
    for i in range(count):
        src = corpus[i % len(corpus)]
        text = src.read_text(encoding="utf-8")
        text = text.replace("</article>", f"<p>Copy {i}.</p></article>") if "</article>" in text else f"{text}\n\nCopy {i}.\n"
        (folder / f"{i:03}-{src.name}").write_text(text, encoding="utf-8")
    return folder


def _batch(drafter: Drafter, folder: Path, **options: object) -> tuple[float, int]:
    started = time.perf_counter()
    summary = drafter.run(lambda: run_batch(drafter, expand([str(folder)]), **options))
    return time.perf_counter() - started, len(summary.of("drafted"))


def bench_llm(articles: int, concurrency: int, hold: float) -> None:
    from tests.loopback import Loopback, Reply

    server = Loopback().start()
    try:
        server.hold = hold
        server.script(*[Reply.stream(GOOD)] * articles)
        with tempfile.TemporaryDirectory() as tmp:
            ws = _workspace(Path(tmp))
            drafter = Drafter.from_environment(ws, {"base_url": server.base_url, "repair": False},
                                               env={"NO_PROXY": "*", "no_proxy": "*"})
            folder = _articles(Path(tmp), articles)
            started = time.perf_counter()  # what any LLM command pays once: the SDK, the tokenizer
            from drafter.service import tokens

            drafter.engine  # noqa: B018 - builds the engine (imports openai)
            tokens.count("warm", drafter.settings.model)
            start_up = time.perf_counter() - started
            seconds, drafted = _batch(drafter, folder, concurrency=concurrency)
        rounds = -(-articles // concurrency)
        floor = rounds * hold
        print(f"llm:     {drafted}/{articles} articles at concurrency {concurrency}, {hold:g} s per answer: "
              f"{seconds:.2f} s; the {rounds}-round floor {floor:.2f} s; ratio {seconds / floor:.3f} (target <= 1.25); "
              f"most in flight at the server: {server.max_in_flight}")
        print(f"llm:     before it, once per process: the SDK and the tokenizer {start_up:.2f} s "
              f"(with it: ratio {(seconds + start_up) / floor:.3f})")
    finally:
        server.stop()


def bench_offline(count: int) -> None:
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = _articles(Path(tmp), count)
        times = {}
        for processes in (1, cores):
            ws = Path(tmp) / f"ws{processes}"
            (ws / "drafts").mkdir(parents=True)
            (ws / "drafter.toml").write_text("", encoding="utf-8")
            drafter = Drafter.from_environment(ws, {"engine": "offline"})
            seconds, drafted = _batch(drafter, folder, processes=processes)
            times[processes] = seconds
            print(f"offline: {drafted}/{count} articles with {processes} process(es): {seconds:.2f} s, "
                  f"{drafted / seconds:.1f} articles/s")
        if cores > 1:
            print(f"offline: pool of {cores} vs one after another in one process: "
                  f"x{times[1] / times[cores]:.2f} the throughput")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=16)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--hold", type=float, default=1.0, help="seconds the server takes per answer")
    ap.add_argument("--offline", type=int, default=120, help="offline articles (the corpus repeated)")
    args = ap.parse_args()
    bench_llm(args.articles, args.concurrency, args.hold)
    bench_offline(args.offline)


if __name__ == "__main__":
    main()
