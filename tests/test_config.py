"""Settings precedence (flags > env > workspace file > user file > defaults) and workspace discovery."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from drafter.settings.config import DEFAULT_MODEL, load_settings
from drafter.common.errors import ConfigError
from drafter.settings.paths import Workspace, resolve_workspace, user_config_file


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults(workspace_dir):
    settings, origin = load_settings(Workspace(workspace_dir, "test"), env={})
    assert settings.model == DEFAULT_MODEL
    assert settings.resolved_engine() == "offline"
    assert origin["model"] == "default"


def test_precedence_each_layer_wins_over_the_next(workspace_dir, isolated_home, monkeypatch):
    env_home = {"XDG_CONFIG_HOME": str(isolated_home / ".config")}
    write(user_config_file(env_home), 'model = "from-user"\ntimeout = 11\ntemperature = 0.1\nmax_tokens = 100\n')
    write(workspace_dir / "drafter.toml", 'model = "from-ws"\ntimeout = 22\ntemperature = 0.2\n')
    env = {**env_home, "DRAFTER_MODEL": "from-env", "DRAFTER_TIMEOUT": "33"}
    ws = Workspace(workspace_dir, "test")
    settings, origin = load_settings(ws, flags={"model": "from-flag", "timeout": None}, env=env)
    assert settings.model == "from-flag" and origin["model"] == "flags"
    assert settings.timeout == 33 and origin["timeout"] == "environment"
    assert settings.temperature == 0.2 and origin["temperature"].endswith("drafter.toml")
    assert settings.max_tokens == 100 and origin["max_tokens"].endswith("config.toml")


def test_drafter_base_url_beats_openai_base_url():
    settings, _ = load_settings(None, env={"OPENAI_BASE_URL": "http://a/v1", "DRAFTER_BASE_URL": "http://b/v1"})
    assert settings.base_url == "http://b/v1"
    assert settings.resolved_engine() == "openai"


def test_key_selects_openai_and_is_never_in_dumps_or_repr():
    settings, origin = load_settings(None, env={"OPENAI_API_KEY": "sk-test-SECRET"})
    assert settings.resolved_engine() == "openai"
    assert origin["api_key"] == "OPENAI_API_KEY"
    assert "sk-test-SECRET" not in repr(settings)
    assert "sk-test-SECRET" not in settings.model_dump_json()
    assert settings.api_key.get_secret_value() == "sk-test-SECRET"


def test_explicit_offline_wins_over_key():
    settings, _ = load_settings(None, flags={"engine": "offline"}, env={"OPENAI_API_KEY": "k"})
    assert settings.resolved_engine() == "offline"


@pytest.mark.parametrize(
    "text, needle",
    [
        ('api_key = "sk-x"', "OPENAI_API_KEY"),
        ("modle = 'x'", "unknown setting 'modle'"),
        ('template = "x"\nmodel = = 1', "line 2"),
        ("timeout = -1", "timeout"),
    ],
)
def test_bad_config_files_are_one_line_errors(workspace_dir, text, needle):
    write(workspace_dir / "drafter.toml", text)
    with pytest.raises(ConfigError) as info:
        load_settings(Workspace(workspace_dir, "test"), env={})
    assert needle in str(info.value)
    assert "\n" not in str(info.value)


def test_bad_env_value_names_setting_and_origin():
    with pytest.raises(ConfigError) as info:
        load_settings(None, env={"DRAFTER_TEMPERATURE": "hot"})
    assert "temperature" in str(info.value) and "environment" in str(info.value)


def test_workspace_order(tmp_path, workspace_dir):
    inner = workspace_dir / "a" / "b"
    inner.mkdir(parents=True)
    other = tmp_path / "other"
    other.mkdir()
    assert resolve_workspace(str(other), {"DRAFTER_WORKSPACE": str(workspace_dir)}, inner).origin == "--workspace"
    ws = resolve_workspace(None, {"DRAFTER_WORKSPACE": str(other)}, inner)
    assert ws.root == other.resolve() and ws.origin == "DRAFTER_WORKSPACE"
    ws = resolve_workspace(None, {}, inner)
    assert ws.root == workspace_dir.resolve() and ws.origin == "drafter.toml"
    ws = resolve_workspace(None, {"XDG_DATA_HOME": str(tmp_path / "data")}, tmp_path / "home")
    assert ws.root == tmp_path / "data" / "drafter" and ws.origin == "user data folder"


def test_workspace_that_is_a_file_is_an_error(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(ConfigError):
        resolve_workspace(str(f), {}, tmp_path)


def test_resolving_creates_nothing(tmp_path):
    ws = resolve_workspace(None, {"XDG_DATA_HOME": str(tmp_path / "data")}, tmp_path)
    assert not ws.root.exists()
    ws.ensure()
    assert ws.drafts_dir.is_dir() and ws.prompts_dir.is_dir()


# ---- validated when loaded (issue 7) -----------------------------------------------------


@pytest.mark.parametrize(
    "text, needle",
    [
        ('[lint]\nthreshold = "abc"', "[lint]: threshold"),
        ("[lint]\nthreshold = 120", "[lint]: threshold"),
        ("[lint]\nfrobnicate = 1", "unknown lint setting 'frobnicate'"),
        ("[lint.rules.no-such-rule]\nenabled = false", "unknown lint rule 'no-such-rule'"),
        ("[lint.rules.emoji]\nseverity = 'loud'", "[lint.rules.emoji]"),
        ("lint = 3", "lint must be a table"),
        ('base_url = "ftp://example.com/v1"', "http:// or https://"),
        ("x = " + "[" * 100_000, "nested too deeply"),
        ("x = " + "{a = " * 100_000, "nested too deeply"),
    ],
    ids=["threshold-abc", "threshold-120", "unknown-key", "unknown-rule", "bad-severity", "lint-not-table", "ftp",
         "arrays-100k", "tables-100k"],
)
def test_the_whole_config_is_validated_at_load(workspace_dir, text, needle):
    path = write(workspace_dir / "drafter.toml", text)
    with pytest.raises(ConfigError) as info:
        load_settings(Workspace(workspace_dir, "test"), env={})
    assert needle in str(info.value) and "\n" not in str(info.value)
    if "base_url" not in text:
        assert str(path) in str(info.value)


def test_user_config_nested_deep_is_a_config_error_naming_it(isolated_home):
    path = write(user_config_file(), "x = " + "[" * 100_000)
    with pytest.raises(ConfigError, match=re.escape(str(path))):
        load_settings(None)


@pytest.mark.parametrize("make", ["folder", "fifo", "huge", "binary"])
def test_config_file_that_cannot_be_read_is_a_config_error(workspace_dir, make):
    import os
    import threading

    from drafter.common.reading import MAX_TOML_BYTES

    path = workspace_dir / "drafter.toml"
    path.unlink()
    if make == "folder":
        path.mkdir()
    elif make == "fifo":
        os.mkfifo(path)
    elif make == "huge":
        with path.open("wb") as fh:
            fh.truncate(MAX_TOML_BYTES + 1)
    else:
        path.write_bytes(b"model = '\xff\xfe'")
    box: list[BaseException] = []

    def load() -> None:
        try:
            load_settings(Workspace(workspace_dir, "test"), env={})
        except ConfigError as exc:
            box.append(exc)

    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "blocked reading the config"
    assert len(box) == 1 and str(path) in str(box[0])


@pytest.mark.parametrize("url", ["not a url sk-secret", "ftp://u:sk-secret@example.com/v1", "localhost:8000/v1?k=sk-secret",
                                 "http://?key=sk-secret", "https:///v1?k=sk-secret", "http://host:notaport/v1?k=sk-secret"])
def test_a_base_url_that_is_not_http_is_refused_at_load_without_echoing_it(url):
    for flags, env, where in [({"base_url": url}, {}, "flags"), ({}, {"DRAFTER_BASE_URL": url}, "environment"),
                              ({}, {"OPENAI_BASE_URL": url}, "environment")]:
        with pytest.raises(ConfigError) as info:
            load_settings(None, flags=flags, env=env)
        message = str(info.value)
        assert message.startswith("invalid base_url") and f"(from {where})" in message
        assert "sk-secret" not in message


@pytest.mark.parametrize("url", ["http://localhost:11434/v1", "https://api.example.com/v1/", "http://[::1]:8080/v1",
                                 "HTTP://127.0.0.1:9/v1"])
def test_http_base_urls_load(url):
    assert load_settings(None, flags={"base_url": url}, env={})[0].base_url == url


def test_lint_settings_are_checked_when_set_in_code_too():
    from drafter.settings.config import Settings

    with pytest.raises(ConfigError, match="threshold"):
        Settings(lint={"threshold": "abc"})
    assert Settings(lint={"threshold": 70}).lint.threshold == 70  # a typed model, validated once


# ---- layers merge at every depth (issue 9) -------------------------------------------------


def test_lint_rule_tables_from_the_user_config_and_the_workspace_are_both_kept(workspace_dir, isolated_home):
    """A user config's [lint.rules.emoji] survives a workspace drafter.toml that has a [lint.rules] table."""
    from drafter.lint import resolve_settings

    write(user_config_file(), "[lint]\nthreshold = 70\n[lint.rules.emoji]\nmax = 5\n")
    write(workspace_dir / "drafter.toml", "[lint.rules.em-dash]\nenabled = false\n[lint.rules.emoji]\nseverity = 'hint'\n")
    settings, origin = load_settings(Workspace(workspace_dir, "test"))
    effective = resolve_settings(settings.lint)
    assert effective.rules["emoji"].max == 5 and effective.rules["emoji"].severity == "hint"
    assert effective.rules["em-dash"].enabled is False
    assert effective.threshold == 70
    assert origin["lint"] == f"{user_config_file()} + {workspace_dir / 'drafter.toml'}"  # both layers, lowest first


def test_doctor_says_which_layers_set_the_lint_settings(workspace_dir, isolated_home):
    from drafter.cli.doctor import report
    from drafter.service.drafting import Drafter

    lines = dict(report(Drafter.from_environment(workspace_dir, env={})))
    assert lines["lint"] == "threshold 80 (from default)"
    write(user_config_file(), "[lint]\nthreshold = 70\n")
    assert dict(report(Drafter.from_environment(workspace_dir)))["lint"] == f"threshold 70 (from {user_config_file()})"
    write(workspace_dir / "drafter.toml", "[lint.rules.emoji]\nmax = 5\n")
    lines = dict(report(Drafter.from_environment(workspace_dir)))
    assert lines["lint"] == f"threshold 70 (from {user_config_file()} + {workspace_dir / 'drafter.toml'})"
    assert lines["model"] == "gpt-4.1-mini (from default)"


def test_a_rule_shorthand_in_one_layer_merges_with_the_rule_table_of_another(workspace_dir, isolated_home):
    """`emoji = "hint"` stands for `{ severity = "hint" }`: it changes the severity, not the user's max."""
    from drafter.lint import resolve_settings

    write(user_config_file(), "[lint.rules.emoji]\nmax = 5\n")
    write(workspace_dir / "drafter.toml", '[lint.rules]\nemoji = "hint"\nem-dash = false\n')
    settings, _ = load_settings(Workspace(workspace_dir, "test"))
    effective = resolve_settings(settings.lint)
    assert (effective.rules["emoji"].max, effective.rules["emoji"].severity) == (5, "hint")
    assert effective.rules["em-dash"].enabled is False


def test_deep_merge_merges_tables_at_every_depth_and_replaces_the_rest():
    from drafter.settings.config import deep_merge

    lower = {"a": 1, "t": {"x": 1, "deep": {"k": 1, "keep": True}, "list": [1]}, "gone": {"y": 1}}
    upper = {"a": 2, "t": {"deep": {"k": 2}, "list": [2]}, "gone": "scalar", "new": {"z": 1}}
    assert deep_merge(lower, upper) == {
        "a": 2, "t": {"x": 1, "deep": {"k": 2, "keep": True}, "list": [2]}, "gone": "scalar", "new": {"z": 1},
    }
    assert lower["t"]["deep"] == {"k": 1, "keep": True}  # neither input changes
    assert deep_merge({"t": "scalar"}, {"t": {"x": 1}}) == {"t": {"x": 1}}


def test_an_unknown_rule_with_no_close_match_lists_the_known_rules(workspace_dir):
    """No `drafter lint --rules` exists: the message itself names every rule id."""
    from drafter.lint.registry import all_rules

    write(workspace_dir / "drafter.toml", "[lint.rules.zzzz]\nenabled = false\n")
    with pytest.raises(ConfigError) as info:
        load_settings(Workspace(workspace_dir, "test"), env={})
    message = str(info.value)
    assert "unknown lint rule 'zzzz'" in message and "--rules" not in message and "\n" not in message
    assert f"known rules: {', '.join(all_rules())})" in message


@pytest.mark.parametrize("var, key, value", [
    ("DRAFTER_ENGINE", "engine", "offline"), ("DRAFTER_MODEL", "model", "m"), ("DRAFTER_BASE_URL", "base_url", "http://h/v1"),
    ("DRAFTER_TEMPERATURE", "temperature", "0.5"), ("DRAFTER_TIMEOUT", "timeout", "5"), ("DRAFTER_DEADLINE", "deadline", "9"),
    ("DRAFTER_FETCH_TIMEOUT", "fetch_timeout", "4"), ("DRAFTER_MAX_TOKENS", "max_tokens", "99"),
    ("DRAFTER_RETRIES", "retries", "1"), ("DRAFTER_REPAIR", "repair", "false"), ("DRAFTER_TEMPLATE", "template", "story"),
    ("DRAFTER_BULLET", "bullet", "-"),
])
def test_each_documented_environment_variable_sets_its_setting(var, key, value):
    from drafter.settings.config import Settings

    settings, origin = load_settings(None, env={var: value})
    assert origin[key] == "environment" and getattr(settings, key) != Settings.model_fields[key].default


def test_doctor_shows_the_platform_settings_and_where_they_came_from(workspace_dir, isolated_home):
    from drafter.cli.doctor import report
    from drafter.service.drafting import Drafter

    lines = dict(report(Drafter.from_environment(workspace_dir, env={})))
    assert lines["platforms"] == ("LinkedIn, X, Threads, Bluesky, Mastodon (Mastodon 500 characters, from default; "
                                  "threads numbered, from default)")
    write(workspace_dir / "drafter.toml", "mastodon_limit = 1000\n")
    lines = dict(report(Drafter.from_environment(workspace_dir, env={"DRAFTER_THREAD_NUMBERING": "false"})))
    assert "Mastodon 1,000 characters, from " + str(workspace_dir / "drafter.toml") in lines["platforms"]
    assert "threads not numbered, from environment" in lines["platforms"]
