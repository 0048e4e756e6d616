"""Regenerate the type inventory from the installed provider SDKs and check the class data against it.

    scripts/uvw run --frozen python scripts/dev/gen_resource_classes.py [--check]

Writes policies/data/resource_types.json (every resource type token of every installed provider SDK, with
the SDK version) and policies/data/azure_id_params.json (the inputs each azure-native type's ARM id is made
of, from its `get_*` function), and adds each installed service module missing from
policies/data/resource_classes.yaml as `unclassified` (which fails the tests until someone reviews it).
Prints the coverage figure and the listed modules/types that no installed SDK has. `--check` writes nothing
and exits 1 on any gap.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from policies.core.sdk_inventory import (  # noqa: E402
    azure_child_types,
    azure_id_params,
    azure_scoped_types,
    installed_sdks,
    module_of,
)
from policies.core.types import CLASSES_FILE, ID_PARAMS_FILE, INVENTORY_FILE, load_classes  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--check", action="store_true", help="only check; exit 1 on gaps")
    args = p.parse_args(argv)
    sdks = installed_sdks()
    inventory = {
        s.package: {
            "distribution": s.distribution,
            "version": s.version,
            "tokens": list(s.tokens),
            **({"scoped": scoped} if (scoped := azure_scoped_types(s)) else {}),
            **({"children": children} if (children := azure_child_types(s)) else {}),
        }
        for s in sdks
    }
    params = {t: ps for s in sdks for t, ps in azure_id_params(s).items()}
    id_params = "{\n" + ",\n".join(f"{json.dumps(t)}: {json.dumps(ps)}" for t, ps in params.items()) + "\n}\n"
    data = load_classes()
    tokens = {t for s in sdks for t in s.tokens}
    modules = {module_of(t) for t in tokens}
    missing = sorted(modules - set(data.modules))
    stale = sorted(set(data.modules) - modules) + sorted(set(data.types) - tokens)
    classified = sum(1 for t in tokens if data.class_of_known(t) not in (None, "unclassified"))
    print(
        f"types classified: {classified}/{len(tokens)} ({100 * classified / max(len(tokens), 1):.1f} %) "
        f"in {len(modules)} service modules of {', '.join(f'{s.package} {s.version}' for s in sdks)}"
    )
    for m in missing:
        print(f"unclassified module: {m}")
    for s in stale:
        print(f"listed but not installed: {s}")
    if args.check:
        current = json.loads(INVENTORY_FILE.read_text(encoding="utf-8")) if INVENTORY_FILE.is_file() else {}
        if current != inventory:
            print(f"{INVENTORY_FILE.relative_to(ROOT)} is out of date with the installed SDKs")
            return 1
        if not ID_PARAMS_FILE.is_file() or ID_PARAMS_FILE.read_text(encoding="utf-8") != id_params:
            print(f"{ID_PARAMS_FILE.relative_to(ROOT)} is out of date with the installed SDKs")
            return 1
        return 1 if missing or stale or classified != len(tokens) else 0
    INVENTORY_FILE.write_text(json.dumps(inventory, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    ID_PARAMS_FILE.write_text(id_params, encoding="utf-8")
    if missing:
        with CLASSES_FILE.open("a", encoding="utf-8") as f:
            f.write("# added by gen_resource_classes.py: review and classify\n")
            f.write("".join(f"  {m}: unclassified\n" for m in missing))
    return 0


if __name__ == "__main__":
    sys.exit(main())
