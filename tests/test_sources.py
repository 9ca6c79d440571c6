"""drafter.sources.inputs: topic, text, stdin, files and URLs (served on 127.0.0.1) into a Source."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from drafter.sources import inputs as sources
from drafter.common.errors import InputError, SourceError
from drafter.sources.inputs import MAX_BYTES, Source, from_file, from_text, from_topic, from_url, load
from tests.pages import Pages, pages, unused_port  # noqa: F401  (pages is a fixture)

PARAGRAPHS = [
    "Most teams of five or six people believe they do not need written decisions. Everyone sits "
    "close together, the thinking goes, so everyone already knows why the database moved.",
    "That belief holds for about three months. Then someone goes on leave, a contractor joins, or "
    "a customer asks why a feature behaves the way it does, and nobody can reconstruct the reasoning.",
    "A short decision log fixes most of this. Each entry needs four lines: what was decided, what "
    "else was considered, who agreed, and what would make the team revisit it.",
    "Start with the next decision your team makes this week. Keep the log next to the code, so it "
    "travels with the work and shows up in search.",
]
NAV = "Subscribe to the newsletter"
FOOTER = "Copyright 2024 Field Notes Quarterly"


def article_html(charset: str = "utf-8", extra: str = "") -> str:
    body = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="{charset}">
<title>Why small teams should write things down | Field Notes</title></head>
<body>
<nav><a href="/">Home</a> <a href="/about">About us</a> <a href="/subscribe">{NAV}</a></nav>
<header><div class="site-title">Field Notes Quarterly</div></header>
<main><article>
<h1>Why small teams should write things down</h1>
{extra}
{body}
</article></main>
<aside><h3>Related reading</h3><ul><li><a href="/a">Ten tips for remote standups</a></li></ul></aside>
<footer><p>{FOOTER}. All rights reserved.</p><p>Privacy policy | Cookie settings</p></footer>
</body></html>
"""


def assert_one_line(exc: pytest.ExceptionInfo[SourceError]) -> str:
    message = str(exc.value)
    assert message and "\n" not in message
    assert isinstance(exc.value, InputError) and exc.value.exit_code == 2
    return message


def assert_article(source: Source) -> None:
    for paragraph in PARAGRAPHS:
        assert paragraph in source.text
    assert NAV not in source.text
    assert FOOTER not in source.text
    assert "Ten tips for remote standups" not in source.text


# ---- topic, text, stdin --------------------------------------------------------------------


def test_topic() -> None:
    source = load(topic="  Why   decision logs\n matter ")
    assert source == Source(kind="topic", topic="Why decision logs matter")
    assert not source.has_article


@pytest.mark.parametrize("topic", ["", "   \n\t "])
def test_empty_topic(topic: str) -> None:
    with pytest.raises(SourceError) as exc:
        from_topic(topic)
    assert "topic is empty" in assert_one_line(exc)


def test_text_is_normalised() -> None:
    source = from_text("Title  \r\n\r\n\r\n\r\nFirst line.   \rSecond line.\n\n\n")
    assert source.text == "Title\n\nFirst line.\nSecond line."
    assert source.kind == "text" and source.location is None


def test_stdin_dash() -> None:
    source = load(article="-", stdin_text="Piped article text.\n")
    assert (source.kind, source.location, source.text) == ("text", "stdin", "Piped article text.")


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"article": "-", "stdin_text": "  \n\n "}, "stdin is empty"),
        ({"article": "-"}, "nothing was piped in"),
        ({"article": "-", "stdin_text": "ok\x00\x01\x02"}, "looks binary"),
        ({}, "nothing to draft from"),
        ({"topic": "x", "article": "a.txt"}, "not both"),
        ({"article": ""}, "article path is empty"),
    ],
)
def test_load_errors(kwargs: dict[str, str], expected: str) -> None:
    with pytest.raises(SourceError) as exc:
        load(**kwargs)
    assert expected in assert_one_line(exc)


def test_mostly_control_characters_is_binary() -> None:
    with pytest.raises(SourceError, match="looks binary"):
        from_text("abc" + "\x01\x02\x03\x1b" * 20)


def test_oversized_stdin() -> None:
    with pytest.raises(SourceError) as exc:
        load(article="-", stdin_text="a" * (MAX_BYTES + 1))
    message = assert_one_line(exc)
    assert "2,000,001 bytes" in message and "2,000,000 bytes" in message


# ---- files ----------------------------------------------------------------------------------


def test_txt_file_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes(b"\xef\xbb\xbfCaf\xc3\xa9 notes.\r\nSecond line.  \r\n")
    source = load(article=str(path))
    assert (source.kind, source.location, source.text) == ("file", str(path), "Café notes.\nSecond line.")


def test_markdown_title(tmp_path: Path) -> None:
    path = tmp_path / "post.md"
    path.write_text("# Decision logs\n\nThey are cheap.\n", encoding="utf-8")
    source = from_file(path)
    assert source.title == source.topic == "Decision logs"
    assert source.text.startswith("# Decision logs")


def test_html_file_extracts_article(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(article_html(), encoding="utf-8")
    source = from_file(path)
    assert_article(source)
    assert source.kind == "file"
    assert source.title == "Why small teams should write things down"
    assert any(n.startswith("extracted main text from HTML (") and "words)" in n for n in source.notes)


def test_latin1_html_with_meta_charset(tmp_path: Path) -> None:
    path = tmp_path / "old.htm"
    path.write_bytes(article_html("iso-8859-1", "<p>Le café était fermé, déjà.</p>").encode("latin-1"))
    source = from_file(path)
    assert "Le café était fermé, déjà." in source.text
    assert_article(source)
    assert any("iso-8859-1" in n for n in source.notes)


def test_latin1_text_without_declaration(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes("Le café était fermé.".encode("latin-1"))
    with pytest.raises(SourceError) as exc:
        from_file(path)
    message = assert_one_line(exc)
    assert "not UTF-8" in message and str(path) in message


def test_latin1_html_without_declaration(tmp_path: Path) -> None:
    path = tmp_path / "old.html"
    path.write_bytes(article_html("", "<p>Le café</p>").replace('<meta charset="">', "").encode("latin-1"))
    with pytest.raises(SourceError, match="not UTF-8"):
        from_file(path)


def test_other_extension_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "notes.log"
    path.write_text("Plain notes in a log file.\n", encoding="utf-8")
    assert from_file(path).text == "Plain notes in a log file."


def test_html_without_extension_is_extracted(tmp_path: Path) -> None:
    path = tmp_path / "saved_page"
    path.write_text(article_html(), encoding="utf-8")
    assert_article(from_file(path))


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.txt", b"", "is empty"),
        ("blank.md", b"  \n\n\t\n", "is empty"),
        ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks binary"),
        ("nul.txt", b"text with a \x00 in it", "looks binary"),
        ("utf16.txt", "hello".encode("utf-16"), "UTF-16"),
        ("nav.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "no article text found"),
    ],
)
def test_bad_files(tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SourceError) as exc:
        from_file(path)
    message = assert_one_line(exc)
    assert expected in message and str(path) in message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as exc:
        load(article=str(tmp_path / "nope.txt"))
    assert "no such file" in assert_one_line(exc)


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as exc:
        from_file(tmp_path)
    assert "is a folder" in assert_one_line(exc)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_permission_denied(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("hidden", encoding="utf-8")
    path.chmod(0)
    with pytest.raises(SourceError, match="permission denied"):
        from_file(path)


def test_permission_denied_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.txt"
    path.write_text("hidden", encoding="utf-8")

    def denied(self: Path, *args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", denied)
    with pytest.raises(SourceError) as exc:
        from_file(path)
    assert assert_one_line(exc) == f"{path}: permission denied (cannot read the file)"


def test_oversized_file(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * (MAX_BYTES + 10))
    with pytest.raises(SourceError) as exc:
        from_file(path)
    message = assert_one_line(exc)
    assert "2,000,010 bytes" in message and "the limit is 2.0 MB (2,000,000 bytes)" in message


# ---- URLs -----------------------------------------------------------------------------------


def test_url_article(pages: Pages) -> None:
    url = pages.add("/post", article_html())
    source = load(article=url)
    assert_article(source)
    assert (source.kind, source.location) == ("url", url)
    assert source.title == source.topic == "Why small teams should write things down"
    assert any(n.startswith("extracted main text from HTML") for n in source.notes)


def test_url_charset_from_header(pages: Pages) -> None:
    html = article_html("utf-8", "<p>Un café à Zürich.</p>").replace('<meta charset="utf-8">', "")
    url = pages.add("/l1", html.encode("cp1252"), content_type="text/html; charset=windows-1252")
    assert "Un café à Zürich." in from_url(url).text


def test_url_charset_from_meta(pages: Pages) -> None:
    html = article_html("iso-8859-1", "<p>Un café à Zürich.</p>")
    url = pages.add("/l1", html.encode("latin-1"), content_type="text/html")
    assert "Un café à Zürich." in from_url(url).text


def test_url_plain_text(pages: Pages) -> None:
    url = pages.add("/a.txt", "Plain text article.\r\n\r\n\r\nSecond paragraph.", content_type="text/plain")
    assert from_url(url).text == "Plain text article.\n\nSecond paragraph."


def test_url_without_content_type_is_sniffed(pages: Pages) -> None:
    assert_article(from_url(pages.add("/html", article_html(), content_type=None)))
    assert from_url(pages.add("/txt", "Just words.", content_type=None)).text == "Just words."


@pytest.mark.parametrize(
    ("status", "expected"), [(404, "HTTP 404"), (500, "HTTP 500"), (403, "HTTP 403")]
)
def test_url_http_error(pages: Pages, status: int, expected: str) -> None:
    url = pages.add("/e", "error page", status=status)
    with pytest.raises(SourceError) as exc:
        from_url(url)
    message = assert_one_line(exc)
    assert expected in message and url in message


def test_url_connection_refused() -> None:
    url = f"http://127.0.0.1:{unused_port()}/article"
    with pytest.raises(SourceError) as exc:
        from_url(url, timeout=5)
    message = assert_one_line(exc)
    assert "connection refused" in message and url in message


def test_url_timeout(pages: Pages) -> None:
    url = pages.slow("/slow")
    with pytest.raises(SourceError) as exc:
        from_url(url, timeout=0.3)
    message = assert_one_line(exc)
    assert "timed out after 0.3 s" in message and url in message


def test_url_dns_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def no_dns(*args: object, **kwargs: object) -> object:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)  # never leave the machine
    with pytest.raises(SourceError) as exc:
        from_url("https://no-such-host.invalid/post")
    assert "host name not found (DNS)" in assert_one_line(exc)


def test_url_no_article_text(pages: Pages) -> None:
    url = pages.add("/app", "<html><body><div id='root'></div><noscript>Enable JavaScript</noscript></body></html>")
    with pytest.raises(SourceError) as exc:
        from_url(url)
    assert assert_one_line(exc) == f"no article text found at {url}; paste the text instead"


@pytest.mark.parametrize("ctype", ["application/pdf", "image/png", "application/octet-stream"])
def test_url_wrong_content_type(pages: Pages, ctype: str) -> None:
    url = pages.add("/f", b"%PDF-1.4 ...", content_type=ctype)
    with pytest.raises(SourceError) as exc:
        from_url(url)
    assert f"serves {ctype}" in assert_one_line(exc)


def test_url_too_big_by_content_length(pages: Pages) -> None:
    url = pages.add("/big", b"a" * (MAX_BYTES + 1), content_type="text/plain")
    with pytest.raises(SourceError) as exc:
        from_url(url)
    assert "2,000,001 bytes" in assert_one_line(exc)


def test_url_too_big_while_streaming(pages: Pages) -> None:
    url = pages.add("/stream", article_html(), send_length=False)
    with pytest.raises(SourceError) as exc:
        from_url(url, max_bytes=500)
    assert "larger than the limit" in assert_one_line(exc)
    assert_article(from_url(url))  # the same page fits the default limit


def test_url_binary_body(pages: Pages) -> None:
    url = pages.add("/bin", b"\x00\x01\x02binary", content_type="text/plain")
    with pytest.raises(SourceError, match="looks binary"):
        from_url(url)


def test_url_empty_body(pages: Pages) -> None:
    with pytest.raises(SourceError, match="empty page"):
        from_url(pages.add("/empty", b""))


@pytest.mark.parametrize("url", ["ftp://example.com/a", "file:///etc/passwd", "http://"])
def test_url_scheme(url: str) -> None:
    with pytest.raises(SourceError, match="only http:// and https://"):
        from_url(url)


def test_import_is_light() -> None:
    root = Path(__file__).resolve().parents[1]
    code = (
        "import sys, drafter.sources.inputs; "
        "print(sorted(m for m in ('trafilatura', 'urllib.request', 'tiktoken', 'openai') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "[]"
    assert sources.MAX_BYTES == 2_000_000
