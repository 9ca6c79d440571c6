"""Parts validation, hashtag normalisation and assembly (with property tests)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from drafter.models.post import (
    FOLD_DESKTOP,
    MAX_CHARS,
    PART_NAMES,
    Extra,
    Layout,
    Parts,
    PostSpec,
    UnknownPart,
    assemble,
    collapse_blank_lines,
    measure,
    normalise_hashtag,
    normalise_hashtags,
)

TAG_RE = re.compile(r"^#[^\W_]+$")


def make(**kw):
    base = dict(hook="A hook.", takeaways=["One.", "Two."], question="Why?", hashtags=["#A1"])
    base.update(kw)
    return Parts(**base)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("##AI", "#AI"),
        ("machine learning", "#MachineLearning"),
        ("#openAI", "#OpenAI"),
        ("# remote work ", "#RemoteWork"),
        ("ai-ethics", "#AiEthics"),
        ("#The", None),
        ("and", None),
        ("#", None),
        ("2024", None),
        ("#2024Trends", "#2024Trends"),
    ],
)
def test_normalise_hashtag(raw, expected):
    assert normalise_hashtag(raw) == expected


def test_hashtags_dedupe_case_insensitively_and_split_runs():
    assert normalise_hashtags(["#AI", "#ai", "#Data #Science", "the"]) == ["#AI", "#Data", "#Science"]
    assert normalise_hashtags("#Solar, #wind; storage") == ["#Solar", "#Wind", "#Storage"]


def test_parts_normalise_fixable_things():
    p = make(hook="  Two\nlines ", takeaways=["- first", "2. second", "• third", "  "], question="is it",
             hashtags=["##x", "#X", "y z"])
    assert p.hook == "Two lines"
    assert p.takeaways == ["first", "second", "third"]
    assert p.question == "is it?"
    assert p.hashtags == ["#X", "#YZ"]


@pytest.mark.parametrize(
    "field, value",
    [("hook", "   "), ("takeaways", ["", " - "]), ("question", ""), ("hashtags", ["#the", "#"])],
)
def test_rejections_name_the_field(field, value):
    with pytest.raises(ValidationError) as info:
        make(**{field: value})
    assert info.value.errors()[0]["loc"][0] == field


def test_unknown_field_is_rejected():
    with pytest.raises(ValidationError):
        Parts(hook="h", takeaways=["a"], question="q?", hashtags=["#A"], title="x")


def test_fit_trims_to_spec_and_drops_unknown_extras():
    p = make(takeaways=list("abcdef"), hashtags=["#Ab", "#Bc", "#Cd", "#De"], extras={"why": "x", "other": "y"})
    spec = PostSpec(takeaways=3, hashtags=2, extras=[{"key": "why", "label": "Why:"}])
    fitted = p.fit(spec)
    assert fitted.takeaways == ["a", "b", "c"]
    assert fitted.hashtags == ["#Ab", "#Bc"]
    assert fitted.extras == {"why": "x"}


@pytest.mark.parametrize("n", [1, 7])
def test_spec_counts_are_bounded(n):
    with pytest.raises(ValidationError):
        PostSpec(takeaways=n)


def test_assembly_news_shape():
    parts = make(extras={"why_it_matters": "Costs fall."}, question="Would you switch?",
                 hashtags=["#Energy", "#Batteries"])
    layout = Layout(takeaways_heading="Key takeaways:", question_prefix="What do you think: ",
                    extra_labels={"why_it_matters": "Why it matters:"})
    text = assemble(parts, layout)
    assert text == (
        "A hook.\n\nKey takeaways:\n• One.\n• Two.\n\nWhy it matters: Costs fall.\n\n"
        "What do you think: would you switch?\n\n#Energy #Batteries"
    )


def test_assembly_never_truncates_and_measure_reports_overflow():
    parts = make(takeaways=["x" * 1500, "y" * 1500])
    text = assemble(parts)
    stats = measure(text)
    assert len(text) > MAX_CHARS
    assert stats.over_limit == stats.chars - MAX_CHARS > 0
    assert "x" * 1500 in text


def test_measure_collapses_blank_lines_and_checks_folds():
    text = "H" * (FOLD_DESKTOP + 1) + "\n\n\n\nbody #Tag"
    stats = measure(text)
    assert collapse_blank_lines(text).count("\n") == 2
    assert not stats.hook_fits_desktop and not stats.hook_fits_mobile
    assert stats.hashtags == 1


line = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=80).filter(
    lambda s: s.strip() and s.strip(" -*•·‣◦▪●–—0123456789.()")
)
tag = st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Nd")), min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=30), max_size=10))
def test_property_hashtags_always_valid_and_unique(values):
    tags = normalise_hashtags(values)
    assert all(TAG_RE.match(t) for t in tags)
    lowered = [t.lower() for t in tags]
    assert len(lowered) == len(set(lowered))
    assert not any(t[1:].lower() in {"the", "and", "of"} for t in tags)
    # Normalising is idempotent.
    assert normalise_hashtags(tags) == tags


@settings(max_examples=150, deadline=None)
@given(
    hook=line,
    takeaways=st.lists(line, min_size=2, max_size=6),
    question=line,
    tags=st.lists(tag, min_size=1, max_size=6),
    bullet=st.sampled_from(["•", "-", "→"]),
)
def test_property_assembly_shape(hook, takeaways, question, tags, bullet):
    try:
        parts = Parts(hook=hook, takeaways=takeaways, question=question, hashtags=tags)
    except ValidationError:
        return  # e.g. every tag a stopword or digits only: rejected, which is the rule
    text = assemble(parts, Layout(bullet=bullet))
    blocks = text.split("\n\n")
    assert blocks[0] == parts.hook
    assert blocks[-1] == " ".join(parts.hashtags)
    assert "\n\n\n" not in text
    bullet_lines = blocks[1].split("\n")
    assert len(bullet_lines) == len(parts.takeaways)
    assert all(b.startswith(bullet + " ") for b in bullet_lines)
    assert blocks[-2].endswith("?")
    assert measure(text).chars == len(collapse_blank_lines(text))


# ---- parts by name -----------------------------------------------------------------------


def test_parts_get_by_name_standard_and_extra() -> None:
    parts = make(extras={"why_it_matters": "Because."})
    assert parts.get("hook") == "A hook." and parts.get("takeaways") == ["One.", "Two."]
    assert parts.get("hashtags") == ["#A1"] and parts.get("question") == "Why?"
    assert parts.get("why_it_matters") == "Because."
    assert parts.get("missing_extra", "") == "" and parts.get("missing_extra", None) is None


def test_parts_get_an_unknown_name_says_which_parts_there_are() -> None:
    with pytest.raises(UnknownPart, match=r"no part 'intro' \(parts: hook, takeaways, why, question, hashtags\)"):
        make(extras={"why": "Because."}).get("intro")


def test_parts_names_in_post_order() -> None:
    assert make().names() == list(PART_NAMES) == ["hook", "takeaways", "question", "hashtags"]
    parts = make(extras={"b_second": "2", "a_first": "1"})
    assert parts.names() == ["hook", "takeaways", "b_second", "a_first", "question", "hashtags"]
    layout = Layout(extra_labels={"b_second": "B:", "a_first": "A:"})
    blocks = assemble(parts, layout).split("\n\n")
    assert [b.split()[0] for b in blocks] == ["A", "•", "B:", "A:", "Why?", "#A1"]


def test_parts_replace_validates_like_construction() -> None:
    parts = make(extras={"why": "Because."})
    new = parts.replace("question", "  what  now ")
    assert new.question == "what now?" and parts.question == "Why?"  # a copy; the original is kept
    assert new.replace("hashtags", "machine learning, the").hashtags == ["#MachineLearning"]
    assert parts.replace("takeaways", "- a\n\n2. b").takeaways == ["a", "b"]
    with pytest.raises(ValidationError, match="hook is empty"):
        parts.replace("hook", "  ")
    with pytest.raises(ValidationError, match="no usable hashtag"):
        parts.replace("hashtags", ["#the"])
    assert new.model_dump() == Parts(**{**parts.model_dump(), "question": "what now?"}).model_dump()


def test_parts_replace_an_extra_adds_changes_or_drops_it() -> None:
    parts = make(extras={"why": "Because."})
    assert parts.replace("why", "Now\nbecause.").extras == {"why": "Now because."}
    assert parts.replace("next_step", ["Try", "it."]).extras == {"why": "Because.", "next_step": "Try it."}
    assert parts.replace("why", " ").extras == {}
    with pytest.raises(UnknownPart, match="cannot name a part"):
        parts.replace("Not A Key", "x")


def test_parts_replace_without_validation_keeps_values_as_given() -> None:
    blank = Parts.blank()
    assert blank.names() == list(PART_NAMES) and all(not blank.get(n) for n in PART_NAMES)
    partial = blank.replace("hook", "Half a ho", validate=False).replace("takeaways", [""], validate=False)
    assert (partial.hook, partial.takeaways, partial.question) == ("Half a ho", [""], "")
    assert blank.replace("why", "", validate=False).extras == {"why": ""}
    # validating one part of lenient parts checks only that part
    assert blank.replace("question", "ok").question == "ok?"


def test_spec_part_names_standard_then_extras() -> None:
    spec = PostSpec(extras=[Extra(key="why_it_matters")])
    assert spec.part_names() == [*PART_NAMES, "why_it_matters"]
