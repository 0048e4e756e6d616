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
from collections.abc import Callable
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


_ARGS = re.compile(r"class (\w+)Args:.*?def __init__\(__self__, \*,(.*?)\):", re.S)


def azure_scoped_types(sdk: ProviderSdk) -> list[str]:
    """azure-native types whose inputs have neither `location` nor `resource_group_name`: extension or
    subscription/tenant-scoped resources that live where their `scope` is (read from the Args signatures)."""
    return _azure_types(
        sdk, lambda params: "location:" not in params and "resource_group_name:" not in params
    )


def azure_child_types(sdk: ProviderSdk) -> list[str]:
    """azure-native types with a `resource_group_name` but no `location` input: child resources (a blob
    container, a Key Vault secret, a SQL firewall rule) that live in their parent, named by an input."""
    return _azure_types(sdk, lambda params: "location:" not in params and "resource_group_name:" in params)


def _azure_types(sdk: ProviderSdk, keep: Callable[[str], bool]) -> list[str]:
    if sdk.package != "azure-native":
        return []
    dist = md.distribution(sdk.distribution)
    root = Path(str(dist.locate_file("pulumi_azure_native")))
    tokens, out = set(sdk.tokens), []
    for f in sorted(root.glob("*/*.py")):
        if f.name.startswith("_"):  # `_inputs.py` holds nested input types named like resources (SubnetArgs)
            continue
        for m in _ARGS.finditer(f.read_text(encoding="utf-8")):
            token = f"azure-native:{f.parent.name}:{m.group(1)}"
            if token not in tokens and token.endswith("Init"):  # `SubnetInitArgs`, apart from the input type
                token = token[: -len("Init")]
            if token in tokens and keep(m.group(2)):
                out.append(token)
    return sorted(set(out))


_INVOKE = re.compile(r"pulumi\.runtime\.invoke\('azure-native:(\w+):get(\w+)'")
_GET_ARG = re.compile(r"__args__\['(\w+)'\] = ")


def azure_id_params(sdk: ProviderSdk) -> dict[str, list[str]]:
    """azure-native type -> the inputs its ARM id is made of (resource group, parents' names, its own name),
    read from the arguments of the SDK's `get_*` function, which are the id's URL path parameters (and, for
    some, a query parameter such as `expand`, which no input shares). A type without a getter has none."""
    if sdk.package != "azure-native":
        return {}
    root = Path(str(md.distribution(sdk.distribution).locate_file("pulumi_azure_native")))
    tokens, out = set(sdk.tokens), {}
    for f in sorted(root.glob("*/get_*.py")):
        text = f.read_text(encoding="utf-8")
        if (m := _INVOKE.search(text)) and (token := f"azure-native:{m.group(1)}:{m.group(2)}") in tokens:
            out[token] = sorted(set(_GET_ARG.findall(text[: m.start()])))
    return dict(sorted(out.items()))


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
