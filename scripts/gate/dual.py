"""Preview and update: a program is recorded twice and judged on what it would deploy.

A program can register something else when it deploys (`is_dry_run()` false) than when it previews. The
worker records the preview, forgets the program's modules, and records the update; `differences` lists
what changed (a preview value that is unknown may become anything, so only known values are compared).
The gate then judges the update graph in full (round 10: a value unknown in preview, known when deployed,
is judged as deployed), adds its findings that the preview did not have (`recording: "update"`, the
message saying "when deployed"), and reports each difference and each environment variable the program
read as a warning (pack `gate`). Two things
block (closed world): an update that cannot be recorded (what would deploy is not known, so it cannot be
judged), a program that enumerates its whole environment (which variable decides what is not known) and a
StackReference the run could not resolve (round 13: its outputs are unknown in both recordings, known to
`pulumi up`, so code that waits for them or reads them as plain values is not what deploys).
In the update recording every variable the program reads is a placeholder (gate.env_reads), so a region
taken from the environment is blocked by the residency rules as deployed.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

from gate.env_reads import WHOLE
from gate.wire import UNKNOWN

PACK = "gate"
DIFFERS = "preview-differs-from-update"
ENV_READ = "program-reads-environment"
UPDATE_FAILED = "update-not-recorded"
UNRESOLVED = "unresolved-stack-reference"
WHEN_DEPLOYED = "(when deployed, not in preview)"   # how a finding of the update graph only reads
_GATE = Path(__file__).resolve().parent


def forget_program_modules(root: Path) -> None:
    """Drop the program's own modules from sys.modules so the second run executes them again."""
    root = root.resolve()
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if not file:
            continue
        path = Path(file).resolve()
        if (path.is_relative_to(root) and not path.is_relative_to(_GATE)
                and "site-packages" not in path.parts):
            del sys.modules[name]


def _has_unknown(value: Any) -> bool:
    if isinstance(value, str):
        return UNKNOWN in value
    if isinstance(value, dict):
        return any(_has_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_unknown(v) for v in value)
    return False


def differences(preview: dict[str, Any], update: dict[str, Any]) -> list[dict[str, Any]]:
    """Resources only in one graph, and inputs whose known preview value the update changes."""
    before = {r["urn"]: r for r in preview["deployment"]["resources"]}
    after = {r["urn"]: r for r in update["deployment"]["resources"]}
    out: list[dict[str, Any]] = []
    for urn in sorted(set(before) | set(after)):
        if urn not in before:
            out.append({"urn": urn, "type": after[urn]["type"], "what": "registered only when deployed"})
        elif urn not in after:
            out.append({"urn": urn, "type": before[urn]["type"], "what": "registered only in preview"})
        else:
            a, b = before[urn].get("inputs") or {}, after[urn].get("inputs") or {}
            keys = sorted(k for k in set(a) | set(b) if not _has_unknown(a.get(k)) and a.get(k) != b.get(k))
            if keys:
                out.append({"urn": urn, "type": before[urn]["type"],
                            "what": "inputs differ when deployed: " + ", ".join(keys)})
    return out


def _key(v: Any) -> tuple[str, str, str, str]:
    return v.pack, v.policy, v.urn, v.message


def _unresolved(references: dict[str, bool], stack_urn: str, resources: list[dict[str, Any]]) -> list[Any]:
    """A mandatory finding per StackReference the recordings could not resolve (round 13), on the
    StackReference resource (its source: where the program reads it), else on the stack."""
    from gate.model import Violation

    at = {(r.get("inputs") or {}).get("name"): r["urn"] for r in resources
          if r.get("type") == "pulumi:pulumi:StackReference"}
    return [Violation(
        pack=PACK, policy=UNRESOLVED, level="mandatory", severity="high", urn=at.get(target, stack_urn),
        type="pulumi:pulumi:StackReference" if target in at else "pulumi:pulumi:Stack",
        message="The program reads only stacks whose outputs the gate has recorded.\n"
                f"StackReference {target!r} names a stack this gate run could not read or vouch for "
                "(another project's, the stack itself, or one recorded neither in this run nor in a sealed "
                "earlier run into --out): offline its outputs are unknown or unvouched, pulumi up reads the "
                "real ones, so what the program does with them (a resource registered in an apply, a value "
                "read with get_output_details) is not what was recorded; record that stack in the same gate "
                "run (gate preview --all, or its level first with --shard), or pass the value through stack "
                "config")
        for target in sorted(t for t, resolved in references.items() if not resolved)]


def merge(report: Any, update_report: Any | None, diffs: list[dict[str, Any]],
          env_reads: list[dict[str, Any]], stack_urn: str, update_error: str = "",
          references: dict[str, bool] | None = None, resources: list[dict[str, Any]] | None = None) -> None:
    """Add the update graph's own findings and the warnings about differences and environment reads."""
    from gate.model import Violation

    found = list(report.violations)
    if update_report is not None:
        seen = {_key(v) for v in found}
        for v in update_report.violations:
            if _key(v) not in seen:
                head, sep, rest = v.message.partition("\n")
                found.append(dataclasses.replace(
                    v, message=f"{head}\n{WHEN_DEPLOYED} {rest}" if sep else v.message, recording="update"))
    if update_error:
        found.append(Violation(
            pack=PACK, policy=UPDATE_FAILED, level="mandatory", severity="high", urn=stack_urn,
            type="pulumi:pulumi:Stack",
            message="The program is also judged as it would run when deployed (is_dry_run() false).\n"
                    "recording it as an update failed, so what it would deploy cannot be judged: "
                    f"{update_error}"
                    " (in the update recording, each environment variable the program reads is `$NAME`: "
                    "move settings to stack config)"))
    found.extend(_unresolved(references or {}, stack_urn, resources or []))
    for d in diffs:
        found.append(Violation(
            pack=PACK, policy=DIFFERS, level="advisory", severity="medium", urn=d["urn"], type=d["type"],
            message="The program registers the same resources with the same inputs in preview and update.\n"
                    f"{d['what']}: judged on what it would deploy"))
    for read in env_reads:
        if read["name"] == WHOLE:
            found.append(Violation(
                pack=PACK, policy=ENV_READ, level="mandatory", severity="high", urn=stack_urn,
                type="pulumi:pulumi:Stack", source=read["site"],
                message="The program's resources depend only on its code and stack config.\n"
                        "the program enumerates its whole environment (e.g. dict(os.environ)), so which "
                        "variable decides what cannot be known: read named variables, or use stack config"))
            continue
        reached = ", ".join(u.rsplit("::", 1)[-1] for u in read["reached"]) or "no resource input here"
        state = "set" if read["set"] else "not set"
        found.append(Violation(
            pack=PACK, policy=ENV_READ, level="advisory", severity="medium", urn=stack_urn,
            type="pulumi:pulumi:Stack", source=read["site"],
            message="The program's resources depend only on its code and stack config.\n"
                    f"the program reads ${read['name']} ({state} during the gate run); it reached: "
                    f"{reached}. Another machine's environment may deploy something else: move it to stack "
                    "config"))
    report.violations = found
