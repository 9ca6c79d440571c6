"""drafter batch at the edges the tester found: a file name that is not UTF-8, an article too
short to draft from, a refused API key, a workspace it cannot write, and a bug in one item."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from drafter.cli.main import main
from drafter.service.batch import BatchRun
from drafter.service.drafting import Drafter
from drafter.sources.batch import expand
from drafter.storage.store import Store
from tests.loopback import Reply, loopback  # noqa: F401  (fixture)
from tests.test_faults_llm import GOOD

CORPUS = Path(__file__).resolve().parent / "corpus"
ARTICLE = (CORPUS / "example-article.md").read_text(encoding="utf-8")


def _articles(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (folder / f"a{i:02}.md").write_text(f"{ARTICLE}\n\nUpdate number {i}.\n", encoding="utf-8")
    return folder


def test_a_file_name_that_is_not_utf8_is_drafted_saved_and_printed(capsys, tmp_path, workspace_dir):
    folder = _articles(tmp_path / "in", 2)
    bad = os.path.join(os.fsencode(folder), b"na\xefve.md")  # a Latin-1 name on a UTF-8 system
    with open(bad, "wb") as f:
        f.write(ARTICLE.encode("utf-8"))
    code = main(["--workspace", str(workspace_dir), "batch", str(folder), "--engine", "offline", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.count('"status": "drafted"') == 3 and "na\ufffdve.md" in out
    records = [Store(workspace_dir / "drafts").load(s.id) for s in Store(workspace_dir / "drafts").list()[0]]
    assert len(records) == 3 and any(r.source.location.endswith("na\ufffdve.md") for r in records)
    code = main(["--workspace", str(workspace_dir), "draft", "--article", os.fsdecode(bad), "--engine", "offline",
                 "--save"])
    assert code == 0, capsys.readouterr().err


def test_an_article_too_short_to_draft_from_fails_and_its_scaffold_is_kept_not_saved(capsys, tmp_path, workspace_dir):
    folder = _articles(tmp_path / "in", 1)
    (folder / "short.txt").write_text("Big news today.\n", encoding="utf-8")
    code = main(["--workspace", str(workspace_dir), "batch", str(folder), "--engine", "offline"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "drafted      1" in out and "failed       1" in out
    line = next(x for x in out.splitlines() if "short.txt" in x)
    assert "too little article text to draft from (3 words)" in line
    kept = Path(line.rsplit("kept in ", 1)[1].strip())
    assert "[" in kept.read_text(encoding="utf-8")
    assert len(Store(workspace_dir / "drafts").list()[0]) == 1  # the scaffold is no draft


def test_a_refused_api_key_stops_the_batch_after_the_first_answer(capsys, tmp_path, workspace_dir, loopback,
                                                                  monkeypatch):  # fmt: skip
    monkeypatch.setenv("OPENAI_API_KEY", "sk-wrong")
    loopback.script(*[Reply.error(401, "invalid api key", code="invalid_api_key")] * 6)
    folder = _articles(tmp_path / "in", 6)
    code = main(["--workspace", str(workspace_dir), "batch", str(folder), "--base-url", loopback.base_url,
                 "--concurrency", "1", "--no-repair"])
    out, err = capsys.readouterr()
    assert code == 1
    assert len(loopback.chat_requests) == 1  # not one 401 per source
    assert "failed       1" in out and "left         5" in out
    assert "the batch stopped" in err and "5 source(s) left" in err and "sk-wrong" not in out + err


def test_a_workspace_whose_drafts_cannot_be_written_is_bad_input_before_anything_runs(capsys, tmp_path):
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "drafts").write_text("a file where the drafts folder should be", encoding="utf-8")
    code = main(["--workspace", str(workspace), "batch", str(_articles(tmp_path / "in", 2)), "--engine", "offline"])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.count("drafter:") == 1 and "cannot save drafts in" in err and "nothing was drafted" in err


def test_a_bug_in_one_item_is_that_items_failure_and_the_rest_are_drafted(tmp_path, workspace_dir, monkeypatch):
    import drafter.sources.batch as batch_sources

    real = batch_sources.load_item

    def load_item(item, **kwargs):
        if item.label.endswith("a01.md"):
            raise RuntimeError("a bug")
        return real(item, **kwargs)

    monkeypatch.setattr(batch_sources, "load_item", load_item)
    drafter = Drafter.from_environment(workspace_dir, {"engine": "offline"})
    runner = BatchRun(drafter, processes=1)
    summary = drafter.run(lambda: runner.run(expand([str(_articles(tmp_path / "in", 3))])))
    assert [o.status for o in summary.outcomes] == ["drafted", "failed", "drafted"]
    assert summary.outcomes[1].error == "unexpected error: RuntimeError: a bug"


@pytest.fixture(autouse=True)
def _no_key(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


def test_a_failing_server_stops_the_batch_after_three_sources_in_a_row(capsys, tmp_path, workspace_dir, loopback,
                                                                       monkeypatch):  # fmt: skip
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    (workspace_dir / "drafter.toml").write_text("retries = 0\n", encoding="utf-8")
    down = [Reply.error(500, "boom")] * 2  # json_schema, then json_object: each source's two requests
    # a failure, a draft (the streak starts again), then three failures in a row: the batch stops
    loopback.script(*down, Reply.stream(GOOD), *down, *down, *down, *[Reply.stream(GOOD)] * 3)
    folder = _articles(tmp_path / "in", 8)
    code = main(["--workspace", str(workspace_dir), "batch", str(folder), "--base-url", loopback.base_url,
                 "--concurrency", "1", "--no-repair", "--json"])
    out, err = capsys.readouterr()
    assert code == 1
    assert [json.loads(line)["status"] for line in out.splitlines()] == ["failed", "drafted", "failed", "failed",
                                                                         "failed", "left", "left", "left"]
    assert len(loopback.chat_requests) == 9  # the three sources left are not asked for
    assert "3 sources in a row failed at the server" in err and "3 source(s) left" in err


def test_a_long_article_in_one_paragraph_that_gives_a_scaffold_is_not_called_too_short(capsys, tmp_path,
                                                                                        workspace_dir):
    corpus = Path(__file__).resolve().parent / "corpus" / "example-article.md"
    flat = tmp_path / "flat.md"
    flat.write_text(" ".join(corpus.read_text(encoding="utf-8").split()), encoding="utf-8")
    code = main(["--workspace", str(workspace_dir), "batch", str(flat), "--engine", "offline"])
    out, err = capsys.readouterr()
    assert code == 1
    line = next(x for x in out.splitlines() if x.startswith("  failed:"))
    assert "too little article text" not in line and "(one paragraph, no breaks between paragraphs)" in line
