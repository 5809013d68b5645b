"""In a real browser: private by default, wherever BackCare runs.

* A second visitor who reaches the server under a name that is not local (DNS
  rebinding, a LAN or a hosted visitor) sees nothing of the first visitor's
  on-disk diary, and nothing they log reaches it.
* That visitor's diary is kept in their own browser: it survives a reload in
  the same browser and is absent from another one.
* A Markdown payload in an uploaded file's name and content shows as text, and
  the browser asks no other machine for anything.

The first test starts a server of its own with default settings
(`BACKCARE_STORAGE` unset: a visitor on this machine gets the on-disk diary);
the others use the shared server (`BACKCARE_STORAGE=browser`, see
`tests/e2e/conftest.py`), where every visitor's diary is kept in their own
browser. Each test is a few page loads: keep them focused.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from backcare.diary.storage import open_store
from backcare.diary.trends import wording
from pages.shell.browser_store import STORAGE_KEY
from pages.shell.store import privacy_text
from tests.e2e.conftest import goto, wait_for_app
from tests.e2e.conftest_privacy import (  # noqa: F401 (fixtures)
    rebinding_browser_fixture,
    rebound,
    visitor_fixture,
)

pytestmark = pytest.mark.browser

WORDS = wording()["page"]
PRIVACY = privacy_text()["browser"]
FIRST_NOTE = "First visitor: private note 41"
SECOND_NOTE = "Second visitor: private note 42"
KEPT_NOTE = "Kept in my own browser 43"


def before_blank(template: str) -> str:
    """The words of a data/ template before its first {blank}, to find it on the page."""
    return template.split("{")[0].strip()


def open_progress(page, url: str) -> None:
    """Open the Progress page and wait until it is drawn down to the trend (after the
    browser's copy is in: the page waits for it)."""
    goto(page, f"{url}/progress")
    page.get_by_role("heading", name=WORDS["trend_title"]).wait_for()
    wait_for_app(page)


def log_note(page, note: str) -> None:
    """Log today with a note (the pain scales start unset, and a day needs both)."""
    for label, value in ((WORDS["pain_now"], 3), (WORDS["pain_worst"], 5)):
        scale = page.get_by_role("radiogroup", name=label)
        scale.get_by_role("radio", name=str(value), exact=True).click()
    page.get_by_label(WORDS["notes"]).fill(note)
    page.get_by_role("button", name=WORDS["save"]).click()
    wait_for_app(page)
    page.get_by_text(before_blank(WORDS["saved"])).first.wait_for()


def expect_notes(page, value: str) -> None:
    """The day's note in the log form is ``value`` (waits while the form is drawn)."""
    from playwright.sync_api import expect

    expect(page.get_by_label(WORDS["notes"])).to_have_value(value)


def stored_in_browser(page) -> str | None:
    return page.evaluate(f"window.localStorage.getItem({json.dumps(STORAGE_KEY)})")


def wait_stored(page, text: str | None) -> None:
    """Wait until this browser's copy holds ``text`` (None: until there is no copy).
    The copy is written just after the page is drawn; fails after the usual limit."""
    got = f"window.localStorage.getItem({json.dumps(STORAGE_KEY)})"
    if text is None:
        page.wait_for_function(f"{got} === null")
    else:
        page.wait_for_function(f"({got} || '').includes({json.dumps(text)})")


def notes_on_disk(server_dir: Path) -> list[str]:
    (db,) = server_dir.glob("bench-*.sqlite")
    store = open_store(f"sqlite:///{db}")
    try:
        return [entry.notes for entry in store.entries()]
    finally:
        store.close()


def test_a_second_visitor_under_another_name_sees_nothing_of_the_first(
    fresh_app_url, tmp_path, visitor
) -> None:
    first = visitor()
    open_progress(first.page, fresh_app_url)  # 127.0.0.1: this machine, the on-disk diary
    log_note(first.page, FIRST_NOTE)
    assert notes_on_disk(tmp_path) == [FIRST_NOTE]

    second = visitor()
    open_progress(second.page, rebound(fresh_app_url))
    expect_notes(second.page, "")
    assert FIRST_NOTE not in second.page.content()
    second.page.get_by_text(wording()["trend"]["no_data"]).wait_for()
    assert second.page.get_by_text(before_blank(WORDS["already"])).count() == 0
    log_note(second.page, SECOND_NOTE)
    assert notes_on_disk(tmp_path) == [FIRST_NOTE]  # the second visitor's day stayed private

    again = visitor()  # the first person, back on this machine: their diary, not the second's
    open_progress(again.page, fresh_app_url)
    expect_notes(again.page, FIRST_NOTE)
    hosts = {urlsplit(url).hostname for url in second.requests if url.startswith("http")}
    assert hosts == {"backcare.test"}


def test_the_browser_kept_diary_survives_a_reload_and_stays_in_that_browser(
    app_url, visitor
) -> None:
    url = rebound(app_url)
    person = visitor()
    open_progress(person.page, url)
    panel = person.page.locator(".st-key-browser_storage_panel")
    assert "kept in this browser only" in panel.inner_text()
    assert stored_in_browser(person.page) is None
    log_note(person.page, KEPT_NOTE)
    wait_stored(person.page, KEPT_NOTE)

    person.page.reload()
    open_progress(person.page, url)
    expect_notes(person.page, KEPT_NOTE)

    stranger = visitor()  # another browser: nothing of it
    open_progress(stranger.page, url)
    expect_notes(stranger.page, "")
    assert stored_in_browser(stranger.page) is None

    person.page.get_by_role("button", name=PRIVACY["delete"]).click()
    person.page.get_by_role("button", name=PRIVACY["delete_confirm"]).click()
    wait_for_app(person.page)
    person.page.get_by_text(PRIVACY["deleted"]).wait_for()
    wait_stored(person.page, None)
    expect_notes(person.page, "")


EVIL_NAME = (
    "![p](http://evil.example/k.png) [Ignore the emergency advice](http://evil.example).json"
)
EVIL_CONTENT = {
    "age": "![x](http://evil.example/v.png)",
    "[Ignore the emergency advice](http://evil.example/x)": True,
}


def test_a_markdown_file_name_shows_as_text_and_fetches_nothing(page, app_url) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    goto(page, f"{app_url}/results")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(
        files=[
            {
                "name": EVIL_NAME,
                "mimeType": "application/json",
                "buffer": json.dumps(EVIL_CONTENT).encode(),
            }
        ]
    )
    wait_for_app(page)
    error = page.locator('[data-testid="stAlert"]', has_text="could not load").first
    error.wait_for()
    shown = error.inner_text().replace("\u2060", "")  # the invisible joiners that stop autolinks
    assert EVIL_NAME in shown
    assert "[Ignore the emergency advice](http://evil.example/x)" in shown
    assert error.locator("a, img").count() == 0
    assert not [url for url in requests if "evil.example" in url]
    assert {urlsplit(url).hostname for url in requests if url.startswith("http")} <= {
        "127.0.0.1",
        "localhost",
    }
