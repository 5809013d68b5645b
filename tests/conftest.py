"""Shared fixtures. Paths and loaders live in tests/helpers.py."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from streamlit.runtime.media_file_storage import MediaFileStorageError
from streamlit.testing.v1 import AppTest

from tests.helpers import ROOT, SHARED


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return SHARED


@pytest.fixture(autouse=True)
def _apptest_storage(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """AppTest has no browser and no local visitor, so by default the app would wait for a
    browser-kept copy that never comes (pages/shell/store.py). Tests get private session
    storage unless they choose a mode; real-browser tests keep the app's own default."""
    if request.node.get_closest_marker("browser") is None:
        monkeypatch.setenv("BACKCARE_STORAGE", "session")


@pytest.fixture
def started_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The whole app through app.py (AppTest), run once, with a database file of its own."""
    monkeypatch.setenv("BACKCARE_DB_URL", f"sqlite:///{tmp_path / 'app.sqlite'}")
    monkeypatch.setenv("BACKCARE_STORAGE", "file")  # AppTest is no local browser: say so
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    app.run()
    return app


#: What `open_app` returns: open the app on a page with a session state (issue 9).
OpenApp = Callable[..., AppTest]


@pytest.fixture
def open_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> OpenApp:
    """The one page-test harness (issue 9): the whole app through app.py, opened on a page.

    ``open_app(page, state, storage, db, context)`` sets the session-state items
    (use `SessionKey` for keys), runs app.py, switches to ``page`` ("pages/x.py") and
    runs it. ``storage`` and ``db`` go into the environment, so they hold for every
    AppTest of the test; ``storage="file"`` without ``db`` gets a database file of its
    own, never the person's ``~/.backcare``. ``context`` is ``AppTest.context``
    (``{"timezone": "Pacific/Kiritimati"}``). Find widgets by key: ``at.button(key=...)``.
    """

    def _open(
        page: str | None = None,
        state: Mapping[str, Any] | None = None,
        storage: str = "session",
        db: Path | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> AppTest:
        monkeypatch.setenv("BACKCARE_STORAGE", storage)
        if db is not None or storage == "file":
            monkeypatch.setenv("BACKCARE_DB_URL", f"sqlite:///{db or tmp_path / 'app.sqlite'}")
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.context = dict(context or {})
        for key, value in (state or {}).items():
            at.session_state[key] = value
        at.run()
        if page is not None:
            at.switch_page(page).run()
        assert not at.exception, at.exception
        return at

    return _open


@pytest.fixture
def served_bytes(monkeypatch: pytest.MonkeyPatch) -> Callable[[AppTest, str], bytes]:
    """The bytes a download button serves: ``served_bytes(at, key)``.

    AppTest keeps a button's file in a media store it drops after each run and gives
    only its URL; this keeps every such store so the test reads the file the person
    would get. A button whose data is made on click (a callable) has no file yet.
    """
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
    from streamlit.testing.v1 import app_test

    stores: list[MemoryMediaFileStorage] = []

    class Kept(MemoryMediaFileStorage):
        def __init__(self, media_endpoint: str) -> None:
            super().__init__(media_endpoint)
            stores.append(self)

    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", Kept)

    def _read(at: AppTest, key: str) -> bytes:
        url = at.download_button(key=key).proto.url
        assert url, f"download button {key!r} serves no file yet (its data is made on click)"
        name = url.rsplit("/", 1)[-1]
        for kept in reversed(stores):
            with contextlib.suppress(MediaFileStorageError):
                return kept.get_file(name).content
        raise AssertionError(f"the file of download button {key!r} was not kept")

    return _read
