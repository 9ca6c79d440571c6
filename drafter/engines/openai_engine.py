"""The engine for OpenAI and OpenAI-compatible servers (Ollama, llama.cpp, vLLM, LM Studio).

Streams Chat Completions through the ``openai`` SDK with ``max_retries=0``: retries are
done here so each one can be shown as a :class:`Progress` event. Output modes are tried
in the order json_schema -> json_object -> text; what a server accepted is remembered
per base URL in a small JSON file. Every failure ends in one :class:`EngineError` line.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import os
import re
import tempfile
import time
from contextlib import aclosing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, AsyncIterator, Callable, Mapping
from urllib.parse import urlsplit

import openai
from pydantic import ValidationError

from ..config import Settings
from ..errors import EngineError, InputError, OutputParseError
from ..post import PART_NAMES, Parts, PostSpec, strip_bullet
from . import parsing
from .base import (
    Chunk, Completed, DraftRequest, DraftResult, Event, HookVariantsRequest, OutputMode,
    PartUpdate, Progress, Prompt, RegenerateRequest, Usage, VariantsReady,
)

MODES: tuple[OutputMode, ...] = ("json_schema", "json_object", "text")
OPENAI_URL = "https://api.openai.com/v1"
MAX_RETRY_WAIT = 60.0
"""Longest wait honoured from a retry-after header, in seconds."""
_SCHEMA_WORDS = ("response_format", "json_schema", "json_object", "json mode", "structured output")
_CONTEXT_WORDS = ("context_length", "context length", "maximum context", "context window", "too many tokens")


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """What a 429/503 asks us to wait: ``retry-after-ms``, ``retry-after`` seconds or HTTP date."""
    try:
        return max(0.0, float(headers["retry-after-ms"]) / 1000)
    except (KeyError, ValueError):
        pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


def display_url(url: str) -> str:
    """A base URL without user info or query, safe to print and to use as a cache key."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = host + (f":{parts.port}" if parts.port else "")
    return f"{parts.scheme}://{netloc}{parts.path}".rstrip("/") if parts.scheme else url.rstrip("/")


class _Rejected(Exception):
    """The server does not accept this output mode."""


@dataclass
class _Job:
    """One generation: what to ask for and how to read the answer."""

    prompt: Prompt
    schema: dict[str, Any]
    instructions: Callable[[str], str]
    parse: Callable[[str, str, list[str]], Any]
    """(text, mode, notes) -> value; raises ValueError."""
    partial: Callable[[str, str], dict[str, parsing.PartValue]] | None
    temperature: float | None
    max_tokens: int


PARTIAL_INTERVAL = 1 / 30
"""Seconds between partial parses of a streaming answer (30 updates a second at most)."""


@dataclass
class _Attempt:
    text: str = ""
    refusal: str = ""
    finish_reason: str | None = None
    usage: Usage = field(default_factory=Usage)
    shown: dict[str, tuple[Any, bool]] = field(default_factory=dict)
    parsed_at: float = float("-inf")
    """Loop time of the last partial parse (parses are throttled to PARTIAL_INTERVAL)."""
    parsed_len: int = 0
    """How much of ``text`` the last partial parse saw."""

    def reset(self) -> None:
        self.__dict__.update(_Attempt().__dict__)


@dataclass
class _Outcome:
    value: Any = None
    mode: OutputMode = "json_schema"
    attempt: _Attempt = field(default_factory=_Attempt)
    notes: list[str] = field(default_factory=list)


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
        self._cache_key = display_url(settings.base_url) if settings.base_url else "openai"
        self._mode: OutputMode | None = None
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

    async def draft(self, request: DraftRequest) -> AsyncIterator[Event]:
        spec = request.spec
        schema = parsing.json_schema_for(spec)

        def parse(text: str, mode: str, notes: list[str]) -> Parts:
            readers = [parsing.parse_json_parts, parsing.parse_text_parts]
            if mode == "text":
                readers.reverse()
            try:
                parts = readers[0](text, spec)
            except ValueError as first:
                try:
                    parts = readers[1](text, spec)
                except ValueError:
                    raise first from None
            if mode != "text" and not parsing.matches_schema(text, spec):
                notes.append("the model's JSON did not follow the schema exactly; it was read tolerantly")
            return parts

        def partial(text: str, mode: str) -> dict[str, parsing.PartValue]:
            if mode == "text":
                return parsing.partial_text_parts(text, spec)
            return parsing.part_values(parsing.partial_parts(text), spec)

        job = _Job(request.prompt, schema, self._instructions(schema, parsing.text_instructions(spec)),
                   parse, partial, request.temperature, request.max_tokens or self.settings.max_tokens)
        out = _Outcome()
        async with aclosing(self._generate(job, out)) as events:
            async for event in events:
                yield event
        parts: Parts = out.value
        for name in (*PART_NAMES[:2], *parts.extras, *PART_NAMES[2:]):
            value = parts.extras[name] if name in parts.extras else getattr(parts, name)
            yield PartUpdate(name, value, complete=True)
        yield Completed(self._result(parts, out))

    async def regenerate(self, request: RegenerateRequest) -> AsyncIterator[Event]:
        part, spec = request.part, request.spec
        if part not in PART_NAMES and part not in spec.extra_keys:
            choices = ", ".join((*PART_NAMES, *spec.extra_keys))
            raise InputError(f"unknown part {part!r}: choose one of {choices}")
        schema = parsing.part_schema(part, spec)

        def parse(text: str, mode: str, notes: list[str]) -> Parts:
            return _replace_part(request.current, part, parsing.parse_part(text, part, spec), spec)

        def partial(text: str, mode: str) -> dict[str, parsing.PartValue]:
            if mode != "text":
                return {k: v for k, v in parsing.part_values(parsing.partial_parts(text), spec).items() if k == part}
            try:
                value = parsing.parse_part(text, part, spec)
            except ValueError:
                return {}
            return {part: [strip_bullet(v) for v in value] if part == "takeaways" else value}

        job = _Job(request.prompt, schema, self._instructions(schema, parsing.part_text_instructions(part)),
                   parse, partial, request.temperature, request.max_tokens or self.settings.max_tokens)
        out = _Outcome()
        async with aclosing(self._generate(job, out)) as events:
            async for event in events:
                yield event
        parts: Parts = out.value
        value = parts.extras.get(part, "") if part not in PART_NAMES else getattr(parts, part)
        yield PartUpdate(part, value, complete=True)
        yield Completed(self._result(parts, out))

    async def hook_variants(self, request: HookVariantsRequest) -> AsyncIterator[Event]:
        schema = parsing.hooks_schema(request.n)

        def parse(text: str, mode: str, notes: list[str]) -> list[str]:
            return parsing.parse_hooks(text, request.n)

        job = _Job(request.prompt, schema, self._instructions(schema, parsing.hooks_text_instructions(request.n)),
                   parse, None, request.temperature, request.max_tokens or self.settings.max_tokens)
        out = _Outcome()
        async with aclosing(self._generate(job, out)) as events:
            async for event in events:
                yield event
        yield VariantsReady(hooks=out.value, usage=out.attempt.usage)

    async def list_models(self) -> list[str]:
        """Model ids the server offers (for ``drafter doctor``); errors as :class:`EngineError`."""
        try:
            page = await self._api().models.list()
            return sorted(m.id for m in page.data)
        except openai.APIStatusError as exc:
            raise self._status_error(exc) from None
        except openai.APITimeoutError as exc:
            raise self._timeout_error() from exc
        except openai.APIConnectionError as exc:
            raise self._connection_error() from exc

    # ---- generation core ----------------------------------------------------------------

    @staticmethod
    def _instructions(schema: dict[str, Any], text: str) -> Callable[[str], str]:
        def instructions(mode: str) -> str:
            return text if mode == "text" else parsing.json_instructions(schema, in_prompt=mode == "json_object")

        return instructions

    def _result(self, parts: Parts, out: _Outcome) -> DraftResult:
        a = out.attempt
        return DraftResult(parts=parts, engine="openai", model=self.model, mode=out.mode, usage=a.usage,
                           finish_reason=a.finish_reason, raw=a.text, notes=out.notes)

    async def _generate(self, job: _Job, out: _Outcome) -> AsyncIterator[Event]:
        """Ask, falling back through the output modes, until ``job.parse`` accepts an answer."""
        mode = self._start_mode()
        ask: OutputMode = mode
        yield Progress(f"connecting to {self.host} ({self.model})")
        while True:
            attempt = _Attempt()
            try:
                async with aclosing(self._with_retries(job, ask, attempt)) as events:
                    async for event in events:
                        yield event
            except _Rejected as rejected:
                mode = ask = MODES[MODES.index(ask) + 1]
                out.notes.append(f"the server does not accept {rejected} output; used {mode} instead")
                yield Progress(f"{rejected} output not supported by the server; retrying with {mode}")
                continue
            self._check_finish(attempt, job)
            try:
                out.value = job.parse(attempt.text, ask, out.notes)
            except ValueError as exc:
                if ask != "text":
                    ask = "text"
                    out.notes.append(f"the model's JSON could not be read ({exc}); asked again for labelled text")
                    yield Progress("the JSON answer did not fit; asking again for labelled text")
                    continue
                raise OutputParseError(
                    f"the model's answer could not be read ({exc}); the raw answer is kept", raw=attempt.text
                ) from None
            out.mode, out.attempt = ask, attempt
            self._remember(mode)
            return

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
                "json_schema": {"name": "linkedin_post", "strict": True, "schema": job.schema},
            }
        elif mode == "json_object":
            params["response_format"] = {"type": "json_object"}
        return params

    async def _with_retries(self, job: _Job, mode: str, attempt: _Attempt) -> AsyncIterator[Event]:
        params = self._params(job, mode)
        failures = 0
        while True:
            try:
                async with aclosing(self._stream(params, job, mode, attempt)) as events:
                    async for event in events:
                        yield event
                return
            except openai.APIStatusError as exc:
                refused = _adjust(exc, params)
                if refused:
                    yield Progress(f"the server refused {refused}; retrying without it")
                    continue
                if exc.status_code in (400, 422) and mode != "text" and _mentions(exc, _SCHEMA_WORDS):
                    raise _Rejected(mode) from None
                if exc.status_code >= 500 and mode == "json_schema" and _mentions(exc, _SCHEMA_WORDS):
                    raise _Rejected(mode) from None  # llama-cpp-python answers 500 to json_schema
                if exc.status_code != 429 and exc.status_code < 500:
                    raise self._status_error(exc) from None
                if exc.code == "insufficient_quota":
                    raise self._error("the account has no quota left (429 insufficient_quota): check your "
                                      "OpenAI plan and billing", "rate_limit") from None
                failures += 1
                if failures > self.settings.retries:
                    if exc.status_code >= 500 and mode == "json_schema" and self.settings.base_url:
                        raise _Rejected(mode) from None  # a local server that keeps failing on it
                    raise self._status_error(exc, retries=self.settings.retries) from None
                wait = retry_after_seconds(exc.response.headers) if exc.status_code == 429 else None
                reason = "rate limited" if exc.status_code == 429 else f"server error {exc.status_code}"
            except openai.APITimeoutError as exc:
                raise self._timeout_error() from exc
            except TimeoutError as exc:
                raise self._timeout_error() from exc
            except openai.APIConnectionError as exc:
                if attempt.text or attempt.refusal:
                    raise self._error(
                        f"the server closed the stream early ({len(attempt.text)} characters received) "
                        f"at {self.url}: try again", "connection", retryable=True) from exc
                failures += 1
                if failures > self.settings.retries:
                    raise self._connection_error() from exc
                wait, reason = None, "connection failed"
            except openai.APIError as exc:  # an error event inside the stream
                raise self._error(f"the server reported an error mid-stream: {exc.message}", "server") from None
            if wait is None:
                wait = self.backoff_base * 2 ** (failures - 1)
            wait = min(wait, MAX_RETRY_WAIT)
            yield Progress(f"{reason}; retrying in {wait:.0f} s ({failures}/{self.settings.retries})")
            await asyncio.sleep(wait)
            attempt.reset()

    async def _stream(self, params: dict[str, Any], job: _Job, mode: str, attempt: _Attempt) -> AsyncIterator[Event]:
        stream = await self._api().chat.completions.create(**params)
        # Idle timeout between chunks: a stalled stream ends even if no socket read times out.
        watchdog = _IdleWatchdog(self.settings.timeout)
        try:
            while True:
                watchdog.waiting_since = watchdog.loop.time()
                try:
                    chunk = await stream.__anext__()
                except StopAsyncIteration:
                    break
                except asyncio.CancelledError:
                    watchdog.reraise_as_timeout()
                    raise
                finally:
                    watchdog.waiting_since = None
                if chunk.usage is not None:
                    attempt.usage = Usage(prompt_tokens=chunk.usage.prompt_tokens or 0,
                                          completion_tokens=chunk.usage.completion_tokens or 0)
                for choice in chunk.choices[:1]:
                    delta = choice.delta
                    if getattr(delta, "refusal", None):
                        attempt.refusal += delta.refusal
                    if delta.content:
                        attempt.text += delta.content
                        yield Chunk(delta.content, len(attempt.text))
                        now = watchdog.loop.time()
                        # Re-parsing the growing JSON on every chunk costs ~20 µs a chunk; a UI
                        # needs no more than PARTIAL_INTERVAL updates, and the end parses anyway.
                        if job.partial is not None and now - attempt.parsed_at >= PARTIAL_INTERVAL:
                            attempt.parsed_at, attempt.parsed_len = now, len(attempt.text)
                            for update in _updates(job.partial(attempt.text, mode), attempt):
                                yield update
                    if choice.finish_reason:
                        attempt.finish_reason = choice.finish_reason
            if job.partial is not None and attempt.parsed_len != len(attempt.text):
                # The throttle may have skipped the tail: show the whole answer once more.
                attempt.parsed_len = len(attempt.text)
                for update in _updates(job.partial(attempt.text, mode), attempt):
                    yield update
        finally:
            watchdog.close()
            await stream.close()

    def _check_finish(self, attempt: _Attempt, job: _Job) -> None:
        if attempt.finish_reason == "length":
            err = OutputParseError(
                f"the answer was cut off at max_tokens={job.max_tokens} (finish_reason=length): raise "
                "--max-tokens or DRAFTER_MAX_TOKENS; the partial answer is kept", raw=attempt.text)
            err.kind = "truncated"
            raise err
        if attempt.refusal:
            raise self._error(f"the model refused: {_one_line(attempt.refusal, 160)}", "refusal")
        if attempt.finish_reason == "content_filter":
            raise self._error("the server's content filter blocked the answer (finish_reason=content_filter): "
                              "rephrase the topic or use another source", "refusal")
        if not attempt.text.strip():
            raise self._error(f"the model {self.model!r} returned an empty answer: try again, or another model "
                              "with --model", "empty")

    # ---- output modes remembered per server ---------------------------------------------

    def _start_mode(self) -> OutputMode:
        if self._mode is None:
            self._mode = self._read_cache().get(self._cache_key, "json_schema")
            if self._mode not in MODES:
                self._mode = "json_schema"
        return self._mode

    def _read_cache(self) -> dict[str, Any]:
        if self.mode_cache is None:
            return {}
        try:
            data = json.loads(self.mode_cache.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _remember(self, mode: OutputMode) -> None:
        self._mode = mode
        data = self._read_cache()
        if self.mode_cache is None or data.get(self._cache_key, "json_schema") == mode:
            return
        data[self._cache_key] = mode
        folder = self.mode_cache.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".modes-", suffix=".tmp", dir=folder)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    json.dump(data, fh, indent=1, sort_keys=True)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, self.mode_cache)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            pass  # only a cache: next time starts from json_schema again

    # ---- errors ---------------------------------------------------------------------------

    def _redact(self, text: str) -> str:
        key = self.settings.api_key.get_secret_value() if self.settings.api_key else ""
        if len(key) >= 4:
            text = text.replace(key, "[key]")
        return re.sub(r"\bsk-[A-Za-z0-9_*\-]{4,}", "[key]", text)

    def _error(self, message: str, kind: str, *, retryable: bool = False) -> EngineError:
        return EngineError(self._redact(message), kind=kind, retryable=retryable)

    def _timeout_error(self) -> EngineError:
        return self._error(
            f"no answer from {self.host} within {self.settings.timeout:g} s: raise DRAFTER_TIMEOUT or --timeout, "
            "or use a faster model", "timeout", retryable=True)

    def _connection_error(self) -> EngineError:
        return self._error(f"cannot connect to {self.url}: is the server running? Check --base-url or "
                           "DRAFTER_BASE_URL", "connection", retryable=True)

    def _status_error(self, exc: openai.APIStatusError, *, retries: int = 0) -> EngineError:
        status, said = exc.status_code, _one_line(_server_message(exc), 160)
        if status == 401:
            return self._error("the server rejected the API key (401): check OPENAI_API_KEY", "auth")
        if status == 403:
            return self._error(f"access denied by {self.host} (403: {said}): check the key's permissions "
                               f"for model {self.model!r}", "auth")
        if status == 404:
            return self._error(f"model {self.model!r} not found at {self.url} (404): pick another with --model "
                               "(or check --base-url, which usually ends in /v1)", "model")
        if status in (400, 413, 422) and (exc.code == "context_length_exceeded" or _mentions(exc, _CONTEXT_WORDS)):
            return self._error(f"the prompt is too long for {self.model!r} ({status}: context length exceeded): "
                               "use a shorter article or a model with a larger context", "context")
        if status == 429:
            after = retry_after_seconds(exc.response.headers)
            wait = "not given" if after is None else f"{after:g} s"
            return self._error(f"rate limited by {self.host} (429) after {retries} retries (retry-after: {wait}): "
                               "wait and try again, or raise DRAFTER_RETRIES", "rate_limit", retryable=True)
        if status >= 500:
            return self._error(f"{self.host} failed with {status} ({said}) after {retries} retries: try again "
                               "later or check the server's log", "server", retryable=True)
        return self._error(f"the server rejected the request ({status}: {said})", "bad_request")


def _server_message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return body["message"]
    return exc.message


def _adjust(exc: openai.APIStatusError, params: dict[str, Any]) -> str | None:
    """Drop or rename a parameter a server or model refuses; its name if another try is worth it."""
    text = _error_text(exc)
    if exc.status_code not in (400, 422):
        return None
    if "max_completion_tokens" in text and "max_tokens" in params:  # newer OpenAI models
        params["max_completion_tokens"] = params.pop("max_tokens")
        return "max_tokens"
    for name in ("stream_options", "temperature"):
        if name in text and name in params and ("unsupported" in text or "not support" in text):
            del params[name]
            return name
    return None


def _error_text(exc: openai.APIStatusError) -> str:
    return f"{_server_message(exc)} {exc.code or ''} {exc.param or ''}".lower()


def _mentions(exc: openai.APIStatusError, words: tuple[str, ...]) -> bool:
    text = _error_text(exc)
    return any(w in text for w in words)


def _one_line(text: str, limit: int) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _updates(values: dict[str, parsing.PartValue], attempt: _Attempt) -> list[PartUpdate]:
    """PartUpdates for parts that appeared or grew; every part but the last so far is complete."""
    out: list[PartUpdate] = []
    names = list(values)
    for i, name in enumerate(names):
        state = (values[name], i < len(names) - 1)
        if attempt.shown.get(name) != state and values[name]:
            attempt.shown[name] = state
            out.append(PartUpdate(name, values[name], complete=state[1]))
    return out


def _replace_part(current: Parts, part: str, value: parsing.PartValue, spec: PostSpec) -> Parts:
    data = current.model_dump()
    if part in PART_NAMES:
        data[part] = value
    else:
        data["extras"] = {**data["extras"], part: value if isinstance(value, str) else " ".join(value)}
    try:
        return Parts.model_validate(data).fit(spec)
    except ValidationError as exc:
        raise ValueError(parsing.validation_reason(exc)) from None


class _IdleWatchdog:
    """Ends a read that waits longer than ``timeout`` for the next chunk.

    One timer per timeout period instead of an ``asyncio.timeout`` per chunk (which cost
    about 5 µs a chunk, a few percent of a fast local stream). The task is cancelled only
    while it waits inside the stream's ``__anext__``, never while the consumer has control.
    """

    def __init__(self, timeout: float) -> None:
        self.loop = asyncio.get_running_loop()
        self.timeout = timeout
        self.waiting_since: float | None = None
        self.fired = False
        self._task = asyncio.current_task()
        self._handle = self.loop.call_at(self.loop.time() + timeout, self._check)

    def _check(self) -> None:
        since, now = self.waiting_since, self.loop.time()
        if since is not None and now - since >= self.timeout and self._task is not None:
            self.fired = True
            self._task.cancel()
            return
        self._handle = self.loop.call_at((since if since is not None else now) + self.timeout, self._check)

    def reraise_as_timeout(self) -> None:
        """Inside ``except CancelledError``: turn our own cancellation into a TimeoutError."""
        if self.fired and self._task is not None:
            self.fired = False
            self._task.uncancel()
            raise TimeoutError

    def close(self) -> None:
        self._handle.cancel()
