"""Resource options that make what deploys differ from what the registration says (round 4).

The packs judge a registration's inputs. Three options make the engine deploy something else, so the
recording fails naming them (closed world; each message says how to make the resource judgeable):

- `ignore_changes` on the place (`region`, `location`, or `*`): an existing resource stays where it is,
  whatever the program now declares;
- `import_` with an id that names a region (an ARN, `<id>@<region>`) the resource does not declare: the
  provider adopts the resource where the id says, and the import check compares declared inputs only;
- `version` other than the installed SDK's: the engine loads that plugin, whose schema may read the same
  inputs otherwise (a 6.x aws plugin has no resource-level `region`); the gate records with the SDK it has.
"""

from __future__ import annotations

import re
import sys
from typing import Any

_PLACES = {"*", "region", "location"}
_ARN_REGION = re.compile(r"^arn:[a-z-]+:[a-z0-9-]+:([a-z]{2}(?:-[a-z]+)+-\d+):")
_SUFFIX_REGION = re.compile(r"@([a-z]{2}(?:-[a-z]+)+-\d+)$")


def _first_segment(path: str) -> str:
    return re.split(r"[.\[]", path.strip(), maxsplit=1)[0].strip("\"'").lower()


def ignored_place(ignore_changes: list[str]) -> str:
    """The ignore_changes entry that keeps an existing resource's place, or ""."""
    return next((p for p in ignore_changes if _first_segment(p) in _PLACES), "")


def import_region(import_id: str) -> str:
    """The region an import id names (an ARN's region field, an `@region` suffix), or ""."""
    found = _ARN_REGION.match(import_id) or _SUFFIX_REGION.search(import_id)
    return found.group(1) if found else ""


def sdk_version(package: str) -> str:
    """The version the installed SDK of `package` registers with ("" when it is not loaded)."""
    module = sys.modules.get(f"pulumi_{package.replace('-', '_')}._utilities")
    getter = getattr(module, "get_version", None)
    try:
        return str(getter()) if getter is not None else ""
    except Exception:   # an SDK without a readable version: nothing to compare
        return ""


def changed_by_options(request: Any, inputs: dict[str, Any], package: str) -> str:
    """Why the engine would deploy something other than this registration ("" if nothing)."""
    what = f"{request.name} ({request.type})"
    ignored = ignored_place(list(request.ignoreChanges))
    if ignored:
        return (f"{what} ignores changes to its {ignored!r}: an existing resource stays where it is, "
                "whatever the program declares; remove it from ignore_changes (the engine then moves or "
                "replaces it)")
    named = import_region(request.importId) if request.custom and request.importId else ""
    declared = inputs.get("region")
    if named and declared != named:
        shown = repr(declared) if isinstance(declared, str) else "none" if declared is None else "(not known)"
        return (f"{what} is imported by an id that names {named} but declares region "
                f"{shown}: the provider adopts it where the id says; declare "
                f"region={named!r} so the import checks it and the packs judge it")
    installed = sdk_version(package) if request.custom and request.version else ""
    if installed and request.version != installed:
        return (f"{what} asks for provider plugin {request.version}, a provider plugin version other than "
                f"the installed SDK's ({installed}), which is what the gate records with: pin the SDK to the "
                "version you deploy with instead")
    return ""
