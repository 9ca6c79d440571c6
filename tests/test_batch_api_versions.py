"""The platform versions of a ``drafter batch --batch-api --platform …`` batch, made through the
Batch API too: ``collect`` saves the drafts and sends one adapt request per draft and platform
as a second batch; a later ``collect`` saves the versions into their drafts. Through the real
``openai`` SDK against the loopback server's /v1/files and /v1/batches."""

from __future__ import annotations

import json
from pathlib import Path

from drafter.cli.batch_api import run_batch_api
from drafter.cli.main import main
from drafter.service import batch_api
from tests.loopback import Reply, loopback  # noqa: F401 - the fixture
from tests.loopback_batches import adapted
from tests.test_batch_api import (  # noqa: F401 - fixtures
    KEY, articles, batches, drafter, everything_on_disk, finished, items, post, sent, unfenced, ws,
)


def versions_sent(ws, lb, batches, paths, platforms=("bluesky", "x")):
    """A batch of ``paths`` asking for ``platforms``, finished and collected once: (id, summary)."""
    batches.script(*(Reply.completion(post(p.stem)) for p in paths))
    batch_id = sent(ws, lb, paths, platforms=list(platforms))
    finished(ws, lb, batch_id)
    return batch_id, batch_api.collect(drafter(ws, lb), batch_id)


def test_collect_sends_the_versions_as_a_second_batch_and_the_next_collect_saves_them(
        ws, loopback, batches, articles, capsys):
    batch_id, first = versions_sent(ws, loopback, batches, articles[:2])
    assert [o.status for o in first.outcomes] == ["drafted", "drafted"]
    assert loopback.chat_requests == []  # nothing interactive: no full-price requests
    d = drafter(ws, loopback)
    ferry, library = (d.store.load(o.draft_id) for o in first.outcomes)
    assert ferry.versions == {} and library.versions == {}  # not yet: the versions batch is running
    [_, upload] = batches.uploads
    lines = upload.lines
    assert len(lines) == 4 and len({line["custom_id"] for line in lines}) == 4
    assert all(line["url"] == "/v1/chat/completions" and line["method"] == "POST" for line in lines)
    assert {line["body"]["response_format"]["json_schema"]["name"] for line in lines} == {"platform_posts"}
    [_, created] = batches.created
    assert created["input_file_id"] == upload.id and created["completion_window"] == "24h"
    record = batch_api.load_record(d, batch_id)
    [phase] = record.versions
    assert first.sent == phase and phase.id == f"batch_loop{len(batches.batches)}" and phase.input_file_id == upload.id
    order = [p.name for p in d.platforms(["bluesky", "x"])]  # drafter's order of the platforms
    assert [(v.draft, v.platform) for v in phase.items] == [(ferry.id, order[0]), (ferry.id, order[1]),
                                                            (library.id, order[0]), (library.id, order[1])]

    batches.script(*([adapted] * 4))
    finished_versions = batch_api.wait(drafter(ws, loopback), batch_id, versions=True, first=0, longest=0)
    assert finished_versions.versions[0].status == "completed"
    output = batches.files[batches.batches[phase.id]["output_file_id"]].decode().splitlines()
    assert [json.loads(x)["custom_id"] for x in output] == [v.custom_id for v in reversed(phase.items)]
    second = batch_api.collect(drafter(ws, loopback), batch_id)
    assert [o.status for o in second.outcomes] == ["skipped", "skipped"]
    assert [(v.source, v.platform, v.status) for v in second.versions] == [
        ("ferry.md", order[0], "saved"), ("ferry.md", order[1], "saved"),
        ("library.md", order[0], "saved"), ("library.md", order[1], "saved")]
    ferry, library = (d.store.load(o.draft_id) for o in first.outcomes)
    assert ferry.versions["bluesky"].posts == ["Bluesky: The ferry story shows how a small town keeps its promises "
                                               "to the people who live there."]
    assert library.versions["x"].posts[0].startswith("X: The library story")
    assert not ferry.versions["x"].stale(ferry.text) and ferry.versions["x"].engine == "openai"
    assert loopback.chat_requests == [] and len(batches.uploads) == 2
    assert second.sent is None and batch_api.load_record(d, batch_id).versions[0].collected is not None

    third = batch_api.collect(drafter(ws, loopback), batch_id)  # nothing saved twice, nothing sent again
    assert {v.status for v in third.versions} == {"skipped"} and third.sent is None and len(batches.uploads) == 2
    assert len(d.store.load(ferry.id).revisions) == len(ferry.revisions)

    # Each line's body is the one an interactive ``drafter adapt`` sends for that draft and platform.
    loopback.script(Reply.stream({"posts": ["The Kessel night ferry is back."]}))
    code = main(["--workspace", str(ws), "adapt", ferry.id, "--platform", "bluesky", "--base-url", loopback.base_url])
    assert code == 0, capsys.readouterr().err
    interactive = dict(loopback.chat_requests[0].body)
    assert interactive.pop("stream") is True and interactive.pop("stream_options")
    [asked] = [v.custom_id for v in phase.items if (v.draft, v.platform) == (ferry.id, "bluesky")]
    [line] = [line for line in lines if line["custom_id"] == asked]
    assert unfenced(line["body"]) == unfenced(interactive)
    assert KEY not in everything_on_disk(ws) and all(KEY not in u.data.decode() for u in batches.uploads)


def test_a_draft_edited_meanwhile_keeps_the_edit_and_gets_its_version(ws, loopback, batches, articles):
    batch_id, first = versions_sent(ws, loopback, batches, articles[:1], platforms=["bluesky"])
    d = drafter(ws, loopback)
    draft = d.store.load(first.outcomes[0].draft_id)
    sent_text = draft.text
    d.store.save(draft.revise("edit", text=sent_text + "\n\nEdited by hand."))
    batches.script(adapted)
    batch_api.wait(drafter(ws, loopback), batch_id, versions=True, first=0, longest=0)
    [version] = batch_api.collect(drafter(ws, loopback), batch_id).versions
    saved = d.store.load(draft.id)
    assert version.status == "saved" and saved.text.endswith("Edited by hand.")
    assert saved.versions["bluesky"].posts[0].startswith("Bluesky: The ferry story")
    assert saved.versions["bluesky"].stale(saved.text) and not saved.versions["bluesky"].stale(sent_text)


def test_a_version_that_fails_is_one_line_with_its_answer_kept_and_the_draft_stays(
        ws, loopback, batches, articles, capsys):
    batch_id, first = versions_sent(ws, loopback, batches, articles[:1], platforms=["bluesky", "x", "threads"])
    batches.script(Reply.error(400, "the request was malformed"), Reply.completion("{\"posts\": [\"NOT POSTS AT ALL"), adapted)
    batch_api.wait(drafter(ws, loopback), batch_id, versions=True, first=0, longest=0)
    code = main(["--workspace", str(ws), "batch", "collect", batch_id, "--json", "--base-url", loopback.base_url])
    out, err = capsys.readouterr()
    assert code == 1, err
    lines = [json.loads(line) for line in out.splitlines()]
    versions = [line for line in lines if "platform" in line]
    order = [p.name for p in drafter(ws, loopback).platforms(["bluesky", "x", "threads"])]
    assert [(v["platform"], v["status"]) for v in versions] == [
        (order[0], "failed"), (order[1], "failed"), (order[2], "saved")]
    assert "400" in versions[0]["error"] and "malformed" in versions[0]["error"]
    assert "could not be read" in versions[1]["error"] and "kept in" in versions[1]["error"]
    kept = Path(versions[1]["error"].split("kept in ", 1)[1].split(";")[0].strip())
    assert "NOT POSTS AT ALL" in kept.read_text(encoding="utf-8")
    saved = drafter(ws, loopback).store.load(first.outcomes[0].draft_id)
    assert set(saved.versions) == {order[2]} and "ferry story" in saved.text
    assert "1 saved" in err and "2 failed" in err and "--adapt-now" in err and KEY not in out + err
    again = batch_api.collect(drafter(ws, loopback), batch_id).versions  # failures stay failures, kept once
    assert [v.status for v in again] == ["failed", "failed", "skipped"] and again[1].error == versions[1]["error"]
    assert len(list((ws / "drafts" / ".unsaved").iterdir())) == 1


def test_adapt_now_adapts_interactively_as_before(ws, loopback, batches, articles):
    batches.script(Reply.completion(post("ferry")))
    batch_id = sent(ws, loopback, articles[:1], platforms=["bluesky"])
    finished(ws, loopback, batch_id)
    loopback.script(Reply.stream({"posts": ["The Kessel night ferry is back from 3 March: 23:40 from the north pier."]}))
    summary = batch_api.collect(drafter(ws, loopback), batch_id, adapt_now=True)
    [outcome], [version] = summary.outcomes, summary.versions
    saved = drafter(ws, loopback).store.load(outcome.draft_id)
    assert outcome.status == "drafted" and version.status == "saved" and version.tokens == 33
    assert "north pier" in saved.versions["bluesky"].posts[0]
    assert len(loopback.chat_requests) == 1 and len(batches.uploads) == 1 and summary.sent is None


def test_the_run_with_wait_follows_both_phases(ws, loopback, batches, articles, capsys):
    batches.progress = []  # done at the first look: the default waits between polls are seconds
    batches.script(Reply.completion(post("ferry")), adapted)
    out = ws / "exported"
    out.mkdir()
    code = run_batch_api(drafter(ws, loopback), items(articles[:1]), template="classic", overrides={},
                         platforms=["bluesky"], wait=True, out=out)
    err = capsys.readouterr().err
    assert code == 0, err
    [path] = (ws / "drafts").glob("*.json")
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["versions"]["bluesky"]["posts"][0].startswith("Bluesky: The ferry story")
    # --out: the post and its version, once collected, as drafter batch exports them
    assert sorted(p.name for p in out.iterdir()) == [f"{saved['id']}.bluesky.txt", f"{saved['id']}.txt"]
    assert len(batches.uploads) == 2 and loopback.chat_requests == []
    assert "1 saved" in err


def test_collect_wait_follows_both_phases(ws, loopback, batches, articles, capsys):
    batches.progress = []
    batches.script(Reply.completion(post("ferry")), adapted)
    batch_id = sent(ws, loopback, articles[:1], platforms=["bluesky"])
    code = main(["--workspace", str(ws), "batch", "collect", batch_id, "--wait", "--base-url", loopback.base_url])
    err = capsys.readouterr().err
    assert code == 0, err
    [path] = (ws / "drafts").glob("*.json")
    assert "bluesky" in json.loads(path.read_text(encoding="utf-8"))["versions"]
    assert len(batches.uploads) == 2 and loopback.chat_requests == []


def test_status_shows_both_phases(ws, loopback, batches, articles, capsys):
    batch_id, _ = versions_sent(ws, loopback, batches, articles[:2], platforms=["bluesky"])
    code = main(["--workspace", str(ws), "batch", "status", batch_id, "--json", "--base-url", loopback.base_url])
    out, err = capsys.readouterr()
    line = json.loads(out)
    assert code == 0, err
    [phase] = line["versions"]
    assert phase["id"] == batch_api.load_record(drafter(ws, loopback), batch_id).versions[0].id
    assert phase["status"] == "validating" and phase["requests"] == 2 and phase["saved"] == 0
    code = main(["--workspace", str(ws), "batch", "status", batch_id, "--base-url", loopback.base_url])
    out, _ = capsys.readouterr()
    assert code == 0 and f"versions {phase['id']}" in out and "2 platform version(s)" in out


def test_a_collect_while_the_versions_are_running_says_so(ws, loopback, batches, articles, capsys):
    batch_id, _ = versions_sent(ws, loopback, batches, articles[:1], platforms=["bluesky"])
    code = main(["--workspace", str(ws), "batch", "collect", batch_id, "--base-url", loopback.base_url])
    err = capsys.readouterr().err
    assert code == 1 and "platform versions" in err and "validating" in err
    assert f"drafter batch collect {batch_id}" in err and len(batches.uploads) == 2


def test_a_record_from_before_the_versions_phase_is_read(ws, loopback, batches, articles):
    batches.script(Reply.completion(post("ferry")))
    batch_id = sent(ws, loopback, articles[:1])
    path = ws / "batches" / f"{batch_id}.json"
    old = json.loads(path.read_text(encoding="utf-8"))
    old.pop("versions")
    old["schema_version"] = 1
    path.write_text(json.dumps(old), encoding="utf-8")
    finished(ws, loopback, batch_id)
    [outcome] = batch_api.collect(drafter(ws, loopback), batch_id).outcomes
    assert outcome.status == "drafted" and batch_api.load_record(drafter(ws, loopback), batch_id).versions == []


def test_an_expired_versions_batch_leaves_them_to_adapt_now(ws, loopback, batches, articles):
    batch_id, first = versions_sent(ws, loopback, batches, articles[:1], platforms=["bluesky"])
    batches.expire_after = 0  # the versions batch answers nothing before its window ends
    batch_api.wait(drafter(ws, loopback), batch_id, versions=True, first=0, longest=0)
    [expired] = batch_api.collect(drafter(ws, loopback), batch_id).versions
    assert expired.status == "failed" and expired.kind == "expired" and "--adapt-now" in expired.error
    loopback.script(Reply.stream({"posts": ["The Kessel night ferry is back."]}))
    [made] = batch_api.collect(drafter(ws, loopback), batch_id, adapt_now=True).versions[1:]
    saved = drafter(ws, loopback).store.load(first.outcomes[0].draft_id)
    assert made.status == "saved" and saved.versions["bluesky"].posts == ["The Kessel night ferry is back."]
    assert len(loopback.chat_requests) == 1 and len(batches.uploads) == 2
