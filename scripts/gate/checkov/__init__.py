"""checkov over Pulumi programs: the recorded graph exported as a Terraform plan (pulumi-aws) and an ARM
template (azure-native), scanned by checkov from its own pinned tool environment, findings mapped to URNs."""

from __future__ import annotations

from gate.checkov.runner import StackScan, mandatory_checks, scan, scan_stacks

__all__ = ["StackScan", "mandatory_checks", "scan", "scan_stacks"]
