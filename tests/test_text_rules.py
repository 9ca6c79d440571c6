"""The small rules written once (drafter.models.text_rules, safe_text.one_line, errors.first_error,
atomic.write_or_raise): every layer that applies one gives the same answer."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest

from drafter.common import atomic
from drafter.engines.openai.parsing import parse_text_parts
from drafter.common.errors import StoreError, first_error
from drafter.lint import lint
from drafter.models.post import PostSpec, measure, normalise_hashtag
from drafter.common.safe_text import one_line
from drafter.storage.store import Store
from drafter.engines.offline.text import split_sentences
from drafter.engines.offline.text.clean import is_boilerplate
from drafter.models.titles import auto_title


def test_one_line_collapses_strips_controls_and_cuts() -> None:
    assert one_line("  a\n\tb \x1b[31mc\x1b[0m  ") == "a b c"
    assert one_line("one two three", 7) == "one tw…"
    assert one_line("one two", 7) == "one two"
    assert one_line(ValueError("said\nthis")) == "said this"


def test_a_hashtag_is_the_same_for_the_counter_and_the_text_parser() -> None:
    post = "Hook line here.\n\n- one takeaway\n- two takeaway\n\nWhat do you think?\n\n#Remote #Work2024"
    assert measure(post).hashtags == 2
    parts = parse_text_parts(post, PostSpec(takeaways=2, hashtags=2))
    assert parts.hashtags == ["#Remote", "#Work2024"]


@pytest.mark.parametrize("word", ["also", "although", "without", "the", "new", "two"])
def test_a_lone_function_word_is_never_a_hashtag(word: str) -> None:
    """One list of function words: what the offline engine never uses as a keyphrase, the
    hashtag normaliser refuses and the linter flags."""
    assert normalise_hashtag(f"#{word.title()}") is None
    report = lint(f"A hook that is long enough to count.\n\nWhat now?\n\n#{word.title()} #Remote")
    assert any(f.rule == "hashtag-stopword" for f in report.findings)


def test_every_layer_ends_a_sentence_after_closing_quotes_and_an_ellipsis() -> None:
    assert split_sentences("It worked…  Then it stopped. “Really.” She left.") == [
        "It worked…", "Then it stopped.", "“Really.”", "She left."]
    assert not is_boilerplate("He wrote the last line of the report himself, then he said “done.”")
    title = auto_title("Our team finally said “enough is enough.” Then we moved the meeting to a document.")
    assert title == "Our team finally said “enough is enough.”"


def test_first_error_names_the_field_without_pydantic_prefix(tmp_path: Path) -> None:
    from tests.test_store import make_draft

    store = Store(tmp_path / "drafts")
    draft = store.save(make_draft(store))
    path = store.path_for(draft.id)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["parts"]["hook"] = " "
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(StoreError) as info:
        Store(store.folder).load(draft.id)
    assert str(info.value).endswith("corrupt draft: parts.hook: hook is empty")


def test_first_error_line() -> None:
    from pydantic import BaseModel, ValidationError, field_validator

    class Model(BaseModel):
        name: str

        @field_validator("name")
        @classmethod
        def _name(cls, value: str) -> str:
            raise ValueError("is not a name")

    with pytest.raises(ValidationError) as info:
        Model(name="x")
    assert first_error(info.value) == "name: is not a name"
    with pytest.raises(ValidationError) as info:
        Model.model_validate(3)
    assert first_error(info.value, "model").startswith("model: ")


def test_write_or_raise_words_the_failure_and_leaves_an_existing_file_to_the_caller(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    atomic.write_or_raise(target, "one", StoreError)
    with pytest.raises(FileExistsError):
        atomic.write_or_raise(target, "two", StoreError, overwrite=False)
    (tmp_path / "file").write_text("", encoding="utf-8")
    with pytest.raises(StoreError, match=r"^cannot write the draft: ") as info:
        atomic.write_or_raise(tmp_path / "file" / "b.txt", "x", StoreError, shown="the draft")
    assert isinstance(info.value.__cause__, OSError) and info.value.__cause__.errno in (errno.ENOTDIR, errno.EEXIST)
    assert target.read_text(encoding="utf-8") == "one"
