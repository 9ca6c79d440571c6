"""``drafter doctor``: what would run, and whether it can. Never prints the API key."""

from __future__ import annotations

from typing import Any, Iterator
from urllib.parse import urlsplit, urlunsplit

from ..common.errors import DrafterError
from ..common.urls import display_url, redact_urls
from ..service.drafting import Drafter
from ..settings.paths import builtin_prompts_dir, user_config_file


def probe(base_url: str, timeout: float = 3.0) -> str:
    """GET <base_url>/models: reachable or not, in a few words, within ``timeout`` seconds as a
    whole (a server that drips its headers cannot stretch it). No key is sent, and the URL is
    shown redacted (its user info and query never reach the screen). Something that answers but
    not in HTTP (an SSH port, say) is reported as not an HTTP server."""
    from ..sources.fetch import MAX_REDIRECTS, HTTPFailure, get

    parts = urlsplit(base_url)
    netloc = parts.netloc.rpartition("@")[2]  # user info is never sent: the probe carries no credentials
    url = urlunsplit((parts.scheme, netloc, parts.path.rstrip("/") + "/models", parts.query, ""))
    shown = display_url(url)

    async def status(response: Any) -> int:
        return response.status_code

    try:
        code = get(url, timeout=timeout, read=status)
    except HTTPFailure as exc:
        if exc.kind == "timeout":
            return f"NOT reachable: no complete answer from {shown} within {timeout:g} s"
        if exc.kind == "redirects":
            return f"NOT usable: {shown} redirects more than {MAX_REDIRECTS} times (a redirect loop?)"
        if exc.kind == "closed":
            return f"NOT an HTTP server: {shown} closed the connection without an HTTP answer"
        if exc.kind == "not-http":
            return f"NOT an HTTP server: {shown} answered something that is not HTTP"
        return f"NOT reachable: {redact_urls(exc.what)}"
    if 200 <= code < 300:
        return f"reachable ({code} from {shown})"
    return f"reachable, answered {code} for {shown}"  # 401 still proves a server is there


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
    from ..lint import resolve_settings

    yield "lint", f"threshold {resolve_settings(s.lint).threshold} (from {o.get('lint')})"
    numbering = "numbered" if s.thread_numbering else "not numbered"
    yield "platforms", (f"LinkedIn, X, Threads, Bluesky, Mastodon (Mastodon {s.mastodon_limit:,} characters, from "
                        f"{o.get('mastodon_limit')}; threads {numbering}, from {o.get('thread_numbering')})")
    try:
        from ..service import tokens

        name, origin = tokens.encoding_info(s.model)
        yield "tokenizer", f"{name}: {origin}"
    except DrafterError as exc:
        yield "tokenizer", f"UNAVAILABLE: {exc}"
    ws = drafter.workspace
    yield "workspace", f"{ws.root} (from {ws.origin})"
    yield "drafts", str(ws.drafts_dir)
    yield "voice", voice_line(drafter)
    yield "user templates", str(ws.prompts_dir)
    yield "built-in templates", str(builtin_prompts_dir())
    ucf = user_config_file()
    yield "user config", f"{ucf}" + ("" if ucf.exists() else " (none)")
    yield "workspace config", f"{ws.config_file}" + ("" if ws.config_file.exists() else " (none)")


def voice_line(drafter: Drafter) -> str:
    """How many posts the voice has and where, and what of it leaves the machine."""
    where = drafter.workspace.voice_file
    stored, problem = drafter.voice_file
    if problem:
        return f"UNREADABLE: {problem}"
    if stored is None:
        return f"none ({where} does not exist; drafter voice import PATH makes it)"
    n = len(stored.posts)
    off = "; not used: the voice setting is off" if not drafter.settings.voice else ""
    return (f"{n} post{'' if n == 1 else 's'} in {where} (stays there; with every LLM prompt: drafts, part "
            "rewrites, hook variants, platform versions, its profile goes as instructions and only 3-5 of them, "
            f"the most like the article, are sent to the LLM as examples; offline, nothing is sent){off}")
