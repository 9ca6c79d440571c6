"""Asking for and reading a post's parts: schemas, instructions, tolerant JSON and text readers."""

from __future__ import annotations

import json
import string

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from drafter.engines.openai import parsing
from drafter.models.post import Extra, Parts, PostSpec

WHY = Extra(key="why_it_matters", label="Why it matters:", description="One sentence on the stakes.")
SPEC = PostSpec(takeaways=3, hashtags=2, extras=[WHY])
GOOD = {
    "hook": "Most teams measure the wrong thing",
    "takeaways": ["Count outcomes", "Drop vanity metrics", "Review monthly"],
    "question": "What do you measure?",
    "hashtags": ["#Metrics", "#Teams"],
    "why_it_matters": "Bad metrics steer good people.",
}
EXPECTED = Parts(hook=GOOD["hook"], takeaways=GOOD["takeaways"], question=GOOD["question"],
                 hashtags=GOOD["hashtags"], extras={"why_it_matters": GOOD["why_it_matters"]})


# ---- schemas and instructions -------------------------------------------------------------


def test_schema_is_strict_and_counts_items() -> None:
    schema = parsing.json_schema_for(SPEC)
    assert schema["additionalProperties"] is False
    assert schema["required"] == ["hook", "takeaways", "question", "hashtags", "why_it_matters"]
    assert schema["required"] == list(schema["properties"])
    takeaways, hashtags = schema["properties"]["takeaways"], schema["properties"]["hashtags"]
    assert (takeaways["minItems"], takeaways["maxItems"], takeaways["items"]) == (3, 3, {"type": "string"})
    assert (hashtags["minItems"], hashtags["maxItems"]) == (2, 2)
    assert schema["properties"]["why_it_matters"] == {"type": "string", "description": "One sentence on the stakes."}
    assert "title" not in json.dumps(schema) and "extras" not in schema["properties"]


def test_part_and_hook_schemas() -> None:
    assert parsing.part_schema("hashtags", SPEC)["properties"]["hashtags"]["maxItems"] == 2
    assert parsing.part_schema("why_it_matters", SPEC)["required"] == ["why_it_matters"]
    hooks = parsing.hooks_schema(4)
    assert hooks["properties"]["hooks"]["minItems"] == 4 and hooks["additionalProperties"] is False


def test_instructions() -> None:
    schema = parsing.json_schema_for(SPEC)
    in_prompt = parsing.json_instructions(schema, in_prompt=True)
    assert "one JSON object only" in in_prompt and json.dumps(schema, ensure_ascii=False) in in_prompt
    assert '"takeaways" (a list of exactly 3 strings)' in parsing.json_instructions(schema, in_prompt=False)
    text = parsing.text_instructions(SPEC)
    assert text.count("\n- <takeaway") == 3
    for label in ("HOOK:", "TAKEAWAYS:", "WHY_IT_MATTERS: <One sentence on the stakes.>", "QUESTION:", "HASHTAGS: <exactly 2 hashtags"):
        assert label in text


# ---- partial JSON while streaming ----------------------------------------------------------


def test_partial_parts_grow_with_the_stream() -> None:
    answer = "Sure, here it is (as {json}):\n```json\n" + json.dumps(GOOD, indent=2) + "\n```\nHope it helps!"
    hooks = []
    for end in range(len(answer) + 1):
        partial = parsing.partial_parts(answer[:end])  # never raises
        if "hook" in partial:
            hooks.append(partial["hook"])
    assert hooks[-1] == GOOD["hook"]
    assert all(GOOD["hook"].startswith(h) for h in hooks)
    assert len(set(hooks)) > 5  # it grew piece by piece
    assert parsing.partial_parts(answer) == GOOD
    assert parsing.partial_parts("") == {} and parsing.partial_parts("Thinking...") == {}


def test_part_values_maps_synonyms_for_updates() -> None:
    raw = parsing.partial_parts('{"Title": "Hi", "key_points": ["a", "b')
    assert parsing.part_values(raw, SPEC) == {"hook": "Hi", "takeaways": ["a", "b"]}


# ---- tolerant JSON reader ----------------------------------------------------------------


def test_parse_json_exact() -> None:
    assert parsing.parse_json_parts(json.dumps(GOOD), SPEC) == EXPECTED
    assert parsing.matches_schema(json.dumps(GOOD), SPEC)


def test_parse_json_tolerates_fences_chatter_synonyms_and_strings() -> None:
    text = (
        "Here is your post (as {json}):\n```json\n"
        + json.dumps({
            "Hook": GOOD["hook"],
            "Key Takeaways": "- Count outcomes\n- Drop vanity metrics\n- Review monthly\n- A fourth one",
            "discussion_question": "What do you measure",
            "tags": "metrics, teams",
            "Why it matters": GOOD["why_it_matters"],
        })
        + "\n```"
    )
    parts = parsing.parse_json_parts(text, SPEC)
    assert parts == EXPECTED
    assert not parsing.matches_schema(text, SPEC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("#AI #Ethics", ["#AI", "#Ethics"]), ("AI, Machine learning", ["#AI", "#MachineLearning"]),
     ("ai ethics", ["#Ai", "#Ethics"]), (["#AI #Ethics"], ["#AI", "#Ethics"])],
)
def test_parse_json_hashtag_shapes(value: object, expected: list[str]) -> None:
    spec = PostSpec(hashtags=3)
    data = {**GOOD, "hashtag": value}
    del data["hashtags"]
    assert parsing.parse_json_parts(json.dumps(data), spec).hashtags == expected


def test_parse_json_unwraps_and_reads_nested_extras() -> None:
    inner = {k: v for k, v in GOOD.items() if k != "why_it_matters"} | {"extras": {"why_it_matters": "Stakes."}}
    parts = parsing.parse_json_parts(json.dumps({"linkedin_post": inner}), SPEC)
    assert parts.extras == {"why_it_matters": "Stakes."} and parts.hook == GOOD["hook"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("no json here", "no JSON object"),
        ('{"hook": "x", "takeaways": ["a"', "malformed or incomplete"),
        ('{"title": "x", "points": ["a"], "tags": ["#AI"]}', "no question"),
        ('{"foo": 1, "bar": 2}', "none of the post's keys (it has: foo, bar)"),
        ('{"hook": "  ", "takeaways": ["a"], "question": "q", "hashtags": ["#AI"]}', "hook: hook is empty"),
        ('{"hook": "h", "takeaways": ["a"], "question": "q", "hashtags": ["#the"]}', "hashtags: no usable hashtag"),
    ],
)
def test_parse_json_failures_say_why(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        parsing.parse_json_parts(text, SPEC)


# ---- labelled text reader ------------------------------------------------------------------


def test_parse_text_tolerates_case_markdown_and_numbering() -> None:
    text = (
        "Sure! Here's the post.\n\n**Hook:** Most teams measure the wrong thing\n\n## Key takeaways\n"
        "1. Count outcomes\n2) Drop vanity\n   metrics\n3. Review monthly\n"
        "why it matters: Bad metrics steer good people.\n"
        "**Question**: What do you measure\nhashtags: #Metrics, #Teams #Extra\n\nLet me know if you want changes!"
    )
    parts = parsing.parse_text_parts(text, SPEC)
    assert parts == EXPECTED


def test_parse_text_reads_an_unlabelled_post() -> None:
    text = "Here is your post:\nMost teams measure the wrong thing\n\n• Count outcomes\n• Drop vanity metrics\n\nWhat do you measure?\n\n#Metrics #Teams"
    parts = parsing.parse_text_parts(text, SPEC)
    assert parts.hook == "Most teams measure the wrong thing" and parts.takeaways == ["Count outcomes", "Drop vanity metrics"]
    assert parts.question == "What do you measure?" and parts.hashtags == ["#Metrics", "#Teams"]


def test_parse_text_failures_say_why() -> None:
    with pytest.raises(ValueError, match="no hashtags"):
        parsing.parse_text_parts("HOOK: h\nTAKEAWAYS:\n- a\nQUESTION: q?", SPEC)
    with pytest.raises(ValueError, match="no HOOK:, TAKEAWAYS:"):
        parsing.parse_text_parts("I cannot write that.", SPEC)


def test_partial_text_parts() -> None:
    text = "HOOK: Most teams\nTAKEAWAYS:\n1. Count outcomes\n2."
    assert parsing.partial_text_parts(text, SPEC) == {"hook": "Most teams", "takeaways": ["Count outcomes", ""]}


_TEXT = st.text(alphabet=string.ascii_letters + string.digits + " ,.;:!?'()&%/#*_-", min_size=1, max_size=50)
_TAG = st.from_regex(r"[A-Za-z][A-Za-z0-9]{1,12}", fullmatch=True).map(lambda w: "#" + w)
_EXTRAS = [WHY, Extra(key="example", label="Example:")]


@st.composite
def _post(draw: st.DrawFn) -> tuple[Parts, PostSpec]:
    extras = draw(st.lists(st.sampled_from(_EXTRAS), unique_by=lambda e: e.key, max_size=2))
    try:
        parts = Parts(
            hook=draw(_TEXT), question=draw(_TEXT),
            takeaways=draw(st.lists(_TEXT, min_size=2, max_size=6)),
            hashtags=draw(st.lists(_TAG, min_size=1, max_size=6)),
            extras={e.key: draw(_TEXT) for e in extras},
        )
    except ValidationError:
        assume(False)
        raise
    # Only parts that Parts' own normalisation leaves as they are (it strips one list marker).
    assume(Parts(**parts.model_dump()) == parts)
    spec = PostSpec(takeaways=max(2, len(parts.takeaways)), hashtags=len(parts.hashtags),
                    extras=[e for e in extras if e.key in parts.extras])
    return parts, spec


@settings(max_examples=150, deadline=None)
@given(_post())
def test_text_sections_round_trip(post: tuple[Parts, PostSpec]) -> None:
    parts, spec = post
    assert parsing.parse_text_parts(parsing.render_sections(parts, spec), spec) == parts


@settings(max_examples=50, deadline=None)
@given(_post())
def test_json_round_trip(post: tuple[Parts, PostSpec]) -> None:
    parts, spec = post
    data = {**parts.model_dump(exclude={"extras"}), **parts.extras}
    assert parsing.parse_json_parts(json.dumps(data), spec) == parts


# ---- one part, hook variants -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "part", "expected"),
    [
        ('{"hook": "New hook"}', "hook", "New hook"),
        ('```json\n{"Hook": "New hook"}\n```', "hook", "New hook"),
        ('{"text": "New hook"}', "hook", "New hook"),
        ("HOOK: New hook", "hook", "New hook"),
        ("New\nhook", "hook", "New hook"),
        ('Sure! Here is a sharper hook:\n"New hook"', "hook", "New hook"),
        ("Takeaways:\n- a\n- b", "takeaways", ["- a", "- b"]),
        ("#AI #Teams", "hashtags", ["#AI", "#Teams"]),
        ('{"hashtags": "AI, Teams"}', "hashtags", ["AI", "Teams"]),
    ],
)
def test_parse_part(text: str, part: str, expected: object) -> None:
    assert parsing.parse_part(text, part, SPEC) == expected


def test_parse_part_failures() -> None:
    with pytest.raises(ValueError, match="no question"):
        parsing.parse_part('{"a": 1, "b": 2}', "question", SPEC)
    with pytest.raises(ValueError, match="no hook"):
        parsing.parse_part("   ", "hook", SPEC)


@pytest.mark.parametrize(
    "text",
    [
        '{"hooks": ["\\"One\\"", "one", "**Two**", "Three", "Four"]}',
        'Sure:\n```json\n["One", "Two", "Three"]\n```',
        "Here are three hooks:\n1. \u201cOne\u201d\n2. Two\n- Three\n",
        '{"variants": ["One", "Two", "Three"], "note": "x"}',
    ],
)
def test_parse_hooks(text: str) -> None:
    assert parsing.parse_hooks(text, 3) == ["One", "Two", "Three"]


def test_parse_hooks_empty() -> None:
    with pytest.raises(ValueError, match="no hook lines"):
        parsing.parse_hooks('{"hooks": []}', 3)
