"""Amazon WorkSpaces (round 55): a WorkSpace keeps what its user works on in its root and user volumes, and
who may stream it is its directory's: the IP access control groups (`ipGroupIds`, none meaning any address)
and whether new WorkSpaces get internet access. So the WorkSpace is judged on both volumes under a key of the
stack and on a directory the stack registers; the directory on its IP groups (of the stack) and internet
access; each IP group on its rules (a private range, or one the endpoints record lists for the stack). The
self-service permissions (compute type, volume size, running mode, restart, rebuild) change neither key,
exposure nor retention of the data, so they are not read. Pools (non-persistent desktops) stay refused."""

from __future__ import annotations

import ipaddress

from policies.core.endpoints import load_endpoints
from policies.core.pia_more_stores import KeyJudge, KeyOf
from policies.core.records import current_stack
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

WORKSPACE = "aws:workspaces/workspace:Workspace"
DIRECTORY = "aws:workspaces/directory:Directory"
IP_GROUP = "aws:workspaces/ipGroup:IpGroup"
POOL = "aws:workspaces/pool:Pool"
CONTROLS = (DIRECTORY, IP_GROUP)
_FLAGS = ("rootVolumeEncryptionEnabled", "userVolumeEncryptionEnabled")


def workspace_keys(judge_key: KeyOf) -> KeyJudge:
    """require-customer-managed-keys: both volumes encrypted (the root volume holds profiles, caches and
    temporary copies of the documents) under `volumeEncryptionKey`; left out, WorkSpaces uses aws/workspaces.
    Whether the key is the stack's is judged for every store (pia_key_owners.foreign)."""

    def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
        out = []
        for flag in _FLAGS:
            value = r.input(flag)
            if is_unknown(value):
                out.append(unknown_message(flag, "the volume encryption"))
            elif value is not True:
                shown = "not set (unencrypted)" if value is None else repr(value)
                out.append(f"`{flag}` is {shown}: that volume is not encrypted; set it true")
        return out + judge_key("volumeEncryptionKey", r.input("volumeEncryptionKey"), known)

    return judge


def _directories(r: ResourceView, graph: StackGraph) -> list[ResourceView]:
    """The stack's WorkSpaces directories the WorkSpace's `directoryId` names: fed from one, the same literal
    id, or fed from the same Directory Service directory as one."""
    sources = graph.dependency_of(r, "directoryId")
    value = r.input("directoryId")
    urns = {s.urn for s in sources}
    return [
        d
        for d in graph.by_type(DIRECTORY)
        if d.urn in urns
        or (isinstance(value, str) and not is_unknown(value) and d.input("directoryId") == value)
        or urns & {s.urn for s in graph.dependency_of(d, "directoryId")}
    ]


def workspace_directory(r: ResourceView, graph: StackGraph) -> list[str]:
    """disallow-public-data-access: who may stream the WorkSpace is judged on its directory, which must be
    one the stack registers (judged by `directory_access`)."""
    if _directories(r, graph):
        return []
    value = r.input("directoryId")
    if is_unknown(value) and not graph.dependency_of(r, "directoryId"):
        return [unknown_message("directoryId", "who may stream the WorkSpace")]
    return [
        f"`directoryId` {value!r} is not a WorkSpaces directory of this stack: who may stream the WorkSpace "
        "(IP access control groups, internet access) is set outside the program and cannot be judged; "
        "register the directory in the stack (workspaces.Directory) and pass its id"
    ]


def directory_access(r: ResourceView, graph: StackGraph) -> list[str]:
    """IP groups of the stack (judged by `ip_group_rules`) and no internet access for new WorkSpaces."""
    out = []
    ids = r.input("ipGroupIds")
    groups = [g for g in graph.dependency_of(r, "ipGroupIds") if g.type == IP_GROUP]
    if is_unknown(ids) and not groups:
        out.append(unknown_message("ipGroupIds", "who may stream the directory's WorkSpaces"))
    elif not ids and not groups:
        out.append(
            "`ipGroupIds` is not set: the directory's WorkSpaces may be streamed from any address on the "
            "internet; give it an IP access control group of the stack admitting only the office's or the "
            "VPN's ranges"
        )
    elif not groups or (isinstance(ids, list) and len(ids) > len(groups)):
        out.append(
            f"`ipGroupIds` {ids!r} names an IP access control group no IP group of this stack feeds: its "
            "rules cannot be judged; create the group in the stack (workspaces.IpGroup) and pass its id"
        )
    internet = r.get("workspaceCreationProperties.enableInternetAccess")
    if is_unknown(internet):
        out.append(unknown_message("workspaceCreationProperties.enableInternetAccess", "internet access"))
    elif internet:
        out.append(
            "`workspaceCreationProperties.enableInternetAccess` is true: new WorkSpaces get a public IP "
            "address and a route to the internet from the desktops the data is worked on; leave it false"
        )
    return out


def _listed(net: ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
    """Inside a range the endpoints record lists for the stack (an office's or a VPN's public addresses)."""
    for e in load_endpoints(current_stack()):
        for cidr in e.cidrs:
            listed = ipaddress.ip_network(cidr, strict=False)
            if listed.version == net.version and net.subnet_of(listed):  # type: ignore[arg-type]
                return True
    return False


def ip_group_rules(r: ResourceView, graph: StackGraph) -> list[str]:
    """Each rule's `source` is a private range or one the endpoints record lists: any other address is the
    internet, where anyone with a user's password streams the desktop."""
    rules = r.input("rules")
    if is_unknown(rules):
        return [unknown_message("rules", "which addresses may stream the WorkSpaces")]
    out = []
    for i, rule in enumerate(rules or []):
        source = rule.get("source") if isinstance(rule, dict) else None
        if is_unknown(source):
            out.append(unknown_message(f"rules[{i}].source", "which addresses may stream the WorkSpaces"))
            continue
        try:
            net = ipaddress.ip_network(str(source).strip(), strict=False)
        except ValueError:
            net = None
        if net is None or not (net.is_private or _listed(net)):
            out.append(
                f"`rules[{i}].source` {source!r} is neither a private range nor one the endpoints record "
                "lists for this stack: anyone there with a user's password streams the WorkSpaces; admit "
                "only the office's or the VPN's ranges and list public ones (stacks/records/endpoints.yaml, "
                "`cidrs`)"
            )
    return out


PUBLIC_CHECKS = {WORKSPACE: workspace_directory, DIRECTORY: directory_access, IP_GROUP: ip_group_rules}
TLS_ELSEWHERE = {
    WORKSPACE: "streamed by the WorkSpaces gateways over PCoIP or WSP, which AWS encrypts with no setting "
    "in the API to weaken; its sign-in goes through the service's HTTPS endpoints"
}
