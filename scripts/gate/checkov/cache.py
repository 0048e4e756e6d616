"""checkov results cached per component of an exported view (see gate.checkov.shard).

One entry per exported document (`<stack>.tfplan.json`, `<stack>.arm.json`): component digest -> the
results checkov gave its resources. The entry's key names the checkov version, the driver and the
scan arguments; a component's digest is that of its own document (its resources' blocks, addresses and
references), so a resource whose exported block is unchanged is not scanned again, and a change to a
resource rescans exactly the resources connected to it. Each run rewrites the entry with the components
it saw, so entries do not grow with history.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import gate.checkov.toolenv as toolenv
from gate.cache import Store, digest, file_digest

NAMESPACE = "checkov"


@functools.cache
def scanner_identity(frameworks: tuple[str, ...]) -> str:
    """What a result depends on besides the document: checkov's version, the driver and its arguments."""
    here = Path(__file__).parent
    return digest({"checkov": toolenv.CHECKOV_VERSION, "driver": file_digest(here / "driver.py"),
                   "shard": file_digest(here / "shard.py"), "frameworks": list(frameworks)})


class ResultCache:
    """Per-document bundles of per-component results."""

    def __init__(self, root: Path, frameworks: tuple[str, ...]) -> None:
        self.store = Store(root, NAMESPACE)
        self.identity = scanner_identity(frameworks)
        self.loaded: dict[str, dict[str, Any]] = {}

    def _key(self, stack: str, name: str) -> str:
        return digest({"scanner": self.identity, "stack": stack, "document": name})

    def lookup(self, stack: str, name: str, component_key: str) -> list[dict[str, Any]] | None:
        key = self._key(stack, name)
        if key not in self.loaded:
            value = self.store.get(key)
            self.loaded[key] = value if isinstance(value, dict) else {}
        found = self.loaded[key].get(component_key)
        return found if isinstance(found, list) else None

    def save(self, stack: str, name: str, results: dict[str, list[dict[str, Any]]]) -> None:
        """Replace the document's entry with these components' results."""
        self.store.put(self._key(stack, name), results)
