"""SSM documents a resource makes AWS run on instances (Run Command, State Manager, Automation), wherever the
run is launched: an association, a maintenance window task, an EventBridge target, a Scheduler or Step
Functions SDK call (`aws-sdk:ssm:sendCommand`), an AWS Config remediation, an Incident Manager response plan.
What such a document runs (a shell script, a playbook, a custom document) is not in the inputs, so
disallow-opaque-deployers blocks every run except of the short list of AWS-owned documents below, which run
no customer code.
"""

from __future__ import annotations

import json
import re
from typing import Any

from policies.core.view import ResourceView, get_path, is_unknown

# AWS-owned documents (names with the reserved `AWS-` prefix, which no customer document can take) that run
# no customer code: they collect metadata or patch the OS from the OS vendor's repositories.
# - AWS-GatherSoftwareInventory: Inventory "collects only metadata ... doesn't access proprietary
#   information" (https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-inventory.html)
# - AWS-RunPatchBaseline, AWS-RunPatchBaselineAssociation: Patch Manager's patching documents, driving the OS
#   package manager from the patch baseline (.../userguide/patch-manager-aws-runpatchbaseline.html,
#   .../patch-manager-aws-runpatchbaselineassociation.html); not AWS-RunPatchBaselineWithHooks (runs hooks)
# - AWS-UpdateSSMAgent: updates the SSM Agent from AWS's own regional bucket
#   (.../userguide/ssm-agent-automatic-updates.html)
# Their parameters and output locations are inputs, scanned like any other.
NO_CODE_DOCUMENTS = frozenset(
    {
        "AWS-GatherSoftwareInventory",
        "AWS-RunPatchBaseline",
        "AWS-RunPatchBaselineAssociation",
        "AWS-UpdateSSMAgent",
    }
)
ASSOCIATION = "aws:ssm/association:Association"
_WINDOW_TASK = "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask"
_EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget"
_SCHEDULE = "aws:scheduler/schedule:Schedule"
_STATE_MACHINE = "aws:sfn/stateMachine:StateMachine"
_REMEDIATION = "aws:cfg/remediationConfiguration:RemediationConfiguration"  # targetType SSM_DOCUMENT
_RESPONSE_PLAN = "aws:ssmincidents/responsePlan:ResponsePlan"  # action.ssmAutomations[].documentName
# A fault-injection experiment's aws:ssm:send-command / aws:ssm:start-automation-execution action:
# parameters[key=documentArn]
_FIS = "aws:fis/experimentTemplate:ExperimentTemplate"
_FIS_SSM_ACTIONS = frozenset({"aws:ssm:send-command", "aws:ssm:start-automation-execution"})
RUN_TYPES = frozenset(
    {ASSOCIATION, _WINDOW_TASK, _EVENT_TARGET, _SCHEDULE, _STATE_MACHINE, _REMEDIATION, _RESPONSE_PLAN, _FIS}
)
_DOC_ARN = re.compile(r"^arn:aws[a-z-]*:ssm:[^:]*:([^:]*):(?:document|automation-definition)/([^:/]+)")
# SDK integrations that run a document (`arn:aws:states:::aws-sdk:ssm:sendCommand`, Scheduler's universal
# target `arn:aws:scheduler:::aws-sdk:ssm:startAutomationExecution`)
_SDK_RUN = re.compile(
    r"aws-sdk:ssm:(?:sendcommand|startautomationexecution|createassociation|startchangerequestexecution|"
    r"startassociationsonce)\b",
    re.I,
)
Run = tuple[str, str | None]  # (field, document name; None: the pack cannot read which document)


def _document(value: Any) -> str | None:
    """The document a name or ARN stands for; None when it is unknown or not a string. A document of an
    account (`arn:…:123456789012:document/x`) keeps its account: it is not AWS-owned."""
    if not isinstance(value, str) or is_unknown(value):
        return None
    m = _DOC_ARN.match(value)
    if m:
        return f"{m.group(1)}:{m.group(2)}" if m.group(1) else m.group(2)
    return value


def _sdk_runs(text: Any, field: str, called: bool = False) -> list[Run]:
    """Documents an SDK integration runs: every `DocumentName` of a document that calls one (a JSONPath or
    JSONata value, or none at all, is a document the pack cannot read). `called`: the call is named outside
    the text (a Scheduler universal target's `arn`; its `input` holds only the request, round 32)."""
    if not isinstance(text, str) or not (called or _SDK_RUN.search(text)):
        return []
    try:
        doc = json.loads(text)
    except ValueError:
        return [(field, None)]
    names: list[Any] = []

    def walk(v: Any) -> None:
        if isinstance(v, dict):
            for k, x in v.items():
                if k.startswith("DocumentName"):
                    names.append(x if k == "DocumentName" else None)
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(doc)
    return [(field, _document(n)) for n in names] or [(field, None)]


def runs(view: ResourceView) -> list[Run]:
    """The SSM documents this resource has AWS run."""
    t = view.type
    if t == ASSOCIATION:
        return [("name", _document(view.input("name")))]
    if t == _WINDOW_TASK:
        kind = view.input("taskType")
        if is_unknown(kind) or str(kind).upper() in ("RUN_COMMAND", "AUTOMATION"):
            return [("taskArn", _document(view.input("taskArn")))]
        return []
    if t == _EVENT_TARGET:
        arn = view.input("arn")
        if view.input("runCommandTargets") or (isinstance(arn, str) and _DOC_ARN.match(arn)):
            return [("arn", _document(arn))]
        return []
    if t == _SCHEDULE:
        target = view.input("target")
        target = target if isinstance(target, dict) else {}
        if _SDK_RUN.search(str(target.get("arn", ""))):
            return _sdk_runs(target.get("input"), "target.input", True) or [("target.input", None)]
        return []
    if t == _STATE_MACHINE:
        return _sdk_runs(view.input("definition"), "definition")
    if t == _REMEDIATION:  # SSM_DOCUMENT is the only target type AWS Config accepts
        return [("targetId", _document(view.input("targetId")))]
    if t == _RESPONSE_PLAN:
        autos = view.get("action.ssmAutomations")
        if is_unknown(autos):
            return [("action.ssmAutomations", None)]
        return [(f"action.ssmAutomations.{i}.documentName", _document(get_path(a, "documentName")))
                for i, a in enumerate(autos or ())]
    if t == _FIS:
        return _fis_runs(view.input("actions"))
    return []


def _fis_runs(actions: Any) -> list[Run]:
    if is_unknown(actions):
        return [("actions", None)]
    out: list[Run] = []
    for i, a in enumerate(actions or ()):
        action = get_path(a, "actionId")
        if is_unknown(action) or str(action).lower() in _FIS_SSM_ACTIONS:
            params = get_path(a, "parameters") or ()
            arn = next((get_path(p, "value") for p in params if get_path(p, "key") == "documentArn"), None)
            out.append((f"actions.{i}.parameters.documentArn", _document(arn)))
    return out


def findings(view: ResourceView) -> list[str]:
    """One finding per run of a document that is not on the no-code list."""
    out = []
    for field, doc in runs(view):
        if doc is None:
            out.append(
                f"`{field}` runs an SSM document the pack cannot read (unknown at preview, or computed at "
                "run time), so what it runs on the instances cannot be judged; name the document literally"
            )
        elif doc not in NO_CODE_DOCUMENTS:
            out.append(
                f"`{field}` has AWS run the SSM document {doc!r} on instances: what it runs (commands, "
                "scripts, playbooks) is not in any input, so no policy can inspect it; only the AWS-owned "
                f"documents that run no customer code may be run ({', '.join(sorted(NO_CODE_DOCUMENTS))}); "
                "declare the work as Pulumi resources instead"
            )
    return out
