"""The OpenAI Batch API through the ``openai`` SDK: upload a JSONL file of requests, create a
batch, follow it, download its output and error files.

Imported only by the OpenAI engine (:meth:`OpenAIEngine.batch_api`). Every failure is one
:class:`EngineError` line (the key redacted, as the engine's own), except a server that has no
Batch API at all (vLLM's server, llama.cpp: 404, 405 or 501 on the upload), which is bad input
for ``--batch-api`` (:class:`NoBatchAPI`, exit 2): nothing was sent, and the same command can
never work there, while the concurrent mode can.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Awaitable, TypeVar

import openai

from ...common.errors import EngineError, InputError
from ...common.safe_text import one_line
from ..base import Usage
from .chunks import Attempt
from .errors import Failures, _server_message

ENDPOINT = "/v1/chat/completions"
COMPLETION_WINDOW = "24h"
"""The only window the Batch API offers: a batch not done by then expires."""
NOT_THERE = (404, 405, 501)
"""What a server without ``/v1/files`` answers an upload."""
TERMINAL = frozenset(("completed", "failed", "expired", "cancelled"))
"""The statuses a batch never leaves."""

_T = TypeVar("_T")


class NoBatchAPI(InputError):
    """The server has no ``/v1/files`` or ``/v1/batches`` (exit 2: use the concurrent mode)."""


@dataclass(frozen=True)
class RemoteState:
    """A batch as the server last described it."""

    id: str
    status: str
    total: int = 0
    completed: int = 0
    failed: int = 0
    output_file_id: str | None = None
    error_file_id: str | None = None
    errors: str = ""
    """Why the server failed the batch (its validation errors on one line), "" otherwise."""

    @property
    def done(self) -> bool:
        return self.status in TERMINAL

    @property
    def counts(self) -> str:
        """``7/10 done, 1 failed`` (the request counts)."""
        failed = f", {self.failed} failed" if self.failed else ""
        return f"{self.completed}/{self.total} done{failed}"


def request_line(custom_id: str, body: dict[str, Any]) -> str:
    """One line of a batch's JSONL input: ``body`` (a Chat Completions body) under ``custom_id``."""
    return json.dumps({"custom_id": custom_id, "method": "POST", "url": ENDPOINT, "body": body}, ensure_ascii=False)


def _state(batch: Any) -> RemoteState:
    counts = getattr(batch, "request_counts", None)
    errors = getattr(getattr(batch, "errors", None), "data", None) or []
    said = "; ".join(one_line(str(getattr(e, "message", "") or getattr(e, "code", "")), 120) for e in errors)
    return RemoteState(
        id=str(batch.id), status=str(batch.status),
        total=int(getattr(counts, "total", 0) or 0), completed=int(getattr(counts, "completed", 0) or 0),
        failed=int(getattr(counts, "failed", 0) or 0),
        output_file_id=getattr(batch, "output_file_id", None), error_file_id=getattr(batch, "error_file_id", None),
        errors=said,
    )


class BatchAPI:
    """One server's files and batches (an ``AsyncOpenAI`` client with the engine's settings)."""

    def __init__(self, client: openai.AsyncOpenAI, failures: Failures) -> None:
        self._client = client
        self._failures = failures

    async def upload(self, name: str, data: bytes) -> str:
        """Upload a JSONL file of requests (purpose ``batch``); its file id."""
        try:
            uploaded = await self._client.files.create(file=(name, data, "application/jsonl"), purpose="batch")
        except openai.APIStatusError as exc:
            if exc.status_code in NOT_THERE:
                host = self._failures.host
                raise NoBatchAPI(
                    f"{host} has no OpenAI Batch API (uploading to /v1/files answered {exc.status_code}): "
                    "run drafter batch without --batch-api to draft concurrently") from None
            raise self._error(exc, "uploading the batch's requests") from None
        except openai.APIError as exc:
            raise self._error(exc, "uploading the batch's requests") from None
        return str(uploaded.id)

    async def send(self, name: str, lines: list[str], metadata: dict[str, str]) -> tuple[str, RemoteState]:
        """Upload ``lines`` (:func:`request_line`) as the JSONL file ``name`` and create their
        batch: the input file's id and the batch as created."""
        file_id = await self.upload(name, ("\n".join(lines) + "\n").encode("utf-8"))
        return file_id, await self.create(file_id, metadata)

    async def create(self, input_file_id: str, metadata: dict[str, str]) -> RemoteState:
        """Create a batch of the uploaded requests, answered within 24 hours."""
        return _state(await self._call(self._client.batches.create(
            input_file_id=input_file_id, endpoint=ENDPOINT, completion_window=COMPLETION_WINDOW,
            metadata=metadata), "creating the batch"))

    async def retrieve(self, batch_id: str) -> RemoteState:
        return _state(await self._call(self._client.batches.retrieve(batch_id), f"asking about batch {batch_id}"))

    async def content(self, file_id: str) -> str:
        """A file's text (a batch's output or error file: JSON lines)."""
        response = await self._call(self._client.files.content(file_id), f"downloading file {file_id}")
        return response.content.decode("utf-8", errors="replace")

    async def _call(self, call: Awaitable[_T], what: str) -> _T:
        try:
            return await call
        except openai.APIError as exc:
            raise self._error(exc, what) from None

    def _error(self, exc: openai.APIError, what: str) -> EngineError:
        failures = self._failures
        if isinstance(exc, openai.APITimeoutError):
            return failures.timeout()
        if isinstance(exc, openai.APIConnectionError):
            return failures.connection()
        if isinstance(exc, openai.APIStatusError):
            if exc.status_code in (401, 403):
                return failures.status(exc)
            said = one_line(_server_message(exc), 160)
            return failures.error(f"{failures.host} refused {what} ({exc.status_code}: {said})", "batch")
        return failures.error(f"{what} failed: {one_line(exc.message, 160)}", "batch")


def answer_of(completion: Any, failures: Failures) -> Attempt:
    """A Batch API answer (a ``chat.completion`` body) as the :class:`Attempt` a streamed answer
    fills: text, refusal, finish reason, usage. EngineError when it is not a completion."""
    try:
        choice = completion["choices"][0]
        message = choice["message"]
        text, refusal = message.get("content") or "", message.get("refusal") or ""
        if not isinstance(text, str) or not isinstance(refusal, str):
            raise TypeError("content is not text")
        usage = completion.get("usage") or {}
        return Attempt(text=text, refusal=refusal, finish_reason=choice.get("finish_reason"), chunks=1,
                       usage=Usage(prompt_tokens=int(usage.get("prompt_tokens") or 0),
                                   completion_tokens=int(usage.get("completion_tokens") or 0)))
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        raise failures.error(f"the batch answer is not a chat completion ({type(exc).__name__}: "
                             f"{one_line(str(exc), 80)})", "server") from None


def by_custom_id(text: str) -> dict[str, dict[str, Any]]:
    """An output or error file's lines by ``custom_id`` (lines that are not such an object are ignored)."""
    out: dict[str, dict[str, Any]] = {}
    for raw in text.splitlines():
        try:
            line = json.loads(raw)
        except ValueError:
            continue
        if isinstance(line, dict) and isinstance(line.get("custom_id"), str):
            out[line["custom_id"]] = line
    return out


def line_failure(line: dict[str, Any]) -> tuple[str, str] | None:
    """(why, kind) when a result line is not an answer: an error entry (kind "expired" for a
    request the 24 h window ended before), or a status other than 200."""
    error, response = line.get("error"), line.get("response")
    if isinstance(error, dict) and error:
        code = str(error.get("code") or "error")
        if code == "batch_expired":
            return "the batch expired before this request was answered (batch_expired)", "expired"
        return f"the Batch API answered {code}: {one_line(str(error.get('message') or ''), 160)}", "batch"
    if not isinstance(response, dict) or not isinstance(response.get("body"), dict):
        return "the batch's result line holds no response", "batch"
    if response.get("status_code") != 200:
        body_error = response["body"].get("error")
        said = body_error.get("message") if isinstance(body_error, dict) else ""
        return f"the server answered {response.get('status_code')}: {one_line(str(said or ''), 160)}", "batch"
    return None
