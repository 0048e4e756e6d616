"""The engine's result types, shared by the policy host, checkov and the reporters."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Level = Literal["mandatory", "advisory", "disabled", "remediate"]


@dataclass(frozen=True)
class Violation:
    """One finding, in the shape of the gate's JSON report."""

    pack: str            # "eu-residency", "pia-conditions", "checkov", ...
    policy: str          # policy name / rule id / CKV id
    level: Level         # effective enforcement level
    severity: str        # "low" | "medium" | "high" | "critical" | ""
    urn: str             # resource URN ("" for a stack-level finding)
    type: str            # resource type token ("" for a stack-level finding)
    message: str         # as the CLI shows it: policy description, newline, violation message
    waiver: dict[str, Any] | None = None  # {"rule", "resource", "reason", "owner", "expires"} when waived
    source: str = ""     # "file:line" in the program that registered the resource ("" when unknown)
    source_chain: tuple[str, ...] = ()    # the program's call chain to it, outermost first (components)
    recording: str = "preview"   # the graph it was found on: "preview", or "update" (what would deploy)

    @property
    def blocking(self) -> bool:
        return self.level in ("mandatory", "remediate") and self.waiver is None

    def to_json(self) -> dict[str, Any]:
        # by hand: dataclasses.asdict deep-copies recursively, 10x slower on 100k findings
        return {"pack": self.pack, "policy": self.policy, "level": self.level, "severity": self.severity,
                "urn": self.urn, "type": self.type, "message": self.message,
                "waiver": dict(self.waiver) if self.waiver is not None else None,
                "source": self.source, "source_chain": list(self.source_chain),
                "recording": self.recording}


@dataclass
class PolicyRun:
    """How often one policy was evaluated and failed: the 'verified' side of the evidence."""

    pack: str
    policy: str
    level: Level
    severity: str = ""
    description: str = ""
    resources_checked: int = 0
    violations: int = 0


@dataclass
class StackReport:
    """The verdict for one stack."""

    stack: str
    resources: int
    violations: list[Violation] = field(default_factory=list)
    policies: list[PolicyRun] = field(default_factory=list)
    resource_types: dict[str, int] = field(default_factory=dict)
    regions: dict[str, int] = field(default_factory=dict)
    as_of: str = ""
    """The evaluation date (YYYY-MM-DD) records were judged on (`--as-of`)."""
    cached: bool = False   # answered from the stack cache (gate.stackcache), not recorded and judged again
    # Where sources are: the program directory relative to the repository root ("" = the root; in the
    # JSON when set, so merged shards place findings alike), and the file a finding without a source
    # position is reported at (not in the JSON).
    source_root: str = ""
    source_fallback: str = ""

    @property
    def blocked(self) -> bool:
        return any(v.blocking for v in self.violations)

    def to_json(self, violations: Any = None) -> dict[str, Any]:
        """The report's JSON document (`violations`: what stands in their place; default: the list)."""
        return {
            "stack": self.stack,
            "blocked": self.blocked,
            "resources": self.resources,
            "violations": [v.to_json() for v in self.violations] if violations is None else violations,
            "policies": [asdict(p) for p in self.policies],
            "resource_types": self.resource_types,
            "regions": self.regions,
            "as_of": self.as_of,
            **({"cached": True} if self.cached else {}),
            **({"source_root": self.source_root} if self.source_root else {}),
        }

    def to_json_bytes(self) -> bytes:
        """`dumps_bytes(self.to_json())`, its findings rendered a batch at a time."""
        from gate.jsonio import PLACEHOLDER, dumps_with_list

        return dumps_with_list(self.to_json(violations=PLACEHOLDER), (v.to_json() for v in self.violations))
