"""URL faults through the CLI: each ends within its bound with one line and the right exit code.

The server (tests/pages.py) runs on 127.0.0.1. The bound comes from the ``fetch_timeout``
setting (``DRAFTER_FETCH_TIMEOUT``), small here; a test only checks that the command ended.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from drafter.cli.main import main
from drafter.sources.fetch import MAX_REDIRECTS
from drafter.sources.inputs import from_url
from tests.pages import Pages, pages  # noqa: F401  (pages is a fixture)
from tests.test_sources import PARAGRAPHS, article_html
from tests.cli_contract import one_line

BOUND = "0.5"


@pytest.fixture
def fetch_bound(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DRAFTER_FETCH_TIMEOUT", BOUND)
    return BOUND


def draft(capsys: pytest.CaptureFixture[str], workspace: Path, url: str) -> tuple[int, str, str]:
    code = main(["--workspace", str(workspace), "draft", "--article", url])
    out, err = capsys.readouterr()
    return code, out, err


# ---- faults that must end at the deadline ---------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda p: p.drip_body("/drip"), id="drip-body"),
        pytest.param(lambda p: p.drip_body("/drip", send_length=False), id="drip-body-no-length"),
        pytest.param(lambda p: p.drip_body("/drip", content_type="text/html; charset=utf-8"), id="drip-html"),
        pytest.param(lambda p: p.drip_headers("/drip"), id="drip-headers"),
        pytest.param(lambda p: p.slow("/drip"), id="silent"),
    ],
)
def test_dripping_server_ends_at_the_fetch_timeout(capsys, workspace_dir, pages, fetch_bound, make) -> None:
    url = make(pages)
    code, out, err = draft(capsys, workspace_dir, url)
    assert (code, out) == (2, "")
    line = one_line(err)
    assert f"cannot fetch {url}: timed out after {fetch_bound} s" in line


def test_drip_through_redirects_shares_one_deadline(pages) -> None:
    """Each hop is quick but the last one drips: the deadline covers the chain, not each hop."""
    pages.drip_body("/end")
    pages.redirect("/b", "/end")
    url = pages.redirect("/a", "/b")
    with pytest.raises(Exception) as exc:
        from_url(url, timeout=0.4)
    assert "timed out after 0.4 s" in str(exc.value)
    assert pages.requests == ["/a", "/b", "/end"]


def test_timeout_is_the_setting(capsys, workspace_dir, pages, monkeypatch) -> None:
    monkeypatch.setenv("DRAFTER_FETCH_TIMEOUT", "0.3")
    code, _, err = draft(capsys, workspace_dir, pages.drip_body("/drip"))
    assert code == 2 and "timed out after 0.3 s" in one_line(err)


def test_bad_fetch_timeout_setting(capsys, workspace_dir, pages, monkeypatch) -> None:
    monkeypatch.setenv("DRAFTER_FETCH_TIMEOUT", "-1")
    code, _, err = draft(capsys, workspace_dir, pages.add("/a", article_html()))
    assert code == 2 and "fetch_timeout" in one_line(err)


# ---- size -------------------------------------------------------------------------------


def test_huge_body_with_length_is_refused_from_the_header(capsys, workspace_dir, pages, fetch_bound) -> None:
    code, out, err = draft(capsys, workspace_dir, pages.huge("/big", 5_000_000))
    assert (code, out) == (2, "")
    assert "is 5.0 MB (5,000,000 bytes); the limit is 2.0 MB (2,000,000 bytes)" in one_line(err)


def test_huge_body_without_length_stops_at_the_cap(capsys, workspace_dir, pages, fetch_bound) -> None:
    code, out, err = draft(capsys, workspace_dir, pages.huge("/big", 50_000_000, send_length=False))
    assert (code, out) == (2, "")
    assert "is larger than the limit of 2.0 MB (2,000,000 bytes)" in one_line(err)


# ---- redirects ---------------------------------------------------------------------------


@pytest.mark.parametrize("loop", [["/a"], ["/a", "/b"], ["/a", "/b", "/c"]], ids=["self", "two", "three"])
def test_redirect_loops_end(capsys, workspace_dir, pages, fetch_bound, loop) -> None:
    for here, there in zip(loop, loop[1:] + loop[:1]):
        pages.redirect(here, there)
    code, out, err = draft(capsys, workspace_dir, pages.base + loop[0])
    assert (code, out) == (2, "")
    assert f"more than {MAX_REDIRECTS} redirects" in one_line(err)
    assert len(pages.requests) == MAX_REDIRECTS + 1


def test_a_few_redirects_are_followed(capsys, workspace_dir, pages, fetch_bound) -> None:
    pages.add("/post", article_html())
    hops = [f"/r{i}" for i in range(MAX_REDIRECTS)]
    for here, there in zip(hops, hops[1:] + ["/post"]):
        pages.redirect(here, there)
    code, out, err = draft(capsys, workspace_dir, pages.base + hops[0])
    assert code == 0, err
    assert out.strip() and "Traceback" not in err


def test_redirect_to_another_scheme_is_refused(capsys, workspace_dir, pages, fetch_bound) -> None:
    code, _, err = draft(capsys, workspace_dir, pages.redirect("/a", "file:///etc/passwd"))
    assert code == 2 and "which is not http(s)" in one_line(err)


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999/a", "http://[::1/a", "http://127.0.0.1:0/a"])
def test_an_address_with_a_bad_port_or_host_is_one_line(capsys, workspace_dir, url) -> None:
    code, _, err = draft(capsys, workspace_dir, url)
    assert code == 2 and "unexpected error" not in err
    assert "port" in one_line(err) or "not a valid URL" in one_line(err)


def test_a_redirect_to_a_port_out_of_range_is_one_line(capsys, workspace_dir, pages, fetch_bound) -> None:
    code, _, err = draft(capsys, workspace_dir, pages.redirect("/a", "http://127.0.0.1:99999/b"))
    assert code == 2 and "unexpected error" not in err and one_line(err).startswith("drafter: cannot fetch")


# ---- what the body is --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "ctype", "needle"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "text/html", "looks binary"),
        (bytes(range(128, 256)) * 40, "text/html; charset=utf-8", "cannot be decoded"),
        (bytes(range(128, 256)) * 40, "text/plain", "not UTF-8"),
        (" ".join(PARAGRAPHS).encode("utf-8"), "text/plain; charset=klingon", "unknown charset 'klingon'"),
        ("<p>Caf\u00e9 cr\u00e8me</p>".encode("latin-1"), "text/html", "not UTF-8"),
    ],
    ids=["png-as-html", "high-bytes-as-utf8-html", "high-bytes-as-text", "unknown-charset", "latin1-undeclared"],
)
def test_body_that_is_not_the_text_it_claims(capsys, workspace_dir, pages, fetch_bound, body, ctype, needle) -> None:
    code, out, err = draft(capsys, workspace_dir, pages.add("/x", body, content_type=ctype))
    assert (code, out) == (2, "")
    assert needle in one_line(err)


def test_wrong_charset_with_a_few_bad_bytes_is_read_and_said(capsys, workspace_dir, pages, fetch_bound) -> None:
    body = article_html(extra="<p>Le caf\u00e9 \u00e9tait ferm\u00e9.</p>").encode("latin-1")
    code, out, err = draft(capsys, workspace_dir, pages.add("/x", body, content_type="text/html; charset=utf-8"))
    assert code == 0, err
    assert "some bytes are not valid utf-8 and were replaced" in err and out.strip()
