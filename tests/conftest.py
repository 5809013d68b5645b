"""Shared fixtures. Paths and loaders live in tests/helpers.py."""

from __future__ import annotations

from pathlib import Path

import pytest
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
