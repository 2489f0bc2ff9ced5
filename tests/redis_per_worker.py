"""A pytest plugin for scale-out runs with xdist: each worker gets a Redis database of its own.

    python -m pytest -p tests.redis_per_worker -n 2 ...   (tests/scale_out.py adds it)

Workers share one redis-server; without this they would share cache keys (throttle counts,
cached links, live-session state) and judge each other's tests. Loaded with `-p`, this module
runs before Django reads its settings, in the main process and in every worker, so it can
point REDIS_URL at database N for worker gwN. PostgreSQL needs nothing: pytest-django gives
each worker its own test database.
"""

from __future__ import annotations

import os
import re

_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
_url = os.environ.get("REDIS_URL", "")
if _worker.startswith("gw") and _url:
    index = int(_worker.removeprefix("gw"))
    os.environ["REDIS_URL"] = re.sub(r"(/\d+)?$", f"/{index}", _url, count=1)
