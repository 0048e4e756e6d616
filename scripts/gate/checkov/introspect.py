"""Lists the checks checkov ships and the resource types they target.

Runs INSIDE checkov's tool environment (``.tools/checkov/bin/python -m`` is not possible there, so the
file is executed by path): standard library + checkov only. Prints one JSON document on stdout:
``{"version", "terraform": {id: {"name", "types", "graph"}}, "arm": {id: {"name", "types"}}}``.
Graph checks that target (nearly) every resource type, such as tagging checks, are flagged ``"broad"``.
"""

from __future__ import annotations

import json
import sys

BROAD = 40  # a graph check listing more types than this targets "everything", not specific types


def _collect(registry: object, prefix: tuple[str, ...]) -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    for rtype, checks in registry.checks.items():  # type: ignore[attr-defined]
        if not rtype.startswith(prefix):
            continue
        for check in checks:
            entry = out.setdefault(check.id, {"name": check.name, "types": []})
            if rtype not in entry["types"]:
                entry["types"].append(rtype)
    return out


def main() -> None:
    from checkov.arm.registry import arm_resource_registry
    from checkov.common.checks_infra.registry import get_graph_checks_registry
    from checkov.terraform.checks.resource.registry import resource_registry
    from checkov.version import version

    terraform = _collect(resource_registry, ("aws_", "azurerm_"))
    graph = get_graph_checks_registry("terraform")
    graph.load_checks()
    for check in graph.checks:
        types = [t for t in check.resource_types if t.startswith(("aws_", "azurerm_"))]
        if types:
            terraform[check.id] = {"name": check.name, "types": sorted(types), "graph": True,
                                   "broad": len(check.resource_types) > BROAD}
    arm = _collect(arm_resource_registry, ("Microsoft.",))
    json.dump({"version": version, "terraform": terraform, "arm": arm}, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main()
