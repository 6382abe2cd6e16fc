"""A real varnishd with deploy/varnish/redalert.vcl in front of a local server, for the tests and bench/edge_cache.py.

It runs on free ports with a temporary work directory; as root, varnishd's own jail runs the cache as its
unprivileged users (varnish, vcache). Only the backend's port changes in the VCL (and, in front of a server that
does not read the PROXY protocol, such as the test's live server, the `.proxy_header` line goes).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

VARNISHD = os.environ.get("VARNISHD", "/usr/sbin/varnishd")
VCL = Path(__file__).resolve().parents[3] / "deploy" / "varnish" / "redalert.vcl"


def available() -> bool:
    return Path(VARNISHD).exists()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Varnish:
    url: str  # the public listener (http)
    purge_url: str  # the purge listener (EDGE_VARNISH_URLS)
    process: subprocess.Popen[bytes]


def vcl_for(backend_port: int, *, proxy_header: bool) -> str:
    text = VCL.read_text()
    if '.port = "8000";' not in text:
        raise RuntimeError(f"{VCL}: the backend's port line changed; update this harness.")
    text = text.replace('.port = "8000";', f'.port = "{backend_port}";')
    if not proxy_header:
        text = text.replace(".proxy_header = 1;", "")
    return text


def _wait_for(port: int, process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"varnishd stopped: {process.stderr.read().decode() if process.stderr else ''}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("varnishd did not listen in time")


@contextmanager
def running_varnish(backend_port: int, *, proxy_header: bool = False, memory: str = "64m") -> Iterator[Varnish]:
    workdir = Path(tempfile.mkdtemp(prefix="redalert-varnish-"))
    os.chmod(workdir, 0o755)  # noqa: S103 (the jailed cache process, another user, reads its files)
    vcl = workdir / "redalert.vcl"
    vcl.write_text(vcl_for(backend_port, proxy_header=proxy_header))
    vcl.chmod(0o644)
    http_port, purge_port = free_port(), free_port()
    command = [
        VARNISHD,
        "-F",
        "-n", str(workdir / "n"),
        "-a", f"http=127.0.0.1:{http_port}",
        "-a", f"purge=127.0.0.1:{purge_port}",
        "-T", "none",
        "-f", str(vcl),
        "-s", f"malloc,{memory}",
        "-p", "ban_lurker_sleep=0.1",
    ]  # fmt: skip
    if os.geteuid() != 0:
        command[1:1] = ["-j", "none"]  # an unprivileged user runs it as herself
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603 (our own command)
    try:
        _wait_for(http_port, process)
        _wait_for(purge_port, process)
        yield Varnish(f"http://127.0.0.1:{http_port}", f"http://127.0.0.1:{purge_port}/", process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(workdir, ignore_errors=True)
