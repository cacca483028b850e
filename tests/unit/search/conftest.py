"""Fixtures for the tool-search unit tests (helpers in support/search.py)."""

from __future__ import annotations

import pytest

from gatewright.catalog.search.text import ToolText, tool_text
from support.search import TOOLS, HashEmbedder


@pytest.fixture
def texts() -> list[ToolText]:
    return [tool_text(name, description, schema) for name, description, schema in TOOLS]


@pytest.fixture
def names() -> list[str]:
    return [name for name, _, _ in TOOLS]


@pytest.fixture
def embedder() -> HashEmbedder:
    return HashEmbedder()
