"""Shared harness for the real-browser tests (marked ``@pytest.mark.browser``).

Fixtures:

- ``app_url``: one ``streamlit run app.py`` per test session on a free
  localhost port, with its own SQLite file (``BACKCARE_DB_URL``) and
  ``BACKCARE_STORAGE=browser``; waits for ``/_stcore/health``. Browser-kept
  storage makes every browser context a person of their own: the answers in
  progress, results, plan and diary live in that context's ``localStorage``,
  so tests sharing the server never see each other's data (on-disk storage
  is one diary for the whole machine: a draft left by one test would be
  picked up by the next). Tests of on-disk behaviour use ``fresh_app_url``.
- ``fresh_app_url``: a server of the test's own, default settings (a visitor
  on this machine gets the on-disk diary).
- ``page``: a fresh Playwright page (1280x800) in Debian's chromium. Every
  request is watched: one to a host other than localhost/127.0.0.1 is blocked
  and fails the test, and so does a Streamlit exception box on the page.
- ``phone_page``: the same, at a 390x844 phone size.
- ``open_page``: a factory, ``open_page(viewport)``, for tests run at several sizes.
- ``artifacts``: ``test-artifacts/`` (screenshots; not committed).

Helpers for tests: ``wait_for_app(page)`` waits until the script has finished
running, ``goto(page, url)`` opens a URL and waits until the page is drawn
(past the moment a browser-kept store is being read back).

Why a browser test may not run: Playwright cannot download its own browsers
here, so we always launch ``/usr/bin/chromium`` (or ``BACKCARE_CHROMIUM``).
When it is missing the browser tests are skipped with the reason printed in
the header and the summary; under ``CI=true`` they fail instead, so a CI run
can never pass without them.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bench.servers import start as start_server

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path(os.environ.get("BACKCARE_CHROMIUM", "/usr/bin/chromium"))
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
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
#: URL schemes that never reach the network.
LOCAL_SCHEMES = {"data", "blob", "about", "chrome", "chrome-extension"}
#: Every URL that is not plainly this machine (or a local scheme) goes to the guard, which
#: checks it again with `_is_external`. Matched in the browser driver, so the app's own
#: requests (dozens of scripts per page load) are not each handed to Python and back.
MAYBE_EXTERNAL = re.compile(
    r"^(?!(?:https?|wss?)://(?:localhost|127\.0\.0\.1|\[::1\])(?::\d+)?(?:[/?#]|$))"
    r"(?!(?:data|blob|about|chrome|chrome-extension):)"
)
#: The sizes issue 11 asks for: a common phone and a laptop screen.
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}
#: Every visitor of the shared test server keeps their data in their own browser context.
SHARED_SERVER_ENV = {"BACKCARE_STORAGE": "browser"}
#: Waiting limits for a slow, shared machine. They bound a wait; nothing asserts on time.
STEP_LIMIT_MS = 30_000
RUN_START_LIMIT_MS = 1_000
_SCRIPT_STATE = (
    "document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state')"
)


_HAS_BROWSER_TESTS = pytest.StashKey[bool]()


def on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def browser_problem() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package 'playwright' is missing (pip install -r requirements-dev.txt)"
    if not CHROMIUM.exists():
        return (
            f"Chromium was not found at {CHROMIUM}. Install Debian's 'chromium' package "
            "(bash scripts/run-tests.sh does this when run as root), or set BACKCARE_CHROMIUM."
        )
    return None


def _skip_or_fail(reason: str) -> None:
    message = f"browser tests cannot run: {reason}"
    if on_ci():
        pytest.fail(message + " (CI=true: a missing browser is a failure)", pytrace=False)
    pytest.skip(reason=message)


def pytest_report_header(config: pytest.Config) -> str | None:
    problem = browser_problem()
    if problem is None:
        return f"browser tests: chromium at {CHROMIUM}"
    what = "FAIL (CI=true)" if on_ci() else "be SKIPPED"
    return f"browser tests will {what}: {problem}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    config.stash[_HAS_BROWSER_TESTS] = any(i.get_closest_marker("browser") for i in items)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    problem = browser_problem()
    if problem is not None and config.stash.get(_HAS_BROWSER_TESTS, False):
        terminalreporter.write_line(
            f"Browser tests did not run: {problem}", yellow=not on_ci(), red=on_ci()
        )


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go (kept as test artifacts, not committed)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@contextmanager
def running_app(tmp: Path, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """`streamlit run app.py` on a free localhost port with its own database; yield its URL.

    The same launcher as the benchmark's (`bench.servers`), so both run the app
    the way a person does.
    """
    server = start_server(ROOT / "app.py", tmp, extra_env=extra_env)
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory, browser) -> Iterator[str]:
    """The app, started once per test session (browser-kept storage: each context is
    a person of their own). The first test opens it cold."""
    problem = browser_problem()
    if problem:
        _skip_or_fail(problem)
    with running_app(tmp_path_factory.mktemp("streamlit"), SHARED_SERVER_ENV) as url:
        yield url


@pytest.fixture
def fresh_app_url(tmp_path: Path, browser) -> Iterator[str]:
    """A server of its own that nobody has opened yet (for first-visit behaviour)."""
    problem = browser_problem()
    if problem:
        _skip_or_fail(problem)
    with running_app(tmp_path) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """One chromium for the whole session (Debian's, never a downloaded one)."""
    problem = browser_problem()
    if problem:
        _skip_or_fail(problem)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def _is_external(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return False
    return (parts.hostname or "") not in LOCAL_HOSTS


def exception_count(page) -> int:
    """How many Streamlit exception boxes the page shows."""
    return page.locator('[data-testid="stException"]').count()


def wait_for_app(page, timeout: int = STEP_LIMIT_MS) -> None:
    """Wait until the Streamlit script has finished the run an action started.

    The run may start a little after the click, so first wait briefly (checking
    every frame) to see it start, then wait for it to end.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(
            f"{_SCRIPT_STATE} === 'running'", polling="raf", timeout=RUN_START_LIMIT_MS
        )
    page.wait_for_function(f"{_SCRIPT_STATE} === 'notRunning'", timeout=timeout)


#: Shown by a browser-kept store while it reads this browser's copy back (browser_store).
BROWSER_WAIT = ".st-key-browser_skip"


def wait_until_drawn(page, timeout: int = STEP_LIMIT_MS) -> None:
    """`wait_for_app`, and past the short wait while a browser-kept store is read back
    (its page shows only the emergency signs and a "go on" button until then)."""
    wait_for_app(page, timeout)
    if page.locator(BROWSER_WAIT).count():
        page.locator(BROWSER_WAIT).wait_for(state="detached", timeout=timeout)
        # That run has started (it drew over the wait): only its end is left to wait for.
        page.wait_for_function(f"{_SCRIPT_STATE} === 'notRunning'", timeout=timeout)


def goto(page, url: str) -> None:
    page.goto(url)
    wait_until_drawn(page)


def reload(page) -> None:
    """A browser refresh, waiting until the page is drawn again."""
    page.reload()
    wait_until_drawn(page)


def _watched_page(browser, viewport: dict[str, int], **context_options: object) -> Iterator:
    context = browser.new_context(viewport=viewport, service_workers="block", **context_options)
    context.set_default_timeout(STEP_LIMIT_MS)
    external: list[str] = []

    def guard(route, request) -> None:
        if _is_external(request.url):
            external.append(request.url)
            route.abort()
        else:
            route.continue_()

    context.route(MAYBE_EXTERNAL, guard)
    page = context.new_page()
    page.on("websocket", lambda ws: external.append(ws.url) if _is_external(ws.url) else None)
    try:
        yield page
        shown = exception_count(page) if not page.is_closed() else 0
    finally:
        context.close()
    assert not external, f"requests left localhost: {sorted(set(external))}"
    assert shown == 0, "the page showed a Streamlit exception box"


@pytest.fixture
def page(browser, app_url) -> Iterator:
    """A fresh desktop-size page; fails the test on any non-local request or exception box."""
    yield from _watched_page(browser, DESKTOP)


@pytest.fixture
def phone_page(browser, app_url) -> Iterator:
    """Like ``page``, at a 390x844 phone size."""
    yield from _watched_page(browser, PHONE)


@pytest.fixture
def open_page(browser) -> Iterator:
    """A factory: ``open_page(viewport, **context_options)`` is a fresh, watched page (a new
    person) at that size (``locale="en-GB"``...). Each is checked like ``page`` at the end."""
    opened: list[Iterator] = []

    def open_one(viewport: dict[str, int], **context_options: object):
        watched = _watched_page(browser, viewport, **context_options)
        opened.append(watched)
        return next(watched)

    yield open_one
    problems = []
    for watched in opened:  # close every one, then report what any of them saw
        try:
            next(watched)
        except StopIteration:
            pass
        except AssertionError as exc:
            problems.append(str(exc))
    assert not problems, "; ".join(problems)
