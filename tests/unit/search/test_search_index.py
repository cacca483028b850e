"""The search index: lexical alone, and fused with embeddings; the per-caller filter hook."""

from __future__ import annotations

import pytest

from gatewright.catalog.search.index import SearchIndex
from gatewright.catalog.search.text import ToolText, embedding_passages
from support.search import HashEmbedder


def test_lexical_index(texts: list[ToolText], names: list[str]) -> None:
    index = SearchIndex(texts)
    assert index.mode == "lexical"
    assert next(names[i] for i in index.search("post a message to a channel", 2)) == "slack___chat_postMessage"
    assert index.search("   ", 10) == []
    assert index.search("pets", 0) == []


def test_hybrid_index(texts: list[ToolText], names: list[str], embedder: HashEmbedder) -> None:
    vectors = embedder.embed_documents(embedding_passages(texts))
    index = SearchIndex(texts).with_vectors(embedder, vectors)
    assert index.mode == "hybrid (test-hash-64)"
    for method in ("hybrid", "dense", "lexical"):
        found = [names[i] for i in index.search("create an issue", 3, method=method)]
        assert found[0] == "github___issues_create", method
    assert len(index.search("pet", 10)) <= 10


def test_results_never_exceed_k(texts: list[ToolText], embedder: HashEmbedder) -> None:
    vectors = embedder.embed_documents(embedding_passages(texts))
    index = SearchIndex(texts).with_vectors(embedder, vectors)
    assert len(index.search("a message to a pet", 3)) == 3
    assert len(index.search("a message to a pet", 100)) == len(texts)  # dense ranks every tool


@pytest.mark.parametrize("hybrid", [False, True])
def test_filter_runs_before_the_top_k(
    texts: list[ToolText], names: list[str], embedder: HashEmbedder, hybrid: bool
) -> None:
    index = SearchIndex(texts)
    if hybrid:
        index = index.with_vectors(embedder, embedder.embed_documents(embedding_passages(texts)))
    hidden = {"pets___GetAllPets", "pets___CreatePet"}
    found = [names[i] for i in index.search("pets", 2, allow=lambda i: names[i] not in hidden)]
    assert found
    assert not hidden & set(found)
    assert found[0] == "pets___DeletePet"
    assert index.search("pets", 5, allow=lambda i: False) == []
