"""gunicorn settings module for Prometheus in several worker processes: `gunicorn -c python:redalert.metrics.gunicorn`.

With PROMETHEUS_MULTIPROC_DIR set (an empty folder only the web service writes, emptied before each start), every
worker writes its counters and histograms to files there and a scrape of /metrics adds them up. When a worker dies,
its live gauges must go: `child_exit` tells prometheus_client so. Without PROMETHEUS_MULTIPROC_DIR this does nothing.
"""

from __future__ import annotations

import os
from typing import Any


def child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
