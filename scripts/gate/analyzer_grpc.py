"""The real way to run a pack: a subprocess speaking the Analyzer gRPC protocol, launched like the CLI does.

Handshake (UNIMPLEMENTED tolerated), ConfigureStack, GetAnalyzerInfo, Configure with the reconciled
config, Analyze per resource and AnalyzeStack (gate.grpc_session), over gate.analyzer_wire.
"""

from __future__ import annotations

import contextvars
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from gate.analyzer_wire import PackProcess
from gate.deadlines import Deadlines
from gate.grpc_session import PackSession, Setup
from gate.model import PolicyRun, Violation
from gate.packs import check_config_names, cli_environment, configure_runtime, load_pack, policy_types
from gate.state_view import StateResource

__all__ = ["PackProcess", "evaluate_grpc"]


def evaluate_grpc(resources: list[StateResource], *, stack: str, project: str, stack_config: dict[str, Any],
                  packs: list[Path], pack_config: dict[str, dict[str, Any]] | None, dry_run: bool,
                  deadlines: Deadlines | None = None) -> tuple[list[Violation], list[PolicyRun]]:
    """Judge the resources with each pack's own server; same result shape as the in-process mode."""
    deadlines = deadlines or Deadlines.from_env()
    by_urn = {r.urn: r for r in resources}
    keyed: list[tuple[tuple[int, int, int, int], Violation]] = []
    runs: list[PolicyRun] = []
    names: list[SimpleNamespace] = []
    with cli_environment(project=project, stack=stack, stack_config=stack_config, dry_run=dry_run) as env:
        for pack_index, directory in enumerate(packs):
            types = _declared_types(directory, project, stack, dry_run, deadlines)
            setup = Setup(env, stack, project, dry_run, pack_config, deadlines)
            with PackSession(directory, setup, pack_index, by_urn, keyed, runs, types) as job:
                names.append(SimpleNamespace(name=job.name, directory=job.directory))
                job.analyze(resources)
    check_config_names(pack_config, names)
    keyed.sort(key=lambda item: item[0])
    return [v for _, v in keyed], runs


def _declared_types(directory: Path, project: str, stack: str, dry_run: bool,
                    deadlines: Deadlines) -> dict[str, frozenset[str] | None]:
    """Policy name -> declared resource types, read by loading the pack in-process once (the protocol
    does not carry them), so resources_checked counts the same resources as the in-process mode."""
    ctx = contextvars.copy_context()
    ctx.run(configure_runtime, project, stack, dry_run)
    loaded = ctx.run(load_pack, directory, deadlines.pack_start)
    return {p.name: policy_types(p) for p in loaded.policies}
