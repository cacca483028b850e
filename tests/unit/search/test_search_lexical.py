"""BM25 over tool fields, the dense index, and the fusion of their scores."""

from __future__ import annotations

import numpy as np

from gatewright.catalog.search.dense import DenseIndex
from gatewright.catalog.search.fusion import weighted_fusion
from gatewright.catalog.search.lexical import LexicalIndex
from gatewright.catalog.search.text import ToolText


def test_name_words_rank_first(texts: list[ToolText], names: list[str]) -> None:
    index = LexicalIndex(texts)
    assert names[index.rank("get all pets", 3)[0]] == "pets___GetAllPets"
    assert names[index.rank("create a new customer", 3)[0]] == "stripe___PostCustomers"
    assert names[index.rank("delete a pet", 3)[0]] == "pets___DeletePet"  # "remove" in its text means delete
    assert names[index.rank("read the file contents of a repository", 3)[0]] == "github___repos_get-content"


def test_unknown_words_find_nothing(texts: list[ToolText]) -> None:
    assert LexicalIndex(texts).rank("zebra xylophone", 10) == []
    assert LexicalIndex([]).rank("pets", 10) == []


def test_allow_filters_before_the_cut(texts: list[ToolText], names: list[str]) -> None:
    index = LexicalIndex(texts)
    ranked = index.rank("pet", 1, allow=lambda i: names[i] != "pets___GetAllPets" and "Pet" in names[i])
    assert len(ranked) == 1
    assert names[ranked[0]] in {"pets___CreatePet", "pets___DeletePet"}


def test_weighted_fusion() -> None:
    cosine = {1: 0.9, 2: 0.5, 3: 0.7}
    # Scales: BM25 / 10 and (cos - 0.5) / 0.4; tool 3 has both signals, tool 1 only the best cosine.
    assert weighted_fusion([1, 2, 3], {2: 10.0, 3: 6.0}, cosine, 0.5, weight=0.3) == [1, 3, 2]
    assert weighted_fusion([1, 2, 3], {2: 10.0, 3: 6.0}, cosine, 0.5, weight=0.7) == [2, 3, 1]
    assert weighted_fusion([3, 1], {}, {1: 0.5, 3: 0.5}, 0.5) == [1, 3]  # no signal at all: catalog order
    assert weighted_fusion([], {}, {}, 0.0) == []


def test_dense_index_takes_the_best_passage_of_each_tool() -> None:
    first = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]], dtype=np.float32)
    second = np.array([[1.0, 0.0], [0.8, 0.6], [0.6, 0.8]], dtype=np.float32)
    index = DenseIndex(np.vstack([first, second]), 3)
    scores = index.scores([1.0, 0.0])
    assert np.allclose(scores, [1.0, 0.8, 0.6])
    assert index.rank([1.0, 0.0], 2) == [0, 1]
    assert index.rank([1.0, 0.0], 5, allow=lambda i: i != 0) == [1, 2]
    assert index.rank([1.0, 0.0], 5, allow=lambda i: False) == []
    assert DenseIndex(first, 3).rank([0.0, 1.0], 1) == [1]  # one passage per tool
    assert DenseIndex(np.zeros((0, 2)), 0).rank([1.0, 0.0], 3) == []
