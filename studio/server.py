"""Daphne as the studio runs it: `python -m studio.server [daphne options] studio.asgi:application`.

The same command line as `daphne`; the only difference is the access log, whose lines go
through `studio.lib.redact` first, so that PMA.core clients' `password=` and `sessionID=`
query parameters and share tokens never reach it in clear. `manage.py serve` (and so
`make run`) starts Daphne this way.
"""

from __future__ import annotations

import sys
from typing import Any

from daphne import cli
from daphne.access import AccessLogGenerator

from studio.lib.redact import redact


class RedactedAccessLog(AccessLogGenerator):
    def write_entry(self, host: Any, date: Any, request: str, *args: Any, **kwargs: Any) -> None:
        super().write_entry(host, date, redact(request), *args, **kwargs)


def main(argv: list[str] | None = None) -> None:
    # Daphne's command line builds its access log from this module-level name.
    cli.AccessLogGenerator = RedactedAccessLog  # type: ignore[misc]
    cli.CommandLineInterface().run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    main()
