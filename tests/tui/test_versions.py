"""Platform versions in the session, without a terminal: the edit box's text, copying a thread
in order, edits and adaptations as undo steps, what is dirty, and the revisions a save records."""

from __future__ import annotations

import pytest

from drafter.models.draft import Draft, PlatformVersion
from drafter.models.post import Parts
from drafter.sources import inputs
from drafter.tui.session import Session
from drafter.tui.versions import moved_location, posts_text, renumber_edit, step_platform, text_posts, thread_text

PARTS = Parts(hook="We stopped the daily status meeting", takeaways=["Written updates", "Fewer calls", "Decisions"],
              question="Which meeting would you drop?", hashtags=["#Meetings"])


@pytest.mark.parametrize("posts", [["one"], ["first post\n\nwith a paragraph", "second", "3/3"], ["a", ""]])
def test_the_edit_box_reads_back_the_posts_it_shows(posts: list[str]) -> None:
    assert text_posts(posts_text(posts)) == posts


def test_the_edit_box_splits_at_separator_lines_only() -> None:
    assert text_posts("a\n  ---  \nb\n-----\nc") == ["a", "b", "c"]
    assert text_posts("a --- b\n--- not alone") == ["a --- b\n--- not alone"]
    assert text_posts("") == [""] and text_posts("\n---\n") == ["", ""]
    assert thread_text(["a", "b"]) == "a\n\nb"


@pytest.mark.parametrize("posts", [["Intro\n\n---\n\nafter the divider", "---"], ["a\n  -----  \nb", "\\---"],
                                   ["\\\\---\n---x", "two"]])
def test_a_posts_own_separator_like_lines_read_back_as_they_are(posts: list[str]) -> None:
    text = posts_text(posts)
    assert text_posts(text) == posts
    assert text_posts(text.replace("after", "After")) == [posts[0].replace("after", "After"), *posts[1:]]
    assert "\\---" in text  # the box shows a post's own divider escaped


def test_merged_or_split_numbered_posts_are_renumbered() -> None:
    three = ["a\n\n1/3", "b\n\n2/3", "c\n\n3/3"]
    assert renumber_edit(three, ["a\n\n1/3\n\nb\n\n2/3", "c\n\n3/3"]) == ["a\n\nb\n\n1/2", "c\n\n2/2"]
    assert renumber_edit(three, ["a\n\n1/3\n\nb\n\n2/3\n\nc\n\n3/3"]) == ["a\n\nb\n\nc"]  # one post: no label
    assert renumber_edit(["a\n\n1/2", "b\n\n2/2"], ["a", "x\n\n1/2", "b\n\n2/2"]) == ["a\n\n1/3", "x\n\n2/3", "b\n\n3/3"]
    assert renumber_edit(three, ["a\n\n1/3!", "b\n\n2/3", "c\n\n3/3"]) == ["a\n\n1/3!", "b\n\n2/3", "c\n\n3/3"]
    assert renumber_edit(["a", "b", "c 24/7"], ["a\n\nb", "c 24/7"]) == ["a\n\nb", "c 24/7"]  # not numbered
    assert renumber_edit(None, ["a", "b"]) == ["a", "b"]


def test_the_cursor_stays_by_its_text_when_labels_are_rewritten() -> None:
    old = posts_text(["First\n\n1/3\n\nSecond", "Third\n\n3/3"])
    new = posts_text(["First\n\nSecond\n\n1/2", "Third\n\n2/2"])
    row = old.split("\n").index("Second")
    assert moved_location(old, new, (row, 3)) == (new.split("\n").index("Second"), 3)
    assert moved_location(old, new, (len(old.split("\n")) - 1, 1)) == (len(new.split("\n")) - 1, 0)  # "3/3" -> "2/2"


def test_the_switcher_wraps_around() -> None:
    assert step_platform("linkedin", 1) == "x" and step_platform("mastodon", 1) == "linkedin"
    assert step_platform("linkedin", -1) == "mastodon"


def session_with_draft() -> Session:
    session = Session(parts=PARTS)
    session.draft = Draft.new(None, inputs.from_topic("status meetings"), "classic", parts=PARTS,
                              id="2026-01-01-status-0000")  # fmt: skip
    session.mark_saved(session.draft)
    return session


def test_copy_walks_a_thread_in_order_and_starts_again() -> None:
    session = session_with_draft()
    session.accept_version("x", ["p1", "p2", "p3"], session.post_text, engine="offline", model="extractive")
    session.platform = "x"
    assert [session.next_copy().text for _ in range(4)] == ["p1", "p2", "p3", "p1"]
    assert session.copy_position == 1
    session.edit_version("x", ["only"])  # the thread got shorter: the next copy stays in range
    step = session.next_copy()
    assert (step.text, step.label) == ("only", "") and session.copy_position is None
    session.platform = "threads"
    assert session.next_copy() is None  # not adapted yet


def test_versions_are_undone_dirty_and_saved_as_revisions() -> None:
    session = session_with_draft()
    assert not session.dirty
    text = session.post_text
    session.accept_version("x", ["adapted"], text, engine="offline", model="extractive")
    assert session.dirty and not session.has_user_edits  # an adaptation is not the user's edit
    session.edit_version("x", ["adapted, then"])
    session.edit_version("x", ["adapted, then edited"])  # one undo step for consecutive edits
    assert session.versions["x"].edited and session.has_user_edits
    assert not session.versions["x"].stale(text)

    draft = session.draft_for("save")
    assert draft.versions["x"] == session.versions["x"]
    assert [(r.kind, r.platform, r.posts) for r in draft.revisions if r.platform] == \
        [("edit", "x", ["adapted, then edited"])]
    session.mark_saved(draft)
    assert not session.dirty and session.draft_for("save").revisions[-1].platform is None  # recorded once

    assert session.undo() and session.versions["x"].posts == ["adapted"] and not session.versions["x"].edited
    assert session.undo() and "x" not in session.versions
    assert "x" not in session.draft_for("save").versions  # undone before a save: not saved
    assert session.redo() and session.redo() and session.versions["x"].posts == ["adapted, then edited"]


def test_a_generation_keeps_the_versions_of_its_draft_and_drops_those_of_another() -> None:
    from drafter.engines.base import DraftResult

    session = session_with_draft()
    session.accept_version("x", ["adapted"], session.post_text, engine="offline", model="extractive")
    result = DraftResult(parts=PARTS.replace("hook", "A new hook for the same post"), engine="offline",
                         model="extractive", mode="extractive")  # fmt: skip
    session.accept_generation(None, result)  # type: ignore[arg-type]
    assert session.versions["x"].stale(session.post_text)  # kept, and the preview says it is stale
    session.accept_generation(None, result, keep_versions=False)  # type: ignore[arg-type]
    assert not session.versions
    assert session.undo() and session.versions["x"].posts == ["adapted"]


def test_opening_a_draft_takes_its_versions() -> None:
    draft = session_with_draft().draft.with_version("bluesky", ["for bluesky"], engine="offline")
    session = Session()
    session.platform = "x"
    session.load_draft(draft, None)
    assert session.versions == draft.versions and session.platform == "linkedin" and not session.dirty
    assert isinstance(session.versions["bluesky"], PlatformVersion)
