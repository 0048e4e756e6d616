"""The real way to run a pack: a subprocess speaking the Analyzer gRPC protocol, launched like the CLI does.

`python -u -m pulumi.policy <engine-address> .` in the pack directory (runtime options appended as
`-key=value`), environment plus PULUMI_CONFIG/PROJECT/STACK/DRY_RUN; the pack prints its port as the first
stdout line. Then Handshake (UNIMPLEMENTED tolerated), ConfigureStack, GetAnalyzerInfo, Configure with the
reconciled config, Analyze per resource and AnalyzeStack, with pulumi's own generated stubs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2 as pb
from pulumi.runtime.proto import analyzer_pb2_grpc

from gate.errors import UsageError
from gate.findings import raised_message, violation
from gate.model import PolicyRun, Violation
from gate.policy_config import PolicyConfig, PolicyInfo, reconcile
from gate.policyhost import cli_environment, config_for, read_policy_yaml, require_pack_dir, runtime_options
from gate.state_view import StateResource, aliases, custom_timeouts, stack_props, wire_value

_LEVEL_TO_PB = {"advisory": pb.ADVISORY, "mandatory": pb.MANDATORY, "disabled": pb.DISABLED,
                "remediate": pb.REMEDIATE}
_PB_TO_LEVEL = {v: k for k, v in _LEVEL_TO_PB.items()}
_PB_TO_SEVERITY = {pb.POLICY_SEVERITY_UNSPECIFIED: "", pb.POLICY_SEVERITY_LOW: "low",
                   pb.POLICY_SEVERITY_MEDIUM: "medium", pb.POLICY_SEVERITY_HIGH: "high",
                   pb.POLICY_SEVERITY_CRITICAL: "critical"}
_MAX_MESSAGE = 400 * 1024 * 1024
_START_TIMEOUT = 120.0
_ENGINE_ADDRESS = "127.0.0.1:0"  # a Python pack never dials the engine
_CALL_TIMEOUT = 600.0  # seconds for one RPC: a hung policy becomes a fail-closed finding, not a hung gate


class PackProcess:
    """One running pack server; a context manager that always stops the process."""

    def __init__(self, directory: Path, env: dict[str, str]) -> None:
        self.directory = require_pack_dir(directory).resolve()
        options = runtime_options(read_policy_yaml(self.directory))
        args = [sys.executable, "-u", "-m", "pulumi.policy", _ENGINE_ADDRESS, "."]
        args += [f"-{k}={v}" for k, v in options.items() if f"{v}" != ""]
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close())
        self.proc = subprocess.Popen(args, cwd=self.directory, env={**os.environ, **env},
                                     stdout=subprocess.PIPE, stderr=self._stderr, stdin=subprocess.DEVNULL)
        timer = threading.Timer(_START_TIMEOUT, self.proc.kill)
        timer.start()
        try:
            line = self.proc.stdout.readline() if self.proc.stdout else b""
        finally:
            timer.cancel()
        port = line.decode(errors="replace").strip()
        if not port.isdigit():
            self.close()
            raise UsageError(f"{self.directory}: policy pack failed to start: {self._last_error() or port}")
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}",
                                             options=[("grpc.max_receive_message_length", _MAX_MESSAGE),
                                                      ("grpc.max_send_message_length", _MAX_MESSAGE)])
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)

    def _last_error(self) -> str:
        self._stderr.seek(0)
        lines = [x for x in self._stderr.read().decode(errors="replace").splitlines() if x.strip()]
        return lines[-1].strip() if lines else ""

    def close(self) -> None:
        if getattr(self, "channel", None) is not None:
            self.channel.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        self._stderr.close()

    def __enter__(self) -> PackProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _struct(value: dict[str, Any]) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    s.update(wire_value(value))
    return s


def _options(r: StateResource) -> pb.AnalyzerResourceOptions:
    raw = r.raw
    dbr = raw.get("deleteBeforeReplace")
    create, update, delete = custom_timeouts(r)
    return pb.AnalyzerResourceOptions(
        protect=bool(raw.get("protect", False)), ignoreChanges=list(raw.get("ignoreChanges") or []),
        deleteBeforeReplace=bool(dbr), deleteBeforeReplaceDefined=isinstance(dbr, bool),
        additionalSecretOutputs=list(raw.get("additionalSecretOutputs") or []), aliases=aliases(r),
        customTimeouts=pb.AnalyzerResourceOptions.CustomTimeouts(create=create, update=update, delete=delete),
        parent=r.parent)


def _provider(r: StateResource, by_urn: dict[str, StateResource]) -> pb.AnalyzerProviderResource | None:
    p = by_urn.get(r.provider_urn) if r.provider_urn else None
    if p is None:
        return None
    return pb.AnalyzerProviderResource(urn=p.urn, type=p.type, name=p.name, properties=_struct(p.inputs))


def _infos(info: pb.AnalyzerInfo) -> list[PolicyInfo]:
    out = []
    for p in info.policies:
        schema = None
        if info.supportsConfig and p.HasField("configSchema"):
            schema = {"properties": json_format.MessageToDict(p.configSchema.properties),
                      "required": list(p.configSchema.required)}
        out.append(PolicyInfo(name=p.name, level=_PB_TO_LEVEL[p.enforcementLevel], schema=schema,
                              description=p.description, severity=_PB_TO_SEVERITY.get(p.severity, ""),
                              kind="stack" if p.policy_type == pb.POLICY_TYPE_STACK else "resource"))
    return out


def _initial(info: pb.AnalyzerInfo) -> dict[str, PolicyConfig]:
    return {k: PolicyConfig(level=_PB_TO_LEVEL[v.enforcementLevel],
                            properties=json_format.MessageToDict(v.properties) or None)
            for k, v in info.initialConfig.items()}


def _configure(stub: Any, configs: dict[str, PolicyConfig], only: str | None = None) -> None:
    """Configure with the reconciled config; `only` leaves one policy enabled (to isolate a failure)."""
    request = pb.ConfigureAnalyzerRequest()
    for name, cfg in configs.items():
        level = cfg.level if only is None or name == only else "disabled"
        pc = request.policyConfig[name]
        pc.enforcementLevel = _LEVEL_TO_PB[level]
        if cfg.properties:
            pc.properties.update(cfg.properties)
    stub.Configure(request)


def _error_detail(e: grpc.RpcError) -> str:
    details = e.details() if hasattr(e, "details") else str(e)
    return (details or str(e)).removeprefix("Exception calling application: ")


def evaluate_grpc(resources: list[StateResource], *, stack: str, project: str, stack_config: dict[str, Any],
                  packs: list[Path], pack_config: dict[str, dict[str, Any]] | None, dry_run: bool,
                  ) -> tuple[list[Violation], list[PolicyRun]]:
    """Judge the resources with each pack's own server; same result shape as the in-process mode."""
    by_urn = {r.urn: r for r in resources}
    keyed: list[tuple[tuple[int, int, int, int], Violation]] = []
    runs: list[PolicyRun] = []
    with cli_environment(project=project, stack=stack, stack_config=stack_config, dry_run=dry_run) as env:
        for pack_index, directory in enumerate(packs):
            with PackProcess(directory, env) as pack:
                _run_pack(pack, pack_index, resources, by_urn, env, stack, project, dry_run, pack_config,
                          keyed, runs)
    keyed.sort(key=lambda item: item[0])
    return [v for _, v in keyed], runs


def _run_pack(pack: PackProcess, pack_index: int, resources: list[StateResource],
              by_urn: dict[str, StateResource], env: dict[str, str], stack: str, project: str, dry_run: bool,
              pack_config: dict[str, dict[str, Any]] | None,
              keyed: list[tuple[tuple[int, int, int, int], Violation]], runs: list[PolicyRun]) -> None:
    stub = pack.stub
    try:
        stub.Handshake(pb.AnalyzerHandshakeRequest(engine_address=_ENGINE_ADDRESS,
                                                   root_directory=str(pack.directory),
                                                   program_directory=str(pack.directory)))
    except grpc.RpcError as e:
        if e.code() != grpc.StatusCode.UNIMPLEMENTED:
            raise UsageError(f"{pack.directory}: Handshake failed: {_error_detail(e)}") from None
    config = json.loads(env.get("PULUMI_CONFIG") or "{}")
    stub.ConfigureStack(pb.AnalyzerStackConfigureRequest(stack=stack, project=project, dry_run=dry_run,
                                                         organization="organization", config=config))
    info = stub.GetAnalyzerInfo(empty_pb2.Empty())
    infos = _infos(info)
    given, source = config_for(info.name, pack.directory, pack_config)
    configs = reconcile(info.name, infos, _initial(info), given, source)
    _configure(stub, configs)

    index = {p.name: i for i, p in enumerate(infos)}
    run_of: dict[str, PolicyRun] = {}
    for p in infos:
        level = (configs.get(p.name) or PolicyConfig(level=p.level)).level or p.level
        run_of[p.name] = PolicyRun(pack=info.name, policy=p.name, level=level,  # type: ignore[arg-type]
                                   severity=p.severity, description=p.description)
        runs.append(run_of[p.name])
    active = {p.name: p for p in infos if run_of[p.name].level != "disabled"}
    resource_active = [n for n, p in active.items() if p.kind == "resource"]
    stack_active = [n for n, p in active.items() if p.kind == "stack"]
    seq = [0]

    def add(policy: str, level: str, severity: str, urn: str, type_: str, message: str, res: int) -> None:
        keyed.append(((pack_index, index.get(policy, len(index)), res, seq[0]),
                      violation(info.name, policy, level, severity, urn, type_, message)))
        seq[0] += 1
        if policy in run_of:
            run_of[policy].violations += 1

    def collect(response: Any, urn: str | None, type_: str | None, res: int) -> None:
        for d in response.diagnostics:
            target = by_urn.get(d.urn) if urn is None else None
            if urn is None:  # a stack finding: the URN the policy reported, its type from the state
                at, kind, res = d.urn, target.type if target else "", target.index if target else -1
            else:
                at, kind = urn, type_ or ""
            add(d.policyName, _PB_TO_LEVEL[d.enforcementLevel], _PB_TO_SEVERITY.get(d.severity, ""),
                at, kind, d.message, res)

    def isolate(call: Any, names: list[str], urn: str | None, type_: str | None, res: int) -> None:
        """A policy raised: find which, one policy at a time, so each is judged (fail closed) on its own."""
        for name in names:
            _configure(stub, configs, only=name)
            try:
                collect(call(), urn, type_, res)
            except grpc.RpcError as e:
                p = active[name]
                sev = p.severity
                add(name, "mandatory", sev, urn or "", type_ or "", raised_message(p.description, name,
                                                                                   _error_detail(e)), res)
        _configure(stub, configs)

    if resource_active:
        for r in resources:
            request = pb.AnalyzeRequest(urn=r.urn, type=r.type, name=r.name, properties=_struct(r.inputs),
                                        options=_options(r), provider=_provider(r, by_urn))
            for name in resource_active:
                run_of[name].resources_checked += 1
            try:
                collect(stub.Analyze(request, timeout=_CALL_TIMEOUT), r.urn, r.type, r.index)
            except grpc.RpcError:
                isolate(lambda req=request: stub.Analyze(req, timeout=_CALL_TIMEOUT), resource_active, r.urn,
                        r.type, r.index)
    if stack_active:
        request = pb.AnalyzeStackRequest()
        for r in resources:
            ar = request.resources.add(urn=r.urn, type=r.type, name=r.name,
                                       properties=_struct(stack_props(r)), options=_options(r),
                                       parent=r.parent, dependencies=r.dependencies)
            provider = _provider(r, by_urn)
            if provider is not None:
                ar.provider.CopyFrom(provider)
            for k, v in r.property_dependencies.items():
                if v:
                    ar.propertyDependencies[k].urns.extend(v)
        for name in stack_active:
            run_of[name].resources_checked = len(resources)
        try:
            collect(stub.AnalyzeStack(request, timeout=_CALL_TIMEOUT), None, None, -1)
        except grpc.RpcError:
            isolate(lambda: stub.AnalyzeStack(request, timeout=_CALL_TIMEOUT), stack_active, None, None, -1)
