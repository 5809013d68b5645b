"""Shared fixtures. Paths and loaders live in tests/helpers.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import SHARED


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return SHARED
