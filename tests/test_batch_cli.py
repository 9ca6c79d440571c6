"""`drafter batch`: the corpus offline into the library (tagged) and a second run skipping it
all, --force, --json lines, --out, exit codes, and ctrl+c against a slow loopback (the finished
drafts kept, the next run finishing the rest)."""

from __future__ import annotations

import json
import signal
from pathlib import Path

from drafter.cli.main import main
from drafter.storage.store import Store
from tests.loopback import Reply, loopback  # noqa: F401  (fixture)
from tests.pages import pages  # noqa: F401  (fixture)
from tests.test_faults_llm import GOOD, signal_mid_stream

CORPUS = Path(__file__).resolve().parent / "corpus"
ARTICLES = sorted(p for p in CORPUS.iterdir() if p.suffix in (".md", ".txt", ".html"))


def batch(capsys, workspace: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--workspace", str(workspace), "batch", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_corpus_is_drafted_into_the_library_and_a_second_run_skips_it(capsys, workspace_dir):
    code, out, err = batch(capsys, workspace_dir, str(CORPUS), "--engine", "offline")
    assert code == 0, err
    assert f"drafted      {len(ARTICLES)}" in out and "failed       0" in out and "mean score" in out
    assert f"[{len(ARTICLES)}/{len(ARTICLES)}] drafted" in err  # plain progress lines (stderr is not a terminal)
    store = Store(workspace_dir / "drafts")
    summaries, _ = store.list()
    records = [store.load(s.id) for s in summaries]
    assert len(records) == len(ARTICLES)
    assert len({r.batch.id for r in records}) == 1 and len({r.batch.key for r in records}) == len(ARTICLES)
    assert {r.source.location for r in records} == {str(p) for p in ARTICLES}
    code, out, err = batch(capsys, workspace_dir, str(CORPUS), "--engine", "offline")
    assert code == 0, err
    assert f"skipped      {len(ARTICLES)}" in out and "drafted      0" in out
    assert len(store.list()[0]) == len(ARTICLES)
    code, out, err = batch(capsys, workspace_dir, str(CORPUS), "--engine", "offline", "--force")
    assert code == 0 and f"drafted      {len(ARTICLES)}" in out
    assert len(store.list()[0]) == len(ARTICLES)  # drafted again in place, not added


def test_json_lines_one_per_source_and_nothing_else_on_stdout(capsys, workspace_dir, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for p in ARTICLES[:3]:
        (folder / p.name).write_bytes(p.read_bytes())
    (folder / "broken.txt").write_bytes(b"\x00\xff" * 3000)
    code, out, err = batch(capsys, workspace_dir, str(folder), "--engine", "offline", "--json")
    assert code == 1, err  # one item failed
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 4
    by_name = {Path(line["source"]).name: line for line in lines}
    assert by_name["broken.txt"]["status"] == "failed" and by_name["broken.txt"]["error"]
    assert all(line["status"] == "drafted" and line["draft_id"] and line["score"] is not None
               for name, line in by_name.items() if name != "broken.txt")
    assert "failed       1" in err and "broken.txt" in err  # the summary is on stderr with --json


def test_out_exports_each_draft_and_its_platform_versions(capsys, workspace_dir, tmp_path):
    out_dir = tmp_path / "exported"
    code, out, err = batch(capsys, workspace_dir, str(ARTICLES[0]), str(ARTICLES[1]), "--engine", "offline",
                           "--platform", "x", "--out", str(out_dir))
    assert code == 0, err
    store = Store(workspace_dir / "drafts")
    for summary in store.list()[0]:
        record = store.load(summary.id)
        assert (out_dir / f"{record.id}.txt").read_text(encoding="utf-8").rstrip("\n") == record.text.rstrip("\n")
        main(["--workspace", str(workspace_dir), "drafts", "export", record.id, "--platform", "x"])
        exported = capsys.readouterr().out
        assert (out_dir / f"{record.id}.x.txt").read_text(encoding="utf-8") == exported
    again = tmp_path / "again"  # a second run skips both sources, and --out still holds both drafts
    code, out, err = batch(capsys, workspace_dir, str(ARTICLES[0]), str(ARTICLES[1]), "--engine", "offline",
                           "--platform", "x", "--out", str(again))
    assert code == 0 and "skipped      2" in out, err
    assert sorted(p.name for p in again.iterdir()) == sorted(p.name for p in out_dir.iterdir())


def test_bad_input_is_one_line_and_exit_2(capsys, workspace_dir, tmp_path):
    for argv in ([str(tmp_path / "missing.md")], [], [str(CORPUS), "--var", "novalue"],
                 [str(CORPUS), "--template", "nope"], [str(CORPUS), "--concurrency", "0"],
                 [str(CORPUS), "--platform", "myspace"], [str(CORPUS), "--wait"]):
        code, out, err = batch(capsys, workspace_dir, *argv, "--engine", "offline")
        assert code == 2, (argv, err)
        assert err.strip().startswith("drafter: ") and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not list((workspace_dir / "drafts").glob("2*.json"))


def _three(tmp_path: Path) -> Path:
    folder = tmp_path / "three"
    folder.mkdir()
    for i in range(3):
        (folder / f"a{i}.md").write_text(f"{ARTICLES[0].read_text(encoding='utf-8')}\n\nNote {i}.\n", encoding="utf-8")
    return folder


def test_ctrl_c_keeps_the_finished_drafts_and_the_same_command_finishes_the_rest(capsys, tmp_path, workspace_dir,
                                                                                  loopback):
    folder = _three(tmp_path)
    argv = ["--workspace", str(workspace_dir), "batch", str(folder), "--base-url", loopback.base_url,
            "--no-repair", "--concurrency", "1"]
    loopback.script(Reply.stream(GOOD), Reply.drip_forever('{"hook": "Stopped', "!", every=0.05))
    code, out, err = signal_mid_stream(loopback, argv, signal.SIGINT)
    assert code == 130, err
    assert "Traceback" not in err and "run the same command again" in err.splitlines()[-1]
    # the item in flight is left, like the one not started (the next run drafts both), not a failure
    assert "drafted      1" in out and "failed       0" in out and "left         2" in out
    [cut] = [line for line in out.splitlines() if line.startswith("  left: ")]
    assert "a1.md: the text received is kept in " in cut
    store = Store(workspace_dir / "drafts")
    [saved] = store.list()[0]
    assert store.load(saved.id).source.location.endswith("a0.md")
    kept = [p for p in (workspace_dir / "drafts" / ".unsaved").iterdir()]
    assert any(p.read_text(encoding="utf-8").startswith('{"hook": "Stopped!') for p in kept)  # the text in flight
    assert [p.name for p in kept if p.name.endswith("-interrupted-a1.txt")]  # named for its source
    # with --json, every source has its line: the ones left too, the kept text's place in its note
    loopback.script(Reply.drip_forever('{"hook": "Again', "!", every=0.05))
    loopback.dripped = 0  # signal_mid_stream waits for this run's text
    code, out, err = signal_mid_stream(loopback, [*argv, "--json"], signal.SIGTERM)
    assert code == 143, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert [(Path(line["source"]).name, line["status"]) for line in lines] == [("a0.md", "skipped"), ("a1.md", "left"),
                                                                              ("a2.md", "left")]
    assert "kept in " in lines[1]["note"] and lines[2]["note"] is None
    loopback.script(Reply.stream(GOOD), Reply.stream(GOOD))
    code, out, err = batch(capsys, workspace_dir, str(folder), "--base-url", loopback.base_url, "--no-repair",
                           "--concurrency", "1")
    assert code == 0, err
    assert "skipped      1" in out and "drafted      2" in out
    assert len(store.list()[0]) == 3


def test_a_failing_generation_is_one_failure_with_its_text_kept(capsys, tmp_path, workspace_dir, loopback):
    (workspace_dir / "drafter.toml").write_text("retries = 0\n", encoding="utf-8")
    folder = _three(tmp_path)
    loopback.script(Reply.stream(GOOD), *[Reply.stream("GARBAGE")] * 3, Reply.stream(GOOD))
    code, out, err = batch(capsys, workspace_dir, str(folder), "--base-url", loopback.base_url, "--no-repair",
                           "--concurrency", "1", "--json")
    assert code == 1, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["status"] for line in lines] == ["drafted", "failed", "drafted"]
    assert "the text received is kept in" in lines[1]["error"]
    assert lines[0]["tokens"] == 33


def test_the_help_names_the_default_concurrency_and_draft_does_not_load_the_batch_models(capsys):
    import subprocess
    import sys

    from drafter.models.batch import DEFAULT_CONCURRENCY

    assert main(["batch", "run", "--help"]) == 0
    assert f"(default {DEFAULT_CONCURRENCY};" in " ".join(capsys.readouterr().out.split())
    probe = ("import sys; from drafter.cli.main import main; main(['draft', '--topic', 'x', '--engine', 'offline']); "
             "print(sorted(m for m in sys.modules if m.startswith('drafter.service.batch') or m == 'drafter.models.batch'"
             " or m == 'rich'), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stderr.strip().splitlines()[-1] == "[]", done.stderr


def test_a_feed_and_a_list_are_drafted_and_a_failing_page_is_one_failure(capsys, workspace_dir, tmp_path, pages):
    from tests.test_batch_sources import fixture, serve_site

    dead = serve_site(pages)
    feed_url = pages.add("/feed.rss", fixture("field-notes.rss", pages.base, dead), content_type="application/rss+xml")
    listed = tmp_path / "list.txt"
    listed.write_text(f"# two of the corpus\n{ARTICLES[0]}\n{ARTICLES[1]}\n", encoding="utf-8")
    code, out, err = batch(capsys, workspace_dir, "--feed", feed_url, "--list", str(listed), "--engine", "offline",
                           "--json")
    assert code == 1, (code, err)  # the feed entries whose page is gone or unreachable failed; the rest drafted
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 6, err
    statuses = {line["source"]: line["status"] for line in lines}
    assert [statuses[str(p)] for p in ARTICLES[:2]] == ["drafted", "drafted"]
    failed = [line for line in lines if line["status"] == "failed"]
    assert len(failed) == 2 and all(line["kind"] == "source" and line["error"] for line in failed)
    assert sum(line["status"] == "drafted" for line in lines) == 4
    code, out, err = batch(capsys, workspace_dir, "--feed", feed_url, "--list", str(listed), "--engine", "offline")
    assert code == 1 and "skipped      4" in out and "failed       2" in out


def test_a_second_batch_in_the_same_workspace_while_one_runs_is_refused_in_one_line(capsys, workspace_dir):
    from drafter.service.batch import batch_lock

    (workspace_dir / "drafts").mkdir(exist_ok=True)
    with batch_lock(workspace_dir / "drafts", "batch b-20261201-120000-abcd"):  # as another process's run holds it
        code, out, err = batch(capsys, workspace_dir, str(CORPUS), "--engine", "offline")
    assert code == 1, err
    assert err.startswith("drafter: another drafter batch is running in this workspace (batch b-20261201-120000-abcd")
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not list((workspace_dir / "drafts").glob("*.json"))  # nothing drafted twice
    code, out, err = batch(capsys, workspace_dir, str(CORPUS), "--engine", "offline")  # the lock is gone with it
    assert code == 0, err


def test_tokens_used_counts_every_answer_billed_retried_and_failed_ones_included(capsys, tmp_path, workspace_dir,
                                                                                 loopback):
    (workspace_dir / "drafter.toml").write_text("retries = 0\n", encoding="utf-8")
    folder = _three(tmp_path)
    # a0: an unreadable JSON answer, then labelled text asked again and read; a1: unreadable twice (fails); a2: read
    loopback.script(Reply.stream("NOT JSON", usage=(100, 1)), Reply.stream(GOOD, usage=(200, 2)),
                    Reply.stream("NOT JSON", usage=(300, 3)), Reply.stream("NOR TEXT", usage=(400, 4)),
                    Reply.stream(GOOD, usage=(500, 5)))
    code, out, err = batch(capsys, workspace_dir, str(folder), "--base-url", loopback.base_url, "--no-repair",
                           "--concurrency", "1", "--json")
    assert code == 1, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["status"] for line in lines] == ["drafted", "failed", "drafted"], lines
    assert [line["tokens"] for line in lines] == [303, 707, 505]
    assert len(loopback.chat_requests) == 5
    assert "tokens used  1,515" in err


def _page(paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"<html><head><title>Shipping weekly</title></head><body><article><h1>Shipping weekly</h1>{body}</article></body></html>"


def test_a_page_that_changed_a_little_is_skipped_and_a_rewritten_one_drafted_again(capsys, workspace_dir, pages):
    article = [p for p in ARTICLES[0].read_text(encoding="utf-8").split("\n\n") if p.strip() and not p.startswith("#")]
    url = pages.add("/post.html", _page(article))
    code, out, err = batch(capsys, workspace_dir, url, "--engine", "offline")
    assert code == 0 and "drafted      1" in out, err
    pages.add("/post.html", _page([*article[:2], "Comments: 4", *article[2:]]))  # a comment count appeared
    code, out, err = batch(capsys, workspace_dir, url, "--engine", "offline")
    assert code == 0 and "skipped      1" in out, err
    assert "its text has changed a little since" in err
    rewritten = [" ".join(reversed(p.split())) for p in article]  # every sentence written anew
    pages.add("/post.html", _page(rewritten))
    code, out, err = batch(capsys, workspace_dir, url, "--engine", "offline")
    assert code == 0 and "drafted      1" in out, err
    assert len(Store(workspace_dir / "drafts").list()[0]) == 2  # the first draft stays beside the new one


def test_drafts_list_shows_the_drafts_of_one_batch(capsys, workspace_dir, tmp_path):
    folder = _three(tmp_path)
    code, out, err = batch(capsys, workspace_dir, str(folder / "a0.md"), "--engine", "offline", "--json")
    first = json.loads(out.splitlines()[0])
    code, out, err = batch(capsys, workspace_dir, str(folder), "--engine", "offline", "--json")
    assert code == 0, err
    second = [json.loads(line) for line in out.splitlines()]
    [batch_id] = {line.split()[1] for line in err.splitlines() if line.startswith("batch ")}
    drafted = {line["draft_id"] for line in second if line["status"] == "drafted"}
    assert len(drafted) == 2 and first["draft_id"] not in drafted
    for which in (batch_id, "last"):
        assert main(["--workspace", str(workspace_dir), "drafts", "list", "--batch", which]) == 0
        out, err = capsys.readouterr()
        assert {line.split("\t")[0] for line in out.splitlines()} == drafted
    assert main(["--workspace", str(workspace_dir), "drafts", "list", "--batch", "b-nope", "--json"]) == 2
    out, err = capsys.readouterr()
    assert err.startswith("drafter: no drafts of batch b-nope") and f"the newest batch is {batch_id}" in err


def test_the_progress_bar_shows_the_count_the_time_left_and_each_failure():
    import io

    from rich.console import Console

    from drafter.cli.batch_progress import Progress
    from drafter.models.batch import ItemOutcome

    screen = io.StringIO()
    shown = Progress(3, as_json=False, bar=True, console=Console(file=screen, force_terminal=True, width=120))
    shown.outcome(ItemOutcome(source="a.md", status="drafted", draft_id="x", score=90))
    shown.outcome(ItemOutcome(source="b.md", status="failed", error="the page answered 404", kind="source"))
    shown._bar.refresh()
    shown.stop()
    drawn = screen.getvalue()
    assert "2/3" in drawn and "left" in drawn and "0:00:0" in drawn  # the count, elapsed and remaining time
    assert "failed b.md: the page answered 404" in drawn


def test_the_time_left_is_the_time_per_source_so_far_counting_down_between_finishes():
    from drafter.cli.batch_progress import time_left

    assert time_left(16, 0, 3.0, None) is None  # nothing finished: no estimate
    # two sources finished together after 4 s (concurrency 2): 14 left at 2 s each, not "1 s left"
    assert time_left(16, 2, 4.0, 4.0) == 28.0
    assert time_left(16, 2, 9.0, 4.0) == 23.0  # counting down until the next finish
    assert time_left(16, 2, 40.0, 4.0) == 0.0  # never below nothing
    assert time_left(16, 16, 32.0, 32.0) == 0.0
    # a resumed run: 12 skipped at once, then one drafted in 2 s: 3 left at 2 s each, not "0 s left"
    assert time_left(16, 12, 0.1, None, skipped=12) is None
    assert time_left(16, 13, 2.0, 2.0, skipped=12) == 6.0


def test_a_second_run_asking_for_another_platform_adds_it_to_the_drafts_it_skips(capsys, workspace_dir, tmp_path):
    two = [str(ARTICLES[0]), str(ARTICLES[1])]
    code, out, err = batch(capsys, workspace_dir, *two, "--engine", "offline", "--platform", "x")
    assert code == 0, err
    store = Store(workspace_dir / "drafts")
    first = store.load(store.list()[0][0].id)
    store.save(first.model_copy(update={"text": first.text + "\nMy own closing line."}))  # the user's edit
    out_dir = tmp_path / "out"
    code, out, err = batch(capsys, workspace_dir, *two, "--engine", "offline", "--platform", "bluesky",
                           "--out", str(out_dir))
    assert code == 0 and "skipped      2" in out, err
    assert err.count("its Bluesky version added") == 2
    for summary in store.list()[0]:
        record = store.load(summary.id)
        assert set(record.versions) == {"x", "bluesky"}
        assert (out_dir / f"{record.id}.bluesky.txt").is_file()
    edited = store.load(first.id)
    assert "closing line" in "".join(edited.versions["bluesky"].posts)  # adapted from the post as it is now
    code, out, err = batch(capsys, workspace_dir, *two, "--engine", "offline", "--platform", "bluesky")
    assert code == 0 and "version added" not in err  # nothing left to add
