"""The batch runner (drafter.service.batch): the store's batch keys, concurrency against a slow
loopback (the server counts overlapping requests), the engine's shared 429 limiter (the server's
own clock), one bad source among good ones, and the offline pool's determinism."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from drafter.models.batch import BatchTag
from drafter.service.batch import BatchRun, run_batch
from drafter.service.drafting import Drafter
from drafter.sources.batch import expand
from drafter.storage.store import INDEX_NAME, Store
from tests.loopback import Reply, loopback  # noqa: F401  (fixture)
from tests.test_faults_llm import GOOD

CORPUS = Path(__file__).resolve().parent / "corpus"
ARTICLE = (CORPUS / "example-article.md").read_text(encoding="utf-8")


def _articles(tmp_path: Path, count: int) -> Path:
    """``count`` distinct articles (each its own sha256, so its own batch key)."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for i in range(count):
        (folder / f"a{i:02}.md").write_text(f"{ARTICLE}\n\nUpdate number {i}.\n", encoding="utf-8")
    return folder


def _llm(workspace: Path, lb, **flags) -> Drafter:
    return Drafter.from_environment(workspace, {"base_url": lb.base_url, "repair": False, **flags})


def _run(drafter: Drafter, folder: Path, **options):
    return drafter.run(lambda: run_batch(drafter, expand([str(folder)]), **options))


# ---- the store: batch keys in the index ---------------------------------------------------------


def test_batch_keys_come_from_the_index_and_an_older_index_is_rebuilt(tmp_path, workspace_dir):
    drafter = Drafter.from_environment(workspace_dir, {"engine": "offline"})
    summary = _run(drafter, _articles(tmp_path, 2))
    ids = {o.draft_id for o in summary.outcomes}
    store = Store(workspace_dir / "drafts")
    found = store.batch_index()
    assert set(found.keys.values()) == ids == set(found.places.values()) and len(found.keys) == 2
    assert all(store.load(i).batch.key in found.keys and store.load(i).batch.place in found.places for i in ids)
    assert {s.batch for s in store.list()[0]} == {summary.id}  # drafts list --batch filters by it
    index = json.loads((workspace_dir / "drafts" / INDEX_NAME).read_text(encoding="utf-8"))
    assert index["version"] == 6
    assert sorted(e["summary"]["batch"]["key"] for e in index["entries"].values()) == sorted(found.keys)
    for entry in index["entries"].values():  # an index from before the tag: version 5, the key alone
        entry["summary"]["batch"] = entry["summary"]["batch"]["key"]
    (workspace_dir / "drafts" / INDEX_NAME).write_text(json.dumps({**index, "version": 5}), encoding="utf-8")
    assert Store(workspace_dir / "drafts").batch_index() == found
    manual = store.load(next(iter(ids))).model_copy(update={"id": "2026-01-01-by-hand-0000", "batch": None})
    store.save(manual)
    assert Store(workspace_dir / "drafts").batch_index() == found  # a draft made by hand has no key


def test_a_second_run_skips_and_force_drafts_again(tmp_path, workspace_dir):
    drafter = Drafter.from_environment(workspace_dir, {"engine": "offline"})
    folder = _articles(tmp_path, 3)
    first = _run(drafter, folder)
    assert [o.status for o in first.outcomes] == ["drafted"] * 3
    second = _run(drafter, folder)
    assert [o.status for o in second.outcomes] == ["skipped"] * 3
    assert [o.draft_id for o in second.outcomes] == [o.draft_id for o in first.outcomes]
    other = _run(drafter, folder, overrides={"takeaways": "2"})  # other variables: another key
    assert [o.status for o in other.outcomes] == ["drafted"] * 3
    store = drafter.store
    edited = store.load(first.outcomes[0].draft_id)
    store.save(edited.model_copy(update={"text": edited.text + "\nMy own last line."}))  # the user's edit
    forced = _run(drafter, folder, force=True)
    assert [o.status for o in forced.outcomes] == ["drafted"] * 3
    # drafted again in place: the same drafts, no copies, and nothing the user wrote lost
    assert [o.draft_id for o in forced.outcomes] == [o.draft_id for o in first.outcomes]
    assert len([p for p in (workspace_dir / "drafts").glob("*.json") if not p.name.startswith(".")]) == 6
    again = store.load(first.outcomes[0].draft_id)
    assert again.batch.id == forced.id and "My own last line." not in again.text
    assert [r.kind for r in again.revisions] == ["generate", "edit", "generate"]
    assert again.revisions[1].text.endswith("My own last line.")
    assert "drafted again" in forced.outcomes[0].note


def test_the_offline_pool_drafts_what_one_process_drafts(tmp_path, workspace_dir):
    folder = _articles(tmp_path, 4)
    texts = []
    for processes in (1, 2):
        drafter = Drafter.from_environment(workspace_dir, {"engine": "offline"})
        summary = _run(drafter, folder, processes=processes, force=True, platforms=drafter.platforms(["x"]))
        assert [o.status for o in summary.outcomes] == ["drafted"] * 4
        records = [drafter.store.load(o.draft_id) for o in summary.outcomes]
        texts.append([(r.text, r.versions["x"].posts, o.score) for r, o in zip(records, summary.outcomes)])
        assert all(r.batch.id == summary.id for r in records)
    assert texts[0] == texts[1]


def test_a_bad_source_is_one_failure_and_the_rest_are_drafted(tmp_path, workspace_dir):
    folder = _articles(tmp_path, 3)
    (folder / "a01.md").write_bytes(b"\x00\x01\x02" * 4000)  # binary: not an article
    drafter = Drafter.from_environment(workspace_dir, {"engine": "offline"})
    summary = _run(drafter, folder, processes=1)
    assert [o.status for o in summary.outcomes] == ["drafted", "failed", "drafted"]
    failed = summary.outcomes[1]
    assert failed.source.endswith("a01.md") and failed.kind == "source" and "\n" not in failed.error


def test_bad_input_fails_before_any_item_runs(workspace_dir):
    from drafter.common.errors import InputError

    drafter = Drafter.from_environment(workspace_dir, {"engine": "offline"})
    with pytest.raises(InputError):
        BatchRun(drafter, template="no-such-template")
    with pytest.raises(InputError):
        BatchRun(drafter, concurrency=0)


# ---- with an LLM: concurrency and the shared limiter ------------------------------------------


@pytest.mark.parametrize("concurrency", [1, 3])
def test_at_most_concurrency_generations_are_in_flight(tmp_path, workspace_dir, loopback, concurrency):
    loopback.hold = 0.2  # every answer waits: the workers overlap
    loopback.script(*[Reply.stream(GOOD)] * 7)
    summary = _run(_llm(workspace_dir, loopback), _articles(tmp_path, 7), concurrency=concurrency)
    assert [o.status for o in summary.outcomes] == ["drafted"] * 7
    assert loopback.max_in_flight == concurrency
    assert len(loopback.chat_requests) == 7
    assert summary.tokens == 7 * 33


def test_one_429_pauses_every_worker_until_its_retry_after(tmp_path, workspace_dir, loopback):
    # The first request to arrive gets the 429 (after the other workers' first requests are in);
    # every other answer takes a while, so workers come back while the window is open.
    loopback.script(Reply.error(429, "slow down", code="rate_limit_exceeded", headers={"retry-after": "1"}),
                    *[Reply.stream(GOOD)] * 6)
    loopback.script()
    replies = loopback._replies
    replies[0].hold = 0.1
    for reply in replies[1:]:
        reply.hold = 0.6
    summary = _run(_llm(workspace_dir, loopback), _articles(tmp_path, 6), concurrency=3)
    assert [o.status for o in summary.outcomes] == ["drafted"] * 6
    [(sent, seconds)] = loopback.throttled
    chat = loopback.chat_requests
    assert len(chat) == 7
    opened = [r.at for r in chat if sent < r.at < sent + seconds]
    assert opened == [], "a request reached the server while its retry-after window was open"
    assert sum(r.at >= sent + seconds for r in chat) >= 4  # the retry and the other workers' next requests


def test_the_same_article_twice_in_one_run_is_drafted_once(tmp_path, workspace_dir, loopback):
    loopback.hold = 0.2
    loopback.script(*[Reply.stream(GOOD)] * 3)
    folder = _articles(tmp_path, 2)
    (folder / "a02.md").write_bytes((folder / "a00.md").read_bytes())  # the same article under another name
    twice = [str(folder / "a00.md"), str(folder / "a01.md"), str(folder / "a02.md")]
    drafter = _llm(workspace_dir, loopback)
    summary = drafter.run(lambda: run_batch(drafter, expand(twice), concurrency=3))
    # the two copies are read in threads: whichever is read first is drafted, the other skipped as its duplicate
    first, other, copy = summary.outcomes
    assert other.status == "drafted" and sorted([first.status, copy.status]) == ["drafted", "skipped"]
    assert first.draft_id == copy.draft_id
    assert len(loopback.chat_requests) == 2
