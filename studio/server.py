"""Daphne as the studio runs it: `python -m studio.server [daphne options] studio.asgi:application`.

The same command line as `daphne`, with these differences. The access log's lines go
through `studio.lib.redact` first, so that PMA.core clients' `password=` and `sessionID=`
query parameters and share tokens never reach it in clear. And Twisted does not parse
form bodies itself: it would read every multipart body whole into memory for a
`request.args` that Daphne never uses (a 500 MB upload took 42 s that way instead of a few),
and Django parses the body anyway. Memory that C libraries free goes back to the system
(`studio.lib.native_memory`), and the cycle collector pauses less (`studio.lib.collector`).
`manage.py serve` (and so `make run`) starts Daphne this way.
"""

from __future__ import annotations

import sys
from typing import Any

from daphne import cli
from daphne.access import AccessLogGenerator
from daphne.http_protocol import WebRequest
from twisted.internet import reactor  # Daphne's asyncio reactor, installed by daphne.cli

from studio.lib.collector import collect_less_often, set_startup_aside
from studio.lib.native_memory import return_freed_memory
from studio.lib.redact import redact


class RedactedAccessLog(AccessLogGenerator):
    def write_entry(self, host: Any, date: Any, request: str, *args: Any, **kwargs: Any) -> None:
        super().write_entry(host, date, redact(request), *args, **kwargs)


def leave_form_bodies_to_django() -> None:
    if getattr(WebRequest, "_forms_left_to_django", False):
        return
    original = WebRequest.__init__

    def init(self: WebRequest, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self._parsePOSTFormSubmission = False

    WebRequest.__init__ = init  # type: ignore[method-assign]
    WebRequest._forms_left_to_django = True  # type: ignore[attr-defined]


def main(argv: list[str] | None = None) -> None:
    # Daphne's command line builds its access log from this module-level name.
    cli.AccessLogGenerator = RedactedAccessLog  # type: ignore[misc]
    leave_form_bodies_to_django()
    return_freed_memory()
    collect_less_often()
    # Daphne loads the application before it starts the reactor.
    reactor.callWhenRunning(set_startup_aside)
    cli.CommandLineInterface().run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    main()
