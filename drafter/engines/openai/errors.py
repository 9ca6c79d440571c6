"""What the OpenAI engine does when a request or an answer fails: a retry, or one error line.

:class:`Failures` turns an ``openai`` exception into either a :class:`Retry` (wait and ask
again, or ask in the next output mode) or an :class:`EngineError` with a stable ``kind``
and a message a user can act on. Messages are redacted: an API key never reaches the
screen. Imported only by the OpenAI engine.
"""

from __future__ import annotations

import email.utils
import json
import re
import time
from dataclasses import dataclass
from typing import Any, Mapping

import openai

from ...common.errors import EngineError, OutputParseError
from ...common.safe_text import one_line
from ...settings.config import Settings
from ...common.urls import display_url  # noqa: F401 - re-exported: the one URL redaction lives in drafter.common.urls

MAX_RETRY_WAIT = 60.0
"""Longest wait honoured from a retry-after header, in seconds."""
_SCHEMA_WORDS = ("response_format", "json_schema", "json_object", "json mode", "structured output")
_CONTEXT_WORDS = ("context_length", "context length", "maximum context", "context window", "too many tokens")


@dataclass(frozen=True)
class Retry:
    """Ask again: after ``wait`` seconds (``None``: at once) showing ``message``, or in the next mode."""

    message: str = ""
    wait: float | None = None
    failures: int = 0
    """Failed attempts so far, this one included (a refused parameter does not count)."""
    next_mode: bool = False
    """The server does not accept the output mode: ask in the next one (no wait, no message)."""
    throttled: bool = False
    """A 429: every request of the engine waits ``wait`` too (:mod:`.limiter`)."""
    guessed: bool = False
    """With ``next_mode``: the server never said the mode is the problem (plain 5xx answers after
    every retry, which may be an outage): the next mode is used for this process, not remembered."""


_NEXT_MODE = Retry(next_mode=True)
_NEXT_MODE_GUESSED = Retry(next_mode=True, guessed=True)


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


def _caused_by_redirects(exc: BaseException) -> bool:
    """Whether the SDK's HTTP client gave up following redirects somewhere under ``exc`` (the SDK
    wraps it in a connection error). Matched by name: the client library is the SDK's choice."""
    seen: BaseException | None = exc
    for _ in range(8):  # a short chain; never loops on a cycle
        if seen is None:
            return False
        if type(seen).__name__ == "TooManyRedirects":
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class Failures:
    """Error messages for one engine: its server (``url``, ``host``), model and key."""

    def __init__(self, settings: Settings, url: str, host: str) -> None:
        self.settings = settings
        self.url = url
        self.host = host

    @property
    def model(self) -> str:
        return self.settings.model

    # ---- failed request -> retry, other mode, or error ---------------------------------------

    def after(self, exc: Exception, *, mode: str, params: dict[str, Any], received: int, started: bool,
              failures: int, backoff: float) -> Retry:
        """What to do after ``exc`` ended an attempt in ``mode`` (``failures`` failed before it).

        ``received``: characters of answer text that had arrived; ``started``: whether any text
        or refusal had (a stream cut after that is not retried). Returns a :class:`Retry`, for
        which ``params`` may have been adjusted, or raises an :class:`EngineError`. Without a
        retry-after header the wait is ``backoff`` seconds, doubled each failure.
        """
        retries = self.settings.retries
        if isinstance(exc, openai.APIStatusError):
            refused = adjust(exc, params)
            if refused:
                return Retry(f"the server refused {refused}; retrying without it", None, failures)
            status = exc.status_code
            if status in (400, 422) and mode != "text" and _mentions(exc, _SCHEMA_WORDS):
                return _NEXT_MODE
            if status >= 500 and mode == "json_schema" and _mentions(exc, _SCHEMA_WORDS):
                return _NEXT_MODE  # llama-cpp-python answers 500 to json_schema
            if status != 429 and status < 500:
                raise self.status(exc) from None
            if exc.code == "insufficient_quota":
                raise self.error("the account has no quota left (429 insufficient_quota): check your "
                                 "OpenAI plan and billing", "rate_limit") from None
            failures += 1
            if failures > retries:
                if status >= 500 and mode == "json_schema" and self.settings.base_url:
                    return _NEXT_MODE_GUESSED  # a local server that keeps failing on it, or one that is down
                raise self.status(exc, retries=retries) from None
            wait = retry_after_seconds(exc.response.headers) if status == 429 else None
            reason = "rate limited" if status == 429 else f"server error {status}"
        elif isinstance(exc, (openai.APITimeoutError, TimeoutError)):
            raise self.timeout() from exc
        elif isinstance(exc, openai.APIConnectionError):
            if _caused_by_redirects(exc):  # the same loop again: not worth a retry
                raise self.error(f"{self.host} kept redirecting (too many redirects; a redirect loop?) instead of "
                                 f"answering at {self.url}: check --base-url (it usually ends in /v1)",
                                 "connection") from None
            if started:
                raise self.error(f"the server closed the stream early ({received} characters received) "
                                 f"at {self.url}: try again", "connection") from exc
            failures += 1
            if failures > retries:
                raise self.connection() from exc
            wait, reason = None, "connection failed"
        elif isinstance(exc, openai.APIError):  # an error event inside the stream
            raise self.error(f"the server reported an error mid-stream: {exc.message}", "server") from None
        else:
            raise exc
        if wait is None:
            wait = backoff * 2 ** (failures - 1)
        wait = min(wait, MAX_RETRY_WAIT)
        return Retry(f"{reason}; retrying in {wait:.0f} s ({failures}/{retries})", wait, failures,
                     throttled=reason == "rate limited")

    def check_answer(self, text: str, refusal: str, finish_reason: str | None, max_tokens: int, *,
                     chunks: int = 1, content_type: str = "") -> None:
        """Raise if a finished stream holds no usable answer: cut off, refused, filtered or empty.

        ``chunks``: how many stream events arrived; with none, the body was not an event stream
        (an HTML page, a JSON document) and ``content_type`` says what it was.
        """
        if finish_reason == "length":
            raise OutputParseError(
                f"the answer was cut off at max_tokens={max_tokens} (finish_reason=length): raise "
                "--max-tokens or DRAFTER_MAX_TOKENS", raw=text, kind="truncated")
        if refusal:
            raise self.error(f"the model refused: {one_line(refusal, 160)}", "refusal")
        if finish_reason == "content_filter":
            raise self.error("the server's content filter blocked the answer (finish_reason=content_filter): "
                             "rephrase the topic or use another source", "refusal")
        if not chunks and "event-stream" not in content_type:
            what = one_line(content_type.split(";")[0], 60) or "no content-type"
            raise self.error(f"{self.host} answered 200 with {what}, not an event stream: is the base URL right "
                             f"(it usually ends in /v1; now {self.url})?", "server")
        if not text.strip():
            raise self.error(f"the model {self.model!r} returned an empty answer: try again, or another model "
                             "with --model", "empty")

    def malformed(self, exc: Exception, received: int) -> EngineError:
        """A stream event that is not a well-formed chunk (invalid JSON, parts of the wrong type)."""
        if isinstance(exc, json.JSONDecodeError):
            detail = f"not JSON: {exc.msg} at character {exc.pos}"
        elif type(exc) is ValueError:  # our own description of the part that is wrong
            detail = str(exc)
        else:
            detail = f"{type(exc).__name__}: {exc}"
        after = f" after {received:,} characters" if received else ""
        return self.error(f"{self.host} sent a malformed stream event{after} ({one_line(detail, 100)}): is it an "
                          "OpenAI-compatible server? Check --base-url and the server's log", "server")

    def deadline(self, seconds: float, why: str = "") -> EngineError:
        """The whole generation ran past its deadline (steady drip, slow headers, long retries)."""
        because = f" ({why})" if why else ""
        return self.error(f"no complete answer from {self.host} within the {seconds:g} s deadline{because}: raise "
                          "--deadline or DRAFTER_DEADLINE, or use a faster model", "deadline")

    def oversized(self, cap: int, max_tokens: int) -> EngineError:
        """The answer passed the most drafter reads for ``max_tokens`` (see ``answer_cap``)."""
        return self.error(f"the answer passed {cap:,} characters, far more than max_tokens={max_tokens} allows: "
                          f"stopped reading; the server at {self.url} may be ignoring max_tokens", "oversized")

    # ---- messages ---------------------------------------------------------------------------

    def redact(self, text: str) -> str:
        key = self.settings.api_key.get_secret_value() if self.settings.api_key else ""
        if len(key) >= 4:
            text = text.replace(key, "[key]")
        return re.sub(r"\bsk-[A-Za-z0-9_*\-]{4,}", "[key]", text)

    def error(self, message: str, kind: str) -> EngineError:
        return EngineError(self.redact(message), kind=kind)

    def timeout(self) -> EngineError:
        return self.error(
            f"no answer from {self.host} within {self.settings.timeout:g} s: raise DRAFTER_TIMEOUT or --timeout, "
            "or use a faster model", "timeout")

    def connection(self) -> EngineError:
        return self.error(f"cannot connect to {self.url}: is the server running? Check --base-url or "
                          "DRAFTER_BASE_URL", "connection")

    def status(self, exc: openai.APIStatusError, *, retries: int = 0) -> EngineError:
        status, said = exc.status_code, one_line(_server_message(exc), 160)
        if status == 401:
            return self.error("the server rejected the API key (401): check OPENAI_API_KEY", "auth")
        if status == 403:
            return self.error(f"access denied by {self.host} (403: {said}): check the key's permissions "
                              f"for model {self.model!r}", "auth")
        if status == 404:
            return self.error(f"model {self.model!r} not found at {self.url} (404): pick another with --model "
                              "(or check --base-url, which usually ends in /v1)", "model")
        if status in (400, 413, 422) and (exc.code == "context_length_exceeded" or _mentions(exc, _CONTEXT_WORDS)):
            return self.error(f"the prompt is too long for {self.model!r} ({status}: context length exceeded): "
                              "use a shorter article or a model with a larger context", "context")
        if status == 429:
            after = retry_after_seconds(exc.response.headers)
            wait = "not given" if after is None else f"{after:g} s"
            return self.error(f"rate limited by {self.host} (429) after {retries} retries (retry-after: {wait}): "
                              "wait and try again, or raise DRAFTER_RETRIES", "rate_limit")
        if status >= 500:
            return self.error(f"{self.host} failed with {status} ({said}) after {retries} retries: try again "
                              "later or check the server's log", "server")
        return self.error(f"the server rejected the request ({status}: {said})", "bad_request")


def adjust(exc: openai.APIStatusError, params: dict[str, Any]) -> str | None:
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


def _server_message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return body["message"]
    return exc.message


def _error_text(exc: openai.APIStatusError) -> str:
    return f"{_server_message(exc)} {exc.code or ''} {exc.param or ''}".lower()


def _mentions(exc: openai.APIStatusError, words: tuple[str, ...]) -> bool:
    text = _error_text(exc)
    return any(w in text for w in words)
