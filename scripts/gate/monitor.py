"""The mock monitor and engine a recorded program talks to: they keep what the real engine would receive."""

from __future__ import annotations

import logging
from typing import Any

from google.protobuf import empty_pb2
from pulumi.runtime.mocks import MockEngine, MockMonitor
from pulumi.runtime.proto import engine_pb2, resource_pb2

from gate.deploy_options import changed_by_options
from gate.graph import PROVIDER_PREFIX, STACK_REFERENCE_TYPE, STACK_TYPE, RecordedResource
from gate.integrity import seal
from gate.made_up import deployed
from gate.recorder import Recorder
from gate.redaction import CREDENTIAL_PROPERTIES, mask, mentions, secret_strings
from gate.transforms import Transforms
from gate.wire import UNKNOWN, is_secret, plain_to_struct, secret, struct_to_plain, unknown_value

_SEVERITIES = {engine_pb2.DEBUG: "debug", engine_pb2.INFO: "info", engine_pb2.WARNING: "warning",
               engine_pb2.ERROR: "error"}


class RecordingEngine(MockEngine):
    """Keeps the program's warnings and errors (a logged error fails the preview, as in the CLI)."""

    def __init__(self, recorder: Recorder, logger: logging.Logger) -> None:
        super().__init__(logger)
        self._recorder = recorder

    def Log(self, request: Any) -> None:
        severity = _SEVERITIES.get(request.severity, "info")
        if severity in ("warning", "error"):
            with self._recorder.lock:
                self._recorder.graph.diagnostics.append(
                    {"severity": severity, "message": request.message, "urn": request.urn})


def _qualified_type(parent: str, type_: str) -> str:
    """Real-engine URNs: the parent's type chain prefixes a child's type, except the root stack's."""
    if parent:
        qualified = parent.split("::")[2]
        if qualified != STACK_TYPE:
            return qualified + "$" + type_
    return type_


def _record(request: Any, urn: str, inputs: dict[str, Any], *, custom: bool,
            provider_ref: str, external: bool = False) -> RecordedResource:
    return RecordedResource(
        urn=urn, type=request.type, name=request.name, custom=custom, inputs=inputs,
        parent=request.parent, provider_ref=provider_ref,
        dependencies=sorted(request.dependencies), external=external,   # sorted: stable files
        version=request.version,
        additional_secret_outputs=list(request.additionalSecretOutputs),
    )


def _apply_options(rec: RecordedResource, request: Any) -> None:
    """The resource options of a RegisterResourceRequest except aliases (see RecordingMonitor)."""
    rec.property_dependencies = {
        k: sorted(v.urns) for k, v in sorted(request.propertyDependencies.items())
    }
    rec.protect = bool(request.protect)
    rec.ignore_changes = list(request.ignoreChanges)
    rec.retain_on_delete = bool(request.retainOnDelete)
    if request.deleteBeforeReplaceDefined:
        rec.delete_before_replace = bool(request.deleteBeforeReplace)
    if request.HasField("customTimeouts"):
        timeouts = request.customTimeouts
        rec.custom_timeouts = {
            k: getattr(timeouts, k) for k in ("create", "update", "delete") if getattr(timeouts, k)
        }


_HOOKS = ("before_create", "after_create", "before_update", "after_update", "before_delete", "after_delete",
          "on_error")


def _unjudgeable(request: Any) -> str:
    """Why the engine would run something the record cannot show for this registration ("" if nothing):
    a remote component's children are created by its plugin; a resource hook runs program code while
    the engine deploys (never in a preview); a plugin from a custom download URL or environment variables
    mapped into a provider decide what no record shows; a state migration rewrites the prior state the
    engine compares with (round 13). Closed world: the recording fails, naming it."""
    what = f"{request.name} ({request.type})"
    if request.remote:
        return (f"{what} is a remote (multi-language) component: the resources its provider plugin "
                "creates are not visible offline, so they cannot be judged")
    hooks = request.hooks if request.HasField("hooks") else None
    bound = sorted(h for h in _HOOKS if hooks is not None and getattr(hooks, h))
    if bound:
        return (f"{what} has resource hooks ({', '.join(bound)}): program code the engine runs while it "
                "deploys, which no preview records or judges")
    if request.state_migrations:
        count = len(request.state_migrations)
        return (f"{what} has state migrations ({count}): program code the engine runs "
                "on the resource's prior state while it deploys, which no preview records; it can make the "
                "engine see what exists (e.g. a bucket in another region) as what the program declares, so "
                "nothing is replaced: migrate the state once with `pulumi state` commands instead")
    if request.pluginDownloadURL:
        return (f"{what} uses a provider plugin downloaded from {request.pluginDownloadURL}: not the plugin "
                "its type stands for, so what it does cannot be judged")
    if request.envVarMappings:
        names = ", ".join(sorted(request.envVarMappings))
        return (f"{what} maps environment variables into its provider ({names}): its settings would come "
                "from the deploying machine's environment")
    return ""


def _guard_credentials(type_: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """A provider's credential properties are secret even when the program passed them in clear."""
    if not type_.startswith(PROVIDER_PREFIX):
        return inputs
    return {k: secret(v) if k in CREDENTIAL_PROPERTIES and not is_secret(v) and v != UNKNOWN else v
            for k, v in inputs.items()}


def _derived(result: tuple[str, dict[str, Any]], plaintexts: set[str]) -> tuple[str, dict[str, Any]]:
    """Mock outputs built from a secret input (a name, hence an id/ARN) are secret too; the id, which
    cannot be a secret, gets a stable stand-in instead of the plaintext."""
    rid, computed = result
    if not plaintexts:
        return rid, computed
    computed = {k: secret(v) if not is_secret(v) and mentions(v, plaintexts) else v
                for k, v in computed.items()}
    return mask(rid, plaintexts), computed


class RecordingMonitor(MockMonitor):
    """The SDK mock monitor, recording what the engine would receive."""

    def __init__(self, recorder: Recorder) -> None:
        super().__init__(recorder.mocks)
        self._recorder = recorder
        self.transforms = Transforms()

    def GetDeploymentInfo(self, request: Any) -> Any:
        """The SDK mock's features and state migrations, as a current CLI offers them (round 13): a program
        then registers its migrations as it would under `pulumi up`, and the recording names them."""
        info = super().GetDeploymentInfo(request)
        info.supportedFeatures.append(resource_pb2.RESOURCE_MONITOR_FEATURE_STATE_MIGRATIONS)
        return info

    def RegisterPackage(self, request: Any) -> Any:
        """A parameterized package (round 13): its resources are served by a provider plugin made from
        another one at deploy time (`pulumi package add terraform-provider …`, a plugin from a URL), not by
        the installed SDK's provider the gate models, so the recording fails naming it."""
        what = next((getattr(request, f) for f in ("parameterization", "extension") if request.HasField(f)),
                    request)
        source = f" from {request.download_url}" if request.download_url else ""
        plugin = f"{request.name} {request.version}{source}"
        why = (f"the program registers a parameterized package '{what.name}' {what.version} (provider plugin "
               f"{plugin}): its resources are served by a plugin generated at deploy time, not by the "
               "installed SDK's provider, so what they do cannot be judged offline")
        with self._recorder.lock:
            self._recorder.graph.diagnostics.append({"severity": "error", "message": why, "urn": ""})
        return super().RegisterPackage(request)

    def RegisterStackTransform(self, request: Any) -> Any:
        """Kept in registration order; run by `Transforms.apply` like the engine runs them."""
        with self.transforms.lock:
            self.transforms.stack.append(request)
        return empty_pb2.Empty()

    def RegisterStackInvokeTransform(self, request: Any) -> Any:
        """Kept in registration order; run by `Transforms.apply_invoke` before each invoke is answered."""
        with self.transforms.lock:
            self.transforms.invoke.append(request)
        return empty_pb2.Empty()

    def Invoke(self, request: Any) -> Any:
        return super().Invoke(self.transforms.apply_invoke(request))

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        return self._recorder.urn(_qualified_type(parent, type_), name)

    def _alias_urn(self, alias: Any, rec: RecordedResource) -> str:
        """An alias as the engine stores it: the URN the resource used to have."""
        if alias.WhichOneof("alias") == "urn":
            return alias.urn
        spec = alias.spec
        parent = "" if spec.noParent else (spec.parentUrn or rec.parent)
        typ = _qualified_type(parent, spec.type or rec.type)
        stack = spec.stack or self._recorder.graph.stack
        project = spec.project or self._recorder.graph.project
        return f"urn:pulumi:{stack}::{project}::{typ}::{spec.name or rec.name}"

    def _add(self, rec: RecordedResource, outputs: dict[str, Any] | None = None) -> None:
        with self._recorder.lock:
            self._recorder.graph.add(rec)
            self._recorder.seals[rec.urn] = seal(rec)
            if outputs is not None:
                self.resources[rec.urn] = MockMonitor.ResourceRegistration(rec.urn, rec.id, outputs)

    def _count(self, request: Any) -> None:
        """What the program sent, in bytes (the record size limit, gate.sdk_patches.too_many)."""
        with self._recorder.lock:
            self._recorder.recorded_bytes += request.ByteSize()

    def RegisterResource(self, request: Any) -> Any:
        recorder = self._recorder
        self._count(request)
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == STACK_TYPE:
            self._add(RecordedResource(urn=urn, type=STACK_TYPE, name=request.name, custom=False))
            return resource_pb2.RegisterResourceResponse(urn=urn)
        request = self.transforms.apply(urn, request)
        inputs = _guard_credentials(request.type, struct_to_plain(request.object))
        package = request.type.split(":")[2 if request.type.startswith(PROVIDER_PREFIX) else 0]
        why = _unjudgeable(request) or changed_by_options(request, inputs, package)
        if why:
            with recorder.lock:
                recorder.graph.diagnostics.append({"severity": "error", "message": why, "urn": urn})
        plaintexts = secret_strings(inputs)
        if plaintexts:
            with recorder.lock:
                recorder.secret_values |= plaintexts
        custom = bool(request.custom)
        provider_ref = request.provider
        if custom and not provider_ref and not request.type.startswith(PROVIDER_PREFIX):
            provider_ref = recorder.default_provider(request.type.split(":")[0], request.version)
        recorded = inputs if recorder.dry_run else recorder.made_up.scrub(inputs, UNKNOWN)
        rec = _record(request, urn, recorded, custom=custom, provider_ref=provider_ref)
        rec.aliases = list(request.aliasURNs) + [self._alias_urn(a, rec) for a in request.aliases] + [
            self.make_urn(request.parent, former, request.name)
            for former in recorder.type_aliases.get(request.type, [])
        ]
        _apply_options(rec, request)
        rec.source_position, rec.source_chain = recorder.source(request)
        if not custom:
            self._add(rec)
            return resource_pb2.RegisterResourceResponse(urn=urn, id="")
        rid, computed = _derived(recorder.mocks.outputs_for(request.type, request.name, inputs, provider_ref),
                                 plaintexts)
        rec.id = request.importId or rid
        known = {k: v for k, v in inputs.items() if not unknown_value(v)}
        outputs = {**known, **computed}
        for key in rec.additional_secret_outputs:
            if key in outputs and not is_secret(outputs[key]):
                outputs[key] = secret(outputs[key])
        rec.outputs = {**recorded, **outputs}
        if not recorder.dry_run:   # round 12: the program also gets what the provider computes (gate.made_up)
            rec.outputs = {**recorded, **recorder.made_up.scrub(outputs, UNKNOWN)}
            guesses: list[str] = []
            made = deployed(recorder.mocks, request.type, inputs, computed, provider_ref, guesses)
            recorder.made_up.remember(guesses)
            outputs = {**_derived(("", made), plaintexts)[1], **outputs}
        self._add(rec, outputs)
        return resource_pb2.RegisterResourceResponse(urn=urn, id=rec.id, object=plain_to_struct(outputs))

    def ReadResource(self, request: Any) -> Any:
        recorder = self._recorder
        self._count(request)
        urn = self.make_urn(request.parent, request.type, request.name)
        props = struct_to_plain(request.properties)
        plaintexts = secret_strings(props)
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
            # An existing resource (`.get(name, id)`): a real preview reads its state from the cloud; offline
            # only its id is known. What the program passes is a hint, what the mocks would compute (an ARN,
            # the provider's region) a guess, so every output, its region/location included, stays unknown:
            # a policy cannot place or judge it by them (it fails closed, or a declared endpoint tells it).
            mocked = recorder.mocks.outputs_for(request.type, request.name, props, provider_ref)
            _, computed = _derived(mocked, plaintexts)
            inputs = props if recorder.dry_run else recorder.made_up.scrub(props, UNKNOWN)
            place = {"aws": ("region",), "azure-native": ("location",)}.get(package, ())
            outputs = {**dict.fromkeys([*computed, *props, *place], UNKNOWN), "id": request.id}
        rec = _record(request, urn, inputs, custom=True, provider_ref=provider_ref, external=True)
        rec.source_position, rec.source_chain = recorder.source(request)
        rec.id = request.id
        rec.outputs = outputs
        self._add(rec, outputs)
        return resource_pb2.ReadResourceResponse(urn=urn, properties=plain_to_struct(outputs))

    def RegisterResourceOutputs(self, request: Any) -> Any:
        self._count(request)
        outputs = struct_to_plain(request.outputs)
        if not self._recorder.dry_run:   # round 12: no made-up value is recorded as a fact (gate.made_up)
            outputs = self._recorder.made_up.scrub(outputs, UNKNOWN)
        with self._recorder.lock:
            res = self._recorder.graph.get(request.urn)
            if res is not None:
                res.outputs = outputs
                self._recorder.seals[res.urn] = seal(res)
        return empty_pb2.Empty()
