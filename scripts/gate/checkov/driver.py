"""checkov as a library, run by checkov's own tool environment: ``python driver.py DIR FRAMEWORK...|-``.

The same scan as ``checkov -d DIR --framework ... --skip-download`` (checkov's own ``Checkov`` entry point
with those arguments), minus two costs that do not change a result: checkov keeps every debug message
in memory (15 % of a 10k-resource scan) and prints a JSON report with every resource's code (20 %),
and it reads the gate's one-line JSON files through a YAML loader (a third; see fastparse.py).
Prints one JSON list of ``{"check_type", "results": {"failed_checks", "passed_checks"}}`` holding only
the fields the gate reads. Runs in checkov's environment: imports nothing of the gate.
"""

from __future__ import annotations

import json
import logging
import os
import sys

FIELDS = ("check_id", "check_name", "resource", "file_path")
# checkov.main imports every framework's runner (a third of its start, ~0.7 s of CPU); the gate scans
# with two (terraform_plan, arm). The others become stand-ins carrying only their framework name, so
# RunnerRegistry drops them for `--framework terraform_plan arm` exactly as it drops the real ones.
# (secrets and terraform stay real: other modules import names from them.)
STAND_INS = {
    "ansible": ("Runner", "ANSIBLE"), "argo_workflows": ("Runner", "ARGO_WORKFLOWS"),
    "azure_pipelines": ("Runner", "AZURE_PIPELINES"), "bicep": ("Runner", "BICEP"),
    "bitbucket": ("Runner", "BITBUCKET_CONFIGURATION"),
    "bitbucket_pipelines": ("Runner", "BITBUCKET_PIPELINES"),
    "cdk": ("CdkRunner", "CDK"), "circleci_pipelines": ("Runner", "CIRCLECI_PIPELINES"),
    "cloudformation": ("Runner", "CLOUDFORMATION"), "dockerfile": ("Runner", "DOCKERFILE"),
    "github": ("Runner", "GITHUB_CONFIGURATION"), "github_actions": ("Runner", "GITHUB_ACTIONS"),
    "gitlab": ("Runner", "GITLAB_CONFIGURATION"), "gitlab_ci": ("Runner", "GITLAB_CI"),
    "helm": ("Runner", "HELM"), "json_doc": ("Runner", "JSON"), "kubernetes": ("Runner", "KUBERNETES"),
    "kustomize": ("Runner", "KUSTOMIZE"), "openapi": ("Runner", "OPENAPI"), "sast": ("Runner", "SAST"),
    "sca_image": ("Runner", "SCA_IMAGE"), "sca_package_2": ("Runner", "SCA_PACKAGE"),
    "serverless": ("Runner", "SERVERLESS"), "terraform_json": ("TerraformJsonRunner", "TERRAFORM_JSON"),
    "yaml_doc": ("Runner", "YAML"),
}
GATE_FRAMEWORKS = {"terraform_plan", "arm"}


def _stand_ins() -> None:
    """Replace the runner modules of the frameworks the gate never scans (before checkov.main loads)."""
    import types

    from checkov.common.bridgecrew.check_type import CheckType

    for package, (name, kind) in STAND_INS.items():
        module = types.ModuleType(f"checkov.{package}.runner")
        setattr(module, name, type(name, (), {"check_type": getattr(CheckType, kind)}))
        sys.modules[module.__name__] = module


def _record(record: object) -> dict[str, object]:
    out = {k: getattr(record, k, None) for k in FIELDS}
    severity = getattr(record, "severity", None)
    out["severity"] = getattr(severity, "name", None) if severity is not None else None
    return out


def main(argv: list[str]) -> int:
    """``DIR FRAMEWORK...``, or ``-``: import checkov first, then read ``{"directory", "frameworks"}``
    as one JSON line from stdin (end of input: exit without scanning). The gate starts a driver that
    way before it knows what to scan, so checkov's imports (most of a small scan) overlap its export."""
    os.environ.update({"LOG_LEVEL": "ERROR", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false",
                       "BC_SKIP_MAPPING": "TRUE", "CKV_NO_TELEMETRY": "1"})
    os.environ.pop("BC_API_KEY", None)
    logging.disable(logging.INFO)   # checkov formats and buffers every debug message otherwise
    import fastparse  # beside this file (the script's directory is on sys.path)

    if argv == ["-"] or set(argv[1:]) <= GATE_FRAMEWORKS:
        _stand_ins()
    from checkov.main import Checkov

    fastparse.install()
    Checkov.print_results = lambda self, *a, **k: 0   # type: ignore[method-assign]  # results read below
    if argv == ["-"]:
        line = sys.stdin.readline()
        if not line.strip():
            return 0
        job = json.loads(line)
        directory, frameworks = str(job["directory"]), [str(f) for f in job["frameworks"]]
        if not set(frameworks) <= GATE_FRAMEWORKS:
            raise SystemExit(f"driver: frameworks {frameworks}: only {sorted(GATE_FRAMEWORKS)} (stand-ins)")
        os.chdir(directory)   # where a plain run starts
    else:
        directory, frameworks = argv[0], argv[1:]
    ckv = Checkov(argv=["-d", directory, "--framework", *frameworks, "-o", "json", "--compact",
                        "--skip-download", "--no-fail-on-crash", "--soft-fail", "--quiet"])
    ckv.run()
    reports = [{"check_type": r.check_type,
                "results": {"failed_checks": [_record(c) for c in r.failed_checks],
                            "passed_checks": [_record(c) for c in r.passed_checks]}}
               for r in ckv.scan_reports]
    # one write to the real stdout: checkov wraps sys.stdout in colorama, and json.dump streams through
    # the pure-Python encoder in small pieces (together a seventh of a large scan)
    sys.__stdout__.write(json.dumps(reports, separators=(",", ":")) + "\n")
    sys.__stdout__.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
