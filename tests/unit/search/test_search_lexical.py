"""BM25 over tool fields, and reciprocal rank fusion."""

from __future__ import annotations

from gatewright.catalog.search.fusion import reciprocal_rank_fusion
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


def test_reciprocal_rank_fusion() -> None:
    assert reciprocal_rank_fusion([[1, 2, 3], [3, 1, 4]]) == [1, 3, 2, 4]
    assert reciprocal_rank_fusion([[], [5]]) == [5]
    assert reciprocal_rank_fusion([[2, 1], [1, 2]]) == [1, 2]  # a tie keeps catalog order
