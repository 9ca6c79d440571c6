"""Nothing drafter generated is lost: every path that produces text puts it on stdout and, when
it did not become a saved draft, in a file the one stderr line names.

Paths: success (saved), an unparseable answer, a truncated answer, a deadline, a cancel
(SIGINT to a real process mid-stream), a failed ``--save``. Tests run as root, so a read-only
folder would not stop a write: an unusable drafts folder is a file, or a path under a file.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from drafter.storage.unsaved import UNSAVED_DIR, keep
from tests.loopback import Loopback, Reply, loopback  # noqa: F401  (fixture)
from tests.test_faults_llm import GOOD, signal_mid_stream, assert_kept, draft_argv, kept_file, run, the_line

LABELLED = ("HOOK: Code review got faster\nTAKEAWAYS:\n- Let the formatter own style\n- Review intent\n"
            "- Small diffs merge sooner\nQUESTION: What did you stop reviewing?\nHASHTAGS: #CodeReview #DevTools")


def test_success_is_on_stdout_and_in_the_saved_draft(capsys, workspace_dir, loopback):
    loopback.script(Reply.stream(GOOD))
    code, out, err = run(capsys, draft_argv(workspace_dir, loopback, "--save"))
    assert code == 0, err
    (saved,) = (workspace_dir / "drafts").glob("*.json")
    assert json.loads(saved.read_text(encoding="utf-8"))["text"] + "\n" == out
    assert GOOD["hook"] in out and not (workspace_dir / "drafts" / UNSAVED_DIR).exists()


def test_an_unparseable_answer_is_printed_and_kept(capsys, workspace_dir, loopback):
    loopback.script(Reply.stream({"foo": 1}), Reply.stream("I would rather write a poem."))
    code, out, err = run(capsys, draft_argv(workspace_dir, loopback, "--save"))
    assert code == 1
    line = the_line(err)
    assert "could not be read" in line and "on stdout" in line
    kept = assert_kept(out, line, "I would")  # the latest answer first, then the earlier one, labelled
    assert kept.startswith("I would rather write a poem.\n\n----- an earlier answer (json_schema") and '{"foo": 1}' in kept
    assert kept_file(line).parent == workspace_dir / "drafts" / UNSAVED_DIR
    assert not list((workspace_dir / "drafts").glob("*.json"))  # not a draft: it is not a post


def test_a_truncated_answer_is_printed_and_kept(capsys, workspace_dir, loopback):
    half = '{"hook": "Code review got faster", "takeaways": ["Let the formatter'
    loopback.script(Reply.stream(half, finish_reason="length"))
    code, out, err = run(capsys, draft_argv(workspace_dir, loopback))
    line = the_line(err)
    assert code == 1 and "cut off at max_tokens" in line
    assert assert_kept(out, line, half) == half


def test_a_broken_stream_keeps_what_arrived(capsys, workspace_dir, loopback):
    loopback.script(Reply.disconnect('{"hook": "Code review', pieces=2))
    code, out, err = run(capsys, draft_argv(workspace_dir, loopback))
    line = the_line(err)
    assert code == 1 and "closed the stream early" in line
    assert assert_kept(out, line, '{"hook"') == '{"hook": "Code review'


def test_a_deadline_keeps_what_arrived_as_json_too(capsys, workspace_dir, loopback):
    loopback.script(Reply.drip_forever('{"hook": "Slow', " and slow", every=0.05))
    code, out, err = run(capsys, draft_argv(workspace_dir, loopback, "--deadline", "2", "--json"))
    line = the_line(err)
    assert code == 1 and "deadline" in line
    data = json.loads(out)
    assert data["kind"] == "deadline" and data["partial"].startswith('{"hook": "Slow')
    assert Path(data["kept"]) == kept_file(line)
    assert kept_file(line).read_text(encoding="utf-8") == data["partial"]


def test_sigint_mid_stream_prints_and_keeps_what_arrived(workspace_dir, loopback):
    loopback.script(Reply.drip_forever('{"hook": "Interrupted', "!", every=0.05))
    code, out, err = signal_mid_stream(loopback, draft_argv(workspace_dir, loopback), signal.SIGINT)
    assert code == 130
    line = the_line(err)
    assert line.startswith("drafter: interrupted: the ") and "characters received are on stdout" in line
    assert assert_kept(out, line, '{"hook": "Interrupted!').endswith("!")


@pytest.mark.parametrize("how", ["drafts is a file", "drafts is under a file"])
def test_a_failed_save_prints_the_post_and_keeps_it_elsewhere(capsys, tmp_path, loopback, how, isolated_home):
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "drafter.toml").write_text("", encoding="utf-8")
    if how == "drafts is a file":
        (ws / "drafts").write_text("not a folder", encoding="utf-8")
    else:
        (ws / "blocker").write_text("a file", encoding="utf-8")
        os.symlink(ws / "blocker" / "drafts", ws / "drafts")  # drafts/ resolves under a file
    loopback.script(Reply.stream(GOOD))
    code, out, err = run(capsys, draft_argv(ws, loopback, "--save"))
    assert code == 1
    line = the_line(err)
    assert "cannot write" in line and "the post is on stdout" in line
    kept = kept_file(line)
    assert kept.parent == isolated_home / ".cache" / "drafter" / "unsaved"  # the fallback place
    assert GOOD["hook"] in out and kept.read_text(encoding="utf-8") + "\n" == out


def test_a_failed_save_with_json_still_prints_the_json(capsys, tmp_path, loopback):
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "drafts").write_text("not a folder", encoding="utf-8")
    loopback.script(Reply.stream(GOOD))
    code, out, err = run(capsys, draft_argv(ws, loopback, "--save", "--json"))
    assert code == 1
    data = json.loads(out)
    assert data["draft_id"] is None and Path(data["kept"]) == kept_file(the_line(err))
    assert kept_file(the_line(err)).read_text(encoding="utf-8") == data["text"]


def test_when_no_place_takes_the_text_stdout_still_has_it_and_the_line_says_so(capsys, tmp_path, loopback,
                                                                                 isolated_home):
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "drafts").write_text("not a folder", encoding="utf-8")
    (isolated_home / ".cache").write_text("not a folder either", encoding="utf-8")
    loopback.script(Reply.stream(LABELLED, finish_reason="length"))
    code, out, err = run(capsys, draft_argv(ws, loopback))
    line = the_line(err)
    assert code == 1 and "not kept on disk" in line and "kept in" not in line
    assert out == LABELLED + "\n"


def test_keep_never_overwrites_and_falls_back_in_order(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    a = keep("one", "deadline", [first, second])
    b = keep("two", "deadline", [first, second])
    assert a.path is not None and b.path is not None and a.path != b.path and a.path.parent == first
    assert (a.path.read_text(encoding="utf-8"), b.path.read_text(encoding="utf-8")) == ("one", "two")
    (tmp_path / "c").write_text("file", encoding="utf-8")
    c = keep("three", "post", [tmp_path / "c" / "unsaved", second])
    assert c.path is not None and c.path.parent == second and c.path.name.endswith("-post.txt")


def test_keeping_the_same_text_again_names_the_file_that_holds_it(tmp_path):
    """A second collect of a batch (or any retry) that keeps the same text under the same name
    points at the file already kept, instead of writing a new copy each time."""
    from datetime import datetime, timedelta, timezone

    folders = [tmp_path / "a", tmp_path / "b"]
    day = datetime(2026, 3, 1, 9, 30, tzinfo=timezone.utc)
    first = keep("the answer", "unparseable", folders, now=day)
    again = keep("the answer", "unparseable", folders, now=day + timedelta(days=1))
    other = keep("another answer", "unparseable", folders, now=day)
    other_kind = keep("the answer", "post", folders, now=day)
    assert first.path is not None and again.path == first.path
    assert other.path not in (None, first.path) and other_kind.path not in (None, first.path)
    assert len(list(folders[0].iterdir())) == 3
    first.path.write_text("edited by hand", encoding="utf-8")  # no longer the same text: a new file
    fresh = keep("the answer", "unparseable", folders, now=day)
    assert fresh.path not in (None, first.path) and first.path.read_text(encoding="utf-8") == "edited by hand"
    assert fresh.path.read_text(encoding="utf-8") == "the answer"


def test_a_full_disk_on_save_keeps_the_post_in_the_workspace(capsys, workspace_dir, loopback, monkeypatch):
    from drafter.common.errors import StoreError
    from drafter.storage.store import Store

    def full(self, draft, **_):
        raise StoreError(f"cannot write {self.path_for(draft.id)}: No space left on device")

    monkeypatch.setattr(Store, "save", full)
    loopback.script(Reply.stream(GOOD))
    code, out, err = run(capsys, draft_argv(workspace_dir, loopback, "--save"))
    line = the_line(err)
    assert code == 1 and "No space left on device" in line and "the post is on stdout" in line
    kept = kept_file(line)
    assert kept.parent == workspace_dir / "drafts" / UNSAVED_DIR and kept.read_text(encoding="utf-8") + "\n" == out
