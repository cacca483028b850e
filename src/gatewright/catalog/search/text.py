"""What a tool says about itself, as words: identifier splitting, markup stripping, light stemming.

Tool names are identifiers (``GetAllPets``, ``repos_get-content``, ``chat.postMessage``); descriptions are
prose with HTML or Markdown (Stripe writes ``<p>...</p>``, GitHub writes ``[links](...)`` and ``> [!NOTE]``).
Both become the same kind of lower-case terms, so ``GetAllPets`` matches "get all pets".

The stemmer only folds plurals and a few verb endings (``customers`` -> ``customer``, ``merged`` ->
``merge``): enough for API vocabulary without a stemming library. Queries and documents go through the
same functions, so a wrong fold costs nothing as long as it is consistent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# The 8-hex-digit hash gatewright's OpenAPI naming appends to names it had to shorten.
_HASH_SUFFIX = re.compile(r"_[0-9a-f]{8}$")
_MARKUP = re.compile(r"<[^>]*>|\]\([^)]*\)|https?://\S+|&[a-z]+;|\[![A-Z]+\]|[>*#`\[\]]+")
_RUN = re.compile(r"[A-Za-z0-9]+")
# Camel-case words; an acronym keeps its plural s (PRs, URLs, IDs).
_CAMEL = re.compile(r"[A-Z]+s(?![a-z])|[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s|\n\s*\n")
_VOWEL = re.compile(r"[aeiouy]")

_STOP = """a about all also an and any are as at be been both by can could do does each every for from has have how
i if in into is it its just me my of on or our own please should so some such than that the their them then
there these this those to too us very was we what when where which who whose will with would you your"""
STOP_WORDS = frozenset(_STOP.split())


# Words API descriptions and people spell differently, mapped to one form on both sides (queries and tools):
# common abbreviations, and the verbs of CRUD operations. Deliberately short and generic: it names no API.
SYNONYMS = {
    "org": "organization",
    "orgs": "organization",
    "repo": "repository",
    "repos": "repository",
    "pr": "pull request",
    "prs": "pull request",
    "dm": "direct message",
    "dms": "direct message",
    "env": "environment",
    "config": "configuration",
    "configs": "configuration",
    "info": "information",
    "msg": "message",
    "remove": "delete",
    "erase": "delete",
    "destroy": "delete",
    "discard": "delete",
    "purge": "delete",
    "fetch": "get",
    "retrieve": "get",
    "edit": "update",
    "modify": "update",
    "change": "update",
    "abort": "cancel",
}


def _fold(word: str) -> str:
    """A light stemmer: plurals, then -ing/-ed, then a final e (``merged``, ``merges``, ``merge`` -> ``merg``)."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith(("ies", "ied")) and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for ending in ("ing", "ed"):
        stem = word[: -len(ending)]
        if word.endswith(ending) and len(stem) >= 3 and _VOWEL.search(stem):
            word = stem[:-1] if stem[-1] == stem[-2] and stem[-1] not in "lsz" else stem
            break
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


def _parts(run: str, keep_pairs: bool) -> list[str]:
    parts = [p.lower() for p in _CAMEL.findall(run)]
    if keep_pairs and len(parts) == 2 and not run.isupper():
        parts.append(run.lower())
    return parts


def split_identifier(text: str, *, keep_pairs: bool = False) -> list[str]:
    """Lower-case words of an identifier or a phrase: ``GetAllPets`` -> ``[get, all, pets]``.

    With ``keep_pairs``, a run with exactly two camel-case parts (``GitHub``, ``OAuth``) is also kept
    whole, so the query words "github" and "oauth" still match it.
    """
    out: list[str] = []
    for run in _RUN.findall(text):
        out.extend(_parts(run, keep_pairs))
    return out


@lru_cache(maxsize=200_000)
def _run_terms(run: str) -> tuple[str, ...]:
    out: list[str] = []
    for word in _parts(run, True):
        for w in SYNONYMS.get(word, word).split(" "):
            if w not in STOP_WORDS and (len(w) > 1 or w.isdigit()):
                out.append(_fold(w))
    return tuple(out)


def terms(text: str) -> list[str]:
    """The index terms of a text: split, synonyms mapped, stop words dropped, folded."""
    out: list[str] = []
    for run in _RUN.findall(text):
        out.extend(_run_terms(run))
    return out


def strip_markup(text: str) -> str:
    return " ".join(_MARKUP.sub(" ", text).split())


def tool_words(name: str) -> str:
    """A tool name as a phrase: ``github___repos_get-content`` -> ``github repos get content``."""
    return " ".join(split_identifier(_HASH_SUFFIX.sub("", name)))


@dataclass(frozen=True)
class ToolText:
    """The searchable parts of one tool."""

    name: str  # the exposed name, as words
    title: str  # the first sentence or paragraph of the description
    body: str  # the rest of the description, markup stripped
    parameters: str  # top-level argument names and their descriptions

    def passages(self) -> tuple[str, str]:
        """Two passages for an embedding model; a tool's similarity to a query is the higher of the two.

        The first is the tool's name as words and its first sentence; the second adds the first sentence
        of the rest of the description (the same text again when there is none, embedded only once).
        Measured on the tuning queries (docs/search.md): one passage with the whole description is worse
        than the first alone, and the first alone misses tools whose summary is a few words; the lexical
        index still sees every word.
        """
        first = f"{self.name}. {self.title}"
        more = _SENTENCE_END.split(self.body, maxsplit=1)[0][:250] if self.body else ""
        return first, f"{first} {more}" if more else first


def embedding_passages(texts: Sequence[ToolText]) -> list[str]:
    """What an embedding model embeds for these tools: every first passage, then every second one."""
    pairs = [t.passages() for t in texts]
    return [p[0] for p in pairs] + [p[1] for p in pairs]


def tool_text(name: str, description: str, input_schema: Any) -> ToolText:
    clean = strip_markup(description or "")
    cut = _SENTENCE_END.search(description or "")
    title = strip_markup((description or "")[: cut.start()]) if cut else clean
    title = title[:300]
    body = clean[len(title) :].strip() if clean.startswith(title) else clean
    params: list[str] = []
    props = input_schema.get("properties") if isinstance(input_schema, dict) else None
    if isinstance(props, dict):
        for arg, schema in props.items():
            params.append(str(arg))
            if isinstance(schema, dict) and isinstance(schema.get("description"), str):
                params.append(strip_markup(schema["description"])[:200])
    return ToolText(tool_words(name), title, body[:2000], " ".join(params)[:2000])
