"""Trust cases for the engine and CLI edges of issue 7's second pass (wired in by the integrator).

What the case table cannot express (a SIGTERM or SIGHUP mid-stream, stdout on /dev/full or
closed, a port that answers SSH, a too-long ``DRAFTER_WORKSPACE``: the runner always passes
``--workspace``) is covered in ``tests/test_edges_engine.py``.
"""

from __future__ import annotations

import json

from tests.loopback import Reply

from .cases import GOOD, llm
from .contract import Case

LONG = "a" * 300
NO_HOOK = json.dumps({**GOOD, "hook": ""})
REDIRECT = Reply.error(307, "moved", headers={"location": "/v1/chat/completions"})
MODES_CACHE = "home/.cache/drafter/output-modes.json"


def cases() -> list[Case]:
    g = "edges"
    d = ["draft", "--topic", "night bakeries", "--base-url", "{llm}", "--no-repair"]
    long_ws = ["--workspace", "{tmp}/" + LONG]
    return [
        # 2: an earlier output mode's answer is kept when the next one fails too
        Case("edge-two-modes-garbage", d, exit=(1,), kept="FIRSTB garbage", says="kept in",
             llm=llm(Reply.stream(NO_HOOK), Reply.stream("FIRSTB garbage")), group=g),
        Case("edge-two-modes-earlier-kept", d, exit=(1,), kept=GOOD["question"], says="kept in",
             llm=llm(Reply.stream(NO_HOOK), Reply.stream("FIRSTB garbage")), group=g),
        Case("edge-two-modes-truncated", d, exit=(1,), kept=GOOD["question"], says="cut off",
             llm=llm(Reply.stream(NO_HOOK), Reply.stream("HOOK: Half a", finish_reason="length")), group=g),
        Case("edge-two-modes-interrupted", d, exit=(130,), kept=GOOD["question"], interrupt=True,
             llm=llm(Reply.stream(NO_HOOK), Reply.drip_forever("HOOK: Slow", "!", every=0.05)), group=g),
        # 4: a path the system would refuse is bad input
        *[Case(f"edge-long-workspace-{'-'.join(c)}", [*long_ws, *c], says="not usable", group=g)
          for c in (["doctor"], ["drafts", "list"], ["drafts", "show", "x"], ["templates", "list"],
                    ["templates", "new", "mine"], ["draft", "--engine", "offline", "--topic", "x", "--save"])],
        Case("edge-long-eval-folder", ["eval", "{tmp}/" + LONG, "--engine", "offline"], says="not usable", group=g),
        # 5: doctor against a server that never finishes its headers, or redirects forever
        Case("edge-doctor-slow-headers", ["doctor", "--base-url", "{llm}", "--timeout", "1"], exit=(0,),
             out="no complete answer", llm=llm(Reply.slow_headers(every=0.05, path="models")), bound=20, group=g),
        Case("edge-doctor-redirect-loop", ["doctor", "--base-url", "{llm}"], exit=(0,), out="redirects more than",
             llm=llm(*[Reply.error(307, "moved", headers={"location": "/v1/models"}, path="models")] * 8), group=g),
        # 6: the output-modes cache is only a cache
        Case("edge-modes-cache-nested", d, exit=(0,), out=GOOD["hook"], files={MODES_CACHE: "[" * 100_000},
             llm=llm(Reply.stream(json.dumps(GOOD))), group=g),
        Case("edge-modes-cache-fifo", d, exit=(0,), out=GOOD["hook"], files={MODES_CACHE: "fifo:"}, bound=20,
             llm=llm(Reply.stream(json.dumps(GOOD))), group=g),
        Case("edge-modes-cache-folder", d, exit=(0,), out=GOOD["hook"], files={MODES_CACHE + "/x": "x"},
             llm=llm(Reply.stream(json.dumps(GOOD))), group=g),
        # 7: a redirect loop from the LLM server says so
        Case("edge-llm-redirect-loop", d, exit=(1,), says="too many redirects", llm=llm(*[REDIRECT] * 30), group=g),
    ]
