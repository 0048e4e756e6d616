"""Virtual machines that administer (round 44): a VM's managed identity (system-assigned, or a user-assigned
identity it carries) acts for whoever is signed in to the machine. When that identity holds one of R2016's
functions (an Azure role, unknown roles fail closed), a local password sign-in — a Linux machine without
`disablePasswordAuthentication`, every Windows machine (its local administrator has a password), or an OS
profile the program does not show — hands the function to whoever knows the password, with no second
factor. Round 45: an SSH key is one factor as well (a file copied to any laptop, no Conditional Access on
it), and Entra login for VMs does not switch the local key off, so a machine signed in to by key only hands
the function over the same way: R2016's functions stay off machine identities."""

from __future__ import annotations

from collections.abc import Callable

from policies.core.iam.azure_runs_as import identities
from policies.core.view import ResourceView, StackGraph, get_path, is_unknown

OS_PROFILES = {
    "azure-native:compute:VirtualMachine": "osProfile",
    "azure-native:compute:VirtualMachineScaleSet": "virtualMachineProfile.osProfile",
}


def _local_sign_in(vm: ResourceView, path: str) -> str:
    """How people sign in to the machine with a single factor (a password or an SSH key)."""
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
    user = profile.get("adminUsername")
    return f"its Linux administrator {user!r} signs in with an SSH key, a single factor"


def _identity_keys(graph: StackGraph, vm: ResourceView) -> set[str]:
    """URNs standing for the machine's identities: the VM itself (system-assigned) and the user-assigned
    identities it carries (fed from stack resources, or named by resource id: round 80)."""
    fed = {d.urn for d in graph.dependency_of(vm, "identity") if "managedidentity" in d.type}
    return {vm.urn} | fed | identities(graph, vm)


def machine_admins(
    graph: StackGraph, grants: tuple[str, ...], administers: Callable[[StackGraph, ResourceView], bool]
) -> list[tuple[str, str]]:
    """Role grants (of `grants` types) to a machine's identity that `administers`, on machines signed in to
    by a password or an SSH key (every machine with local sign-in)."""
    out = []
    for t, path in OS_PROFILES.items():
        for vm in graph.by_type(t):
            keys = _identity_keys(graph, vm)
            held = [
                a for a in graph.by_type(*grants)
                if any(d.urn in keys for d in graph.dependency_of(a, "principalId")) and administers(graph, a)
            ]
            how = _local_sign_in(vm, path)
            out.extend(
                (
                    a.urn,
                    f"the role it assigns is held by the identity of virtual machine {vm.name}, and {how}: "
                    "whoever signs in to the machine acts as its identity without a second factor; keep "
                    "R2016's functions off machine identities (give them to people, who sign in with MFA, or "
                    "to a workload identity no one signs in to)",
                )
                for a in held
            )
    return out
