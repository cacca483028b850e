"""The WordPiece tokenizer against the model's reference tokenizer, and the MiniLM backend when installed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gatewright.catalog.search.embedding import installed_backends, load_embedder
from gatewright.catalog.search.minilm import VOCAB
from gatewright.catalog.search.wordpiece import WordPiece

# Token ids produced by the model's own tokenizer.json (tokenizers 0.23) for these texts.
REFERENCE = {
    "GetAllPets: list pets!": [101, 2131, 8095, 22327, 2015, 1024, 2862, 18551, 999, 102],
    "Café naïve résumé": [101, 7668, 15743, 13746, 102],
    "repos_get-content": [101, 16360, 2891, 1035, 2131, 1011, 4180, 102],
    "日本 ok": [101, 1864, 1876, 7929, 102],
    "unaffable": [101, 14477, 20961, 3468, 102],
}


@pytest.mark.parametrize(("text", "ids"), REFERENCE.items())
def test_wordpiece_matches_the_reference(text: str, ids: list[int]) -> None:
    assert WordPiece(VOCAB).encode(text, 128) == ids


def test_wordpiece_truncates_keeping_sep() -> None:
    ids = WordPiece(VOCAB).encode("word " * 100, 16)
    assert len(ids) == 16
    assert (ids[0], ids[-1]) == (101, 102)
    assert WordPiece(VOCAB).encode("x" * 150, 16) == [101, 100, 102]  # a word too long is [UNK]


def test_lexical_backend_and_unknown_names() -> None:
    assert load_embedder("lexical") is None
    with pytest.raises(ValueError, match="unknown search backend"):
        load_embedder("nope")


@pytest.mark.skipif("minilm" not in installed_backends(), reason="gatewright[search] is not installed")
def test_minilm_embeddings() -> None:
    model = load_embedder("minilm")
    assert model is not None
    docs = model.embed_documents(["Sends a message to a channel.", "Deletes a customer.", "Creates an issue."])
    assert docs.shape == (3, 384)
    assert np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-4)
    query = model.embed_query("post a chat message in slack")
    scores = docs @ query
    assert int(np.argmax(scores)) == 0
    assert np.allclose(model.embed_documents(["Deletes a customer."])[0], docs[1], atol=1e-5)


@pytest.mark.skipif("minilm" not in installed_backends(), reason="gatewright[search] is not installed")
def test_minilm_is_quantised_once_into_the_cache(tmp_path: Path) -> None:
    pytest.importorskip("onnx")
    from gatewright.catalog.search.minilm import MiniLmEmbedder

    model = MiniLmEmbedder(cache=tmp_path)
    assert model.model_id.startswith("all-MiniLM-L6-v2-int8-dynamic-")
    assert [p.suffix for p in tmp_path.iterdir()] == [".onnx"]
    again = MiniLmEmbedder(cache=tmp_path)
    text = "Sends a message to a channel."
    assert np.allclose(again.embed_query(text), model.embed_query(text), atol=1e-6)
    packaged = MiniLmEmbedder()
    assert float(packaged.embed_query(text) @ model.embed_query(text)) > 0.9
