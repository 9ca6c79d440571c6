"""The post linter: every rule fires on a bad post and stays quiet on a clean one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from drafter.common.errors import ConfigError
from drafter.lint import (
    Finding,
    LintReport,
    lint,
    load_phrases,
    resolve_settings,
)
from drafter.lint.registry import all_rules
from drafter.lint.settings import defaults
from drafter.lint.text import PostView
from drafter.models.post import Layout, Parts, PostSpec, assemble, collapse_blank_lines

# My own sample post: specific hook under both folds, varied bullets, a specific question,
# three hashtags on the last line. It must score 100.
CLEAN = """Our support queue shrank by a third after we deleted one form field.

For two years, every ticket asked customers to pick a category from a list of 14 options. Most picked "Other". Agents then sorted each ticket again by hand before anyone could answer it.

In March we removed the field and let the first agent who opened a ticket tag it.

• Median first reply went from 9 hours to 5
• Nobody missed the dropdown, including the managers who asked for it in 2022
• The reports we feared losing came back within a week, rebuilt from tags

Which field in your own intake form exists only because someone once asked for a report?

#CustomerSupport #Operations #ProductDesign"""

SOURCE = (
    "Back in 2022 the managers asked for a category field with 14 options on the support form. "
    "This March the team removed it. Median first reply fell from 9 hours to 5."
)


def post(hook: str = "Our support queue shrank by a third after we deleted one form field.",
         body: str = "In March we removed the field and let the first agent tag each ticket.",
         bullets: tuple[str, ...] = ("Median first reply went from 9 hours to 5",
                                     "Nobody missed the dropdown, including the managers",
                                     "The reports we feared losing came back within a week, rebuilt from tags"),
         question: str = "Which field in your own intake form exists only for a report nobody reads?",
         tags: str = "#CustomerSupport #Operations #ProductDesign") -> str:
    """A clean post with one part swapped out."""
    blocks = [hook, body, "\n".join(f"• {b}" for b in bullets), question, tags]
    return "\n\n".join(b for b in blocks if b)


def only(report: LintReport, rule: str) -> list[Finding]:
    return report.by_rule(rule)


def spans(text: str, report: LintReport, rule: str) -> list[str]:
    return [text[f.start : f.end] for f in only(report, rule)]


# ---- the clean post ------------------------------------------------------------------------
def test_clean_post_scores_100() -> None:
    report = lint(CLEAN)
    assert report.findings == [], report.format_text()
    assert report.score == 100 and report.breakdown == {}
    assert report.passed


def test_clean_post_with_source_parts_and_spec_scores_100() -> None:
    assert lint(CLEAN, source_text=SOURCE).score == 100
    parts = Parts(hook="A plain hook about a deleted form field.", takeaways=["Replies got faster", "Nobody missed it at all, not even the managers", "Reports came back within a week"],
                  question="Which field would you delete first?", hashtags=["#Support", "#Ops"])
    text = assemble(parts, Layout(takeaways_heading="What changed:"))
    report = lint(text, parts=parts, spec=PostSpec(takeaways=3, hashtags=2))
    assert report.findings == [], report.format_text()
    assert post() and lint(post()).score == 100


# ---- length and the fold -----------------------------------------------------------------
def test_too_long_points_at_what_is_past_3000() -> None:
    filler = "\n".join(["Short line of plain notes about the queue."] * 80)
    text = post(body=filler)
    report = lint(text)
    (f,) = only(report, "too-long")
    shown = collapse_blank_lines(text)
    assert f.severity == "error" and f"{len(shown):,} characters" in f.message
    assert text[f.start : f.end] == text[f.start :] and len(text[: f.start]) == 3000


def test_too_long_counts_after_collapsing_blank_lines() -> None:
    text = post() + "\n\n\n\n" * 900
    assert len(text) > 3000
    assert not only(lint(text), "too-long")


def test_hook_past_desktop_fold_is_an_error_pointing_at_the_hidden_part() -> None:
    hook = "We spent a year " + "measuring every part of our support flow " * 6 + "and learned one thing."
    assert len(hook) > 210
    text = post(hook=hook)
    report = lint(text)
    (f,) = only(report, "hook-desktop-fold")
    assert f.severity == "error" and text[f.start : f.end] == hook[210:]
    assert f"{len(hook)} characters" in f.message
    assert not only(report, "hook-mobile-fold")  # one cause, one finding
    assert not only(report, "long-line")  # the hook is left to the fold rules


def test_hook_past_mobile_fold_is_a_warning() -> None:
    hook = "We cut our support backlog in half by deleting a single dropdown, and the two managers who had asked for it in the first place never noticed it was gone."
    assert 140 < len(hook) <= 210
    text = post(hook=hook)
    (f,) = only(lint(text), "hook-mobile-fold")
    assert f.severity == "warning" and text[f.start : f.end] == hook[140:]
    assert not only(lint(text), "hook-desktop-fold")


def test_long_line() -> None:
    body = "This paragraph keeps going " * 9 + "until it is far too long for a phone."
    text = post(body=body)
    (f,) = only(lint(text), "long-line")
    assert text[f.start : f.end] == body and "limit 200" in f.message
    assert not only(lint(CLEAN), "long-line")


# ---- hashtags ----------------------------------------------------------------------------
def test_hashtag_count_zero_is_an_error_on_the_whole_text() -> None:
    text = post(tags="")
    (f,) = only(lint(text), "hashtag-count")
    assert f.severity == "error" and (f.start, f.end) == (0, len(text))


def test_hashtag_count_too_many_points_at_the_extra_tags() -> None:
    text = post(tags="#A1 #B2 #C3 #D4 #E5 #F6 #G7 #H8")
    (f,) = only(lint(text), "hashtag-count")
    assert f.severity == "error" and text[f.start : f.end] == "#G7 #H8" and "8 hashtags" in f.message


def test_hashtag_count_differs_from_spec_is_a_warning() -> None:
    text = post(tags="#Support #Ops")
    (f,) = only(lint(text, spec=PostSpec(hashtags=3)), "hashtag-count")
    assert f.severity == "warning" and "asks for 3" in f.message and text[f.start : f.end] == "#Support #Ops"
    assert not only(lint(text, spec=PostSpec(hashtags=2)), "hashtag-count")


@pytest.mark.parametrize(
    ("tags", "span", "fix"),
    [
        ("#Support #ai-ethics", "#ai-ethics", "#AiEthics"),
        ("#Support # AI", "# AI", "#AI"),
        ("#Support ##Data", "##Data", "#Data"),
        ("#Support #AI_Ethics", "#AI_Ethics", "#AIEthics"),
        ("#Support #", "#", None),
    ],
)
def test_hashtag_malformed(tags: str, span: str, fix: str | None) -> None:
    text = post(tags=tags)
    (f,) = only(lint(text), "hashtag-malformed")
    assert f.severity == "error" and text[f.start : f.end] == span and f.fix == fix


def test_hashtags_that_are_fine() -> None:
    text = post(body="We are the #1 team on the board, says C# and https://x.test/a#frag fans.",
                tags="#AI, #Data. #Web3")
    report = lint(text)
    for rule in ("hashtag-malformed", "hashtag-count", "hashtag-duplicate", "hashtag-placement"):
        assert not only(report, rule), report.format_text()


def test_hashtag_duplicate_is_case_insensitive() -> None:
    text = post(tags="#AI #Support #ai")
    (f,) = only(lint(text), "hashtag-duplicate")
    assert text[f.start : f.end] == "#ai" and f.start == text.rindex("#ai") and '"#AI"' in f.message


def test_hashtag_stopword() -> None:
    text = post(tags="#The #Support")
    (f,) = only(lint(text), "hashtag-stopword")
    assert text[f.start : f.end] == "#The" and f.severity == "error"


def test_hashtag_in_the_body_is_a_placement_hint() -> None:
    text = post(body="We let #AI tag the tickets for a week.")
    (f,) = only(lint(text), "hashtag-placement")
    assert text[f.start : f.end] == "#AI" and f.severity == "hint"


def test_hashtags_on_the_question_line_are_not_misplaced() -> None:
    text = post(question="Which field would you delete first? #Support #Ops", tags="")
    report = lint(text)
    assert not only(report, "hashtag-placement") and not only(report, "question-missing")


# ---- the question ------------------------------------------------------------------------
def test_question_missing_points_at_the_last_body_line() -> None:
    text = post(question="That is the whole story.")
    (f,) = only(lint(text), "question-missing")
    assert f.severity == "warning" and text[f.start : f.end] == "That is the whole story."


def test_a_question_in_the_hook_does_not_count() -> None:
    text = post(hook="Why did our queue shrink?", question="")
    assert only(lint(text), "question-missing")


@pytest.mark.parametrize("question", ["Thoughts?", "What do you think?", "Agree?", "Your thoughts? 👇",
                                      "So, what do you think about this?", "What’s your take?"])
def test_question_generic(question: str) -> None:
    text = post(question=question)
    (f,) = only(lint(text), "question-generic")
    assert text[f.start : f.end] == question.replace(" 👇", "")


@pytest.mark.parametrize("question", [
    "Thoughts? Especially on whether the reports were worth rebuilding.",
    "What do you think: should support teams drop category fields entirely?",
    "Which dropdown would you delete first?",
])
def test_question_specific(question: str) -> None:
    report = lint(post(question=question))
    assert not only(report, "question-generic") and not only(report, "question-missing")


def test_parts_question_is_checked_even_behind_a_prefix() -> None:
    parts = Parts(hook="We deleted a field.", takeaways=["Replies got faster in the first month", "Nobody missed it", "Reports came back"],
                  question="Agree?", hashtags=["#Support"])
    text = assemble(parts, Layout(question_prefix="What do you think: "))
    (f,) = only(lint(text, parts=parts), "question-generic")
    assert text[f.start : f.end] == "agree?"


# ---- AI tells ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "span"),
    [
        ("We delve into the numbers below.", "delve"),
        ("Teams leveraging tags answer faster.", "leveraging"),
        ("Deleting the field was a game-changer for us.", "game-changer"),
        ("Tags unlock the power of the queue.", "unlock the power of"),
        ("In today's fast-paced world, queues grow.", "In today's fast-paced world"),
        ("We had to navigate the complexities of routing.", "navigate the complexities"),
        ("It's not just a form, it's a habit.", "It's not just a form, it's"),
        ("Let that sink in.", "Let that sink in"),
        ("The result is a testament to simple tools.", "testament to"),
        ("Buckle up.", "Buckle up"),
    ],
)
def test_ai_phrase(body: str, span: str) -> None:
    text = post(body=body)
    found = spans(text, lint(text), "ai-phrase")
    assert found == [span]


def test_when_x_meets_y_only_in_the_hook() -> None:
    text = post(hook="When support meets product, tickets shrink.")
    assert spans(text, lint(text), "ai-phrase") == ["When support meets"]
    body = post(body="When support meets product, tickets shrink.")
    assert spans(body, lint(body), "ai-phrase") == []


def test_ai_phrase_quiet_on_plain_words_and_inside_links() -> None:
    text = post(body="The ever present lever in the harbour helped the deli staff. More: https://journey.example/delve")
    assert spans(text, lint(text), "ai-phrase") == []


def test_user_phrase_file_extends_the_list(tmp_path: Path) -> None:
    user = tmp_path / "ai_tells.toml"
    user.write_text('[[tell]]\nphrase = "move the needle"\nsuggestion = "say by how much"\n', encoding="utf-8")
    text = post(body="Tags helped us move the  needle on replies.")
    assert not only(lint(text), "ai-phrase")
    (f,) = only(lint(text, extra_phrases_files=[user]), "ai-phrase")
    assert text[f.start : f.end] == "move the  needle" and "say by how much" in f.message
    assert len(load_phrases([user])) == len(load_phrases()) + 1
    assert only(lint(text, extra_phrases_files=str(user)), "ai-phrase")


def test_user_phrase_file_is_reread_when_edited(tmp_path: Path) -> None:
    user = tmp_path / "ai_tells.toml"
    user.write_text('[[tell]]\nphrase = "synergise"\n', encoding="utf-8")
    assert load_phrases([user], builtin=False)[0].name == "synergise"
    user.write_text('[[tell]]\nregex = "\\\\bfrobnicat\\\\w*"\nlabel = "frobnicate"\n', encoding="utf-8")
    os.utime(user, ns=(1, 1))
    assert load_phrases([user], builtin=False)[0].name == "frobnicate"


def test_missing_user_phrase_file_is_skipped(tmp_path: Path) -> None:
    assert load_phrases([tmp_path / "nope.toml"]) == load_phrases()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('[[tell]]\nphrase = "unterminated\n', "line 2"),
        ('[[tell]]\nphrase = "ok"\n\n[[tell]]\nregex = "(unclosed"\n', "line 5"),
        ('[[tell]]\nsuggestion = "nothing to match"\n', "line 1"),
        ('[[tell]]\nphrase = "x"\nwhen = "hook"\n', "unknown key 'when'"),
        ('tells = []\n', "unknown key 'tells'"),
    ],
)
def test_broken_phrase_file_is_one_line_config_error(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "ai_tells.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        lint(CLEAN, extra_phrases_files=[path])
    message = str(err.value)
    assert str(path) in message and expected in message and "\n" not in message


def test_ai_phrase_ignore_option() -> None:
    text = post(body="We leverage tags and delve into the numbers.")
    found = spans(text, lint(text, settings={"rules": {"ai-phrase": {"ignore": ["leverage"]}}}), "ai-phrase")
    assert found == ["delve"]


# ---- punctuation, symbols, rhythm --------------------------------------------------------
def test_em_dash_over_the_limit_points_at_the_first_extra_one() -> None:
    text = post(body="We cut it — fast — and then — finally -- it worked.")
    (f,) = only(lint(text), "em-dash")
    assert text[f.start : f.end] == "—" and f.start == text.index("— finally") and "4 em dashes" in f.message
    assert not only(lint(post(body="We cut it — fast — and it worked.")), "em-dash")


def test_emoji_over_the_limit() -> None:
    text = post(body="Shipped 🚀 on time ✅ with the team 👨‍👩‍👧 and a flag 🇫🇷 too ❤️.")
    (f,) = only(lint(text), "emoji")
    assert text[f.start : f.end] == "🇫🇷" and "5 emoji" in f.message
    assert not only(lint(post(body="Shipped 🚀 on time ✅ with the team 👨‍👩‍👧, © 2024.")), "emoji")


def test_repeated_opener() -> None:
    body = "This is small. This is boring. This saved us a week."
    text = post(body=body)
    (f,) = only(lint(text), "repeated-opener")
    assert text[f.start : f.end] == body[: body.rindex("This") + 4] and '"This" starts 3 sentences' in f.message
    assert not only(lint(post(body="This is small. It is boring. We saved a week. This is fine.")), "repeated-opener")


def test_repeated_opener_counts_bullets() -> None:
    bullets = ("You answer faster", "You stop sorting by hand at the end of every single day", "You keep the reports")
    text = post(bullets=bullets)
    (f,) = only(lint(text), "repeated-opener")
    assert text[f.start : f.end].startswith("You answer") and text[f.start : f.end].endswith("You")


@pytest.mark.parametrize(
    ("bullets", "shape"),
    [
        (("Building trust with users slowly", "Shipping small changes every single week of the year", "Measuring outcomes"), '"-ing"'),
        (("Tags beat the dropdown", "Replies came much faster", "Managers never noticed it"), "words"),
        (("Speed: replies came back in hours", "Cost: nobody had to sort tickets twice a day anymore", "Trust: managers kept their reports"), "Label: explanation"),
        (("Delete one field this week", "Measure the first reply time before and after the change for a month", "Ask who still reads the report"), "instruction verb"),
    ],
)
def test_symmetric_takeaways(bullets: tuple[str, ...], shape: str) -> None:
    text = post(bullets=bullets)
    (f,) = only(lint(text), "symmetric-takeaways")
    assert shape in f.message
    assert text[f.start : f.end] == text[text.index(bullets[0]) : text.index(bullets[-1]) + len(bullets[-1])]


def test_symmetric_takeaways_needs_three() -> None:
    text = post(bullets=("Building trust", "Shipping weekly"))
    assert not only(lint(text), "symmetric-takeaways")


def test_url_in_body() -> None:
    text = post(body="Full write-up at https://example.com/queue?x=1. Worth a read.")
    (f,) = only(lint(text), "url-in-body")
    assert text[f.start : f.end] == "https://example.com/queue?x=1" and f.severity == "warning"


def test_unicode_bold_is_a_hint_with_a_plain_fix() -> None:
    text = post(body="We deleted 𝐨𝐧𝐞 𝐟𝐢𝐞𝐥𝐝 and replies got faster.")
    (f,) = only(lint(text), "unicode-bold")
    assert text[f.start : f.end] == "𝐨𝐧𝐞 𝐟𝐢𝐞𝐥𝐝" and f.severity == "hint" and f.fix == "one field"
    assert text[: f.start] + f.fix + text[f.end :] == post(body="We deleted one field and replies got faster.")


def test_markdown_bold_and_links() -> None:
    text = post(body="We deleted **one field** and wrote it up [here](https://example.com/a).")
    report = lint(text)
    assert spans(text, report, "markdown") == ["**one field**", "[here](https://example.com/a)"]
    assert only(report, "markdown")[0].fix == "one field"
    assert not only(lint(post(body="Use 2 * 3 * 4 and a_b_c snake names.")), "markdown")


# ---- invented numbers ----------------------------------------------------------------------
def test_invented_number_only_with_a_source() -> None:
    text = post(body="Replies got 37% faster across 1,200 tickets.")
    assert not only(lint(text), "invented-number")
    report = lint(text, source_text="We handled 1200 tickets that spring.")
    assert spans(text, report, "invented-number") == ["37%"]
    assert '"37%"' in only(report, "invented-number")[0].message


@pytest.mark.parametrize(
    ("in_post", "in_source"),
    [
        ("1,200 tickets", "1200 tickets"),
        ("45% of agents", "45 percent of agents"),
        ("45 percent of agents", "45% of agents"),
        ("1.2 million views", "1,214,000 views"),
        ("$3.5B in revenue", "3.5 billion dollars"),
        ("back in the 1990s", "founded in 1994"),
        ("since 2024", "published 2024-05-01"),
        ("a 3x jump", "three times (3x)"),
    ],
)
def test_invented_number_normalises(in_post: str, in_source: str) -> None:
    text = post(body=f"We saw {in_post} after the change.")
    assert not only(lint(text, source_text=f"The report: {in_source}."), "invented-number")
    assert only(lint(text, source_text="The report has no figures."), "invented-number")


def test_invented_number_skips_small_counts_list_markers_and_tags() -> None:
    text = post(body="1. Three steps, 2 people, GPT-4, 24/7 support at 11:30 and #Web3.\n2) done", tags="#Ops #Q3")
    assert not only(lint(text, source_text="nothing"), "invented-number")


# ---- configuration -------------------------------------------------------------------------
def test_disable_a_rule() -> None:
    text = post(body="We cut it — fast — and then — finally.")
    assert only(lint(text), "em-dash")
    assert not only(lint(text, settings={"rules": {"em-dash": {"enabled": False}}}), "em-dash")
    assert not only(lint(text, settings={"rules": {"em-dash": False}}), "em-dash")


def test_change_severity() -> None:
    text = post(body="See https://example.com.")
    (f,) = only(lint(text, settings={"rules": {"url-in-body": {"severity": "error"}}}), "url-in-body")
    assert f.severity == "error"
    (g,) = only(lint(text, settings={"rules": {"url-in-body": "hint"}}), "url-in-body")
    assert g.severity == "hint"


def test_change_a_limit() -> None:
    text = post(body="Shipped 🚀 on time ✅ with the team 🎉 and 🙌.")
    assert only(lint(text), "emoji")
    assert not only(lint(text, settings={"rules": {"emoji": {"max": 5}}}), "emoji")
    (f,) = only(lint(text, settings={"rules": {"emoji": {"max": 1}}}), "emoji")
    assert text[f.start : f.end] == "✅"


def test_hook_limits_are_configurable() -> None:
    text = post(hook="A hook that is exactly fifty characters long, ok?!")
    assert not only(lint(text), "hook-mobile-fold")
    (f,) = only(lint(text, settings={"rules": {"hook-mobile-fold": {"max": 40}}}), "hook-mobile-fold")
    assert text[f.start : f.end] == text[40:50]


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"rules": {"emojis": {"max": 3}}}, "'emojis'"),
        ({"rules": {"emojis": {"max": 3}}}, "did you mean 'emoji'"),
        ({"rules": {"emoji": {"maxx": 3}}}, "unknown option 'maxx'"),
        ({"rules": {"emoji": {"max": "many"}}}, "[lint.rules.emoji]"),
        ({"rules": {"emoji": {"severity": "fatal"}}}, "severity"),
        ({"rules": {"emoji": {"why": "x"}}}, "'why' is not a setting"),
        ({"emoji": {"max": 3}}, "[lint.rules.emoji]"),
        ({"treshold": 80}, "'treshold'"),
        ({"threshold": 101}, "threshold"),
        ({"scoring": {"warning": -1}}, "[lint.scoring]"),
        ({"rules": {"question-generic": {"patterns": ["(oops"]}}}, "invalid regex"),
        ({"rules": {"emoji": 3}}, "must be a table"),
    ],
)
def test_bad_settings_are_one_line_config_errors(settings: dict, expected: str) -> None:
    with pytest.raises(ConfigError) as err:
        lint(CLEAN, settings=settings)
    assert expected in str(err.value) and "\n" not in str(err.value)


def test_lint_settings_from_a_file(tmp_path: Path) -> None:
    from drafter.settings.config import load_settings
    from drafter.settings.paths import Workspace

    path = tmp_path / "drafter.toml"
    path.write_text('[lint]\nthreshold = 70\n[lint.rules.emoji]\nmax = 9\n', encoding="utf-8")
    resolved = load_settings(Workspace(tmp_path, "test"), env={})[0].lint
    assert resolved.threshold == 70 and resolved.rules["emoji"].max == 9
    assert lint(CLEAN, settings=resolved).threshold == 70
    path.write_text('[lint]\nthreshold = \n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"drafter\.toml.*line 2"):
        load_settings(Workspace(tmp_path, "test"), env={})


def test_defaults_file_matches_the_registry() -> None:
    meta, effective = defaults().meta, resolve_settings(None).rules
    assert list(effective) == list(all_rules()) and set(meta) == set(all_rules())
    assert all(meta[r].summary and meta[r].why and effective[r].severity in ("error", "warning", "hint") for r in meta)
    required = {"too-long", "hook-desktop-fold", "hook-mobile-fold", "hashtag-count", "hashtag-malformed",
                "hashtag-duplicate", "hashtag-stopword", "question-missing", "question-generic", "ai-phrase",
                "em-dash", "emoji", "repeated-opener", "symmetric-takeaways", "long-line", "url-in-body",
                "invented-number", "unicode-bold"}
    assert required <= set(all_rules())
    assert resolve_settings(None) is resolve_settings({})  # cached


# ---- score and output ----------------------------------------------------------------------
def test_each_severity_lowers_the_score() -> None:
    error = lint(post(tags="#The #Support"))
    warning = lint(post(body="See https://example.com for details."))
    hint = lint(post(body="We let #AI tag the tickets."))
    assert (error.score, error.breakdown) == (75, {"hashtag-stopword": 25})
    assert (warning.score, warning.breakdown) == (94, {"url-in-body": 6})
    assert (hint.score, hint.breakdown) == (98, {"hashtag-placement": 2})
    assert not error.passed and warning.passed


def test_one_rule_loses_at_most_the_cap_and_the_score_floors_at_0() -> None:
    links = "\n".join(f"https://example.com/{i}" for i in range(10))
    report = lint(post(body=links))
    assert report.breakdown["url-in-body"] == 30 and report.score == 70
    custom = lint(post(body=links), settings={"scoring": {"warning": 10, "cap": 100}})
    assert custom.breakdown["url-in-body"] == 100 and custom.score == 0
    awful = ("When AI meets leverage — delve — unlock — game-changer — seamless 🚀🚀🚀🚀🚀 " * 4
             + "https://a.example\n\n#The #the #a-b #")
    assert lint(awful).score == 0


def test_format_text_is_one_line_per_finding_then_the_score() -> None:
    text = post(body="We delve into it.\nSee https://example.com.", tags="#The #Support")
    report = lint(text)
    lines = report.format_text(text).splitlines()
    assert len(lines) == len(report.findings) + 1 and lines[-1] == f"score: {report.score}/100"
    assert lines[0] == 'warning ai-phrase 3:4 "delve" reads as AI-written; try "look at" or "dig into"'
    assert lines[1].startswith("warning url-in-body 4:5 ")
    assert lines[-2].startswith("error hashtag-stopword 12:1 ")
    assert all(len(line.split(" ", 3)) == 4 for line in lines[:-1])
    assert report.format_text() == report.format_text(text)
    assert len(report.format_text(why=True).splitlines()) == len(lines)


def test_report_dumps_to_json() -> None:
    report = lint(post(body="We delve."))
    data = json.loads(json.dumps(report.model_dump()))
    assert data["score"] == 94 and data["findings"][0]["rule"] == "ai-phrase"
    assert set(data["findings"][0]) >= {"rule", "severity", "message", "start", "end", "why", "line", "col"}
    assert LintReport.model_validate(data) == report


def test_messages_and_whys_are_one_line() -> None:
    awful = ("When AI meets leverage — delve — unlock — game-changer 🚀🚀🚀🚀🚀\n"
             "This. This. This.\n• Doing a\n• Going b\n• Being c\nhttps://a.example " + "x" * 3000
             + "\nThoughts?\n\n#The #the #a-b # Data 𝐛𝐨𝐥𝐝")
    report = lint(awful, source_text="nothing", spec=PostSpec(hashtags=3))
    assert len({f.rule for f in report.findings}) >= 14
    for f in report.findings:
        assert "\n" not in f.message and "\n" not in f.why and f.why


# ---- robustness ----------------------------------------------------------------------------
@hsettings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list("ab #?.—\n\r\t 1,%•-🚀") + ["\r\n", "  ", "# ", "\u2028", "\xa0"]),
                max_size=80).map("".join))
def test_any_text_lints_with_spans_inside_it(text: str) -> None:
    report = lint(text, source_text="1 2 3")
    assert 0 <= report.score <= 100
    for f in report.findings:
        assert 0 <= f.start <= f.end <= len(text)
        assert f.line >= 1 and f.col >= 1
    shown, positions = PostView(text).shown
    assert shown == collapse_blank_lines(text)
    assert len(positions) == len(shown)
    assert all(text[p] == c for p, c in zip(positions, shown) if c != "\n")


def test_empty_text() -> None:
    report = lint("")
    assert {f.rule for f in report.findings} == {"hashtag-count", "question-missing"}


def test_lint_imports_no_heavy_dependency() -> None:
    code = ("import sys, drafter.lint as l; l.lint('Hi #AI\\nWhy?'); "
            "print([m for m in ('openai', 'textual', 'tiktoken') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.strip() == "[]"


def test_placeholder_fires_on_bracketed_slots_and_not_on_short_brackets():
    from drafter.lint import lint as run_lint

    text = "[Your hook about heat pumps: a fact]\n\n• Heat pumps halve bills in insulated homes.\n\nWhat now?\n\n#HeatPumps"
    hits = [f for f in run_lint(text).findings if f.rule == "placeholder"]
    assert len(hits) == 1 and text[hits[0].start:hits[0].end] == "[Your hook about heat pumps: a fact]"
    assert hits[0].severity == "warning"
    clean = "Arrays start at [0] in Python.\n\nWhich index do you use?\n\n#Python"
    assert not [f for f in run_lint(clean).findings if f.rule == "placeholder"]


# ---- user patterns are bounded (issue 7, fix-lint item 2) ----------------------------------
CATASTROPHIC = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\n\n#Bakery"


@pytest.mark.parametrize("pattern", ["(a|aa)+$", "(a+)+$"])
def test_backtracking_user_pattern_is_skipped_with_a_note(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          pattern: str) -> None:
    from drafter.lint import phrases

    monkeypatch.setattr(phrases, "MATCH_TIMEOUT", 0.05)
    user = tmp_path / "ai_tells.toml"
    user.write_text(f"[[tell]]\nregex = '{pattern}'\nlabel = 'runaway'\n", encoding="utf-8")
    report = lint(CATASTROPHIC, extra_phrases_files=[user])
    assert not [f for f in report.by_rule("ai-phrase") if "runaway" in f.message]
    if pattern == "(a|aa)+$":  # this one backtracks even in the `regex` engine
        (note,) = report.notes
        assert str(user) in note and pattern in note and "skipped" in note


def test_a_user_pattern_that_ends_still_matches_and_leaves_no_note(tmp_path: Path) -> None:
    user = tmp_path / "ai_tells.toml"
    user.write_text("[[tell]]\nregex = '^a+b$'\nlabel = 'many a'\n", encoding="utf-8")
    report = lint(CATASTROPHIC, extra_phrases_files=[user])
    assert report.notes == []
    assert [f for f in report.by_rule("ai-phrase") if "many a" in f.message]


def test_cli_lint_with_a_runaway_pattern_ends_and_names_it(tmp_path: Path) -> None:
    (tmp_path / "ai_tells.toml").write_text("[[tell]]\nregex = '(a|aa)+$'\n", encoding="utf-8")
    post = tmp_path / "p.txt"
    post.write_text(CATASTROPHIC + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    out = subprocess.run([sys.executable, "-m", "drafter", "--workspace", str(tmp_path), "lint", str(post)],
                         capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode in (0, 1), out.stderr
    assert "score:" in out.stdout
    assert "(a|aa)+$" in out.stderr and "ai_tells.toml" in out.stderr and "Traceback" not in out.stderr


def test_cli_lint_source_can_be_stdin_when_the_post_is_a_file(tmp_path: Path) -> None:
    post = tmp_path / "p.txt"
    post.write_text("Revenue grew 47% last quarter.\n\nWhat changed for you?\n\n#Sales\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    run = lambda argv, stdin: subprocess.run([sys.executable, "-m", "drafter", "lint", *argv],  # noqa: E731
                                             input=stdin, capture_output=True, text=True, timeout=60, env=env)
    out = run([str(post), "--source", "-"], "Revenue grew 12% last quarter.\n")
    assert out.returncode in (0, 1) and '"47%" is not in the source' in out.stdout, out.stderr
    both = run(["-", "--source", "-"], "x\n")
    assert both.returncode == 2 and both.stderr.count("\n") == 1 and "cannot both be read from stdin" in both.stderr
