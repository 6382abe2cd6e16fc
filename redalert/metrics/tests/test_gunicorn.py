"""Several gunicorn workers, one set of figures: the web unit's own command with PROMETHEUS_MULTIPROC_DIR."""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from cryptography.fernet import Fernet

from redalert.tests.test_deploy import PRODUCTION_SECRETS, ROOT, ask

WEB_UNIT = ROOT / "deploy" / "systemd" / "redalert-web.service"


def start_web_unit(tmp_path: Path, extra_env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    """gunicorn started with the web unit's own ExecStart (paths and port adapted to this machine)."""
    unit = WEB_UNIT.read_text().replace("\\\n", " ").replace("/srv/redalert", str(ROOT))
    exec_start = re.search(r"^ExecStart=(.*)$", unit, re.MULTILINE)
    assert exec_start is not None
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        {"127.0.0.1:8000": f"127.0.0.1:{port}"}.get(arg, arg.replace("/var/log/redalert", str(tmp_path)))
        for arg in shlex.split(exec_start.group(1))
    ]
    env = {**os.environ, **PRODUCTION_SECRETS, "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(), **extra_env}
    server = subprocess.Popen(  # noqa: S603 (the command line of the repository's own unit)
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return server, port


def healthz_count(reply: bytes) -> float:
    match = re.search(
        rb'^django_http_requests_latency_seconds_by_view_method_count\{method="GET",view="healthz"\} (\S+)$',
        reply,
        re.MULTILINE,
    )
    return float(match.group(1)) if match else 0.0


def test_every_workers_requests_are_counted_in_one_scrape(tmp_path):
    folder = tmp_path / "metrics"
    folder.mkdir()
    server, port = start_web_unit(
        tmp_path,
        {
            "PROMETHEUS_MULTIPROC_DIR": str(folder),
            "METRICS_ALLOWED_NETWORKS": "198.51.100.0/24",
            "REDALERT_VAR_DIR": str(tmp_path),  # no database here: the queue figures are flagged as unreadable
        },
    )
    try:
        assert ask(port, "/healthz").startswith(b"HTTP/1.0 200")  # started
        with ThreadPoolExecutor(max_workers=6) as pool:  # at once, so that several workers answer
            replies = list(pool.map(lambda _n: ask(port, "/healthz"), range(11)))
        assert all(reply.startswith(b"HTTP/1.0 200") for reply in replies)
        assert ask(port, "/metrics").startswith(b"HTTP/1.0 404")  # the public (203.0.113.7) is refused
        # Whichever of the three workers answers the scrape, it reports the requests of all of them (at least the
        # twelve: a request sent again while gunicorn was starting counts too), every time the same total.
        counts = {healthz_count(ask(port, "/metrics", client="198.51.100.5")) for _n in range(6)}
        assert len(counts) == 1 and min(counts) >= 12, counts
        # … and the requests were served by more than one process: each keeps its histogram in its own file.
        served_by = {path.stem.rpartition("_")[2] for path in folder.glob("histogram_*.db")}
        assert len(served_by) >= 2, served_by
    finally:
        server.terminate()
        server.wait(timeout=60)
