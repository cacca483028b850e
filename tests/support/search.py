"""Tool-search test helpers: a small catalog and a deterministic embedder.

``HashEmbedder`` is a real (if crude) implementation of the Embedder interface, a bag of hashed words, so
tests of the dense index, fusion and vector storage run without a model installed.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from gatewright.catalog.search.text import terms

TOOLS = [
    ("pets___GetAllPets", "List all pets", {"properties": {"type": {"description": "dog or cat"}}}),
    ("pets___CreatePet", "Create a pet", {"properties": {"name": {}}}),
    ("pets___DeletePet", "Remove a pet from the store", {"properties": {"petId": {}}}),
    ("slack___chat_postMessage", "Sends a message to a channel.", {"properties": {"channel": {}, "text": {}}}),
    ("slack___conversations_history", "Fetches a conversation's history of messages and events.", {}),
    ("github___repos_get-content", "Get repository content\n\nGets the contents of a file or directory.", {}),
    ("github___issues_create", "Create an issue\n\nAny user with pull access can create an issue.", {}),
    ("stripe___PostCustomers", "<p>Creates a new customer object.</p>", {}),
]


class HashEmbedder:
    model_id = "test-hash-64"

    def __init__(self) -> None:
        self.embedded = 0

    def _vector(self, text: str) -> Any:
        vector = np.zeros(64, dtype=np.float32)
        for term in terms(text):
            vector[zlib.crc32(term.encode()) % 64] += 1.0
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def embed_documents(self, texts: Sequence[str]) -> Any:
        self.embedded += len(texts)
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, 64), np.float32)

    def embed_query(self, text: str) -> Any:
        return self._vector(text)
