"""The Analyzer gRPC protocol as the Pulumi CLI speaks it to a pack server: the process and the messages.

`python -u -m pulumi.policy <engine-address> .` in the pack directory (runtime options appended as
`-key=value`), environment plus PULUMI_CONFIG/PROJECT/STACK/DRY_RUN; the pack prints its port as the first
stdout line. Messages are built with pulumi's own generated stubs.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2 as pb
from pulumi.runtime.proto import analyzer_pb2_grpc

from gate import leash
from gate.errors import UsageError
from gate.packs import read_policy_yaml, require_pack_dir, runtime_options
from gate.policy_config import PolicyConfig, PolicyInfo
from gate.procs import kill_group, register_child
from gate.state_view import StateResource, aliases, custom_timeouts, stack_props, wire_value

LEVEL_TO_PB = {"advisory": pb.ADVISORY, "mandatory": pb.MANDATORY, "disabled": pb.DISABLED,
               "remediate": pb.REMEDIATE}
PB_TO_LEVEL = {v: k for k, v in LEVEL_TO_PB.items()}
PB_TO_SEVERITY = {pb.POLICY_SEVERITY_UNSPECIFIED: "", pb.POLICY_SEVERITY_LOW: "low",
                  pb.POLICY_SEVERITY_MEDIUM: "medium", pb.POLICY_SEVERITY_HIGH: "high",
                   pb.POLICY_SEVERITY_CRITICAL: "critical"}
_MAX_MESSAGE = 400 * 1024 * 1024
ENGINE_ADDRESS = "127.0.0.1:0"  # a Python pack never dials the engine


class PackProcess:
    """One running pack server (its own process group); a context manager that always stops it."""

    def __init__(self, directory: Path, env: dict[str, str], start_deadline: float) -> None:
        self.directory = require_pack_dir(directory).resolve()
        self.channel: Any = None
        options = runtime_options(read_policy_yaml(self.directory))
        # on a leash (gate.leash): the server and what it started end with the gate, even a SIGKILLed one
        args = [f"-{k}={v}" for k, v in options.items() if f"{v}" != ""]
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close())
        self.proc = leash.popen("pulumi.policy", ENGINE_ADDRESS, ".", *args, unbuffered=True,
                                cwd=self.directory, env={**os.environ, **env}, stdout=subprocess.PIPE,
                                stderr=self._stderr, start_new_session=True)
        register_child(self.proc)
        timer = threading.Timer(start_deadline, kill_group, (self.proc,))
        timer.start()
        try:
            line = self.proc.stdout.readline() if self.proc.stdout else b""
        finally:
            timer.cancel()
        port = line.decode(errors="replace").strip()
        if not port.isdigit():
            detail = (self._last_error() or port
                      or f"no port within {start_deadline:g} s (pack start deadline)")
            self.close()
            raise UsageError(f"{self.directory}: policy pack failed to start: {detail}")
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}",
                                             options=[("grpc.max_receive_message_length", _MAX_MESSAGE),
                                                      ("grpc.max_send_message_length", _MAX_MESSAGE)])
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)

    def _last_error(self) -> str:
        self._stderr.seek(0)
        lines = [x for x in self._stderr.read().decode(errors="replace").splitlines() if x.strip()]
        return lines[-1].strip() if lines else ""

    def close(self) -> None:
        if self.channel is not None:
            self.channel.close()
            self.channel = None
        kill_group(self.proc)
        leash.release(self.proc)
        if self.proc.stdout:
            self.proc.stdout.close()
        self._stderr.close()

    def __enter__(self) -> PackProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def to_struct(value: dict[str, Any]) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    s.update(wire_value(value))
    return s


def resource_options(r: StateResource) -> pb.AnalyzerResourceOptions:
    raw = r.raw
    dbr = raw.get("deleteBeforeReplace")
    create, update, delete = custom_timeouts(r)
    return pb.AnalyzerResourceOptions(
        protect=bool(raw.get("protect", False)), ignoreChanges=list(raw.get("ignoreChanges") or []),
        deleteBeforeReplace=bool(dbr), deleteBeforeReplaceDefined=isinstance(dbr, bool),
        additionalSecretOutputs=list(raw.get("additionalSecretOutputs") or []), aliases=aliases(r),
        customTimeouts=pb.AnalyzerResourceOptions.CustomTimeouts(create=create, update=update, delete=delete),
        parent=r.parent)


def provider_resource(r: StateResource, by_urn: dict[str, StateResource],
                      ) -> pb.AnalyzerProviderResource | None:
    p = by_urn.get(r.provider_urn) if r.provider_urn else None
    if p is None:
        return None
    return pb.AnalyzerProviderResource(urn=p.urn, type=p.type, name=p.name, properties=to_struct(p.inputs))


def policy_infos(info: pb.AnalyzerInfo) -> list[PolicyInfo]:
    out = []
    for p in info.policies:
        schema = None
        if info.supportsConfig and p.HasField("configSchema"):
            schema = {"properties": json_format.MessageToDict(p.configSchema.properties),
                      "required": list(p.configSchema.required)}
        out.append(PolicyInfo(name=p.name, level=PB_TO_LEVEL[p.enforcementLevel], schema=schema,
                              description=p.description, severity=PB_TO_SEVERITY.get(p.severity, ""),
                              kind="stack" if p.policy_type == pb.POLICY_TYPE_STACK else "resource"))
    return out


def initial_config(info: pb.AnalyzerInfo) -> dict[str, PolicyConfig]:
    return {k: PolicyConfig(level=PB_TO_LEVEL[v.enforcementLevel],
                            properties=json_format.MessageToDict(v.properties) or None)
            for k, v in info.initialConfig.items()}


def error_detail(e: grpc.RpcError) -> str:
    details = e.details() if hasattr(e, "details") else str(e)
    return (details or str(e)).removeprefix("Exception calling application: ")


def stack_request(resources: list[StateResource], by_urn: dict[str, StateResource],
                   ) -> pb.AnalyzeStackRequest:
    request = pb.AnalyzeStackRequest()
    for r in resources:
        ar = request.resources.add(urn=r.urn, type=r.type, name=r.name, properties=to_struct(stack_props(r)),
                                   options=resource_options(r), parent=r.parent, dependencies=r.dependencies)
        provider = provider_resource(r, by_urn)
        if provider is not None:
            ar.provider.CopyFrom(provider)
        for k, v in r.property_dependencies.items():
            if v:
                ar.propertyDependencies[k].urns.extend(v)
    return request
