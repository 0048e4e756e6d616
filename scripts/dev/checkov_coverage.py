"""How much of checkov's AWS and Azure library the Pulumi exporters reach.

Counts the resource types checkov's checks target (Terraform ``aws_*`` checks incl. graph checks for the
Terraform-plan view, ARM checks for the ARM view) and how many of them the checked-in type tables map a
Pulumi token to. Usage: ``scripts/uvw run --frozen python scripts/dev/checkov_coverage.py [--offline] [--json]``
(``--offline`` reads the snapshot ``data/targets.json`` instead of asking checkov's tool environment).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from gate.checkov import arm, terraform
from gate.checkov.generate import DATA, targets_from_tool_env


def _arm_key(arm_type: str) -> str:
    return arm_type.rstrip("/").lower()


def coverage(targets: dict[str, Any]) -> dict[str, Any]:
    """Targeted / mapped type and check counts per view, and what is missing."""
    aws_mapped = set(terraform.type_table().values())
    checks = {k: c for k, c in targets["terraform"].items() if any(t.startswith("aws_") for t in c["types"])}
    specific = {k: c for k, c in checks.items() if not c.get("broad")}
    aws_types = {t for c in specific.values() for t in c["types"] if t.startswith("aws_")}
    aws_all = {t for c in checks.values() for t in c["types"] if t.startswith("aws_")}
    arm_mapped = {_arm_key(v["arm_type"]) for v in arm.type_table().values()}
    arm_checks = targets["arm"]
    arm_types = {_arm_key(t) for c in arm_checks.values() for t in c["types"] if t.startswith("Microsoft.")}

    def reached(cs: dict[str, Any], mapped: set[str], key: Any = str) -> int:
        return sum(1 for c in cs.values() if any(key(t) in mapped for t in c["types"]))

    return {
        "checkov_version": targets.get("version", ""),
        "terraform_aws": {"types": len(aws_types), "mapped": len(aws_types & aws_mapped),
                          "checks": len(specific), "checks_reached": reached(specific, aws_mapped),
                          "missing": sorted(aws_types - aws_mapped)},
        "terraform_aws_incl_broad_graph_checks": {"types": len(aws_all), "mapped": len(aws_all & aws_mapped)},
        "arm": {"types": len(arm_types), "mapped": len(arm_types & arm_mapped), "checks": len(arm_checks),
                "checks_reached": reached(arm_checks, arm_mapped, _arm_key),
                "missing": sorted(arm_types - arm_mapped)},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offline", action="store_true", help="use the checked-in data/targets.json")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    targets = (json.loads((DATA / "targets.json").read_text()) if args.offline else targets_from_tool_env())
    cov = coverage(targets)
    if args.json:
        json.dump(cov, sys.stdout, indent=1)
        print()
        return 0
    tf, az, broad = cov["terraform_aws"], cov["arm"], cov["terraform_aws_incl_broad_graph_checks"]
    total, mapped = tf["types"] + az["types"], tf["mapped"] + az["mapped"]
    print(f"checkov {cov['checkov_version']}: checkov-targeted types mapped from Pulumi: {mapped}/{total} "
          f"({100 * mapped / total:.1f}%)")
    print(f"  pulumi-aws -> Terraform plan: {tf['mapped']}/{tf['types']} types; "
          f"{tf['checks_reached']}/{tf['checks']} checks reach a mapped type")
    print(f"  azure-native -> ARM:          {az['mapped']}/{az['types']} types; "
          f"{az['checks_reached']}/{az['checks']} checks reach a mapped type")
    print(f"  (incl. graph checks over all taggable types: {broad['mapped']}/{broad['types']} aws types)")
    for name, view in (("terraform", tf), ("arm", az)):
        if view["missing"]:
            print(f"  not mappable ({name}): {', '.join(view['missing'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
