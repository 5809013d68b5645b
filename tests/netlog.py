"""Test tool, never used by the app: run a Python program with every attempt to reach
another machine written to a log file.

    python tests/netlog.py LOG scripts/serve.py --server.port 8600 ...
    python tests/netlog.py LOG -m streamlit run app.py --server.port 8600 ...

Before the program starts, `socket.getaddrinfo` (every name lookup, including
the ones ``requests`` and asyncio make) and `socket.socket.connect` /
``connect_ex`` (every TCP or UDP connect) are wrapped. A name that is not
localhost, or an address that is not loopback, is appended to LOG as one line:
``dns NAME``, ``tcp HOST PORT`` or ``udp HOST PORT``, and then refused as if
the machine were offline, so a test never sends anything out. An empty LOG
means the program never tried to reach anyone. Wrapping inside the process
(instead of sitecustomize or a proxy) keeps the check to exactly the server
under test.
"""

from __future__ import annotations

import errno
import ipaddress
import runpy
import socket
import sys
from pathlib import Path

LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", ""})


def _is_local(host: object) -> bool:
    if host is None:
        return True
    name = host.decode() if isinstance(host, bytes) else str(host)
    if name.lower() in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(name.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def install(log: Path) -> None:
    """Wrap this process's socket calls: an outside target is logged to ``log``, then refused."""

    def record(line: str) -> None:
        with log.open("a", encoding="utf-8") as out:
            out.write(line + "\n")

    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def getaddrinfo(host, *args, **kwargs):
        if not _is_local(host):
            record(f"dns {host}")
            raise socket.gaierror(socket.EAI_NONAME, "refused by tests/netlog.py")
        return real_getaddrinfo(host, *args, **kwargs)

    def _check(sock: socket.socket, address) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
            kind = "tcp" if sock.type == socket.SOCK_STREAM else "udp"
            record(f"{kind} {address[0]} {address[1]}")
            raise OSError(errno.ENETUNREACH, "refused by tests/netlog.py")

    def connect(self, address):
        _check(self, address)
        return real_connect(self, address)

    def connect_ex(self, address):
        _check(self, address)
        return real_connect_ex(self, address)

    socket.getaddrinfo = getaddrinfo
    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex


def main(argv: list[str]) -> None:
    log, target, *rest = argv
    install(Path(log))
    if target == "-m":
        module, *rest = rest
        sys.argv = [module, *rest]
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    else:
        sys.argv = [target, *rest]
        runpy.run_path(target, run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
