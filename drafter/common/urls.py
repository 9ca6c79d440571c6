"""URLs as drafter shows them: never with user info (``user:key@``), a query or a fragment.

:func:`display_url` is the one redaction of a URL; every message, label, note or saved field
that shows a URL goes through it (or through :func:`redact_urls` for free text holding URLs).
:func:`check_base_url` is the one check of a server URL, used when the settings are loaded.
Stdlib only, so the offline path can import it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_URL_IN_TEXT = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://\S+")
_TRAILING = "'\")]}>,.;:!?"
"""Punctuation after a URL in prose (kept as text: it cannot hold a secret)."""
_SCHEMELESS = re.compile(r"^(?:[^/?#@]*@)?([^?#]*)")


def display_url(url: str) -> str:
    """``url`` without user info, query or fragment (and no trailing ``/``): safe to print,
    to save and to use as a cache key. Never raises, whatever the text."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:  # a bad port or bracket: keep only what cannot hold a secret
        parts, host, port = None, "", None
    if parts is None or not parts.scheme or not parts.netloc:
        match = _SCHEMELESS.match(url.split("://", 1)[-1])
        rest = match.group(1) if match else ""
        scheme = url.split("://", 1)[0] + "://" if "://" in url else ""
        return (scheme + rest).rstrip("/")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host + (f":{port}" if port is not None else "")
    return f"{parts.scheme}://{netloc}{parts.path}".rstrip("/")


def redact_urls(text: str) -> str:
    """``text`` with every URL in it shown as :func:`display_url` shows it."""
    def shown(match: re.Match[str]) -> str:
        url = match.group(0)
        core = url.rstrip(_TRAILING)
        return display_url(core) + url[len(core):]

    return _URL_IN_TEXT.sub(shown, text)


def check_base_url(url: str) -> str:
    """``url`` if it is an http:// or https:// URL with a valid host (a name or an IP address)
    and port, without white space; else ValueError saying so (without echoing the URL, which
    may hold a key)."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise ValueError("is not a valid URL (check the host and port)") from None
    if "://" not in url or parts.scheme.lower() not in ("http", "https"):
        shown = f"{parts.scheme}://" if parts.scheme and "://" in url else "no scheme"
        raise ValueError(f"must start with http:// or https:// (got {shown}), e.g. http://localhost:11434/v1")
    if not host:
        raise ValueError("has no host, e.g. http://localhost:11434/v1")
    if any(c.isspace() for c in url.strip()):
        raise ValueError("contains white space (encode it as %20, or remove it)")
    if not _valid_host(host):
        raise ValueError("has a host that is not a valid name or IP address (letters, digits, - and . only; "
                         "each label at most 63 characters)")
    if parts.port == 0:
        raise ValueError("has port 0 (use a port from 1 to 65535)")
    return url.strip()


_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
"""One DNS label as resolvers accept it (``_`` too: some local setups use it)."""


def _valid_host(host: str) -> bool:
    """True for an IP address or a host name (an international one in its IDNA form)."""
    import ipaddress

    try:
        ipaddress.ip_address(host.split("%", 1)[0] if ":" in host else host)
        return True
    except ValueError:
        if ":" in host:
            return False
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:  # an empty or over-long label, or characters IDNA cannot carry
        return False
    labels = ascii_host[:-1].split(".") if ascii_host.endswith(".") else ascii_host.split(".")
    return len(ascii_host) <= 253 and all(_LABEL.fullmatch(label) for label in labels)
