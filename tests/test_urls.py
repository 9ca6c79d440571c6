"""URL redaction: a key inside a base URL (user info or query) never reaches the screen or a file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drafter.cli.main import main
from drafter.settings.config import Settings
from drafter.service.drafting import Drafter
from drafter.models.source import Source
from drafter.models.draft import Draft
from drafter.common.urls import check_base_url, display_url, redact_urls
from drafter.settings.paths import Workspace
from tests.loopback import Reply, loopback  # noqa: F401  (fixture)

SECRET = "sk-proj-SECRET123456"


@pytest.mark.parametrize(
    "url, shown",
    [
        (f"http://u:{SECRET}@host:8080/v1?key={SECRET}#frag", "http://host:8080/v1"),
        (f"https://{SECRET}@api.example.com/v1/", "https://api.example.com/v1"),
        (f"http://[::1]:11434/v1?api-key={SECRET}", "http://[::1]:11434/v1"),
        (f"http://u:{SECRET}@host:notaport/v1", "http://host:notaport/v1"),
        (f"u:{SECRET}@host/v1?k={SECRET}", "host/v1"),
        (f"http://u:{SECRET}@[broken/v1", "http://[broken/v1"),
        ("http://localhost:11434/v1", "http://localhost:11434/v1"),
        ("https://api.openai.com/v1", "https://api.openai.com/v1"),
    ],
)
def test_display_url_drops_user_info_query_and_fragment(url: str, shown: str) -> None:
    assert display_url(url) == shown


_SAFE = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-._", min_size=1, max_size=12)


@settings(max_examples=200, deadline=None)
@given(scheme=st.sampled_from(["http", "https", "ftp", ""]), user=_SAFE, host=_SAFE,
       port=st.one_of(st.none(), st.integers(1, 65535).map(str), _SAFE),
       path=st.text(alphabet="abc/-_", max_size=10), junk=st.text(max_size=20))
def test_no_secret_survives_display_or_redaction(scheme: str, user: str, host: str, port: str | None, path: str,
                                                  junk: str) -> None:
    netloc = f"{user}:{SECRET}@{host}" + (f":{port}" if port else "")
    url = (f"{scheme}://" if scheme else "") + f"{netloc}/{path}?key={SECRET}&x={junk}#{SECRET}"
    assert SECRET not in display_url(url)
    if scheme and not any(ch.isspace() for ch in junk):  # in prose, a URL ends at white space
        assert SECRET not in redact_urls(f"cannot connect to {url}: refused")


def test_redact_urls_keeps_the_rest_of_the_text() -> None:
    text = f"fetched https://news.example.com/a?token={SECRET}, and 'http://u:{SECRET}@h/v1' (see http://h/x)."
    assert redact_urls(text) == "fetched https://news.example.com/a, and 'http://h/v1' (see http://h/x)."


def test_check_base_url_never_echoes_the_url() -> None:
    for bad in (f"ftp://u:{SECRET}@h/v1", f"{SECRET}", f"http://?k={SECRET}", f"http://h:{SECRET}/v1"):
        with pytest.raises(ValueError) as info:
            check_base_url(bad)
        assert SECRET not in str(info.value)


def test_doctor_redacts_the_base_url_and_the_probe(capsys, workspace_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    url = f"http://u:{SECRET}@127.0.0.1:9/v1?key={SECRET}"
    code = main(["doctor", "--workspace", str(workspace_dir), "--base-url", url])
    out, err = capsys.readouterr()
    assert code == 0
    assert SECRET not in out + err
    assert "http://127.0.0.1:9/v1 (from flags) (user info and query hidden)" in out
    assert "NOT reachable" in out


def test_doctor_probe_reaches_the_server_without_user_info_and_shows_it_redacted(capsys, workspace_dir: Path,
                                                                                  loopback) -> None:
    url = loopback.base_url.replace("http://", f"http://u:{SECRET}@") + f"?key={SECRET}"
    code = main(["doctor", "--workspace", str(workspace_dir), "--base-url", url])
    out, _ = capsys.readouterr()
    assert code == 0 and SECRET not in out
    server = next(line for line in out.splitlines() if line.startswith("server"))
    assert "reachable" in server and "NOT" not in server and f"{loopback.base_url}/models" in server
    probe = [r for r in loopback.requests if r.path.startswith("/v1/models")][0]
    assert "authorization" not in {k.lower() for k in probe.headers}


def test_engine_label_in_the_app_header_is_redacted(tmp_path: Path) -> None:
    drafter = Drafter(Settings(base_url=f"http://u:{SECRET}@host:1234/v1?key={SECRET}"), Workspace(tmp_path, "test"))
    assert drafter.engine_label == "openai · gpt-4.1-mini @ http://host:1234/v1"


def test_a_draft_never_saves_a_url_with_its_query_or_user_info() -> None:
    source = Source(kind="url", topic="News", text="Body text here.", location=f"https://u:{SECRET}@news.example.com/a?t={SECRET}")
    draft = Draft.new("News", source, "classic", text="Post", note=f"server http://u:{SECRET}@h/v1?k={SECRET} slow")
    saved = draft.to_json()
    assert SECRET not in saved
    assert draft.source.location == "https://news.example.com/a"
    assert draft.revisions[0].note == "server http://h/v1 slow"


def test_engine_errors_through_the_cli_never_show_the_url_secret(capsys, workspace_dir: Path, loopback) -> None:
    loopback.script(Reply.error(404, "no such model", code="model_not_found"))
    url = loopback.base_url.replace("http://", f"http://u:{SECRET}@") + f"?key={SECRET}"
    code = main(["draft", "--workspace", str(workspace_dir), "--base-url", url, "--topic", "x y z", "--save"])
    out, err = capsys.readouterr()
    assert code == 1 and SECRET not in out + err
    assert loopback.base_url in err
    for path in workspace_dir.rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_text(encoding="utf-8", errors="replace")


def test_the_offline_path_can_import_the_redaction_without_openai() -> None:
    code = "import sys, drafter.common.urls, drafter.settings.config; print('openai' in sys.modules)"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DRAFTER_"))}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert res.returncode == 0 and res.stdout.strip() == "False", res.stderr


def test_every_cli_error_line_is_redacted(capsys, workspace_dir: Path) -> None:
    """The one place the CLI prints an error: a URL inside any message loses its user info and query."""
    url = f"https://u:{SECRET}@127.0.0.1:9/article?token={SECRET}"
    code = main(["draft", "--workspace", str(workspace_dir), "--engine", "offline", "--article", url])
    _, err = capsys.readouterr()
    assert code in (1, 2) and SECRET not in err and "127.0.0.1:9/article" in err


def test_markdown_export_of_an_old_draft_redacts_its_source_url() -> None:
    from drafter.models.draft import SourceRecord, export_text

    record = SourceRecord(kind="url", topic="News", location=f"https://news.example.com/a?token={SECRET}")
    draft = Draft.new("News", record, "classic", text="Post")
    assert SECRET not in export_text(draft, "md") and "https://news.example.com/a" in export_text(draft, "md")


# ---- a stored URL with credentials never shows (fix-lint item 5) ----------------------------
def _draft_with_location(workspace: Path, location: str) -> Path:
    import json

    from tests.trust.cases import _draft_file

    data = json.loads(_draft_file(id="leaky"))
    data["source"].update(kind="url", location=location)
    data["parts"]["hashtags"] = ["#Agile"]
    path = workspace / "drafts" / "leaky.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_drafts_list_json_never_shows_credentials_from_a_stored_url(capsys, workspace_dir: Path) -> None:
    import json

    from drafter.cli.main import main

    _draft_with_location(workspace_dir, "http://u:sk-SECRET@h/?key=sk-SECRET")
    for argv in (["drafts", "list", "--json"], ["drafts", "list"], ["drafts", "show", "leaky", "--json"]):
        code = main(["--workspace", str(workspace_dir), *argv])
        out, err = capsys.readouterr()
        if argv[-1] == "--json" and argv[1] == "list":
            (row,) = json.loads(out)
            assert code == 0 and row["source"].endswith("http://h")
        assert "sk-SECRET" not in out + err


def test_a_loaded_draft_and_its_summary_hold_the_url_as_shown(workspace_dir: Path) -> None:
    from drafter.storage.store import Store

    _draft_with_location(workspace_dir, "https://user:sk-SECRET@example.com/a/b?token=sk-SECRET#frag")
    store = Store(workspace_dir / "drafts")
    (summary,), problems = store.list()
    assert problems == []
    draft = store.load("leaky")
    assert draft.source.location == "https://example.com/a/b"
    assert "sk-SECRET" not in summary.source and "sk-SECRET" not in draft.model_dump_json()


# ---- base URLs whose host cannot be real are refused at load (fix-lint item 6) ---------------
NOT_HOSTS = ["http:// spaced/v1", "http://%zz/v1", "http://127.0.0.1:0/v1", "http://" + "a" * 300 + "/v1",
             "http://" + ("a" * 60 + ".") * 5 + "com/v1", "http://a..b/v1", "http://-dash.example/v1",
             "http://host/v 1", "http://[::zz]/v1"]


@pytest.mark.parametrize("url", NOT_HOSTS, ids=range(len(NOT_HOSTS)))
def test_a_base_url_without_a_valid_host_or_port_is_refused(url: str) -> None:
    with pytest.raises(ValueError) as info:
        check_base_url(url)
    assert url not in str(info.value)


@pytest.mark.parametrize("url", ["http://localhost:11434/v1", "http://[::1]:8080/v1", "http://10.0.0.5:1/v1",
                                 "http://bücher.example/v1", "http://my_box.local:65535/v1", "https://api.example.com./v1"])
def test_real_hosts_still_pass(url: str) -> None:
    assert check_base_url(url) == url


@pytest.mark.parametrize("url", NOT_HOSTS[:4], ids=range(4))
def test_cli_refuses_a_bad_host_at_once_with_exit_2(capsys, workspace_dir: Path, url: str) -> None:
    code = main(["--workspace", str(workspace_dir), "draft", "--topic", "x", "--base-url", url])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "invalid base_url" in err
    assert "retry" not in err.lower()
