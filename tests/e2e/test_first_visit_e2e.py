"""The very first visit to a fresh server may be a deep link (a shared
`conditions?condition=...` link, or a bookmark). It must open that page inside
the app's own navigation, with no "Page not found" box and no list of raw file
names (Streamlit's pages-folder mode, see `pages.shell.ui.use_app_navigation`)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import DESKTOP, _watched_page, goto

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/conditions?condition=sciatica", "Sciatica"),
        ("/symptom_check", "Symptom check"),
    ],
)
def test_deep_link_on_a_fresh_server(browser, fresh_app_url, artifacts, path, heading):
    for page in _watched_page(browser, DESKTOP):
        goto(page, fresh_app_url + path)
        page.get_by_role("heading", name=heading).first.wait_for()
        text = page.inner_text("body")
        assert "Page not found" not in text
        nav = page.get_by_role("link", name="Exercise plan")
        assert nav.count() >= 1, "the app's own navigation is missing"
        for raw in ("store", "ui"):  # helper modules must never show as pages
            assert page.get_by_role("link", name=raw, exact=True).count() == 0
        name = path.split("?")[0].strip("/")
        page.screenshot(path=str(artifacts / f"first-visit-{name}.png"))
