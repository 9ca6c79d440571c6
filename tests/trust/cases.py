"""The adversarial cases: what a new or hostile user, a broken server and a broken page do.

Each case is a command line with its inputs and what it must end in; :mod:`.contract` checks
the promises every command keeps on top of that. ``python -m tests.trust`` runs them all and
prints how many held.
"""

from __future__ import annotations

import json

from tests.loopback import Reply, chunk
from tests.pages import Route

from .contract import SECRET, Case

GOOD = {
    "hook": "Our night bakery cut waste by a third once ovens ran on forecasts",
    "takeaways": ["Bake to the forecast, not the habit", "Day-old bread funds the food bank",
                  "Staff pick the next experiment"],
    "question": "Which of your daily routines would you forecast first?",
    "hashtags": ["#SmallBusiness", "#FoodWaste", "#Bakery"],
}
GOOD_JSON = json.dumps(GOOD)
ARTICLE = (
    "# The night bakery\n\nThe bakery on Quay Street bakes through the night. In March it began "
    "planning each batch from a sales forecast instead of habit. Waste fell by a third in two months. "
    "Unsold loaves now go to the food bank every morning. The owner says the staff choose the next "
    "experiment themselves, and the next one is a smaller rye loaf for single households.\n"
)
NESTED = b"[" * 1100 + b"]" * 1100
POST = ("Most teams estimate too much.\n\n• Ship small\n• Measure often\n• Talk weekly\n\n"
        "What would you stop estimating first?\n\n#Agile #Teams #Planning\n")


def _draft_file(**over: object) -> str:
    base = {
        "schema_version": 1, "id": "good-one", "title": "Good one", "created": "2026-11-01T10:00:00Z",
        "updated": "2026-11-01T10:00:00Z", "source": {"kind": "topic", "topic": "estimates"},
        "template": "classic", "variables": {}, "engine": "offline", "model": None,
        "parts": {"hook": "Hi", "takeaways": ["a", "b"], "question": "Q?", "hashtags": ["#A"]},
        "text": "Hi", "revisions": [],
    }
    base.update(over)
    return json.dumps(base)


def llm(*replies: Reply) -> list[Reply]:
    return list(replies)


def sources() -> list[Case]:
    g = "sources"
    d = ["draft", "--engine", "offline"]
    return [
        Case("topic-empty", [*d, "--topic", ""], says="", group=g),
        Case("topic-whitespace", [*d, "--topic", "   \t "], group=g),
        Case("topic-and-article", [*d, "--topic", "x", "--article", "{tmp}/a.md"], files={"a.md": ARTICLE}, group=g),
        Case("no-source", ["draft", "--engine", "offline"], group=g),
        Case("article-missing", [*d, "--article", "{tmp}/nope.md"], group=g),
        Case("article-directory", [*d, "--article", "{tmp}/adir"], files={"adir/x": "x"}, group=g),
        Case("article-fifo", [*d, "--article", "{tmp}/pipe.md"], files={"pipe.md": "fifo:"}, bound=20, group=g),
        Case("article-empty", [*d, "--article", "{tmp}/e.md"], files={"e.md": ""}, group=g),
        Case("article-binary", [*d, "--article", "{tmp}/b.md"], files={"b.md": bytes(range(256)) * 8}, group=g),
        Case("article-png-named-md", [*d, "--article", "{tmp}/p.md"],
             files={"p.md": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64}, group=g),
        Case("article-latin1", [*d, "--article", "{tmp}/l.txt"],
             files={"l.txt": "Caf\xe9 cr\xe8me br\xfbl\xe9e, ".encode("latin-1") * 40}, group=g),
        Case("article-utf16", [*d, "--article", "{tmp}/u.txt"], exit=(0, 2),
             files={"u.txt": ARTICLE.encode("utf-16")}, group=g),
        Case("article-huge", [*d, "--article", "{tmp}/h.md"], files={"h.md": b"word " * 600_000}, group=g),
        Case("article-pdf", [*d, "--article", "{tmp}/x.pdf"], files={"x.pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Filter /FlateDecode >>\nstream\n" + bytes(range(256)) * 4}, group=g),
        Case("article-control-codes", [*d, "--article", "{tmp}/c.md"], exit=(0,),
             files={"c.md": "# Hi \x1b]0;PWNED\x07there\n\n\x1b[2J" + ARTICLE + "\x9b31m red \x07\n"}, group=g),
        Case("article-nul-bytes", [*d, "--article", "{tmp}/n.md"], files={"n.md": ARTICLE + "\x00" * 10}, exit=(0, 2),
             group=g),
        Case("article-only-markup", [*d, "--article", "{tmp}/m.html"],
             files={"m.html": "<html><body><nav>Home</nav><script>x()</script></body></html>"}, group=g),
        Case("article-ok", [*d, "--article", "{tmp}/ok.md"], exit=(0,), files={"ok.md": ARTICLE}, group=g),
        Case("stdin-empty", [*d, "-"], stdin=b"", group=g),
        Case("stdin-binary", [*d, "-"], stdin=bytes(range(256)) * 16, group=g),
        Case("stdin-zero-stream", [*d, "-"], stdin_file="/dev/zero", bound=30, group=g),
        Case("stdin-huge", [*d, "-"], stdin=b"word " * 600_000, group=g),
        Case("stdin-control-codes", [*d, "-"], exit=(0,), stdin=("\x1b]0;PWNED\x07" + ARTICLE).encode(), group=g),
        Case("stdin-ok", [*d, "-"], exit=(0,), stdin=ARTICLE.encode(), group=g),
        Case("url-ftp", [*d, "--article", "ftp://127.0.0.1/a.txt"], group=g),
        Case("url-file-scheme", [*d, "--article", "file:///etc/passwd"], exit=(2,), group=g),
        Case("url-refused", [*d, "--article", "http://127.0.0.1:9/a"], group=g),
        Case("url-404", [*d, "--article", "{web}/gone"], web={"/gone": Route(b"no", 404, "text/plain")}, group=g),
        Case("url-500", [*d, "--article", "{web}/err"], web={"/err": Route(b"oops", 500, "text/plain")}, group=g),
        Case("url-binary-as-html", [*d, "--article", "{web}/bin"],
             web={"/bin": Route(bytes(range(256)) * 64, 200, "text/html")}, group=g),
        Case("url-image", [*d, "--article", "{web}/img"],
             web={"/img": Route(b"\x89PNG\r\n\x1a\n" * 10, 200, "image/png")}, group=g),
        Case("url-huge", [*d, "--article", "{web}/huge"],
             web={"/huge": Route(b"<p>" + b"word " * 700_000 + b"</p>", 200, "text/html")}, group=g),
        Case("url-huge-no-length", [*d, "--article", "{web}/huge2"],
             web={"/huge2": Route(b"<p>" + b"word " * 700_000 + b"</p>", 200, "text/html", send_length=False)},
             group=g),
        Case("url-no-text", [*d, "--article", "{web}/empty"],
             web={"/empty": Route(b"<html><body></body></html>", 200)}, group=g),
        Case("url-slow", [*d, "--article", "{web}/slow"], web={"/slow": Route(slow=True)}, bound=40, group=g),
        Case("url-control-codes", [*d, "--article", "{web}/ctl"], exit=(0,),
             web={"/ctl": Route(("<html><head><title>\x1b]0;PWNED\x07T</title></head><body><article>"
                                 + "".join(f"<p>{p}\x1b[2J</p>" for p in ARTICLE.split(". "))
                                 + "</article></body></html>").encode(), 200)}, group=g),
        Case("url-ok", [*d, "--article", "{web}/ok"], exit=(0,),
             web={"/ok": Route(("<html><body><article>" + "".join(f"<p>{p}.</p>" for p in ARTICLE.split(". "))
                                + "</article></body></html>").encode(), 200)}, group=g),
        Case("url-drip-body", [*d, "--article", "{web}/drip"], env={"DRAFTER_FETCH_TIMEOUT": "3"}, says="3",
             web={"/drip": Route(fault="drip_body", tick=0.5, ticks=400, content_type="text/html")}, group=g),
        Case("url-drip-body-default-timeout", [*d, "--article", "{web}/drip"], says="15",
             web={"/drip": Route(fault="drip_body", tick=0.5, ticks=400, content_type="text/html")}, group=g),
        Case("url-drip-headers", [*d, "--article", "{web}/dh"], env={"DRAFTER_FETCH_TIMEOUT": "3"},
             web={"/dh": Route(fault="drip_headers", tick=0.5, ticks=400)}, group=g),
        Case("url-redirect-loop", [*d, "--article", "{web}/a"], says="redirect",
             web={"/a": Route(b"", 302, None, (("Location", "/b"),)), "/b": Route(b"", 302, None, (("Location", "/a"),))},
             group=g),
        Case("url-redirect-to-file", [*d, "--article", "{web}/r"],
             web={"/r": Route(b"", 302, None, (("Location", "file:///etc/passwd"),))}, group=g),
        Case("url-endless-body", [*d, "--article", "{web}/big"],
             web={"/big": Route(fault="huge", size=50_000_000, send_length=False, content_type="text/html")}, group=g),
        Case("url-with-credentials", [*d, "--article", f"http://user:{SECRET}@127.0.0.1:9/a"], group=g),
    ]


def lint() -> list[Case]:
    g = "lint"
    return [
        Case("lint-ok", ["lint", "{tmp}/p.txt"], exit=(0, 1), files={"p.txt": POST}, out="score", group=g),
        Case("lint-json", ["lint", "{tmp}/p.txt", "--json"], exit=(0, 1), files={"p.txt": POST}, out="{", group=g),
        Case("lint-missing", ["lint", "{tmp}/none.txt"], group=g),
        Case("lint-directory", ["lint", "{tmp}/d"], files={"d/x": "x"}, says="folder", group=g),
        Case("lint-fifo", ["lint", "{tmp}/f"], files={"f": "fifo:"}, bound=20, group=g),
        Case("lint-zero-stream", ["lint", "-"], stdin_file="/dev/zero", bound=30, group=g),
        Case("lint-binary-stdin", ["lint", "-"], stdin=bytes(range(256)) * 16, group=g),
        Case("lint-huge-file", ["lint", "{tmp}/h.txt"], files={"h.txt": b"word " * 600_000}, group=g),
        Case("lint-empty", ["lint", "-"], stdin=b"", group=g),
        Case("lint-control-codes", ["lint", "-"], exit=(0, 1), stdin=("\x1b]0;PWNED\x07" + POST).encode(), group=g),
        Case("lint-source-missing", ["lint", "{tmp}/p.txt", "--source", "{tmp}/nope.md"],
             files={"p.txt": POST}, group=g),
        Case("lint-latin1", ["lint", "{tmp}/l.txt"], files={"l.txt": "Caf\xe9 ".encode("latin-1") * 30}, group=g),
    ]


def store() -> list[Case]:
    g = "store"
    corrupt = {
        "ws/drafts/deep-one.json": NESTED,
        "ws/drafts/binary.json": bytes(range(256)),
        "ws/drafts/list.json": "[1, 2, 3]",
        "ws/drafts/number.json": "42",
        "ws/drafts/half.json": '{"schema_version": 1, "id": "half"',
        "ws/drafts/newer.json": _draft_file(id="newer", schema_version=99),
        "ws/drafts/latin.json": "{\"title\": \"caf\xe9\"}".encode("latin-1"),
        "ws/drafts/adir.json": "dir:",
        "ws/drafts/ctl.json": _draft_file(id="ctl", title="\x1b]0;PWNED\x07 evil", text="\x1b[2J wiped"),
    }
    return [
        Case("drafts-list-empty", ["drafts", "list"], exit=(0,), group=g),
        Case("drafts-list-json-empty", ["drafts", "list", "--json"], exit=(0,), out="[", group=g),
        Case("drafts-list-corrupt", ["drafts", "list"], exit=(0,), files=corrupt, says="skipped", group=g),
        Case("drafts-list-json-corrupt", ["drafts", "list", "--json"], exit=(0,), files=corrupt, out="[", group=g),
        Case("drafts-show-nested", ["drafts", "show", "deep-one"], exit=(1, 2), files=corrupt, group=g),
        Case("drafts-export-nested", ["drafts", "export", "deep-one"], exit=(1, 2), files=corrupt, group=g),
        Case("drafts-show-control", ["drafts", "show", "ctl"], exit=(0, 1, 2), files=corrupt, group=g),
        Case("drafts-show-missing", ["drafts", "show", "nope"], group=g),
        Case("drafts-show-traversal", ["drafts", "show", "../../etc/passwd"], group=g),
        Case("drafts-delete-missing", ["drafts", "delete", "nope"], group=g),
        Case("drafts-delete-traversal", ["drafts", "delete", "../drafter"], group=g),
        Case("drafts-export-bad-format", ["drafts", "export", "x", "--format", "pdf"], group=g),
        Case("drafts-folder-is-file", ["drafts", "list"], exit=(0, 1, 2),
             files={"ws2/drafts": "not a folder", "ws2/drafter.toml": ""}, env={"DRAFTER_WORKSPACE": ""},
             group=g),
        Case("draft-save-ok", ["draft", "--engine", "offline", "--topic", "estimates in small teams", "--save"],
             exit=(0,), saves=True, says="saved", group=g),
        Case("draft-json-save", ["draft", "--engine", "offline", "--topic", "estimates", "--save", "--json"],
             exit=(0,), saves=True, out='"draft_id"', group=g),
        Case("draft-save-drafts-is-file",
             ["--workspace", "{tmp}/wsf", "draft", "--engine", "offline", "--topic", "estimates", "--save"],
             exit=(1, 2), files={"wsf/drafts": "I am a file", "wsf/drafter.toml": ""}, kept="estimates",
             group=g),
    ]


def platforms() -> list[Case]:
    g = "platforms"
    parts = {"hook": "Most teams estimate too much.", "takeaways": ["Ship small", "Measure often", "Talk weekly"],
             "question": "What would you stop estimating first?", "hashtags": ["#Agile", "#Teams", "#Planning"]}
    saved = {"ws/drafts/good-one.json": _draft_file(text=POST, parts=parts)}
    return [
        Case("draft-platform-unknown", ["draft", "--engine", "offline", "--topic", "x", "--platform", "facebook"],
             says="bluesky", group=g),
        Case("draft-platform-empty", ["draft", "--engine", "offline", "--topic", "x", "--platform", ""], group=g),
        Case("draft-platform-all", ["draft", "--engine", "offline", "--article", "{tmp}/ok.md", "--platform", "all"],
             exit=(0,), files={"ok.md": ARTICLE}, out="=== Mastodon", group=g),
        Case("draft-platform-json-save", ["draft", "--engine", "offline", "--topic", "estimates", "--platform", "X",
                                          "--json", "--save"], exit=(0,), saves=True, out='"platforms"', group=g),
        Case("adapt-missing-id", ["adapt", "nope", "--platform", "x"], says="no draft", group=g),
        Case("adapt-traversal", ["adapt", "../../etc/passwd", "--platform", "x"], group=g),
        Case("adapt-no-platform", ["adapt", "good-one"], files=saved, says="--platform", group=g),
        Case("adapt-corrupt", ["adapt", "deep-one", "--platform", "x"], exit=(1, 2),
             files={"ws/drafts/deep-one.json": NESTED}, group=g),
        Case("adapt-ok", ["adapt", "good-one", "--platform", "all", "--engine", "offline"], exit=(0,), files=saved,
             saves=True, out="=== X", says="saved", group=g),
        Case("export-missing-version", ["drafts", "export", "good-one", "--platform", "x"], files=saved,
             says="drafter adapt good-one --platform x", group=g),
        Case("export-platform-all", ["drafts", "export", "good-one", "--platform", "all"], files=saved,
             says="one platform", group=g),
        Case("export-platform-unknown", ["drafts", "export", "good-one", "--platform", "tiktok"], files=saved,
             says="mastodon", group=g),
        Case("export-linkedin", ["drafts", "export", "good-one", "--platform", "LinkedIn"], exit=(0,), files=saved,
             out="Most teams estimate", group=g),
    ]


def config() -> list[Case]:
    g = "config"
    topic = ["draft", "--topic", "estimates"]
    return [
        Case("toml-syntax", ["doctor"], files={"ws/drafter.toml": "model = "}, group=g),
        Case("toml-binary", ["doctor"], files={"ws/drafter.toml": bytes(range(256))}, group=g),
        Case("toml-nested", ["doctor"], files={"ws/drafter.toml": "a = " + "[" * 100_000}, group=g),
        Case("toml-unknown-key", ["doctor"], files={"ws/drafter.toml": "colour = 'blue'\n"}, group=g),
        Case("toml-api-key", ["doctor"], files={"ws/drafter.toml": f"api_key = '{SECRET}'\n"}, group=g),
        Case("toml-bad-temperature", ["doctor"], files={"ws/drafter.toml": "temperature = 9\n"}, group=g),
        Case("toml-lint-threshold", [*topic, "--base-url", "{llm}"],
             files={"ws/drafter.toml": "[lint]\nthreshold = 'abc'\n"}, llm=llm(Reply.stream(GOOD_JSON)), group=g),
        Case("toml-lint-unknown-rule", [*topic, "--engine", "offline"],
             files={"ws/drafter.toml": "[lint.rules]\nno-such-rule = false\n"}, group=g),
        Case("user-config-nested", ["doctor"], files={"home/.config/drafter/config.toml": "a = " + "{b = " * 50_000},
             group=g),
        Case("env-timeout-abc", ["doctor"], env={"DRAFTER_TIMEOUT": "abc"}, group=g),
        Case("env-engine-bad", ["doctor"], env={"DRAFTER_ENGINE": "gpt"}, group=g),
        Case("flag-temperature", [*topic, "--temperature", "9"], group=g),
        Case("flag-max-tokens", [*topic, "--max-tokens", "-5"], group=g),
        Case("flag-timeout-zero", [*topic, "--timeout", "0"], group=g),
        Case("flag-var-malformed", [*topic, "--engine", "offline", "--var", "nokey"], group=g),
        Case("flag-unknown", ["draft", "--frobnicate"], group=g),
        Case("flag-unknown-command", ["publish"], group=g),
        Case("base-url-not-url", [*topic, "--base-url", "not a url"], group=g),
        Case("base-url-ftp", [*topic, "--base-url", "ftp://127.0.0.1/v1"], group=g),
        Case("base-url-no-host", [*topic, "--base-url", "http:///v1"], group=g),
        Case("template-unknown", [*topic, "--engine", "offline", "--template", "nope"], group=g),
        Case("template-traversal", [*topic, "--engine", "offline", "--template", "../../etc/passwd"], group=g),
    ]


def templates() -> list[Case]:
    g = "templates"
    ok = "name = 'mine'\ndescription = 'x'\n[prompts]\nsystem = 's'\nuser = 'Write about {source}'\n"
    return [
        Case("tpl-list-nested", ["templates", "list"], exit=(0,), files={"ws/prompts/deep.toml": "a = " + "[" * 100_000},
             says="skipped", group=g),
        Case("tpl-use-nested", ["draft", "--engine", "offline", "--topic", "x", "--template", "deep"],
             files={"ws/prompts/deep.toml": "a = " + "[" * 100_000}, says="deep", group=g),
        Case("tpl-binary", ["templates", "list"], exit=(0,), files={"ws/prompts/bin.toml": bytes(range(256))},
             group=g),
        Case("tpl-show-missing", ["templates", "show", "nope"], group=g),
        Case("tpl-new-bad-name", ["templates", "new", "Bad Name!"], group=g),
        Case("tpl-new-exists", ["templates", "new", "mine"], files={"ws/prompts/mine.toml": ok}, group=g),
        Case("tpl-new-overrides-builtin", ["templates", "new", "classic"], exit=(0,), says="created", group=g),
        Case("tpl-unknown-placeholder", ["draft", "--engine", "offline", "--topic", "x", "--template", "mine"],
             files={"ws/prompts/mine.toml": ok.replace("{source}", "{nope}")}, says="nope", group=g),
        Case("tpl-format-spec", ["draft", "--engine", "offline", "--topic", "x", "--template", "mine"],
             files={"ws/prompts/mine.toml": ok.replace("{source}", "{source.__class__}")}, group=g),
        Case("tpl-ok", ["draft", "--engine", "offline", "--topic", "estimates", "--template", "mine"], exit=(0,),
             files={"ws/prompts/mine.toml": ok}, group=g),
        Case("tpl-show-control-codes", ["templates", "show", "mine"], exit=(0,), out="Write about",
             files={"ws/prompts/mine.toml": ok.replace("description = 'x'", "description = 'x \x1b]0;PWNED\x07'")
                    + "# \x1b[2J cleared\n"}, group=g),
        Case("tpl-list-control-codes", ["templates", "list"], exit=(0,), out="mine",
             files={"ws/prompts/mine.toml": ok.replace("description = 'x'", 'description = "x \\u001b]0;PWNED\\u0007"')},
             group=g),
        Case("tpl-name-mismatch", ["templates", "list"], exit=(0,),
             files={"ws/prompts/other.toml": ok}, group=g),
    ]


def llm_cases() -> list[Case]:
    g = "llm"
    d = ["draft", "--topic", "night bakeries", "--base-url", "{llm}", "--no-repair"]
    fast = {"DRAFTER_TIMEOUT": "2", "DRAFTER_DEADLINE": "4"}
    return [
        Case("llm-ok", d, exit=(0,), out=GOOD["hook"], llm=llm(Reply.stream(GOOD_JSON)), group=g),
        Case("llm-ok-json", [*d, "--json"], exit=(0,), out='"parts"', llm=llm(Reply.stream(GOOD_JSON)), group=g),
        Case("llm-ok-save", [*d, "--save"], exit=(0,), saves=True, llm=llm(Reply.stream(GOOD_JSON)), group=g),
        Case("llm-401", d, exit=(1,), says="key", llm=llm(Reply.error(401, "Incorrect API key provided")), group=g),
        Case("llm-404-model", d, exit=(1, 2), says="model",
             llm=llm(Reply.error(404, "The model does not exist", code="model_not_found")), group=g),
        Case("llm-429", d, exit=(1,), llm=llm(*[Reply.error(429, "slow down", headers={"retry-after": "0"})] * 4),
             group=g),
        Case("llm-500s", d, exit=(1,), llm=llm(*[Reply.error(500, "boom")] * 4), group=g),
        Case("llm-500-then-ok", d, exit=(0,), llm=llm(Reply.error(500, "boom"), Reply.stream(GOOD_JSON)), group=g),
        Case("llm-json-schema-500", d, exit=(0,), llm=llm(Reply.reject_json_schema(), Reply.stream(GOOD_JSON)),
             group=g),
        Case("llm-refused", ["draft", "--topic", "x", "--base-url", "http://127.0.0.1:9/v1"], exit=(1,), group=g),
        Case("llm-stall", d, exit=(1,), env=fast, llm=llm(Reply.stall('{"hook": "Our night', ping=None)),
             kept="Our night", group=g),
        Case("llm-stall-pings", d, exit=(1,), env=fast, llm=llm(Reply.stall('{"hook": "Our night', ping=0.2)),
             kept="Our night", group=g),
        Case("llm-disconnect", d, exit=(1,), llm=llm(*[Reply.disconnect('{"hook": "Our night bakery')] * 3),
             kept="Our night bakery", group=g),
        Case("llm-length", d, exit=(1,), llm=llm(Reply.stream('{"hook": "Our night bakery cut', finish_reason="length")),
             kept="Our night bakery cut", group=g),
        Case("llm-content-filter", d, exit=(1,), llm=llm(Reply.stream("", finish_reason="content_filter")), group=g),
        Case("llm-refusal", d, exit=(1,), llm=llm(Reply.refused("I can't help with that.")), group=g),
        Case("llm-empty", d, exit=(1,), llm=llm(*[Reply.stream("")] * 3), group=g),
        Case("llm-unparseable", d, exit=(1,), kept="The ovens hum at midnight",
             llm=llm(*[Reply.stream("The ovens hum at midnight and nobody reads labels.")] * 3), group=g),
        Case("llm-off-schema-json", d, exit=(0, 1),
             llm=llm(*[Reply.stream('{"title": "Ovens", "body": "Bread at night", "tags": "bakery"}')] * 3),
             kept="Bread at night", group=g),
        Case("llm-labelled-text", d, exit=(0,), out="#Bakery",
             llm=llm(Reply.reject_json_schema(), Reply.stream("not json at all"),
                     Reply.stream("HOOK: Ovens at night\nTAKEAWAYS:\n- Forecast\n- Donate\n- Ask staff\n"
                                  "QUESTION: What would you forecast?\nHASHTAGS: #Bakery #Waste #Ops")), group=g),
        Case("llm-control-codes-in-answer", d, exit=(0,),
             llm=llm(Reply.stream(json.dumps(dict(GOOD, hook="Ovens \x1b]0;PWNED\x07 at night \x1b[2J")))), group=g),
        Case("llm-key-in-base-url", ["draft", "--topic", "x", "--base-url", f"http://u:{SECRET}@127.0.0.1:9/v1?key={SECRET}"],
             exit=(1, 2), group=g),
        Case("doctor-key-in-base-url", ["doctor", "--base-url", f"http://u:{SECRET}@127.0.0.1:9/v1?key={SECRET}"],
             exit=(0, 1, 2), group=g),
        Case("doctor-ok", ["doctor", "--base-url", "{llm}"], exit=(0,), out="reachable", llm=llm(), group=g),
        Case("llm-interrupt", d, exit=(130, 1), interrupt=True,
             llm=llm(Reply.stall('{"hook": "Our night bakery', pieces=2)), kept="Our night bakery",
             env={"DRAFTER_TIMEOUT": "20"}, group=g),
        Case("llm-drip-forever", d, exit=(1,), env={"DRAFTER_DEADLINE": "3"}, says="deadline",
             llm=llm(Reply.drip_forever('{"hook": "Our night', piece=" bake", every=0.5)), kept="Our night bake",
             group=g),
        Case("llm-drip-forever-flag", [*d, "--deadline", "3"], exit=(1,), says="deadline",
             llm=llm(Reply.drip_forever('{"hook": "Ovens', piece="!", every=0.5)), kept="Ovens", group=g),
        Case("llm-drip-forever-toml", d, exit=(1,), says="deadline", files={"ws/drafter.toml": "deadline = 3\n"},
             llm=llm(Reply.drip_forever('{"hook": "Ovens', piece="!", every=0.5)), kept="Ovens", group=g),
        Case("llm-drip-chars", [*d, "--deadline", "3"], exit=(1,), says="deadline",
             llm=llm(Reply.drip_chars(GOOD_JSON, every=0.3)), kept='{"hook"', group=g),
        Case("llm-slow-headers", d, exit=(1,), env=fast, llm=llm(*[Reply.slow_headers(every=0.5)] * 3), group=g),
        Case("llm-sse-not-json", d, exit=(1,), says="malformed", llm=llm(*[Reply.sse("{not json")] * 3), group=g),
        Case("llm-sse-content-number", d, exit=(1,), says="malformed",
             llm=llm(*[Reply.sse(chunk({"content": 42}))] * 3), group=g),
        Case("llm-sse-choices-string", d, exit=(1,), says="malformed",
             llm=llm(*[Reply.sse({**chunk({"content": "x"}), "choices": "nope"})] * 3), group=g),
        Case("llm-sse-after-text", d, exit=(1,), kept="Our night bakery",
             llm=llm(*[Reply.sse(chunk({"content": '{"hook": "Our night bakery'}), "{broken")] * 3), group=g),
        Case("llm-oversized", d, exit=(1,), says="", llm=llm(Reply.oversized(10_000_000)), group=g),
        Case("llm-oversized-save", [*d, "--save"], exit=(1,), llm=llm(Reply.oversized(10_000_000)), group=g),
        Case("llm-html-200", d, exit=(1,), says="text/html",
             llm=llm(*[Reply.body("<html><body>Welcome to my router</body></html>")] * 3), group=g),
        Case("llm-json-200-not-stream", d, exit=(0, 1),
             llm=llm(*[Reply.body('{"ok": true}', content_type="application/json")] * 3), group=g),
        Case("llm-unparseable-json", [*d, "--json"], exit=(1,), out='"partial"', kept="The ovens hum",
             llm=llm(*[Reply.stream("The ovens hum at midnight and nobody reads labels.")] * 3), group=g),
        Case("llm-eval-refused", ["eval", "{tmp}/c", "--base-url", "http://127.0.0.1:9/v1"], exit=(1,),
             files={"c/a.md": ARTICLE}, group=g),
    ]


def all_cases() -> list[Case]:
    from . import cases_fix_engine, cases_fix_lint, cases_voice

    cases = [*sources(), *lint(), *store(), *platforms(), *config(), *templates(), *llm_cases(), *cases_fix_lint.cases(),
             *cases_fix_engine.cases(), *cases_voice.cases()]
    names = [c.name for c in cases]
    assert len(names) == len(set(names)), "case names must be unique"
    return cases
