"""checkov over Pulumi programs: the recorded graph exported as a Terraform plan (pulumi-aws) and an ARM
template (azure-native), scanned by checkov from its own pinned tool environment, findings mapped to URNs.

The names below load gate.checkov.runner on first use: `gate analyze` imports gate.checkov.processes to
start checkov's driver first thing, and the runner's imports (the Pulumi SDK's wire format, through the
exporters) would hold that start back by a fifth of a second."""

from __future__ import annotations

from typing import Any

__all__ = ["StackScan", "mandatory_checks", "scan", "scan_stacks"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from gate.checkov import runner

        return getattr(runner, name)
    raise AttributeError(f"module 'gate.checkov' has no attribute {name!r}")
