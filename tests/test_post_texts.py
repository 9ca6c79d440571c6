"""Store.texts(): the post texts the library searches, cached apart from the listing index."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from drafter.models.post import Parts
from drafter.storage.post_texts import TEXTS_NAME
from drafter.models.source import Source
from drafter.models.draft import Draft
from drafter.storage.store import Store

HOUR_NS = 3600 * 1_000_000_000


def save(store: Store, hook: str) -> Draft:
    parts = Parts(hook=hook, takeaways=["A point."], question="And you?", hashtags=["#Work"])
    return store.save(Draft.new(None, Source(kind="topic", topic=hook), "classic", parts=parts,
                                id=store.new_id(hook)))  # fmt: skip


def age(folder: Path) -> None:
    """Every draft file an hour old: out of the 2 s racy window, as drafts written days ago are."""
    for path in folder.glob("*.json"):
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - HOUR_NS))


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of draft files whose bytes were read (the store and the texts cache read through
    ``read_bounded``)."""
    import drafter.storage.post_texts
    import drafter.storage.store

    seen: list[str] = []
    original = drafter.storage.store.read_bounded

    def counting(path: Path | str, limit: int) -> bytes:
        name = Path(path).name
        if name.endswith(".json") and not name.startswith("."):
            seen.append(name)
        return original(path, limit)

    monkeypatch.setattr(drafter.storage.store, "read_bounded", counting)
    monkeypatch.setattr(drafter.storage.post_texts, "read_bounded", counting)
    return seen


def test_texts_come_with_one_read_per_file_then_from_the_cache(tmp_path: Path, reads: list[str]) -> None:
    store = Store(tmp_path)
    drafts = [save(store, f"Hook number {i}") for i in range(3)]
    age(tmp_path)
    reads.clear()
    summaries = store.list()[0]
    texts = store.texts(summaries)
    assert texts == {d.id: d.text for d in drafts}
    assert sorted(reads) == sorted(f"{d.id}.json" for d in drafts)  # list() read them; texts() did not again
    assert (tmp_path / TEXTS_NAME).is_file()
    reads.clear()
    fresh = Store(tmp_path)  # another process
    assert fresh.texts(fresh.list()[0]) == texts and reads == []


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    store = Store(tmp_path)
    draft = save(store, "Before the edit")
    age(tmp_path)
    store.texts(store.list()[0])
    edited = store.save(draft.revise("edit", text="After the edit, by hand"))
    other = Store(tmp_path)
    assert other.texts(other.list()[0]) == {draft.id: edited.text}


def test_a_corrupt_or_foreign_cache_is_rebuilt(tmp_path: Path) -> None:
    store = Store(tmp_path)
    draft = save(store, "A hook")
    for junk in ("{not json", json.dumps({"version": 9, "entries": {}}), json.dumps([1, 2])):
        (tmp_path / TEXTS_NAME).write_text(junk, encoding="utf-8")
        fresh = Store(tmp_path)
        assert fresh.texts(fresh.list()[0]) == {draft.id: draft.text}
    assert json.loads((tmp_path / TEXTS_NAME).read_text(encoding="utf-8"))["version"] == 1


def test_a_deleted_file_has_no_text_and_nothing_is_written_for_an_empty_folder(tmp_path: Path) -> None:
    store = Store(tmp_path / "drafts")
    assert store.texts(store.list()[0]) == {} and not (tmp_path / "drafts").exists()
    draft = save(store, "Soon gone")
    summaries = store.list()[0]
    store.path_for(draft.id).unlink()
    assert store.texts(summaries) == {}
