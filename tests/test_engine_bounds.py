"""The OpenAI engine's bounds and what its errors carry, through the real SDK to the loopback server.

- ``EngineError.partial``: every failure after text arrived carries that text.
- The deadline spans one whole generation: retries and output-mode fallbacks included.
- Any event a server can send ends in a Completed or one EngineError line (hypothesis).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from drafter.settings.config import Settings
from drafter.engines.base import Completed, DraftRequest, HookVariantsRequest, Prompt, RegenerateRequest
from drafter.engines.openai.engine import OpenAIEngine
from drafter.common.errors import EngineError
from drafter.models.post import Parts, PostSpec
from drafter.models.source import Source
from tests.loopback import Loopback, Reply, chunk, loopback  # noqa: F401  (fixture)
from tests.test_faults_llm import GOOD

SPEC = PostSpec(takeaways=3, hashtags=3)
SOURCE = Source(kind="topic", topic="code review")
PROMPT = Prompt(system="You write LinkedIn posts.", user="Topic: code review")


def engine(lb: Loopback, tmp_path: Path, **overrides: Any) -> OpenAIEngine:
    values: dict[str, Any] = {"model": "m", "base_url": lb.base_url, "api_key": "sk-test-SECRET", "timeout": 5.0,
                              "retries": 2, "deadline": 30.0}
    values.update(overrides)
    made = OpenAIEngine(Settings(**values), mode_cache=tmp_path / "modes.json")
    made.backoff_base = 0
    return made


async def failure(events: Any) -> EngineError:
    with pytest.raises(EngineError) as info:
        async for _ in events:
            pass
    assert "\n" not in str(info.value) and "SECRET" not in str(info.value)
    return info.value


def request(**kw: Any) -> DraftRequest:
    return DraftRequest(source=SOURCE, spec=SPEC, prompt=PROMPT, **kw)


# ---- partial: the text that had arrived -------------------------------------------------------------


async def test_an_idle_timeout_mid_stream_carries_the_text(loopback, tmp_path):
    loopback.script(Reply.stall('{"hook": "Stalled', pieces=2))
    eng = engine(loopback, tmp_path, timeout=0.3)
    err = await failure(eng.draft(request()))
    await eng.aclose()
    assert err.kind == "timeout" and err.partial == '{"hook": "Stalled'


async def test_a_broken_stream_carries_the_text(loopback, tmp_path):
    loopback.script(Reply.disconnect('{"hook": "Broken'))
    eng = engine(loopback, tmp_path)
    err = await failure(eng.draft(request()))
    await eng.aclose()
    assert err.kind == "connection" and err.partial == '{"hook": "Broken'


async def test_a_later_mode_that_gets_nothing_keeps_the_earlier_answer(loopback, tmp_path):
    loopback.script(Reply.stream({"foo": "an answer that is not a post"}), Reply.error(400, "bad request"))
    eng = engine(loopback, tmp_path)
    err = await failure(eng.draft(request()))
    await eng.aclose()
    assert err.kind == "bad_request" and json.loads(err.partial) == {"foo": "an answer that is not a post"}


async def test_an_error_before_any_text_carries_none(loopback, tmp_path):
    loopback.script(Reply.error(401, "no"))
    eng = engine(loopback, tmp_path)
    err = await failure(eng.draft(request()))
    await eng.aclose()
    assert err.kind == "auth" and err.partial == ""


# ---- the deadline spans the whole generation ---------------------------------------------------------


async def test_the_deadline_ends_a_generation_after_an_output_mode_fallback(loopback, tmp_path):
    # json_schema refused, then json_object drips: one deadline for the whole generation.
    loopback.script(Reply.reject_json_schema(), Reply.drip_forever('{"hook": "', "z", every=0.05))
    eng = engine(loopback, tmp_path, deadline=2)
    err = await failure(eng.draft(request()))
    await eng.aclose()
    assert err.kind == "deadline" and "2 s deadline" in str(err) and err.partial.startswith('{"hook": "z')
    assert [r.body.get("response_format", {}).get("type") for r in loopback.chat_requests] == \
        ["json_schema", "json_object"]


async def test_the_deadline_ends_a_generation_after_a_retry(loopback, tmp_path):
    loopback.script(Reply.error(503, "busy"), Reply.drip_forever(every=0.05))
    eng = engine(loopback, tmp_path, deadline=2)
    err = await failure(eng.draft(request()))
    await eng.aclose()
    assert err.kind == "deadline" and len(loopback.chat_requests) == 2


async def test_a_request_can_carry_its_own_deadline(loopback, tmp_path):
    current = Parts(**GOOD)
    loopback.script(*[Reply.drip_forever(every=0.05) for _ in range(3)])
    eng = engine(loopback, tmp_path, deadline=600)
    requests = [
        eng.draft(request(deadline=0.3)),
        eng.regenerate(RegenerateRequest(part="hook", current=current, source=SOURCE, spec=SPEC, prompt=PROMPT,
                                         deadline=0.3)),
        eng.hook_variants(HookVariantsRequest(source=SOURCE, spec=SPEC, prompt=PROMPT, deadline=0.3)),
    ]
    for events in requests:
        err = await failure(events)
        assert err.kind == "deadline" and "0.3 s deadline" in str(err)
    await eng.aclose()


async def test_a_steady_answer_within_the_deadline_is_untouched(loopback, tmp_path):
    loopback.script(Reply.stream(GOOD, pieces=50))
    eng = engine(loopback, tmp_path, deadline=30)
    events = [e async for e in eng.draft(request())]
    await eng.aclose()
    assert isinstance(events[-1], Completed) and events[-1].result.parts == Parts(**GOOD)


# ---- fuzz: whatever a server sends, one of two endings -------------------------------------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
_PLACES = ("choices", "choice", "delta", "content", "finish_reason", "refusal", "usage", "role")


@st.composite
def _event(draw: st.DrawFn) -> dict[str, Any] | str:
    kind = draw(st.sampled_from(["raw", "value", "chunk", "good"]))
    if kind == "raw":
        return draw(st.text(alphabet=st.characters(blacklist_characters="\r\n"), max_size=40))
    if kind == "value":
        return json.dumps(draw(_JSON))
    if kind == "good":
        return chunk({"content": draw(st.text(max_size=10))})
    event = chunk({"role": "assistant", "content": "x"})
    place, value = draw(st.sampled_from(_PLACES)), draw(_JSON)
    choice = event["choices"][0]
    if place == "choices":
        event["choices"] = value
    elif place == "choice":
        event["choices"] = [value]
    elif place == "delta":
        choice["delta"] = value
    elif place == "finish_reason":
        choice["finish_reason"] = value
    elif place == "usage":
        event["usage"] = value
    else:
        choice["delta"][place] = value
    return event


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=st.lists(_event(), min_size=1, max_size=4))
def test_any_event_stream_ends_in_a_result_or_one_error_line(tmp_path, events):
    async def drive(lb: Loopback) -> None:
        eng = engine(lb, tmp_path, retries=0, timeout=2.0, deadline=5.0)
        try:
            async for _ in eng.draft(request()):
                pass
        except EngineError as exc:
            assert "\n" not in str(exc) and str(exc)
        finally:
            await eng.aclose()

    lb = Loopback().start()
    try:
        lb.script(*[Reply.sse(*events) for _ in range(3)])  # enough for every output-mode fallback
        asyncio.run(drive(lb))
    finally:
        lb.stop()
