"""The browser-test harness itself: a request that leaves this machine fails the test.

The guard in `tests/e2e/conftest.py` only sees URLs its pattern hands over; these
checks make sure that pattern hands over every address that is not this machine,
and that the guard then blocks and reports it.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import DESKTOP, MAYBE_EXTERNAL, _is_external, _watched_page

pytestmark = pytest.mark.browser

LOCAL = [
    "http://127.0.0.1:8501/",
    "http://127.0.0.1:8501/static/js/index.js?x=1",
    "http://localhost:8501",
    "ws://127.0.0.1:8501/_stcore/stream",
    "http://[::1]:8501/#top",
    "data:image/png;base64,AAAA",
    "blob:http://127.0.0.1:8501/5f0c",
    "about:blank",
]
OUTSIDE = [
    "https://evil.example/",
    "http://127.0.0.1.evil.example/",
    "http://localhost.evil.example:8501/",
    "http://backcare.test:8501/",
    "wss://fonts.example/x",
    "http://10.0.0.1/",
]


@pytest.mark.parametrize("url", LOCAL + OUTSIDE)
def test_the_pattern_hands_every_outside_address_to_the_guard(url: str) -> None:
    assert bool(MAYBE_EXTERNAL.search(url)) is _is_external(url) is (url in OUTSIDE)


def test_a_request_that_leaves_this_machine_fails_the_test(browser) -> None:
    watched = _watched_page(browser, DESKTOP)
    page = next(watched)
    page.goto("about:blank")
    result = page.evaluate(
        "fetch('https://evil.example/pixel.png').then(() => 'sent', () => 'blocked')"
    )
    assert result == "blocked"
    with pytest.raises(AssertionError, match=r"evil\.example"):
        next(watched)
