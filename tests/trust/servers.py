"""Start the loopback LLM server and the page server a case asks for, outside pytest too."""

from __future__ import annotations

import contextlib
import threading
from http.server import ThreadingHTTPServer
from typing import Iterator

from tests.loopback import Loopback
from tests.pages import Pages, _handler

from .contract import Case, Servers


@contextlib.contextmanager
def servers_for(case: Case) -> Iterator[Servers]:
    """Servers for ``case`` (only those it uses), stopped on exit."""
    with contextlib.ExitStack() as stack:
        servers = Servers()
        if case.llm is not None:
            lb = Loopback().start()
            stack.callback(lb.stop)
            lb.script(*case.llm)
            servers.llm = lb.base_url
            servers.chat_requests = lambda: len(lb.chat_requests)
        if case.web is not None:
            release = threading.Event()
            pages = Pages("")
            server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(pages, release))
            server.daemon_threads = True
            pages.base = "http://%s:%d" % server.server_address[:2]
            pages.routes.update(case.web)
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
            thread.start()

            def stop() -> None:
                release.set()
                server.shutdown()
                server.server_close()

            stack.callback(stop)
            servers.web = pages.base
        yield servers
