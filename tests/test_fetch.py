"""drafter.sources.fetch: one HTTP client (httpx2) for the article fetch and the doctor probe.

The bounds themselves (one deadline, redirects, size) are tested through the CLI in
tests/test_faults_web.py and tests/test_edges_engine.py; here: that there is one client, that
it loads only when a URL is fetched, and what a reply that is not HTTP is called.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from drafter.cli.doctor import probe
from drafter.common.errors import SourceError
from drafter.sources.inputs import from_url
from tests.pages import Pages, pages  # noqa: F401  (fixture)
from tests.test_edges_engine import raw_server
from tests.test_sources import article_html

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "drafter"


def test_one_http_client_in_the_package() -> None:
    """No module but drafter/sources/fetch.py speaks HTTP itself (urllib.request, http.client, httpx2)."""
    speaking = {
        str(path.relative_to(ROOT))
        for path in PACKAGE.rglob("*.py")
        for needle in ("urllib.request", "http.client", "import httpx")
        if needle in path.read_text(encoding="utf-8")
    }
    assert speaking == {"drafter/sources/fetch.py"}


def test_httpx2_loads_only_for_a_url_and_never_brings_openai(pages: Pages) -> None:
    url = pages.add("/post", article_html())
    code = (
        "import sys; from drafter.cli import main as cli; from drafter.sources import inputs as sources; before = 'httpx2' in sys.modules; "
        f"sources.from_url({url!r}); print(before, 'httpx2' in sys.modules, 'openai' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.stdout.split() == ["False", "True", "False"], out.stderr


NOT_HTTP = b"SSH-2.0-OpenSSH_9.6\r\n\r\n"
"""A banner, then a blank line: a whole "header block" that is not HTTP."""


def test_an_answer_that_is_not_http() -> None:
    with raw_server(NOT_HTTP) as address:
        said = probe(f"http://{address}/v1", timeout=5)
        with pytest.raises(SourceError) as exc:
            from_url(f"http://{address}/post", timeout=5)
    assert said == f"NOT an HTTP server: http://{address}/v1/models answered something that is not HTTP"
    assert f"cannot fetch http://{address}/post: the answer is not HTTP" in str(exc.value)


def test_the_probe_follows_a_redirect_and_reports_the_status(pages: Pages) -> None:
    pages.add("/v2/models", "{}", status=401, content_type="application/json")
    pages.redirect("/v1/models", "/v2/models")
    assert probe(pages.base + "/v1", timeout=5) == f"reachable, answered 401 for {pages.base}/v1/models"
    assert pages.requests == ["/v1/models", "/v2/models"]


def test_the_probe_never_follows_a_redirect_away_from_http(pages: Pages) -> None:
    pages.redirect("/v1/models", "file:///etc/passwd")
    assert probe(pages.base + "/v1", timeout=5).endswith("which is not http(s)")
