"""Start BackCare for the person at this computer (``bash scripts/run-app.sh`` runs this).

Why not plain ``streamlit run app.py``: that listens on every network interface,
answers any Host name, and looks up the machine's public IP address whenever a
page on another site opens a WebSocket to it. This starts the same server with:

* ``--server.address 127.0.0.1``: only this computer can connect;
* ``--server.allowedHosts`` localhost, 127.0.0.1 and ::1: a WebSocket that names
  any other host (a DNS-rebinding page) is refused before the app runs;
* `pages.shell.safe.block_ip_lookups`: no public-IP lookup, on any path.

Extra arguments go to Streamlit AFTER ours, so they win: serving to a network is
an explicit choice, for example (docs/security.md):

    bash scripts/run-app.sh --server.address 0.0.0.0 --server.allowedHosts 192.168.1.20

These are not in .streamlit/config.toml because hosting services such as
Streamlit Community Cloud start the app with that file and their own address.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCAL_ONLY = (
    "--server.address",
    "127.0.0.1",
    "--server.allowedHosts",
    "localhost",
    "--server.allowedHosts",
    "127.0.0.1",
    "--server.allowedHosts",
    "::1",
)


def command(extra: list[str]) -> list[str]:
    """The ``streamlit`` arguments: run the app on this computer only, then ``extra``."""
    return ["run", str(ROOT / "app.py"), *LOCAL_ONLY, *extra]


def main(extra: list[str]) -> None:
    sys.path.insert(0, str(ROOT))
    # After the path is set, so this runs from any folder.
    from streamlit.web import cli  # noqa: PLC0415

    from pages.shell.safe import block_ip_lookups  # noqa: PLC0415 (after the path is set)

    block_ip_lookups()
    cli.main(args=command(extra), prog_name="streamlit")


if __name__ == "__main__":
    main(sys.argv[1:])
