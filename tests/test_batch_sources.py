"""drafter.sources.batch: what a batch is given (files, folders, --list, --feed) into items, and
each item read into a Source.

The feeds (tests/fixtures/feeds) are written by hand: an RSS 2.0 and an Atom feed, each with an
entry carrying its full content, one with only a summary and a link, one whose page fails (and
the RSS one an entry on a port nothing listens on). They are served on 127.0.0.1 with their
article pages by tests/pages.py; ``{base}`` and ``{dead}`` in them become that server's address
and a dead port's.
"""

from __future__ import annotations

import io
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from drafter.common.errors import SourceError
from drafter.sources import batch, feeds
from drafter.sources.batch import collect, expand, load_item, read_list
from tests.pages import Pages, pages, unused_port  # noqa: F401  (fixture)
from tests.test_sources import article_html, assert_one_line

ROOT = Path(__file__).resolve().parents[1]
FEEDS = Path(__file__).parent / "fixtures" / "feeds"
WRITE_IT_DOWN = "Why small teams should write things down"
STANDUPS = "Ten tips for remote standups"


def fixture(name: str, base: str, dead: str = "http://127.0.0.1:9") -> str:
    return (FEEDS / name).read_text(encoding="utf-8").replace("{base}", base).replace("{dead}", dead)


def serve_site(pages: Pages) -> str:
    """The articles the feeds link to (one of them, /posts/gone, answers 404)."""
    pages.add("/posts/standups", (FEEDS / "standups.html").read_bytes())
    pages.add("/posts/write-it-down", article_html())
    pages.add("/posts/gone", "gone", status=404, content_type="text/plain")
    return f"http://127.0.0.1:{unused_port()}"


def article(path: Path, words: int = 40, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text or f"# {path.stem}\n\n" + " ".join(["teams write decisions down"] * (words // 4)) + "\n",
                    encoding="utf-8")
    return path


def notes() -> tuple[list[str], object]:
    heard: list[str] = []
    return heard, heard.append


def no_connections(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every outgoing connection attempt is refused and recorded."""
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise ConnectionRefusedError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda address, *a, **k: refuse(None, address))  # type: ignore[arg-type]
    return attempts


# ---- feeds ---------------------------------------------------------------------------------


def test_an_rss_feed_over_http_into_items_and_sources(pages: Pages) -> None:
    dead = serve_site(pages)
    feed_url = pages.add("/feed.rss", fixture("field-notes.rss", pages.base, dead), content_type="application/rss+xml")
    items = collect(feeds=[feed_url], fetch_timeout=5)
    # Collecting fetched the feed and nothing else: not its DTD, image, enclosure or any link.
    assert pages.requests == ["/feed.rss"]
    assert [i.kind for i in items] == ["feed"] * 4
    assert [i.title for i in items] == [WRITE_IT_DOWN, STANDUPS, "The meeting that should have been an email",
                                        "Notes from a server that is not there"]
    assert [i.location for i in items] == [pages.base + "/posts/write-it-down", pages.base + "/posts/standups",
                                           pages.base + "/posts/gone", dead + "/posts/nowhere"]
    assert {i.feed for i in items} == {feed_url}
    assert items[0].content is not None and "decision log" in items[0].content
    assert [i.content for i in items[1:]] == [None, None, None]  # a bare summary is no article

    full = load_item(items[0], fetch_timeout=5)
    assert pages.requests == ["/feed.rss"]  # the entry's own content: its page is never fetched
    assert (full.kind, full.location, full.title, full.topic) == ("url", items[0].location, WRITE_IT_DOWN, WRITE_IT_DOWN)
    assert "decision log" in full.text and "<p>" not in full.text and "twenty minutes" in full.text

    linked = load_item(items[1], fetch_timeout=5)
    assert pages.requests == ["/feed.rss", "/posts/standups"]
    assert (linked.location, linked.title, linked.topic) == (items[1].location, STANDUPS, STANDUPS)  # not the page's
    assert "fifteen minutes" in linked.text and "All rights reserved" not in linked.text

    with pytest.raises(SourceError) as gone:
        load_item(items[2], fetch_timeout=5)
    assert "HTTP 404" in assert_one_line(gone)
    with pytest.raises(SourceError) as nowhere:
        load_item(items[3], fetch_timeout=5)
    assert "connection refused" in assert_one_line(nowhere)


def test_an_atom_feed_from_a_file_opens_no_connection(pages: Pages, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    feed = tmp_path / "field-notes.atom"
    feed.write_text(fixture("field-notes.atom", pages.base), encoding="utf-8")
    attempts = no_connections(monkeypatch)
    items = collect(feeds=[str(feed)], fetch_timeout=5)
    loaded = [load_item(items[0]), load_item(items[3])]  # the entries that carry their content
    assert attempts == [] and pages.requests == []
    monkeypatch.undo()

    assert [i.title for i in items] == [WRITE_IT_DOWN, STANDUPS, "The meeting that should have been an email",
                                        "A week without meetings"]
    assert items[0].content is not None and items[1].content is None
    assert items[2].content is None  # content of a dozen words, with a link: a teaser, the page is fetched
    assert items[3].location == f"{feed}#urn:field-notes:4" and items[3].label == f"{feed}: A week without meetings"
    assert "decision log" in loaded[0].text and loaded[0].location == pages.base + "/posts/write-it-down"
    assert loaded[1].kind == "text" and "shared document" in loaded[1].text and loaded[1].title == "A week without meetings"

    serve_site(pages)
    assert "fifteen minutes" in load_item(items[1], fetch_timeout=5).text
    with pytest.raises(SourceError) as gone:
        load_item(items[2], fetch_timeout=5)
    assert "HTTP 404" in assert_one_line(gone)
    assert pages.requests == ["/posts/standups", "/posts/gone"]


def test_an_atom_feed_over_http_with_relative_links(pages: Pages) -> None:
    """Links relative to the feed resolve against the address it was fetched from."""
    serve_site(pages)
    text = fixture("field-notes.atom", "")  # every link relative: "/posts/standups"
    url = pages.add("/blog/feed.atom", text, content_type="application/atom+xml; charset=utf-8")
    items = collect(feeds=[url], fetch_timeout=5)
    assert [i.location for i in items[:3]] == [pages.base + p for p in ("/posts/write-it-down", "/posts/standups",
                                                                        "/posts/gone")]
    assert "fifteen minutes" in load_item(items[1], fetch_timeout=5).text


HOSTILE = """<?xml version="1.0"?>
<!DOCTYPE rss [
<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
<!ENTITY secret SYSTEM "file://{secret}">
<!ENTITY remote SYSTEM "{base}/entity">
]>
<rss version="2.0"><channel><title>t</title>
<item><title>&f;</title><link>https://example.com/a</link>
<description>&secret; &remote;</description></item></channel></rss>"""


def test_a_hostile_feed_expands_no_entity_and_reads_nothing(pages: Pages, tmp_path: Path) -> None:
    """Nested entities (a "billion laughs") stay unexpanded; external ones (a local file, a URL)
    are never read."""
    secret = tmp_path / "secret.txt"
    secret.write_text("hunter2", encoding="utf-8")
    feed = tmp_path / "hostile.rss"
    feed.write_text(HOSTILE.format(secret=secret, base=pages.base), encoding="utf-8")
    [item] = collect(feeds=[str(feed)])
    assert len(item.title or "") < 100 and "hunter2" not in item.model_dump_json()
    assert pages.requests == []


def test_a_feed_in_another_charset(pages: Pages) -> None:
    """The charset the server declares is the one feedparser decodes with."""
    title = "\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440"  # Russian, in windows-1251
    body = "<?xml version='1.0'?><rss version='2.0'><channel><title>C</title><item><title>" + title + \
           "</title><link>https://example.com/hello</link></item></channel></rss>"
    url = pages.add("/1251.rss", body.encode("windows-1251"), content_type="application/rss+xml; charset=windows-1251")
    assert [i.title for i in collect(feeds=[url])] == [title]


def test_the_content_rule() -> None:
    """Full content is used from FEED_CONTENT_WORDS words up, else the link; a summary only
    when there is no link; an entry with neither fails alone when it is loaded."""
    long = "<p>" + "word " * feeds.FEED_CONTENT_WORDS + "</p>"
    short = "<p>" + "word " * (feeds.FEED_CONTENT_WORDS - 1) + "</p>"
    link = "https://example.com/a"
    html = [{"type": "text/html", "value": long}]

    def item(**entry: object):
        return feeds.entry_item(entry, "feed.xml", 7)

    assert item(link=link, content=html).content == long
    assert item(link=link, content=[{"type": "text/html", "value": short}]).content is None
    assert item(link=link, summary=long).content is None
    assert item(summary=short, summary_detail={"type": "text/html"}).content == short
    assert item(link="file:///etc/passwd", content=[{"type": "text/plain", "value": "a < b\n\nc"}]).content == \
        "<p>a &lt; b</p><p>c</p>"
    bare = item(title="Nothing here", id="tag:x,2026:7")
    assert (bare.location, bare.label, bare.content) == ("feed.xml#tag:x,2026:7", "feed.xml: Nothing here", None)
    with pytest.raises(SourceError) as nothing:
        load_item(bare)
    assert assert_one_line(nothing) == "feed.xml: Nothing here: the feed entry has no link and no content to draft from"


def test_labels_and_titles_hold_no_control_codes(tmp_path: Path) -> None:
    entry = feeds.entry_item({"title": "Red\x1b[31m alert\x07", "link": "https://example.com/a\x1b[2J"}, "f.xml", 1)
    assert (entry.title, entry.label) == ("Red alert", "https://example.com/a")
    article(tmp_path / "bell\x07.md")
    assert [i.label for i in collect([str(tmp_path)])] == [str(tmp_path / "bell.md")]


def test_feed_content_without_article_text_fails_alone() -> None:
    entry = feeds.entry_item({"title": "Pics", "content": [{"type": "text/html", "value": "<img src=x>"}]}, "f.xml", 1)
    with pytest.raises(SourceError) as exc:
        load_item(entry)
    assert "no article text found at the feed's content for f.xml: Pics" in assert_one_line(exc)


@pytest.mark.parametrize("body,content_type,why", [
    ("<!doctype html><html><body><p>A blog, not a feed.</p></body></html>", "text/html", "it is a web page"),
    ("<rss version='2.0'>\n<channel><title>x</channel></rss>", "application/rss+xml",
     "not well-formed XML: mismatched tag"),
    ("just some words", "text/plain", "not well-formed XML: syntax error"),
    ("<?xml version='1.0'?><catalog><book>A</book></catalog>", "application/xml", "no RSS or Atom elements in it"),
])
def test_a_feed_that_is_not_rss_or_atom_is_bad_input(pages: Pages, body: str, content_type: str, why: str) -> None:
    url = pages.add("/feed", body, content_type=content_type)
    with pytest.raises(SourceError) as exc:
        collect(feeds=[url], fetch_timeout=5)
    assert assert_one_line(exc).startswith(f"--feed {url} is not an RSS or Atom feed (")
    assert why in str(exc.value)


def test_a_feed_that_cannot_be_fetched_or_read_is_bad_input(pages: Pages, tmp_path: Path) -> None:
    gone = pages.add("/gone.rss", "", status=404, content_type="text/plain")
    big = pages.huge("/big.rss", feeds.MAX_FEED_BYTES + 10, send_length=False, content_type="application/rss+xml")
    image = pages.add("/logo.png", b"\x89PNG", content_type="image/png")
    empty = tmp_path / "empty.xml"
    empty.write_text("  \n", encoding="utf-8")
    too_big = tmp_path / "big.xml"
    too_big.write_bytes(b" " * (feeds.MAX_FEED_BYTES + 1))
    cases = {gone: "HTTP 404", big: "larger than the limit of 10.0 MB", str(too_big): "the limit is 10.0 MB",
             image: "serves image/png, not a web page or text, nor an RSS or Atom feed",
             str(tmp_path / "missing.xml"): "no such file", str(tmp_path): "is a folder, not a file", str(empty): "is empty",
             f"http://127.0.0.1:{unused_port()}/feed": "connection refused"}
    for feed, said in cases.items():
        with pytest.raises(SourceError) as exc:
            collect(feeds=[feed], fetch_timeout=5)
        message = assert_one_line(exc)
        assert message.startswith("--feed ") and said in message, message
        assert not any(word in message for word in ("paste", "excerpt", "article")), message  # advice for an article


def test_a_feed_is_cut_at_its_entry_bound_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feeds, "MAX_FEED_ENTRIES", 2)
    feed = tmp_path / "f.atom"
    feed.write_text(fixture("field-notes.atom", "https://example.com"), encoding="utf-8")
    heard, note = notes()
    items = collect(feeds=[str(feed)], on_note=note)
    assert [i.title for i in items] == [WRITE_IT_DOWN, STANDUPS]
    assert heard == [f"{feed}: the feed has 4 entries; the first 2 are drafted"]


def test_an_empty_feed_is_a_note_and_then_nothing_to_draft(tmp_path: Path) -> None:
    feed = tmp_path / "empty.rss"
    feed.write_text("<?xml version='1.0'?><rss version='2.0'><channel><title>Quiet</title></channel></rss>",
                    encoding="utf-8")
    heard, note = notes()
    with pytest.raises(SourceError) as exc:
        collect(feeds=[str(feed)], on_note=note)
    assert assert_one_line(exc).startswith("nothing to draft")
    assert heard == [f"{feed}: the feed has no entries"]


def test_feedparser_loads_only_for_a_feed() -> None:
    code = ("import sys; from drafter.sources import batch; batch.collect(['tests/corpus']); "
            "print('feedparser' in sys.modules, 'drafter.sources.feeds' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.stdout.split() == ["False", "False"], out.stderr


# ---- folders, files and URLs ------------------------------------------------------------------


def test_a_folder_contributes_its_articles_sorted_hidden_skipped(tmp_path: Path) -> None:
    root = tmp_path / "articles"
    for name in ("b.md", "a.txt", "c.html", "d.htm", "e.markdown", "sub/f.MD", "sub/deeper/g.txt"):
        article(root / name)
    for name in (".hidden.md", ".drafts/h.md", "sub/.cache/i.txt", "notes.pdf", "data.json", "README", "x.md.bak"):
        article(root / name)
    (root / "elsewhere").symlink_to(tmp_path / "outside", target_is_directory=True)
    article(tmp_path / "outside" / "j.md")
    items = collect([str(root)])
    assert [i.label for i in items] == [str(root / n) for n in ("a.txt", "b.md", "c.html", "d.htm", "e.markdown",
                                                                "sub/deeper/g.txt", "sub/f.MD")]
    assert {i.kind for i in items} == {"file"} and [i.location for i in items] == [i.label for i in items]


def test_a_bad_file_inside_a_folder_fails_alone(tmp_path: Path) -> None:
    good = article(tmp_path / "a" / "good.md")
    (tmp_path / "a" / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    (tmp_path / "a" / "empty.md").write_text("", encoding="utf-8")
    items = collect([str(tmp_path / "a")])
    assert [Path(i.location).name for i in items] == ["binary.txt", "empty.md", "good.md"]
    for item, said in zip(items[:2], ("looks binary", "is empty")):
        with pytest.raises(SourceError) as exc:
            load_item(item)
        assert said in assert_one_line(exc)
    assert load_item(items[2]).location == str(good)


def test_sources_in_order_and_each_once(pages: Pages, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    article(tmp_path / "corpus" / "a.md")
    article(tmp_path / "corpus" / "b.md")
    (tmp_path / "alias.md").symlink_to(tmp_path / "corpus" / "a.md")
    serve_site(pages)
    url = pages.base + "/posts/write-it-down"
    shout = url.replace("http://127.0.0.1", "HTTP://127.0.0.1") + "#comments"
    feed = tmp_path / "feed.rss"
    feed.write_text(fixture("field-notes.rss", pages.base), encoding="utf-8")
    heard, note = notes()
    items = collect(["corpus/b.md", "corpus", url, "./corpus/a.md", "alias.md", shout], feeds=[str(feed), str(feed)],
                    on_note=note)
    assert [i.label for i in items] == ["corpus/b.md", "corpus/a.md", url, pages.base + "/posts/standups",
                                        pages.base + "/posts/gone", "http://127.0.0.1:9/posts/nowhere"]
    assert items[2].kind == "url"  # the URL given came first; the feed's entry for it is left out
    assert heard == ["5 duplicate sources left out (each is drafted once)"]


def test_expand_is_the_source_arguments_alone(tmp_path: Path) -> None:
    article(tmp_path / "a.md")
    (tmp_path / "empty").mkdir()
    assert expand([]) == [] and expand([str(tmp_path / "empty")]) == []
    assert [i.location for i in expand([str(tmp_path), str(tmp_path / "a.md")])] == [str(tmp_path / "a.md")]


# ---- lists --------------------------------------------------------------------------------


LIST = """\
# This week's reading
articles/one.md
   articles/two.txt

  # indented comment
../shared/three.md
{url}
articles
{abs}
"""


def test_a_list_file_paths_relative_to_its_folder_comments_urls(pages: Pages, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "work"
    lists = tmp_path / "lists"
    for name in ("articles/one.md", "articles/two.txt", "articles/four.md"):
        article(lists / name)
    article(tmp_path / "shared" / "three.md")
    absolute = article(tmp_path / "abs.md")
    url = pages.add("/post", article_html())
    (lists / "reading.txt").write_text(LIST.format(url=url, abs=absolute), encoding="utf-8")
    work.mkdir()
    monkeypatch.chdir(work)  # relative entries are relative to the list, not to the current folder
    items = collect(list_files=["../lists/reading.txt"])
    base = "../lists"
    assert [i.label for i in items] == [f"{base}/articles/one.md", f"{base}/articles/two.txt",
                                        f"{base}/../shared/three.md", url, f"{base}/articles/four.md", str(absolute)]
    assert [i.kind for i in items] == ["file", "file", "file", "url", "file", "file"]
    assert [load_item(i).location for i in (items[0], items[2])] == [f"{base}/articles/one.md", f"{base}/../shared/three.md"]
    assert pages.requests == []  # a list's URLs are fetched by load_item, not while collecting


def test_a_list_on_stdin_is_relative_to_the_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    article(tmp_path / "a.md")
    article(tmp_path / "b.md")
    stdin = io.BytesIO(b"# piped\na.md\nb.md\na.md\n")
    assert [i.label for i in collect(list_files=["-"], stdin=stdin)] == ["a.md", "b.md"]
    assert read_list("-", io.BytesIO(b"\xef\xbb\xbfa.md\r\n\r\n#x\r\n")) == ["a.md"]
    with pytest.raises(SourceError) as endless:
        read_list("-", io.BytesIO(b"a.md\n" * 500_000))
    assert assert_one_line(endless) == "the --list on stdin is larger than the limit of 2.0 MB (2,000,000 bytes)"


def test_a_list_that_cannot_be_read_is_bad_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "binary.lst").write_bytes(b"a.md\n\x00\x00\x00")
    (tmp_path / "latin1.lst").write_bytes("caf\xe9.md\n".encode("latin-1"))
    (tmp_path / "typo.lst").write_text("# ok\nmissing.md\n", encoding="utf-8")
    (tmp_path / "dir.lst").mkdir()
    cases = {"nope.lst": "--list nope.lst: no such file", "binary.lst": "--list binary.lst is binary",
             "latin1.lst": "--list latin1.lst is not UTF-8", "dir.lst": "--list dir.lst is a folder",
             "typo.lst": "--list typo.lst: missing.md: no such file or folder"}
    for name, said in cases.items():
        with pytest.raises(SourceError) as exc:
            collect(list_files=[name])
        assert assert_one_line(exc).startswith(said), str(exc.value)
        assert "article" not in str(exc.value), str(exc.value)


def test_a_list_past_its_bound_is_bad_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "MAX_LIST_ENTRIES", 3)
    (tmp_path / "l.txt").write_text("# four entries\na\nb\nc\nd\n", encoding="utf-8")
    with pytest.raises(SourceError) as exc:
        collect(list_files=[str(tmp_path / "l.txt")])
    assert assert_one_line(exc) == f"--list {tmp_path / 'l.txt'} has 4 entries; the limit is 3: split it"


# ---- bad input ------------------------------------------------------------------------------


def test_a_source_that_does_not_exist_is_bad_input(tmp_path: Path) -> None:
    article(tmp_path / "a.md")
    with pytest.raises(SourceError) as exc:
        collect([str(tmp_path / "a.md"), "nowhere/b.md"])
    assert assert_one_line(exc) == "nowhere/b.md: no such file or folder"
    with pytest.raises(SourceError) as stdin:
        collect(["-"])
    assert assert_one_line(stdin).endswith("pipe a list of paths and URLs to --list -")


def test_nothing_to_draft_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.pdf").write_bytes(b"%PDF")
    heard, note = notes()
    with pytest.raises(SourceError) as exc:
        collect([str(tmp_path / "empty")], on_note=note)
    assert assert_one_line(exc) == f"nothing to draft: no .txt, .md or .html files in {tmp_path / 'empty'}"
    assert heard == [f"{tmp_path / 'empty'}: no .txt, .md or .html files in this folder"]
    with pytest.raises(SourceError) as none:
        collect()
    assert assert_one_line(none).startswith("nothing to draft: give article files, folders, URLs")


def test_the_batch_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "MAX_ITEMS", 2)
    for name in "abc":
        article(tmp_path / f"{name}.md")
    with pytest.raises(SourceError) as folder:
        collect([str(tmp_path)])
    assert "holds more than 2 articles" in assert_one_line(folder)
    with pytest.raises(SourceError) as many:
        collect([str(tmp_path / f"{n}.md") for n in "abc"])
    assert assert_one_line(many) == "more than 2 sources in one batch: split it into smaller batches"
