"""Tool vectors are computed once per text and model, kept on disk, and rebuilt when damaged."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from gatewright.catalog.search.vectors import VectorFile
from support.search import HashEmbedder


def test_only_new_texts_are_embedded(tmp_path: Path, embedder: HashEmbedder) -> None:
    path = tmp_path / "search" / "gw1.npz"
    first = VectorFile(path).vectors(embedder, ["a pet", "a cat", "a pet"])
    assert embedder.embedded == 2
    assert first.shape == (3, 64)
    assert np.array_equal(first[0], first[2])
    assert path.exists()

    again = VectorFile(path)  # a restart: read from disk, nothing embedded
    same = again.vectors(embedder, ["a pet", "a cat", "a pet"])
    assert embedder.embedded == 2
    assert np.array_equal(same, first)

    changed = again.vectors(embedder, ["a cat", "a dog"])
    assert embedder.embedded == 3
    assert np.array_equal(changed[0], first[1])


def test_a_new_model_embeds_again(tmp_path: Path, embedder: HashEmbedder) -> None:
    file = VectorFile(tmp_path / "g.npz")
    file.vectors(embedder, ["a pet"])
    embedder.model_id = "test-hash-64-v2"
    file.vectors(embedder, ["a pet"])
    assert embedder.embedded == 2


def test_damaged_file_is_ignored(tmp_path: Path, embedder: HashEmbedder) -> None:
    path = tmp_path / "g.npz"
    path.write_bytes(b"not a numpy file")
    assert VectorFile(path).vectors(embedder, ["a pet"]).shape == (1, 64)
    assert VectorFile(path).vectors(embedder, ["a pet"]).shape == (1, 64)
    assert embedder.embedded == 1  # rewritten, then read back


def test_delete_and_memory_only(tmp_path: Path, embedder: HashEmbedder) -> None:
    file = VectorFile(tmp_path / "g.npz")
    file.vectors(embedder, ["a pet"])
    file.delete()
    assert not (tmp_path / "g.npz").exists()
    assert VectorFile(None).vectors(embedder, []).shape[0] == 0
