"""The headless CLI: outputs, exit codes (0 ok, 1 failure, 2 bad input), one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from drafter.cli.main import main
from tests.loopback import loopback  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "tests" / "corpus" / "example-article.md"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err: str, needle: str) -> None:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("drafter: ")
    assert needle.lower() in lines[0].lower()
    assert "Traceback" not in err


def test_draft_article_offline(capsys, workspace_dir):
    code, out, err = run(capsys, "--workspace", str(workspace_dir), "draft", "--article", str(EXAMPLE))
    assert code == 0
    blocks = out.strip().split("\n\n")
    assert len(blocks) >= 4
    assert blocks[-1].startswith("#") and blocks[-2].endswith("?")
    assert err.count("offline extractive engine") == 1
    assert len(out) <= 3000


def test_draft_topic_gives_an_honest_scaffold(capsys, workspace_dir):
    code, out, _ = run(capsys, "draft", "--workspace", str(workspace_dir), "--topic", "heat pumps in old houses")
    assert code == 0
    hook, bullets = out.split("\n\n")[:2]
    # Marked placeholders, not invented facts: every line is bracketed and no number appears.
    assert hook.startswith("[") and hook.endswith("]")
    assert all(line.startswith("• [") and line.endswith("]") for line in bullets.splitlines())
    assert not any(ch.isdigit() for ch in out)


def test_draft_json_save_then_drafts_commands(capsys, workspace_dir):
    ws = ["--workspace", str(workspace_dir)]
    code, out, _ = run(capsys, "draft", *ws, "--article", str(EXAMPLE), "--json", "--save",
                       "--template", "news-takeaways", "--var", "takeaways=4", "--var", "hashtags=2")
    assert code == 0
    data = json.loads(out)
    assert len(data["parts"]["takeaways"]) == 4 and len(data["parts"]["hashtags"]) == 2
    assert "Key takeaways:" in data["text"] and "Why it matters:" in data["text"]
    assert data["stats"]["chars"] == len(data["text"])
    draft_id = data["draft_id"]
    assert (workspace_dir / "drafts" / f"{draft_id}.json").is_file()

    code, out, _ = run(capsys, "drafts", *ws, "list")
    assert code == 0 and draft_id in out
    code, out, _ = run(capsys, "drafts", *ws, "show", draft_id)
    assert out.strip() == data["text"]
    code, out, _ = run(capsys, "drafts", *ws, "export", draft_id, "--format", "json")
    assert json.loads(out)["id"] == draft_id
    code, out, _ = run(capsys, "drafts", *ws, "export", draft_id, "--format", "md")
    assert out.startswith("---") and data["text"] in out
    code, _, err = run(capsys, "drafts", *ws, "delete", draft_id)
    assert code == 0 and not (workspace_dir / "drafts" / f"{draft_id}.json").exists()


def test_corrupt_draft_is_reported_not_fatal(capsys, workspace_dir):
    (workspace_dir / "drafts" / "broken.json").write_text("{not json", encoding="utf-8")
    code, out, err = run(capsys, "drafts", "--workspace", str(workspace_dir), "list")
    assert code == 0
    assert "broken.json" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["draft"], "exactly one of"),
        (["draft", "--topic", "x", "--article", "y"], "exactly one of"),
        (["draft", "--article", "missing.txt"], "missing.txt"),
        (["draft", "--topic", "   "], "empty"),
        (["draft", "--topic", "x", "--template", "nope"], "nope"),
        (["draft", "--topic", "x", "--var", "novar"], "KEY=VALUE"),
        (["draft", "--topic", "x", "--var", "colour=red"], "colour"),
        (["draft", "--topic", "x", "--var", "takeaways=9"], "takeaways"),
        (["draft", "--topic", "x", "--temperature", "hot"], "temperature"),
        (["drafts", "show", "../etc/passwd"], "invalid draft id"),
        (["drafts", "show", "no-such-draft"], "no-such-draft"),
        (["templates", "show", "nope"], "nope"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, workspace_dir, argv, needle):
    code, out, err = run(capsys, "--workspace", str(workspace_dir), *argv)
    assert code == 2, err
    assert out == ""
    assert_one_line_error(err, needle)


@pytest.mark.parametrize("content, needle", [(b"", "empty"), (b"\x00\x01\x02binary", "binary"),
                                              ("caf\xe9 cr\xe8me".encode("latin-1"), "UTF-8")])
def test_bad_files_exit_2(capsys, workspace_dir, tmp_path, content, needle):
    path = tmp_path / "article.txt"
    path.write_bytes(content)
    code, _, err = run(capsys, "--workspace", str(workspace_dir), "draft", "--article", str(path))
    assert code == 2
    assert_one_line_error(err, needle)


def test_debug_shows_the_traceback(workspace_dir):
    from drafter.common.errors import SourceError

    with pytest.raises(SourceError):
        main(["--debug", "--workspace", str(workspace_dir), "draft", "--article", "missing.txt"])


def test_templates_commands(capsys, workspace_dir):
    ws = ["--workspace", str(workspace_dir)]
    code, out, _ = run(capsys, "templates", *ws, "list")
    assert code == 0 and "news-takeaways" in out and "* classic" in out
    code, out, _ = run(capsys, "templates", *ws, "show", "classic")
    assert 'name = "classic"' in out
    code, out, _ = run(capsys, "templates", *ws, "new", "mine", "--from", "story")
    assert code == 0 and (workspace_dir / "prompts" / "mine.toml").is_file()
    code, _, err = run(capsys, "templates", *ws, "new", "mine")
    assert code == 2 and "exists" in err
    code, out, _ = run(capsys, "templates", *ws, "path")
    assert str(workspace_dir / "prompts") in out


def test_doctor_never_prints_the_key(capsys, workspace_dir, monkeypatch):
    code, out, _ = run(capsys, "doctor", "--workspace", str(workspace_dir))
    assert code == 0 and "offline" in out and "not set" in out and str(workspace_dir) in out
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-SECRET")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    code, out, err = run(capsys, "doctor", "--workspace", str(workspace_dir))
    assert code == 0 and "set (from OPENAI_API_KEY)" in out and "NOT reachable" in out
    assert "sk-test-SECRET" not in out + err


def test_stdin_and_import_hygiene(workspace_dir):
    """`-` reads stdin; the offline path imports neither openai nor textual (whole process)."""
    code = (
        "import sys; from drafter.cli.main import main; rc = main(sys.argv[1:]); "
        "sys.stdout.flush(); print('LOADED', 'openai' in sys.modules, 'textual' in sys.modules, "
        "'tiktoken' in sys.modules, file=sys.stderr); sys.exit(rc)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DRAFTER_"))}
    res = subprocess.run(
        [sys.executable, "-c", code, "--workspace", str(workspace_dir), "draft", "-"],
        input=EXAMPLE.read_text(encoding="utf-8"), capture_output=True, text=True, env=env, timeout=60,
    )
    assert res.returncode == 0, res.stderr
    # The post is drafted from the piped article (its facts), not a scaffold for a topic.
    blocks = res.stdout.strip().split("\n\n")
    assert "Aldermoor" in blocks[0] and "34 percent" in blocks[0]
    assert "[" not in res.stdout and blocks[-1].startswith("#")
    assert "LOADED False False False" in res.stderr


def test_lint_command(capsys, tmp_path, workspace_dir):
    bad = tmp_path / "post.txt"
    bad.write_text("In today's fast-paced world, we delve into " + "x" * 200 + "\n\nThoughts?\n\n#The #AI #ai",
                   encoding="utf-8")
    code, out, _ = run(capsys, "lint", "--workspace", str(workspace_dir), str(bad))
    assert code == 1
    assert "ai-phrase" in out and "hashtag-duplicate" in out and "score:" in out
    code, out, _ = run(capsys, "lint", "--workspace", str(workspace_dir), str(bad), "--json")
    assert json.loads(out)["score"] < 80


@pytest.mark.parametrize(
    "argv, hint",
    [
        (["frobnicate"], "see drafter --help"),
        (["draft", "--topic", "x", "--bogus"], "see drafter --help"),
        (["drafts", "nope"], "see drafter drafts --help"),
        (["drafts", "show"], "see drafter drafts show --help"),
        (["draft", "--temperature", "hot", "--topic", "x"], "see drafter draft --help"),
        (["templates", "new"], "see drafter templates new --help"),
        (["lint", "--source"], "see drafter lint --help"),
    ],
)
def test_parser_errors_say_drafter_once_and_name_the_help_to_read(capsys, workspace_dir, argv, hint):
    code, out, err = run(capsys, "--workspace", str(workspace_dir), *argv)
    assert code == 2 and out == ""
    assert_one_line_error(err, hint)
    assert err.count("drafter:") == 1 and "drafter: drafter" not in err


@pytest.mark.parametrize("config, flags, needle", [
    ('[lint]\nthreshold = "abc"\n', [], "threshold"),
    ("", ["--base-url", "not a url"], "base_url"),
    ("", ["--base-url", "ftp://127.0.0.1:9/v1"], "http:// or https://"),
])
def test_bad_settings_stop_before_any_request(capsys, workspace_dir, loopback, monkeypatch, config, flags, needle):
    """Found when the settings are loaded: exit 2, one line, and the (paid) server never asked."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-SECRET")
    monkeypatch.setenv("OPENAI_BASE_URL", loopback.base_url)
    (workspace_dir / "drafter.toml").write_text(config, encoding="utf-8")
    code, out, err = run(capsys, "draft", "--workspace", str(workspace_dir), *flags, "--topic", "battery recycling")
    assert code == 2 and out == ""
    assert_one_line_error(err, needle)
    assert loopback.requests == [] and "retrying" not in err


# ---- the declared command line, through click's runner ------------------------------------


def all_commands() -> list[list[str]]:
    """Every (sub)command's name path: [], ["draft"], ["drafts", "list"], ..."""
    from drafter.cli.main import cli

    found: list[list[str]] = []

    def walk(command, path: list[str]) -> None:
        found.append(path)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*path, name])

    walk(cli, [])
    return found


def invoke(*argv: str):
    from click.testing import CliRunner

    from drafter.cli.main import cli

    return CliRunner().invoke(cli, list(argv))


@pytest.mark.parametrize("path", all_commands(), ids=lambda p: " ".join(p) or "drafter")
def test_every_command_has_help(path):
    result = invoke(*path, "--help")
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout.startswith(f"Usage: {' '.join(['drafter', *path])} ")
    assert "--workspace" in result.stdout and "--debug" in result.stdout


def test_version():
    from drafter import __version__

    result = invoke("--version")
    assert (result.exit_code, result.stdout) == (0, f"drafter {__version__}\n")


@pytest.mark.parametrize("argv", [["drafts", "show"], ["draft", "--bogus"], ["drafts"], ["lint", "--source"],
                                  ["eval"], ["drafts", "export", "x", "--format", "pdf"], ["frobnicate", "x"]])
def test_usage_errors_are_one_line_not_clicks_usage_block(argv, workspace_dir):
    result = invoke("--workspace", str(workspace_dir), *argv)
    assert result.exit_code == 2 and result.stdout == ""
    assert_one_line_error(result.stderr, "--help)")
    assert "Usage:" not in result.stderr and "Try " not in result.stderr and "Error:" not in result.stderr


@pytest.mark.parametrize("argv", [
    ["--debug", "draft", "--article", "missing.txt"],
    ["draft", "--debug", "--article", "missing.txt"],
    ["draft", "--article", "missing.txt", "--debug"],
    ["drafts", "--debug", "show", "no-such-draft"],
    ["drafts", "show", "no-such-draft", "--debug"],
    ["--debug", "drafts", "show"],
])
def test_debug_anywhere_gives_the_traceback(argv, workspace_dir):
    from drafter.common.errors import DrafterError

    result = invoke("--workspace", str(workspace_dir), *argv)
    assert isinstance(result.exception, DrafterError) and result.exit_code == 1
    assert "drafter:" not in result.stderr  # raised, not turned into the one line


@pytest.mark.parametrize("argv, opened_with", [([], None), (["--debug"], None), (["--workspace", "W"], "W"),
                                               (["--workspace=W", "--debug"], "W")])
def test_no_command_opens_the_app_with_the_workspace(monkeypatch, argv, opened_with):
    from drafter.cli import main as cli

    opened: list[str | None] = []
    monkeypatch.setattr(cli, "_run_app", lambda workspace: opened.append(workspace) or 0)
    assert main(argv) == 0 and opened == [opened_with]


def test_the_workspace_given_last_wins_at_any_level(capsys, tmp_path, workspace_dir):
    other = tmp_path / "other"
    (other / "drafts").mkdir(parents=True)
    for argv in (["--workspace", str(other), "drafts", "--workspace", str(workspace_dir), "list"],
                 ["--workspace", str(other), "drafts", "list", "--workspace", str(workspace_dir)],
                 ["drafts", "--workspace", str(workspace_dir), "list"]):
        code, out, err = run(capsys, *argv)
        assert code == 0 and out == "" and f"no drafts in {workspace_dir / 'drafts'}" in err, argv


def test_the_app_path_does_not_build_the_commands():
    """``drafter`` alone opens the app: the root group adds its commands only when one is looked
    up (a name, ``--help``), so the app's start-up does not pay for declaring them."""
    code = ("import sys; from drafter.cli.main import cli; before = 'drafter.cli.commands' in sys.modules; "
            "names = list(cli.commands); print(before, 'drafter.cli.commands' in sys.modules, 'draft' in names)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.stdout.split() == ["False", "True", "True"], out.stderr


@pytest.mark.parametrize(("argv", "needle"), [(["eval"], "missing argument 'FOLDER'"),
                                              (["drafts", "show"], "missing argument 'ID'"),
                                              (["templates", "new"], "missing argument 'NAME'")])
def test_a_missing_argument_is_named(capsys, workspace_dir, argv, needle):
    code = main(["--workspace", str(workspace_dir), *argv])
    err = capsys.readouterr().err
    assert code == 2 and needle in err and err.count("\n") == 1
