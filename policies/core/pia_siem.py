"""Where require-siem-logging's events come from and go to (round 15): a trail that records every region
(root sign-ins and IAM/STS calls are global events, recorded in us-east-1), and diagnostic settings whose
destination is a workspace or storage account of the stack."""

from __future__ import annotations

from policies.core.view import ResourceView, StackGraph, is_unknown

TRAIL = "aws:cloudtrail/trail:Trail"
DESTINATIONS = {
    "workspaceId": "azure-native:operationalinsights:Workspace",
    "storageAccountId": "azure-native:storage:StorageAccount",
}


def destination_in_stack(graph: StackGraph, d: ResourceView) -> bool:
    """The setting sends to a workspace or storage account of the stack (an output of it, or its name):
    one outside the program keeps the logs for as long, and shows them to whom, nobody here judges
    (round 15)."""
    for fld, type_ in DESTINATIONS.items():
        if any(r.type == type_ for r in graph.dependency_of(d, fld)):
            return True
        value = d.input(fld)
        if isinstance(value, str) and not is_unknown(value) and value:
            name = value.rstrip("/").rsplit("/", 1)[-1].lower()
            names = {
                str(r.input(n)).lower()
                for r in graph.by_type(type_)
                for n in ("workspaceName", "accountName")
            }
            if name in names:
                return True
    return False


def all_regions(t: ResourceView) -> bool:
    """Root sign-ins and IAM/STS calls are global events recorded in us-east-1: a single-region trail
    elsewhere never sees them (round 15)."""
    return t.input("isMultiRegionTrail") is True


def one_region_feeds(graph: StackGraph) -> list[tuple[str, str]]:
    """Single-region trails delivering to a log group that metric filters read."""
    filtered = {
        x
        for f in graph.by_type("aws:cloudwatch/logMetricFilter:LogMetricFilter")
        for x in (f.input("logGroupName"), *f.property_dependencies.get("logGroupName", ()))
    } - {None}
    out = []
    for t in graph.by_type(TRAIL):
        arn = t.input("cloudWatchLogsGroupArn")
        group = (
            arn.split(":log-group:", 1)[1].removesuffix(":*")
            if isinstance(arn, str) and ":log-group:" in arn
            else None
        )
        if not all_regions(t) and (
            {group, *t.property_dependencies.get("cloudWatchLogsGroupArn", ())} & filtered
        ):
            out.append(
                (
                    t.urn,
                    "the trail delivers to a log group for the SIEM alarms but records one region only: root "
                    "sign-ins and IAM/STS events (global, recorded in us-east-1) never reach the alarms (set "
                    "`isMultiRegionTrail` true)",
                )
            )
    return out
