"""Every ``--json`` output of every command is run, parsed with ``json.loads`` and checked.

Commands with ``--json``: ``draft`` (offline and through an OpenAI-compatible server, with
``--platform`` too), ``adapt``, ``drafts list``, ``voice show``, ``lint``, ``eval``, ``batch status``
and ``batch collect``. A test below keeps this list in step with the parser.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import click
import pytest

from drafter.cli.main import cli, main
from tests.loopback import Reply, loopback  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "tests" / "corpus" / "example-article.md"
ANSWER = {
    "hook": "A recycling plant in Harbour City now recovers 95 percent of a battery's lithium.",
    "takeaways": ["The plant opened in March", "It employs 120 people", "Output doubles next year"],
    "question": "Would you buy a car battery made from recycled lithium?",
    "hashtags": ["#Batteries", "#Recycling"],
}


def run_json(capsys, *argv: str) -> tuple[int, object, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "unexpected error" not in err, err
    return code, json.loads(out), err


def commands_with_json() -> set[str]:
    """"draft", "drafts list", ...: every (sub)command declared with a --json flag."""
    found: set[str] = set()

    def walk(command: click.Command, name: str) -> None:
        if any("--json" in param.opts for param in command.params):
            found.add(name)
        for sub_name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{name} {sub_name}".strip())

    walk(cli, "")
    return found


def test_every_json_flag_has_a_test_here() -> None:
    assert commands_with_json() == {"draft", "adapt", "drafts list", "voice show", "lint", "eval", "batch run",
                                    "batch status", "batch collect"}


def test_batch_json_is_one_line_per_source(capsys, workspace_dir: Path) -> None:
    code = main(["--workspace", str(workspace_dir), "batch", str(EXAMPLE), "--engine", "offline", "--json"])
    out, _ = capsys.readouterr()
    assert code == 0
    [line] = [json.loads(text) for text in out.splitlines()]
    assert set(line) == {"source", "status", "draft_id", "score", "error", "kind", "tokens", "note"}
    assert line["status"] == "drafted" and (workspace_dir / "drafts" / f"{line['draft_id']}.json").is_file()


def test_draft_json_offline_article(capsys, workspace_dir: Path) -> None:
    code, data, _ = run_json(capsys, "draft", "--workspace", str(workspace_dir), "--article", str(EXAMPLE), "--json")
    assert code == 0 and isinstance(data, dict)
    assert data["engine"] == "offline" and data["draft_id"] is None and data["template"] == "classic"
    assert data["stats"]["chars"] == len(data["text"]) and data["parts"]["hook"] in data["text"]
    assert set(data["usage"]) == {"prompt_tokens", "completion_tokens"} and isinstance(data["notes"], list)


def test_draft_json_through_a_server_with_save(capsys, workspace_dir: Path, loopback) -> None:
    loopback.script(Reply.stream(ANSWER))
    code, data, _ = run_json(capsys, "draft", "--workspace", str(workspace_dir), "--base-url", loopback.base_url,
                             "--topic", "battery recycling", "--json", "--save", "--no-repair")
    assert code == 0 and isinstance(data, dict)
    assert data["engine"] == "openai" and data["model"] == "gpt-4.1-mini" and data["finish_reason"] == "stop"
    assert data["parts"]["hook"] == ANSWER["hook"] and data["repair"] is None
    assert (workspace_dir / "drafts" / f"{data['draft_id']}.json").is_file()


def _check_versions(versions: object, names: list[str]) -> None:
    from drafter.models.platforms import PLATFORMS

    assert isinstance(versions, list) and [v["platform"] for v in versions] == names
    for v in versions:
        target = PLATFORMS[v["platform"]]
        assert isinstance(v["posts"], list) and all(isinstance(p, str) and p for p in v["posts"])
        assert v["counts"] == [target.count(p) for p in v["posts"]] and v["limit"] == target.limit
        assert v["fits"] is all(c <= target.limit for c in v["counts"]) and v["counted"] == target.counts
        assert len(v["findings"]) == len(v["posts"])


def test_draft_json_with_platforms(capsys, workspace_dir: Path) -> None:
    code, data, _ = run_json(capsys, "draft", "--workspace", str(workspace_dir), "--article", str(EXAMPLE),
                             "--platform", "all", "--json")
    assert code == 0 and isinstance(data, dict) and data["platform_errors"] == []
    _check_versions(data["platforms"], ["linkedin", "x", "threads", "bluesky", "mastodon"])
    assert data["platforms"][0]["posts"] == [data["text"]]  # LinkedIn's version is the post itself
    assert len(data["platforms"][1]["posts"]) > 1 and all(v["fits"] for v in data["platforms"])


def test_adapt_json(capsys, workspace_dir: Path) -> None:
    ws = ["--workspace", str(workspace_dir)]
    _, saved, _ = run_json(capsys, "draft", *ws, "--article", str(EXAMPLE), "--json", "--save")
    draft_id = saved["draft_id"]  # type: ignore[index]
    code, data, err = run_json(capsys, "adapt", *ws, draft_id, "--platform", "bluesky", "--platform", "X", "--json")
    assert code == 0 and isinstance(data, dict)
    assert data["draft_id"] == draft_id and data["skipped"] == [] and data["platform_errors"] == []
    _check_versions(data["platforms"], ["x", "bluesky"])
    stored = json.loads((workspace_dir / "drafts" / f"{draft_id}.json").read_text(encoding="utf-8"))
    assert {k: v["posts"] for k, v in stored["versions"].items()} == {v["platform"]: v["posts"]
                                                                     for v in data["platforms"]}


def test_adapt_json_of_a_missing_draft_is_one_line(capsys, workspace_dir: Path) -> None:
    code = main(["adapt", "--workspace", str(workspace_dir), "nope", "--platform", "x", "--json"])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1


def test_drafts_list_json(capsys, workspace_dir: Path) -> None:
    ws = ["--workspace", str(workspace_dir)]
    ids = []
    for topic in ("heat pumps", "four-day week"):
        code, data, _ = run_json(capsys, "draft", *ws, "--topic", topic, "--json", "--save")
        ids.append(data["draft_id"])  # type: ignore[index]
    (workspace_dir / "drafts" / "2025-01-01-deep-0000.json").write_text("[" * 1100, encoding="utf-8")
    code, rows, err = run_json(capsys, "drafts", *ws, "list", "--json")
    assert code == 0 and isinstance(rows, list)
    assert sorted(r["id"] for r in rows) == sorted(ids)
    for row in rows:
        assert row["title"] and row["template"] == "classic" and row["chars"] > 0
        assert datetime.fromisoformat(row["updated"]).tzinfo is not None
        assert Path(row["path"]) == workspace_dir / "drafts" / f"{row['id']}.json"
    assert "skipped:" in err and "deep-0000.json" in err  # the unreadable file: on stderr, not in the JSON


def test_drafts_list_json_when_empty(capsys, workspace_dir: Path) -> None:
    code, rows, _ = run_json(capsys, "drafts", "--workspace", str(workspace_dir), "list", "--json")
    assert code == 0 and rows == []


def test_voice_show_json(capsys, workspace_dir: Path) -> None:
    where = str(workspace_dir / "voice.json")
    code, data, _ = run_json(capsys, "voice", "show", "--workspace", str(workspace_dir), "--json")
    assert code == 0 and data == {"file": where, "posts": 0, "origins": {}, "updated": None, "profile": None}
    main(["--workspace", str(workspace_dir), "voice", "import", str(ROOT / "tests" / "fixtures" / "voice" / "Shares.csv")])
    capsys.readouterr()
    code, data, _ = run_json(capsys, "voice", "show", "--workspace", str(workspace_dir), "--json")
    assert code == 0 and data["file"] == where and data["posts"] == 6 and data["origins"] == {"linkedin": 6}
    datetime.fromisoformat(data["updated"])
    profile = data["profile"]
    assert profile["posts"] == 6 and profile["bullet_marker"] == "→" and profile["hashtags"]["median"] == 2
    assert set(profile["chars"]) == {"low", "median", "high"}


def test_voice_show_json_of_a_corrupt_voice_is_one_line(capsys, workspace_dir: Path) -> None:
    (workspace_dir / "voice.json").write_text("{", encoding="utf-8")
    code = main(["--workspace", str(workspace_dir), "voice", "show", "--json"])
    out, err = capsys.readouterr()
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1 and "voice clear" in err


def test_lint_json(capsys, tmp_path: Path, workspace_dir: Path) -> None:
    post = tmp_path / "post.txt"
    post.write_text("In today's fast-paced world, we delve into synergy.\n\nThoughts?\n\n#AI #ai", encoding="utf-8")
    code, report, _ = run_json(capsys, "lint", "--workspace", str(workspace_dir), str(post), "--json")
    assert code in (0, 1) and isinstance(report, dict)
    assert 0 <= report["score"] < 80
    rules = {f["rule"] for f in report["findings"]}
    assert "ai-phrase" in rules and "hashtag-duplicate" in rules
    assert all({"rule", "severity", "message"} <= set(f) for f in report["findings"])


def test_eval_json(capsys, tmp_path: Path, workspace_dir: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name in ("example-article.md", "opinion-status-meetings.txt"):
        (folder / name).write_bytes((ROOT / "tests" / "corpus" / name).read_bytes())
    code, summary, _ = run_json(capsys, "eval", "--workspace", str(workspace_dir), str(folder), "--json")
    assert code == 0 and isinstance(summary, dict)
    assert [r["article"] for r in summary["rows"]] == ["example-article.md", "opinion-status-meetings.txt"]
    assert summary["min_score"] == min(r["score"] for r in summary["rows"])
    assert summary["template"] == "classic" and summary["engine"].startswith("offline")
    assert all(r["chars"] > 0 and isinstance(r["rules"], list) for r in summary["rows"])


@pytest.mark.parametrize("argv", [["drafts", "list", "--json"], ["lint", "--json"]])
def test_json_commands_keep_errors_off_stdout(capsys, tmp_path: Path, argv: list[str]) -> None:
    """A failure under --json is the one stderr line, never half a JSON document on stdout."""
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x", encoding="utf-8")
    extra = [str(tmp_path / "missing.txt")] if argv[0] == "lint" else []
    code = main(["--workspace", str(not_a_folder), *argv, *extra])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1


def test_batch_status_and_collect_json(capsys, workspace_dir: Path, loopback, tmp_path, monkeypatch) -> None:
    from drafter.models.batch import BatchItem
    from drafter.service import batch_api
    from drafter.service.drafting import Drafter
    from tests.loopback_batches import BatchServer

    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-SECRET")
    loopback.batch_api = BatchServer(progress=[]).script(Reply.completion(ANSWER))
    drafter = Drafter.from_environment(workspace_dir, {"base_url": loopback.base_url})
    record = batch_api.submit(drafter, [BatchItem(kind="file", location=str(EXAMPLE), label="example")])
    code, data, _ = run_json(capsys, "batch", "status", "--workspace", str(workspace_dir), "--base-url",
                             loopback.base_url, "--json")
    assert code == 0 and isinstance(data, dict)
    assert data["id"] == record.id and data["status"] == "completed" and data["items"] == 1
    assert data["counts"] == {"total": 1, "completed": 1, "failed": 0} and data["collected"] is None
    code, data, _ = run_json(capsys, "batch", "collect", record.id, "--workspace", str(workspace_dir), "--base-url",
                             loopback.base_url, "--json")
    assert code == 0 and isinstance(data, dict)
    assert data["source"] == "example" and data["status"] == "drafted" and data["error"] is None
    assert (workspace_dir / "drafts" / f"{data['draft_id']}.json").is_file() and isinstance(data["score"], int)
