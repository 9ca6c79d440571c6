"""The voice's shape (every engine) and the offline engine following the voice: the author's
bullet marker, takeaway and hashtag counts, hashtag casing, closing lead-in, hook and length."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drafter.cli.main import main
from drafter.engines.offline.engine import extract_post
from drafter.models.post import Layout, Parts, PostSpec, assemble
from drafter.models.voice_shape import shape
from drafter.service.drafting import Drafter
from drafter.sources.inputs import from_file
from tests.voice_shape_fixture import profile, spread, write_voice

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "tests" / "corpus" / "example-article.md"
LONG = ROOT / "tests" / "corpus" / "long-review-urban-trees.md"


def bullets(text: str) -> list[str]:
    return [line for line in text.splitlines() if line and (line[0] in "•→-" or line[0].isdigit())]


# ---- shape -----------------------------------------------------------------------------------
def test_shape_takes_the_authors_marker_counts_casing_and_closing():
    spec, layout = shape(PostSpec(), Layout(question_prefix="What do you think: "), profile(takeaways=4))
    assert (spec.takeaways, spec.hashtags) == (4, 2)
    assert (layout.bullet, layout.hashtag_case, layout.question_prefix) == ("→", "lower", "Curious: ")


def test_shape_clamps_to_the_spec_and_an_author_without_hashtags_gets_the_minimum():
    spec, _ = shape(PostSpec(), Layout(), profile(takeaways=9, hashtags=spread(7, 8.6, 12)))
    assert (spec.takeaways, spec.hashtags) == (6, 6)
    spec, _ = shape(PostSpec(), Layout(), profile(hashtags=spread(0, 0, 0), hashtag_case=None))
    assert spec.hashtags == 1  # a post has a hashtags part; voice-hashtags says the author has none
    spec, _ = shape(PostSpec(), Layout(), profile(hashtags=spread(1, 2.5, 4)))
    assert spec.hashtags == 3  # the median rounded half up


def test_explicit_choices_are_kept():
    spec, layout = shape(PostSpec(takeaways=5, hashtags=4), Layout(bullet="*"), profile(),
                         explicit={"takeaways", "hashtags", "bullet"})
    assert (spec.takeaways, spec.hashtags, layout.bullet) == (5, 4, "*")


def test_what_the_author_does_not_do_leaves_the_template_as_it_is():
    base = Layout(bullet="•", question_prefix="What do you think: ")
    spec, layout = shape(PostSpec(takeaways=3), base, profile(
        bullet_marker=None, takeaways=None, hashtag_case="camel", question_close=0.3))
    assert spec.takeaways == 3 and layout == base
    # A usual lead-in that is the start of a question, not a prefix, is not put before another.
    _, layout = shape(PostSpec(), base, profile(closing="Have you ever"))
    assert layout.question_prefix == "What do you think: "


def test_a_numbered_marker_numbers_the_takeaways():
    parts = Parts(hook="A hook of a line", takeaways=["first point", "second point", "third point"],
                  question="Why?", hashtags=["#DataScience"])
    _, layout = shape(PostSpec(), Layout(), profile(bullet_marker="1)"))
    text = assemble(parts, layout)
    assert bullets(text) == ["1) first point", "2) second point", "3) third point"]
    assert text.endswith("#datascience")


# ---- the offline engine ------------------------------------------------------------------------
def test_the_offline_post_keeps_within_the_authors_length_and_hook():
    source = from_file(EXAMPLE)
    plain, _ = extract_post(source, PostSpec(takeaways=3, hashtags=2))
    voiced, notes = extract_post(source, PostSpec(takeaways=3, hashtags=2), profile())
    assert len(assemble(plain)) > 400 >= len(assemble(voiced))  # the author's posts: 250-400
    assert len(voiced.takeaways) == 3 and not any("characters" in n for n in notes)
    assert extract_post(source, PostSpec(takeaways=3, hashtags=2), profile()) == (voiced, notes)  # deterministic


def test_the_hook_is_chosen_near_the_authors_hook_length():
    source = from_file(ROOT / "tests" / "corpus" / "howto-blameless-postmortem.md")
    plain, _ = extract_post(source, PostSpec())
    short, _ = extract_post(source, PostSpec(), profile(hook_chars=spread(20, 50, 70)))
    assert len(plain.hook) > 70 >= len(short.hook)


def test_a_post_the_article_cannot_bring_to_the_authors_length_says_so():
    source = from_file(LONG)
    _, notes = extract_post(source, PostSpec(takeaways=6), profile(chars=spread(100, 120, 150)))
    assert any("your posts usually 100-150" in n and "shorten it by hand" in n for n in notes)
    _, notes = extract_post(source, PostSpec(takeaways=2), profile(chars=spread(2500, 2700, 2900)))
    assert any("your posts usually 2,500-2,900" in n and "adds no words" in n for n in notes)


# ---- in process and through the CLI ----------------------------------------------------------
async def test_in_process_a_draft_follows_the_workspace_voice(workspace_dir):
    write_voice(workspace_dir)
    drafter = Drafter.from_environment(workspace_dir, {"engine": "offline"})
    job = drafter.prepare(from_file(EXAMPLE), "classic")
    assert job.voice is not None and (job.spec.takeaways, job.spec.hashtags) == (3, 2)
    result, _ = await drafter.generate(job)
    text = assemble(result.parts, job.layout)
    assert [line[:2] for line in bullets(text)] == ["→ "] * 3
    assert text.split("\n\n")[-1] == text.split("\n\n")[-1].lower() and text.count("#") == 2
    assert text.split("\n\n")[-2].startswith("Curious: ")
    assert len(text) <= 400  # the author's longest usual post (the article's plain draft is longer)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_offline_draft_uses_the_voice_and_without_one_the_template(capsys, workspace_dir):
    ws = ["--workspace", str(workspace_dir)]
    code, plain, _ = run(capsys, "draft", *ws, "--engine", "offline", "--article", str(EXAMPLE))
    assert code == 0
    assert [line[:2] for line in bullets(plain)] == ["• "] * 3
    tags = plain.strip().split("\n\n")[-1].split()
    assert len(tags) == 3 and any(t != t.lower() for t in tags)

    write_voice(workspace_dir)
    code, out, _ = run(capsys, "draft", *ws, "--engine", "offline", "--article", str(EXAMPLE))
    assert code == 0
    assert [line[:2] for line in bullets(out)] == ["→ "] * 3
    tags = out.strip().split("\n\n")[-1].split()
    assert len(tags) == 2 and all(t == t.lower() for t in tags)
    assert out.strip().split("\n\n")[-2].startswith("Curious: ")


@pytest.mark.parametrize("how", ["drafter.toml", "env"])
def test_cli_explicit_counts_and_marker_win_over_the_voice(capsys, workspace_dir, monkeypatch, how):
    write_voice(workspace_dir)
    extra = ["--var", "takeaways=5", "--var", "hashtags=4"]
    if how == "env":
        monkeypatch.setenv("DRAFTER_BULLET", "-")
    else:
        (workspace_dir / "drafter.toml").write_text('bullet = "-"\n', encoding="utf-8")
    code, out, _ = run(capsys, "draft", "--workspace", str(workspace_dir), "--engine", "offline",
                       "--article", str(EXAMPLE), "--json", *extra)
    assert code == 0
    data = json.loads(out)
    assert len(data["parts"]["takeaways"]) == 5 and len(data["parts"]["hashtags"]) == 4
    assert [line[:2] for line in bullets(data["text"])] == ["- "] * 5
    assert data["text"].split("\n\n")[-1] == data["text"].split("\n\n")[-1].lower()  # casing still theirs


def test_cli_voice_setting_off_drafts_with_the_template(capsys, workspace_dir, monkeypatch):
    write_voice(workspace_dir)
    monkeypatch.setenv("DRAFTER_VOICE", "0")
    code, out, _ = run(capsys, "draft", "--workspace", str(workspace_dir), "--engine", "offline",
                       "--article", str(EXAMPLE))
    assert code == 0
    assert [line[:2] for line in bullets(out)] == ["• "] * 3


def test_every_request_of_a_voiced_job_carries_its_profile(tmp_path: Path) -> None:
    # A part rewrite, hook variants and a platform version are the job's requests too: the
    # offline engine reads the voice from the request, as the draft's does.
    voice = write_voice(tmp_path)
    drafter = Drafter.from_environment(tmp_path, {"engine": "offline"}, env={})
    job = drafter.prepare(from_file(EXAMPLE))
    parts = Parts(hook="A hook.", takeaways=["One thing.", "Another thing."], question="Why?", hashtags=["#Ops"])
    requests = [job.request(drafter.settings), drafter.regenerate_request(job, parts, "hook"),
                drafter.variants_request(job, parts), drafter.adapt_request(job, "A post.", drafter.platforms(["x"])[0])]
    assert [r.voice for r in requests] == [voice.profile] * 4
    drafter.settings.voice = False
    plain = drafter.prepare(from_file(EXAMPLE))
    assert drafter.regenerate_request(plain, parts, "hook").voice is None
