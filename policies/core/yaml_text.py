"""Reading YAML records fast: yaml.safe_load's result, with libyaml's parser where it is built in.

A key given twice in one mapping is refused (DuplicateKeyError, a YAMLError naming the key and its line):
safe_load would keep the last one, so a reviewer reading the first `expires:` of a waiver would approve
another date than the one judged (round 15; the gate's own inputs refuse it since round 3). Nesting deeper
than MAX_DEPTH is refused before anything is built: libyaml's composer recurses in C, and a list nested
100 000 levels deep crashed the gate (round 23).
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_DEPTH = 64   # a record nests a few levels; as the gate's own inputs (gate.inputs.MAX_DEPTH)


class DuplicateKeyError(yaml.constructor.ConstructorError):
    """A mapping gives the same key twice."""


class TooDeepError(yaml.constructor.ConstructorError):
    """Collections nested deeper than MAX_DEPTH."""


def _check_depth(text: str) -> None:
    """Raise TooDeepError at the first collection nested deeper than MAX_DEPTH (the event parser keeps its
    own stack: it does not recurse)."""
    depth, events = 0, yaml.parse(text, Loader=_FAST or _SLOW)
    try:
        for event in events:
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise TooDeepError(None, None, f"nesting deeper than {MAX_DEPTH} levels",
                                       event.start_mark)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except TooDeepError:
        raise
    except yaml.YAMLError:
        return   # not YAML: the loaders below say where, as they always did


def _strict(base: type) -> type:
    class Strict(base):  # type: ignore[misc, valid-type]
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            if isinstance(node, yaml.MappingNode):
                seen: set[Any] = set()
                for key_node, _ in node.value:
                    if key_node.tag == "tag:yaml.org,2002:merge":
                        continue   # keys a merge (`<<`) brings in may be overridden
                    key = self.construct_object(key_node, deep=True)
                    if isinstance(key, str | int | float | bool) and key in seen:
                        raise DuplicateKeyError(None, None, f"key {key!r} is given twice in one mapping "
                                                "(keep one)", key_node.start_mark)
                    if isinstance(key, str | int | float | bool):
                        seen.add(key)
            return super().construct_mapping(node, deep=deep)

        def construct_str(self, node: Any) -> Any:
            """A lone UTF-16 surrogate (`"\\ud800"`) is no character: the record's text would reach the
            reports and the evidence, which cannot write it (round 27: a waiver's reason with one passed).
            An escaped pair (`"\\ud83d\\ude00"`, which PyYAML leaves as two halves) is the character."""
            value = yaml.constructor.SafeConstructor.construct_yaml_str(self, node)
            try:
                value.encode("utf-8")
                return value
            except UnicodeEncodeError:
                pass
            try:
                return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
            except UnicodeDecodeError:
                raise yaml.constructor.ConstructorError(None, None, "a string holds a lone UTF-16 surrogate "
                                                        "(not valid Unicode)", node.start_mark) from None

        def construct_date(self, node: Any) -> Any:
            """A date YAML cannot make (`2026-02-30`) is an error with its line, not a ValueError."""
            try:
                return yaml.constructor.SafeConstructor.construct_yaml_timestamp(self, node)
            except ValueError as exc:
                raise yaml.constructor.ConstructorError(None, None, f"{node.value!r} is not a date ({exc})",
                                                        node.start_mark) from None

    Strict.add_constructor("tag:yaml.org,2002:timestamp", Strict.construct_date)
    Strict.add_constructor("tag:yaml.org,2002:str", Strict.construct_str)
    return Strict


_SLOW = _strict(yaml.SafeLoader)
_FAST = _strict(yaml.CSafeLoader) if hasattr(yaml, "CSafeLoader") else None


def safe_load(text: str) -> Any:
    """yaml.safe_load(text) without duplicate keys; libyaml parses a large waivers file 10x faster. A
    document it rejects is parsed again by the pure parser, so that errors (and their line numbers) read
    as they always did."""
    _check_depth(text)
    if _FAST is not None:
        try:
            return yaml.load(text, Loader=_FAST)  # the safe loader, in C
        except yaml.YAMLError:
            pass
    return yaml.load(text, Loader=_SLOW)
