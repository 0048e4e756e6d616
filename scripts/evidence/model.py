"""The evidence tool's own result types: what one stack contributed and what a live check found."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from gate.model import StackReport

LiveStatus = Literal["pass", "fail", "error", "not-verified"]
ControlStatus = Literal["verified", "implemented", "failed", "waived", "organisational", "not-verified"]


@dataclass
class StackEvidence:
    """One stack's gate verdict and the (redacted) checkpoint it was reached on."""

    stack: str  # stack name, e.g. "portal-prod"
    report: StackReport  # the gate's verdict (policy packs and checkov)
    state: dict[str, Any]  # checkpoint in `pulumi stack export` shape, secrets redacted
    source: str = "preview"  # "preview" (recorded now) or the state file it was read from
    sarif: str | None = None  # the gate's SARIF rendering when the gate offers one

    def resources(self) -> list[dict[str, Any]]:
        """The checkpoint's resources (providers and the stack resource included)."""
        return list(self.state.get("deployment", {}).get("resources", []) or [])


@dataclass
class LiveCheck:
    """One property read from a deployed cloud, compared with what the plan promised."""

    cloud: str  # "aws" | "azure"
    check: str  # check id, e.g. "aws.kms.rotation"
    resource: str  # ARN / Azure resource id / name the value was read from ("" if none)
    status: LiveStatus  # "error"/"not-verified" never count as a pass
    detail: str  # one line for the auditor
    resource_type: str = ""  # Pulumi type token the check verifies (links it to rules and controls)
    actual: Any = None  # the value read from the cloud (redacted)
    expected: Any = None  # the value the plan / policy expects
    drift: bool = False  # True when the live value differs from the plan
    rules: list[str] = field(default_factory=list)  # rule ids whose intent this check verifies live

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ControlResult:
    """The verdict for one control across all exported stacks."""

    control: Any  # catalogue Control
    status: ControlStatus
    reason: str  # one line: why this status
    rules: list[str] = field(default_factory=list)
    checkov: list[str] = field(default_factory=list)
    runs: list[dict[str, Any]] = field(default_factory=list)  # PolicyRun dicts + "stack"
    violations: list[dict[str, Any]] = field(default_factory=list)  # Violation dicts + "stack"
    subjects: list[dict[str, Any]] = field(default_factory=list)  # {"stack","urn","type","name","properties"}
    live: list[LiveCheck] = field(default_factory=list)

    @property
    def waivers(self) -> list[dict[str, Any]]:
        return [v for v in self.violations if v.get("waiver")]
