"""Fuzzing the files drafter reads: arbitrary bytes as a draft in ``drafts/``, as a template in
``prompts/`` and as ``drafter.toml``, run through the CLI in-process.

Whatever the bytes: no traceback, never "unexpected error", exit 0, 1 or 2 only, and nothing
in ``drafts/`` changes that the command did not ask for (the listing cache ``.index.json``
aside). Every command runs offline (``--engine offline``), so no byte string can reach the
network. Example counts are small so each test takes seconds.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from drafter.cli.main import main
from drafter.models.post import Parts
from drafter.models.source import Source
from drafter.models.draft import Draft
from drafter.storage.store import INDEX_NAME, Store

FUZZ_ID = "2025-01-01-fuzz-0000"
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])


def _good_draft(store: Store) -> Draft:
    parts = Parts(hook="A plain hook that is long enough to read.", takeaways=["One", "Two"],
                  question="What do you think", hashtags=["#Fuzzing"])
    source = Source(kind="text", topic="Fuzz", text="An article body with a sentence or two.")
    return Draft.new("Fuzz", source, "classic", parts=parts, engine="offline", id=store.new_id("Fuzz"))


def _seed_json() -> bytes:
    store = Store(Path(tempfile.gettempdir()) / "unused")
    return _good_draft(store).model_copy(update={"id": FUZZ_ID}).to_json().encode()


SEED_DRAFT = _seed_json()
SEED_TEMPLATE = (Path(__file__).resolve().parent.parent / "prompts" / "classic.toml").read_bytes().replace(
    b'name = "classic"', b'name = "fuzz"')
SEED_CONFIG = b'template = "classic"\nrepair = false\n\n[lint]\nthreshold = 70\n\n[lint.rules.emoji]\nenabled = false\n'

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """``seed`` cut, flipped, spliced with junk or with deep nesting: near misses reach the deep checks."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(data)))
        how = draw(st.sampled_from(["cut", "flip", "insert", "nest", "delete"]))
        if how == "cut":
            del data[at:]
        elif how == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif how == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif how == "nest":
            data[at:at] = draw(st.sampled_from([b"[", b"{", b'{"a":', b"{a = "])) * draw(st.integers(100, 20_000))
        elif how == "delete":
            del data[at : at + draw(st.integers(1, 40))]
    return bytes(data)


_DEEP = st.builds(lambda head, opener, n: head + opener * n, st.sampled_from([b"", b"x = ", b'{"id": ']),
                  st.sampled_from([b"[", b"{", b'{"a":', b"{a = "]), st.integers(500, 100_000))
"""Nesting past every parser's recursion limit (the 2 KB file that once hid every draft)."""


def any_bytes(seed: bytes, structured: st.SearchStrategy[bytes]) -> st.SearchStrategy[bytes]:
    return st.one_of(st.binary(max_size=300), mutated(seed), structured, _DEEP)


DRAFT_BYTES = any_bytes(SEED_DRAFT, _json_values.map(lambda v: json.dumps(v).encode())
                        | st.builds(lambda d: json.dumps({**json.loads(SEED_DRAFT), **d}).encode(),
                                    st.dictionaries(st.sampled_from(["id", "title", "updated", "text", "revisions",
                                                                     "schema_version", "source", "parts", "chars"]),
                                                    _json_values, max_size=3)))
TOML_BYTES = st.text(alphabet='abcnmeplt=[]{}"\'\n .,#-_0123456789', max_size=200).map(str.encode)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def check(code: int, out: str, err: str, argv: tuple[str, ...]) -> None:
    assert code in (0, 1, 2), (argv, code, err)
    assert "Traceback" not in err and "unexpected error" not in err, (argv, err)
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert all(ln.startswith("drafter: ") for ln in lines), (argv, err)


def drafts_state(folder: Path) -> dict[str, str]:
    """Every file under drafts/ (the listing cache aside) -> its hash; folders and FIFOs by kind."""
    state: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if name == INDEX_NAME:
            continue
        state[name] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "folder"
    return state


def workspace(root: Path, *, draft: bytes | None = None, template: bytes | None = None,
              config: bytes | None = None) -> tuple[Path, str]:
    (root / "drafts").mkdir()
    (root / "prompts").mkdir()
    store = Store(root / "drafts")
    good = store.save(_good_draft(store))
    if draft is not None:
        (root / "drafts" / f"{FUZZ_ID}.json").write_bytes(draft)
    if template is not None:
        (root / "prompts" / "fuzz.toml").write_bytes(template)
    (root / "drafter.toml").write_bytes(config if config is not None else b"")
    return root, good.id


def run_all(ws: Path, good_id: str, extra: list[tuple[str, ...]] = ()) -> None:  # type: ignore[assignment]
    w = ("--workspace", str(ws))
    commands: list[tuple[str, ...]] = [
        ("drafts", *w, "list"), ("drafts", *w, "list", "--json"),
        ("drafts", *w, "show", FUZZ_ID), ("drafts", *w, "show", good_id),
        ("drafts", *w, "export", FUZZ_ID, "--format", "md"), ("drafts", *w, "export", FUZZ_ID, "--format", "json"),
        ("templates", *w, "list"), ("templates", *w, "show", "fuzz"),
        ("doctor", *w, "--engine", "offline"),
        ("draft", *w, "--engine", "offline", "--topic", "x"),
        *extra,
    ]
    for argv in commands:
        code, out, err = run(*argv)
        check(code, out, err, argv)
        if argv[0] == "drafts" and argv[-1] == "--json" and code == 0:
            assert isinstance(json.loads(out), list)


@FUZZ
@given(data=DRAFT_BYTES)
@example(data=b"[" * 1100)  # the reproductions of issue 7, always tried first
@example(data=b"\xff\xfe{}")
def test_any_bytes_as_a_draft_file(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ws, good_id = workspace(Path(tmp), draft=data)
        before = drafts_state(ws / "drafts")
        run_all(ws, good_id)
        code, out, err = run("drafts", "--workspace", str(ws), "list")
        assert code == 0 and good_id in out  # one bad file never hides the others
        assert drafts_state(ws / "drafts") == before


@FUZZ
@given(data=any_bytes(SEED_TEMPLATE, TOML_BYTES))
@example(data=b'name = "fuzz"\nx = ' + b"[" * 100_000)
def test_any_bytes_as_a_template_file(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ws, good_id = workspace(Path(tmp), template=data)
        before = drafts_state(ws / "drafts")
        run_all(ws, good_id, [("draft", "--workspace", str(ws), "--engine", "offline", "--topic", "x",
                               "--template", "fuzz")])
        code, out, _ = run("templates", "--workspace", str(ws), "list")
        assert code == 0 and "classic" in out  # one bad template never hides the others
        assert drafts_state(ws / "drafts") == before


@FUZZ
@given(data=any_bytes(SEED_CONFIG, TOML_BYTES))
@example(data=b"x = " + b"[" * 100_000)
@example(data=b"\x80")
@example(data=b'[lint]\nthreshold = "abc"')
def test_any_bytes_as_drafter_toml(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ws, good_id = workspace(Path(tmp), config=data)
        before = drafts_state(ws / "drafts")
        run_all(ws, good_id)
        assert drafts_state(ws / "drafts") == before
        code, _, err = run("draft", "--workspace", str(ws), "--engine", "offline", "--topic", "x", "--save")
        check(code, "", err, ("draft", "--save"))
        after = drafts_state(ws / "drafts")
        added = set(after) - set(before)
        assert {k: after[k] for k in before} == before  # nothing saved before was touched
        assert len(added) == (1 if code == 0 else 0), (code, err, added)  # the one draft asked for
