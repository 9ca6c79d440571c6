"""Draft titles: they follow the hook until the user renames the draft; copies get a clean name."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from drafter.settings.config import Settings
from drafter.service.drafting import Drafter
from drafter.models.post import Parts, assemble
from drafter.models.source import Source
from drafter.models.draft import Draft
from drafter.storage.store import Store
from drafter.models.titles import auto_title, copy_title
from drafter.settings.paths import Workspace

LONG_HOOK = ("We split the monolith into eleven services and then spent a whole year merging "
             "most of them back together again")


def parts(hook: str) -> Parts:
    return Parts(hook=hook, takeaways=["One point."], question="What would you do?", hashtags=["#Work"])


def edit(draft: Draft, hook: str) -> Draft:
    """What the app saves after the hook is edited: new parts and the post assembled from them."""
    new = parts(hook)
    return draft.revise("edit", parts=new, text=assemble(new))


def unnamed(store: Store, hook: str, topic: str = "Monolith notes") -> Draft:
    draft = Draft.new(None, Source(kind="topic", topic=topic), "classic", parts=parts(hook), id=store.new_id(topic))
    return store.save(draft)


def test_an_unnamed_draft_is_titled_by_its_hook_and_follows_it(tmp_path: Path) -> None:
    store = Store(tmp_path)
    draft = unnamed(store, "Why we stopped estimating. It took a year.")
    assert draft.title == "Why we stopped estimating" and not draft.title_set
    edited = edit(draft, "Estimates were never the problem")
    assert edited.title == "Estimates were never the problem"  # before any save
    saved = store.save(edited)
    assert store.load(saved.id).title == "Estimates were never the problem"
    assert [s.title for s in store.list()[0]] == ["Estimates were never the problem"]


def test_a_hand_edited_post_titles_by_its_first_paragraph(tmp_path: Path) -> None:
    store = Store(tmp_path)
    draft = unnamed(store, "The old hook")
    saved = store.save(draft.revise("edit", text="A new first line typed by hand\n\nThe rest."))
    assert saved.title == "A new first line typed by hand"


def test_a_long_hook_is_cut_at_a_whole_word(tmp_path: Path) -> None:
    title = unnamed(Store(tmp_path), LONG_HOOK).title
    assert title.endswith("…") and len(title) <= 61
    words = title[:-1].split()
    assert words == LONG_HOOK.split()[: len(words)]  # whole words only


@given(st.text(alphabet=st.sampled_from("abc xyz.!?\n"), max_size=200))
def test_auto_title_never_cuts_a_word(text: str) -> None:
    title = auto_title(text)
    assert title and "\n" not in title
    shown = title.removesuffix("…").rstrip(".!?")
    words = " ".join(text.split("\n\n")[0].split()) if text.split("\n\n")[0].strip() else ""
    if words:
        assert all(word in words.split() or word.rstrip(".!?") in [w.rstrip(".!?") for w in words.split()]
                   for word in shown.split())


def test_renaming_freezes_the_title_and_none_lets_it_follow_again(tmp_path: Path) -> None:
    store = Store(tmp_path)
    draft = unnamed(store, "First hook")
    named = store.rename(draft.id, "My monolith post")
    assert named.title_set and named.title == "My monolith post"
    kept = store.save(edit(named, "Second hook"))
    assert kept.title == "My monolith post"
    again = store.rename(draft.id, None)
    assert not again.title_set and again.title == "Second hook"


def test_duplicate_names_copies_without_a_cut_in_the_middle(tmp_path: Path) -> None:
    store = Store(tmp_path)
    draft = unnamed(store, LONG_HOOK)
    copy = store.duplicate(draft.id)
    assert copy.title.endswith(" (copy)") and "…" not in copy.title and copy.title_set
    assert len(copy.title) <= 60 and LONG_HOOK.startswith(copy.title.removesuffix(" (copy)"))
    second = store.duplicate(copy.id)
    assert second.title == copy.title.replace("(copy)", "(copy 2)")
    assert copy_title("Plan (copy 2)") == "Plan (copy 3)"
    assert copy_title("Short") == "Short (copy)"


def test_files_without_title_set_keep_a_users_title_and_follow_the_hook_otherwise(tmp_path: Path) -> None:
    store = Store(tmp_path)
    auto = unnamed(store, "The hook of an old draft", topic="Old topic")
    named = unnamed(store, "Another hook", topic="Other topic")
    for draft, old_title in ((auto, "Old topic"), (named, "A name I chose")):
        path = store.path_for(draft.id)
        data = json.loads(path.read_text(encoding="utf-8"))
        del data["title_set"]  # as written before the field existed
        data["title"] = old_title
        path.write_text(json.dumps(data), encoding="utf-8")
    assert store.load(auto.id).title == "The hook of an old draft"  # the topic was drafter's choice
    assert not store.load(auto.id).title_set
    assert store.load(named.id).title == "A name I chose" and store.load(named.id).title_set
    listed = {s.id: s.title for s in Store(tmp_path).list()[0]}  # the index agrees with load()
    assert listed == {auto.id: "The hook of an old draft", named.id: "A name I chose"}


def test_a_generated_draft_follows_its_hook(tmp_path: Path) -> None:
    drafter = Drafter(Settings(engine="offline"), Workspace(tmp_path / "ws", "test"))
    topic = "Why our team stopped holding daily status meetings"
    job = drafter.prepare(Source(kind="topic", topic=topic))
    result, _ = drafter.run(lambda: drafter.generate(job))
    draft = drafter.new_draft(job, result)
    assert not draft.title_set and draft.title == auto_title(draft.text)
    assert draft.id.startswith(f"{draft.created.date().isoformat()}-why-our-team")  # the id still from the topic
