"""The engine for OpenAI and OpenAI-compatible servers (Ollama, llama.cpp, vLLM, LM Studio).

Streams Chat Completions through the ``openai`` SDK with ``max_retries=0``: retries are
done here so each one can be shown as a :class:`Progress` event. Output modes are tried
in the order json_schema -> json_object -> text; what a server accepted is remembered
per base URL (:mod:`.mode_cache`). Every failure ends in one :class:`EngineError` line
(:mod:`.openai_errors`).

A generation has three layers, each a generator of events: the loop over output modes
(``_generate``), the retries within one mode (``_ask``, following :meth:`Failures.after`)
and one request streamed into a fresh :class:`Attempt` (``_request``).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, AsyncIterator, Callable
from urllib.parse import urlsplit

import openai

from ...common.deadline import Deadline
from ...common.errors import EngineError, InputError, OutputParseError
from ...common.safe_text import one_line
from ...models.post import Parts
from ...settings.config import Settings
from . import parsing
from ..base import (
    AdaptRequest, Chunk, Completed, DraftRequest, DraftResult, Event, HookVariantsRequest, OutputMode,
    PartUpdate, PostsReady, Progress, Prompt, RegenerateRequest, Usage, VariantsReady, every_answer,
)
from .chunks import Attempt
from .errors import MAX_RETRY_WAIT, Failures, display_url, retry_after_seconds
from .limiter import SharedLimiter
from .mode_cache import MODES, ModeCache
from .watchdog import Watchdog

if TYPE_CHECKING:
    from .batches import BatchAPI

__all__ = ["MAX_RETRY_WAIT", "MODES", "OPENAI_URL", "OpenAIEngine", "display_url", "retry_after_seconds"]

OPENAI_URL = "https://api.openai.com/v1"
PARTIAL_INTERVAL = 1 / 30
"""Seconds between partial parses of a streaming answer (30 updates a second at most)."""
ANSWER_CHARS_PER_TOKEN = 16
"""An answer may hold this many characters per token asked for (about four times what any
tokenizer produces) before reading stops: a server that ignores max_tokens cannot fill memory."""
MIN_ANSWER_CHARS = 16_000
"""The smallest cap on an answer, whatever max_tokens is (a LinkedIn post is under 3,000)."""
_MALFORMED = (ValueError, TypeError, AttributeError, KeyError, IndexError)
"""What the SDK or :meth:`Attempt.take` raise for an event that is not a well-formed chunk:
invalid JSON (``JSONDecodeError``), fields of the wrong type, a payload that is not an object."""


def answer_cap(max_tokens: int) -> int:
    """The most characters of answer drafter reads for a request of ``max_tokens``."""
    return max(MIN_ANSWER_CHARS, ANSWER_CHARS_PER_TOKEN * max_tokens)


@dataclass
class _Job:
    """One generation: what to ask for, how to read the answer, and the events that end it."""

    prompt: Prompt
    schema: dict[str, Any]
    instructions: Callable[[str], str]
    """mode -> the output-format instructions appended to the system prompt."""
    parse: Callable[[str, str, list[str]], Any]
    """(text, mode, notes) -> value; raises ValueError."""
    partial: Callable[[str, str], dict[str, parsing.PartValue]] | None
    finish: Callable[["_Outcome"], list[Event]]
    """The last events, from the accepted answer."""
    temperature: float | None
    max_tokens: int
    deadline: float
    """Seconds the whole generation may take."""
    schema_name: str = "linkedin_post"
    """The name json_schema requests give the schema."""


@dataclass
class _Outcome:
    """The accepted answer: its parsed value, the mode it came in, its request and the notes."""

    value: Any
    mode: OutputMode
    attempt: Attempt
    notes: list[str]
    usage: Usage
    """The tokens of every request of the generation (answers retried or asked again included)."""


@dataclass
class _Run:
    """What one generation has received so far, over all its requests (an error carries it all)."""

    deadline: Deadline
    """Ends the whole generation."""
    attempt: Attempt = field(default_factory=Attempt)
    """The latest request's answer (each request reads into a new one: :meth:`next_attempt`)."""
    spent: Usage = field(default_factory=Usage)
    """The tokens of the requests before the latest one."""
    earlier: list[tuple[str, str]] = field(default_factory=list)
    """(label, answer) of earlier output modes: kept in an error's ``partial`` too."""

    def next_attempt(self) -> Attempt:
        """A new request's answer, the tokens of the one before counted in :attr:`spent`."""
        self.spent = self.spent + self.attempt.usage
        self.attempt = Attempt()
        return self.attempt

    @property
    def usage(self) -> Usage:
        """The tokens of every request so far."""
        return self.spent + self.attempt.usage


class _ModeRejected(Exception):
    """The server does not accept the output mode asked for: :meth:`OpenAIEngine._ask` raises
    it, the loop over modes moves on to the next one. ``guessed``: the server only kept failing
    (plain 5xx after every retry), so the next mode is a guess, used but not remembered on disk."""

    def __init__(self, guessed: bool = False) -> None:
        super().__init__()
        self.guessed = guessed


class OpenAIEngine:
    """Drafts through any OpenAI-compatible Chat Completions server."""

    name = "openai"

    def __init__(self, settings: Settings, *, mode_cache: Path | None = None) -> None:
        if not settings.api_key and not settings.base_url:
            raise EngineError(
                "no API key: set OPENAI_API_KEY, or --base-url for a local server, or use --engine offline",
                kind="no_key",
            )
        self.settings = settings
        self.model = settings.model
        self.mode_cache = mode_cache
        self.backoff_base = 0.5
        """Seconds before the first retry; doubled each time (tests set 0)."""
        self.url = display_url(settings.base_url or OPENAI_URL)
        self.host = urlsplit(self.url).netloc or self.url
        self._modes = ModeCache(mode_cache, display_url(settings.base_url) if settings.base_url else "openai")
        self._failures = Failures(settings, self.url, self.host)
        self.limiter = SharedLimiter()
        """After a 429 every request of this engine waits (a batch's workers share it)."""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client = self._new_client()

    def _new_client(self) -> openai.AsyncOpenAI:
        key = self.settings.api_key.get_secret_value() if self.settings.api_key else ""
        return openai.AsyncOpenAI(
            api_key=key or "not-needed",
            base_url=self.settings.base_url,
            timeout=self.settings.timeout,
            max_retries=0,
        )

    def _api(self) -> openai.AsyncOpenAI:
        """The client, rebuilt if the event loop changed (its connections belong to the old one)."""
        loop = asyncio.get_running_loop()
        if self._loop is not None and self._loop is not loop:
            self._client = self._new_client()
        self._loop = loop
        return self._client

    async def aclose(self) -> None:
        await self._client.close()

    # ---- the public protocol ----------------------------------------------------------
    # Each returns the one generator of _generate; the job is built on the first step, so
    # a bad request still fails while iterating, as from an async generator function.

    def draft(self, request: DraftRequest) -> AsyncIterator[Event]:
        return self._generate(lambda: self._draft_job(request))

    def regenerate(self, request: RegenerateRequest) -> AsyncIterator[Event]:
        return self._generate(lambda: self._regenerate_job(request))

    def hook_variants(self, request: HookVariantsRequest) -> AsyncIterator[Event]:
        return self._generate(lambda: self._hooks_job(request))

    def adapt(self, request: AdaptRequest) -> AsyncIterator[Event]:
        return self._generate(lambda: self._adapt_job(request))

    # ---- the OpenAI Batch API: the same request and the same reading, one answer at a time ----

    def batch_body(self, request: DraftRequest | AdaptRequest) -> dict[str, Any]:
        """The Chat Completions body of a Batch API request for ``request``: what an interactive
        draft (or ``drafter adapt``, for an :class:`AdaptRequest`) sends in json_schema mode
        (messages, schema, limits), not streamed."""
        params = self._params(self._batch_job(request), "json_schema")
        del params["stream"], params["stream_options"]
        return params

    def batch_result(self, request: DraftRequest, completion: Any) -> DraftResult:
        """The draft in a Batch API answer to ``request`` (an output line's ``chat.completion``
        body), checked and parsed as a streamed answer is. EngineError when it holds no usable
        answer (cut off, refused, empty), OutputParseError (the text in ``raw``) when no reader
        accepts it."""
        *_, done = self._batch_events(request, completion)
        assert isinstance(done, Completed)
        return done.result

    def batch_posts(self, request: AdaptRequest, completion: Any) -> PostsReady:
        """The platform's posts in a Batch API answer to ``request``, read as :meth:`batch_result`
        reads a draft (the same errors); counting and fitting them is the service's."""
        [ready] = self._batch_events(request, completion)
        assert isinstance(ready, PostsReady)
        return ready

    def _batch_job(self, request: DraftRequest | AdaptRequest) -> _Job:
        return self._adapt_job(request) if isinstance(request, AdaptRequest) else self._draft_job(request)

    def _batch_events(self, request: DraftRequest | AdaptRequest, completion: Any) -> list[Event]:
        """The last events of a streamed generation, from one Batch API answer."""
        from .batches import answer_of

        job = self._batch_job(request)
        attempt = answer_of(completion, self._failures)
        self._failures.check_answer(attempt.text, attempt.refusal, attempt.finish_reason, job.max_tokens)
        notes: list[str] = []
        try:
            value = job.parse(attempt.text, "json_schema", notes)
        except ValueError as exc:
            raise OutputParseError(f"the model's answer could not be read ({exc})", raw=attempt.text) from None
        return job.finish(_Outcome(value, "json_schema", attempt, notes, attempt.usage))

    def batch_api(self) -> "BatchAPI":
        """This engine's server as a Batch API (files and batches), with its client settings and
        the SDK's own retries (``retries``): no stream to show progress of here."""
        from .batches import BatchAPI

        return BatchAPI(self._api().with_options(max_retries=self.settings.retries), self._failures)

    # ---- jobs -------------------------------------------------------------------------------

    def _job(self, request: DraftRequest | RegenerateRequest | HookVariantsRequest | AdaptRequest,
             schema: dict[str, Any], text_instructions: str, parse: Callable[[str, str, list[str]], Any],
             partial: Callable[[str, str], dict[str, parsing.PartValue]] | None,
             finish: Callable[[_Outcome], list[Event]], *,
             json_instructions: Callable[..., str] = parsing.json_instructions,
             schema_name: str = "linkedin_post") -> _Job:
        def instructions(mode: str) -> str:
            return text_instructions if mode == "text" else json_instructions(schema, in_prompt=mode == "json_object")

        return _Job(request.prompt, schema, instructions, parse, partial, finish, request.temperature,
                    request.max_tokens or self.settings.max_tokens,
                    request.deadline or self.settings.deadline, schema_name)

    def _draft_job(self, request: DraftRequest) -> _Job:
        spec = request.spec

        def finish(out: _Outcome) -> list[Event]:
            parts: Parts = out.value
            updates = [PartUpdate(n, parts.get(n), complete=True) for n in parts.names()]
            return [*updates, Completed(self._result(parts, out))]

        return self._job(request, parsing.json_schema_for(spec), parsing.text_instructions(spec),
                         lambda text, mode, notes: parsing.parse_post(text, mode, spec, notes),
                         lambda text, mode: parsing.partial_post(text, mode, spec), finish)

    def _regenerate_job(self, request: RegenerateRequest) -> _Job:
        part, spec = request.part, request.spec
        if part not in spec.part_names():
            raise InputError(f"unknown part {part!r}: choose one of {', '.join(spec.part_names())}")

        def parse(text: str, mode: str, notes: list[str]) -> Parts:
            return parsing.replace_part(request.current, part, parsing.parse_part(text, part, spec), spec)

        def finish(out: _Outcome) -> list[Event]:
            parts: Parts = out.value
            return [PartUpdate(part, parts.get(part, ""), complete=True), Completed(self._result(parts, out))]

        return self._job(request, parsing.part_schema(part, spec), parsing.part_text_instructions(part), parse,
                         lambda text, mode: parsing.partial_part(text, mode, part, spec), finish)

    def _hooks_job(self, request: HookVariantsRequest) -> _Job:
        def parse(text: str, mode: str, notes: list[str]) -> list[str]:
            return parsing.parse_hooks(text, request.n)

        def finish(out: _Outcome) -> list[Event]:
            return [VariantsReady(hooks=out.value, usage=out.usage)]

        return self._job(request, parsing.hooks_schema(request.n), parsing.hooks_text_instructions(request.n),
                         parse, None, finish)

    def _adapt_job(self, request: AdaptRequest) -> _Job:
        """The post as another platform's posts: ``{"posts": [...]}``, or ``POST 1:`` labels.

        Counting and fitting the posts is the service's; here they are read as written."""

        def finish(out: _Outcome) -> list[Event]:
            a = out.attempt
            return [PostsReady(posts=out.value, engine="openai", model=self.model, mode=out.mode, usage=out.usage,
                               raw=a.text, notes=out.notes)]

        return self._job(request, parsing.posts_schema(), parsing.posts_text_instructions(), parsing.parse_posts,
                         None, finish, json_instructions=parsing.posts_json_instructions,
                         schema_name="platform_posts")

    def _result(self, parts: Parts, out: _Outcome) -> DraftResult:
        a = out.attempt
        return DraftResult(parts=parts, engine="openai", model=self.model, mode=out.mode, usage=out.usage,
                           finish_reason=a.finish_reason, raw=a.text, notes=out.notes)

    # ---- generation: the loop over output modes, the retries in one mode, one request -------

    async def _generate(self, make_job: Callable[[], _Job]) -> AsyncIterator[Event]:
        """Ask, moving through the output modes, until the job's parser accepts an answer.

        The loop over modes: a mode the server does not accept moves on to the next one (and
        the mode cache learns it); JSON the parser cannot read asks once more for labelled text.
        Retries within a mode are :meth:`_ask`'s. Every :class:`EngineError` leaves carrying
        all the answer text that had arrived (``partial``); the whole generation ends by the
        job's deadline.
        """
        job = make_job()
        run = _Run(Deadline(job.deadline))
        try:
            yield Progress(f"connecting to {self.host} ({self.model})")
            accepted = ask = self._modes.start()  # accepted: the mode the server took; ask: the one asked for
            notes: list[str] = []
            guessed = False  # the server never said the mode was the problem
            while True:
                try:
                    async with contextlib.aclosing(self._ask(job, ask, run)) as events:
                        async for event in events:
                            yield event
                except _ModeRejected as rejection:
                    rejected, accepted = ask, MODES[MODES.index(ask) + 1]
                    ask, guessed = accepted, rejection.guessed
                    if guessed:
                        notes.append(f"{rejected} requests kept failing with server errors; used {accepted} instead")
                        yield Progress(f"{rejected} requests kept failing with server errors; trying {accepted}")
                    else:
                        notes.append(f"the server does not accept {rejected} output; used {accepted} instead")
                        yield Progress(f"{rejected} output not supported by the server; retrying with {accepted}")
                    run.earlier.append((f"{rejected} output, not accepted by the server", run.attempt.text))
                    continue
                attempt = run.attempt
                self._failures.check_answer(attempt.text, attempt.refusal, attempt.finish_reason, job.max_tokens,
                                            chunks=attempt.chunks, content_type=attempt.content_type)
                try:
                    value = job.parse(attempt.text, ask, notes)
                except ValueError as exc:
                    if ask == "text":
                        raise OutputParseError(f"the model's answer could not be read ({exc})",
                                               raw=attempt.text) from None
                    run.earlier.append((f"{ask} output, not readable: {one_line(str(exc), 160)}", attempt.text))
                    ask = "text"
                    notes.append(f"the model's JSON could not be read ({exc}); asked again for labelled text")
                    yield Progress("the JSON answer did not fit; asking again for labelled text")
                    continue
                self._modes.remember(accepted, persist=not guessed)  # an outage is not the server's mode
                for event in job.finish(_Outcome(value, ask, attempt, notes, run.usage)):
                    yield event
                return
        except EngineError as exc:
            exc.partial = every_answer(exc.partial or run.attempt.text, run.earlier)
            exc.usage = run.usage
            raise

    async def _ask(self, job: _Job, mode: OutputMode, run: _Run) -> AsyncIterator[Event]:
        """Ask in ``mode`` until an answer has arrived (left in ``run.attempt``).

        After a failed request :meth:`Failures.after` decides: ask again (after a wait, shown
        as a :class:`Progress`), raise its :class:`EngineError`, or give up on the mode
        (:class:`_ModeRejected`). Each request reads into a new :class:`Attempt`.
        """
        params = self._params(job, mode)
        failures = 0
        while True:
            pause = self.limiter.remaining()
            if pause > 0:  # another request of this engine was told to slow down
                if pause >= run.deadline.remaining():
                    raise self._failures.deadline(job.deadline, f"rate limited: the next request was {pause:.0f} s away")
                yield Progress(f"rate limited; waiting {pause:.0f} s with every request")
                await self.limiter.wait()
            attempt = run.next_attempt()
            try:
                async with contextlib.aclosing(self._request(job, mode, params, attempt, run.deadline)) as events:
                    async for event in events:
                        yield event
                return
            except (openai.APIError, TimeoutError) as exc:
                if run.deadline.passed():
                    raise self._failures.deadline(job.deadline) from None
                retry = self._failures.after(
                    exc, mode=mode, params=params, received=len(attempt.text),
                    started=bool(attempt.text or attempt.refusal), failures=failures, backoff=self.backoff_base)
            if retry.next_mode:
                raise _ModeRejected(retry.guessed)
            failures = retry.failures
            if retry.wait is not None and retry.wait >= run.deadline.remaining():
                raise self._failures.deadline(job.deadline, f"the next retry was {retry.wait:.0f} s away")
            if retry.throttled and retry.wait is not None:
                self.limiter.hold(retry.wait)  # every request of this engine waits with this one
                yield Progress(retry.message)
                await self.limiter.wait()
                continue
            yield Progress(retry.message)
            if retry.wait is not None:
                await asyncio.sleep(retry.wait)

    async def _request(self, job: _Job, mode: OutputMode, params: dict[str, Any], attempt: Attempt,
                       deadline: Deadline) -> AsyncIterator[Event]:
        """One request in one mode: stream the answer into ``attempt``, yielding each
        :class:`Chunk` and, throttled, the parts parsed so far.

        Raises ``openai.APIError`` or ``TimeoutError`` for :meth:`_ask` to judge, and an
        :class:`EngineError` for a malformed or oversized stream. This is the hot path: the
        loop keeps what it needs in locals.
        """
        if deadline.passed():
            raise TimeoutError
        partial, cap = job.partial, answer_cap(job.max_tokens)
        stream: Any = None
        watchdog: Watchdog | None = None
        try:
            # Headers within the timeout: a server sending one header line a second never
            # trips the SDK's per-read timeout.
            async with asyncio.timeout(deadline.bound(self.settings.timeout)):
                stream = await self._api().chat.completions.create(**params)
            attempt.content_type = stream.response.headers.get("content-type", "")
            # Idle timeout between chunks: a stalled stream ends even if no socket read times out.
            watchdog = Watchdog(self.settings.timeout, deadline)
            clock, next_chunk, take = time.monotonic, stream.__anext__, attempt.take
            while True:
                now = clock()
                if now >= deadline.at:  # a steady stream never waits long enough for the watchdog
                    raise TimeoutError
                watchdog.waiting_since = now
                try:
                    content = take(await next_chunk())
                except StopAsyncIteration:
                    break
                except asyncio.CancelledError:
                    watchdog.reraise_as_timeout()
                    raise
                except _MALFORMED as exc:
                    raise self._failures.malformed(exc, len(attempt.text)) from exc
                finally:
                    watchdog.waiting_since = None
                if content:
                    if len(attempt.text) > cap:
                        attempt.text = attempt.text[:cap]
                        raise self._failures.oversized(cap, job.max_tokens)
                    yield Chunk(content, len(attempt.text))
                    # Re-parsing the growing JSON on every chunk costs ~20 µs a chunk; a UI
                    # needs no more than PARTIAL_INTERVAL updates, and the end parses anyway.
                    if partial is not None and clock() - attempt.parsed_at >= PARTIAL_INTERVAL:
                        for update in attempt.updates(partial(attempt.text, mode), clock()):
                            yield update
            if partial is not None and attempt.parsed_len != len(attempt.text):
                # The throttle may have skipped the tail: show the whole answer once more.
                for update in attempt.updates(partial(attempt.text, mode), clock()):
                    yield update
        finally:
            if watchdog is not None:
                watchdog.close()
            if stream is not None:
                await stream.close()

    def _params(self, job: _Job, mode: str) -> dict[str, Any]:
        system = f"{job.prompt.system.rstrip()}\n\n{job.instructions(mode)}".strip()
        params: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": job.prompt.user}],
            "stream": True,
            "stream_options": {"include_usage": True},
            "max_tokens": job.max_tokens,
        }
        temperature = job.temperature if job.temperature is not None else self.settings.temperature
        if temperature is not None:
            params["temperature"] = temperature
        if mode == "json_schema":
            params["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": job.schema_name, "strict": True, "schema": job.schema},
            }
        elif mode == "json_object":
            params["response_format"] = {"type": "json_object"}
        return params
