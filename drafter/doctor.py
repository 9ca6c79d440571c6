"""``drafter doctor``: what would run, and whether it can. Never prints the API key."""

from __future__ import annotations

import socket
from typing import Iterator
from urllib.parse import urlsplit, urlunsplit

from .drafting import Drafter
from .errors import DrafterError
from .urls import display_url, redact_urls
from .workspace import builtin_prompts_dir, user_config_file


def probe(base_url: str, timeout: float = 3.0) -> str:
    """GET <base_url>/models: reachable or not, in a few words, within ``timeout`` seconds as a
    whole (a server that drips its headers cannot stretch it). No key is sent, and the URL is
    shown redacted (its user info and query never reach the screen). Something that answers but
    not in HTTP (an SSH port, say) is reported as not an HTTP server."""
    import http.client
    import urllib.error
    import urllib.request

    from .deadline import Deadline
    from .fetch import MAX_REDIRECTS, _opener, _TooManyRedirects

    parts = urlsplit(base_url)
    netloc = parts.netloc.rpartition("@")[2]  # user info is never sent: the probe carries no credentials
    url = urlunsplit((parts.scheme, netloc, parts.path.rstrip("/") + "/models", parts.query, ""))
    shown = display_url(url)
    try:
        request = urllib.request.Request(url)
        with _opener(Deadline(timeout), url).open(request) as resp:  # noqa: S310 - user-configured URL
            return f"reachable ({resp.status} from {shown})"
    except urllib.error.HTTPError as exc:
        exc.close()
        # 401 still proves a server is there.
        return f"reachable, answered {exc.code} for {shown}"
    except _TooManyRedirects:
        return f"NOT usable: {shown} redirects more than {MAX_REDIRECTS} times (a redirect loop?)"
    except http.client.HTTPException as exc:  # BadStatusLine, a header too long, ...
        return f"NOT an HTTP server: {shown} answered something that is not HTTP ({type(exc).__name__})"
    except (TimeoutError, socket.timeout):
        return f"NOT reachable: no complete answer from {shown} within {timeout:g} s"
    except (urllib.error.URLError, OSError, ValueError, DrafterError) as exc:  # ValueError: InvalidURL
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, (TimeoutError, socket.timeout)):
            return f"NOT reachable: no complete answer from {shown} within {timeout:g} s"
        return f"NOT reachable: {redact_urls(str(reason))}"


def report(drafter: Drafter) -> Iterator[tuple[str, str]]:
    s, o = drafter.settings, drafter.origins
    engine = drafter.engine_name
    why = "" if s.engine != "auto" else (" (auto: key or base URL set)" if engine == "openai" else " (auto: no key, no base URL)")
    yield "engine", engine + why
    yield "API key", "set (from OPENAI_API_KEY)" if s.api_key else "not set"
    if s.base_url:
        shown = display_url(s.base_url)
        hidden = " (user info and query hidden)" if shown != s.base_url.rstrip("/") else ""
        yield "base URL", f"{shown} (from {o.get('base_url')}){hidden}"
    else:
        yield "base URL", "none (api.openai.com when a key is set)"
    if engine == "openai":
        yield "server", probe(s.base_url or "https://api.openai.com/v1", timeout=min(3.0, s.timeout))
    yield "model", f"{s.model} (from {o.get('model')})"
    yield "template", f"{s.template} (from {o.get('template')})"
    from .lint import resolve_settings

    yield "lint", f"threshold {resolve_settings(s.lint).threshold} (from {o.get('lint')})"
    try:
        from . import tokens

        name, origin = tokens.encoding_info(s.model)
        yield "tokenizer", f"{name}: {origin}"
    except DrafterError as exc:
        yield "tokenizer", f"UNAVAILABLE: {exc}"
    ws = drafter.workspace
    yield "workspace", f"{ws.root} (from {ws.origin})"
    yield "drafts", str(ws.drafts_dir)
    yield "user templates", str(ws.prompts_dir)
    yield "built-in templates", str(builtin_prompts_dir())
    ucf = user_config_file()
    yield "user config", f"{ucf}" + ("" if ucf.exists() else " (none)")
    yield "workspace config", f"{ws.config_file}" + ("" if ws.config_file.exists() else " (none)")
