"""Shared fixtures. Paths and loaders live in tests/helpers.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers import ROOT, SHARED


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return SHARED


@pytest.fixture
def started_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The whole app through app.py (AppTest), run once, with a database file of its own."""
    monkeypatch.setenv("BACKCARE_DB_URL", f"sqlite:///{tmp_path / 'app.sqlite'}")
    monkeypatch.delenv("BACKCARE_STORAGE", raising=False)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    app.run()
    return app
