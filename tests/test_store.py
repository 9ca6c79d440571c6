"""drafter.storage.store: drafts on disk — round trip, atomic writes, unreadable files, ids, index, autosave."""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drafter.models import draft as draft_mod
from drafter.storage import store as store_mod
from drafter.common.errors import DraftNotFound, InputError, StoreError
from drafter.models.post import Parts
from drafter.models.source import Source
from drafter.models.draft import MAX_SOURCE_TEXT, SCHEMA_VERSION, Draft, SourceRecord, export_text, validate_id
from drafter.storage.store import AUTOSAVE_DIR, INDEX_NAME, Store
from drafter.models.titles import default_title

ARTICLE = (
    "Our town's library started lending soldering irons last spring. Volunteers run a repair "
    "café on Saturdays, and the waiting list for the beginner class is now three months long."
)
HOUR_AGO = time.time() - 3600


def make_parts(hook: str = "A library now lends soldering irons, and people queue for them.") -> Parts:
    return Parts(
        hook=hook,
        takeaways=["Repair skills are in demand", "Libraries are more than books"],
        question="What would you borrow from your library",
        hashtags=["#Repair", "#Libraries"],
    )


def make_draft(store: Store, title: str = "Library repair café", **kw: object) -> Draft:
    source = Source(kind="text", topic="Library repair café", text=ARTICLE)
    return Draft.new(
        title, source, "classic", {"tone": "warm", "takeaways": 2, "temperature": 0.5, "emoji": False},
        parts=make_parts(), engine="offline", model="extractive", id=store.new_id(title), **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def age_all(folder: Path, when: float = HOUR_AGO) -> None:
    """Put every draft's mtime in the past, so the index trusts it (outside the racy window)."""
    for path in folder.glob("*.json"):
        os.utime(path, (when, when))


def edit_json(path: Path, **changes: object) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")


def no_tmp_files(folder: Path) -> bool:
    return not [p for p in folder.rglob("*") if p.name.endswith(".tmp")]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "drafts")


# -- models -------------------------------------------------------------------------------


def test_round_trip_and_file_layout(store: Store) -> None:
    draft = make_draft(store, title="Café de réparation — ça marche")
    saved = store.save(draft)
    assert store.load(draft.id) == saved
    assert saved.chars == len(saved.text) > 0
    raw = store.path_for(draft.id).read_text(encoding="utf-8")
    assert "Café de réparation — ça marche" in raw  # ensure_ascii=False
    assert raw.startswith(f"{{\n  \"schema_version\": {SCHEMA_VERSION},\n  \"id\": ")  # pretty, indent 2
    keys = list(json.loads(raw))
    assert keys[:7] == ["schema_version", "id", "title", "created", "updated", "template", "chars"]
    loaded = store.load(draft.id)
    assert loaded.variables == {"tone": "warm", "takeaways": 2, "temperature": 0.5, "emoji": False}
    assert type(loaded.variables["takeaways"]) is int and type(loaded.variables["emoji"]) is bool
    assert loaded.source.text == ARTICLE and loaded.revisions[0].kind == "generate"


def test_source_record_keeps_text_up_to_the_limit() -> None:
    small = SourceRecord.from_source(Source(kind="text", text=ARTICLE))
    assert small.text == ARTICLE and small.chars == len(ARTICLE)
    assert small.sha256 == Source(kind="text", text=ARTICLE).sha256
    big_text = "x" * (MAX_SOURCE_TEXT + 1)
    big = SourceRecord.from_source(Source(kind="url", text=big_text, location="https://example.test/a"))
    assert big.text is None and big.chars == MAX_SOURCE_TEXT + 1 and big.sha256
    topic = SourceRecord.from_source(Source(kind="topic", topic="Repair cafés"))
    assert topic.text is None and topic.sha256 is None


def test_default_title_from_hook_or_topic_cut_at_a_word() -> None:
    long_hook = "Every Saturday morning the town library turns into a repair workshop for broken radios"
    title = default_title(None, make_parts(long_hook))
    assert len(title) <= 61 and title.endswith("…")
    assert long_hook.startswith(title[:-1]) and long_hook[len(title) - 1] == " "
    assert default_title(SourceRecord(kind="topic", topic="Repair cafés"), None) == "Repair cafés"
    draft = Draft.new(None, Source(kind="topic", topic="Repair cafés"), "classic", {})
    assert draft.title == "Repair cafés" and draft.revisions == [] and draft.text == ""


def test_revise_appends_history(store: Store) -> None:
    draft = make_draft(store).revise("edit", text="Hand-edited post text.")
    assert [r.kind for r in draft.revisions] == ["generate", "edit"]
    assert draft.text == "Hand-edited post text." and draft.chars == len(draft.text)
    assert store.load(store.save(draft).id).revisions[-1].text == "Hand-edited post text."


# -- ids ------------------------------------------------------------------------------------


def test_new_id_shape_and_no_folder_created(store: Store) -> None:
    draft_id = store.new_id("Battery Recycling Plant!")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}-battery-recycling-plant-[0-9a-f]{4}", draft_id)
    long_id = store.new_id("word " * 50)
    assert len(long_id) <= 11 + 60 + 5 and "--" not in long_id and validate_id(long_id)
    assert store.new_id("!!!").split("-")[3] == "draft"
    assert store.list() == ([], [])
    with pytest.raises(DraftNotFound):
        store.load(draft_id)
    assert not store.folder.exists()  # nothing created before the first write


def test_new_id_is_unique_in_the_folder(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    first = store.save(make_draft(store, title="Same title"))
    hexes = iter([first.id[-4:], first.id[-4:], "beef"])
    import drafter.models.draft as draft_mod

    monkeypatch.setattr(draft_mod.secrets, "token_hex", lambda n: next(hexes))
    assert store.new_id("Same title").endswith("-beef")


@given(st.text(max_size=300))
def test_generated_ids_are_always_valid(title: str) -> None:
    assert validate_id(draft_mod.make_id(title))


BAD_IDS = ["../x", "/etc/passwd", "a/b", "a\\b", "..", ".", "", "A B", "Abc", "x\x00y", "x" * 101,
           "-x", "x.json", "x\n", "~root", "C:x"]  # fmt: skip


@pytest.mark.parametrize("bad", BAD_IDS)
def test_invalid_ids_raise_input_error(store: Store, bad: str) -> None:
    with pytest.raises(InputError, match="invalid draft id") as info:
        validate_id(bad)
    assert "\n" not in str(info.value) and info.value.exit_code == 2
    for call in (store.load, store.delete, store.duplicate, store.clear_autosave):
        with pytest.raises(InputError):
            call(bad)
    with pytest.raises(InputError):
        store.save(make_draft(store).model_copy(update={"id": bad}))
    assert not store.folder.exists()


def test_valid_ids_pass() -> None:
    for good in ("a", "0", "2026-11-21-x-3f9a", "x" * 100, "a--b"):
        assert validate_id(good) == good


# -- atomic writes --------------------------------------------------------------------------


def test_failed_replace_keeps_old_file_and_leaves_no_tmp(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    saved = store.save(make_draft(store))
    before = store.path_for(saved.id).read_bytes()

    def boom(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_mod.os, "replace", boom)
    with pytest.raises(StoreError, match="No space left on device") as info:
        store.save(saved.revise("edit", text="new text that must not land"))
    assert "\n" not in str(info.value) and saved.id in str(info.value)
    assert store.path_for(saved.id).read_bytes() == before
    assert no_tmp_files(store.folder)


def test_failed_write_leaves_no_tmp(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(store_mod.os, "fsync", boom)
    with pytest.raises(StoreError, match="Input/output error"):
        store.save(make_draft(store))
    assert no_tmp_files(store.folder) and not list(store.folder.glob("*.json"))


def test_stray_tmp_and_hidden_files_are_not_drafts(store: Store) -> None:
    saved = store.save(make_draft(store))
    (store.folder / f".{saved.id}.json.1a2b3c4d.tmp").write_text('{"half": ', encoding="utf-8")
    (store.folder / "x.json.tmp").write_text("{}", encoding="utf-8")
    (store.folder / ".hidden.json").write_text("{}", encoding="utf-8")
    (store.folder / "notes.txt").write_text("hello", encoding="utf-8")
    # (a folder named sub.json used to be skipped silently; issue 7 asks for it to be reported:
    # see test_entries_that_are_not_regular_files_are_reported_and_skipped)
    summaries, problems = store.list()
    assert [s.id for s in summaries] == [saved.id] and problems == []


# -- files we cannot read ------------------------------------------------------------------

UNREADABLE = {
    "corrupt": ('{"schema_version": 1, "id": "x", "title": ', "not valid JSON"),
    "foreign": ('{"name": "some-package", "version": "1.0.0"}', "not a drafter draft"),
    "list": ("[1, 2, 3]", "not a drafter draft"),
    "binary": (b"\xff\xfe\x00garbage".decode("latin-1"), "corrupt"),
}


def newer_schema(draft: Draft) -> str:
    data = json.loads(draft.to_json())
    data.update(schema_version=SCHEMA_VERSION + 1, shiny_new_field=True)
    return json.dumps(data)


@pytest.mark.parametrize("kind", [*UNREADABLE, "newer", "bad-field", "id-mismatch"])
def test_unreadable_files_reported_skipped_and_never_overwritten(store: Store, kind: str) -> None:
    good = store.save(make_draft(store, title="Good one"))
    victim = make_draft(store, title="Victim")
    path = store.path_for(victim.id)
    if kind == "newer":
        content, reason = newer_schema(victim), f"written by a newer drafter (schema {SCHEMA_VERSION + 1}); upgrade drafter"
    elif kind == "bad-field":
        content, reason = json.dumps({**json.loads(victim.to_json()), "updated": "last tuesday"}), "corrupt draft: updated"
    elif kind == "id-mismatch":
        content, reason = json.dumps({**json.loads(victim.to_json()), "id": "someone-else"}), "holds id 'someone-else'"
    else:
        content, reason = UNREADABLE[kind]
    path.write_bytes(content.encode("latin-1" if kind == "binary" else "utf-8"))
    before = path.read_bytes()

    summaries, problems = store.list()
    assert [s.id for s in summaries] == [good.id]
    assert len(problems) == 1 and str(path) in problems[0] and reason in problems[0]
    assert "\n" not in problems[0]
    assert store.list()[1] == problems  # cached problem, same line

    with pytest.raises(StoreError, match=re.escape(reason)) as info:
        store.load(victim.id)
    assert str(path) in str(info.value) and not isinstance(info.value, DraftNotFound)

    with pytest.raises(StoreError, match="refusing to overwrite") as refused:
        store.save(victim)
    assert str(path) in str(refused.value)
    for call in (lambda: store.rename(victim.id, "new"), lambda: store.duplicate(victim.id)):
        with pytest.raises(StoreError):
            call()
    assert path.read_bytes() == before


# Files that broke the store's reading before issue 7: each is reported and skipped by list(),
# is a one-line StoreError for load(), and is never overwritten by save().
HOSTILE = {
    "nested-1100": b"[" * 1100,
    "nested-100k": b"[" * 100_000,
    "nested-objects": b'{"id": ' * 5000,
    "number": b"42",
    "string": b'"hello"',
    "null": b"null",
    "empty": b"",
    "utf16": '{"schema_version": 1}'.encode("utf-16"),
    "lone-surrogate": b'{"schema_version": 1, "id": "\\ud800", "title": "\xed\xa0\x80"}',
    "huge-year": None,  # filled from a real draft below
    "deep-in-valid-draft": None,
}


def _hostile_bytes(kind: str, victim: Draft) -> bytes:
    data = json.loads(victim.to_json())
    if kind == "huge-year":
        data["updated"] = "9999-12-31T23:59:59-23:59"
        return json.dumps(data).encode()
    if kind == "deep-in-valid-draft":
        return victim.to_json().replace('"variables": {', '"variables": {"x": ' + "[" * 3000 + "]" * 3000 + ", ", 1).encode()
    return HOSTILE[kind]


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_hostile_files_are_reported_skipped_and_never_overwritten(store: Store, kind: str) -> None:
    good = store.save(make_draft(store, title="Good one"))
    victim = make_draft(store, title="Victim")
    path = store.path_for(victim.id)
    path.write_bytes(_hostile_bytes(kind, victim))
    before = path.read_bytes()
    summaries, problems = store.list()
    listed = [s.id for s in summaries]
    assert good.id in listed
    if victim.id not in listed:  # a far-future date can still be a valid draft: then it lists
        assert len(problems) == 1 and str(path) in problems[0] and "\n" not in problems[0]
        with pytest.raises(StoreError) as info:
            store.load(victim.id)
        assert str(path) in str(info.value)
        with pytest.raises(StoreError, match="refusing to overwrite"):
            store.save(victim)
    assert path.read_bytes() == before
    assert Store(store.folder).list() == (summaries, problems)  # the same from the index


def test_a_file_larger_than_the_cap_is_reported_without_being_read(store: Store) -> None:
    good = store.save(make_draft(store))
    big = store.folder / "2025-01-01-huge-0000.json"
    with big.open("wb") as fh:  # sparse: no disk used, but a 16 MB+ file as far as stat and read go
        fh.truncate(draft_mod.MAX_DRAFT_BYTES + 1)
    summaries, problems = store.list()
    assert [s.id for s in summaries] == [good.id]
    assert len(problems) == 1 and "huge-0000.json" in problems[0] and "larger than 16 MB" in problems[0]
    with pytest.raises(StoreError, match="larger than 16 MB"):
        store.load("2025-01-01-huge-0000")


def test_save_refuses_a_draft_larger_than_the_read_cap(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    draft = make_draft(store)
    monkeypatch.setattr(store_mod, "MAX_DRAFT_BYTES", len(draft.to_json()) // 2)
    with pytest.raises(StoreError, match="not saved: larger than"):
        store.save(draft)
    assert not store.path_for(draft.id).exists()


def _in_thread(call):  # a FIFO must never block: run the call where a hang cannot stop the suite
    import threading

    box: list[object] = []
    worker = threading.Thread(target=lambda: box.append(call()), daemon=True)
    worker.start()
    worker.join(timeout=30)
    return worker.is_alive(), box


def test_entries_that_are_not_regular_files_are_reported_and_skipped(store: Store) -> None:
    good = store.save(make_draft(store))
    (store.folder / "2025-01-01-folder-0000.json").mkdir()
    fifo = store.folder / "2025-01-01-fifo-0000.json"
    os.mkfifo(fifo)
    try:
        hung, box = _in_thread(store.list)
        assert not hung, "list() blocked on a FIFO"
        summaries, problems = box[0]  # type: ignore[misc]
        assert [s.id for s in summaries] == [good.id]
        assert len(problems) == 2
        assert any("folder-0000.json: a folder" in p for p in problems)
        assert any("fifo-0000.json: a FIFO" in p for p in problems)
        for draft_id in ("2025-01-01-folder-0000", "2025-01-01-fifo-0000"):
            hung, box = _in_thread(lambda: pytest.raises(StoreError, store.load, draft_id))
            assert not hung, f"load({draft_id}) blocked"
            assert "cannot read" in str(box[0].value)  # type: ignore[attr-defined]
    finally:
        with contextlib.suppress(OSError):  # release a reader a broken store left blocked
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


def test_a_fifo_autosave_or_index_never_blocks(store: Store) -> None:
    good = store.save(make_draft(store))
    (store.folder / AUTOSAVE_DIR).mkdir()
    os.mkfifo(store.folder / AUTOSAVE_DIR / f"{good.id}.json")
    os.mkfifo(store.folder / INDEX_NAME)
    hung, box = _in_thread(lambda: (Store(store.folder).list(), store.pending_autosave()))
    assert not hung
    (summaries, problems), pending = box[0]  # type: ignore[misc]
    assert [s.id for s in summaries] == [good.id] and problems == [] and pending is None


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_a_file_without_read_permission_is_reported(store: Store) -> None:
    good = store.save(make_draft(store))
    locked = store.save(make_draft(store, title="Locked"))
    store.path_for(locked.id).chmod(0)
    summaries, problems = store.list()
    assert [s.id for s in summaries] == [good.id]
    assert len(problems) == 1 and "Permission denied" in problems[0]


def test_a_read_refused_by_the_os_is_reported_even_as_root(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    good = store.save(make_draft(store))
    locked = store.save(make_draft(store, title="Locked"))
    real = store_mod.read_bounded

    def refuse(path: Path, limit: int) -> bytes:
        if Path(path).stem == locked.id:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, limit)

    monkeypatch.setattr(store_mod, "read_bounded", refuse)
    summaries, problems = Store(store.folder).list()
    assert [s.id for s in summaries] == [good.id]
    assert len(problems) == 1 and locked.id in problems[0] and "cannot read: Permission denied" in problems[0]
    with pytest.raises(StoreError, match="Permission denied"):
        store.load(locked.id)
    with pytest.raises(StoreError, match="refusing to overwrite"):
        store.save(locked)
    monkeypatch.undo()  # access restored (a chmod does not change mtime or size): listed again at once
    assert {s.id for s in Store(store.folder).list()[0]} == {good.id, locked.id}


@pytest.mark.parametrize("garbage", [b"[" * 100_000, b'{"version": 1, "scanned_ns": 1, "entries": ' + b"[" * 5000])
def test_deeply_nested_index_is_rebuilt(store: Store, garbage: bytes) -> None:
    a = store.save(make_draft(store))
    (store.folder / INDEX_NAME).write_bytes(garbage)
    assert [s.id for s in Store(store.folder).list()[0]] == [a.id]


def test_file_name_that_is_not_an_id_is_reported(store: Store) -> None:
    store.save(make_draft(store))
    (store.folder / "My Notes.json").write_text("{}", encoding="utf-8")
    summaries, problems = store.list()
    assert len(summaries) == 1 and len(problems) == 1 and "My Notes.json" in problems[0]


def test_list_never_raises_on_unreadable_folder(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x", encoding="utf-8")
    summaries, problems = Store(not_a_folder).list()
    assert summaries == [] and len(problems) == 1 and str(not_a_folder) in problems[0]


def test_save_refuses_to_write_an_invalid_draft(store: Store) -> None:
    draft = make_draft(store)
    broken = draft.model_copy(update={"template": None})  # model_copy skips validation
    with pytest.raises(StoreError, match="template"):
        store.save(broken)
    assert not store.path_for(draft.id).exists()


# -- listing and the index ------------------------------------------------------------------


def test_many_drafts_listed_newest_first(store: Store) -> None:
    base = datetime(2026, 1, 1, tzinfo=timezone.utc)
    order = [(i * 37) % 211 for i in range(211)]  # a permutation of 0..210
    for minutes in order:
        draft = make_draft(store, title=f"Draft {minutes}")
        store.save(draft.model_copy(update={"updated": base + timedelta(minutes=minutes)}), touch=False)
    summaries, problems = store.list()
    assert problems == [] and len(summaries) == 211
    assert [s.title for s in summaries] == [f"Draft {m}" for m in range(210, -1, -1)]
    assert all(s.path == store.path_for(s.id) and s.template == "classic" and s.chars > 0 for s in summaries)
    age_all(store.folder)
    fresh = Store(store.folder).list()  # from the index, in a new Store
    assert [s.id for s in fresh[0]] == [s.id for s in summaries]


def test_index_reflects_hand_edits_and_deletions(store: Store) -> None:
    a = store.save(make_draft(store, title="Alpha"))
    b = store.save(make_draft(store, title="Beta"))
    age_all(store.folder)
    store.list()
    edit_json(store.path_for(a.id), title="Alpha edited by hand", text="Short.")
    os.utime(store.path_for(a.id), (HOUR_AGO + 60, HOUR_AGO + 60))
    store.path_for(b.id).unlink()
    summaries, problems = Store(store.folder).list()
    assert [(s.title, s.chars) for s in summaries] == [("Alpha edited by hand", 6)] and problems == []
    index = json.loads((store.folder / INDEX_NAME).read_text(encoding="utf-8"))
    assert list(index["entries"]) == [f"{a.id}.json"]


def test_index_is_used_for_unchanged_files(store: Store) -> None:
    """Same mtime and size = not re-read (proves the cache works; a same-size edit that also
    restores the mtime is the documented blind spot of any mtime cache)."""
    a = store.save(make_draft(store, title="Alpha"))
    age_all(store.folder)
    store.list()
    path = store.path_for(a.id)
    path.write_text(path.read_text(encoding="utf-8").replace('"title": "Alpha"', '"title": "Omega"'), encoding="utf-8")
    os.utime(path, (HOUR_AGO, HOUR_AGO))
    assert [s.title for s in Store(store.folder).list()[0]] == ["Alpha"]
    os.utime(path, (HOUR_AGO + 1, HOUR_AGO + 1))
    assert [s.title for s in Store(store.folder).list()[0]] == ["Omega"]


def test_recent_files_are_rechecked_even_with_same_mtime_and_size(store: Store) -> None:
    """A file changed within the mtime clock's resolution after the scan is not trusted."""
    a = store.save(make_draft(store, title="Alpha"))
    store.list()
    path = store.path_for(a.id)
    stat = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace('"title": "Alpha"', '"title": "Omega"'), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert [s.title for s in Store(store.folder).list()[0]] == ["Omega"]


def count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the draft files list() reads (rather than takes from the index), in order."""
    reads: list[str] = []
    original = Store._summarise

    def spy(self: Store, path: Path, mtime_ns: int, size: int) -> object:
        reads.append(path.name)
        return original(self, path, mtime_ns, size)

    monkeypatch.setattr(Store, "_summarise", spy)
    return reads


def retitle_keeping_stat(path: Path, old: str, new: str) -> None:
    """A same-size edit that keeps the mtime: what a second write in one coarse clock tick looks like."""
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f'"title": "{old}"', f'"title": "{new}"'), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_racy_file_is_trusted_once_read_two_seconds_after_its_mtime(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file is racy relative to when its cached content was read, not to the latest scan: it is
    read again until one read happens >= 2 s after its mtime, then trusted (no sleeps: a clock)."""
    path = store.path_for(store.save(make_draft(store, title="Alpha")).id)
    mtime_ns = int(HOUR_AGO) * 1_000_000_000
    os.utime(path, ns=(mtime_ns, mtime_ns))
    reads = count_reads(monkeypatch)

    def titles_at(seconds_after_mtime: float) -> list[str]:  # a fresh Store: only the index file is shared
        clock = Store(store.folder, clock=lambda: mtime_ns + int(seconds_after_mtime * 1e9))
        return [s.title for s in clock.list()[0]]

    assert titles_at(0.5) == ["Alpha"] and len(reads) == 1  # read 0.5 s after its mtime: racy
    retitle_keeping_stat(path, "Alpha", "Omega")
    assert titles_at(1.0) == ["Omega"] and len(reads) == 2  # so read again, and still racy
    retitle_keeping_stat(path, "Omega", "Gamma")
    assert titles_at(10) == ["Gamma"] and len(reads) == 3  # the last read (at 1.0 s) was racy too
    index = (store.folder / INDEX_NAME).stat()
    retitle_keeping_stat(path, "Gamma", "Delta")  # the blind spot of any mtime cache, as above
    assert titles_at(11) == ["Gamma"] and titles_at(12) == ["Gamma"] and len(reads) == 3  # trusted
    assert (store.folder / INDEX_NAME).stat().st_mtime_ns == index.st_mtime_ns  # and not rewritten


def test_bulk_write_is_read_again_only_until_two_seconds_have_passed(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Right after a bulk write every list re-reads the newest files, but each one only until a
    read 2 s after its mtime; then a list reads nothing, and the next Store neither."""
    drafts = [store.save(make_draft(store, title=f"Draft {i}")) for i in range(8)]
    end_ns = int(HOUR_AGO) * 1_000_000_000
    for i, draft in enumerate(drafts):  # written over 3.5 s, one every 0.5 s
        written = end_ns - (7 - i) * 500_000_000
        os.utime(store.path_for(draft.id), ns=(written, written))
    now_ns = [end_ns]
    listing = Store(store.folder, clock=lambda: now_ns[0])
    reads = count_reads(monkeypatch)
    per_list = []
    for seconds in (0, 0.5, 1, 3, 4, 60):
        now_ns[0] = end_ns + int(seconds * 1e9)
        before = len(reads)
        assert len(listing.list()[0]) == 8
        per_list.append(len(reads) - before)
    # mtimes -3.5 .. 0 s: at 0 s all are new; at 0.5 s the five read < 2 s after their mtime are
    # read again, at 1 s four, at 3 s the three whose last read (at 1 s) was still racy; then none.
    assert per_list == [8, 5, 4, 3, 0, 0]
    assert Store(store.folder, clock=lambda: now_ns[0]).list()[0] and len(reads) == 20


def test_unwritable_index_is_kept_in_memory(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder where the index cannot be written still lists, reading each file once per Store."""
    for title in ("Alpha", "Beta"):
        store.save(make_draft(store, title=title))
    age_all(store.folder)
    write = store_mod._write_atomic

    def no_index(path: Path, text: str) -> None:
        if path.name == INDEX_NAME:
            raise StoreError(f"cannot write {path}: Read-only file system")
        write(path, text)

    monkeypatch.setattr(store_mod, "_write_atomic", no_index)
    reads = count_reads(monkeypatch)
    assert len(store.list()[0]) == 2 and len(store.list()[0]) == 2 and len(reads) == 2
    assert not (store.folder / INDEX_NAME).exists()


def test_index_not_rewritten_when_nothing_changed(store: Store) -> None:
    store.save(make_draft(store))
    age_all(store.folder)
    store.list()
    before = (store.folder / INDEX_NAME).stat()
    Store(store.folder).list()
    store.list()
    after = (store.folder / INDEX_NAME).stat()
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)


@pytest.mark.parametrize("garbage", ["{not json", '{"version": 1, "entries": {"x.json": 5}}', "[]", '{"version": 99}'])
def test_corrupt_index_is_rebuilt(store: Store, garbage: str) -> None:
    a = store.save(make_draft(store, title="Alpha"))
    store.list()
    (store.folder / INDEX_NAME).write_text(garbage, encoding="utf-8")
    summaries, problems = Store(store.folder).list()
    assert [s.id for s in summaries] == [a.id] and problems == []
    index = json.loads((store.folder / INDEX_NAME).read_text(encoding="utf-8"))
    assert list(index["entries"]) == [f"{a.id}.json"]


def test_stale_index_entry_for_a_tampered_summary_is_not_trusted_blindly(store: Store) -> None:
    a = store.save(make_draft(store, title="Alpha"))
    age_all(store.folder)
    store.list()
    index_path = store.folder / INDEX_NAME
    index = json.loads(index_path.read_text(encoding="utf-8"))
    index["entries"][f"{a.id}.json"]["mtime_ns"] += 1  # what a changed file looks like
    index["entries"][f"{a.id}.json"]["summary"]["title"] = "Wrong"
    index_path.write_text(json.dumps(index), encoding="utf-8")
    assert [s.title for s in Store(store.folder).list()[0]] == ["Alpha"]


# -- duplicate / rename / delete ------------------------------------------------------------


def test_duplicate_rename_delete(store: Store) -> None:
    original = store.save(make_draft(store, title="Alpha").revise("edit", text="Edited."))
    copy = store.duplicate(original.id)
    assert copy.id != original.id and copy.title == "Alpha (copy)"
    assert copy.revisions == original.revisions and copy.text == "Edited."
    assert store.load(copy.id) == copy

    renamed = store.rename(original.id, "  Alpha,\n renamed  ")
    assert renamed.id == original.id and renamed.title == "Alpha, renamed"
    assert store.load(original.id).title == "Alpha, renamed"
    with pytest.raises(InputError, match="title"):
        store.rename(original.id, "   ")
    assert sorted(s.id for s in store.list()[0]) == sorted([original.id, copy.id])

    store.delete(copy.id)
    with pytest.raises(DraftNotFound) as info:
        store.load(copy.id)
    assert info.value.exit_code == 2
    with pytest.raises(DraftNotFound):
        store.delete(copy.id)
    assert [s.id for s in store.list()[0]] == [original.id]


def test_save_touch_flag(store: Store) -> None:
    draft = make_draft(store)
    old = datetime(2020, 5, 1, 12, 0, tzinfo=timezone.utc)
    kept = store.save(draft.model_copy(update={"updated": old}), touch=False)
    assert kept.updated == old
    touched = store.save(kept)
    assert touched.updated > old and touched.created == draft.created


# -- autosave -------------------------------------------------------------------------------


def test_autosave_pending_and_clear(store: Store) -> None:
    assert store.pending_autosave() is None
    unsaved = make_draft(store, title="Never saved")
    store.write_autosave(unsaved)
    assert store.pending_autosave() == unsaved  # never saved: pending
    assert store.list() == ([], [])  # autosaves are not drafts

    saved = store.save(unsaved)
    store.write_autosave(saved)
    assert store.pending_autosave() is None  # same content as the saved draft

    edited = saved.revise("edit", text="Typed but not saved.")
    store.write_autosave(edited)
    assert store.pending_autosave() == edited

    other = make_draft(store, title="Other")
    store.write_autosave(other)
    os.utime(store.folder / AUTOSAVE_DIR / f"{edited.id}.json", (HOUR_AGO, HOUR_AGO))
    assert store.pending_autosave() == other  # the newest first
    store.clear_autosave(other.id)
    assert store.pending_autosave() == edited
    store.clear_autosave()
    assert store.pending_autosave() is None
    assert no_tmp_files(store.folder)


def test_corrupt_autosave_is_skipped_and_delete_clears_autosave(store: Store) -> None:
    saved = store.save(make_draft(store))
    store.write_autosave(saved.revise("edit", text="Unsaved words."))
    (store.folder / AUTOSAVE_DIR / "garbage.json").write_text("{oops", encoding="utf-8")
    assert store.pending_autosave() is not None
    store.delete(saved.id)
    assert store.pending_autosave() is None


# -- export ---------------------------------------------------------------------------------


def test_export_formats(store: Store) -> None:
    draft = store.save(make_draft(store, title='He said "repair"'))
    assert export_text(draft, "txt") == draft.text
    md = export_text(draft, "md")
    front, body = md.split("\n---\n\n", 1)
    assert front.startswith("---\n") and 'title: "He said \\"repair\\""' in front
    assert "template: \"classic\"" in front and "created: " in front and "updated: " in front
    assert 'source: "text: Library repair café"' in front
    assert body == draft.text + "\n"
    assert Draft.model_validate_json(export_text(draft, "json")) == draft
    with pytest.raises(InputError, match="export format"):
        export_text(draft, "pdf")  # type: ignore[arg-type]


# -- secrets --------------------------------------------------------------------------------


def test_api_key_never_written(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from drafter.settings.config import load_settings

    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-SECRET")
    settings, _ = load_settings()
    assert settings.api_key is not None and settings.api_key.get_secret_value() == "sk-test-SECRET"
    draft = make_draft(store)
    draft = draft.model_copy(update={"engine": settings.resolved_engine(), "model": settings.model})
    saved = store.save(draft)
    store.write_autosave(saved.revise("edit", text="x"))
    store.duplicate(saved.id)
    store.list()
    files = [p for p in store.folder.rglob("*") if p.is_file()]
    assert len(files) >= 4  # two drafts, the index, an autosave
    for path in files:
        assert b"sk-test-SECRET" not in path.read_bytes(), path
    assert "sk-test-SECRET" not in export_text(saved, "json") + export_text(saved, "md")


# -- platform versions (schema 2) ----------------------------------------------------------


def test_a_version_1_draft_opens_with_no_platform_versions_and_saves_as_the_current_schema(store: Store) -> None:
    """Older drafts still open: a file written before platform versions (schema 1, no
    ``versions``) loads with none, and the next save writes the current schema."""
    draft = store.save(make_draft(store, title="Written last year"))
    path = store.path_for(draft.id)
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["versions"]
    data["schema_version"] = 1
    for rev in data["revisions"]:
        rev.pop("platform"), rev.pop("posts")
    path.write_text(json.dumps(data), encoding="utf-8")
    old = store.load(draft.id)
    assert old.versions == {} and old.text == draft.text and old.schema_version == SCHEMA_VERSION
    resaved = store.save(old.with_version("x", ["one post"]))
    assert json.loads(path.read_text(encoding="utf-8"))["schema_version"] == SCHEMA_VERSION == 2
    assert store.load(draft.id).versions["x"].posts == ["one post"] == resaved.versions["x"].posts


def test_platform_versions_round_trip_with_their_revisions(store: Store) -> None:
    draft = store.save(make_draft(store, title="Threads and all"))
    adapted = draft.with_version("x", ["1/2 first", "2/2 second"], engine="offline", model="extractive")
    edited = adapted.with_version("x", ["1/2 first, edited", "2/2 second"], kind="edit")
    saved = store.save(edited)
    loaded = store.load(saved.id)
    version = loaded.versions["x"]
    assert version.posts == ["1/2 first, edited", "2/2 second"] and version.edited
    assert version.engine == "offline" and not version.stale(loaded.text)
    assert [(r.kind, r.platform, r.posts) for r in loaded.revisions[-2:]] == [
        ("adapt", "x", ["1/2 first", "2/2 second"]), ("edit", "x", ["1/2 first, edited", "2/2 second"])]
    assert loaded.model_copy(update={"text": loaded.text + " more"}).versions["x"].stale(loaded.text + " more")


@pytest.mark.parametrize("bad", [
    {"linkedin": {"platform": "linkedin", "posts": ["x"], "updated": "2026-11-01T10:00:00Z"}},
    {"x": {"platform": "bluesky", "posts": ["x"], "updated": "2026-11-01T10:00:00Z"}},
    {"x": {"platform": "x", "posts": [], "updated": "2026-11-01T10:00:00Z"}},
    {"x": {"platform": "x", "posts": ["x"], "adapted_from": 5, "updated": "2026-11-01T10:00:00Z"}},
    {"myspace": {"platform": "myspace", "posts": ["x"], "updated": "2026-11-01T10:00:00Z"}},
    {"x": None},
])
def test_a_broken_version_never_locks_the_draft_and_is_kept_as_it_was(store: Store, bad: dict) -> None:
    """The post and the other versions open; the broken entry is set aside, said in one line,
    and written back unchanged when the draft is saved (nothing dropped)."""
    good = {"platform": "bluesky", "posts": ["fine"], "updated": "2026-11-01T10:00:00+00:00"}
    draft = store.save(make_draft(store, title="Broken version"))
    path = store.path_for(draft.id)
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**data, "versions": {**bad, "bluesky": good}}), encoding="utf-8")
    loaded = store.load(draft.id)
    assert loaded.text == draft.text and loaded.versions["bluesky"].posts == ["fine"]
    assert loaded.unreadable_versions == bad
    [problem] = loaded.version_problems
    assert problem.startswith(f"versions.{next(iter(bad))}") and "left as it is in the file" in problem
    assert "\n" not in problem
    store.save(loaded.with_version("threads", ["new"]))
    again = json.loads(path.read_text(encoding="utf-8"))
    assert again["unreadable_versions"] == bad and set(again["versions"]) == {"bluesky", "threads"}
    assert store.load(draft.id).unreadable_versions == bad  # and read back the same way


def test_a_version_changed_outside_drafter_is_kept_in_the_history_before_it_is_replaced(store: Store) -> None:
    """A version whose posts no revision holds (the file edited by hand) is recorded before a new
    adaptation replaces it; one that its last revision holds adds nothing."""
    draft = store.save(make_draft(store, title="Edited by hand").with_version("x", ["adapted 1/2", "two 2/2"]))
    path = store.path_for(draft.id)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["versions"]["x"]["posts"] = ["my own words"]
    path.write_text(json.dumps(data), encoding="utf-8")
    loaded = store.load(draft.id)
    again = loaded.with_version("x", ["adapted again"])
    assert [(r.kind, r.posts) for r in again.revisions[-2:]] == [("edit", ["my own words"]), ("adapt", ["adapted again"])]
    twice = again.with_version("x", ["and again"])
    assert len(twice.revisions) == len(again.revisions) + 1  # recorded already: nothing added
