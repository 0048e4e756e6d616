"""Azure resource ids recorded offline, in the shape `pulumi up` records them."""

from __future__ import annotations

import re
from typing import Any

from gate.azure_import_ids import IMPORT_IDS
from gate.mock_base import SUBSCRIPTION_ID, UNKNOWN, plain, stable_hex

# azure-native modules whose ARM namespace is not simply "Microsoft.<Capitalized module>".
_AZURE_NAMESPACE = {
    "keyvault": "Microsoft.KeyVault",
    "operationalinsights": "Microsoft.OperationalInsights",
    "operationsmanagement": "Microsoft.OperationsManagement",
    "securityinsights": "Microsoft.SecurityInsights",
    "managedidentity": "Microsoft.ManagedIdentity",
    "documentdb": "Microsoft.DocumentDB",
    "dbforpostgresql": "Microsoft.DBforPostgreSQL",
    "dbformysql": "Microsoft.DBforMySQL",
    "containerservice": "Microsoft.ContainerService",
    "containerregistry": "Microsoft.ContainerRegistry",
    "recoveryservices": "Microsoft.RecoveryServices",
    "dataprotection": "Microsoft.DataProtection",
    "insights": "Microsoft.Insights",
    "monitor": "Microsoft.Insights",
    "privatedns": "Microsoft.Network",
    "appconfiguration": "Microsoft.AppConfiguration",
    "apimanagement": "Microsoft.ApiManagement",
    "servicebus": "Microsoft.ServiceBus",
    "eventhub": "Microsoft.EventHub",
    "authorization": "Microsoft.Authorization",
}


def _type_path(typ: str) -> tuple[str, str, str] | None:
    """(what comes before the first `/providers/`: a resource group, the subscription or a `{scope}`; the ARM
    type path with its parents' `{input}`s; the `{input}` naming the resource itself, or its fixed name such
    as a web app's `ftp` policy), from the type's
    `pulumi import` id (`gate.azure_import_ids`): a child nests under its parents, each named by the input the
    SDK takes for it (a subnet is `…/virtualNetworks/<vnet>/subnets/<subnet>`, an API Management backend
    `…/service/<service>/backends/<backendId>`), so rules that read a subscription, network or server out of
    an id see what `pulumi up` records, and same-named children of different parents (every private
    endpoint's `default` zone group) keep distinct ids. A resource group is no provider's resource: None."""
    template = IMPORT_IDS.get(typ)
    if template is None or "/providers/" not in template:
        return None
    head, rest = template.split("/providers/", 1)
    path, own = rest.rsplit("/", 1)
    return head, path, own


# Modules whose `scope` input is the resource a lock, assignment, budget or subscription extends (elsewhere,
# e.g. an API Management subscription or a Cosmos DB role assignment, `scope` is a property); every
# `resourceUri` is such a scope (diagnostic settings, rule associations).
_EXTENSION_MODULES = frozenset({"authorization", "resources", "managedservices", "consumption",
                                "costmanagement", "security", "eventgrid"})


class _Parents(dict):
    """Fills a type path's `{input}` from the inputs (keyed in lower case: an import id may capitalise an
    input, `{BlobServicesName}`); a parent name not known yet reads `unknown`."""

    def __missing__(self, key: str) -> str:
        return dict.get(self, key.lower(), "unknown")


def _plural_camel(word: str) -> str:
    word = word[:1].lower() + word[1:]
    if word.endswith("y") and not word.endswith(("ay", "ey", "oy")):
        return word[:-1] + "ies"
    if word.endswith("ss"):
        return word + "es"
    return word if word.endswith("s") else word + "s"


def _azure_name(name: str, typ: str, inputs: dict[str, Any], parents: list[str], own: str | None) -> str:
    """The ARM resource name: the input its import id names it by (`backendId`), else the `<x>Name` input that
    names neither the resource group nor a parent, else an autoname."""
    given = [plain(v) for k, v in inputs.items() if own is not None and k.lower() == own.lower()]
    if given and isinstance(given[0], str):
        return given[0]
    candidates = [
        k for k, v in inputs.items()
        if k.endswith("Name") and k != "resourceGroupName" and k not in parents and isinstance(plain(v), str)
    ]
    cls = typ.split(":")[-1]
    own = cls[:1].lower() + cls[1:] + "Name"
    for key in (own, "resourceName", "name"):
        if key in inputs and isinstance(plain(inputs[key]), str):
            return plain(inputs[key])
    if len(candidates) == 1:
        return plain(inputs[candidates[0]])
    return f"{name}{stable_hex(typ, name)}"


def azure_outputs(typ: str, name: str, inputs: dict[str, Any], location: str | None,
                  subscription: str | None = None) -> dict[str, Any]:
    """An ARM resource id and name for an azure-native resource: under its resource group and parents, or, for
    an extension resource (a lock, a role assignment, a diagnostic setting), under the scope it extends (the
    `{scope}` its import id starts with, else `scope` or `resourceUri`), or under the subscription where its
    import id says so; in the subscription its provider pins (`subscriptionId`), else the placeholder one."""
    parts = typ.split(":")
    module, cls = parts[1], parts[2]
    found = _type_path(typ)
    head, template, own = found or ("", _plural_camel(cls), "")
    fixed = own if own and not own.startswith("{") else None
    parents = re.findall(r"\{(\w+)\}", template)
    phys = fixed or _azure_name(name, typ, inputs, parents, own.strip("{}") or None)
    values = {k: plain(v) for k, v in inputs.items()}
    known = _Parents((k.lower(), v) for k, v in values.items() if isinstance(v, str) and v != UNKNOWN)
    sub = f"/subscriptions/{subscription or SUBSCRIPTION_ID}"
    if module == "resources" and cls == "ResourceGroup":
        rid = f"{sub}/resourceGroups/{phys}"
    else:
        namespace = _AZURE_NAMESPACE.get(module, "Microsoft." + module[:1].upper() + module[1:])
        path = template.format_map(known)
        arm_type = path if found else f"{namespace}/{path}"
        scope = known.get(head[2:-1].lower() if head.startswith("/{") else
                          "scope" if module in _EXTENSION_MODULES else "resourceuri", "")
        if scope.startswith(("/subscriptions/", "/providers/")):
            rid = f"{scope.rstrip('/')}/providers/{arm_type}/{phys}"
        elif head == "/subscriptions/{subscriptionId}":  # a resource of the subscription itself
            rid = f"{sub}/providers/{arm_type}/{phys}"
        elif found and head == "":  # a resource of the tenant (Entra ID's diagnostic settings)
            rid = f"/providers/{arm_type}/{phys}"
        else:
            rg = values.get("resourceGroupName")
            rg = rg if isinstance(rg, str) else "unknown-rg"
            rid = f"{sub}/resourceGroups/{rg}/providers/{arm_type}/{phys}"
    out: dict[str, Any] = {"id": rid, "name": phys}
    if location and "location" not in inputs:
        out["location"] = location
    vault = plain(inputs.get("vaultName"))
    if module == "keyvault" and cls == "Key" and isinstance(vault, str):   # read when deployed (update)
        out["keyUri"] = f"https://{vault}.vault.azure.net/keys/{phys}"
        out["keyUriWithVersion"] = f"{out['keyUri']}/{stable_hex(typ, name, length=32)}"
    return out
