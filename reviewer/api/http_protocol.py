"""The HTTP protocol `reviewer serve` runs: uvicorn's httptools protocol (HTTP/1.1 pipelining
answered in order) with a deadline for the request headers.

uvicorn bounds the idle time between requests (keep-alive) but not how long a client may take to
send a request's headers, so a slow client (slowloris) could hold a connection open forever.
Here a timer starts when the connection opens and when a request begins; the headers must be
complete before it fires (``REVIEWER_HEADER_TIMEOUT``), or the connection is closed with one
info line in the log. The body's deadline is the SlowBodies middleware's (reviewer.api.overload).
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def protocol_class():
    """The protocol class for ``uvicorn.run(http=…)``; "auto" when httptools is not installed."""
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:  # pragma: no cover - httptools comes with uvicorn[standard]
        log.warning("httptools is not installed: no header timeout, no HTTP/1.1 pipelining (pip install 'uvicorn[standard]')")
        return "auto"

    class TimedHeaders(HttpToolsProtocol):
        _header_timer = None

        def _arm(self) -> None:
            if self._header_timer is None:
                from reviewer.settings import get_settings

                self._header_timer = self.loop.call_later(get_settings().header_timeout, self._headers_too_slow)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _headers_too_slow(self) -> None:
            self._header_timer = None
            log.info("closed a connection from %s: request headers not received in time (REVIEWER_HEADER_TIMEOUT)",
                     "%s:%d" % self.client if self.client else "?")
            self.transport.close()

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._arm()

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._arm()

        def on_headers_complete(self) -> None:
            self._disarm()
            super().on_headers_complete()

        def connection_lost(self, exc) -> None:
            self._disarm()
            super().connection_lost(exc)

    return TimedHeaders
