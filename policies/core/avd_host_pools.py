"""Azure Virtual Desktop host pools (round 48): what a desktop session carries out of the network the NSGs
guard. The pool's RDP properties (`customRdpProperty`, `name:type:value;…`) decide which of the client's
devices the session host reaches: its drives (`drivestoredirect`; a Remote Desktop session host maps every
client drive unless told not to), the clipboard (`redirectclipboard`), USB and plug-and-play devices
(`usbdevicestoredirect`, `devicestoredirect`: phones and cameras as storage) and printers
(`redirectprinters`). Each copies the hosts' data to a workstation outside the stack, as Bastion's
native-client tunnelling does (round 26, disallow-public-data-access): so each must be switched off, and a
property left out is not shown to be off. Sign-in is not judged here: the feed and the gateway take an Entra
token under Conditional Access (require-admin-mfa), whatever `enablerdsaadauth` says of the host's own."""

from __future__ import annotations

from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

HOST_POOL = "azure-native:desktopvirtualization:HostPool"
CONTROLS = (HOST_POOL,)
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
    """disallow-public-data-access: redirections that copy the session hosts' data to the client."""
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
