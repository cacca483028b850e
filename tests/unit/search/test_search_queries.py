"""The search evaluation's labelled queries stay valid: enough of them, and every label a tool the OpenAPI
importer produces (a renamed tool would silently lower the measured recall otherwise)."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # benchmarks/ lives beside src/ and tests/, outside the installed package

from benchmarks.search import catalogs  # noqa: E402


def test_labels_name_imported_tools() -> None:
    if not all(p.exists() for p in catalogs.LABELLED.values()):
        pytest.skip("the API corpus is not installed (scripts/setup-corpus)")
    tools = catalogs.labelled_tools()
    items = catalogs.queries(tools)  # exits if a label names a missing tool
    assert len(items) >= 150
    assert set(Counter(q.catalog for q in items)) == {"github", "stripe", "slack"}
    assert len({q.text for q in items}) == len(items)
    assert len(tools) > 1500


def test_heldout_labels_name_imported_tools_and_differ_from_the_tuning_set() -> None:
    if not all(p.exists() for p in catalogs.LABELLED.values()):
        pytest.skip("the API corpus is not installed (scripts/setup-corpus)")
    tools = catalogs.labelled_tools()
    heldout = catalogs.queries(tools, catalogs.HELDOUT)
    assert len(heldout) >= 80
    assert set(Counter(q.catalog for q in heldout)) == {"github", "stripe", "slack"}
    assert len({q.text for q in heldout}) == len(heldout)
    assert not {q.text for q in heldout} & {q.text for q in catalogs.queries(tools)}
