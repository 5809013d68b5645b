"""Nothing leaves the machine: the server's own start-up makes no outside request."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tomllib

from bench.servers import free_port
from tests.helpers import ROOT

BANNER_WAIT_S = 60


def test_config_turns_off_usage_statistics_and_the_ip_lookup():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["browser"]["gatherUsageStats"] is False
    assert config["browser"]["serverAddress"] == "localhost"


def test_headless_start_does_not_look_up_the_public_ip(tmp_path):
    """Started as on a server with no screen and no address flag, Streamlit would ask
    an outside service for the public IP and print "External URL" (offline: "Did not
    auto detect external IP"). The config must stop that."""
    log = tmp_path / "streamlit.log"
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.port",
        str(free_port()),
        "--server.headless",
        "true",
    ]
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
