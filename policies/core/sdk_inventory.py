"""The resource types of the installed Pulumi provider SDKs, read from the packages themselves.

Tooling only (the type-class generator and its tests; never imported by rules). A provider SDK is any
installed distribution that ships a `pulumi-plugin.json` with `"resource": true`; its resource types are the
`classes` of the `resource_modules` JSON its top-level `__init__.py` hands to `_utilities.register(...)`: the
very table the SDK uses to rehydrate resources by type token, so it is complete and exact for that version.
"""

from __future__ import annotations

import importlib.metadata as md
import json
import re
from dataclasses import dataclass
from pathlib import Path

_REGISTER = re.compile(r'resource_modules="""(.*?)"""', re.S)


@dataclass(frozen=True)
class ProviderSdk:
    """One installed provider SDK: its Pulumi package name, version and every resource type token."""

    package: str
    """Pulumi package name (first segment of the type tokens), e.g. `aws`, `azure-native`."""
    distribution: str
    version: str
    tokens: tuple[str, ...]


def module_of(token: str) -> str:
    """`aws:s3/bucket:Bucket` -> `aws:s3`; `azure-native:storage:StorageAccount` -> `azure-native:storage`."""
    pkg, _, rest = token.partition(":")
    return f"{pkg}:{rest.split(':', 1)[0].split('/', 1)[0]}"


def installed_sdks() -> list[ProviderSdk]:
    """Every installed provider SDK, sorted by package name."""
    found: dict[str, ProviderSdk] = {}
    for dist in md.distributions():
        for f in dist.files or ():
            if f.name != "pulumi-plugin.json" or f.parent.parent != Path():
                continue
            meta = json.loads(Path(str(dist.locate_file(f))).read_text(encoding="utf-8"))
            if not meta.get("resource"):
                continue
            init = Path(str(dist.locate_file(f.parent / "__init__.py")))
            m = _REGISTER.search(init.read_text(encoding="utf-8"))
            modules = json.loads(m.group(1)) if m else []
            tokens = sorted({t for mod in modules for t in mod.get("classes", {})})
            name = meta.get("name") or (modules[0]["pkg"] if modules else dist.metadata["Name"])
            found[name] = ProviderSdk(name, dist.metadata["Name"], dist.version, tuple(tokens))
    return [found[k] for k in sorted(found)]
