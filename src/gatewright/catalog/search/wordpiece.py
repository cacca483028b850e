"""BERT's uncased WordPiece tokenizer in plain Python (the tokenizer of all-MiniLM-L6-v2).

It follows the reference (``BertNormalizer`` + ``BertPreTokenizer`` + ``WordPiece`` of the tokenizers
library): clean control characters, space out CJK characters, lower-case and strip accents, split on
white space and punctuation, then split each word greedily into the longest vocabulary pieces. The unit
tests compare it with the model's own ``tokenizer.json`` outputs on tricky inputs.

Plain Python is fast enough here: a query is a dozen words, and tool texts are tokenised once per index
build. It saves a dependency on a native tokenizer library.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

_MAX_WORD_CHARS = 100


def _is_punctuation(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp: int) -> bool:
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2A6DF
        or 0x2A700 <= cp <= 0x2B73F
        or 0x2B740 <= cp <= 0x2B81F
        or 0x2B820 <= cp <= 0x2CEAF
        or 0xF900 <= cp <= 0xFAFF
        or 0x2F800 <= cp <= 0x2FA1F
    )


def _normalise(text: str) -> str:
    out: list[str] = []
    for ch in text:
        cp = ord(ch)
        if cp in (0, 0xFFFD) or (unicodedata.category(ch).startswith("C") and ch not in "\t\n\r"):
            continue
        if ch in "\t\n\r" or unicodedata.category(ch) == "Zs":
            out.append(" ")
        elif _is_cjk(cp):
            out.append(f" {ch} ")
        else:
            out.append(ch)
    text = unicodedata.normalize("NFD", "".join(out).lower())
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


def _pre_tokenise(text: str) -> list[str]:
    words: list[str] = []
    for chunk in text.split():
        current = ""
        for ch in chunk:
            if _is_punctuation(ch):
                if current:
                    words.append(current)
                    current = ""
                words.append(ch)
            else:
                current += ch
        if current:
            words.append(current)
    return words


class WordPiece:
    def __init__(self, vocab_path: Path) -> None:
        tokens = vocab_path.read_text(encoding="utf-8").split("\n")
        if tokens and tokens[-1] == "":
            tokens.pop()
        self.vocab = {token: i for i, token in enumerate(tokens)}
        self.cls = self.vocab["[CLS]"]
        self.sep = self.vocab["[SEP]"]
        self.unk = self.vocab["[UNK]"]
        self._word = lru_cache(maxsize=65536)(self._split_word)

    def _split_word(self, word: str) -> tuple[int, ...]:
        if len(word) > _MAX_WORD_CHARS:
            return (self.unk,)
        pieces: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                found = self.vocab.get(piece)
                if found is not None:
                    break
                end -= 1
            if found is None:
                return (self.unk,)
            pieces.append(found)
            start = end
        return tuple(pieces)

    def encode(self, text: str, max_tokens: int) -> list[int]:
        """``[CLS] pieces... [SEP]``, cut to ``max_tokens`` in all."""
        ids = [self.cls]
        room = max_tokens - 1
        for word in _pre_tokenise(_normalise(text)):
            ids.extend(self._word(word))
            if len(ids) >= room:
                del ids[room:]
                break
        ids.append(self.sep)
        return ids
