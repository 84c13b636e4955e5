"""A bounded per-word memo: words repeat (Zipf), so work per distinct word is done once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class WordMemo(Generic[T]):
    """`compute(word)` once per distinct word. At most `size` words are kept; when full it
    starts again, so hostile input with endless unique words cannot grow it without limit."""

    def __init__(self, compute: Callable[[str], T], size: int) -> None:
        self._compute = compute
        self._size = size
        self._known: dict[str, T] = {}

    def __call__(self, word: str) -> T:
        known = self._known.get(word)
        if known is None:
            known = self._compute(word)
            if len(self._known) >= self._size:
                self._known.clear()
            self._known[word] = known
        return known
