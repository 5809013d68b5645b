"""Start and stop our own Streamlit servers for the browser figures.

Each server runs ``streamlit run`` headless on a free localhost port, with
usage statistics off and its own SQLite file, exactly as a person would run
it. Cold start is the time from starting the command to a healthy server
(``/_stcore/health`` answers 200).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.stats import ROOT

STARTUP_LIMIT_S = 120


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    proc: subprocess.Popen
    url: str
    cold_start_s: float
    log: Path

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def rss_mb(self) -> float:
        """Resident memory of the server and its children, from /proc (MB)."""
        return sum(_rss_kb(pid) for pid in _tree(self.proc.pid)) / 1024


def _tree(pid: int) -> list[int]:
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            for child in task.read_text().split():
                pids.extend(_tree(int(child)))
    return pids


def _rss_kb(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def start(
    script: Path, workdir: Path, root: Path = ROOT, extra_env: dict[str, str] | None = None
) -> Server:
    """Run ``streamlit run SCRIPT`` in ``root``; return once healthy, with the cold start time.

    ``root`` is the checkout whose ``backcare`` package the app imports: this
    one by default, or another copy (``python -m bench --app-dir``).
    ``extra_env`` adds to (or overrides) the environment of the server.
    """
    port = free_port()
    log = workdir / f"{script.stem}-{port}.log"
    env = {
        **os.environ,
        "BACKCARE_DB_URL": f"sqlite:///{workdir / f'bench-{port}.sqlite'}",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        **(extra_env or {}),
    }
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    url = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + STARTUP_LIMIT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early; log:\n{log.read_text()[-3000:]}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r,
        ):
            if r.status == 200:
                return Server(proc, url, time.perf_counter() - started, log)
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"streamlit did not become healthy; log:\n{log.read_text()[-3000:]}")
