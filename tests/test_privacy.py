"""Nothing leaves the machine, and the local start is reachable from this machine only.

Real servers, no browser: each test starts Streamlit the way a person or a host
does and talks to it over a socket. Outbound attempts are caught by
``tests/netlog.py`` (it logs, then refuses, so nothing is ever sent).
"""

from __future__ import annotations

import base64
import contextlib
import os
import shutil
import subprocess
import sys
import time
import tomllib
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.servers import free_port
from tests.helpers import ROOT

BANNER_WAIT_S = 60
STARTUP_LIMIT_S = 90
#: Streamlit's IP lookup has a 1 s timeout and one retry: wait longer than that.
LOOKUP_WAIT_S = 3.0
NETLOG = ROOT / "tests" / "netlog.py"
HEADLESS = ["--server.headless", "true", "--server.fileWatcherType", "none"]


def test_config_turns_off_usage_statistics_and_the_ip_lookup():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["browser"]["gatherUsageStats"] is False
    assert config["browser"]["serverAddress"] == "localhost"
    assert config["server"]["enableCORS"] is True
    assert config["server"]["enableXsrfProtection"] is True


def test_config_leaves_the_address_to_the_start_script():
    """A hosting service starts the app with this file: a loopback address or a host
    allow-list here would make a hosted BackCare unreachable (docs/security.md)."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert "address" not in config["server"]
    assert "allowedHosts" not in config["server"]


def test_the_start_script_puts_local_only_first_so_a_person_can_choose_otherwise():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import serve
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    args = serve.command(["--server.address", "0.0.0.0"])
    assert args[:2] == ["run", str(ROOT / "app.py")]
    assert args[2:4] == ["--server.address", "127.0.0.1"]
    assert args[-2:] == ["--server.address", "0.0.0.0"]  # later flags win in click
    hosts = [args[i + 1] for i, a in enumerate(args) if a == "--server.allowedHosts"]
    assert hosts == ["localhost", "127.0.0.1", "::1"]


def test_headless_start_does_not_look_up_the_public_ip(tmp_path):
    """Started as on a server with no screen and no address flag, Streamlit would ask
    an outside service for the public IP and print "External URL" (offline: "Did not
    auto detect external IP"). The config must stop that."""
    log = tmp_path / "streamlit.log"
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(free_port())]
    cmd += ["--server.headless", "true"]
    env_db = {"BACKCARE_DB_URL": f"sqlite:///{tmp_path / 'privacy.sqlite'}"}
    with log.open("w") as out:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **env_db}
        )
    try:
        deadline = time.monotonic() + BANNER_WAIT_S
        while "URL:" not in log.read_text(encoding="utf-8") and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(2.5)  # a lookup, if any, has a 1 s timeout and one retry
        text = log.read_text(encoding="utf-8")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert "URL: http://localhost:" in text, text
    assert "External URL" not in text and "external IP" not in text, text


# ---------------------------------------------------------------- live servers


@contextlib.contextmanager
def serving(cmd: list[str], tmp: Path, port: int) -> Iterator[Path]:
    """Run ``cmd`` (a Streamlit server on ``port``) until healthy; yield its log file."""
    log = tmp / f"server-{port}.log"
    env = {
        **os.environ,
        "BACKCARE_HOME": str(tmp / "home"),  # a local visitor's diary would go here
        "BACKCARE_DB_URL": "",
        "BACKCARE_STORAGE": "",  # the default: no setting at all
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    }
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + STARTUP_LIMIT_S
        while not _healthy(port):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the server did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.1)
        yield log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _healthy(port: int) -> bool:
    with contextlib.suppress(OSError):
        url = f"http://127.0.0.1:{port}/_stcore/health"
        with urllib.request.urlopen(url, timeout=2) as answer:
            return answer.status == 200
    return False


def websocket_status(port: int, host: str, origin: str) -> int:
    """The HTTP status a browser's WebSocket handshake with this Host and Origin gets."""
    import socket

    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        "GET /_stcore/stream HTTP/1.1\r\n"
        f"Host: {host}\r\nOrigin: {origin}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Protocol: streamlit\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(request.encode())
        status_line = conn.recv(200).decode("latin-1").split("\r\n", 1)[0]
    return int(status_line.split()[1])


def listening_addresses(port: int) -> list[str]:
    """Every local address a TCP socket listens on for ``port``, from ``ss -ltnH``."""
    out = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True, check=True).stdout
    found = []
    for line in out.splitlines():
        local = line.split()[3]  # State Recv-Q Send-Q Local:Port Peer:Port
        address, _, bound = local.rpartition(":")
        if bound == str(port):
            found.append(address)
    return found


def run_app(port: int) -> list[str]:
    return ["bash", "scripts/run-app.sh", "--server.port", str(port), *HEADLESS]


@pytest.mark.skipif(shutil.which("ss") is None, reason="needs `ss` (Debian: iproute2)")
def test_run_app_listens_on_loopback_only(tmp_path):
    port = free_port()
    with serving(run_app(port), tmp_path, port):
        addresses = listening_addresses(port)
    assert addresses == ["127.0.0.1"], addresses  # not 0.0.0.0, *, [::] or a LAN address


def test_run_app_refuses_a_websocket_for_a_foreign_host_name(tmp_path):
    """DNS rebinding: a page at backcare.test, resolved to 127.0.0.1, must not get in."""
    port = free_port()
    with serving(run_app(port), tmp_path, port):
        foreign = websocket_status(port, f"backcare.test:{port}", f"http://backcare.test:{port}")
        local = websocket_status(port, f"localhost:{port}", f"http://localhost:{port}")
    assert (foreign, local) == (403, 101)


def _cross_origin_attempts(cmd: list[str], tmp: Path, port: int) -> list[str]:
    log = tmp / f"netlog-{port}.txt"
    log.touch()
    with serving([sys.executable, str(NETLOG), str(log), *cmd], tmp, port):
        assert websocket_status(port, f"127.0.0.1:{port}", "http://evil.example") == 403
        time.sleep(LOOKUP_WAIT_S)
    return log.read_text(encoding="utf-8").splitlines()


def test_a_cross_origin_websocket_makes_the_local_start_reach_no_one(tmp_path):
    port = free_port()
    serve = [str(ROOT / "scripts" / "serve.py"), "--server.port", str(port), *HEADLESS]
    assert _cross_origin_attempts(serve, tmp_path, port) == []


def test_control_plain_streamlit_run_looks_up_the_ip_for_a_cross_origin_websocket(tmp_path):
    """Why scripts/serve.py blocks the lookup: no config option stops this in Streamlit
    1.67 (the config sets browser.serverAddress). If this starts failing, Streamlit
    changed: update docs/security.md. The recorder refuses the lookup, so nothing is sent."""
    port = free_port()
    plain = ["-m", "streamlit", "run", "app.py", "--server.port", str(port), *HEADLESS]
    attempts = _cross_origin_attempts(plain, tmp_path, port)
    assert "dns checkip.amazonaws.com" in attempts, attempts
