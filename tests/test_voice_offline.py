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
    # --json: the parts say what the text says (the tags in lower case, as printed and saved)
    code, out, _ = run(capsys, "draft", *ws, "--engine", "offline", "--article", str(EXAMPLE), "--json")
    data = json.loads(out)
    assert data["parts"]["hashtags"] == tags and data["text"].endswith(" ".join(tags))


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


POSTMORTEM = ROOT / "tests" / "corpus" / "howto-blameless-postmortem.md"


def test_fitting_the_length_keeps_the_articles_substance_not_short_filler():
    """To reach the author's 303-392 characters the takeaways are cut and, when that is not
    enough, chosen among the article's best sentences, never a short empty one further down."""
    from drafter.engines.offline.engine import _analysis
    from drafter.engines.offline.selection import pick_takeaways
    from drafter.engines.offline.voice_fit import CUT_FROM, POOL

    source = from_file(POSTMORTEM)
    voiced, _ = extract_post(source, PostSpec(takeaways=3, hashtags=2), profile(chars=spread(303, 350, 392)))
    assert "Here is a process that works for teams of any size." not in voiced.takeaways
    best = [set(t.lower().split()) for t in pick_takeaways(_analysis(source), POOL * 3, [voiced.hook], limit=CUT_FROM)]
    for takeaway in voiced.takeaways:  # each one is (a cut of) one of the ranking's best
        assert any(set(takeaway.lower().rstrip(".").split()) <= b | {w.rstrip(".,") for w in b} for b in best), takeaway


def test_the_offline_note_and_lint_measure_the_post_alike():
    """A numbered marker ("1. " is a character longer than "• "): the note counts the post as
    shown, as voice-length does, and both say the same usual range."""
    import re

    from drafter.lint import lint
    from tests.voice_shape_fixture import voice

    changes = dict(chars=spread(138.4, 200, 261.3), bullet_marker="1.")
    spec, layout = shape(PostSpec(), Layout(), profile(**changes))
    parts, notes = extract_post(from_file(EXAMPLE), spec, profile(**changes), layout)
    note = next(n for n in notes if "your posts usually" in n)
    (finding,) = lint(assemble(parts, layout), voice=voice(**changes)).by_rule("voice-length")
    said = re.search(r"about ([\d,]+) characters, your posts usually ([\d,-]+)", note).groups()
    assert said == re.search(r"post is ([\d,]+) characters; your posts usually run ([\d,-]+)", finding.message).groups()
    assert said[1] == "138-262"


def test_the_authors_recurring_tags_come_first_when_the_article_is_about_them():
    """#engineering (the article speaks of engineers) and #postmortems are theirs and fit it;
    #gardening is theirs and does not: the article's own tags fill the rest."""
    theirs = profile(tags=["#gardening", "#engineering", "#Postmortems"], hashtags=spread(3, 3, 3))
    parts, _ = extract_post(from_file(POSTMORTEM), PostSpec(takeaways=3, hashtags=3), theirs)
    plain, _ = extract_post(from_file(POSTMORTEM), PostSpec(takeaways=3, hashtags=3))
    tags = [t.lower() for t in parts.hashtags]  # the layout prints them in the author's case
    assert tags[:2] == ["#engineering", "#postmortems"] and "#gardening" not in tags
    assert len(tags) == 3 and tags[2] in [t.lower() for t in plain.hashtags]


def test_the_profile_keeps_the_tags_the_author_comes_back_to():
    from drafter.models.voice import VoicePost, post_hash
    from drafter.models.voice_profile import build_profile

    texts = ["A.\n\n#Engineering #oncall", "B.\n\n#engineering", "C.\n\n#Engineering #once", "D.\n\n#oncall"]
    p = build_profile([VoicePost(id=post_hash(t), text=t, origin="folder") for t in texts])
    assert p.tags == ["#Engineering", "#oncall"]
