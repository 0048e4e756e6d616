"""The evidence tool's own result types: what one stack contributed and what a live check found."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from gate.model import StackReport

LiveStatus = Literal["pass", "fail", "error", "not-verified"]
ControlStatus = Literal[
    "verified", "partially-verified", "not-verified", "failed", "waived", "organisational"
]
ClauseStatus = Literal["established", "failed", "waived", "not-verified", "organisational"]
MeansStatus = Literal["established", "failed", "waived", "not-verified", "not-applicable", "organisational"]
STATUS_ORDER: tuple[str, ...] = (
    "verified",
    "partially-verified",
    "not-verified",
    "failed",
    "waived",
    "organisational",
)
STATUS_MEANING: dict[str, str] = {
    "verified": "every clause is established by a check that ran on at least one resource it applies to "
    "(or by a valid record), and none failed",
    "partially-verified": "some clauses are established and none failed; the others are named",
    "not-verified": "no clause is established: a check could not run or had nothing to apply to",
    "failed": "a check found a violation that is not waived, or a record reports a failure",
    "waived": "every finding is covered by a valid waiver (owner and expiry shown); the other clauses hold",
    "organisational": "established by an organisational measure only: ask for the evidence named",
}


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
class MeansResult:
    """What one means of a clause showed in this export."""

    kind: str  # rule | checkov | component | live | record | organisational
    ref: str  # rule id, checkov id, component, live check id, record kind, or the evidence to ask for
    how: str  # one line: how this means establishes the clause
    status: MeansStatus
    detail: str  # one line: on what it ran, what it found, or why it could not
    applied: dict[str, int] = field(default_factory=dict)  # stack -> resources (or records) it applied to
    violations: list[dict[str, Any]] = field(default_factory=list)  # findings attributed to this clause
    live: list[LiveCheck] = field(default_factory=list)


@dataclass
class ClauseResult:
    """One clause of a control: its text, what establishes it and what this export showed."""

    id: str
    text: str
    status: ClauseStatus
    reason: str  # one line: which means established it, or what is missing
    means: list[MeansResult] = field(default_factory=list)

    @property
    def applied(self) -> int:
        return sum(n for m in self.means for n in m.applied.values())


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
    clauses: list[ClauseResult] = field(default_factory=list)

    @property
    def missing(self) -> list[ClauseResult]:
        """Clauses not established by a check (not verified, or organisational)."""
        return [c for c in self.clauses if c.status in ("not-verified", "organisational")]

    @property
    def waivers(self) -> list[dict[str, Any]]:
        return [v for v in self.violations if v.get("waiver")]
