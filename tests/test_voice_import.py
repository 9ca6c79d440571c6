"""Reading the creator's posts (LinkedIn's export, its Shares.csv, a folder) and importing them
into the workspace's voice (merging, publishing drafts, a corrupt voice file)."""

from __future__ import annotations

import io
import json
import os
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest

from drafter.common.errors import InputError, SourceError, VoiceError
from drafter.sources import voice_import as vi
from drafter.sources.voice_import import read_posts

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "voice"
SHARES = FIXTURES / "Shares.csv"
OLDER = FIXTURES / "Shares_older.csv"
POSTS = FIXTURES / "posts"
OTHER_EXPORT_FILES = ("Connections.csv", "Profile.csv")


def export_zip(path: Path, members: dict[str, bytes] | None = None) -> Path:
    """LinkedIn's basic export as it arrives: Shares.csv beside the other export files."""
    members = members if members is not None else {
        "Shares.csv": SHARES.read_bytes(), **{name: (FIXTURES / name).read_bytes() for name in OTHER_EXPORT_FILES}}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_the_shares_csv_gives_every_post_with_its_date_and_link():
    got = read_posts(SHARES)
    assert len(got.posts) == 6 and got.skipped == {"reposts": 1} and got.origin == "linkedin"
    first = got.posts[0]
    assert first.date == datetime(2024, 3, 4, 8, 15, tzinfo=timezone.utc)
    assert first.link.endswith("7170000000000000001") and first.location == "Shares.csv"
    assert not first.text.startswith("\ufeff")
    # a quoted field spans lines, its doubled quotes are one quote
    assert first.text.splitlines()[0] == "Code review is where most teams lose a day a week without noticing."
    assert '→ The "quick look" requests were the slowest of all' in first.text
    assert first.text.endswith("#CodeReview #EngineeringCulture")
    assert all("\r" not in p.text for p in got.posts)


def test_columns_are_found_by_name_when_optional_ones_are_missing():
    got = read_posts(OLDER)  # ShareCommentary first, no MediaUrl, no Visibility, CRLF line ends
    assert [p.date for p in got.posts] == [datetime(2023, 9, 14, 7, 5, tzinfo=timezone.utc)]
    assert got.skipped == {"reposts": 1}
    assert '"what we know, what we guess, what would change it"' in got.posts[0].text
    assert "\r" not in got.posts[0].text


def test_the_export_zip_is_read_in_memory_with_its_other_files_ignored(tmp_path):
    (tmp_path / "dl").mkdir()
    archive = export_zip(tmp_path / "dl" / "Basic_LinkedInDataExport_12-01-2026.zip")
    got = read_posts(archive)
    assert [p.id for p in got.posts] == [p.id for p in read_posts(SHARES).posts]
    assert "Shares.csv in Basic_LinkedInDataExport_12-01-2026.zip" == got.where
    assert sorted(os.listdir(tmp_path / "dl")) == ["Basic_LinkedInDataExport_12-01-2026.zip"]  # nothing extracted


def test_the_complete_archive_has_shares_with_an_id_in_a_subfolder(tmp_path):
    archive = export_zip(tmp_path / "Complete_LinkedInDataExport.zip", {
        "Profile.csv": (FIXTURES / "Profile.csv").read_bytes(),
        "Posts/Shares_1234.csv": SHARES.read_bytes(),
        "Posts/Shares_older.csv": OLDER.read_bytes(),
    })
    got = read_posts(archive)
    assert len(got.posts) == 7 and got.skipped == {"reposts": 2}


def test_a_zip_whatever_its_name(tmp_path):
    renamed = export_zip(tmp_path / "export.bin")
    assert len(read_posts(renamed).posts) == 6


def test_a_member_that_climbs_out_of_the_archive_is_never_read(tmp_path):
    archive = export_zip(tmp_path / "x.zip", {"../Shares.csv": SHARES.read_bytes(), "/abs/Shares.csv": b"x"})
    with pytest.raises(SourceError, match="no Shares.csv"):
        read_posts(archive)


def test_a_zip_bomb_stops_at_the_limit_whatever_the_header_says(tmp_path, monkeypatch):
    monkeypatch.setattr(vi, "MAX_CSV_BYTES", 10_000)
    big = b"Date,ShareCommentary\n" + b"2024-01-01 00:00:00,\"" + b"a" * 200_000 + b"\"\n"
    archive = export_zip(tmp_path / "bomb.zip", {"Shares.csv": big})
    with pytest.raises(SourceError, match="larger than"):
        read_posts(archive)
    # a header that lies about the size: zipfile inflates no more than it says, and the CRC fails
    data = (tmp_path / "bomb.zip").read_bytes()
    size = len(big).to_bytes(4, "little")
    assert data.count(size) == 2  # the local header and the central directory
    lying = tmp_path / "lying.zip"
    lying.write_bytes(data.replace(size, (100).to_bytes(4, "little")))
    with pytest.raises(SourceError, match="cannot read Shares.csv in .*Bad CRC"):
        read_posts(lying)


def test_the_size_bound_holds_for_all_the_shares_files_together(tmp_path, monkeypatch):
    monkeypatch.setattr(vi, "MAX_CSV_BYTES", SHARES.stat().st_size * 3 // 2)
    archive = export_zip(tmp_path / "two.zip", {"Shares_1.csv": SHARES.read_bytes(), "Shares_2.csv": SHARES.read_bytes()})
    with pytest.raises(SourceError, match="Shares_2.csv in .* is larger than"):
        read_posts(archive)


def test_too_many_members_is_not_an_export(tmp_path, monkeypatch):
    monkeypatch.setattr(vi, "MAX_MEMBERS", 3)
    archive = export_zip(tmp_path / "many.zip", {f"f{i}.csv": b"x" for i in range(5)})
    with pytest.raises(SourceError, match="more than 3 files"):
        read_posts(archive)


@pytest.mark.parametrize("name, content, needle", [
    ("Shares.csv", b"", "is empty"),
    ("Shares.csv", b"   \n\n", "is empty"),
    ("Shares.csv", "Date,Link,Text\n2024-01-01 00:00:00,x,hello\n".encode(), "no ShareCommentary column (found: Date, Link, Text)"),
    ("Shares.csv", b"\xff\xfeD\x00a\x00t\x00e\x00", "in UTF-16: save it as UTF-8"),
    ("Shares.csv", "Date,ShareCommentary\n".encode("utf-16-be"), "in UTF-16: save it as UTF-8"),
    ("Shares.csv", bytes(range(256)) * 4, "not a CSV (binary data)"),
    ("Shares.csv", "Date,ShareCommentary\n2024-01-01 00:00:00,caf\xe9\n".encode("latin-1"), "not a CSV in UTF-8"),
    ("Shares.csv", b"Date,ShareCommentary\n2024-01-01 00:00:00,\n", "no posts with text (1 reposts skipped)"),
    ("Shares.csv", b"Date,ShareCommentary\n", "no posts with text"),
    ("post.pdf", b"%PDF-1.4", "is not LinkedIn's export"),
    ("x.zip", b"PK\x03\x04 not really a zip", "not a readable zip"),
])
def test_bad_input_is_one_source_error(tmp_path, name, content, needle):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SourceError) as err:
        read_posts(path)
    assert needle in str(err.value) and "\n" not in str(err.value)
    assert err.value.exit_code == 2


def test_a_zip_without_shares_and_a_missing_path(tmp_path):
    archive = export_zip(tmp_path / "Basic.zip", {name: (FIXTURES / name).read_bytes() for name in OTHER_EXPORT_FILES})
    with pytest.raises(SourceError, match="has no Shares.csv: is it LinkedIn's data export"):
        read_posts(archive)
    with pytest.raises(SourceError, match="no such file or folder"):
        read_posts(tmp_path / "nope.zip")


def test_a_field_larger_than_csv_allows_is_one_line(tmp_path):
    path = tmp_path / "Shares.csv"
    path.write_text('Date,ShareCommentary\n2024-01-01 00:00:00,"' + "x" * 200_000 + '"\n', encoding="utf-8")
    with pytest.raises(SourceError, match=r"Shares.csv has a field longer than 131,072 characters \(line 2\): "
                                          "not a post LinkedIn wrote$"):
        read_posts(path)


def test_a_folder_gives_one_post_a_file(tmp_path):
    got = read_posts(POSTS)
    names = sorted(p.location for p in got.posts)
    assert names == ["2024-01-rewrite.md", "onboarding.txt", "standups.txt"]  # not notes.json, not the hidden file
    assert got.skipped == {"empty files": 1} and got.origin == "folder"
    md = next(p for p in got.posts if p.location.endswith(".md"))
    assert md.text.startswith("Before any rewrite")  # the front matter is not the post
    when = datetime.fromtimestamp((POSTS / "standups.txt").stat().st_mtime, timezone.utc)
    assert next(p for p in got.posts if p.location == "standups.txt").date == when


def test_a_folder_skips_and_counts_what_it_cannot_read(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "sub" / "one.txt").write_text("A post in a subfolder.", encoding="utf-8")
    (tmp_path / ".hidden" / "two.txt").write_text("never read", encoding="utf-8")
    (tmp_path / "latin.txt").write_bytes("Caf\xe9 notes".encode("latin-1"))
    (tmp_path / "blank.md").write_text("---\ntitle: x\n---\n\n", encoding="utf-8")
    got = read_posts(tmp_path)
    assert [p.text for p in got.posts] == ["A post in a subfolder."]
    assert got.skipped == {"not UTF-8": 1, "empty files": 1}
    (tmp_path / "sub" / "one.txt").unlink()
    with pytest.raises(SourceError, match=r"no post in .* could be read \(1 empty file, 1 not UTF-8\)"):
        read_posts(tmp_path)


def test_an_empty_folder(tmp_path):
    with pytest.raises(SourceError, match=r"no \.txt or \.md files"):
        read_posts(tmp_path)


# ---- importing into the workspace -----------------------------------------------------------


def drafter_for(workspace_dir: Path):
    from drafter.service.drafting import Drafter

    return Drafter.from_environment(workspace_dir)


def test_repeated_imports_merge_without_duplicates(workspace_dir, tmp_path):
    from drafter.service.voice_import import import_voice
    from drafter.storage.voice import load_voice

    d = drafter_for(workspace_dir)
    first = import_voice(d, export_zip(tmp_path / "Basic.zip"))
    assert (first.found, first.added, first.total, first.already) == (6, 6, 6, 0)
    assert first.file == workspace_dir / "voice.json" and first.skipped == {"reposts": 1}
    again = import_voice(d, SHARES)
    assert (again.found, again.added, again.total) == (6, 0, 6)
    more = import_voice(d, POSTS)
    assert (more.added, more.total) == (3, 9) and more.notes == ["a post's date is its file's modification time"]
    voice = load_voice(workspace_dir / "voice.json")
    assert len({p.id for p in voice.posts}) == 9 and voice.profile.posts == 9
    dated = [p.date for p in voice.posts]
    assert dated == sorted(dated, reverse=True)  # newest first
    assert "6 posts read from" in again.line() and "0 added, 6 already there; 1 repost skipped" in again.line()


def test_import_forgets_the_voice_the_drafter_had_read(workspace_dir):
    from drafter.service.voice_import import import_voice

    d = drafter_for(workspace_dir)
    assert d.voice is None
    import_voice(d, SHARES)
    assert d.voice is not None and d.voice.profile.posts == 6


def test_a_corrupt_voice_file_is_never_overwritten(workspace_dir):
    from drafter.service.voice_import import import_voice

    (workspace_dir / "voice.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(VoiceError, match="voice clear.*nothing imported"):
        import_voice(drafter_for(workspace_dir), SHARES)
    assert (workspace_dir / "voice.json").read_text(encoding="utf-8") == "{not json"


def saved_draft(d, text: str = "Ship smaller changes.\n\n→ one\n→ two\n\n#Shipping #Teams"):
    from drafter.models.draft import Draft, SourceRecord

    record = Draft.new(None, SourceRecord(kind="topic", topic="shipping"), "classic", text=text,
                       id=d.store.new_id("shipping"))
    return d.store.save(record)


def test_publish_marks_the_draft_and_adds_its_text_to_the_voice(workspace_dir):
    from drafter.service.voice_import import publish
    from drafter.storage.voice import load_voice

    d = drafter_for(workspace_dir)
    record = saved_draft(d)
    result = publish(d, record.id)
    assert result.added and result.total == 1 and not result.already_published
    assert d.store.load(record.id).published == result.draft.published is not None
    voice = load_voice(workspace_dir / "voice.json")
    assert voice.posts[0].text == record.text and voice.posts[0].origin == "published"
    assert voice.posts[0].location == record.id
    again = publish(d, record.id)
    assert again.already_published and not again.added and again.total == 1
    assert again.draft.published == result.draft.published  # the first date is kept
    assert "already marked published" in again.line() and "the voice already had its text" in again.line()


def test_publish_refuses_an_empty_draft_and_a_bad_id(workspace_dir):
    from drafter.common.errors import DraftNotFound
    from drafter.service.voice_import import publish

    d = drafter_for(workspace_dir)
    record = saved_draft(d, text="")
    with pytest.raises(InputError, match="is empty"):
        publish(d, record.id)
    assert d.store.load(record.id).published is None
    with pytest.raises(DraftNotFound):
        publish(d, "no-such-draft")
    with pytest.raises(InputError, match="invalid draft id"):
        publish(d, "../x")


def test_publish_with_a_corrupt_voice_says_the_draft_is_marked(workspace_dir):
    from drafter.service.voice_import import publish

    d = drafter_for(workspace_dir)
    record = saved_draft(d)
    (workspace_dir / "voice.json").write_text("[]", encoding="utf-8")
    with pytest.raises(VoiceError, match=f"draft {record.id} is marked published, but .*not a voice"):
        publish(d, record.id)
    assert d.store.load(record.id).published is not None
    assert (workspace_dir / "voice.json").read_text(encoding="utf-8") == "[]"


def test_import_published_takes_the_marked_drafts_only(workspace_dir):
    from drafter.service.voice_import import import_voice, publish

    d = drafter_for(workspace_dir)
    with pytest.raises(InputError, match="no draft .* is marked published"):
        import_voice(d, published=True)
    marked = saved_draft(d)
    saved_draft(d, text="Not published yet.")
    publish(d, marked.id)
    (workspace_dir / "voice.json").unlink()
    report = import_voice(d, published=True)
    assert (report.found, report.added, report.total) == (1, 1, 1)
    assert report.read == ["1 draft marked published"]
    both = import_voice(d, SHARES, published=True)
    assert (both.found, both.added, both.total) == (7, 6, 7)


def test_older_draft_files_load_without_published(workspace_dir):
    d = drafter_for(workspace_dir)
    record = saved_draft(d)
    path = d.store.path_for(record.id)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["published"] is None
    del data["published"]
    data["schema_version"] = 1
    data.pop("versions", None)
    path.write_text(json.dumps(data), encoding="utf-8")
    assert d.store.load(record.id).published is None


def test_clear_removes_a_corrupt_file_too(workspace_dir):
    from drafter.service.voice_import import clear, import_voice

    d = drafter_for(workspace_dir)
    assert clear(d) == (False, None)
    import_voice(d, SHARES)
    assert clear(d) == (True, 6) and not (workspace_dir / "voice.json").exists()
    (workspace_dir / "voice.json").write_text("garbage", encoding="utf-8")
    assert clear(d) == (True, None) and not (workspace_dir / "voice.json").exists()
