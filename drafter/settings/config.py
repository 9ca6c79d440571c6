"""Settings, resolved once: flags > environment > workspace drafter.toml > user config > defaults.

Environment: ``DRAFTER_<SETTING>`` for every setting but ``lint`` (``DRAFTER_MODEL``,
``DRAFTER_FETCH_TIMEOUT``...; see :data:`ENVIRONMENT`), and the SDK's own ``OPENAI_API_KEY`` and
``OPENAI_BASE_URL`` (``DRAFTER_BASE_URL`` wins over ``OPENAI_BASE_URL``). The layers merge
table by table at every depth (:func:`deep_merge`): a ``[lint.rules.emoji]`` in the user config
and a ``[lint.rules.em-dash]`` in drafter.toml both apply.

The API key is read from the environment only. It is never written anywhere and never
printed: it lives in a ``SecretStr``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Mapping

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from ..common import reading
from ..common.errors import ConfigError, first_problem
from ..common.urls import check_base_url
from ..models.platforms import MASTODON_LIMIT
from ..sources.fetch import FETCH_TIMEOUT
from .paths import Workspace, user_config_file

if TYPE_CHECKING:
    from ..lint.settings import LintSettings as _Lint
else:  # pydantic sees Any: the linter is imported only when there is a [lint] table (see Settings._lint)
    _Lint = Any

DEFAULT_MODEL = "gpt-4.1-mini"
"""Cheap, fast, supports json_schema structured output and a temperature, 1M-token context."""
DEFAULT_TEMPLATE = "classic"
"""The template used when none is named (one of templates.BUILTIN_NAMES), and the one a new template copies."""

EngineChoice = Literal["auto", "openai", "offline"]


class Settings(BaseModel):
    """Every setting drafter reads. Unknown keys in a config file are an error."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    engine: EngineChoice = "auto"
    """auto: the OpenAI engine when a key or a base URL is set, else the offline engine."""
    model: str = DEFAULT_MODEL
    """Model name sent to the server (ignored by the offline engine)."""
    base_url: str | None = None
    """An OpenAI-compatible server, e.g. http://localhost:11434/v1 for Ollama."""
    api_key: SecretStr | None = Field(default=None, exclude=True, repr=False)
    """From OPENAI_API_KEY only; never saved, never printed."""
    temperature: float | None = Field(default=0.7, ge=0, le=2)
    """Sampling temperature; a template may set its own."""
    timeout: float = Field(default=60.0, gt=0, le=3600)
    """Seconds to wait for the server (per request, and between streamed chunks)."""
    deadline: float = Field(default=300.0, gt=0, le=86_400)
    """Seconds one whole LLM generation may take: retries, output-mode fallbacks and the repair
    round included. What arrived when it ends is kept."""
    max_tokens: int = Field(default=1200, ge=16, le=100_000)
    """Upper bound on the completion."""
    retries: int = Field(default=2, ge=0, le=10)
    """Retries on 429/5xx/connection errors, with backoff."""
    fetch_timeout: float = Field(default=FETCH_TIMEOUT, gt=0, le=600)
    """Seconds an article URL fetch may take in all (connect, headers, redirects, body)."""
    repair: bool = True
    """After an LLM draft that scores under the lint threshold, send the findings back once."""
    template: str = DEFAULT_TEMPLATE
    """Template used when none is named."""
    bullet: str | None = None
    """Overrides the template's bullet marker ("•" by default)."""
    mastodon_limit: int = Field(default=MASTODON_LIMIT, ge=50, le=100_000)
    """Characters a post may have on your Mastodon server (servers set their own; 500 is the default)."""
    thread_numbering: bool = True
    """Number the posts of a thread ("1/4"); the label counts in each post's limit."""
    voice: bool = True
    """Draft in the workspace's voice (``drafter voice import``) when it has one; ``--no-voice`` for one draft."""
    lint: _Lint | None = None
    """The [lint] table merged over the linter's shipped defaults and validated when the settings
    are made (see the README); None: the shipped defaults as they are."""

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return check_base_url(value)
        except ValueError as exc:
            raise PydanticCustomError("base_url", str(exc)) from None

    @field_validator("lint", mode="plain")
    @classmethod
    def _lint(cls, value: Any) -> _Lint | None:
        """The [lint] table becomes a LintSettings here, at load, through the linter's own
        validator (a ConfigError passes through pydantic unchanged), so a mistake never waits for
        the first request. The linter (~50 ms of imports) is loaded only when there is a table."""
        if value is None or (isinstance(value, Mapping) and not value):
            return None
        from ..lint.settings import LintSettings, resolve

        if not isinstance(value, (Mapping, LintSettings)):
            raise ConfigError("lint must be a table ([lint])")
        return resolve(value)

    def resolved_engine(self) -> Literal["openai", "offline"]:
        if self.engine != "auto":
            return self.engine
        return "openai" if (self.api_key or self.base_url) else "offline"


ENVIRONMENT = {f"DRAFTER_{name.upper()}": name for name in Settings.model_fields if name not in ("api_key", "lint")}
"""Environment variable -> setting: one per setting, named after it (the API key and [lint] have none)."""


def _file_layer(path: Path) -> dict[str, Any]:
    data = reading.read_toml(path, required=False)
    if not data:
        return {}
    if "api_key" in data or "openai_api_key" in data:
        raise ConfigError(f"{path}: api_key does not belong in a file; set OPENAI_API_KEY in the environment")
    data = {k: v for k, v in data.items() if k not in ("workspace",)}
    unknown = set(data) - set(Settings.model_fields) - {"api_key"}
    if unknown:
        raise ConfigError(f"{path}: unknown setting {sorted(unknown)[0]!r}")
    if "lint" in data:
        if not isinstance(data["lint"], dict):
            raise ConfigError(f"{path}: lint must be a table ([lint])")
        from ..lint.settings import as_tables, resolve

        try:
            resolve(data["lint"])
        except ConfigError as exc:
            raise ConfigError(f"{path}: {exc}") from None
        data["lint"] = as_tables(data["lint"])
    return data


def deep_merge(lower: Mapping[str, Any], upper: Mapping[str, Any]) -> dict[str, Any]:
    """``upper`` laid over ``lower``: two tables under one key merge key by key, at every depth;
    any other value in ``upper`` replaces the one below. Neither argument is changed."""
    merged = dict(lower)
    for key, value in upper.items():
        below = merged.get(key)
        if isinstance(value, Mapping) and isinstance(below, Mapping):
            merged[key] = deep_merge(below, value)
        else:
            merged[key] = value
    return merged


def load_settings(
    workspace: Workspace | None = None,
    flags: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
) -> tuple[Settings, dict[str, str]]:
    """Resolve settings once. Returns them and, per setting, where its value came from (a table
    that several layers set, like [lint], names them all, lowest first: "<user config> + <drafter.toml>")."""
    env = os.environ if env is None else env
    layers: list[tuple[str, dict[str, Any]]] = []
    ucf = user_config_file(env)
    layers.append((str(ucf), _file_layer(ucf)))
    if workspace is not None:
        layers.append((str(workspace.config_file), _file_layer(workspace.config_file)))
    env_layer: dict[str, Any] = {}
    if env.get("OPENAI_BASE_URL"):
        env_layer["base_url"] = env["OPENAI_BASE_URL"]
    for var, key in ENVIRONMENT.items():
        if env.get(var):
            env_layer[key] = env[var]
    layers.append(("environment", env_layer))
    layers.append(("flags", {k: v for k, v in (flags or {}).items() if v is not None}))

    merged: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for name, layer in layers:
        for key, value in layer.items():  # a table merged with one below names both layers
            merges = isinstance(value, Mapping) and isinstance(merged.get(key), Mapping)
            origin[key] = f"{origin[key]} + {name}" if merges else name
        merged = deep_merge(merged, layer)
    key = env.get("OPENAI_API_KEY", "").strip()
    if key:
        merged["api_key"] = key
        origin["api_key"] = "OPENAI_API_KEY"
    try:
        settings = Settings.model_validate(merged)
    except ConfigError as exc:  # from the [lint] validator: the merged table of several layers
        raise ConfigError(f"invalid lint settings (from {origin.get('lint', 'settings')}): {exc}") from None
    except ValidationError as exc:
        err = first_problem(exc)
        where = origin.get(str(err.loc[0]) if err.loc else "", "settings")
        raise ConfigError(f"invalid {err.where or 'settings'} (from {where}): {err.message}") from exc
    for k in Settings.model_fields:
        origin.setdefault(k, "default")
    return settings, origin
