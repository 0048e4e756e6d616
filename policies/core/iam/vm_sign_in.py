"""Virtual machines that administer (round 44): a VM's managed identity (system-assigned, or a user-assigned
identity it carries) acts for whoever is signed in to the machine. When that identity holds one of R2016's
functions (an Azure role, unknown roles fail closed), a local password sign-in — a Linux machine without
`disablePasswordAuthentication`, every Windows machine (its local administrator has a password), or an OS
profile the program does not show — hands the function to whoever knows the password, with no second
factor. SSH keys are one factor too, but a key is not guessed or phished like a password: machines signed in
by key only are left to Conditional Access on Entra sign-in (a known limit)."""

from __future__ import annotations

from collections.abc import Callable

from policies.core.view import ResourceView, StackGraph, get_path, is_unknown

OS_PROFILES = {
    "azure-native:compute:VirtualMachine": "osProfile",
    "azure-native:compute:VirtualMachineScaleSet": "virtualMachineProfile.osProfile",
}


def _password(vm: ResourceView, path: str) -> str | None:
    """How people sign in to the machine with a password, or None when they cannot."""
    profile = get_path(vm.inputs, path)
    if not isinstance(profile, dict) or is_unknown(profile):
        return f"its OS profile (`{path}`) is not in the program, so its local accounts cannot be judged"
    linux = profile.get("linuxConfiguration")
    if linux is None and profile.get("windowsConfiguration") is None and not profile.get("adminPassword"):
        return f"`{path}` names neither linuxConfiguration nor windowsConfiguration: its sign-in is unjudged"
    if linux is None:
        return f"its Windows administrator {profile.get('adminUsername')!r} signs in with a password"
    if not isinstance(linux, dict) or linux.get("disablePasswordAuthentication") is not True:
        return (
            f"its Linux administrator {profile.get('adminUsername')!r} may sign in with a password "
            "(linuxConfiguration.disablePasswordAuthentication is not true)"
        )
    return None


def _identity_keys(graph: StackGraph, vm: ResourceView) -> set[str]:
    """URNs standing for the machine's identities: the VM itself (system-assigned) and the user-assigned
    identities it carries (fed from stack resources)."""
    return {vm.urn} | {d.urn for d in graph.dependency_of(vm, "identity") if "managedidentity" in d.type}


def password_machine_admins(
    graph: StackGraph, grants: tuple[str, ...], administers: Callable[[StackGraph, ResourceView], bool]
) -> list[tuple[str, str]]:
    """Role grants (of `grants` types) to a machine's identity that `administers`, on machines signed in to
    by password."""
    out = []
    for t, path in OS_PROFILES.items():
        for vm in graph.by_type(t):
            keys = _identity_keys(graph, vm)
            held = [
                a for a in graph.by_type(*grants)
                if any(d.urn in keys for d in graph.dependency_of(a, "principalId")) and administers(graph, a)
            ]
            how = _password(vm, path) if held else None
            out.extend(
                (
                    a.urn,
                    f"the role it assigns is held by the identity of virtual machine {vm.name}, and {how}: "
                    "whoever signs in to the machine acts as its identity without a second factor; switch "
                    "password sign-in off (disablePasswordAuthentication, Entra login for VMs) or keep "
                    "R2016's functions off machine identities",
                )
                for a in held
                if how
            )
    return out
