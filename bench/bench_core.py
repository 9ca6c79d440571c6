"""Core benchmarks, as medians and ratios measured in one invocation (no assertions).

    python bench/bench_core.py [--runs N] [--only offline|process|stream|platforms|voice]

1. offline engine on a 5,000-word article, in process   (target < 50 ms)
   baseline: tokenising the same text with one regex, in the same process
2. `drafter draft --engine offline` as a whole process   (target < 0.3 s)
   baseline: `python -c pass` started the same way, interleaved;
   and with `--platform all` (five versions, counted and split; target well under 1 s)
3. a streamed draft from the loopback server: drafter's OpenAI engine against a bare
   `openai` SDK loop reading the same stream               (target: overhead < 5 %)
4. every platform's version, offline, in process: adapting the example article's post for
   all five platforms, counted and checked (baseline: drafting that post, same process)
5. the voice, with 1,000 past posts: preparing an LLM job (choosing the examples by BM25, the
   voice block) against preparing the same job without a voice, in process, the first job of a
   process (cold: the index built) and the next ones (warm); and `drafter draft --engine offline`
   as a whole process with that voice in the workspace against an empty workspace
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from drafter.models.post import PostSpec  # noqa: E402
from drafter.sources.inputs import from_file, from_text  # noqa: E402

LONG = ROOT / "tests" / "corpus" / "long-review-urban-trees.md"


def article_5000_words() -> str:
    text = from_file(LONG).text
    words = text.split()
    if len(words) < 5000:  # top up with another corpus article to reach 5,000 words
        text += "\n\n" + from_file(ROOT / "tests" / "corpus" / "example-article.md").text
    return text


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def bench_offline(runs: int) -> None:
    from drafter.engines.offline.engine import extract_post

    text = article_5000_words()
    source = from_text(text)
    spec = PostSpec()
    # The engine caches its analysis per text: clear every cache in its modules to time the real work.
    modules = [m for name, m in sorted(sys.modules.items())
               if name.startswith(("drafter.engines.offline.text", "drafter.engines.offline.engine"))]
    caches = {id(f): f for m in modules for f in vars(m).values() if hasattr(f, "cache_clear")}.values()

    def cold() -> None:
        for f in caches:  # the engine caches its analysis per text; measure the real work
            f.cache_clear()
        extract_post(source, spec)

    cold()  # compile regexes once
    engine_ms = median_ms(cold, runs)
    word_re = re.compile(r"\w+")
    base_ms = median_ms(lambda: word_re.findall(text), runs)
    print(f"1. offline engine, {len(text.split()):,} words: median {engine_ms:.1f} ms "
          f"(target 50 ms: {engine_ms / 50:.2f}x of target; {engine_ms / base_ms:.1f}x one regex pass "
          f"of {base_ms:.2f} ms)")


def bench_process(runs: int) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DRAFTER_"))}
    with tempfile.TemporaryDirectory() as ws:
        cmd = [sys.executable, "-m", "drafter", "--workspace", ws, "draft", "--engine", "offline",
               "--article", str(ROOT / "tests" / "corpus" / "example-article.md")]
        base = [sys.executable, "-c", "pass"]
        every = [*cmd, "--platform", "all"]
        drafter_t, base_t, every_t = [], [], []
        for _ in range(runs):  # interleaved, so load on the machine hits all alike
            for argv, bucket in ((cmd, drafter_t), (base, base_t), (every, every_t)):
                t0 = time.perf_counter()
                subprocess.run(argv, env=env, check=True, capture_output=True, cwd=ROOT)
                bucket.append(time.perf_counter() - t0)
    d, b, e = statistics.median(drafter_t), statistics.median(base_t), statistics.median(every_t)
    print(f"2. `drafter draft --engine offline` process: median {d * 1000:.0f} ms "
          f"(target 300 ms: {d / 0.3:.2f}x of target); `python -c pass` {b * 1000:.0f} ms; "
          f"ratio {d / b:.1f}x, drafter's own share {(d - b) * 1000:.0f} ms")
    print(f"   with `--platform all` (five versions): median {e * 1000:.0f} ms "
          f"({e / d:.2f}x the LinkedIn post alone; {(e - d) * 1000:.0f} ms for the four adaptations)")


def bench_stream(runs: int, pieces: int) -> None:
    import openai

    from drafter.settings.config import Settings
    from drafter.service.drafting import Drafter
    from drafter.engines.base import Completed
    from drafter.settings.paths import Workspace
    from tests.loopback import Loopback, Reply

    content = {
        "hook": "Harbour City now recovers 92 percent of the lithium in used car batteries.",
        "takeaways": ["Northwind Materials employs 140 people on the site. " * 2,
                      "The city plans to process 20,000 tonnes a year by 2027. " * 2,
                      "Students from local schools will visit the sorting line. " * 2],
        "question": "Which materials should the next recycling plant in your region go after?",
        "hashtags": ["#BatteryRecycling", "#Lithium", "#HarbourCity"],
    }
    server = Loopback().start()
    tmp = tempfile.mkdtemp()
    try:
        settings = Settings(engine="openai", base_url=server.base_url, api_key="sk-bench", retries=0, timeout=30)
        drafter = Drafter(settings, Workspace(Path(tmp), "bench"), env={"XDG_CACHE_HOME": tmp})
        job = drafter.prepare(from_text(" ".join(content["takeaways"]) * 3), "classic")
        request = job.request(settings)

        async def run_all() -> tuple[list[float], list[float]]:
            engine = drafter.engine
            client = openai.AsyncOpenAI(api_key="sk-bench", base_url=server.base_url, max_retries=0)
            messages = [{"role": "system", "content": request.prompt.system},
                        {"role": "user", "content": request.prompt.user}]

            async def with_drafter() -> None:
                async for event in engine.draft(request):
                    if isinstance(event, Completed):
                        assert event.result.parts.hook

            async def bare() -> None:
                stream = await client.chat.completions.create(
                    model=settings.model, messages=messages, stream=True,
                    stream_options={"include_usage": True},
                    response_format={"type": "json_object"},
                )
                text = []
                async for chunk in stream:
                    if chunk.choices and chunk.choices[0].delta.content:
                        text.append(chunk.choices[0].delta.content)
                assert "".join(text)

            d_t, b_t = [], []
            for i in range(runs + 2):
                for fn, bucket in ((with_drafter, d_t), (bare, b_t)) if i % 2 else ((bare, b_t), (with_drafter, d_t)):
                    server.script(Reply.stream(content, pieces=pieces))
                    t0 = time.perf_counter()
                    await fn()
                    if i >= 2:  # the first two rounds warm connections and imports
                        bucket.append(time.perf_counter() - t0)
            await client.close()
            await drafter.aclose()
            return d_t, b_t

        d_t, b_t = asyncio.run(run_all())
    finally:
        server.stop()
    d, b = statistics.median(d_t), statistics.median(b_t)
    print(f"3. streamed draft, {pieces} chunks: drafter {d * 1000:.1f} ms, bare SDK loop {b * 1000:.1f} ms; "
          f"overhead {(d / b - 1) * 100:+.1f}% (target < 5%)")


def bench_platforms(runs: int) -> None:
    from drafter.models.post import assemble
    from drafter.service.drafting import Drafter
    from drafter.settings.config import Settings
    from drafter.settings.paths import Workspace
    from drafter.sources.inputs import load

    article = ROOT / "tests" / "corpus" / "example-article.md"
    with tempfile.TemporaryDirectory() as ws:
        drafter = Drafter(Settings(engine="offline"), Workspace(root=Path(ws), origin="--workspace"))
        job = drafter.prepare(load(article=str(article)))
        targets = drafter.platforms(["all"])

        async def draft() -> str:
            result, _ = await drafter.generate(job)
            return assemble(result.parts, job.layout)

        text = asyncio.run(draft())

        async def adapt_all() -> None:
            for target in targets:
                version = await drafter.adapt(job, text, target)
                version.findings()

        asyncio.run(adapt_all())  # imports and caches warm, as in a second run in the app
        a = median_ms(lambda: asyncio.run(adapt_all()), runs)
        d = median_ms(lambda: asyncio.run(draft()), runs)
    print(f"4a. adapting for all 5 platforms (counted and checked), in process: median {a:.1f} ms; "
          f"drafting the post {d:.1f} ms; ratio {a / d:.2f}x")


def voice_of(n: int):
    """A voice of ``n`` posts made of the corpus articles' sentences (seeded, so every run alike)."""
    import random
    from datetime import datetime, timedelta, timezone

    from drafter.models.voice import Voice, VoicePost, post_hash
    from tests.voice_fixture import profile

    sentences = [s for p in sorted((ROOT / "tests" / "corpus").glob("*.md"))
                 for s in re.split(r"(?<=[.!?])\s+", from_file(p).text) if 40 < len(s) < 200]
    rng = random.Random(7)
    start = datetime(2026, 10, 1, tzinfo=timezone.utc)
    posts = []
    for i in range(n):
        text = "\n\n".join(" ".join(rng.sample(sentences, 3)) for _ in range(3)) + f"\n\n#post{i}"
        posts.append(VoicePost(id=post_hash(text), text=text, origin="folder", date=start - timedelta(days=i)))
    return Voice(updated=start, posts=posts, profile=profile(n))


def bench_voice(runs: int, n: int = 1000) -> None:
    from drafter.service import voice as voice_service
    from drafter.service.drafting import Drafter
    from drafter.settings.config import Settings
    from drafter.settings.paths import Workspace
    from drafter.sources.inputs import load
    from drafter.storage.voice import save_voice

    voice = voice_of(n)
    source = load(article=str(ROOT / "tests" / "corpus" / "example-article.md"))
    settings = Settings(engine="openai", base_url="http://127.0.0.1:9/v1", api_key="sk-bench")
    with tempfile.TemporaryDirectory() as with_dir, tempfile.TemporaryDirectory() as without_dir:
        save_voice(Path(with_dir) / "voice.json", voice)
        voiced = Drafter(settings, Workspace(Path(with_dir), "bench"))
        bare = Drafter(settings, Workspace(Path(without_dir), "bench"))
        job = voiced.prepare(source)  # imports, the tokenizer and the voice file loaded once
        bare.prepare(source)

        def cold() -> None:
            voice_service._index.cache_clear()
            voiced.prepare(source)

        c, w, b = median_ms(cold, runs), median_ms(lambda: voiced.prepare(source), runs), \
            median_ms(lambda: bare.prepare(source), runs)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DRAFTER_"))}
        article = str(ROOT / "tests" / "corpus" / "example-article.md")
        offline_t: dict[str, list[float]] = {with_dir: [], without_dir: []}
        for _ in range(max(5, runs // 2)):
            for ws, bucket in offline_t.items():
                t0 = time.perf_counter()
                subprocess.run([sys.executable, "-m", "drafter", "--workspace", ws, "draft", "--engine", "offline",
                                "--article", article], env=env, check=True, capture_output=True, cwd=ROOT)
                bucket.append(time.perf_counter() - t0)
    po, pn = (statistics.median(offline_t[d]) for d in (with_dir, without_dir))
    print(f"5. voice of {n:,} posts, LLM job prepared in process ({len(job.voice.examples)} examples): "
          f"first job {c:.1f} ms, next jobs {w:.1f} ms; without a voice {b:.1f} ms "
          f"(ratios {c / b:.1f}x and {w / b:.1f}x; choosing the examples costs {c - b:.0f} ms, then {w - b:.0f} ms)")
    print(f"   `drafter draft --engine offline` with that voice: median {po * 1000:.0f} ms; "
          f"without one {pn * 1000:.0f} ms (ratio {po / pn:.2f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--pieces", type=int, default=200)
    parser.add_argument("--only", choices=["offline", "process", "stream", "platforms", "voice"])
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus, medians of {args.runs} runs")
    chosen = {args.only} if args.only else {"offline", "process", "stream", "platforms", "voice"}
    if "offline" in chosen:
        bench_offline(args.runs)
    if "process" in chosen:
        bench_process(max(5, args.runs // 2))
    if "stream" in chosen:
        bench_stream(args.runs, args.pieces)
    if "platforms" in chosen:
        bench_platforms(max(5, args.runs // 2))
    if "voice" in chosen:
        bench_voice(args.runs)


if __name__ == "__main__":
    main()
