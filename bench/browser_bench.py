"""Figures 4-6 in a real headless Chromium: first question, memory, cold start.

We start our own servers (``bench.servers``): the app, and a one-line "hello"
Streamlit app written to a temporary folder, served the same way in the same
run. Each visit uses a fresh browser context (a new visitor: new session, empty
cache). Every server is visited once before timing, so the figures are for a
running server, not for its first script run (reported on its own).
"""

from __future__ import annotations

import contextlib
import re
import statistics
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from backcare.content.questionnaire import load as load_questionnaire
from bench import servers
from bench.stats import CHROMIUM, ROOT, Figure, ratios

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HELLO = 'import streamlit as st\nst.write("hello")\n'
CHECK_PAGE = "pages/symptom_check.py"
#: Spec budgets.
BUDGET_VISIBLE_RATIO = 1.3
BUDGET_RSS_MB = 400.0
SESSIONS = 10
WAIT_MS = 120_000


class _Visitor:
    """Opens fresh contexts and counts any request that leaves this machine."""

    def __init__(self, browser):
        self.browser = browser
        self.external: set[str] = set()

    def new_page(self):
        context = self.browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(WAIT_MS)
        page = context.new_page()
        page.on("request", self._watch)
        return context, page

    def _watch(self, request) -> None:
        host = urlsplit(request.url).hostname
        if host and host not in {"127.0.0.1", "localhost"}:
            self.external.add(request.url)

    def seconds_to(self, url: str, text: str) -> float:
        """From navigation to ``text`` visible, in a new context."""
        context, page = self.new_page()
        try:
            start = time.perf_counter()
            page.goto(url, wait_until="commit")
            page.get_by_text(text, exact=True).filter(visible=True).first.wait_for()
            return time.perf_counter() - start
        finally:
            context.close()


def check_path(root: Path = ROOT) -> str:
    """The symptom check's address, as app.py sets it (url_path, or the file name)."""
    text = (root / "app.py").read_text(encoding="utf-8")
    call = re.search(r'st\.Page\(\s*"' + re.escape(CHECK_PAGE) + r'"[^)]*\)', text)
    custom = re.search(r'url_path\s*=\s*"([^"]*)"', call.group(0)) if call else None
    return "/" + (custom.group(1) if custom else Path(CHECK_PAGE).stem)


def first_question() -> str:
    return load_questionnaire().steps[0].questions[0].text


def _wait_done(page) -> None:
    page.wait_for_timeout(250)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')


def _rss_with_sessions(visitor: _Visitor, server: servers.Server, url: str, text: str) -> float:
    opened = []
    try:
        for _ in range(SESSIONS):
            context, page = visitor.new_page()
            opened.append(context)
            page.goto(url)
            page.get_by_text(text, exact=True).filter(visible=True).first.wait_for()
            _wait_done(page)
        time.sleep(1.0)  # let the server settle after the last run
        return server.rss_mb()
    finally:
        for context in opened:
            context.close()


@dataclass
class Session:
    """What a browser figure works in: a temporary folder holding the hello app, one
    Chromium visitor, and the servers started for it (all stopped at the end)."""

    work: Path
    hello_py: Path
    visitor: _Visitor
    started: list[servers.Server] = field(default_factory=list)

    def start(self, script: Path, *args: Any) -> servers.Server:
        server = servers.start(script, self.work, *args)
        self.started.append(server)
        return server


@contextlib.contextmanager
def session(hello: str) -> Iterator[Session]:
    """A `Session` whose hello app is the script ``hello``; stopping a server twice is
    harmless, so a figure may stop its own servers early."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="backcare-bench-") as tmp, sync_playwright() as pw:
        work = Path(tmp)
        hello_py = work / "hello.py"
        hello_py.write_text(hello, encoding="utf-8")
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        current = Session(work, hello_py, _Visitor(browser))
        try:
            yield current
        finally:
            for server in current.started:
                server.stop()
            browser.close()


def run(repeats: int, cold_repeats: int, rss_repeats: int) -> list[Figure]:
    question = first_question()
    path = check_path()
    with session(HELLO) as bench:
        visitor = bench.visitor
        cold = {"app": [], "hello": []}
        first_visit = {"app": [], "hello": []}
        app = hello = None
        for i in range(cold_repeats):
            for name in ("hello", "app"):
                server = bench.start(ROOT / "app.py" if name == "app" else bench.hello_py)
                cold[name].append(server.cold_start_s)
                url, text = (
                    (server.url + path, question) if name == "app" else (server.url, "hello")
                )
                first_visit[name].append(visitor.seconds_to(url, text))
                if i < cold_repeats - 1:
                    server.stop()
                elif name == "app":
                    app = server
                else:
                    hello = server
        assert app is not None and hello is not None
        idle = {"app": app.rss_mb(), "hello": hello.rss_mb()}
        seen_app, seen_hello = [], []
        for _ in range(repeats):
            seen_hello.append(visitor.seconds_to(hello.url, "hello"))
            seen_app.append(visitor.seconds_to(app.url + path, question))
        rss_app, rss_hello = [], []
        for _ in range(rss_repeats):
            rss_hello.append(_rss_with_sessions(visitor, hello, hello.url, "hello"))
            rss_app.append(_rss_with_sessions(visitor, app, app.url + path, question))
    leaks = f"; {len(visitor.external)} requests left localhost!" if visitor.external else ""
    ms = lambda xs: tuple(x * 1e3 for x in xs)  # noqa: E731
    return [
        Figure(
            "4. hello: navigation to 'hello' visible",
            "ms",
            ms(seen_hello),
            note="wall clock, as every figure 4 and 6",
        ),
        Figure(
            "4. app: navigation to first question visible",
            "ms",
            ms(seen_app),
            note=f"symptom check, '{question}'{leaks}",
        ),
        Figure(
            "4. first question / hello", "x", ratios(seen_app, seen_hello), BUDGET_VISIBLE_RATIO
        ),
        Figure(
            "4. app: first visit after start (first script run)",
            "ms",
            ms(first_visit["app"]),
            note=f"hello: {statistics.median(first_visit['hello']) * 1e3:.0f} ms",
        ),
        Figure(
            f"5. app server RSS, {SESSIONS} sessions on the symptom check",
            "MB",
            tuple(rss_app),
            BUDGET_RSS_MB,
            note=f"idle after one visit: {idle['app']:.0f} MB",
        ),
        Figure(
            f"5. hello server RSS, {SESSIONS} sessions",
            "MB",
            tuple(rss_hello),
            note=f"idle after one visit: {idle['hello']:.0f} MB",
        ),
        Figure("6. cold start: streamlit run app.py to healthy", "s", tuple(cold["app"])),
        Figure("6. cold start: hello app to healthy", "s", tuple(cold["hello"])),
    ]
