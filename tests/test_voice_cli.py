"""``drafter voice import|show|clear``, ``drafter drafts publish`` and the doctor's voice line."""

from __future__ import annotations

import json

import pytest

from tests.test_cli import EXAMPLE, run
from tests.test_cli import assert_one_line_error as one_line
from tests.test_voice_import import FIXTURES, POSTS, SHARES, export_zip


def test_import_show_clear(capsys, workspace_dir, tmp_path):
    ws = ["--workspace", str(workspace_dir)]
    archive = export_zip(tmp_path / "Basic_LinkedInDataExport_12-01-2026.zip")
    code, out, err = run(capsys, *ws, "voice", "import", str(archive))
    assert code == 0 and out == ""
    one_line(err, f"6 posts read from Shares.csv in {archive.name}: 6 added, 0 already there; 1 repost skipped; "
                  f"the voice has 6 posts ({workspace_dir / 'voice.json'})")
    code, out, err = run(capsys, *ws, "voice", "import", str(SHARES))
    assert code == 0 and "0 added, 6 already there" in err
    code, out, err = run(capsys, *ws, "voice", "show")
    assert code == 0 and err == ""
    rows = dict(line.split(None, 1) for line in out.splitlines())
    assert rows["file"] == str(workspace_dir / "voice.json")
    assert rows["posts"] == "6 (6 from LinkedIn), 2024-03-04 to 2024-11-25"
    assert rows["lists"] == "in 67% of posts, marker →, usually 3 items"
    assert rows["hashtags"] == "2 a post, #CamelCase, in a last block"
    assert rows["closing"] == 'a question in 83% of posts, usually starting "Curious:"'
    assert rows["emoji"] == "none" and "characters" in rows["length"] and "lines" in rows["length"]
    code, out, err = run(capsys, *ws, "voice", "show", "--json")
    data = json.loads(out)
    assert code == 0 and data["posts"] == 6 and data["origins"] == {"linkedin": 6}
    assert data["profile"]["bullet_marker"] == "→" and data["file"] == str(workspace_dir / "voice.json")
    code, out, err = run(capsys, *ws, "voice", "clear")
    assert code == 0 and not (workspace_dir / "voice.json").exists()
    one_line(err, f"removed {workspace_dir / 'voice.json'} (6 posts)")
    code, out, err = run(capsys, *ws, "voice", "clear")
    assert code == 0
    one_line(err, "no voice file at")
    code, out, err = run(capsys, *ws, "voice", "show")
    assert code == 0 and out == ""
    one_line(err, "no voice in this workspace")
    code, out, err = run(capsys, *ws, "voice", "show", "--json")
    assert json.loads(out)["profile"] is None


def test_a_folder_import_says_where_the_dates_come_from(capsys, workspace_dir):
    code, out, err = run(capsys, "--workspace", str(workspace_dir), "voice", "import", str(POSTS))
    assert code == 0
    assert err.splitlines()[0] == "drafter: a post's date is its file's modification time"
    assert "3 posts read" in err and "1 empty file skipped" in err


@pytest.mark.parametrize("name, content, needle", [
    ("Shares.csv", b"", "is empty"),
    ("Shares.csv", b"a,b\n1,2\n", "no ShareCommentary column"),
    ("article.txt", b"Just an article.", "not LinkedIn's export"),
    ("Shares.csv", b"\x00\x01\x02binary", "not a CSV"),
])
def test_bad_input_is_one_line_exit_2(capsys, workspace_dir, tmp_path, name, content, needle):
    path = tmp_path / name
    path.write_bytes(content)
    code, out, err = run(capsys, "--workspace", str(workspace_dir), "voice", "import", str(path))
    assert code == 2 and out == ""
    one_line(err, needle)
    assert not (workspace_dir / "voice.json").exists()


def test_usage_errors(capsys, workspace_dir, tmp_path):
    code, out, err = run(capsys, "--workspace", str(workspace_dir), "voice", "import")
    assert code == 2
    one_line(err, "give a PATH")
    code, out, err = run(capsys, "--workspace", str(workspace_dir), "voice", "import", str(tmp_path / "nope.zip"))
    assert code == 2
    one_line(err, "no such file or folder")
    archive = export_zip(tmp_path / "x.zip", {"Profile.csv": (FIXTURES / "Profile.csv").read_bytes()})
    code, out, err = run(capsys, "--workspace", str(workspace_dir), "voice", "import", str(archive))
    assert code == 2
    one_line(err, "has no Shares.csv")


def test_a_corrupt_voice_file(capsys, workspace_dir):
    ws = ["--workspace", str(workspace_dir)]
    (workspace_dir / "voice.json").write_text('{"schema_version": 1, "posts": 3}', encoding="utf-8")
    code, out, err = run(capsys, *ws, "voice", "show")
    assert code == 1 and out == ""
    one_line(err, "is not a voice")
    code, out, err = run(capsys, *ws, "voice", "import", str(SHARES))
    assert code == 1
    one_line(err, "nothing imported")
    code, out, err = run(capsys, *ws, "doctor", "--engine", "offline")
    assert code == 0 and "UNREADABLE" in next(line for line in out.splitlines() if line.startswith("voice "))
    code, out, err = run(capsys, *ws, "voice", "clear")
    assert code == 0 and not (workspace_dir / "voice.json").exists()
    one_line(err, "(it could not be read)")


def test_publish_a_draft_then_import_published(capsys, workspace_dir):
    ws = ["--workspace", str(workspace_dir)]
    code, out, err = run(capsys, *ws, "draft", "--engine", "offline", "--article", str(EXAMPLE), "--save", "--json")
    draft_id = json.loads(out)["draft_id"]
    code, out, err = run(capsys, *ws, "drafts", "publish", draft_id)
    assert code == 0 and out == ""
    one_line(err, f"draft {draft_id} marked published")
    assert "it has 1 post" in err
    saved = json.loads((workspace_dir / "drafts" / f"{draft_id}.json").read_text(encoding="utf-8"))
    assert saved["published"] is not None
    voice = json.loads((workspace_dir / "voice.json").read_text(encoding="utf-8"))
    assert voice["posts"][0]["text"] == saved["text"] and voice["posts"][0]["origin"] == "published"
    (workspace_dir / "voice.json").unlink()
    code, out, err = run(capsys, *ws, "voice", "import", "--published")
    assert code == 0
    one_line(err, "1 post read from 1 draft marked published: 1 added")
    code, out, err = run(capsys, *ws, "drafts", "publish", "no-such-draft")
    assert code == 2
    one_line(err, "no draft 'no-such-draft'")


def test_doctor_says_how_many_posts_and_what_is_sent(capsys, workspace_dir):
    ws = ["--workspace", str(workspace_dir)]
    code, out, err = run(capsys, *ws, "doctor", "--engine", "offline")
    line = next(line for line in out.splitlines() if line.startswith("voice "))
    assert "none" in line and "drafter voice import" in line
    run(capsys, *ws, "voice", "import", str(SHARES))
    code, out, err = run(capsys, *ws, "doctor", "--engine", "offline")
    line = next(line for line in out.splitlines() if line.startswith("voice "))
    assert f"6 posts in {workspace_dir / 'voice.json'}" in line
    assert "only 3-5 of them" in line and "sent to the LLM as examples" in line


# ---- issue 11's findings ------------------------------------------------------------------------


def test_a_voice_file_nested_too_deeply_stops_no_command(capsys, workspace_dir, tmp_path):
    ws = ["--workspace", str(workspace_dir)]
    path = workspace_dir / "voice.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    code, out, err = run(capsys, *ws, "voice", "show")
    assert code == 1 and out == ""
    one_line(err, "is not JSON (nested too deeply); `drafter voice clear` removes it")
    code, out, err = run(capsys, *ws, "voice", "import", str(SHARES))
    assert code == 1
    one_line(err, "nested too deeply); `drafter voice clear` removes it; nothing imported")
    code, out, err = run(capsys, *ws, "doctor", "--engine", "offline")
    assert code == 0 and "nested too deeply" in next(line for line in out.splitlines() if line.startswith("voice "))
    post = tmp_path / "post.txt"
    post.write_text("Ship smaller changes. Review them the same day.", encoding="utf-8")
    code, out, err = run(capsys, *ws, "lint", str(post))
    assert "RecursionError" not in err and "nested too deeply" in err and "linting without the voice" in err
    code, out, err = run(capsys, *ws, "draft", "--engine", "offline", "--article", str(EXAMPLE))
    assert code == 0 and out.strip() and "RecursionError" not in err
    code, out, err = run(capsys, *ws, "voice", "clear")
    assert code == 0 and not path.exists()
    one_line(err, "(it could not be read)")


def test_schema_messages_say_how_to_clear(capsys, workspace_dir):
    ws = ["--workspace", str(workspace_dir)]
    (workspace_dir / "voice.json").write_text('{"schema_version": 99}', encoding="utf-8")
    code, out, err = run(capsys, *ws, "voice", "show")
    assert code == 1
    one_line(err, "was written by a newer drafter (schema 99): upgrade drafter, or `drafter voice clear` removes it")
    (workspace_dir / "voice.json").write_text('{"schema_version": 1, "posts": 3}', encoding="utf-8")
    code, out, err = run(capsys, *ws, "voice", "show")
    one_line(err, "`drafter voice clear` removes it")


def test_published_takes_no_value(capsys, workspace_dir, tmp_path):
    code, out, err = run(capsys, "--workspace", str(workspace_dir), "voice", "import", "--published", "drafts/")
    assert code == 2
    one_line(err, "voice import: no such file or folder: drafts/ (--published takes no value: it imports the drafts "
                  "marked published; give PATH for your posts)")


def test_an_interrupted_import_says_the_voice_is_unchanged(capsys, workspace_dir, monkeypatch):
    from drafter.sources import voice_import as source

    ws = ["--workspace", str(workspace_dir)]
    run(capsys, *ws, "voice", "import", str(SHARES))
    before = (workspace_dir / "voice.json").read_bytes()

    def interrupted(path):
        raise KeyboardInterrupt

    monkeypatch.setattr(source, "read_posts", interrupted)
    code, out, err = run(capsys, *ws, "voice", "import", str(POSTS))
    assert code == 130
    one_line(err, f"interrupted: the voice is unchanged ({workspace_dir / 'voice.json'})")
    assert (workspace_dir / "voice.json").read_bytes() == before
    monkeypatch.undo()
    from drafter.service.drafting import Drafter

    def late(self):  # the file is written, then ctrl+c
        raise KeyboardInterrupt

    monkeypatch.setattr(Drafter, "forget_voice", late)
    code, out, err = run(capsys, *ws, "voice", "import", str(POSTS))
    assert code == 130
    one_line(err, f"interrupted: the import was written ({workspace_dir / 'voice.json'})")


def test_show_says_counts_in_whole_numbers_and_a_rare_question_as_rare():
    from datetime import datetime, timezone

    from drafter.cli.voice import summary
    from drafter.models.voice import Spread, Voice
    from drafter.models.voice_profile import build_profile
    from drafter.sources.voice_import import read_posts

    posts = read_posts(SHARES).posts
    profile = build_profile(posts).model_copy(update={
        "paragraphs": Spread(low=2.5, median=3.0, high=4.0), "lines": Spread(low=4.4, median=4.6, high=4.6),
        "chars": Spread(low=279.2, median=279.4, high=279.4), "question_close": 0.004})
    rows = dict(summary(Voice(updated=datetime.now(timezone.utc), posts=posts, profile=profile), "voice.json"))
    assert rows["paragraphs"] == "2–4 (median 3)"  # "2.5–4" before
    assert rows["length"] == "279 characters, 4–5 (median 5) lines"  # one number when the range is one
    assert rows["closing"].startswith("a question in under 1% of posts")


def test_show_reads_a_voice_edited_by_hand_as_it_is_now(capsys, workspace_dir):
    ws = ["--workspace", str(workspace_dir)]
    run(capsys, *ws, "voice", "import", str(SHARES))
    path = workspace_dir / "voice.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["posts"] = data["posts"][:4]
    path.write_text(json.dumps(data), encoding="utf-8")
    code, out, err = run(capsys, *ws, "voice", "show")
    rows = dict(line.split(None, 1) for line in out.splitlines())
    assert rows["posts"].startswith("4 (4 from LinkedIn)")


def test_drafts_list_marks_the_published_drafts(capsys, workspace_dir):
    ws = ["--workspace", str(workspace_dir)]
    ids = []
    for _ in range(2):
        code, out, err = run(capsys, *ws, "draft", "--engine", "offline", "--article", str(EXAMPLE), "--save", "--json")
        ids.append(json.loads(out)["draft_id"])
    run(capsys, *ws, "drafts", "list")  # the index is written: publishing must update it
    run(capsys, *ws, "drafts", "publish", ids[0])
    code, out, err = run(capsys, *ws, "drafts", "list")
    marks = {line.split("\t")[0]: line.split("\t")[4] for line in out.splitlines()}
    assert marks == {ids[0]: "published", ids[1]: "-"}
    code, out, err = run(capsys, *ws, "drafts", "list", "--json")
    assert {row["id"]: row["published"] for row in json.loads(out)} == {ids[0]: True, ids[1]: False}


def test_publish_with_a_placeholder_is_one_line_exit_2(capsys, workspace_dir):
    from drafter.models.draft import Draft, SourceRecord
    from drafter.service.drafting import Drafter

    d = Drafter.from_environment(workspace_dir)
    record = d.store.save(Draft.new(None, SourceRecord(kind="topic", topic="x"), "classic",
                                    text="A hook.\n\n→ [Another takeaway, in your own words]", id=d.store.new_id("x")))
    code, out, err = run(capsys, "--workspace", str(workspace_dir), "drafts", "publish", record.id)
    assert code == 2 and out == ""
    one_line(err, f"draft {record.id} still has a placeholder to fill in: [Another takeaway, in your own words]")
