"""Round 98: a log group the PIA record declares no part of the SIEM (`non_siem_log_groups`) is released as
round 88 released quiet topics (closes `limits/r91p-55`). An Allow's log groups count as the SIEM wherever
they are (round 89): code the program does not show may write an audit log to a group by name (an
application, the CloudWatch agent), and AWS services write their own `/aws/…` groups, so the gate cannot
tell a scratch group from an audit log by looking. The record is the declaration it can trust, and the
program must agree with it: the group is the stack's (its exact ARN: name, account and region), and no
resource of the stack but IAM documents names it (no trail, subscription or metric filter, export, service
logging into it, nor any input carrying its name). Anything else still counts (closed world)."""

from __future__ import annotations

import re

from policies.core.accounts import aws_account, aws_region
from policies.core.documents import iter_strings
from policies.core.iam.breakglass import records
from policies.core.records import current_stack
from policies.core.view import ResourceView, StackGraph

RECORD_KEY = "non_siem_log_groups"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
_ARN = re.compile(r"^arn:aws:logs:([a-z0-9-]+):(\d{12}):log-group:([\w./#-]{1,512}?)(?::\*)?$")
DOCUMENTS = ("aws:iam/", "aws:ssoadmin/")  # grant rights on a topic or group; they feed nothing into it


def declared(graph: StackGraph) -> frozenset[str]:
    """The names of the log groups the stack's PIA record declares no part of the SIEM (once per graph)."""
    return graph.once(
        "siem-quiet-log-groups",
        lambda: frozenset(str(e.get("log_group")) for e in records(current_stack(), RECORD_KEY)),
    )


def own_quiet(graph: StackGraph, arn: str) -> ResourceView | None:
    """The declared log group of the stack this exact ARN names, when nothing of the stack feeds it."""
    m = _ARN.match(arn)
    if m is None or m.group(3) not in declared(graph):
        return None
    region, account, name = m.groups()
    for g in graph.named(name):
        same = g.type == LOG_GROUP and g.input("name") == name and aws_region(g) == region
        if same and aws_account(g.provider)[0] == account and not _named(graph, g, name):
            return g
    return None


def _named(graph: StackGraph, group: ResourceView, name: str) -> bool:
    """Whether any resource of the stack but IAM documents is fed from the group or carries its name."""
    def scan() -> bool:
        for r in graph.resources:
            if r is group or r.type.startswith(DOCUMENTS):
                continue
            if any(group.urn in urns for urns in r.property_dependencies.values()):
                return True
            if any(name in v for v in iter_strings(r.unwrapped())):
                return True
        return False

    return graph.once(f"siem-log-group-named:{group.urn}", scan)
