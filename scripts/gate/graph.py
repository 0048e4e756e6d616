"""The recorded resource graph of one stack and its `pulumi stack export` (checkpoint v3) form."""

from __future__ import annotations

import datetime as _dt
import heapq
from dataclasses import dataclass, field
from typing import Any

from gate.errors import GateError, ProgramError
from gate.read_tracker import STACK_TYPE
from gate.redaction import redact
from gate.wire import UNKNOWN

STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference"
PROVIDER_PREFIX = "pulumi:providers:"

# The config key per provider package that carries its region (for default providers and reports).
REGION_KEYS = {"aws": "region", "azure-native": "location", "azure": "location"}


def _as_dict(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


def provider_urn(ref: str) -> str:
    """`"<urn>::<id>"` -> `<urn>`."""
    return ref.rsplit("::", 1)[0] if ref else ""


@dataclass
class RecordedResource:
    """One registration as the engine saw it (the fields of a checkpoint resource)."""

    urn: str
    type: str
    name: str
    custom: bool
    inputs: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    id: str = ""
    parent: str = ""
    provider_ref: str = ""          # "<provider urn>::<provider id>" (explicit or default provider)
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    protect: bool = False
    external: bool = False          # read (`.get()`, StackReference), not managed
    aliases: list[Any] = field(default_factory=list)
    ignore_changes: list[str] = field(default_factory=list)
    retain_on_delete: bool = False
    additional_secret_outputs: list[str] = field(default_factory=list)
    delete_before_replace: bool | None = None
    custom_timeouts: dict[str, str] = field(default_factory=dict)   # {"create": "5m", ...}
    version: str = ""               # provider package version (from the SDK)
    source_position: str = ""       # "project:///<file>#<line>": the program line that registered it
    source_chain: list[str] = field(default_factory=list)   # program frames leading to it, outermost first

    @property
    def provider(self) -> str:
        """The provider's URN ("" for components and the stack)."""
        return provider_urn(self.provider_ref)

    def to_checkpoint(self, redact_secrets: bool = True) -> dict[str, Any]:
        fix = redact if redact_secrets else (lambda v: v)
        out: dict[str, Any] = {"urn": self.urn, "custom": self.custom}
        if self.id:
            out["id"] = self.id
        out.update(type=self.type, inputs=fix(self.inputs), outputs=fix(self.outputs))
        if self.parent:
            out["parent"] = self.parent
        if self.provider_ref:
            out["provider"] = self.provider_ref
        out["dependencies"] = list(self.dependencies)
        out["propertyDependencies"] = {k: list(v) for k, v in self.property_dependencies.items()}
        out["protect"] = self.protect
        if self.external:
            out["external"] = True
        if self.aliases:
            out["aliases"] = list(self.aliases)
        if self.ignore_changes:
            out["ignoreChanges"] = list(self.ignore_changes)
        if self.retain_on_delete:
            out["retainOnDelete"] = True
        if self.additional_secret_outputs:
            out["additionalSecretOutputs"] = list(self.additional_secret_outputs)
        if self.delete_before_replace is not None:
            out["deleteBeforeReplace"] = self.delete_before_replace
        if self.custom_timeouts:
            out["customTimeouts"] = dict(self.custom_timeouts)
        if self.source_position:
            out["sourcePosition"] = self.source_position
        if len(self.source_chain) > 1:      # the gate's own field: how a component got there
            out["sourceChain"] = list(self.source_chain)
        return out

    @classmethod
    def from_checkpoint(cls, data: dict[str, Any]) -> RecordedResource:
        urn = data["urn"]
        return cls(
            urn=urn,
            type=data["type"],
            name=urn.split("::")[-1],
            custom=bool(data.get("custom", False)),
            inputs=data["inputs"] if isinstance(data.get("inputs"), dict) else {},
            outputs=data["outputs"] if isinstance(data.get("outputs"), dict) else {},
            id=data.get("id") or "",
            parent=data.get("parent") or "",
            provider_ref=data.get("provider") or "",
            dependencies=list(data.get("dependencies") or []),
            property_dependencies={
                k: list(v or []) for k, v in _as_dict(data.get("propertyDependencies")).items()
            },
            protect=bool(data.get("protect", False)),
            external=bool(data.get("external", False)),
            aliases=list(data.get("aliases") or []),
            ignore_changes=list(data.get("ignoreChanges") or []),
            retain_on_delete=bool(data.get("retainOnDelete", False)),
            additional_secret_outputs=list(data.get("additionalSecretOutputs") or []),
            delete_before_replace=data.get("deleteBeforeReplace"),
            custom_timeouts=_as_dict(data.get("customTimeouts")),
            source_position=data.get("sourcePosition") if isinstance(data.get("sourcePosition"), str) else "",
            source_chain=[s for s in data.get("sourceChain") or [] if isinstance(s, str)],
        )


@dataclass
class Graph:
    """The recorded resource graph of one stack."""

    project: str
    stack: str
    resources: list[RecordedResource] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)              # flat stack config ("ns:key" -> str)
    stack_references: dict[str, bool] = field(default_factory=dict)   # referenced stack -> resolved?
    diagnostics: list[dict[str, str]] = field(default_factory=list)  # pulumi.log: {severity, message, urn}
    env_reads: list[dict[str, Any]] = field(default_factory=list)    # gate.env_reads.EnvReads.report

    def __post_init__(self) -> None:
        self._by_urn = {r.urn: r for r in self.resources}

    def add(self, resource: RecordedResource) -> None:
        if resource.urn in self._by_urn:
            raise ProgramError(f"stack {self.stack}: duplicate resource URN {resource.urn!r} "
                               "(each resource needs a unique name within its parent and type)")
        self.resources.append(resource)
        self._by_urn[resource.urn] = resource

    def get(self, urn: str) -> RecordedResource | None:
        return self._by_urn.get(urn)

    def by_type(self, typ: str) -> list[RecordedResource]:
        return [r for r in self.resources if r.type == typ]

    @property
    def stack_resource(self) -> RecordedResource | None:
        return next((r for r in self.resources if r.type == STACK_TYPE), None)

    @property
    def outputs(self) -> dict[str, Any]:
        """The stack outputs (`pulumi.export`), secrets as signature objects, unknowns as UNKNOWN."""
        root = self.stack_resource
        return root.outputs if root else {}

    def effective_provider(self, resource: RecordedResource) -> RecordedResource | None:
        """The explicit or synthesized default provider of a custom resource (None for components)."""
        return self.get(resource.provider) if resource.provider_ref else None

    def region(self, resource: RecordedResource) -> str | None:
        """Where it lives: its own `location` (Azure) / `region` (AWS v7) input, else the provider's."""
        own = resource.inputs.get("location" if resource.type.startswith("azure") else "region")
        if isinstance(own, str) and own != UNKNOWN and not resource.type.startswith(PROVIDER_PREFIX):
            return own
        provider = self.effective_provider(resource)
        if provider is None:
            return None
        key = REGION_KEYS.get(provider.type[len(PROVIDER_PREFIX):])
        value = provider.inputs.get(key) if key else None
        return value if isinstance(value, str) else None

    def to_checkpoint(self, redact_secrets: bool = True) -> dict[str, Any]:
        """The `pulumi stack export` (version 3) shape; secrets written as "[secret]"."""
        return {
            "version": 3,
            "deployment": {
                "manifest": {
                    "time": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
                    "magic": "",
                    "version": f"gate (pulumi {_sdk_version()})",
                },
                "resources": [r.to_checkpoint(redact_secrets) for r in canonical_order(self.resources)],
            },
        }

    @classmethod
    def from_checkpoint(cls, data: Any, source: str = "state") -> Graph:
        """Parse a `pulumi stack export` document; GateError naming `source` if it is not one."""
        raw = checkpoint_resources(data, source)
        resources = []
        for i, item in enumerate(raw):
            if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in ("urn", "type")):
                raise GateError(f"{source}: deployment.resources[{i}]: expected an object with urn and type")
            resources.append(RecordedResource.from_checkpoint(item))
        project, stack = checkpoint_identity(data, source)
        return cls(project=project, stack=stack, resources=resources)


def checkpoint_resources(data: Any, source: str = "state") -> list[Any]:
    """The resource list of a `pulumi stack export` document (shape checked, items not)."""
    if not isinstance(data, dict) or not isinstance(data.get("deployment"), dict):
        raise GateError(f"{source}: not a Pulumi checkpoint (expected an object with a 'deployment' key)")
    version = data.get("version")
    if version not in (3, None):
        raise GateError(f"{source}: version: unsupported checkpoint version {version!r} (expected 3)")
    raw = data["deployment"].get("resources") or []
    if not isinstance(raw, list):
        raise GateError(f"{source}: deployment.resources: expected a list")
    return raw


def checkpoint_identity(data: Any, source: str = "state") -> tuple[str, str]:
    """(project, stack) from the first resource's URN ("", "" for an empty state); cheap on huge states."""
    raw = checkpoint_resources(data, source)
    first = raw[0] if raw and isinstance(raw[0], dict) else {}
    parts = first.get("urn", "").split("::") if isinstance(first.get("urn"), str) else []
    if len(parts) >= 4 and parts[0].startswith("urn:pulumi:"):
        return parts[1], parts[0][len("urn:pulumi:"):]
    return "", ""


def _sdk_version() -> str:
    try:
        from importlib.metadata import version

        return version("pulumi")
    except Exception:  # pragma: no cover - metadata missing only in broken installs
        return "unknown"


def canonical_order(resources: list[RecordedResource]) -> list[RecordedResource]:
    """The resources in one order for one program: each after its parent, provider and dependencies (as the
    engine writes a checkpoint), the stack first, ties by URN. The SDK registers from executor threads, so
    the registration order varies between runs; a checkpoint, its digest and the evidence must not."""
    by_urn = {r.urn: r for r in resources}
    if len(by_urn) != len(resources):   # duplicate URNs (reported elsewhere): left as registered
        return list(resources)
    blockers: dict[str, int] = {}
    waiting: dict[str, list[str]] = {}
    for r in resources:
        needs = {r.parent, r.provider, *r.dependencies}
        needs.update(u for v in r.property_dependencies.values() for u in v)
        needs = {u for u in needs if u in by_urn and u != r.urn}
        blockers[r.urn] = len(needs)
        for u in needs:
            waiting.setdefault(u, []).append(r.urn)
    ready = [(by_urn[u].type != STACK_TYPE, u) for u, n in blockers.items() if n == 0]
    heapq.heapify(ready)
    out: list[RecordedResource] = []
    while ready:
        _, urn = heapq.heappop(ready)
        out.append(by_urn[urn])
        for w in waiting.get(urn, ()):
            blockers[w] -= 1
            if blockers[w] == 0:
                heapq.heappush(ready, (by_urn[w].type != STACK_TYPE, w))
    if len(out) < len(resources):       # a dependency cycle (the SDK cannot make one): the rest as registered
        placed = {r.urn for r in out}
        out += [r for r in resources if r.urn not in placed]
    return out
