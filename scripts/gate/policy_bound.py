"""A policy bound to its pack's config for one evaluation: its effective level and config, and the findings
it collects through pulumi_policy's report callback (gate.policyhost runs it, gate.policy_loop calls it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gate.findings import join_message, violation
from gate.model import PolicyRun, Violation
from gate.packs import LoadedPack, config_for, policy_infos, policy_types, struct_round_trip
from gate.policy_config import PolicyConfig, normalize_initial_config, reconcile
from gate.state_view import StateResource


@dataclass
class Bound:
    """A policy with its effective level and config, and the findings it collects."""

    pack: str
    pack_index: int
    index: int
    policy: Any
    level: str
    config: dict[str, Any] | None
    run: PolicyRun
    types: frozenset[str] | None
    found: list[tuple[int, Violation]] = field(default_factory=list)   # (resource index, finding)
    resource: StateResource | None = None
    stack_lookup: dict[str, StateResource] | None = None
    validate: Any = None
    reporter: Any = None
    severity_of: tuple[Any, str] = (None, "")

    def __post_init__(self) -> None:
        self.validate = self.policy.validate  # bound once: the hot loop calls these per resource
        self.reporter = self.report

    def add(self, level: str, severity: str, urn: str, type_: str, message: str, res_index: int) -> None:
        self.found.append((res_index, violation(self.pack, self.policy.name, level, severity, urn, type_,
                                                message)))
        self.run.violations += 1

    def report(self, message: str, urn: str | None = None) -> None:
        """The report_violation callback, with the servicer's argument checks (hot: 100k's of findings)."""
        if message and type(message) is not str and not isinstance(message, str):
            raise TypeError("Expected message to be a string")
        if urn is not None and type(urn) is not str and not isinstance(urn, str):
            raise TypeError("Expected urn to be a string")
        policy = self.policy
        text = join_message(policy.description, message)
        severity = policy.severity
        if severity is not self.severity_of[0]:   # the enum's value, read once per severity object
            self.severity_of = (severity, getattr(severity, "value", "") or "")
        r = self.resource
        if r is None:
            r = (self.stack_lookup or {}).get(urn or "")
            if r is None:
                self.found.append((-1, violation(self.pack, policy.name, self.level, self.severity_of[1],
                                                 urn or "", "", text)))
                self.run.violations += 1
                return
            urn = urn or ""
        else:
            urn = r.urn
        self.found.append((r.index, violation(self.pack, policy.name, self.level, self.severity_of[1], urn,
                                              r.type, text)))
        self.run.violations += 1


def bind(packs: list[LoadedPack], pack_config: dict[str, dict[str, Any]] | None) -> list[Bound]:
    import pulumi_policy

    bound: list[Bound] = []
    for pi, pack in enumerate(packs):
        given, source = config_for(pack.name, pack.directory, pack_config)
        infos = policy_infos(pack)
        configs = reconcile(pack.name, infos, normalize_initial_config(pack.initial_config), given, source)
        for i, (p, info) in enumerate(zip(pack.policies, infos, strict=True)):
            cfg = configs.get(p.name) or PolicyConfig(level=info.level)
            level = cfg.level or info.level
            run = PolicyRun(pack=pack.name, policy=p.name, level=level, severity=info.severity,  # type: ignore[arg-type]
                            description=p.description)
            types = policy_types(p)
            b = Bound(pack.name, pi, i, p, "mandatory" if level == "remediate" else level,
                       struct_round_trip(cfg.properties), run, types)
            if isinstance(p, pulumi_policy.ResourceValidationPolicy) and not p.has_validation():
                b.level = "disabled"  # remediation-only: not applicable to analysis
            bound.append(b)
    return bound
