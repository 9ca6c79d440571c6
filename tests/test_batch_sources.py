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
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from drafter.common.errors import SourceError
from drafter.sources import batch, feeds
from drafter.sources.batch import collect, expand, load_item, read_list
from drafter.sources.fetch import MAX_REDIRECTS
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
    assert "Read it on the site" in (items[2].content or "")  # a dozen words, kept: its page is fetched first
    assert items[3].location == f"feed:{feed}#urn:field-notes:4" and items[3].label == f"{feed}: A week without meetings"
    assert "decision log" in loaded[0].text and loaded[0].location == pages.base + "/posts/write-it-down"
    assert loaded[1].kind == "text" and "shared document" in loaded[1].text and loaded[1].title == "A week without meetings"

    serve_site(pages)
    assert "fifteen minutes" in load_item(items[1], fetch_timeout=5).text
    with pytest.raises(SourceError) as gone:
        load_item(items[2], fetch_timeout=5)
    assert "HTTP 404" in assert_one_line(gone)  # and the content is too little to fall back on
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
    """An entry's own content is kept whatever its length (used alone from FEED_CONTENT_WORDS
    words up, else with its link: see the short-posts tests); a summary only when there is no
    link and no content; an entry with neither fails alone when it is loaded."""
    long = "<p>" + "word " * feeds.FEED_CONTENT_WORDS + "</p>"
    short = "<p>" + "word " * (feeds.FEED_CONTENT_WORDS - 1) + "</p>"
    link = "https://example.com/a"
    html = [{"type": "text/html", "value": long}]

    def item(**entry: object):
        return feeds.entry_item(entry, "feed.xml", 7)

    assert item(link=link, content=html).content == long
    assert item(link=link, content=[{"type": "text/html", "value": short}]).content == short
    assert item(link=link, summary=long).content is None
    assert item(summary=short, summary_detail={"type": "text/html"}).content == short
    assert item(link="file:///etc/passwd", content=[{"type": "text/plain", "value": "a < b\n\nc"}]).content == \
        "<p>a &lt; b</p><p>c</p>"
    bare = item(title="Nothing here", id="tag:x,2026:7")
    assert (bare.location, bare.label, bare.content) == ("feed:feed.xml#tag:x,2026:7", "feed.xml: Nothing here", None)
    with pytest.raises(SourceError) as nothing:
        load_item(bare)
    assert assert_one_line(nothing) == "the feed entry has no link and no content to draft from"  # the label says which


def test_labels_and_titles_hold_no_control_codes(tmp_path: Path) -> None:
    entry = feeds.entry_item({"title": "Red\x1b[31m alert\x07", "link": "https://example.com/a\x1b[2J"}, "f.xml", 1)
    assert (entry.title, entry.label) == ("Red alert", "https://example.com/a")
    article(tmp_path / "bell\x07.md")
    assert [i.label for i in collect([str(tmp_path)])] == [str(tmp_path / "bell.md")]


def test_feed_content_without_article_text_fails_alone() -> None:
    entry = feeds.entry_item({"title": "Pics", "content": [{"type": "text/html", "value": "<img src=x>"}]}, "f.xml", 1)
    with pytest.raises(SourceError) as exc:
        load_item(entry)
    assert assert_one_line(exc) == "no article text found at the feed entry's own content"


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
    assert why in str(exc.value) and str(exc.value).count(url) == 1 and str(exc.value).count("--feed") == 1


def test_a_feed_that_cannot_be_fetched_or_read_is_bad_input(pages: Pages, tmp_path: Path) -> None:
    gone = pages.add("/gone.rss", "", status=404, content_type="text/plain")
    big = pages.huge("/big.rss", feeds.MAX_FEED_BYTES + 10, send_length=False, content_type="application/rss+xml")
    image = pages.add("/logo.png", b"\x89PNG", content_type="image/png")
    empty = tmp_path / "empty.xml"
    empty.write_text("  \n", encoding="utf-8")
    too_big = tmp_path / "big.xml"
    too_big.write_bytes(b" " * (feeds.MAX_FEED_BYTES + 1))
    binary = tmp_path / "feed.bin"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" * 20)
    os.mkfifo(tmp_path / "feed.fifo")
    cases = {str(binary): "is not an RSS or Atom feed (not well-formed XML", str(tmp_path / "feed.fifo"): "a FIFO",
             gone: "HTTP 404", big: "larger than the limit of 10.0 MB", str(too_big): "the limit is 10.0 MB",
             image: "serves image/png, not a web page or text, nor an RSS or Atom feed",
             str(tmp_path / "missing.xml"): "no such file", str(tmp_path): "is a folder, not a file", str(empty): "is empty",
             f"http://127.0.0.1:{unused_port()}/feed": "connection refused"}
    for feed, said in cases.items():
        with pytest.raises(SourceError) as exc:
            collect(feeds=[feed], fetch_timeout=5)
        message = assert_one_line(exc)
        assert message.startswith("--feed ") and said in message, message
        assert message.count("--feed") == 1 and message.count(feeds.feed_label(feed)) == 1, message  # its prefix once
        assert not any(word in message for word in (*ARTICLE_ADVICE, "article")), message  # advice for an article


def test_a_feed_is_cut_at_its_entry_bound_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feeds, "MAX_FEED_ENTRIES", 2)
    feed = tmp_path / "f.atom"
    feed.write_text(fixture("field-notes.atom", "https://example.com"), encoding="utf-8")
    heard, note = notes()
    items = collect(feeds=[str(feed)], on_note=note)
    assert [i.title for i in items] == [WRITE_IT_DOWN, STANDUPS]
    assert heard == [f"{feed}: the feed has 4 entries; the first 2 are drafted"]


def test_an_empty_feed_is_a_note_or_the_one_line_of_nothing_to_draft(tmp_path: Path) -> None:
    feed = tmp_path / "empty.rss"
    feed.write_text("<?xml version='1.0'?><rss version='2.0'><channel><title>Quiet</title></channel></rss>",
                    encoding="utf-8")
    heard, note = notes()
    with pytest.raises(SourceError) as exc:
        collect(feeds=[str(feed)], on_note=note)
    assert assert_one_line(exc) == f"nothing to draft: no entries in the feed {feed}"
    assert heard == []  # the one line says it
    article(tmp_path / "a.md")
    assert len(collect([str(tmp_path / "a.md")], feeds=[str(feed)], on_note=note)) == 1
    assert heard == [f"{feed}: the feed has no entries"]


def test_feedparser_loads_only_for_a_feed() -> None:
    code = ("import sys; from drafter.sources import batch; batch.collect(['tests/corpus']); "
            "print('feedparser' in sys.modules, 'drafter.sources.feeds' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.stdout.split() == ["False", "False"], out.stderr


# ---- a feed entry's own content, and its link ---------------------------------------------------

LOGIN_WALL = """<!doctype html><html><head><title>Sign in | Product Diary</title></head><body>
<nav><a href="/">Home</a> <a href="/pricing">Pricing</a></nav><form><input name="email"><button>Sign in</button></form>
</body></html>"""
PAYWALL = """<!doctype html><html><head><title>Why we priced per team</title></head><body><main><article>
<h1>Why we priced per team</h1>
<p>We moved from per-seat to per-team pricing in May, and the reasons surprised us more than the
numbers did. Subscribe to keep reading this post and every other one we write.</p>
</article></main></body></html>"""


def short_posts(pages: Pages) -> list:
    """The items of tests/fixtures/feeds/short-posts.rss: each entry carries its own (mostly
    short) post; its link answers 404, a login wall, a longer page, a shorter page, never, 404
    (for a seven-word teaser), and is not served at all (for a long post)."""
    pages.add("/posts/office-hours", LOGIN_WALL)
    pages.add("/posts/standups", (FEEDS / "standups.html").read_bytes())
    pages.add("/posts/pricing", PAYWALL)
    pages.slow("/posts/slow")
    url = pages.add("/short.rss", fixture("short-posts.rss", pages.base), content_type="application/rss+xml")
    return collect(feeds=[url], fetch_timeout=5)


def test_an_entrys_own_short_post_is_drafted_when_its_link_fails(pages: Pages) -> None:
    """Content under FEED_CONTENT_WORDS words sends drafter to the link; when the page cannot
    be used (404, not an article, no answer in time), the entry's own content is drafted."""
    dark, office, _, _, slow, _, _ = short_posts(pages)
    assert all(i.content for i in (dark, office, slow))  # kept on the item, whatever its length
    for item, timeout, phrase, why in ((dark, 5, "sixty-one percent", "HTTP 404"),
                                       (office, 5, "Thursday at three", "no article text"),
                                       (slow, 1, "another region", "timed out")):
        source = load_item(item, fetch_timeout=timeout)
        assert phrase in source.text and "<p>" not in source.text
        assert (source.kind, source.location, source.title) == ("url", item.location, item.title)
        assert any(why in note and "the feed's own content" in note for note in source.notes), source.notes
    assert pages.requests.count("/posts/dark-mode") == 1 and "/posts/office-hours" in pages.requests


def test_the_longer_of_the_page_and_the_entrys_own_content_is_drafted(pages: Pages) -> None:
    _, _, standups, pricing, _, _, _ = short_posts(pages)
    page = load_item(standups, fetch_timeout=5)
    assert "Rotate the time every month" in page.text and "two time zones" not in page.text  # the page is longer
    assert page.title == "Standups, shorter"
    own = load_item(pricing, fetch_timeout=5)  # the page is a paywall's opening lines
    assert "twice as many people" in own.text and "Subscribe" not in own.text
    assert "/posts/pricing" in pages.requests


def test_long_content_with_no_article_text_sends_drafter_to_the_link(pages: Pages) -> None:
    pages.add("/posts/standups", (FEEDS / "standups.html").read_bytes())
    table = "<table>" + "<tr><td>Monday</td> <td>standup at nine, fifteen minutes</td></tr>\n" * 20 + "</table>"
    item = feeds.entry_item({"title": "The rota", "link": pages.base + "/posts/standups",
                             "content": [{"type": "text/html", "value": table}]}, "f.xml", 1)
    assert feeds._words(table) >= feeds.FEED_CONTENT_WORDS
    assert "Rotate the time every month" in load_item(item, fetch_timeout=5).text
    assert pages.requests == ["/posts/standups"]


def test_an_entry_with_too_little_content_fails_with_its_links_reason(pages: Pages) -> None:
    *_, teaser, long = short_posts(pages)
    with pytest.raises(SourceError) as exc:
        load_item(teaser, fetch_timeout=5)
    message = assert_one_line(exc)
    assert "HTTP 404" in message and "the feed's own content has too little text" in message, message
    assert "paste" not in message
    whole = load_item(long, fetch_timeout=5)  # one long paragraph, whole in the feed: no fetch
    assert "nineteen steps" in whole.text and "/posts/one-long-paragraph" not in pages.requests


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


def test_a_link_with_tracking_parameters_is_the_same_source_and_the_same_place() -> None:
    from drafter.models.batch import BatchItem
    from drafter.sources.batch import identity

    plain = "https://example.com/posts/one?page=2"
    tracked = ["https://example.com/posts/one?utm_source=rss&page=2&utm_medium=feed",
               "https://EXAMPLE.com/posts/one?page=2&fbclid=abc#comments", "https://example.com/posts/one?page=2&UTM_Campaign=x"]
    items = expand([plain, *tracked])
    assert [i.location for i in items] == [plain]  # each is drafted once
    assert len({identity(BatchItem(kind="url", location=u, label=u)) for u in [plain, *tracked]}) == 1
    other = BatchItem(kind="url", location="https://example.com/posts/one?page=3", label="p3")
    assert identity(other) != identity(items[0])  # a parameter that names the page is kept


def test_expand_is_the_source_arguments_alone(tmp_path: Path) -> None:
    article(tmp_path / "a.md")
    (tmp_path / "empty").mkdir()
    assert expand([]) == [] and expand([str(tmp_path / "empty")]) == []
    assert [i.location for i in expand([str(tmp_path), str(tmp_path / "a.md")])] == [str(tmp_path / "a.md")]


ARTICLE_ADVICE = ("paste", "excerpt", "stdin", "topic", "article file", "pipe the")
"""Words of the advice the shared readers give the one article of drafter draft."""


def test_every_item_failure_says_why_once_without_advice_for_one_article(pages: Pages, tmp_path: Path) -> None:
    """Each reason load_item can give, as the failure line shows it after the item's label."""
    folder = tmp_path / "in"
    article(folder / "good.md")
    (folder / "empty.md").write_text("", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01PK\x03\x04" * 50)
    (folder / "big.txt").write_bytes(b"word " * 400_001)
    (folder / "latin1.txt").write_bytes("caf\xe9 au lait, ".encode("latin-1") * 20)
    (folder / "utf16.txt").write_bytes("teams write".encode("utf-16"))
    (folder / "nav.html").write_text(LOGIN_WALL, encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.md")
    urls = [pages.add("/404", "gone", status=404, content_type="text/plain"), pages.slow("/slow"),
            pages.add("/logo.png", b"\x89PNG", content_type="image/png"),
            pages.huge("/big", 2_000_100, send_length=False), pages.huge("/big-known", 2_000_100),
            pages.redirect("/loop", "/loop"), pages.add("/empty", b"", content_type="text/html"),
            pages.add("/login", LOGIN_WALL), f"http://127.0.0.1:{unused_port()}/refused"]
    entries = [feeds.entry_item(e, "f.xml", n) for n, e in enumerate([
        {"title": "Nothing"}, {"title": "Pics", "content": [{"type": "text/html", "value": "<img src=x>"}]},
        {"title": "Bell", "content": [{"type": "text/plain", "value": "\x07\x01\x02\x03" * 50}]},
        {"title": "Teaser", "link": pages.base + "/teaser",
         "content": [{"type": "text/html", "value": "<p>More soon.</p>"}]},
    ], 1)]
    items = collect([str(folder), str(tmp_path / "pipe.md"), str(tmp_path / "missing.md"), *urls]) + entries
    reasons = {}
    for item in items:
        if item.label.endswith("good.md"):
            continue
        with pytest.raises(SourceError) as exc:
            load_item(item, fetch_timeout=1)
        reasons[item.label.removeprefix(str(tmp_path)).removeprefix(pages.base)] = reason = assert_one_line(exc)
        assert not any(word in reason for word in ARTICLE_ADVICE), (item.label, reason)
        assert item.label not in reason and str(SourceError(item.location)) not in reason, (item.label, reason)
    assert reasons == {
        "/in/big.txt": "is 2.0 MB (2,000,005 bytes); the limit is 2.0 MB (2,000,000 bytes)",
        "/in/binary.txt": "looks binary, not text",
        "/in/empty.md": "is empty",
        "/in/latin1.txt": "is not UTF-8 (byte 0xe9 at offset 3) and declares no encoding: save it as UTF-8",
        "/in/nav.html": "no article text found",
        "/in/utf16.txt": "is UTF-16 text: save it as UTF-8 and try again",
        "/pipe.md": "is a FIFO (named pipe), not a regular file",
        "/missing.md": "no such file or folder",
        "/404": "answered HTTP 404 Not Found; check the address",
        "/slow": "cannot fetch: timed out after 1 s; check the address",
        "/logo.png": "serves image/png, not a web page or text",
        "/big": "is larger than the limit of 2.0 MB (2,000,000 bytes)",
        "/big-known": "is 2.0 MB (2,000,100 bytes); the limit is 2.0 MB (2,000,000 bytes)",
        "/loop": f"cannot fetch: more than {MAX_REDIRECTS} redirects (a redirect loop?); check the address",
        "/empty": "returned an empty page",
        "/login": "no article text found",
        urls[-1]: "cannot fetch: connection refused; check the address",
        "f.xml: Nothing": "the feed entry has no link and no content to draft from",
        "f.xml: Pics": "no article text found at the feed entry's own content",
        "f.xml: Bell": "the feed entry's own content looks binary, not text",
        "/teaser": "answered HTTP 404 Not Found; check the address; the feed's own content has too little text "
                   "to draft from",
    }


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


def test_a_list_comment_starts_at_a_hash_after_white_space(tmp_path: Path) -> None:
    listed = tmp_path / "week.txt"
    listed.write_text("# week 48\n"
                      "https://example.com/post   # from the newsletter\n"
                      "https://example.com/page#part\n"
                      "notes/a.md\t# tab, then a comment\n"
                      "notes/b#2.md\n"
                      "  # indented comment\n"
                      "#no space is a comment too\n", encoding="utf-8")
    assert read_list(str(listed)) == ["https://example.com/post", "https://example.com/page#part", "notes/a.md",
                                      "notes/b#2.md"]


def test_a_list_that_cannot_be_read_is_bad_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "binary.lst").write_bytes(b"a.md\n\x00\x00\x00")
    (tmp_path / "latin1.lst").write_bytes("caf\xe9.md\n".encode("latin-1"))
    (tmp_path / "typo.lst").write_text("# ok\nmissing.md\n", encoding="utf-8")
    (tmp_path / "dir.lst").mkdir()
    cases = {"nope.lst": "--list nope.lst: no such file", "binary.lst": "--list binary.lst is binary",
             "latin1.lst": "--list latin1.lst is not UTF-8", "dir.lst": "--list dir.lst is a folder",
             "typo.lst": "nothing to draft: no such file or folder: missing.md (--list typo.lst)"}
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


def test_a_path_that_does_not_exist_fails_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Like a dead URL: one item that fails when it is loaded, the rest go on."""
    monkeypatch.chdir(tmp_path)
    article(tmp_path / "a.md")
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "week.txt").write_text("../a.md\ngone.md\n", encoding="utf-8")
    (tmp_path / "dangling.md").symlink_to(tmp_path / "no-target.md")
    items = collect(["a.md", "nowhere/b.md", str(tmp_path / "dangling.md")], list_files=["lists/week.txt"])
    assert [i.label for i in items] == ["a.md", "nowhere/b.md", str(tmp_path / "dangling.md"), "lists/gone.md"]
    assert load_item(items[0]).location == "a.md"
    for item in items[1:]:
        with pytest.raises(SourceError) as exc:
            load_item(item)
        assert assert_one_line(exc) == "no such file or folder"  # the failure line: "failed nowhere/b.md: no such ..."


def test_nothing_found_at_all_is_one_line_naming_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    (tmp_path / "week.txt").write_text("# only typos\nmisspelt.md   # the first\n", encoding="utf-8")
    heard, note = notes()
    with pytest.raises(SourceError) as exc:
        collect(["a.md", "b.md", "a.md", "c.md", "d.md", "empty"], list_files=["week.txt"], on_note=note)
    assert assert_one_line(exc) == ("nothing to draft: no such file or folder: a.md, b.md, c.md and 2 more; "
                                    "no .txt, .md or .html files in empty")
    assert heard == []
    with pytest.raises(SourceError) as listed:
        collect(list_files=["week.txt"])
    assert assert_one_line(listed) == "nothing to draft: no such file or folder: misspelt.md (--list week.txt)"


def test_a_bad_source_argument_is_bad_input() -> None:
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
    assert heard == []  # the one line says it: no note before it
    article(tmp_path / "a.md")
    assert len(collect([str(tmp_path / "empty"), str(tmp_path / "a.md")], on_note=note)) == 1
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


# ---- through drafter batch ---------------------------------------------------------------------


CORPUS_ARTICLE = ROOT / "tests" / "corpus" / "example-article.md"


def run_batch(capsys: pytest.CaptureFixture[str], workspace: Path, *argv: str) -> tuple[int, list[dict], str]:
    import json

    from drafter.cli.main import main

    code = main(["--workspace", str(workspace), "batch", *argv, "--engine", "offline", "--json"])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def test_a_missing_path_in_a_list_is_one_failure_and_the_rest_are_drafted(capsys, pages: Pages, tmp_path: Path,
                                                                          workspace_dir: Path) -> None:
    url = pages.add("/page2", article_html())
    listed = tmp_path / "week.txt"
    listed.write_text(f"# week 48\n{CORPUS_ARTICLE}\n{tmp_path}/nope/gone.md\n{url}   # from the newsletter\n",
                      encoding="utf-8")
    code, lines, err = run_batch(capsys, workspace_dir, "--list", str(listed))
    assert code == 1, err  # one item failed; the others were drafted
    by_source = {line["source"]: (line["status"], line["error"]) for line in lines}
    assert by_source == {str(CORPUS_ARTICLE): ("drafted", None), url: ("drafted", None),
                         f"{tmp_path}/nope/gone.md": ("failed", "no such file or folder")}
    assert f"failed {tmp_path}/nope/gone.md: no such file or folder" in err and pages.requests == ["/page2"]


def test_nothing_found_is_the_one_line_of_bad_input(capsys, tmp_path: Path, workspace_dir: Path) -> None:
    (tmp_path / "empty").mkdir()
    for argv, said in (([str(tmp_path / "empty")], f"no .txt, .md or .html files in {tmp_path / 'empty'}"),
                       ([str(tmp_path / "a.md"), str(tmp_path / "b.md")],
                        f"no such file or folder: {tmp_path / 'a.md'}, {tmp_path / 'b.md'}")):
        code, lines, err = run_batch(capsys, workspace_dir, *argv)
        assert (code, lines, err) == (2, [], f"drafter: nothing to draft: {said}\n")


def test_a_feed_whose_links_fail_is_drafted_from_its_own_posts(capsys, pages: Pages, workspace_dir: Path) -> None:
    short_posts(pages)
    pages.add("/posts/slow", "moved", status=410, content_type="text/plain")  # no wait for the default timeout
    code, lines, err = run_batch(capsys, workspace_dir, "--feed", pages.base + "/short.rss")
    assert code == 1, err
    failed = [(line["source"], line["error"]) for line in lines if line["status"] == "failed"]
    assert failed == [(pages.base + "/posts/teaser", "answered HTTP 404 Not Found; check the address; the feed's "
                       "own content has too little text to draft from")]
    assert sum(line["status"] == "drafted" for line in lines) == 6
    # a post drafted from the feed's own content because its page failed says so in its line
    assert any("its page could not be used" in (line["note"] or "") for line in lines if line["status"] == "drafted")


def test_the_list_help_states_the_comment_rule() -> None:
    from drafter.cli.batch import run

    [listed] = [p for p in run.params if p.name == "lists"]
    assert "# at a line's start or after a space starts a comment" in (listed.help or "")


def test_entries_without_a_link_in_a_feed_served_by_url_are_one_source_each(capsys, pages: Pages,
                                                                             workspace_dir: Path) -> None:
    from html import escape

    body = escape("".join(f"<p>{p}</p>" for p in CORPUS_ARTICLE.read_text(encoding="utf-8").split("\n\n")[1:]))
    entries = "".join(f"<item><title>Note {i}</title><guid isPermaLink=\"false\">entry {i}</guid>"
                      f"<content:encoded>{body} Note {i}.</content:encoded></item>" for i in range(3))
    feed = pages.add("/notes.xml", '<?xml version="1.0"?><rss version="2.0" '
                     'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Notes</title>'
                     f"{entries}<item><title>Short</title><guid isPermaLink=\"false\">entry 9</guid></item>"
                     "</channel></rss>",
                     content_type="application/rss+xml")
    code, lines, err = run_batch(capsys, workspace_dir, "--feed", feed)
    assert sorted(line["status"] for line in lines) == ["drafted", "drafted", "drafted", "failed"], err
    assert "duplicate" not in err
    [failed] = [line for line in lines if line["status"] == "failed"]
    assert failed["error"] == "the feed entry has no link and no content to draft from"
    assert pages.requests.count("/notes.xml") == 1  # the feed is read once, never fetched as an entry's page
