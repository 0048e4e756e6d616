"""Record a Pulumi Python program's resource graph offline, the way `pulumi preview` would register it.

The program runs in-process under the SDK's mock monitor (`pulumi.runtime.set_mocks` machinery) in
preview mode. A monitor subclass intercepts every RegisterResource / ReadResource /
RegisterResourceOutputs request, so the record holds the serialized inputs exactly as the engine would
receive them: unknowns as the UNKNOWN sentinel, secrets as the secret signature object, plus parent,
provider, dependencies and property dependencies. Default providers are synthesized from stack config
like the engine does (`pulumi:providers:<pkg>::default_<version>`), so every custom resource has an
effective provider whose region is known (or visibly unknown).
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import os
import re
import runpy
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import chdir, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gate.errors import GateError, ProgramError

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
REDACTED = "[secret]"
STACK_TYPE = "pulumi:pulumi:Stack"
STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference"
PROVIDER_PREFIX = "pulumi:providers:"

# The config key per provider package that carries its region (for default providers and reports).
REGION_KEYS = {"aws": "region", "azure-native": "location", "azure": "location"}


def is_secret(value: Any) -> bool:
    """True for the secret signature object `{SIG_KEY: SECRET_SIG, "value": ...}`."""
    return isinstance(value, dict) and value.get(SIG_KEY) == SECRET_SIG


def is_unknown(value: Any) -> bool:
    return value == UNKNOWN


def secret(value: Any) -> dict[str, Any]:
    return {SIG_KEY: SECRET_SIG, "value": value}


def redact(value: Any) -> Any:
    """A deep copy with every secret's value replaced by "[secret]" (unknown secrets stay unknown)."""
    if isinstance(value, dict):
        if is_secret(value):
            inner = value.get("value")
            return secret(UNKNOWN if inner == UNKNOWN else REDACTED)
        return {k: redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def _normalize(value: Any) -> Any:
    """Protobuf Struct JSON -> engine-like JSON: whole floats become ints, resource refs become id/urn."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, list):
        return [_normalize(v) for v in value]
    if isinstance(value, dict):
        if value.get(SIG_KEY) == RESOURCE_SIG:
            rid = value.get("id")
            if rid is None:
                return value.get("urn", UNKNOWN)
            return rid if rid != "" else UNKNOWN
        return {k: _normalize(v) for k, v in value.items()}
    return value


def struct_to_plain(struct: Any) -> dict[str, Any]:
    from google.protobuf import json_format

    return _normalize(json_format.MessageToDict(struct)) if struct is not None else {}


def plain_to_struct(data: dict[str, Any]) -> Any:
    from google.protobuf import json_format, struct_pb2

    return json_format.ParseDict(data, struct_pb2.Struct())


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
                "resources": [r.to_checkpoint(redact_secrets) for r in self.resources],
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


def _config_string(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def normalize_config(project: str, config: dict[str, Any] | None) -> tuple[dict[str, str], list[str]]:
    """`{"key" | "ns:key": value}` -> (flat engine config of strings, secret keys).

    `{"secure": ...}` values (encrypted in stack files) cannot be decrypted offline: they become a
    placeholder marked secret, so the program still sees a secret.
    """
    flat: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, value in (config or {}).items():
        full = key if ":" in key else f"{project}:{key}"
        if isinstance(value, dict) and set(value) == {"secure"}:
            flat[full] = REDACTED
            secret_keys.append(full)
        else:
            flat[full] = _config_string(value)
    return flat, secret_keys


def outputs_from_state_file(state_dir: Path, stack: str) -> dict[str, Any] | None:
    """The stack outputs in `<state_dir>/<stack>.state.json`; None if absent, unreadable or a bad name."""
    from gate.project import STACK_NAME

    if not STACK_NAME.fullmatch(stack) or ".." in stack:
        return None
    path = Path(state_dir) / f"{stack}.state.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        resources = data["deployment"]["resources"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    root = next((r for r in resources if isinstance(r, dict) and r.get("type") == STACK_TYPE), None)
    outputs = root.get("outputs") if root else None
    return outputs if isinstance(outputs, dict) else None


class _Recorder:
    """Collects registrations (thread-safe: the SDK calls the monitor from executor threads)."""

    def __init__(self, project: str, stack: str, config: dict[str, str],
                 stack_outputs: dict[str, dict[str, Any]] | None) -> None:
        self.graph = Graph(project=project, stack=stack, config=dict(config))
        self.lock = threading.RLock()
        self.config = config
        self.stack_outputs = stack_outputs or {}
        self.default_providers: dict[tuple[str, str], str] = {}
        self.mocks: Any = None
        self.state_dir: Path | None = None
        self.secret_keys: set[str] = set()
        self.type_aliases: dict[str, list[str]] = {}   # type -> former type tokens (see _split_type_aliases)

    def urn(self, typ: str, name: str) -> str:
        return f"urn:pulumi:{self.graph.stack}::{self.graph.project}::{typ}::{name}"

    def default_provider(self, package: str, version: str) -> str:
        """The provider reference of the engine's default provider for a package (created on first use)."""
        with self.lock:
            key = (package, version)
            if key in self.default_providers:
                return self.default_providers[key]
            name = "default_" + re.sub(r"[^0-9A-Za-z]", "_", version) if version else "default"
            typ = PROVIDER_PREFIX + package
            inputs: dict[str, Any] = {
                k.split(":", 1)[1]: secret(v) if k in self.secret_keys else v
                for k, v in self.config.items() if k.split(":", 1)[0] == package
            }
            if version:
                inputs["version"] = version
            rid, _ = self.mocks.outputs_for(typ, name, inputs, "")
            urn = self.urn(typ, name)
            self.graph.add(RecordedResource(
                urn=urn, type=typ, name=name, custom=True, inputs=inputs, outputs=dict(inputs), id=rid,
                version=version,
            ))
            ref = f"{urn}::{rid}"
            self.default_providers[key] = ref
            return ref

    def region_of(self, provider_ref: str, package: str) -> str | None:
        """Region/location of the provider a resource or invoke uses (default provider from config)."""
        key = REGION_KEYS.get(package)
        if not key:
            return None
        with self.lock:
            provider = self.graph.get(provider_urn(provider_ref)) if provider_ref else None
        value = provider.inputs.get(key) if provider is not None else self.config.get(f"{package}:{key}")
        return value if isinstance(value, str) and value != UNKNOWN else None

    def lookup_stack(self, target: str) -> dict[str, Any] | None:
        """Outputs of a referenced stack ("org/project/stack", "project/stack" or "stack").

        From `stack_outputs` first, then from `<state_dir>/<stack>.state.json` of an earlier offline run.
        """
        short = target.split("/")[-1]
        found = self.stack_outputs.get(target)
        if found is None:
            found = self.stack_outputs.get(short)
        if found is None and self.state_dir is not None:
            found = outputs_from_state_file(self.state_dir, short)
        with self.lock:
            self.graph.stack_references[target] = found is not None
        return found


def _make_monitor(recorder: _Recorder) -> Any:
    from pulumi.runtime.mocks import MockMonitor
    from pulumi.runtime.proto import resource_pb2

    class RecordingMonitor(MockMonitor):
        """The SDK mock monitor, recording what the engine would receive."""

        def make_urn(self, parent: str, type_: str, name: str) -> str:
            # Real-engine URNs: the root stack is not part of a child's type chain.
            if parent:
                qualified = parent.split("::")[2]
                if qualified != STACK_TYPE:
                    type_ = qualified + "$" + type_
            return recorder.urn(type_, name)

        def _record(self, request: Any, urn: str, inputs: dict[str, Any], *, custom: bool,
                    provider_ref: str, external: bool = False) -> RecordedResource:
            return RecordedResource(
                urn=urn, type=request.type, name=request.name, custom=custom, inputs=inputs,
                parent=request.parent, provider_ref=provider_ref,
                dependencies=sorted(request.dependencies), external=external,   # sorted: stable files
                version=request.version,
                additional_secret_outputs=list(request.additionalSecretOutputs),
            )

        def _alias_urn(self, alias: Any, rec: RecordedResource) -> str:
            """An alias as the engine stores it: the URN the resource used to have."""
            if alias.WhichOneof("alias") == "urn":
                return alias.urn
            spec = alias.spec
            parent = "" if spec.noParent else (spec.parentUrn or rec.parent)
            typ = spec.type or rec.type
            if parent:
                qualified = parent.split("::")[2]
                if qualified != STACK_TYPE:
                    typ = qualified + "$" + typ
            stack = spec.stack or recorder.graph.stack
            project = spec.project or recorder.graph.project
            return f"urn:pulumi:{stack}::{project}::{typ}::{spec.name or rec.name}"

        def RegisterResource(self, request: Any) -> Any:
            urn = self.make_urn(request.parent, request.type, request.name)
            if request.type == STACK_TYPE:
                with recorder.lock:
                    recorder.graph.add(
                        RecordedResource(urn=urn, type=STACK_TYPE, name=request.name, custom=False))
                return resource_pb2.RegisterResourceResponse(urn=urn)
            inputs = struct_to_plain(request.object)
            custom = bool(request.custom)
            provider_ref = request.provider
            if custom and not provider_ref and not request.type.startswith(PROVIDER_PREFIX):
                provider_ref = recorder.default_provider(request.type.split(":")[0], request.version)
            rec = self._record(request, urn, inputs, custom=custom, provider_ref=provider_ref)
            rec.property_dependencies = {
                k: sorted(v.urns) for k, v in sorted(request.propertyDependencies.items())
            }
            rec.protect = bool(request.protect)
            rec.aliases = list(request.aliasURNs) + [self._alias_urn(a, rec) for a in request.aliases] + [
                self.make_urn(request.parent, former, request.name)
                for former in recorder.type_aliases.get(request.type, [])
            ]
            rec.ignore_changes = list(request.ignoreChanges)
            rec.retain_on_delete = bool(request.retainOnDelete)
            if request.deleteBeforeReplaceDefined:
                rec.delete_before_replace = bool(request.deleteBeforeReplace)
            if request.HasField("customTimeouts"):
                timeouts = request.customTimeouts
                rec.custom_timeouts = {
                    k: getattr(timeouts, k) for k in ("create", "update", "delete") if getattr(timeouts, k)
                }
            if not custom:
                with recorder.lock:
                    recorder.graph.add(rec)
                return resource_pb2.RegisterResourceResponse(urn=urn, id="")
            rid, computed = recorder.mocks.outputs_for(request.type, request.name, inputs, provider_ref)
            rid = request.importId or rid
            rec.id = rid
            known = {k: v for k, v in inputs.items() if not _unknown_value(v)}
            outputs = {**known, **computed}
            for key in rec.additional_secret_outputs:
                if key in outputs and not is_secret(outputs[key]):
                    outputs[key] = secret(outputs[key])
            rec.outputs = {**inputs, **outputs}
            with recorder.lock:
                recorder.graph.add(rec)
                self.resources[urn] = MockMonitor.ResourceRegistration(urn, rid, outputs)
            return resource_pb2.RegisterResourceResponse(urn=urn, id=rid, object=plain_to_struct(outputs))

        def ReadResource(self, request: Any) -> Any:
            urn = self.make_urn(request.parent, request.type, request.name)
            props = struct_to_plain(request.properties)
            package = request.type.split(":")[0]
            provider_ref = request.provider or recorder.default_provider(package, request.version)
            if request.type == STACK_REFERENCE_TYPE:
                target = props.get("name") if isinstance(props.get("name"), str) else request.id
                outputs: dict[str, Any] = {"name": target}
                found = recorder.lookup_stack(target)
                if found is not None:
                    outputs["outputs"] = found
                    outputs["secretOutputNames"] = sorted(k for k, v in found.items() if is_secret(v))
                inputs = {"name": target}
            else:
                _, computed = recorder.mocks.outputs_for(request.type, request.name, props, provider_ref)
                inputs = props
                outputs = {**{k: v for k, v in props.items() if not _unknown_value(v)}, **computed,
                           "id": request.id}
            rec = self._record(request, urn, inputs, custom=True, provider_ref=provider_ref, external=True)
            rec.id = request.id
            rec.outputs = outputs
            with recorder.lock:
                recorder.graph.add(rec)
                self.resources[urn] = MockMonitor.ResourceRegistration(urn, request.id, outputs)
            return resource_pb2.ReadResourceResponse(urn=urn, properties=plain_to_struct(outputs))

        def RegisterResourceOutputs(self, request: Any) -> Any:
            from google.protobuf import empty_pb2

            outputs = struct_to_plain(request.outputs)
            with recorder.lock:
                res = recorder.graph.get(request.urn)
                if res is not None:
                    res.outputs = outputs
            return empty_pb2.Empty()

    return RecordingMonitor(recorder.mocks)


def _unknown_value(value: Any) -> bool:
    return value == UNKNOWN or (is_secret(value) and value.get("value") == UNKNOWN)


def _stack_reference_output(self: Any, name: Any, *, require: bool = False) -> Any:
    """StackReference.get_output that keeps other outputs' unknowns from poisoning this one.

    Offline states hold unknown stack outputs (values only a real deployment knows); the SDK would
    make every output of the reference unknown if any one is. Here only the unknown ones are.
    """
    import asyncio

    from pulumi.output import Output, Unknown, contains_unknowns

    async def pair() -> tuple[Any, Any, bool]:
        key = await Output.from_input(name).future(with_unknowns=True)
        outs = await self.outputs.future(with_unknowns=True)   # a dict once resolved, even with unknowns
        return key, outs, isinstance(outs, dict) and not isinstance(key, Unknown)

    async def value() -> Any:
        key, outs, ok = await pair()
        if not ok:
            return None
        if require and key not in outs:
            raise KeyError(f"stack reference {self._name}: no output named {key!r}")
        found = outs.get(key)
        return None if contains_unknowns(found) else found

    async def is_known() -> bool:
        key, outs, ok = await pair()
        return ok and not contains_unknowns(outs.get(key))

    is_secret = self._StackReference__is_secret_name(name)
    return Output(self.outputs.resources(), asyncio.ensure_future(value()),
                  asyncio.ensure_future(is_known()), asyncio.ensure_future(is_secret))


async def _wait_for_rpcs(await_all_outstanding_tasks: bool = True) -> None:
    """`pulumi.runtime.stack.wait_for_rpcs` with one change: outstanding output tasks are awaited together.

    The SDK waits FIRST_COMPLETED in a loop, re-adding a callback to every pending task per completion:
    quadratic in the number of pending outputs (3 s of CPU on a 170-resource azure-native stack).
    Waiting for all of them at once gives the same result: every task finished, the first error raised.
    """
    import asyncio

    from pulumi.runtime.settings import SETTINGS, _get_rpc_manager

    rpc_manager = _get_rpc_manager()
    while True:
        while len(rpc_manager.rpcs) > 0:
            await asyncio.sleep(0)
            try:
                await rpc_manager.rpcs.pop()
            except Exception as exn:
                if rpc_manager.unhandled_exception is not None:
                    raise exn from rpc_manager.unhandled_exception.with_traceback(
                        rpc_manager.exception_traceback)
                raise
        if rpc_manager.unhandled_exception is not None:
            raise rpc_manager.unhandled_exception.with_traceback(rpc_manager.exception_traceback)
        if await_all_outstanding_tasks:
            while True:
                with SETTINGS.lock:
                    if len(SETTINGS.outputs) == 0:
                        break
                    pending = list(SETTINGS.outputs)
                    SETTINGS.outputs.clear()
                done, _ = await asyncio.wait(pending, return_when=asyncio.ALL_COMPLETED)
                for task in done:
                    await task
        if len(rpc_manager.rpcs) == 0:
            break


def _split_type_aliases(opts: Any) -> tuple[Any, list[str]]:
    """(opts without the type-only aliases, those alias types).

    Provider SDKs add one `Alias(type_=...)` per former type token (azure-native: one per API version,
    often 50+). The SDK turns each into Outputs even though the monitor takes alias specs: two thirds of
    the CPU of an azure-native stack. Their URNs depend only on the resource's type, name and parent, so
    the monitor records them itself, exactly as the engine would compute them.
    """
    from pulumi import Alias, ResourceOptions

    if not isinstance(opts, ResourceOptions) or not opts.aliases:
        return opts, []
    kept, types = [], []
    for alias in opts.aliases:
        if (isinstance(alias, Alias) and isinstance(alias.type_, str) and alias.name is ...
                and alias.parent is ... and alias.stack is ... and alias.project is ...):
            types.append(alias.type_)
        else:
            kept.append(alias)
    if not types:
        return opts, []
    opts = opts._copy()
    opts.aliases = kept
    return opts, types


@contextmanager
def _patched_sdk(recorder: _Recorder) -> Iterator[None]:
    """SDK seams the offline record needs (restored afterwards).

    - StackReference outputs: one unknown output must not make the others unknown.
    - Output translation: the mocks echo a resource's inputs as its outputs (as a preview does), but some
      providers' output types differ from the input shape (azure-native `userAssignedIdentities`: a list
      of ids in, a map of objects out). A value that does not fit its output type resolves as unknown
      instead of crashing the program.
    - Waiting for outstanding outputs without quadratic cost (see _wait_for_rpcs).
    - Type-only aliases recorded by the monitor instead of the SDK (see _split_type_aliases).
    """
    from pulumi.resource import Resource
    from pulumi.runtime import rpc
    from pulumi.runtime import stack as rt_stack
    from pulumi.stack_reference import StackReference

    resource_init = Resource.__init__

    def init(self: Any, t: str, name: str, custom: bool, props: Any = None, opts: Any = None,
             *args: Any, **kwargs: Any) -> None:
        opts, types = _split_type_aliases(opts)
        if types:
            with recorder.lock:
                recorder.type_aliases[t] = types
        resource_init(self, t, name, custom, props, opts, *args, **kwargs)

    saved = StackReference.get_output, StackReference.require_output
    saved_wait = rt_stack.wait_for_rpcs
    translate = rpc.translate_output_properties
    depth = threading.local()

    def tolerant_translate(output: Any, *args: Any, **kwargs: Any) -> Any:
        level = getattr(depth, "level", 0)
        depth.level = level + 1
        try:
            if level:
                return translate(output, *args, **kwargs)
            try:
                return translate(output, *args, **kwargs)
            except (AssertionError, TypeError, ValueError):
                return None      # during preview, None resolves the output as unknown
        finally:
            depth.level = level

    StackReference.get_output = lambda self, name: _stack_reference_output(self, name)
    StackReference.require_output = lambda self, name: _stack_reference_output(self, name, require=True)
    rpc.translate_output_properties = tolerant_translate
    rt_stack.wait_for_rpcs = _wait_for_rpcs
    Resource.__init__ = init
    try:
        yield
    finally:
        StackReference.get_output, StackReference.require_output = saved
        rpc.translate_output_properties = translate
        rt_stack.wait_for_rpcs = saved_wait
        Resource.__init__ = resource_init


@contextmanager
def _mocked_runtime(recorder: _Recorder, secret_keys: list[str], root_directory: str) -> Iterator[None]:
    """Install the recording monitor and the stack config; restore the previous runtime state after."""
    from google.protobuf import empty_pb2
    from pulumi.runtime import config as rt_config
    from pulumi.runtime import settings as rt_settings
    from pulumi.runtime.mocks import MockEngine, MockSettings
    from pulumi.runtime.proto import engine_pb2

    from gate.mocks import GateMocks

    severities = {engine_pb2.DEBUG: "debug", engine_pb2.INFO: "info", engine_pb2.WARNING: "warning",
                  engine_pb2.ERROR: "error"}

    class RecordingEngine(MockEngine):
        """Keeps the program's warnings and errors (a logged error fails the preview, as in the CLI)."""

        def Log(self, request: Any) -> None:
            severity = severities.get(request.severity, "info")
            if severity in ("warning", "error"):
                with recorder.lock:
                    recorder.graph.diagnostics.append(
                        {"severity": severity, "message": request.message, "urn": request.urn})

    # Settings are class-level context properties: constructing MockSettings already overwrites them.
    saved_settings = {
        key: prop.fget() for key, prop in vars(rt_settings.Settings).items() if hasattr(prop, "_data")
    }
    saved_root = rt_settings.get_root_resource()
    recorder.mocks = GateMocks(recorder.region_of)
    recorder.secret_keys = set(secret_keys)
    monitor = _make_monitor(recorder)
    saved_config, saved_secrets = rt_config.CONFIG.get(), rt_config._SECRET_KEYS.get()
    settings = MockSettings(
        monitor=monitor,
        monitor_features=set(monitor.GetDeploymentInfo(empty_pb2.Empty()).supportedFeatures),
        engine=RecordingEngine(logging.getLogger("gate.program")),
        project=recorder.graph.project,
        stack=recorder.graph.stack,
        dry_run=True,
        organization="organization",
        root_directory=root_directory,
        callbacks=None,
        outputs=set(),
        lock=threading.Lock(),
        package_refs={},
        base_providers_by_ref={},
        parallel=None,
        legacy_apply_enabled=False,
    )
    rt_settings.configure(settings)
    rt_settings.set_root_resource(None)
    rt_config.set_all_config(dict(recorder.config), secret_keys)
    try:
        yield
    finally:   # leave the runtime as found (a test's own set_mocks keeps working afterwards)
        for key, value in saved_settings.items():
            setattr(rt_settings.SETTINGS, key, value)
        rt_settings.set_root_resource(saved_root)
        rt_config.CONFIG.set(saved_config)
        rt_config._SECRET_KEYS.set(saved_secrets)


def _run(fn: Callable[[], Any], recorder: _Recorder, secret_keys: list[str], root_directory: str,
         where: str) -> Graph:
    from pulumi.runtime.stack import run_in_stack
    from pulumi.runtime.sync_await import _sync_await

    with _mocked_runtime(recorder, secret_keys, root_directory), _patched_sdk(recorder):
        try:
            _sync_await(run_in_stack(fn))
        except GateError:
            raise
        except SyntaxError as exc:
            raise ProgramError(f"{exc.filename or where}:{exc.lineno}: syntax error: {exc.msg}") from exc
        except ModuleNotFoundError as exc:
            raise ProgramError(f"{where}: cannot import module {exc.name!r}") from exc
        except Exception as exc:
            msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            if type(exc).__name__ in ("ConfigError", "RunError"):
                raise ProgramError(msg) from exc   # already names the file and key
            raise ProgramError(f"{where}: program failed: {type(exc).__name__}: {msg}") from exc
    errors = [d["message"] for d in recorder.graph.diagnostics if d["severity"] == "error"]
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        first = errors[0].strip().splitlines()[0] if errors[0].strip() else "(empty message)"
        raise ProgramError(f"{where}: program logged an error: {first}{more}")
    return recorder.graph


def record_callable(fn: Callable[[], Any], *, project: str = "dosis-eloket", stack: str = "test",
                    config: dict[str, Any] | None = None,
                    stack_outputs: dict[str, dict[str, Any]] | None = None) -> Graph:
    """Run `fn()` (which creates resources) under the recording mocks in-process and return its graph.

    `config` keys are "ns:key" (or bare keys in the project namespace); set `aws:region` /
    `azure-native:location` so default providers have a region. Secrets keep their value in memory.
    """
    flat, secret_keys = normalize_config(project, config)
    recorder = _Recorder(project, stack, flat, stack_outputs)
    return _run(fn, recorder, secret_keys, str(Path.cwd()), where=getattr(fn, "__name__", "callable"))


@contextmanager
def _environ(values: dict[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def record_main(main: Path, project_dir: Path, *, project: str, stack: str, config: dict[str, Any],
                stack_outputs: dict[str, dict[str, Any]] | None, where: str,
                state_dir: Path | None = None) -> Graph:
    """Run a program file like the Python language host: its directory on sys.path and as working dir."""
    flat, secret_keys = normalize_config(project, config)
    recorder = _Recorder(project, stack, flat, stack_outputs)
    recorder.state_dir = state_dir
    program_dir = main.parent
    added = [p for p in (str(program_dir), str(project_dir)) if p not in sys.path]
    sys.path[:0] = added
    env = {
        "PULUMI_PROJECT": project, "PULUMI_STACK": stack, "PULUMI_ORGANIZATION": "organization",
        "PULUMI_DRY_RUN": "true", "PULUMI_CONFIG": json.dumps(flat),
        "PULUMI_CONFIG_SECRET_KEYS": json.dumps(secret_keys),
    }
    try:
        # The language host runs the program from its main directory, with the CLI's environment.
        with chdir(program_dir), _environ(env):
            return _run(lambda: runpy.run_path(str(main), run_name="__main__"), recorder, secret_keys,
                        str(project_dir), where=where)
    finally:
        for p in added:
            if p in sys.path:
                sys.path.remove(p)


def record_program(program_dir: Path | str, stack: str, config: dict[str, Any] | None = None,
                   stack_outputs: dict[str, dict[str, Any]] | None = None,
                   state_dir: Path | None = None) -> Graph:
    """Run the Pulumi program in `program_dir` (its Pulumi.yaml, that stack's config) in-process.

    `config` entries override the stack config file. StackReferences resolve from `stack_outputs`
    (stack name -> outputs), then from `<state_dir>/<stack>.state.json`; otherwise their outputs are
    unknown. The CLI uses the same path in one subprocess per stack.
    """
    from gate.project import load_project, load_stack_config, validate_stack_name

    validate_stack_name(stack)
    proj = load_project(Path(program_dir))
    stack_config = load_stack_config(proj, stack)
    stack_config.update(config or {})
    return record_main(proj.main_file, proj.root, project=proj.name, stack=stack, config=stack_config,
                       stack_outputs=stack_outputs, where=f"{proj.describe_main()} (stack {stack})",
                       state_dir=state_dir)
