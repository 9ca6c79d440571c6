"""The command line's platform versions: ``draft --platform``, ``adapt``, ``drafts export --platform``.

The text format is read back with :func:`read_versions` (the layout documented in
:mod:`drafter.cli.platforms`): what a creator copies from stdout must be exactly the posts
``--json`` gives and the draft saves. Failures go through a fake engine that implements the
engine protocol (the offline engine, with one platform made to fail or be interrupted).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, AsyncIterator

import pytest

from drafter.cli.main import main
from drafter.common.errors import EngineError
from drafter.models.platforms import PLATFORM_NAMES, PLATFORMS, platform
from tests.cli_contract import one_line

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "tests" / "corpus" / "example-article.md"
HEADER = re.compile(r"^=== (?P<label>.+?) · (?:1 post|a thread of (?P<n>\d+) posts) · (?P<counts>.+), "
                    r"limit (?P<limit>[\d,]+) ===$")
POST = re.compile(r"^--- post (?P<i>\d+)/(?P<n>\d+) · (?P<count>[\d,]+)/(?P<limit>[\d,]+)(?: \(over by [\d,]+\))?"
                  r"(?: \([\d,]+ bytes over .+\))? ---$")
LABELS = {p.label: name for name, p in PLATFORMS.items()}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "unexpected error" not in err, err
    return code, out, err


def read_versions(out: str) -> list[dict[str, Any]]:
    """The versions in ``draft --platform`` text: each header's platform, and its posts with the
    counts shown. A post is the lines between its ``--- post`` line and the blank line before
    the next line drafter adds."""
    versions: list[dict[str, Any]] = []
    lines = out.rstrip("\n").split("\n")
    current: list[str] | None = None
    for line in lines:
        header, post = HEADER.match(line), POST.match(line)
        if header or post:
            if current is not None:
                assert current[-1] == "", "a blank line ends every post but the last"
                versions[-1]["posts"].append("\n".join(current[:-1]))
            current = None
        if header:
            versions.append({"platform": LABELS[header["label"]], "posts": [], "shown": [],
                             "declared": int(header["n"] or 1), "limit": int(header["limit"].replace(",", ""))})
        elif post:
            versions[-1]["shown"].append((int(post["i"]), int(post["n"]), int(post["count"].replace(",", "")),
                                          int(post["limit"].replace(",", ""))))
            current = []
        else:
            assert current is not None, f"text outside a post: {line!r}"
            current.append(line)
    if current is not None:
        versions[-1]["posts"].append("\n".join(current))
    return versions


@pytest.fixture
def ws(workspace_dir: Path) -> list[str]:
    return ["--workspace", str(workspace_dir)]


def test_draft_platform_all_prints_five_versions_that_fit_in_order(capsys, ws) -> None:
    code, plain, _ = run(capsys, "draft", *ws, "--article", str(EXAMPLE))
    code, out, err = run(capsys, "draft", *ws, "--article", str(EXAMPLE), "--platform", "all")
    assert code == 0
    versions = read_versions(out)
    assert [v["platform"] for v in versions] == list(PLATFORM_NAMES)
    assert versions[0]["posts"] == [plain.rstrip("\n")]  # LinkedIn's version is the post itself
    for v in versions:
        target = PLATFORMS[v["platform"]]
        assert v["declared"] == len(v["posts"]) == len(v["shown"]) and v["limit"] == target.limit
        for i, (post, (index, total, count, limit)) in enumerate(zip(v["posts"], v["shown"]), 1):
            assert (index, total, limit) == (i, len(v["posts"]), target.limit)
            assert count == target.count(post) <= target.limit and post.strip() == post != ""
    assert len(versions[1]["posts"]) > 1  # the example needs a thread on X
    assert "=== " not in err and "--- post" not in err  # progress and notes stay on stderr


def test_text_and_json_and_the_saved_draft_hold_the_same_posts(capsys, ws, workspace_dir) -> None:
    args = ["draft", *ws, "--article", str(EXAMPLE), "--platform", "X", "--platform", "mastodon", "--platform", "x"]
    code, out, _ = run(capsys, *args)
    assert code == 0
    shown = read_versions(out)
    assert [v["platform"] for v in shown] == ["linkedin", "x", "mastodon"]  # each once, LinkedIn first
    code, raw, _ = run(capsys, *args, "--json", "--save")
    data = json.loads(raw)
    assert code == 0 and [v["platform"] for v in data["platforms"]] == ["x", "mastodon"]
    assert data["platform_errors"] == []
    for version, seen in zip(data["platforms"], shown[1:]):
        assert version["posts"] == seen["posts"]
        assert version["counts"] == [PLATFORMS[version["platform"]].count(p) for p in version["posts"]]
        assert version["limit"] == PLATFORMS[version["platform"]].limit and version["fits"] is True
    saved = json.loads((workspace_dir / "drafts" / f"{data['draft_id']}.json").read_text(encoding="utf-8"))
    assert saved["text"] == data["text"] == shown[0]["posts"][0]
    assert {k: v["posts"] for k, v in saved["versions"].items()} == {v["platform"]: v["posts"] for v in data["platforms"]}
    assert [r["platform"] for r in saved["revisions"] if r["kind"] == "adapt"] == ["x", "mastodon"]


def test_without_platform_the_json_is_as_before(capsys, ws) -> None:
    code, raw, _ = run(capsys, "draft", *ws, "--topic", "heat pumps", "--json")
    assert code == 0 and "platforms" not in json.loads(raw) and "platform_errors" not in json.loads(raw)


@pytest.mark.parametrize("argv", [
    ["draft", "--topic", "heat pumps", "--platform", "facebook"],
    ["draft", "--topic", "heat pumps", "--platform", "x", "--platform", ""],
    ["adapt", "some-draft", "--platform", "myspace"],
])
def test_a_bad_platform_name_is_one_line_naming_the_platforms(capsys, ws, argv) -> None:
    code, out, err = run(capsys, *argv[:1], *ws, *argv[1:])
    assert code == 2 and out == ""
    line = one_line(err)
    assert "--platform" in line and all(name in line for name in PLATFORM_NAMES) and "all" in line


def test_the_mastodon_limit_setting_is_used(capsys, ws, monkeypatch) -> None:
    monkeypatch.setenv("DRAFTER_MASTODON_LIMIT", "200")
    code, out, _ = run(capsys, "draft", *ws, "--article", str(EXAMPLE), "--platform", "mastodon")
    mastodon = read_versions(out)[1]
    assert code == 0 and mastodon["limit"] == 200 and len(mastodon["posts"]) > 2
    assert all(count <= 200 == limit for _, _, count, limit in mastodon["shown"])


class FailingEngine:
    """The offline engine, except that adapting for ``fail`` raises (after ``partial`` arrived),
    or is interrupted when ``interrupt`` is set."""

    def __init__(self, inner: Any, fail: str, partial: str = "", interrupt: bool = False) -> None:
        self.inner, self.fail, self.partial, self.interrupt = inner, fail, partial, interrupt
        self.name, self.model = inner.name, inner.model

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def adapt(self, request: Any) -> AsyncIterator[Any]:
        if request.platform == self.fail:
            if self.interrupt:
                raise KeyboardInterrupt
            raise EngineError("the server closed the stream", kind="disconnected", partial=self.partial)
        async for event in self.inner.adapt(request):
            yield event


@pytest.fixture
def failing(monkeypatch):
    """Make the engine fail for a platform: ``failing("threads", partial="...")``."""
    import drafter.engines as engines

    real = engines.make_engine

    def install(name: str, partial: str = "", interrupt: bool = False) -> None:
        monkeypatch.setattr(engines, "make_engine",
                            lambda *a, **k: FailingEngine(real(*a, **k), name, partial, interrupt))
    return install


def kept_file(line: str) -> Path:
    found = re.search(r"kept in (\S+)", line)
    assert found, line
    return Path(found.group(1).rstrip(";"))


def test_one_platform_failing_loses_nothing(capsys, ws, workspace_dir, failing) -> None:
    failing("threads", partial="Aldermoor's bike lanes: a thread that was cut o")
    code, out, err = run(capsys, "draft", *ws, "--article", str(EXAMPLE), "--platform", "all", "--save")
    assert code == 1
    assert [v["platform"] for v in read_versions(out)] == ["linkedin", "x", "bluesky", "mastodon"]
    [line] = [line for line in err.splitlines() if "Threads" in line]
    assert "not adapted" in line and "the server closed the stream" in line
    assert kept_file(line).read_text(encoding="utf-8") == "Aldermoor's bike lanes: a thread that was cut o"
    [saved] = (workspace_dir / "drafts").glob("*.json")
    assert sorted(json.loads(saved.read_text(encoding="utf-8"))["versions"]) == ["bluesky", "mastodon", "x"]


def test_one_platform_failing_under_json(capsys, ws, failing) -> None:
    failing("x")  # nothing arrived: nothing to keep
    code, raw, err = run(capsys, "draft", *ws, "--article", str(EXAMPLE), "--platform", "x", "--platform", "bluesky",
                         "--json")
    data = json.loads(raw)
    assert code == 1 and [v["platform"] for v in data["platforms"]] == ["bluesky"]
    assert data["platform_errors"] == [{"platform": "x", "error": "the server closed the stream",
                                        "kind": "disconnected", "partial": "", "kept": None}]
    assert "X: not adapted: the server closed the stream" in err and "kept in" not in err


def test_bad_input_for_one_platform_is_its_line_alone(capsys, ws, monkeypatch) -> None:
    """A platform whose request cannot be built (a template problem, say) fails alone, exit 2."""
    from drafter.common.errors import TemplateError
    from drafter.service.drafting import Drafter

    real = Drafter.adapt_request

    def adapt_request(self, job, text, target):
        if target.name == "x":
            raise TemplateError("platforms.x: the prompt cannot be rendered")
        return real(self, job, text, target)

    monkeypatch.setattr(Drafter, "adapt_request", adapt_request)
    code, out, err = run(capsys, "draft", *ws, "--article", str(EXAMPLE), "--platform", "x", "--platform", "threads",
                         "--json")
    data = json.loads(out)
    assert code == 2 and [v["platform"] for v in data["platforms"]] == ["threads"] and data["text"]
    assert data["platform_errors"][0]["platform"] == "x" and data["platform_errors"][0]["kind"] == "error"
    assert "drafter: X: not adapted: platforms.x: the prompt cannot be rendered" in err.splitlines()


def test_an_interrupt_while_adapting_keeps_the_post_and_the_finished_versions(capsys, ws, workspace_dir,
                                                                                failing) -> None:
    failing("bluesky", interrupt=True)
    code, out, err = run(capsys, "draft", *ws, "--article", str(EXAMPLE), "--platform", "all", "--save")
    assert code == 130
    assert [v["platform"] for v in read_versions(out)] == ["linkedin", "x", "threads"]
    line = one_line("\n".join(l for l in err.splitlines() if "interrupted" in l))
    assert kept_file(line).read_text(encoding="utf-8") == out.rstrip("\n")
    assert list((workspace_dir / "drafts").glob("*.json")) == []  # interrupted before the save: kept instead


def saved_draft(capsys, ws) -> str:
    code, raw, _ = run(capsys, "draft", *ws, "--article", str(EXAMPLE), "--save", "--json")
    assert code == 0
    return json.loads(raw)["draft_id"]


def load(workspace_dir: Path, draft_id: str) -> dict[str, Any]:
    return json.loads((workspace_dir / "drafts" / f"{draft_id}.json").read_text(encoding="utf-8"))


def test_adapt_a_saved_draft_prints_and_saves_the_versions(capsys, ws, workspace_dir) -> None:
    draft_id = saved_draft(capsys, ws)
    code, out, err = run(capsys, "adapt", *ws, draft_id, "--platform", "all")
    assert code == 0 and f"saved 4 version(s) in draft {draft_id}" in err
    shown = read_versions(out)
    assert [v["platform"] for v in shown] == list(PLATFORM_NAMES)
    saved = load(workspace_dir, draft_id)
    assert shown[0]["posts"] == [saved["text"]]
    assert {v["platform"]: v["posts"] for v in shown[1:]} == {k: v["posts"] for k, v in saved["versions"].items()}
    code, out, _ = run(capsys, "adapt", *ws, draft_id, "--platform", "bluesky")
    assert code == 0 and [v["platform"] for v in read_versions(out)] == ["bluesky"]  # only the ones named


def _edit(workspace_dir: Path, draft_id: str, name: str, posts: list[str]) -> None:
    from drafter.storage.store import Store

    store = Store(workspace_dir / "drafts")
    store.save(store.load(draft_id).with_version(name, posts, kind="edit"))


def test_adapt_never_replaces_a_hand_edit_without_force(capsys, ws, workspace_dir) -> None:
    draft_id = saved_draft(capsys, ws)
    _edit(workspace_dir, draft_id, "x", ["My own words for X."])
    code, out, err = run(capsys, "adapt", *ws, draft_id, "--platform", "x", "--platform", "threads")
    assert code == 1
    assert [v["platform"] for v in read_versions(out)] == ["threads"]
    [line] = [line for line in err.splitlines() if line.startswith("drafter: X:")]
    assert "edited" in line and f"drafter adapt {draft_id} --platform x --force" in line
    saved = load(workspace_dir, draft_id)
    assert saved["versions"]["x"]["posts"] == ["My own words for X."] and saved["versions"]["x"]["edited"]
    assert "threads" in saved["versions"]

    code, raw, _ = run(capsys, "adapt", *ws, draft_id, "--platform", "x", "--json")
    data = json.loads(raw)
    assert code == 1 and data["platforms"] == [] and data["skipped"] == [{"platform": "x", "reason": "edited"}]

    code, out, _ = run(capsys, "adapt", *ws, draft_id, "--platform", "x", "--force")
    assert code == 0 and read_versions(out)[0]["posts"] == load(workspace_dir, draft_id)["versions"]["x"]["posts"]
    assert load(workspace_dir, draft_id)["versions"]["x"]["edited"] is False


def test_adapt_a_failing_platform_saves_the_others(capsys, ws, workspace_dir, failing) -> None:
    draft_id = saved_draft(capsys, ws)
    failing("x", partial="half a post for X")
    code, out, err = run(capsys, "adapt", *ws, draft_id, "--platform", "x", "--platform", "bluesky")
    assert code == 1 and [v["platform"] for v in read_versions(out)] == ["bluesky"]
    [line] = [line for line in err.splitlines() if line.startswith("drafter: X:")]
    assert kept_file(line).read_text(encoding="utf-8") == "half a post for X"
    assert sorted(load(workspace_dir, draft_id)["versions"]) == ["bluesky"]


def test_adapt_never_overwrites_a_draft_saved_elsewhere_meanwhile(capsys, ws, workspace_dir, monkeypatch) -> None:
    """The app saved the draft while the versions were being made: the file is left as the app
    wrote it, the versions are printed and kept under drafts/.unsaved/, exit 1."""
    import drafter.engines as engines
    from drafter.storage.store import Store

    draft_id = saved_draft(capsys, ws)
    store = Store(workspace_dir / "drafts")
    real = engines.make_engine

    class EditedMeanwhile(FailingEngine):
        async def adapt(self, request):
            store.save(store.load(draft_id).revise("edit", text="Edited in the app meanwhile."))
            async for event in self.inner.adapt(request):
                yield event

    monkeypatch.setattr(engines, "make_engine", lambda *a, **k: EditedMeanwhile(real(*a, **k), ""))
    code, out, err = run(capsys, "adapt", *ws, draft_id, "--platform", "x")
    assert code == 1 and [v["platform"] for v in read_versions(out)] == ["x"]
    line = one_line("\n".join(l for l in err.splitlines() if "saved elsewhere" in l))
    assert read_versions(kept_file(line).read_text(encoding="utf-8"))[0]["posts"] == read_versions(out)[0]["posts"]
    saved = load(workspace_dir, draft_id)
    assert saved["text"] == "Edited in the app meanwhile." and saved["versions"] == {}


@pytest.mark.parametrize("draft_id, needle", [("nope", "no draft 'nope'"), ("../etc", "invalid draft id")])
def test_adapt_a_bad_id_is_exit_2(capsys, ws, draft_id, needle) -> None:
    code, out, err = run(capsys, "adapt", *ws, draft_id, "--platform", "x")
    assert code == 2 and out == "" and needle in one_line(err)


def test_export_a_platform_version(capsys, ws, workspace_dir) -> None:
    draft_id = saved_draft(capsys, ws)
    run(capsys, "adapt", *ws, draft_id, "--platform", "x", "--platform", "threads")
    saved = load(workspace_dir, draft_id)
    x_posts = saved["versions"]["x"]["posts"]
    assert len(x_posts) > 1

    code, out, _ = run(capsys, "drafts", *ws, "export", draft_id, "--platform", "X")
    assert code == 0
    lines = out.rstrip("\n").split("\n")
    assert POST.match(lines[0])  # a thread: each post under its line, read as draft --platform's
    assert read_versions(f"=== X · a thread of {len(x_posts)} posts · w, limit 280 ===\n{out}")[0]["posts"] == x_posts

    code, out, _ = run(capsys, "drafts", *ws, "export", draft_id, "--platform", "linkedin")
    assert code == 0 and out == saved["text"] + "\n"

    code, out, _ = run(capsys, "drafts", *ws, "export", draft_id, "--platform", "x", "--format", "md")
    front, body = out.split("\n---\n\n", 1)
    assert "\nplatform: x\n" in front and f"\nposts: {len(x_posts)}\n" in front and "\nlimit: 280\n" in front
    assert body.rstrip("\n").split("\n\n---\n\n") == x_posts

    code, raw, _ = run(capsys, "drafts", *ws, "export", draft_id, "--platform", "threads", "--format", "json")
    data = json.loads(raw)
    assert data["platform"] == "threads" and data["posts"] == saved["versions"]["threads"]["posts"]
    assert data["counts"] == [platform("threads").count(p) for p in data["posts"]] and data["limit"] == 500
    assert data["edited"] is False and data["stale"] is False


def test_a_post_over_its_limit_says_by_how_much(capsys, ws, workspace_dir) -> None:
    draft_id = saved_draft(capsys, ws)
    _edit(workspace_dir, draft_id, "x", ["a" * 290, "short"])
    family = "\U0001F468\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466"  # 1 grapheme, 25 bytes
    _edit(workspace_dir, draft_id, "bluesky", [family * 121, "ok"])
    code, out, _ = run(capsys, "drafts", *ws, "export", draft_id, "--platform", "x")
    assert code == 0 and out.startswith("--- post 1/2 · 290/280 (over by 10) ---\n" + "a" * 290 + "\n\n--- post 2/2 · 5/280 ---")
    code, out, _ = run(capsys, "drafts", *ws, "export", draft_id, "--platform", "bluesky")
    assert out.startswith("--- post 1/2 · 121/300 (25 bytes over Bluesky's 3,000) ---\n")
    code, raw, _ = run(capsys, "drafts", *ws, "export", draft_id, "--platform", "bluesky", "--format", "json")
    data = json.loads(raw)
    assert data["counts"] == [121, 2] and data["fits"] is False  # 121 graphemes fit, 3,025 bytes do not


def test_export_a_one_post_version_is_the_post_itself(capsys, ws, workspace_dir) -> None:
    draft_id = saved_draft(capsys, ws)
    _edit(workspace_dir, draft_id, "bluesky", ["Bike lanes cut injuries by a third. #BikeLanes"])
    code, out, _ = run(capsys, "drafts", *ws, "export", draft_id, "--platform", "bluesky")
    assert code == 0 and out == "Bike lanes cut injuries by a third. #BikeLanes\n"


def test_export_a_missing_version_says_how_to_make_it(capsys, ws) -> None:
    draft_id = saved_draft(capsys, ws)
    code, out, err = run(capsys, "drafts", *ws, "export", draft_id, "--platform", "mastodon")
    assert code == 2 and out == ""
    assert f"drafter adapt {draft_id} --platform mastodon" in one_line(err)
    code, out, err = run(capsys, "drafts", *ws, "export", draft_id, "--platform", "all")
    assert code == 2 and out == "" and "one platform at a time" in one_line(err)


def test_export_of_a_version_adapted_from_an_earlier_post_says_so(capsys, ws, workspace_dir) -> None:
    from drafter.storage.store import Store

    draft_id = saved_draft(capsys, ws)
    run(capsys, "adapt", *ws, draft_id, "--platform", "x")
    store = Store(workspace_dir / "drafts")
    store.save(store.load(draft_id).revise("edit", text="A new LinkedIn post."))
    code, out, err = run(capsys, "drafts", *ws, "export", draft_id, "--platform", "x")
    assert code == 0 and out.strip()
    assert "adapted from an earlier LinkedIn post" in one_line(err) and f"adapt {draft_id} --platform x" in err


def test_drafts_show_names_the_versions_on_stderr(capsys, ws, workspace_dir) -> None:
    draft_id = saved_draft(capsys, ws)
    code, _, err = run(capsys, "drafts", *ws, "show", draft_id)
    assert code == 0 and err == ""
    run(capsys, "adapt", *ws, draft_id, "--platform", "x", "--platform", "threads")
    _edit(workspace_dir, draft_id, "threads", ["Mine."])
    code, out, err = run(capsys, "drafts", *ws, "show", draft_id)
    assert code == 0 and out == load(workspace_dir, draft_id)["text"] + "\n"
    assert "versions: X (3 posts), Threads (1 post, edited)" in one_line(err)


def _to_full_disk(argv: list[str]) -> "subprocess.CompletedProcess[str]":
    """The CLI in its own process with stdout on /dev/full (a disk that refuses every write)."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DRAFTER_"))}
    return subprocess.run(["sh", "-c", 'exec "$0" -m drafter "$@" >/dev/full', sys.executable, *argv],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env, timeout=120)


def test_versions_that_cannot_be_printed_are_kept(workspace_dir) -> None:
    proc = _to_full_disk(["--workspace", str(workspace_dir), "draft", "--engine", "offline", "--article",
                          str(EXAMPLE), "--platform", "all"])
    assert proc.returncode == 1
    line = proc.stderr.splitlines()[-1]
    assert "standard output" in line and "kept in" in line
    kept = read_versions(kept_file(line).read_text(encoding="utf-8"))
    assert [v["platform"] for v in kept] == list(PLATFORM_NAMES)


def test_adapted_versions_that_cannot_be_printed_are_in_the_draft(capsys, ws, workspace_dir) -> None:
    draft_id = saved_draft(capsys, ws)
    proc = _to_full_disk([*ws, "adapt", draft_id, "--engine", "offline", "--platform", "x"])
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[-1].endswith(f"the versions are saved in draft {draft_id}")
    assert "x" in load(workspace_dir, draft_id)["versions"]


def test_offline_platform_versions_load_no_llm_library(workspace_dir) -> None:
    """``draft --platform all`` and ``adapt`` offline import neither openai, tiktoken nor textual."""
    import os
    import subprocess
    import sys

    code = ("import sys; from drafter.cli.main import main; rc = main(sys.argv[1:]); sys.stdout.flush(); "
            "print('LOADED', 'openai' in sys.modules, 'textual' in sys.modules, 'tiktoken' in sys.modules, "
            "file=sys.stderr); sys.exit(rc)")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DRAFTER_"))}
    ws = ["--workspace", str(workspace_dir)]
    res = subprocess.run([sys.executable, "-c", code, *ws, "draft", "--article", str(EXAMPLE), "--platform", "all",
                          "--save", "--json"], capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 0 and "LOADED False False False" in res.stderr, res.stderr
    draft_id = json.loads(res.stdout)["draft_id"]
    res = subprocess.run([sys.executable, "-c", code, *ws, "adapt", draft_id, "--platform", "all"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 0 and "LOADED False False False" in res.stderr, res.stderr


def test_a_broken_version_in_the_file_is_one_line_and_the_draft_still_shows_exports_and_adapts(capsys, ws) -> None:
    code, out, _ = run(capsys, *ws, "draft", "--engine", "offline", "--article", str(EXAMPLE), "--save", "--json")
    draft_id = json.loads(out)["draft_id"]
    path = Path(ws[1]) / "drafts" / f"{draft_id}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["versions"] = {"x": {"platform": "x", "posts": [], "updated": "2026-11-01T10:00:00Z"}}
    path.write_text(json.dumps(data), encoding="utf-8")
    code, out, err = run(capsys, *ws, "drafts", "show", draft_id)
    assert code == 0 and out.strip() == data["text"].strip()
    assert one_line(err) and f"draft {draft_id}: versions.x: posts" in err and "left as it is in the file" in err
    code, out, err = run(capsys, *ws, "adapt", draft_id, "--platform", "bluesky")
    assert code == 0 and "Bluesky" in out
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["unreadable_versions"] == data["versions"] and "bluesky" in saved["versions"]
