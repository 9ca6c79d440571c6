"""Terminal control codes from untrusted text never reach the terminal (issue 7, item 10).

Sources are cleaned when loaded; what the CLI prints from stored or generated text is cleaned
again; a model's answer is cleaned when it becomes parts; error messages are cleaned.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drafter.cli.main import main
from drafter.common.errors import SourceError
from drafter.models.post import Parts
from drafter.common.safe_text import escape_json_controls, has_controls, safe_json, strip_controls
from drafter.sources.inputs import from_file, from_text, from_url, load
from tests.loopback import Reply, loopback  # noqa: F401  (fixture)
from tests.pages import Pages, pages  # noqa: F401  (fixture)
from tests.test_drafting import CLEAN
from tests.test_sources import PARAGRAPHS

RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""What must never be printed: any C0 but tab and newline, DEL, any C1."""
OSC_TITLE = "\x1b]0;PWNED\x07"
ATTACKS = {
    "osc-bel": OSC_TITLE,
    "osc-st": "\x1b]2;PWNED\x1b\\",
    "osc-c1": "\x9d0;PWNED\x9c",
    "csi-clear": "\x1b[2J\x1b[H",
    "csi-colour": "\x1b[31;1m",
    "csi-c1": "\x9b2J",
    "reset": "\x1bc",
    "dcs": "\x1bPqPWNED\x1b\\",
    "apc": "\x1b_PWNED\x1b\\",
    "charset": "\x1b(0",
    "bell-and-backspace": "\x07\x08\x08",
    "del-and-nul-free-c0": "\x7f\x01\x1f",
}
ARTICLE = "\n\n".join(PARAGRAPHS)


def clean_output(text: str) -> None:
    assert not RAW_CONTROL.search(text), repr(RAW_CONTROL.search(text))
    assert "PWNED" not in text


# ---- the function -----------------------------------------------------------------------------


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
def test_sequences_go_as_a_whole(attack: str) -> None:
    assert strip_controls(f"Before {attack}after.") == "Before after."


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\tb\nc", "a\tb\nc"),
        ("one\r\ntwo\rthree", "one\ntwo\nthree"),  # CR cannot print one line over another
        ("page\x0cbreak\x0bhere", "page\nbreak\nhere"),
        ("open \x1b]0;no end", "open 0;no end"),  # unterminated: only the introducer goes
        ("lone \x1b", "lone "),
        ("Caf\u00e9 \u2014 \u00e0 \U0001f600", "Caf\u00e9 \u2014 \u00e0 \U0001f600"),
    ],
)
def test_what_stays(raw: str, expected: str) -> None:
    assert strip_controls(raw) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x2FF)) | st.text(alphabet=list("\x1b\x9b\x9d\x07\\[];0P_ab\r\n")))
def test_strip_controls_property(text: str) -> None:
    out = strip_controls(text)
    assert not RAW_CONTROL.search(out)
    assert strip_controls(out) == out
    if not has_controls(text):
        assert out == text


def test_json_keeps_the_data_without_raw_controls() -> None:
    value = {"t": "a\x1b]0;x\x07 \x9b2J \x85 \x7f"}
    out = safe_json(value, ensure_ascii=False)
    assert not RAW_CONTROL.search(out) and json.loads(out) == value
    assert json.loads(escape_json_controls(json.dumps(value, ensure_ascii=False))) == value


# ---- sources are cleaned when loaded ----------------------------------------------------------


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
def test_file_source_is_cleaned(tmp_path: Path, attack: str) -> None:
    path = tmp_path / "a.md"
    path.write_text(f"# Hi {attack}there\n\n{attack}{ARTICLE}\n", encoding="utf-8")
    source = from_file(path)
    clean_output(source.text + source.topic + (source.title or ""))
    assert source.title == "Hi there" and PARAGRAPHS[0] in source.text


def test_text_stdin_and_topic_are_cleaned() -> None:
    clean_output(from_text(f"{OSC_TITLE}Words here.\r\nMore.").text)
    clean_output(load(article="-", stdin_text=f"Piped {OSC_TITLE}text.").text)
    assert load(topic=f"Heat {OSC_TITLE}pumps\x1b[2J").topic == "Heat pumps"


def test_url_source_is_cleaned(pages: Pages) -> None:
    body = f"<html><head><title>T {OSC_TITLE}itle</title></head><body><article>" + "".join(
        f"<p>{p} {ATTACKS['csi-clear']}</p>" for p in PARAGRAPHS) + "</article></body></html>"
    html = from_url(pages.add("/p", body), timeout=5)
    clean_output(html.text + (html.title or ""))
    plain = from_url(pages.add("/t", f"Plain {OSC_TITLE}words.\x9b2J", content_type="text/plain"), timeout=5)
    assert plain.text == "Plain words."


def test_error_messages_are_cleaned() -> None:
    assert str(SourceError(f"{OSC_TITLE}bad\x1b[2J thing")) == "bad thing"


def test_model_answers_are_cleaned_into_parts() -> None:
    parts = Parts(hook=f"Hook {OSC_TITLE}here", takeaways=["One \x1b[31mred\x1b[0m", "Two\x9b2J"],
                  question=f"Why{OSC_TITLE}?", hashtags=["#AI\x1b[0m"], extras={"why": f"Because {OSC_TITLE}"})
    clean_output(parts.model_dump_json())
    assert (parts.hook, parts.takeaways, parts.question) == ("Hook here", ["One red", "Two"], "Why?")


# ---- what the CLI prints -------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_draft_list_show_export_print_no_controls(capsys, workspace_dir, tmp_path) -> None:
    article = tmp_path / "a.md"
    article.write_bytes(f"# Hi {OSC_TITLE}there\n\n{ARTICLE}\n".encode())
    ws = ["--workspace", str(workspace_dir)]
    code, out, err = run(capsys, "draft", *ws, "--article", str(article), "--save")
    assert code == 0, err
    clean_output(out + err)
    code, out, err = run(capsys, "drafts", *ws, "list")
    assert code == 0 and "-hi-there-" in out  # the id comes from the cleaned title (the shown title follows the hook)
    clean_output(out + err)


def tamper(workspace: Path, text: str, title: str) -> str:
    """Write control codes into the one saved draft file, as a hand edit or an old version would."""
    (path,) = (workspace / "drafts").glob("*.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(text=text, title=title, title_set=True)  # a title the user named (else it follows the hook)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return data["id"]


def test_stored_control_codes_are_never_printed(capsys, workspace_dir) -> None:
    ws = ["--workspace", str(workspace_dir)]
    assert run(capsys, "draft", *ws, "--topic", "decision logs", "--save")[0] == 0
    text = f"Saved {OSC_TITLE}post\x1b[2J with \x9b2J codes.\r\nSecond line."
    draft_id = tamper(workspace_dir, text, f"Title {OSC_TITLE}\x1bc")
    code, out, _ = run(capsys, "drafts", *ws, "list")
    assert code == 0 and draft_id in out
    clean_output(out)
    assert out.count("\n") == 1 and "Title" in out
    code, out, _ = run(capsys, "drafts", *ws, "show", draft_id)
    clean_output(out)
    assert out == "Saved post with  codes.\nSecond line.\n"
    for fmt in ("txt", "md"):
        code, out, _ = run(capsys, "drafts", *ws, "export", draft_id, "--format", fmt)
        assert code == 0
        clean_output(out)
    code, out, _ = run(capsys, "drafts", *ws, "export", draft_id, "--format", "json")
    assert not RAW_CONTROL.search(out)
    assert json.loads(out)["text"] == text  # JSON keeps the data, escaped


def test_lint_output_has_no_controls(capsys, workspace_dir, tmp_path) -> None:
    post = tmp_path / "post.txt"
    post.write_text(f"A hook {OSC_TITLE}that leaks \x9b2J.\n\nThoughts?\n\n#The #AI{OSC_TITLE}", encoding="utf-8")
    for extra in ([], ["--json"]):
        code, out, err = run(capsys, "lint", "--workspace", str(workspace_dir), str(post), *extra)
        assert code in (0, 1) and out.strip()
        assert not RAW_CONTROL.search(out + err)


def test_model_answer_with_control_codes_is_printed_and_saved_clean(capsys, tmp_path, loopback) -> None:
    answer = dict(CLEAN, hook=f"{OSC_TITLE}{CLEAN['hook']}\x1b[2J", question=f"{CLEAN['question']}\x9b2J")
    loopback.script(Reply.stream(answer))
    ws = tmp_path / "ws"
    code, out, err = run(capsys, "draft", "--workspace", str(ws), "--base-url", loopback.base_url,
                         "--topic", "battery recycling", "--save", "--no-repair")
    assert code == 0, err
    clean_output(out + err)
    assert CLEAN["hook"] in out
    (saved,) = (ws / "drafts").glob("*.json")
    stored = json.loads(saved.read_text(encoding="utf-8"))
    clean_output(json.dumps(stored, ensure_ascii=False).replace("\\u", "u"))
    assert out.strip() == stored["text"].strip()  # what is printed is what is saved
