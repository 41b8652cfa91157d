"""Module-level regular expressions compiled on first use.

The standard library compiles a pattern in Python (0.1-0.5 ms each): a module defining a few
dozen pays milliseconds at import, in every process, even when the scan never calls the code
that reads them (a staged scan with nothing to validate). ``lazy(pattern, flags)`` stands for
``re.compile(pattern, flags)`` and behaves the same: the pattern is compiled, with the same
arguments, the first time it is used. ``LazyPattern(pattern, flags, regex.compile)`` does the
same for the `regex` module (the rules' context words, sondier.rules)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any


class LazyPattern:
    """``compiler(pattern, flags)`` (``re.compile`` unless told), run on first use."""

    __slots__ = ("_compiled", "_compiler", "_flags", "_source")

    def __init__(self, pattern: str, flags: int = 0, compiler: Callable[[str, int], Any] = re.compile) -> None:
        self._source = pattern
        self._flags = flags
        self._compiler = compiler
        self._compiled: Any = None

    @property
    def compiled(self) -> Any:
        if self._compiled is None:
            self._compiled = self._compiler(self._source, self._flags)
        return self._compiled

    def search(self, *args: Any, **kwargs: Any) -> Any:
        return self.compiled.search(*args, **kwargs)

    def match(self, *args: Any, **kwargs: Any) -> Any:
        return self.compiled.match(*args, **kwargs)

    def fullmatch(self, *args: Any, **kwargs: Any) -> Any:
        return self.compiled.fullmatch(*args, **kwargs)

    def findall(self, *args: Any, **kwargs: Any) -> list[Any]:
        return self.compiled.findall(*args, **kwargs)  # type: ignore[no-any-return]

    def finditer(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        return self.compiled.finditer(*args, **kwargs)  # type: ignore[no-any-return]

    def sub(self, *args: Any, **kwargs: Any) -> Any:
        return self.compiled.sub(*args, **kwargs)

    def split(self, *args: Any, **kwargs: Any) -> list[Any]:
        return self.compiled.split(*args, **kwargs)  # type: ignore[no-any-return]

    def __getattr__(self, name: str) -> Any:  # pattern, flags, groups, groupindex, subn...
        if name.startswith("__"):
            raise AttributeError(name)  # pickle's and copy's probes: nothing to compile for them
        return getattr(self.compiled, name)

    def __repr__(self) -> str:
        return f"lazy({self._source!r}, {self._flags!r})"


def lazy(pattern: str, flags: int = 0) -> LazyPattern:
    return LazyPattern(pattern, flags)
