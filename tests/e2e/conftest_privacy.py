"""Fixtures for the privacy browser tests (imported by tests/e2e/test_privacy_e2e.py;
the functions end in ``_fixture`` so the import does not clash with the fixture names).

``rebinding_browser`` is Chromium told that ``backcare.test`` is 127.0.0.1
(``--host-resolver-rules``), so the local server is reached under a name that is
not local: the Host header is then ``backcare.test:PORT``, exactly what a
DNS-rebinding page or a hosted visitor looks like to the app.

``visitor`` opens one browser context (one person) and records every request
it makes. A request to any host other than localhost, 127.0.0.1 or
``backcare.test`` is blocked and fails the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    LOCAL_SCHEMES,
    STEP_LIMIT_MS,
)

REBIND_NAME = "backcare.test"
ALLOWED_HOSTS = frozenset({"localhost", "127.0.0.1", REBIND_NAME})


def rebound(url: str) -> str:
    """The same app URL under the non-local name (``http://backcare.test:PORT/...``)."""
    parts = urlsplit(url)
    return parts._replace(netloc=f"{REBIND_NAME}:{parts.port}").geturl()


@dataclass
class Visitor:
    """One person: a browser context of their own, and every request it made."""

    context: object
    page: object
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


@pytest.fixture(scope="session", name="rebinding_browser")
def rebinding_browser_fixture(browser) -> Iterator[object]:
    """A second Chromium from the same Playwright as ``browser`` (one Playwright per thread)."""
    args = [*CHROMIUM_ARGS, f"--host-resolver-rules=MAP {REBIND_NAME} 127.0.0.1"]
    chromium = browser.browser_type.launch(executable_path=str(CHROMIUM), args=args)
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture(name="visitor")
def visitor_fixture(rebinding_browser) -> Iterator[Callable[..., Visitor]]:
    """A factory: ``visitor()`` is a new person with a fresh browser context."""
    opened: list[Visitor] = []

    def open_one(**context_options: object) -> Visitor:
        context = rebinding_browser.new_context(
            viewport=DESKTOP, service_workers="block", **context_options
        )
        context.set_default_timeout(STEP_LIMIT_MS)
        person = Visitor(context=context, page=None)

        def guard(route, request) -> None:
            parts = urlsplit(request.url)
            if parts.scheme in LOCAL_SCHEMES or parts.hostname in ALLOWED_HOSTS:
                route.continue_()
            else:
                person.blocked.append(request.url)
                route.abort()

        context.route("**/*", guard)
        person.page = context.new_page()
        person.page.on("request", lambda request: person.requests.append(request.url))
        opened.append(person)
        return person

    yield open_one
    for person in opened:
        person.context.close()
    blocked = sorted({url for person in opened for url in person.blocked})
    assert not blocked, f"requests left this machine: {blocked}"
