"""The OpenAI Batch API (``drafter batch --batch-api``, ``drafter batch status``, ``drafter batch
collect``) through the real ``openai`` SDK against the loopback server's /v1/files and /v1/batches."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from drafter.cli.batch_api import run_batch_api
from drafter.cli.main import main
from drafter.common.errors import DrafterError
from drafter.engines.openai.batches import NoBatchAPI
from drafter.models.batch import BatchItem
from drafter.service import batch_api
from drafter.service.drafting import Drafter
from tests.loopback import Loopback, Reply, loopback  # noqa: F401 - the fixture
from tests.loopback_batches import BatchServer
from tests.test_drafting import SLOPPY

KEY = "sk-test-BATCHSECRET"

ARTICLES = {
    "ferry.md": ("# The night ferry returns\n\nThe Kessel night ferry runs again from 3 March after two years. "
                 "It leaves the north pier at 23:40 and reaches Ostrand at 06:10. Tickets cost 38 euros, "
                 "cabins 95. The operator expects 40,000 passengers in the first season.\n"),
    "library.md": ("# A library that lends tools\n\nThe Brookfield library now lends 312 tools, from drills to "
                   "sewing machines. Members borrow them for a week at no cost. In the first month 1,150 loans "
                   "were made, and the most borrowed item was a pressure washer.\n"),
    "orchard.md": ("# The school orchard\n\nPupils at Hollin Primary planted 60 apple trees of 14 old varieties. "
                   "The first harvest is expected in three years. Each class adopts one row and keeps a diary "
                   "of the blossom, the pests and the fruit.\n"),
}


def post(word: str) -> dict:
    """A clean answer whose hook names ``word`` (to see which answer became which draft)."""
    return {
        "hook": f"The {word} story shows how a small town keeps its promises to the people who live there.",
        "takeaways": [f"The {word} plan has a clear date and a clear price.",
                      f"People in the {word} story use it from the first week.",
                      f"The {word} numbers are public, so anyone can check them."],
        "question": f"What would the {word} idea look like where you live?",
        "hashtags": ["#LocalNews", "#Community", "#Towns"],
    }


@pytest.fixture
def articles(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [folder / name for name in ARTICLES]


@pytest.fixture
def batches(loopback: Loopback) -> BatchServer:
    loopback.batch_api = BatchServer()
    return loopback.batch_api


@pytest.fixture
def ws(workspace_dir: Path, monkeypatch) -> Path:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    return workspace_dir


def drafter(ws: Path, lb: Loopback) -> Drafter:
    """A fresh drafter, as another process would make it."""
    return Drafter.from_environment(ws, {"base_url": lb.base_url, "retries": 0, "timeout": 5})


def items(paths: list[Path]) -> list[BatchItem]:
    return [BatchItem(kind="file", location=str(p), label=p.name) for p in paths]


def sent(ws: Path, lb: Loopback, paths: list[Path], **kw) -> str:
    return batch_api.submit(drafter(ws, lb), items(paths), template="classic", **kw).id


def finished(ws: Path, lb: Loopback, batch_id: str) -> None:
    batch_api.wait(drafter(ws, lb), batch_id, first=0, longest=0)


def unfenced(body: dict) -> str:
    return re.sub(r"(?<![0-9a-f])[0-9a-f]{12}(?![0-9a-f])", "FENCE", json.dumps(body, sort_keys=True))


def everything_on_disk(ws: Path) -> str:
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in ws.rglob("*") if p.is_file())


def test_one_request_per_source_with_the_body_of_an_interactive_draft(ws, loopback, batches, articles, capsys):
    loopback.script(Reply.stream(post("ferry")))
    code = main(["--workspace", str(ws), "draft", "--article", str(articles[0]), "--template", "classic",
                 "--base-url", loopback.base_url])
    assert code == 0, capsys.readouterr().err
    interactive = dict(loopback.chat_requests[0].body)
    assert interactive.pop("stream") is True and interactive.pop("stream_options")

    batch_id = sent(ws, loopback, articles)
    [upload] = batches.uploads
    assert upload.purpose == "batch" and upload.filename.endswith(".jsonl")
    lines = upload.lines
    assert len(lines) == 3 and len({line["custom_id"] for line in lines}) == 3
    assert all(line["method"] == "POST" and line["url"] == "/v1/chat/completions" for line in lines)
    # The same messages, schema and limits, not streamed (each prompt fences the article with a fresh token).
    assert unfenced(lines[0]["body"]) == unfenced(interactive)
    assert lines[0]["body"]["response_format"]["type"] == "json_schema"
    assert "Tools" not in lines[0]["body"]["messages"][1]["content"] and "312 tools" in lines[1]["body"]["messages"][1]["content"]
    [created] = batches.created
    assert created["input_file_id"] == upload.id and created["endpoint"] == "/v1/chat/completions"
    assert created["completion_window"] == "24h"
    assert len(loopback.chat_requests) == 1  # nothing drafted interactively

    record = json.loads((ws / "batches" / f"{batch_id}.json").read_text(encoding="utf-8"))
    assert record["id"] == batch_id and record["input_file_id"] == upload.id and record["template"] == "classic"
    assert [i["custom_id"] for i in record["items"]] == [line["custom_id"] for line in lines]
    assert record["server"] == loopback.base_url and record["status"] == "validating"
    assert KEY not in everything_on_disk(ws) and KEY not in upload.data.decode()


def test_status_from_a_fresh_drafter_and_the_command(ws, loopback, batches, articles, capsys):
    batch_id = sent(ws, loopback, articles)
    seen = []
    for _ in range(3):
        [followed], problems = batch_api.status(drafter(ws, loopback))
        seen.append(followed.state.status)
    assert seen == ["validating", "in_progress", "completed"] and problems == []
    assert followed.state.total == 3 and followed.state.completed == 0 and followed.state.failed == 3  # none scripted
    code = main(["--workspace", str(ws), "batch", "status", batch_id, "--json", "--base-url", loopback.base_url])
    out, err = capsys.readouterr()
    line = json.loads(out)
    assert code == 0, err
    assert line["status"] == "completed" and line["counts"] == {"total": 3, "completed": 0, "failed": 3}
    assert batches.retrieves == 4
    assert json.loads((ws / "batches" / f"{batch_id}.json").read_text())["status"] == "completed"


def test_wait_polls_until_the_batch_ends(ws, loopback, batches, articles):
    batch_id = sent(ws, loopback, articles[:1])
    statuses = []
    record = batch_api.wait(drafter(ws, loopback), batch_id, lambda s: statuses.append(s.status), first=0, longest=0)
    assert statuses == ["validating", "in_progress", "completed"] and record.status == "completed"
    assert batches.retrieves == 3


def test_collect_matches_answers_by_custom_id_and_lists_the_failures(ws, loopback, batches, articles, capsys):
    batches.script(Reply.completion(post("ferry")), Reply.error(400, "the request was malformed"),
                   Reply.completion("GARBAGE"))
    batch_id = sent(ws, loopback, articles)
    finished(ws, loopback, batch_id)
    code = main(["--workspace", str(ws), "batch", "collect", batch_id, "--json", "--base-url", loopback.base_url])
    out, err = capsys.readouterr()
    assert code == 1, err
    outcomes = [json.loads(line) for line in out.splitlines()]
    assert [(o["source"], o["status"]) for o in outcomes] == [
        ("ferry.md", "drafted"), ("library.md", "failed"), ("orchard.md", "failed")]
    assert "400" in outcomes[1]["error"] and "malformed" in outcomes[1]["error"]
    assert "could not be read" in outcomes[2]["error"] and "kept in" in outcomes[2]["error"]
    kept = Path(outcomes[2]["error"].split("kept in ", 1)[1].strip())
    assert kept.read_text(encoding="utf-8").count("GARBAGE") >= 1
    record = json.loads((ws / "batches" / f"{batch_id}.json").read_text())
    draft = json.loads((ws / "drafts" / f"{outcomes[0]['draft_id']}.json").read_text())
    assert "ferry story" in draft["text"] and outcomes[0]["score"] is not None
    assert draft["batch"] == {"id": record["batch"], "key": record["items"][0]["key"], "place": record["items"][0]["place"]}
    assert len(record["items"][0]["place"]) == 16  # a later run finds the draft by where its source lives too
    assert "1 drafted, 0 skipped, 2 failed" in err


def test_answers_in_another_order_go_to_their_own_sources(ws, loopback, batches, articles):
    batches.script(*(Reply.completion(post(word)) for word in ("ferry", "library", "orchard")))
    batch_id = sent(ws, loopback, articles)
    finished(ws, loopback, batch_id)
    output = batches.files[batches.batches[batch_id]["output_file_id"]].decode().splitlines()
    record = batch_api.load_record(drafter(ws, loopback), batch_id)
    assert [json.loads(x)["custom_id"] for x in output] == [i.custom_id for i in reversed(record.items)]
    summary = batch_api.collect(drafter(ws, loopback), batch_id)
    d = drafter(ws, loopback)
    for outcome, word in zip(summary.outcomes, ("ferry", "library", "orchard")):
        assert outcome.status == "drafted" and f"{word} story" in d.store.load(outcome.draft_id).text
    assert summary.tokens == 3 * 33


def test_collecting_twice_saves_once(ws, loopback, batches, articles):
    batches.script(Reply.completion(post("ferry")), Reply.completion(post("library")))
    batch_id = sent(ws, loopback, articles[:2])
    finished(ws, loopback, batch_id)
    first = batch_api.collect(drafter(ws, loopback), batch_id)
    again = batch_api.collect(drafter(ws, loopback), batch_id)
    assert [o.status for o in first.outcomes] == ["drafted", "drafted"]
    assert [o.status for o in again.outcomes] == ["skipped", "skipped"]
    assert [o.draft_id for o in again.outcomes] == [o.draft_id for o in first.outcomes]
    assert len([p for p in (ws / "drafts").glob("*.json") if not p.name.startswith(".")]) == 2
    assert batch_api.load_record(drafter(ws, loopback), batch_id).collected is not None


def test_an_expired_batch_gives_what_was_answered(ws, loopback, batches, articles):
    batches.expire_after = 1
    batches.script(Reply.completion(post("ferry")))
    batch_id = sent(ws, loopback, articles)
    finished(ws, loopback, batch_id)
    summary = batch_api.collect(drafter(ws, loopback), batch_id)
    assert [o.status for o in summary.outcomes] == ["drafted", "failed", "failed"]
    assert all(o.kind == "expired" and "batch_expired" in o.error for o in summary.outcomes[1:])


def test_a_batch_still_running_is_one_line_and_nothing_saved(ws, loopback, batches, articles, capsys):
    batch_id = sent(ws, loopback, articles[:1])
    code = main(["--workspace", str(ws), "batch", "collect", batch_id, "--base-url", loopback.base_url])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1
    assert "validating" in err and f"drafter batch status {batch_id}" in err
    assert not list((ws / "drafts").glob("*.json"))


def test_repair_is_asked_for_only_with_repair(ws, loopback, batches, articles):
    batches.script(Reply.completion(SLOPPY), Reply.completion(SLOPPY))
    batch_id = sent(ws, loopback, articles[:2])
    finished(ws, loopback, batch_id)
    record = batch_api.load_record(drafter(ws, loopback), batch_id)
    record.drafts[record.items[1].custom_id] = "kept-aside"  # collect only the first, with repair
    batch_api.save_record(drafter(ws, loopback), record)
    loopback.script(Reply.stream(post("ferry")))
    summary = batch_api.collect(drafter(ws, loopback), batch_id, repair=True)
    assert len(loopback.chat_requests) == 1  # the one repair round, interactive
    assert "checker found these problems" in loopback.chat_requests[0].body["messages"][1]["content"]
    assert "ferry story" in drafter(ws, loopback).store.load(summary.outcomes[0].draft_id).text


def test_a_server_without_the_batch_api_gets_one_line(ws, loopback, articles):
    with pytest.raises(NoBatchAPI) as caught:
        sent(ws, loopback, articles)
    assert caught.value.exit_code == 2
    assert "no OpenAI Batch API" in str(caught.value) and "without --batch-api" in str(caught.value)
    assert not (ws / "batches").exists() and [r.path for r in loopback.requests] == ["/v1/files"]


def test_a_source_that_cannot_be_read_is_reported_not_sent(ws, loopback, batches, articles, tmp_path):
    missing = tmp_path / "gone.md"
    failures = []
    batch_api.submit(drafter(ws, loopback), items([articles[0], missing]), on_outcome=failures.append)
    assert [f.source for f in failures] == ["gone.md"] and failures[0].status == "failed"
    assert len(batches.uploads[0].lines) == 1


def test_an_unknown_batch_is_bad_input(ws, loopback, capsys):
    code = main(["--workspace", str(ws), "batch", "collect", "batch_nope", "--base-url", loopback.base_url])
    assert code == 2 and "no batch batch_nope" in capsys.readouterr().err
    with pytest.raises(DrafterError, match="not a batch id"):
        batch_api.load_record(drafter(ws, loopback), "../escape")


def test_run_batch_api_prints_the_id_and_how_to_follow_it(ws, loopback, batches, articles, capsys):
    code = run_batch_api(drafter(ws, loopback), items(articles[:1]), template="classic", overrides={}, platforms=(),
                         wait=False)
    out, err = capsys.readouterr()
    [record] = batch_api.records(drafter(ws, loopback))[0]
    assert code == 0 and out.strip() == record.id
    assert f"drafter batch status {record.id}" in err and f"drafter batch collect {record.id}" in err
    assert "24 hours" in err and batches.retrieves == 0


def test_run_batch_api_with_wait_collects_the_drafts(ws, loopback, batches, articles, capsys):
    batches.progress = []  # done at the first look: the default waits between polls are seconds
    batches.script(Reply.completion(post("ferry")), Reply.completion(post("library")))
    code = run_batch_api(drafter(ws, loopback), items(articles[:2]), template="classic", overrides={}, platforms=(),
                         wait=True, as_json=True)
    out, err = capsys.readouterr()
    assert code == 0, err
    assert [json.loads(line)["status"] for line in out.splitlines()] == ["drafted", "drafted"]
    assert "completed (2/2 done)" in err and len(list((ws / "drafts").glob("*.json"))) == 2


def test_wait_stops_at_its_bound_saying_how_to_follow(ws, loopback, batches, articles):
    batch_id = sent(ws, loopback, articles[:1])
    with pytest.raises(batch_api.BatchNotDone, match=f"drafter batch status {batch_id}"):
        batch_api.wait(drafter(ws, loopback), batch_id, first=0, longest=0, bound=0)
    assert batches.retrieves == 1


def test_status_with_nothing_sent_says_so(ws, loopback, capsys):
    code = main(["--workspace", str(ws), "batch", "status", "--base-url", loopback.base_url])
    out, err = capsys.readouterr()
    assert code == 0 and out == "" and "no batch has been sent" in err


WAITER = """
import sys
from drafter.cli.batch_api import run_batch_api
from drafter.models.batch import BatchItem
from drafter.service.drafting import Drafter
drafter = Drafter.from_environment(sys.argv[1], {"base_url": sys.argv[2], "retries": 0})
items = [BatchItem(kind="file", location=sys.argv[3], label="ferry.md")]
sys.exit(run_batch_api(drafter, items, template="classic", overrides={}, platforms=(), wait=True))
"""


@pytest.mark.slow
def test_ctrl_c_while_waiting_says_how_to_follow_and_another_process_can(ws, loopback, batches, articles, capsys):
    import os
    import signal
    import subprocess
    import sys
    import time

    batches.progress = ["in_progress"] * 1000  # never done while it is watched
    env = {**os.environ, "OPENAI_API_KEY": KEY}
    proc = subprocess.Popen([sys.executable, "-c", WAITER, str(ws), loopback.base_url, str(articles[0])],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        bound = time.monotonic() + 60  # a bound on the test, not a timing assertion
        while batches.retrieves < 1 and time.monotonic() < bound and proc.poll() is None:
            time.sleep(0.05)
        assert batches.retrieves >= 1, proc.communicate(timeout=10)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    [record] = batch_api.records(drafter(ws, loopback))[0]
    assert proc.returncode == 130, err
    assert "stopped waiting" in err and f"drafter batch status {record.id}" in err and "Traceback" not in err
    assert KEY not in out + err
    code = main(["--workspace", str(ws), "batch", "status", "--base-url", loopback.base_url])
    out, _ = capsys.readouterr()
    assert code == 0 and record.id in out and "in_progress" in out


def test_an_answer_whose_template_is_gone_is_kept(ws, loopback, batches, articles):
    classic = (Path(__file__).parents[1] / "prompts" / "classic.toml").read_text(encoding="utf-8")
    (ws / "prompts" / "mine.toml").write_text(classic.replace('name = "classic"', 'name = "mine"', 1), encoding="utf-8")
    batches.script(Reply.completion(post("ferry")))
    batch_id = batch_api.submit(drafter(ws, loopback), items(articles[:1]), template="mine").id
    finished(ws, loopback, batch_id)
    (ws / "prompts" / "mine.toml").unlink()
    [outcome] = batch_api.collect(drafter(ws, loopback), batch_id).outcomes
    assert outcome.status == "failed" and "mine" in outcome.error and "kept in" in outcome.error
    assert "ferry story" in Path(outcome.error.split("kept in ", 1)[1]).read_text(encoding="utf-8")


def test_a_batch_is_followed_with_the_model_it_was_sent_with(ws, loopback, batches, articles, monkeypatch):
    batches.progress = []
    batches.script(Reply.completion(post("ferry")))
    batch_id = sent(ws, loopback, articles[:1])
    monkeypatch.setenv("DRAFTER_MODEL", "another-model")
    [followed], _ = batch_api.status(drafter(ws, loopback))
    assert followed.state.status == "completed" and followed.problem == ""
    [outcome] = batch_api.collect(drafter(ws, loopback), batch_id).outcomes
    assert drafter(ws, loopback).store.load(outcome.draft_id).model == "gpt-4.1-mini"


def test_collecting_again_names_the_answer_kept_the_first_time(ws, loopback, batches, articles):
    batches.script(Reply.completion(post("ferry")), Reply.completion("GARBAGE"))
    batch_id = sent(ws, loopback, articles[:2])
    finished(ws, loopback, batch_id)
    first = batch_api.collect(drafter(ws, loopback), batch_id).outcomes[1]
    again = batch_api.collect(drafter(ws, loopback), batch_id).outcomes[1]
    assert first.status == again.status == "failed" and "kept in" in first.error
    assert again.error == first.error  # the same place, not a new copy
    assert len(list((ws / "drafts" / ".unsaved").iterdir())) == 1


def test_an_expired_batch_says_what_to_do_in_status_and_collect(ws, loopback, batches, articles, capsys):
    batches.expire_after = 1
    batches.script(Reply.completion(post("ferry")))
    batch_id = sent(ws, loopback, articles)
    finished(ws, loopback, batch_id)
    argv = ["--workspace", str(ws), "batch"]
    code = main([*argv, "status", batch_id, "--base-url", loopback.base_url])
    out, _ = capsys.readouterr()
    assert code == 0 and "expired" in out and "its 24 h window ended" in out
    assert f"drafter batch collect {batch_id} saves the answered ones" in out and "2 of 3 source(s) were not answered" in out
    code = main([*argv, "collect", batch_id, "--base-url", loopback.base_url])
    err = capsys.readouterr().err
    expired = [line for line in err.splitlines() if line.startswith("drafter: failed:")]
    assert code == 1 and len(expired) == 2
    assert all("expired before this request was answered" in line and "draft it again with drafter batch" in line
               for line in expired)
    code = main([*argv, "status", batch_id, "--base-url", loopback.base_url])
    out, _ = capsys.readouterr()
    assert "collected" in out and "draft them again with drafter batch" in out and "saves the answered" not in out
    assert KEY not in out + err


def test_sources_drafted_already_are_not_sent_again_and_force_drafts_them_again_in_place(ws, loopback, batches,
                                                                                          articles, capsys):
    batches.script(*(Reply.completion(post(word)) for word in ("ferry", "library")))
    batch_id = sent(ws, loopback, articles[:2])
    finished(ws, loopback, batch_id)
    first = batch_api.collect(drafter(ws, loopback), batch_id)
    ids = [o.draft_id for o in first.outcomes]
    argv = ["--workspace", str(ws), "batch", *map(str, articles), "--template", "classic", "--batch-api",
            "--base-url", loopback.base_url]
    batches.script(Reply.completion(post("orchard")))
    code = main(argv)  # the third source is new: it alone is sent (half price is still a price)
    out, err = capsys.readouterr()
    assert code == 0, err
    assert [len(u.lines) for u in batches.uploads] == [2, 1] and "Hollin" in batches.uploads[1].data.decode()
    assert "2 source(s) drafted already, or waiting in a batch not collected yet, are not sent" in err
    finished(ws, loopback, out.strip())
    assert batch_api.collect(drafter(ws, loopback), out.strip()).outcomes[0].status == "drafted"
    code = main(argv)  # every source drafted: nothing is uploaded
    out, err = capsys.readouterr()
    assert code == 0 and "nothing to send: the 3 source(s) are drafted already" in err, err
    assert len(batches.uploads) == 2
    batches.script(*(Reply.completion(post(word)) for word in ("ferry-again", "library-again")))
    code = main([*argv[:3], *map(str, articles[:2]), *argv[6:], "--force"])  # sent again, drafted again in place
    out, err = capsys.readouterr()
    assert code == 0, err
    finished(ws, loopback, out.strip())
    again = batch_api.collect(drafter(ws, loopback), out.strip())
    assert [o.draft_id for o in again.outcomes] == ids, again.outcomes
    assert all("in place" in o.note for o in again.outcomes)
    redrafted = json.loads((ws / "drafts" / f"{ids[0]}.json").read_text(encoding="utf-8"))
    assert "ferry-again story" in redrafted["text"] and [r["kind"] for r in redrafted["revisions"]] == ["generate"] * 2
    assert len([p for p in (ws / "drafts").glob("*.json") if not p.name.startswith(".")]) == 3


def test_a_send_or_a_collect_while_another_batch_runs_in_the_workspace_is_refused(ws, loopback, batches, articles,
                                                                                    capsys):
    from drafter.service.batch import batch_lock

    batches.script(Reply.completion(post("ferry")))
    batch_id = sent(ws, loopback, articles[:1])
    finished(ws, loopback, batch_id)
    with batch_lock(ws / "drafts", "batch b-20261201-120000-abcd"):  # as another process's run holds it
        code = main(["--workspace", str(ws), "batch", str(articles[1]), "--batch-api", "--base-url", loopback.base_url])
        _, err = capsys.readouterr()
        assert code == 1 and len(err.strip().splitlines()) == 1, err
        assert "another drafter batch is running in this workspace (batch b-20261201-120000-abcd" in err
        assert len(batches.uploads) == 1  # nothing sent, nothing to pay twice
        code = main(["--workspace", str(ws), "batch", "collect", batch_id, "--base-url", loopback.base_url])
        _, err = capsys.readouterr()
        assert code == 1 and "another drafter batch is running" in err
    assert not [p for p in (ws / "drafts").glob("*.json") if not p.name.startswith(".")]
    assert main(["--workspace", str(ws), "batch", "collect", batch_id, "--base-url", loopback.base_url]) == 0


def test_sources_waiting_in_a_batch_not_collected_are_neither_sent_nor_drafted_twice(ws, loopback, batches, articles,
                                                                                       capsys):
    batches.script(*(Reply.completion(post(word)) for word in ("ferry", "library")))
    batch_id = sent(ws, loopback, articles[:2])
    argv = ["--workspace", str(ws), "batch", *map(str, articles[:2]), "--template", "classic",
            "--base-url", loopback.base_url, "--json"]
    code = main([*argv, "--batch-api"])  # sent again while the first batch waits: nothing to pay twice
    out, err = capsys.readouterr()
    assert code == 0 and len(batches.uploads) == 1, err
    assert all(f"waiting in Batch API batch {batch_id}: drafter batch collect {batch_id}" in json.loads(line)["note"]
               for line in out.splitlines())
    code = main(argv)  # a concurrent run leaves them to the collect too
    out, err = capsys.readouterr()
    assert code == 0 and [json.loads(line)["status"] for line in out.splitlines()] == ["skipped", "skipped"], err
    assert not loopback.chat_requests
    loopback.script(*(Reply.stream(json.dumps(post(word))) for word in ("ferry-now", "library-now")))
    code = main([*argv[:-1], "--force", "--no-repair"])  # --force drafts them now; the collect saves no second draft
    assert code == 0, capsys.readouterr().err
    capsys.readouterr()
    finished(ws, loopback, batch_id)
    collected = batch_api.collect(drafter(ws, loopback), batch_id)
    assert [o.status for o in collected.outcomes] == ["skipped", "skipped"]
    assert all("drafted by another run since it was sent" in o.note for o in collected.outcomes)
    assert len([p for p in (ws / "drafts").glob("*.json") if not p.name.startswith(".")]) == 2
