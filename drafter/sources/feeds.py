"""An RSS or Atom feed (``drafter batch --feed``) into batch items, one per entry.

The feed's bytes are read here, by drafter: a file with the checks every input file has, or a URL
fetched by :mod:`drafter.sources.fetch` (one deadline, a size cap). feedparser is given those
bytes as a stream, never a URL or a path, so it never opens a connection or a file by itself
(and it does not fetch external DTDs). Entry links are fetched later, one item at a time, by
:func:`drafter.sources.batch.load_item`.

Which text of an entry is drafted (:func:`load_entry`): the feed has the post, or its link has it.

- The entry's own content (``content:encoded`` in RSS, ``<content>`` in Atom) is kept on its item
  whatever its length. With at least :data:`FEED_CONTENT_WORDS` words it is the article: the link
  is not fetched (unless the content holds no article text, then the link is tried).
- Shorter, it may be a teaser, so the link is fetched, and the longer of the page's text and the
  content's is drafted (a paywall's first lines do not beat the whole short post the feed has).
  When the link fails (an HTTP error, no answer in time, a page with no article text), the
  entry's own content is drafted (the Source's notes say why). Only when the content is too
  little as well does the entry fail, with the fetch's reason.
- A summary (RSS ``<description>``, Atom ``<summary>``) is a teaser, not the article: it is used
  only by an entry with no link and no content, since it is all the feed has.
"""

from __future__ import annotations

import html
import io
from pathlib import Path
from typing import Any, Callable

from ..common.errors import SourceError
from ..common.safe_text import one_line
from ..common.urls import display_url
from ..models.batch import BatchItem
from ..models.source import Source
from .fetch import FETCH_TIMEOUT, fetch
from .inputs import from_html, from_url, is_url, read_file
from .batch import without_article_advice

MAX_FEED_BYTES = 10_000_000
"""Largest feed read, in bytes (a file, or a URL's body)."""
MAX_FEED_ENTRIES = 500
"""Entries taken from one feed (the first ones, in the feed's order: usually the newest)."""
FEED_CONTENT_WORDS = 100
"""Words an entry's own content needs to be taken as the full article without fetching its link
(a shorter one may be a teaser: the link is fetched, and the longer text drafted)."""
FEED_TYPES = frozenset({
    "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml",
    "application/x-rss+xml", "application/x-atom+xml", "application/octet-stream", "text/html", "text/plain",
})
"""Content types a feed URL may answer with (servers label feeds loosely; feedparser decides)."""
MAX_TITLE = 300
"""Characters of an entry's title (or id) kept."""
_HTML_CONTENT = ("text/html", "application/xhtml+xml")


def feed_label(feed: str) -> str:
    """How messages name a feed: a URL as :func:`display_url` shows it, a file as given."""
    return one_line(display_url(feed.strip()) if is_url(feed) else feed)


def read_feed(feed: str, *, fetch_timeout: float = FETCH_TIMEOUT,
              on_note: Callable[[str], None] | None = None) -> list[BatchItem]:
    """The items of a feed (a file or an http(s) URL), in the feed's order.

    A feed that cannot be read or fetched, or that is not RSS or Atom, is bad input
    (:class:`SourceError`, exit 2): nothing has run yet. A feed with more than
    :data:`MAX_FEED_ENTRIES` entries contributes the first ones, and says so through ``on_note``.
    """
    label = feed_label(feed)
    data, headers = _feed_bytes(feed.strip(), label, fetch_timeout)
    import feedparser  # only a batch with --feed pays for it

    # A stream, never bytes or a string: given those, feedparser tries them as a path or a URL.
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    entries = list(parsed.get("entries") or [])
    if not entries and (not parsed.get("version") or _malformed(parsed)):
        raise SourceError(f"--feed {label} is not an RSS or Atom feed ({_why_not(parsed, data)})")
    if not entries and on_note:
        on_note(f"{label}: the feed has no entries")
    if len(entries) > MAX_FEED_ENTRIES:
        if on_note:
            on_note(f"{label}: the feed has {len(entries):,} entries; the first {MAX_FEED_ENTRIES:,} are drafted")
        entries = entries[:MAX_FEED_ENTRIES]
    return [entry_item(entry, label, n) for n, entry in enumerate(entries, 1)]


def _feed_bytes(feed: str, label: str, timeout: float) -> tuple[bytes, dict[str, str]]:
    """The feed's bytes and the headers feedparser is told about (its type, its address)."""
    if is_url(feed):
        try:
            page = fetch(feed, timeout=timeout, max_bytes=MAX_FEED_BYTES, accept=FEED_TYPES)
        except SourceError as exc:
            message = without_article_advice(exc)
            if message.endswith(", not a web page or text"):  # a type FEED_TYPES does not hold
                message += ", nor an RSS or Atom feed"
            raise SourceError(f"--feed {message}") from None
        headers = {"content-location": page.url}
        if page.content_type and page.charset:  # without a charset, feedparser reads the XML declaration
            headers["content-type"] = f"{page.content_type}; charset={page.charset}"
        return page.data, headers
    if not Path(feed).expanduser().exists():
        raise SourceError(f"--feed {feed}: no such file (give a feed file, or an http(s) URL)")
    try:
        data = read_file(feed, max_bytes=MAX_FEED_BYTES)
    except SourceError as exc:
        raise SourceError(f"--feed {without_article_advice(exc)}") from None
    if not data.strip():
        raise SourceError(f"--feed {label} is empty, not an RSS or Atom feed")
    return data, {"content-type": "application/xml"}


def _malformed(parsed: Any) -> bool:
    """The XML itself is broken (rather than labelled or encoded loosely, which feedparser forgives)."""
    return callable(getattr(parsed.get("bozo_exception"), "getLineNumber", None))


def _why_not(parsed: Any, data: bytes) -> str:
    """Why feedparser found no feed, in a few words."""
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "it is a web page: give the address of its feed, often linked as RSS"
    if _malformed(parsed):  # xml.sax's SAXParseException (its line numbers count a line feedparser adds)
        return f"not well-formed XML: {one_line(str(parsed['bozo_exception'].getMessage()))}"
    return "no RSS or Atom elements in it"


def entry_item(entry: Any, feed: str, n: int) -> BatchItem:
    """One entry as an item: its link and its own content (HTML), whatever its length; an entry
    with neither link nor content keeps its summary. :func:`load_entry` decides which is drafted;
    an entry with nothing becomes an item that fails alone when it is loaded."""
    title = one_line(str(entry.get("title") or ""), limit=MAX_TITLE) or None
    link = str(entry.get("link") or "").strip()
    link = link if is_url(link) else ""  # a mailto:, file: or relative link is no page to fetch
    content = _best([(c.get("type"), c.get("value")) for c in entry.get("content") or []])
    if content is None and not link:  # the summary is all there is
        content = _best([(entry.get("summary_detail", {}).get("type"), entry.get("summary"))])
    if link:
        location, label = link, one_line(display_url(link))
    else:
        ident = one_line(str(entry.get("id") or ""), limit=MAX_TITLE) or f"entry {n}"
        location, label = f"feed:{feed}#{ident}", f"{feed}: {title or ident}"  # not a URL: nothing to fetch
    return BatchItem(kind="feed", location=location, label=label, title=title, content=content, feed=feed)


def load_entry(item: BatchItem, *, fetch_timeout: float = FETCH_TIMEOUT) -> Source:
    """The Source of a feed entry's item, by the rule in the module docstring: its location is
    the entry's link (or the feed and the entry's id), its title the entry's. :class:`SourceError`
    when neither the link nor the entry's own content gives an article."""
    link = item.location if is_url(item.location) else None
    own: Source | None = None
    own_error: SourceError | None = None
    if item.content is not None:
        try:
            own = from_html(_as_page(item.content), item.location, "url" if link else "text", title=item.title,
                            where="the feed entry's own content")
        except SourceError as exc:
            own_error = exc
    if link is None:
        if own is not None:
            return own
        raise own_error or SourceError("the feed entry has no link and no content to draft from")
    if own is not None and _words(item.content or "") >= FEED_CONTENT_WORDS:
        return own  # the feed has the whole post
    try:
        page = from_url(link, timeout=fetch_timeout)
    except SourceError as exc:
        reason = without_article_advice(exc)
        if own is None:
            raise SourceError(f"{reason}; the feed's own content has too little text to draft from" if item.content
                              else reason) from None
        why = reason.removesuffix("; check the address")
        return own.model_copy(update={"notes": [*own.notes, f"its page could not be used ({why}): drafted from the "
                                                            "feed's own content"]})
    if own is not None and len(own.text.split()) > len(page.text.split()):
        note = "its page has less text than the feed's own content: drafted from the feed's own content"
        return own.model_copy(update={"notes": [*own.notes, note]})
    if item.title:
        page = page.model_copy(update={"title": item.title, "topic": item.title})
    return page


def _as_page(markup: str) -> str:
    """An entry's content (an HTML fragment) as a page, so the extractor reads it as the article
    it is (given a bare ``<p>``, trafilatura finds no article at all)."""
    head = markup.lstrip()[:200].lower()
    if head.startswith(("<!doctype", "<html")):
        return markup
    return f"<html><body><article>{markup}</article></body></html>"


def _best(candidates: list[tuple[Any, Any]]) -> str | None:
    """The longest of an entry's content values, as HTML (plain text is escaped into paragraphs)."""
    best: str | None = None
    for kind, value in candidates:
        if not isinstance(value, str) or not value.strip():
            continue
        as_html = value if (kind or "text/html") in _HTML_CONTENT else _paragraphs(value)
        if best is None or len(as_html) > len(best):
            best = as_html
    return best


def _paragraphs(text: str) -> str:
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n")]
    return "".join(f"<p>{html.escape(b)}</p>" for b in blocks if b)


def _words(markup: str) -> int:
    """Words of text in an HTML fragment."""
    import lxml.html

    try:
        return len(lxml.html.fragment_fromstring(markup, create_parent="div").text_content().split())
    except Exception:  # lxml refuses some fragments (nothing but a comment, say)
        return 0
