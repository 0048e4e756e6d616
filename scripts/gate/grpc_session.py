"""One pack's conversation over gRPC, with the in-process mode's semantics for misbehaving policies.

A policy that raises is a mandatory violation; one that overruns its deadline is a mandatory violation
and is not run again (the server is restarted to get rid of the stuck thread); one that kills its pack
server is a mandatory violation, the server is restarted and it is not run again.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import analyzer_pb2 as pb

from gate.analyzer_wire import (
    ENGINE_ADDRESS,
    LEVEL_TO_PB,
    PB_TO_LEVEL,
    PB_TO_SEVERITY,
    PackProcess,
    error_detail,
    initial_config,
    policy_infos,
    provider_resource,
    resource_options,
    stack_request,
    to_struct,
)
from gate.deadlines import Deadlines
from gate.environ import ORGANIZATION
from gate.errors import UsageError
from gate.findings import deadline_detail, raised_message, violation
from gate.model import PolicyRun, Violation
from gate.packs import applicable_count, config_for
from gate.policy_config import PolicyConfig, reconcile
from gate.state_view import StateResource

MAX_DEATHS = 1   # as in-process, where os._exit/SystemExit stops the policy after one failure


@dataclass(frozen=True)
class Setup:
    """What every (re)start of a pack server is configured with."""

    env: dict[str, str]
    stack: str
    project: str
    dry_run: bool
    pack_config: dict[str, dict[str, Any]] | None
    deadlines: Deadlines


def _timeout(call: str, pack: Path, seconds: float) -> UsageError:
    return UsageError(f"{pack}: policy pack did not answer {call} within {seconds:g} s (configure deadline)")


class PackSession:
    """Start and configure a pack server, then Analyze per resource and AnalyzeStack once."""

    def __init__(self, directory: Path, setup: Setup, pack_index: int, by_urn: dict[str, StateResource],
                 keyed: list[tuple[tuple[int, int, int, int], Violation]], runs: list[PolicyRun],
                 types: dict[str, frozenset[str] | None]) -> None:
        self.directory, self.setup, self.pack_index, self.by_urn = directory, setup, pack_index, by_urn
        self.keyed, self.runs, self.types, self.deadlines = keyed, runs, types, setup.deadlines
        self.seq = 0
        self.hung: set[str] = set()
        self.deaths: Counter[str] = Counter()
        self.pack: PackProcess | None = None
        self.configs: dict[str, PolicyConfig] = {}

    def __enter__(self) -> PackSession:
        self._start(first=True)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pack is not None:
            self.pack.close()

    def _start(self, first: bool = False) -> None:
        if self.pack is not None:
            self.pack.close()
        self.pack = PackProcess(self.directory, self.setup.env, self.deadlines.pack_start)
        self.directory = self.pack.directory
        self.stub = self.pack.stub
        self._handshake()
        s = self.setup
        config = json.loads(s.env.get("PULUMI_CONFIG") or "{}")
        self._rpc("ConfigureStack", pb.AnalyzerStackConfigureRequest(
            stack=s.stack, project=s.project, dry_run=s.dry_run, organization=ORGANIZATION, config=config))
        info = self._rpc("GetAnalyzerInfo", empty_pb2.Empty())
        if first:
            self._learn(info)
        self._configure()

    def _handshake(self) -> None:
        directory = str(self.directory)
        try:
            self.stub.Handshake(pb.AnalyzerHandshakeRequest(
                engine_address=ENGINE_ADDRESS, root_directory=directory, program_directory=directory),
                timeout=self.deadlines.configure)
        except grpc.RpcError as e:
            if e.code() == grpc.StatusCode.DEADLINE_EXCEEDED:
                raise _timeout("Handshake", self.directory, self.deadlines.configure) from None
            if e.code() != grpc.StatusCode.UNIMPLEMENTED:
                raise UsageError(f"{directory}: Handshake failed: {error_detail(e)}") from None

    def _rpc(self, call: str, request: Any) -> Any:
        try:
            return getattr(self.stub, call)(request, timeout=self.deadlines.configure)
        except grpc.RpcError as e:
            if e.code() == grpc.StatusCode.DEADLINE_EXCEEDED:
                raise _timeout(call, self.directory, self.deadlines.configure) from None
            raise UsageError(f"{self.directory}: {call} failed: {error_detail(e)}") from None

    def _learn(self, info: Any) -> None:
        """The pack's policies, their reconciled config and a PolicyRun each."""
        self.name = info.name
        self.infos = policy_infos(info)
        given, source = config_for(info.name, self.directory, self.setup.pack_config)
        self.configs = reconcile(info.name, self.infos, initial_config(info), given, source)
        self.index = {p.name: i for i, p in enumerate(self.infos)}
        self.run_of: dict[str, PolicyRun] = {}
        for p in self.infos:
            level = (self.configs.get(p.name) or PolicyConfig(level=p.level)).level or p.level
            self.run_of[p.name] = PolicyRun(pack=info.name, policy=p.name, level=level,  # type: ignore[arg-type]
                                            severity=p.severity, description=p.description)
            self.runs.append(self.run_of[p.name])
        self.active = {p.name: p for p in self.infos if self.run_of[p.name].level != "disabled"}

    def _configure(self, only: str | None = None) -> None:
        """Configure; `only` leaves one policy enabled (to isolate a failure); hung ones stay off."""
        request = pb.ConfigureAnalyzerRequest()
        for name, cfg in self.configs.items():
            off = (only is not None and name != only) or name in self.hung
            pc = request.policyConfig[name]
            pc.enforcementLevel = LEVEL_TO_PB["disabled" if off else cfg.level]
            if cfg.properties:
                pc.properties.update(cfg.properties)
        self._rpc("Configure", request)

    def add(self, policy: str, level: str, severity: str, urn: str, type_: str, message: str,
            res: int) -> None:
        self.keyed.append(((self.pack_index, self.index.get(policy, len(self.index)), res, self.seq),
                           violation(self.name, policy, level, severity, urn, type_, message)))
        self.seq += 1
        if policy in self.run_of:
            self.run_of[policy].violations += 1

    def _fail(self, name: str, detail: str, urn: str | None, type_: str | None, res: int) -> None:
        p = self.active[name]
        self.add(name, "mandatory", p.severity, urn or "", type_ or "",
                 raised_message(p.description, name, detail), res)

    def collect(self, response: Any, urn: str | None, type_: str | None, res: int) -> None:
        for d in response.diagnostics:
            target = self.by_urn.get(d.urn) if urn is None else None
            if urn is None:  # a stack finding: the URN the policy reported, its type from the state
                at, kind, res = d.urn, target.type if target else "", target.index if target else -1
            else:
                at, kind = urn, type_ or ""
            self.add(d.policyName, PB_TO_LEVEL[d.enforcementLevel], PB_TO_SEVERITY.get(d.severity, ""),
                     at, kind, d.message, res)

    def _died(self, e: grpc.RpcError) -> bool:
        """Did the server process end (the connection error may come just before the exit)?"""
        if self.pack is None:
            return True
        if e.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED, grpc.StatusCode.UNKNOWN):
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.pack.proc.wait(timeout=2)
        return self.pack.proc.poll() is not None

    def call(self, method: str, request: Any, names: list[str], urn: str | None, type_: str | None,
             res: int) -> None:
        """All `names` at once; if that fails or overruns, one at a time, each judged on its own."""
        seconds = self.deadlines.policy
        names = [n for n in names if self.deaths[n] < MAX_DEATHS]
        if not names:
            return
        try:
            self.collect(getattr(self.stub, method)(request, timeout=seconds * len(names)), urn, type_, res)
            return
        except grpc.RpcError as e:
            if self._died(e):
                self._start()
        for name in names:
            self._configure(only=name)
            try:
                self.collect(getattr(self.stub, method)(request, timeout=seconds), urn, type_, res)
                continue
            except grpc.RpcError as e:
                detail = error_detail(e)
                if e.code() == grpc.StatusCode.DEADLINE_EXCEEDED:
                    detail = deadline_detail(seconds)
                    self.hung.add(name)
                    self._start()          # the stuck thread goes with the old process
                elif self._died(e):
                    detail = "it ended its policy pack process; not run on the remaining resources"
                    self.deaths[name] += 1
                    self._start()
            self._fail(name, detail, urn, type_, res)
        self._configure()

    def analyze(self, resources: list[StateResource]) -> None:
        resource_active = [n for n, p in self.active.items() if p.kind == "resource"]
        stack_active = [n for n, p in self.active.items() if p.kind == "stack"]
        type_counts = Counter(r.type for r in resources)
        for name in resource_active:
            self.run_of[name].resources_checked = applicable_count(self.types.get(name), type_counts)
        for name in stack_active:
            self.run_of[name].resources_checked = len(resources)
        for r in resources:
            names = [n for n in resource_active if n not in self.hung and self.deaths[n] < MAX_DEATHS]
            if not names:
                break
            request = pb.AnalyzeRequest(urn=r.urn, type=r.type, name=r.name, properties=to_struct(r.inputs),
                                        options=resource_options(r),
                                        provider=provider_resource(r, self.by_urn))
            self.call("Analyze", request, names, r.urn, r.type, r.index)
        if stack_active:
            self.call("AnalyzeStack", stack_request(resources, self.by_urn), stack_active, None, None, -1)
