"""Faster twins of the reference scanner's costliest expressions, each finding what the original finds.

- Case-insensitive expressions on ASCII text. CPython's engine folds every character while an IGNORECASE
  expression matches (`_CLOUD_HOST`: 3 to 4 times the time of the same expression without the flag). On ASCII
  text the expression without the flag, run on the lowered text, matches at the same places: lowering ASCII
  keeps every position, and a twinned expression's letters are lower case (a class may hold both cases). Its
  `\\s` in a class is spelled out (ASCII's whitespace: a range test, not a category call). Text with any
  non-ASCII character (where folding is more than ASCII's: the long s, the Kelvin sign) runs the original.
- Whether a text holds a character of a `[...]+` class: one character of it is enough to say so.
- Tests of an input key alone, cached per key as `key_kind` is: the same few hundred keys recur on every
  resource, under thousands of different strings.

tests/policies/test_references_ascii.py holds every twin to its original.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_TWINS: dict[int, tuple[re.Pattern[str], re.Pattern[str]]] = {}  # id of an expression -> (it, its twin)
_KEY_HITS: dict[tuple[int, str], tuple[re.Pattern[str], bool]] = {}
_KEY_HITS_MAX = 1 << 14
_ASCII_SPACE = r"\t-\r\x1c- "  # what `\s` matches in ASCII text (str.isspace)


def folded(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The twin of a case-insensitive expression, for lowered ASCII text (its letters must be lower case)."""
    letters = re.sub(r"\\.|a-zA-Z", "", pattern.pattern)  # escapes (`\s`) and both-case ranges aside
    if not pattern.flags & re.I or letters != letters.lower():
        raise ValueError(f"no lower-case twin for {pattern.pattern!r}")
    text = pattern.pattern.replace("[^\\s", "[^" + _ASCII_SPACE).replace("[\\s", "[" + _ASCII_SPACE)
    return re.compile(text, pattern.flags & ~re.I)


def finditer(pattern: re.Pattern[str], s: str, low: str) -> Iterator[re.Match[str]]:
    """`pattern.finditer(s)` (`low` is `s.lower()`), by its twin over `low` where `s` is ASCII: read only
    the spans of its matches and their groups lowered."""
    if not s.isascii():
        return pattern.finditer(s)
    pair = _TWINS.get(id(pattern))
    if pair is None or pair[0] is not pattern:
        pair = _TWINS[id(pattern)] = (pattern, folded(pattern))
    return pair[1].finditer(low)


def contains(pattern: re.Pattern[str], text: str) -> bool:
    """`pattern.search(text) is not None` for a `[...]+` expression: any one character of its class."""
    pair = _TWINS.get(id(pattern))
    if pair is None or pair[0] is not pattern:
        if not (pattern.pattern.startswith("[") and pattern.pattern.endswith("]+")):
            raise ValueError(f"not a class: {pattern.pattern!r}")
        pair = _TWINS[id(pattern)] = (pattern, re.compile(pattern.pattern[:-1], pattern.flags))
    return pair[1].search(text) is not None


def key_search(pattern: re.Pattern[str], key: str) -> bool:
    """`pattern.search(key) is not None` for an input key, computed once per (expression, key)."""
    hit = _KEY_HITS.get((id(pattern), key))
    if hit is None or hit[0] is not pattern:
        if len(_KEY_HITS) >= _KEY_HITS_MAX:
            _KEY_HITS.clear()
        hit = _KEY_HITS[(id(pattern), key)] = (pattern, pattern.search(key) is not None)
    return hit[1]
