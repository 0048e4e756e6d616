"""API Gateway access logs (round 22): CloudTrail records who changed an API, never who called it. A stage
that keeps no access log leaves the calls to personal data (which dossier, by whom, from where) recorded
nowhere the SOC sees. Closed world: a stage whose log destination cannot be read blocks."""

from __future__ import annotations

from policies.core.view import StackGraph, is_unknown, unknown_message

STAGES = ("aws:apigateway/stage:Stage", "aws:apigatewayv2/stage:Stage")
_DEST = "accessLogSettings.destinationArn"


def unlogged_stages(graph: StackGraph) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for s in graph.by_type(*STAGES):
        dest = s.get(_DEST)
        if is_unknown(dest) and not s.property_dependencies.get("accessLogSettings"):
            out.append((s.urn, unknown_message(_DEST, "where the stage's access log goes")))
        elif not dest:
            out.append(
                (
                    s.urn,
                    f"the stage keeps no access log (`{_DEST}` unset): who called which API, and which "
                    "dossier, is recorded nowhere the SOC sees; send it to a log group of this stack",
                )
            )
    return out
