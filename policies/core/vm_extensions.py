"""VM extensions Azure runs inside a machine (a VM, a scale set, an Arc-enabled server). A Custom Script
or Run Command extension runs whatever script its settings name, which no input shows, as an SSM document does
on AWS (policies/core/ssm_runs.py); so disallow-opaque-deployers blocks every extension except Microsoft's
agents below, which run no customer code.
"""

from __future__ import annotations

from policies.core.view import ResourceView, is_unknown

# (publisher, type) of Microsoft agents that run no customer code: the Azure Monitor agent (sends what a data
# collection rule selects; the rule and its destinations are judged as resources), the Dependency agent (feeds
# the Monitor agent), Entra ID login, guest attestation.
NO_CODE_EXTENSIONS = frozenset(
    {
        ("microsoft.azure.monitor", "azuremonitorlinuxagent"),
        ("microsoft.azure.monitor", "azuremonitorwindowsagent"),
        ("microsoft.azure.monitoring.dependencyagent", "dependencyagentlinux"),
        ("microsoft.azure.monitoring.dependencyagent", "dependencyagentwindows"),
        ("microsoft.azure.activedirectory", "aadsshloginforlinux"),
        ("microsoft.azure.activedirectory", "aadloginforwindows"),
        ("microsoft.azure.security.linuxattestation", "guestattestation"),
        ("microsoft.azure.security.windowsattestation", "guestattestation"),
    }
)
EXTENSION_TYPES = frozenset(
    {
        "azure-native:compute:VirtualMachineExtension",
        "azure-native:compute:VirtualMachineScaleSetExtension",
        "azure-native:compute:VirtualMachineScaleSetVMExtension",
        "azure-native:hybridcompute:MachineExtension",  # publisher/type under `properties`
        "azure-native:connectedvmwarevsphere:MachineExtension",
        "azure-native:scvmm:MachineExtension",
    }
)


def findings(view: ResourceView) -> list[str]:
    """Why the extension cannot be judged ([] for a listed Microsoft agent)."""
    prefix = "properties." if view.get("properties.type") is not None else ""
    publisher, kind = view.get(f"{prefix}publisher"), view.get(f"{prefix}type")
    if any(is_unknown(v) or not isinstance(v, str) for v in (publisher, kind)):
        return [f"`{prefix}publisher`/`{prefix}type` of the VM extension are not known at preview, so what "
                "it runs inside the machine cannot be judged; name them literally"]
    if (publisher.lower(), kind.lower()) in NO_CODE_EXTENSIONS:
        return []
    return [
        f"the VM extension {publisher}/{kind} runs code inside the machine that no input shows (a script, "
        "a command, a vendor agent), so no policy can inspect where it sends data; only Microsoft's agents "
        "that run no customer code may be installed (Azure Monitor, Dependency, Entra ID login, guest "
        "attestation); declare the work as Pulumi resources instead"
    ]
