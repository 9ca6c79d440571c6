"""``drafter doctor``: what would run, and whether it can. Never prints the API key."""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Iterator

from .drafting import Drafter
from .errors import DrafterError
from .workspace import builtin_prompts_dir, user_config_file


def probe(base_url: str, timeout: float = 3.0) -> str:
    """GET <base_url>/models: reachable or not, in a few words. No key is sent."""
    url = base_url.rstrip("/") + "/models"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 - user-configured URL
            return f"reachable ({resp.status} from {url})"
    except urllib.error.HTTPError as exc:
        # 401 still proves a server is there.
        return f"reachable, answered {exc.code} for {url}"
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return f"NOT reachable: {reason}"


def report(drafter: Drafter) -> Iterator[tuple[str, str]]:
    s, o = drafter.settings, drafter.origins
    engine = drafter.engine_name
    why = "" if s.engine != "auto" else (" (auto: key or base URL set)" if engine == "openai" else " (auto: no key, no base URL)")
    yield "engine", engine + why
    yield "API key", "set (from OPENAI_API_KEY)" if s.api_key else "not set"
    yield "base URL", f"{s.base_url} (from {o.get('base_url')})" if s.base_url else "none (api.openai.com when a key is set)"
    if engine == "openai":
        yield "server", probe(s.base_url or "https://api.openai.com/v1", timeout=min(3.0, s.timeout))
    yield "model", f"{s.model} (from {o.get('model')})"
    yield "template", f"{s.template} (from {o.get('template')})"
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
