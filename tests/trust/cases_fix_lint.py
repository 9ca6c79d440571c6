"""Trust cases for the holes the adversarial tester found after issue 7 (branch fix-lint):
lint on hostile text and user patterns, eval's output and failures, a stored URL with a key,
base URLs whose host cannot be real, ``lint --source -``.

Wired in by the integrator (``all_cases``); ``python -m tests.trust --only NAME`` runs one.
"""

from __future__ import annotations

import json

from tests.loopback import Reply

from .cases import ARTICLE, GOOD_JSON, POST, _draft_file, llm
from .contract import SECRET, Case

CATASTROPHIC_POST = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\n\n#Bakery\n"


def _leaky_draft() -> str:
    """A draft file (hand-edited, or from an older version) whose URL source holds the key."""
    data = json.loads(_draft_file(id="leaky"))
    data["source"] = {"kind": "url", "location": f"http://u:{SECRET}@h/?key={SECRET}", "topic": "t"}
    data["parts"]["hashtags"] = ["#Agile"]
    return json.dumps(data)


def _lint_cases() -> list[Case]:
    g = "lint"
    return [
        Case("lint-unclosed-brackets", ["lint", "{tmp}/l.txt"], exit=(0, 1), out="score",
             files={"l.txt": "[" * 1_500_000 + "\n"}, bound=30, group=g),
        Case("lint-unclosed-link-runs", ["lint", "{tmp}/l.txt"], exit=(0, 1), out="score",
             files={"l.txt": "[x](" * 300_000 + "\n"}, bound=30, group=g),
        Case("lint-user-regex-backtracks", ["lint", "{tmp}/p.txt"], exit=(0, 1), out="score", says="skipped",
             files={"p.txt": CATASTROPHIC_POST, "ws/ai_tells.toml": "[[tell]]\nregex = '(a|aa)+$'\n"},
             bound=20, group=g),
        Case("lint-user-regex-nested-plus", ["lint", "{tmp}/p.txt"], exit=(0, 1), out="score",
             files={"p.txt": CATASTROPHIC_POST, "ws/ai_tells.toml": "[[tell]]\nregex = '(a+)+$'\n"},
             bound=20, group=g),
        Case("lint-source-stdin", ["lint", "{tmp}/p.txt", "--source", "-"], exit=(0, 1), out="score",
             files={"p.txt": POST}, stdin=ARTICLE.encode(), group=g),
        Case("lint-both-stdin", ["lint", "-", "--source", "-"], says="both be read from stdin",
             stdin=POST.encode(), group=g),
    ]


def _eval_cases() -> list[Case]:
    g = "eval"
    e = ["eval", "{tmp}/e", "--base-url", "{llm}", "--no-repair"]
    two = {"e/a.md": ARTICLE, "e/b.md": ARTICLE}
    return [
        Case("eval-control-codes-in-names", ["eval", "{tmp}/e", "--engine", "offline"], exit=(0,), out="ok.md",
             files={"e/\x1b[2Jok.md": ARTICLE, "e/\x1b]0;PWN\x07bin.md": bytes(range(256)) * 12}, group=g),
        Case("eval-control-codes-in-names-json", ["eval", "{tmp}/e", "--engine", "offline", "--json"], exit=(0,),
             out="ok.md", files={"e/\x1b[2Jok.md": ARTICLE, "e/\x1b]0;PWN\x07bin.md": bytes(range(256)) * 12},
             group=g),
        Case("eval-one-unparseable", [*e, "--json"], exit=(1,), out='"a.md"', says="1 of 2 articles failed",
             files=two, llm=llm(Reply.stream(GOOD_JSON), *[Reply.stream("GARBAGE")] * 3), group=g),
        Case("eval-one-500", e, exit=(1,), out="a.md", says="failed", files=two,
             llm=llm(Reply.stream(GOOD_JSON), *[Reply.error(500, "boom")] * 8), group=g),
        Case("eval-interrupt", e, exit=(130,), interrupt=True, out="a.md", says="interrupted", files=two,
             llm=llm(Reply.stream(GOOD_JSON), Reply.drip_forever('{"hook": "Our night', piece="!", every=0.1)),
             group=g),
    ]


def _url_cases() -> list[Case]:
    g = "urls"
    d = ["draft", "--topic", "x", "--no-repair", "--base-url"]
    return [
        Case("drafts-list-json-url-key", ["drafts", "list", "--json"], exit=(0,), out='"source"',
             files={"ws/drafts/leaky.json": _leaky_draft()}, group=g),
        Case("drafts-list-url-key", ["drafts", "list"], exit=(0,), files={"ws/drafts/leaky.json": _leaky_draft()},
             group=g),
        Case("base-url-spaced-host", [*d, "http:// spaced/v1"], says="invalid base_url", bound=15, group=g),
        Case("base-url-bad-percent-host", [*d, "http://%zz/v1"], says="invalid base_url", bound=15, group=g),
        Case("base-url-port-0", [*d, "http://127.0.0.1:0/v1"], says="port 0", bound=15, group=g),
        Case("base-url-long-label", [*d, "http://" + "a" * 300 + "/v1"], says="invalid base_url", bound=15, group=g),
    ]


def cases() -> list[Case]:
    """Every fix-lint case (names unique among themselves and with :mod:`.cases`)."""
    return [*_lint_cases(), *_eval_cases(), *_url_cases()]
