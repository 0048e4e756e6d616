"""Azure: running code as a workload identity (round 80), as iam/runs_as.py does for AWS. A managed identity
holds what its role assignments and Key Vault access policies give it, and no person is held to separation of
duties for it; but whoever may run code on the resource it is attached to acts as it (a VM's run command or
extensions, an App Service's code or configuration, an Automation account's runbooks and jobs: the code asks
the instance metadata endpoint for the identity's tokens). So a person whose role covers one of those
operations on such a resource's type holds the functions and key use of the identities attached to it.

The scope of the person's assignment is not compared with the resource (as for functions, assignments count
at any scope: an over-approximation that fails closed). Operations, from the ARM REST references (through
`search`): `virtualMachines/runCommand/action` (Run Command), `virtualMachines/runCommands/write` (managed run
commands), `virtualMachines/extensions/write` (custom script extensions), `sites/config/write`,
`sites/publish/action` and `sites/write` (App Service code and settings), `automationAccounts/runbooks/write`
and `jobs/write`; the resource's own `write` also swaps its identities and settings."""

from __future__ import annotations

from policies.core.iam.azure import covers, functions_of, uses_keys
from policies.core.view import ResourceView, StackGraph, is_unknown

UAI = "azure-native:managedidentity:UserAssignedIdentity"
_VM, _VMSS = "Microsoft.Compute/virtualMachines", "Microsoft.Compute/virtualMachineScaleSets"
_SITES, _AUTOMATION = "Microsoft.Web/sites", "Microsoft.Automation/automationAccounts"
RUNS_AS: dict[str, tuple[str, ...]] = {
    "azure-native:compute:VirtualMachine": (
        f"{_VM}/write", f"{_VM}/runCommand/action", f"{_VM}/runCommands/write", f"{_VM}/extensions/write",
    ),
    "azure-native:compute:VirtualMachineScaleSet": (
        f"{_VMSS}/write", f"{_VMSS}/extensions/write", f"{_VMSS}/virtualMachines/runCommand/action",
        f"{_VMSS}/virtualMachines/runCommands/write",
    ),
    "azure-native:web:WebApp": (
        f"{_SITES}/write", f"{_SITES}/config/write", f"{_SITES}/publish/action", f"{_SITES}/extensions/write",
        f"{_SITES}/slots/write", f"{_SITES}/slots/config/write", f"{_SITES}/slots/publish/action",
    ),
    "azure-native:automation:AutomationAccount": (
        f"{_AUTOMATION}/write", f"{_AUTOMATION}/runbooks/write", f"{_AUTOMATION}/jobs/write",
    ),
}


def identities(graph: StackGraph, r: ResourceView) -> set[str]:
    """URNs of the workload identities attached to `r`: itself when system-assigned, and the stack's
    user-assigned identities it lists (fed from them, or named by their resource id)."""
    ident = r.input("identity")
    if not isinstance(ident, dict):
        return set()
    out = {r.urn} if "systemassigned" in str(ident.get("type", "")).lower() else set()
    out |= {d.urn for d in graph.dependency_of(r, "identity") if d.type == UAI}
    listed = ident.get("userAssignedIdentities")
    names = {str(i).rsplit("/", 1)[-1].lower() for i in (listed or ()) if not is_unknown(i)}
    return out | {u.urn for u in graph.by_type(UAI) if str(u.input("resourceName")).lower() in names}


def inherit(graph: StackGraph, roles: dict[str, list], workloads: dict[str, set[str]],
            held: dict[str, set[str]], uses: dict[str, bool]) -> None:
    """Add to each person in `roles` (key -> the permissions of its roles) the functions and key use
    ("use" in `workloads`) of the identities attached to the resources it may run code on."""
    for key, perms in roles.items():
        for t, ops in RUNS_AS.items():
            for r in graph.by_type(t):
                if any(covers(p, op) for p in perms for op in ops):
                    for i in identities(graph, r):
                        got = workloads.get(i, set())
                        held.setdefault(key, set()).update(got - {"use"})
                        uses[key] = uses.get(key, False) or "use" in got


def held_by(perms: list) -> set[str]:
    """The functions a role gives, and "use" when it uses keys."""
    return functions_of(perms) | ({"use"} if uses_keys(perms) else set())


def workload_keys(graph: StackGraph, r: ResourceView, fld: str) -> list[str]:
    """The URNs a workload grant's principal is fed from (the identity, or the resource it is system-assigned
    to)."""
    return [d.urn for d in graph.dependency_of(r, fld.split(".", 1)[0])]
