"""Azure: running code as a workload identity (round 80), as iam/runs_as.py does for AWS. A managed identity
holds what its role assignments and Key Vault access policies give it, and no person is held to separation of
duties for it; but whoever may run code on the resource it is attached to acts as it (a VM's run command or
extensions, an App Service's code or configuration, an Automation account's runbooks and jobs: the code asks
the instance metadata endpoint for the identity's tokens). So a person whose role covers one of those
operations on such a resource's type holds the functions and key use of the identities attached to it.

Round 81: the assignment's scope must be able to contain the resource (`azure_scope.reaches`: a literal
other resource group, or another resource of its group, does not); more types run code as their identities
(Container Apps and their jobs, App Service slots, Data Factory, AKS with its kubelet identity, Container
Instances, Logic Apps). Operations, from the ARM REST references (through
`search`): `virtualMachines/runCommand/action` (Run Command), `virtualMachines/runCommands/write` (managed run
commands), `virtualMachines/extensions/write` (custom script extensions), `sites/config/write`,
`sites/publish/action` and `sites/write` (App Service code and settings), `automationAccounts/runbooks/write`
and `jobs/write`; the resource's own `write` also swaps its identities and settings. Round 81 (the permissions
pages "Azure permissions for Compute / Containers / Integration / Analytics", through `search`):
`containerApps/getAuthToken/action` (console, exec and log stream: Container Apps Operator's
`containerApps/*/action`), `jobs/start/action` (a start may name the execution's containers), Data Factory's
`sites/sourcecontrols/write` (the repository App Service deploys from), a runbook's
`draft/writeContent/action` and `publish/action` (its next job runs the new code), Data Factory's
`pipelines`, `dataflows`, `linkedservices` and `credentials` writes (activities authenticate as the factory's
identities), AKS `runCommand/action`, `listClusterAdminCredential/action` and the Kubernetes data actions that
create pods (a pod asks the node's metadata endpoint for the kubelet identity's tokens), Container Instances'
`containers/exec/action`, a Logic App's `workflows/write` (its actions authenticate as its identity). An
operation written `data:` is a data action."""

from __future__ import annotations

from policies.core.iam.azure import covers, functions_of, uses_keys
from policies.core.iam.azure_scope import reaches
from policies.core.view import ResourceView, StackGraph, is_unknown

UAI = "azure-native:managedidentity:UserAssignedIdentity"
_VM, _VMSS = "Microsoft.Compute/virtualMachines", "Microsoft.Compute/virtualMachineScaleSets"
_SITES, _AUTOMATION = "Microsoft.Web/sites", "Microsoft.Automation/automationAccounts"
_APPS, _JOBS, _ADF = "Microsoft.App/containerApps", "Microsoft.App/jobs", "Microsoft.DataFactory/factories"
_AKS, _K8S = "Microsoft.ContainerService/managedClusters", "data:Microsoft.ContainerService/managedClusters"
_ACI = "Microsoft.ContainerInstance/containerGroups"
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
        f"{_SITES}/functions/write", f"{_SITES}/sourcecontrols/write", f"{_SITES}/slots/sourcecontrols/write",
    ),
    "azure-native:web:WebAppSlot": (
        f"{_SITES}/slots/write", f"{_SITES}/slots/config/write", f"{_SITES}/slots/publish/action",
        f"{_SITES}/slots/extensions/write", f"{_SITES}/slots/functions/write",
        f"{_SITES}/slots/sourcecontrols/write",
    ),
    "azure-native:app:ContainerApp": (f"{_APPS}/write", f"{_APPS}/getAuthToken/action"),
    "azure-native:app:Job": (f"{_JOBS}/write", f"{_JOBS}/start/action"),
    "azure-native:datafactory:Factory": (
        f"{_ADF}/write", f"{_ADF}/pipelines/write", f"{_ADF}/dataflows/write", f"{_ADF}/linkedservices/write",
        f"{_ADF}/credentials/write",
    ),
    "azure-native:containerservice:ManagedCluster": (
        f"{_AKS}/write", f"{_AKS}/runCommand/action", f"{_AKS}/listClusterAdminCredential/action",
        f"{_K8S}/pods/write", f"{_K8S}/pods/exec/action", f"{_K8S}/apps/deployments/write",
        f"{_K8S}/apps/daemonsets/write", f"{_K8S}/apps/statefulsets/write", f"{_K8S}/apps/replicasets/write",
        f"{_K8S}/batch/jobs/write", f"{_K8S}/batch/cronjobs/write",
    ),
    "azure-native:containerinstance:ContainerGroup": (f"{_ACI}/write", f"{_ACI}/containers/exec/action"),
    "azure-native:logic:Workflow": ("Microsoft.Logic/workflows/write",),
    "azure-native:automation:AutomationAccount": (
        f"{_AUTOMATION}/write", f"{_AUTOMATION}/runbooks/write", f"{_AUTOMATION}/jobs/write",
        f"{_AUTOMATION}/runbooks/draft/writeContent/action", f"{_AUTOMATION}/runbooks/publish/action",
    ),
}


def identities(graph: StackGraph, r: ResourceView) -> set[str]:
    """URNs of the workload identities attached to `r`: itself when system-assigned, and the stack's
    user-assigned identities it lists (fed from them, or named by their resource id); for AKS also the kubelet
    identity of `identityProfile` (round 81), which every pod on the nodes can ask for."""
    ident = r.input("identity")
    ident = ident if isinstance(ident, dict) else {}
    out = {r.urn} if "systemassigned" in str(ident.get("type", "")).lower() else set()
    fed = [d for f in ("identity", "identityProfile") for d in graph.dependency_of(r, f)]
    out |= {d.urn for d in fed if d.type == UAI}
    listed = list(ident.get("userAssignedIdentities") or ())
    profile = r.input("identityProfile")
    if isinstance(profile, dict):
        listed += [v.get("resourceId") for v in profile.values() if isinstance(v, dict)]
    names = {str(i).rsplit("/", 1)[-1].lower() for i in listed if i and not is_unknown(i)}
    by_name = graph.once("uai-by-name", lambda: _identities_by_name(graph))
    return out | {urn for n in names for urn in by_name.get(n, ())}


def _identities_by_name(graph: StackGraph) -> dict[str, list[str]]:
    """The stack's user-assigned identities by lower-cased `resourceName`, once per graph: `identities` is
    asked per resource someone may run code on; a walk of every identity each time was quadratic (100k)."""
    out: dict[str, list[str]] = {}
    for u in graph.by_type(UAI):
        out.setdefault(str(u.input("resourceName")).lower(), []).append(u.urn)
    return out


def _runs(perms: list, ops: tuple[str, ...]) -> bool:
    """Whether a role's permissions cover one of `ops` (`data:` marks a data action)."""
    return any(covers(perms, op.removeprefix("data:"), data=op.startswith("data:")) for op in ops)


def inherit(graph: StackGraph, roles: dict[str, list], workloads: dict[str, set[str]],
            held: dict[str, set[str]], uses: dict[str, bool]) -> None:
    """Add to each person in `roles` (key -> (permissions, assignment) of its roles) the functions and key use
    ("use" in `workloads`) of the identities attached to the resources it may run code on."""
    for key, assigned in roles.items():
        for t, ops in RUNS_AS.items():
            # The permissions are judged once per role and type, not per resource: persons and resources
            # both grow with a stack, and their product made this quadratic (100k: 18 s -> 71 s).
            able = [a for perms, a in assigned if _runs(perms, ops)]
            for r in graph.by_type(t) if able else ():
                if any(reaches(graph, a, r) for a in able):
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
