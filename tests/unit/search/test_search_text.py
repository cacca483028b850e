"""Turning tool names and descriptions into terms: identifier splitting, markup, folding, synonyms."""

from __future__ import annotations

from gatewright.catalog.search.text import (
    embedding_passages,
    split_identifier,
    strip_markup,
    terms,
    tool_text,
    tool_words,
)


def test_identifiers_split_into_words() -> None:
    assert split_identifier("GetAllPets") == ["get", "all", "pets"]
    assert split_identifier("repos_get-content") == ["repos", "get", "content"]
    assert split_identifier("chat.postMessage") == ["chat", "post", "message"]
    assert split_identifier("getHTTPResponse") == ["get", "http", "response"]
    assert split_identifier("GitHub", keep_pairs=True) == ["git", "hub", "github"]


def test_query_words_and_tool_names_meet() -> None:
    assert set(terms("get all pets")) <= set(terms("GetAllPets"))
    assert set(terms("merged pull requests")) == set(terms("merge PRs"))
    assert terms("remove the repo") == terms("delete repository")
    assert terms("Customers") == terms("customer")


def test_stop_words_and_single_letters_are_dropped() -> None:
    assert terms("what is the a of x 2") == ["2"]


def test_markup_is_stripped() -> None:
    assert strip_markup('<p>Creates a <a href="/x">customer</a>.</p>') == "Creates a customer ."
    assert strip_markup("> [!NOTE]\n> See [the docs](https://docs.example.com/x) **now**") == "See the docs now"


def test_tool_text_fields() -> None:
    text = tool_text(
        "github___actions_get-cache-limit-for_13c57141",
        "Get the cache limit\n\nLong explanation. With <b>markup</b>.",
        {"properties": {"ownerId": {"description": "The <i>owner</i>"}}},
    )
    assert text.name == "github actions get cache limit for"  # the shortening hash is not a word
    assert text.title == "Get the cache limit"
    assert text.body == "Long explanation. With markup ."
    assert text.parameters == "ownerId The owner"
    assert text.passages() == (
        "github actions get cache limit for. Get the cache limit",
        "github actions get cache limit for. Get the cache limit Long explanation.",
    )
    assert tool_text("t___a", "Sends a message.", {}).passages() == ("t a. Sends a message.",) * 2
    assert embedding_passages([text, text]) == [text.passages()[0]] * 2 + [text.passages()[1]] * 2
    assert tool_words("stripe___PostCustomers") == "stripe post customers"


def test_first_sentence_is_the_title() -> None:
    assert tool_text("t___a", "Sends a message. Then more.", {}).title == "Sends a message."
    assert tool_text("t___a", "", {}).title == ""
