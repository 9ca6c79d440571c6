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


# ---- issue 11's findings ------------------------------------------------------------------------


def test_a_voice_file_nested_too_deeply_is_one_voice_error(workspace_dir):
    from drafter.service.voice_import import clear
    from drafter.storage.voice import load_voice

    path = workspace_dir / "voice.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(VoiceError, match=r"is not JSON \(nested too deeply\); `drafter voice clear` removes it"):
        load_voice(path)
    d = drafter_for(workspace_dir)
    assert d.voice is None and "nested too deeply" in d.voice_file[1]
    assert clear(d) == (True, None) and not path.exists()


def test_a_voice_too_large_to_read_back_is_never_written(workspace_dir, monkeypatch):
    from drafter.service.voice_import import import_voice
    from drafter.storage import voice as storage

    d = drafter_for(workspace_dir)
    import_voice(d, OLDER)
    before = (workspace_dir / "voice.json").read_bytes()
    monkeypatch.setattr(storage, "MAX_VOICE_BYTES", len(before) + 100)
    with pytest.raises(VoiceError) as err:
        import_voice(d, SHARES)
    assert "over the 0 MB drafter reads (7 posts): not written, the voice file is unchanged" in str(err.value)
    assert str(err.value).endswith("; nothing imported") and "\n" not in str(err.value)
    assert (workspace_dir / "voice.json").read_bytes() == before
    assert storage.load_voice(workspace_dir / "voice.json").profile.posts == 1


def test_a_zip_header_that_lies_is_never_inflated_whole(tmp_path):
    import tracemalloc

    path = tmp_path / "lying.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("Shares.csv", "w") as member:
        head = b"Date,ShareCommentary\n2024-01-01 00:00:00,\""
        member.write(head)
        for _ in range(64):
            member.write(b"a" * 1_000_000)
    data = path.read_bytes()
    real = (64_000_000 + len(head)).to_bytes(4, "little")
    assert data.count(real) == 2  # the local header and the central directory
    path.write_bytes(data.replace(real, (1_000).to_bytes(4, "little")))
    tracemalloc.start()
    try:
        with pytest.raises(SourceError, match="cannot read Shares.csv in .*Bad CRC"):
            read_posts(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16_000_000  # read() inflated the 64 MB in one piece


def test_an_encrypted_zip_says_so(tmp_path):
    path = export_zip(tmp_path / "locked.zip", {"Shares.csv": SHARES.read_bytes()})
    data = bytearray(path.read_bytes())
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # the "encrypted" bit in both headers
        data[data.index(signature) + flags_at] |= 0x1
    path.write_bytes(bytes(data))
    with pytest.raises(SourceError) as err:
        read_posts(path)
    assert str(err.value).endswith("Shares.csv in " + str(path) + " is encrypted (a password-protected zip): "
                                   "LinkedIn's export is not; unzip it and import its Shares.csv")
    assert "ZipInfo" not in str(err.value)


def test_a_folder_skips_links_leading_out_and_files_too_long_to_be_posts(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("Not a post of mine at all.", encoding="utf-8")
    (outside / "more").mkdir()
    (outside / "more" / "other.txt").write_text("Another file outside.", encoding="utf-8")
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "one.txt").write_text("A post of mine.", encoding="utf-8")
    (posts / "link.txt").symlink_to(outside / "secret.txt")
    (posts / "folder").symlink_to(outside / "more")
    (posts / "again.txt").symlink_to(posts / "one.txt")  # inside: read (and merged as the same post)
    (posts / "README.md").write_text("word " * 2_000, encoding="utf-8")  # 10,000 characters
    (posts / "long.txt").write_text("x" * 9_000, encoding="utf-8")  # just within the bound
    (posts / "huge.txt").write_text("x" * 100_000, encoding="utf-8")  # not even read
    got = read_posts(posts)
    texts = sorted(p.text for p in got.posts)
    assert texts == ["A post of mine.", "A post of mine.", "x" * 9_000]
    assert got.skipped == {"links out of the folder": 2, "longer than 9,000 characters": 2}
    (posts / "one.txt").unlink(), (posts / "again.txt").unlink(), (posts / "long.txt").unlink()
    (posts / "README.md").unlink(), (posts / "huge.txt").unlink()
    with pytest.raises(SourceError, match=r"no post in .* could be read \(2 links out of the folder\)"):
        read_posts(posts)


def test_an_unzipped_export_is_read_as_the_export(tmp_path):
    flat = tmp_path / "Basic_LinkedInDataExport_12-01-2026"
    flat.mkdir()
    (flat / "Shares.csv").write_bytes(SHARES.read_bytes())
    for name in OTHER_EXPORT_FILES:
        (flat / name).write_bytes((FIXTURES / name).read_bytes())
    (flat / "notes.txt").write_text("Not a post: a file of the export folder.", encoding="utf-8")
    got = read_posts(flat)
    assert (len(got.posts), got.origin, got.skipped) == (6, "linkedin", {"reposts": 1})
    assert got.where == f"Shares.csv in {flat}" and got.posts[0].location == "Shares.csv"
    complete = tmp_path / "Complete"
    (complete / "Posts").mkdir(parents=True)
    (complete / "Posts" / "Shares_123.csv").write_bytes(SHARES.read_bytes())
    assert len(read_posts(complete).posts) == 6


def test_dates_that_are_not_dates_are_counted(workspace_dir, tmp_path):
    from drafter.service.voice_import import import_voice

    path = tmp_path / "Shares.csv"
    path.write_text("Date,ShareCommentary\nyesterday,First post.\n2026-13-45 10:00:00,Second post.\n"
                    "2024-01-02 03:04:05,Third post.\n,Fourth post.\n", encoding="utf-8")
    got = read_posts(path)
    assert (got.undated, got.bad_date) == (2, "yesterday")
    assert [p.date is None for p in got.posts] == [True, True, False, True]
    report = import_voice(drafter_for(workspace_dir), path)
    assert '2 posts with a date drafter cannot read ("yesterday"): kept without a date' in report.notes


def test_two_changes_at_once_keep_both(workspace_dir, monkeypatch):
    """An import still merging while a publish runs: the publish waits for the lock, then merges
    with what the import wrote (without it, the import's write dropped the published post)."""
    import threading

    from drafter.models import voice_profile
    from drafter.service.voice_import import import_voice, publish
    from drafter.storage.voice import load_voice

    d = drafter_for(workspace_dir)
    record = saved_draft(d)
    real = voice_profile.build_profile
    other: list[threading.Thread] = []

    def slow_profile(posts):
        if not other:  # the import, first: the publish starts while it merges
            other.append(threading.Thread(target=publish, args=(drafter_for(workspace_dir), record.id)))
            other[0].start()
            other[0].join(timeout=1.5)  # with the lock the publish is still waiting here
        return real(posts)

    monkeypatch.setattr(voice_profile, "build_profile", slow_profile)
    import_voice(d, SHARES)
    other[0].join(timeout=30)
    assert not other[0].is_alive()
    voice = load_voice(workspace_dir / "voice.json")
    assert len(voice.posts) == 7 and voice.profile.posts == 7
    assert any(p.origin == "published" for p in voice.posts)


def test_a_change_while_another_holds_the_lock_gives_up_with_one_line(workspace_dir, monkeypatch):
    import subprocess
    import sys

    from drafter.service.voice_import import import_voice
    from drafter.storage import voice as storage

    lock = storage.lock_path(workspace_dir / "voice.json")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT); "
         "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); sys.stdin.read()", str(lock)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setattr(storage, "LOCK_WAIT", 0.2)
        with pytest.raises(VoiceError, match=r"another drafter is changing the voice \(.*\.voice\.json\.lock is "
                                             r"locked\): try again once it has finished; nothing imported$"):
            import_voice(drafter_for(workspace_dir), SHARES)
        assert not (workspace_dir / "voice.json").exists()
    finally:
        holder.communicate("")
    assert import_voice(drafter_for(workspace_dir), SHARES).total == 6  # released with its process


def test_publish_refuses_a_draft_with_a_placeholder_left(workspace_dir):
    from drafter.service.voice_import import publish

    d = drafter_for(workspace_dir)
    record = saved_draft(d, text="Ship smaller changes.\n\n→ one\n→ [Another takeaway from the article, in your own words]")
    with pytest.raises(InputError) as err:
        publish(d, record.id)
    assert str(err.value) == (f"draft {record.id} still has a placeholder to fill in: [Another takeaway from the "
                              "article, in your own words]: not marked published (fill it in first, in the app or in "
                              f"{d.store.path_for(record.id)})")
    assert d.store.load(record.id).published is None and not (workspace_dir / "voice.json").exists()


def test_publishing_again_after_an_edit_replaces_the_drafts_post(workspace_dir):
    from drafter.service.voice_import import import_voice, publish
    from drafter.storage.voice import load_voice

    d = drafter_for(workspace_dir)
    import_voice(d, OLDER)
    record = saved_draft(d, text="Ship smaler changes.\n\n→ one\n→ two")
    first = publish(d, record.id)
    d.store.save(d.store.load(record.id).model_copy(update={"text": "Ship smaller changes.\n\n→ one\n→ two"}))
    again = publish(d, record.id)
    assert again.replaced and again.added and again.total == first.total == 2
    assert "its new text replaced the earlier one in the voice: it has 2 posts" in again.line()
    voice = load_voice(workspace_dir / "voice.json")
    assert [p.text for p in voice.posts if p.origin == "published"] == ["Ship smaller changes.\n\n→ one\n→ two"]
    report = import_voice(d, published=True)  # the same draft again: nothing new, nothing doubled
    assert (report.added, report.total) == (0, 2)


def test_a_voice_edited_by_hand_gets_its_profile_rebuilt_when_read(workspace_dir):
    from drafter.models.voice_profile import build_profile
    from drafter.service.voice_import import import_voice
    from drafter.storage.voice import load_voice

    import_voice(drafter_for(workspace_dir), SHARES)
    path = workspace_dir / "voice.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["posts"] = data["posts"][:2]
    path.write_text(json.dumps(data), encoding="utf-8")
    voice = load_voice(path)
    assert voice.profile.posts == 2 and voice.profile.last_date == voice.posts[0].date
    data["profile"] = voice.profile.model_dump(mode="json")  # the right count: only a text changes now
    path.write_text(json.dumps(data), encoding="utf-8")
    assert load_voice(path).profile == voice.profile
    data["posts"][0]["text"] = "A post rewritten by hand, with no list and no hashtags."
    path.write_text(json.dumps(data), encoding="utf-8")
    edited = load_voice(path)
    assert edited.posts[0].id == vi.post_hash(edited.posts[0].text) != data["posts"][0]["id"]
    assert edited.profile != voice.profile and edited.profile == build_profile(edited.posts)
