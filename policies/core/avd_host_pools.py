"""Azure Virtual Desktop host pools (round 48): what a desktop session carries out of the network the NSGs
guard. The pool's RDP properties (`customRdpProperty`, `name:type:value;…`) decide which of the client's
devices the session host reaches: its drives (`drivestoredirect`; a Remote Desktop session host maps every
client drive unless told not to), the clipboard (`redirectclipboard`), USB and plug-and-play devices
(`usbdevicestoredirect`, `devicestoredirect`: phones and cameras as storage) and printers
(`redirectprinters`). Each copies the hosts' data to a workstation outside the stack, as Bastion's
native-client tunnelling does (round 26, disallow-public-data-access): so each must be switched off, and a
property left out is not shown to be off. Sign-in is not judged here: the feed and the gateway take an Entra
token under Conditional Access (require-admin-mfa), whatever `enablerdsaadauth` says of the host's own.
Round 49: the pool's `publicNetworkAccess` must keep its session hosts on private endpoints (Disabled, or
EnabledForClientsOnly: clients reach the gateway over the internet with that token, as Bastion's users do;
absent is Enabled). An application group hands a pool's desktops to its users and a workspace publishes
groups in their feeds: each must be fed from a pool (a group) of this stack, whose settings are judged."""

from __future__ import annotations

from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

HOST_POOL = "azure-native:desktopvirtualization:HostPool"
APP_GROUP = "azure-native:desktopvirtualization:ApplicationGroup"
WORKSPACE = "azure-native:desktopvirtualization:Workspace"
CONTROLS = (HOST_POOL, APP_GROUP, WORKSPACE)
_PRIVATE_HOSTS = ("Disabled", "EnabledForClientsOnly")
# property -> (the `type:value` that switches it off, what it carries out)
_OFF = {
    "drivestoredirect": ("s:", "the client's drives"),
    "redirectclipboard": ("i:0", "the clipboard"),
    "usbdevicestoredirect": ("s:", "USB devices"),
    "devicestoredirect": ("s:", "plug-and-play devices (phones, cameras as storage)"),
    "redirectprinters": ("i:0", "printers"),
}


def _properties(text: str) -> dict[str, str]:
    """{name (lower case): 'type:value'} of an RDP property string."""
    out = {}
    for item in text.split(";"):
        name, _, rest = item.strip().partition(":")
        if name:
            out[name.lower()] = rest.strip()
    return out


def carried_out(r: ResourceView, graph: StackGraph) -> list[str]:
    """disallow-public-data-access: the session hosts' network, and redirections that copy their data to
    the client."""
    access = r.input("publicNetworkAccess", "Enabled")
    out = (
        []
        if access in _PRIVATE_HOSTS
        else [
            f"the pool's `publicNetworkAccess` is {access!r} (absent: Enabled): its session hosts reach the "
            "service over the internet, outside the private endpoints; set Disabled or EnabledForClientsOnly"
        ]
    )
    return out + _redirected(r)


def _redirected(r: ResourceView) -> list[str]:
    text = r.input("customRdpProperty")
    if is_unknown(text):
        return [unknown_message("customRdpProperty", "what a session carries to the client")]
    props = _properties(text if isinstance(text, str) else "")
    on = [f"{what} ({name})" for name, (off, what) in _OFF.items() if props.get(name) != off]
    if not on:
        return []
    return [
        f"the pool's RDP properties leave {', '.join(on)} redirected (a property left out is not off): a "
        "session copies the hosts' data to a workstation outside the stack; set "
        + ";".join(f"{name}:{off}" for name, (off, _) in _OFF.items())
        + " in `customRdpProperty`"
    ]


def _of_stack(r: ResourceView, graph: StackGraph, fld: str, kind: str, what: str) -> list[str]:
    """Every id in `fld` is fed from a `kind` of this stack (a literal id may name any other one)."""
    value = r.input(fld)
    ids = value if isinstance(value, list) else [value]
    fed = [d for d in graph.dependency_of(r, fld) if d.type == kind]
    if value is not None and fed and len(fed) >= len(ids):
        return []
    return [
        f"`{fld}` names {what} this stack does not declare (or more than it feeds in): what its "
        "sessions show and carry out cannot be judged; pass the ids of this stack's "
        f"{kind.rsplit(':', 1)[-1]} resources"
    ]


def app_group_pool(r: ResourceView, graph: StackGraph) -> list[str]:
    """disallow-public-data-access: an application group hands out a host pool of this stack."""
    return _of_stack(r, graph, "hostPoolArmPath", HOST_POOL, "a host pool")


def workspace_groups(r: ResourceView, graph: StackGraph) -> list[str]:
    """disallow-public-data-access: a workspace publishes application groups of this stack only."""
    if not r.input("applicationGroupReferences"):
        return []  # publishes nothing
    return _of_stack(r, graph, "applicationGroupReferences", APP_GROUP, "application groups")
