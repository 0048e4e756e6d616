"""Which system an Azure machine runs (round 93), so that its sign-ins are looked for where that system
writes them: Syslog on Linux, the Security channel on Windows (data_collection).

Read from every place that states it: the OS disk's `osType`, `osProfile.linuxConfiguration` /
`windowsConfiguration`, the OS disk, image or gallery image of the stack the machine boots from (their
`osType`), and a marketplace image by its publisher (and, for Microsoft's SQL Server images, its offer). A
machine none of these places has no stated system (`systems` returns an empty set), and one whose places
disagree two: the caller then judges both sources, each complete."""

from __future__ import annotations

from policies.core.azure_uris import named_by
from policies.core.view import ResourceView, StackGraph, is_unknown

LINUX, WINDOWS = "syslog", "windowsEventLogs"
_OS_TYPES = {"linux": LINUX, "windows": WINDOWS}
# Marketplace publishers whose every image runs one system (Azure's `az vm image list-publishers`).
_PUBLISHERS = {
    **dict.fromkeys(("canonical", "redhat", "suse", "debian", "openlogic", "almalinux", "kinvolk",
                     "credativ", "microsoftcblmariner", "resf"), LINUX),
    **dict.fromkeys(("microsoftwindowsserver", "microsoftwindowsdesktop", "microsoftvisualstudio",
                     "microsoftwindowsserverhpcpack"), WINDOWS),
}
_SQL_IMAGES = "microsoftsqlserver"  # offers `sql2022-ws2022` (Windows), `sql2019-ubuntu2004`, `-rhel8`, …
_BOOT_TYPES = (
    "azure-native:compute:Disk",
    "azure-native:compute:Image",
    "azure-native:compute:GalleryImage",
)


def _image(ref: object) -> str | None:
    if not isinstance(ref, dict):
        return None
    publisher = str(ref.get("publisher") or "").lower()
    if publisher == _SQL_IMAGES:
        offer = str(ref.get("offer") or "").lower()
        if "-ws" in offer:
            return WINDOWS
        return LINUX if any(s in offer for s in ("ubuntu", "rhel", "sles")) else None
    return _PUBLISHERS.get(publisher)


def _booted_from(graph: StackGraph, vm: ResourceView, pre: str) -> set[str]:
    """The systems of the stack's disks, images and gallery images the machine's storage profile is fed
    from (an attached OS disk, a custom or gallery image)."""
    field = f"{pre}storageProfile".split(".", 1)[0]
    found, disk = set(), vm.get(f"{pre}storageProfile.osDisk.managedDisk.id")
    named = named_by(graph, disk, _BOOT_TYPES[:1]) if isinstance(disk, str) and not is_unknown(disk) else []
    for d in [*graph.dependency_of(vm, field), *named]:
        if d.type in _BOOT_TYPES:
            image = d.type.endswith(":Image")
            os_type = d.get("storageProfile.osDisk.osType") if image else d.input("osType")
            if str(os_type or "").lower() in _OS_TYPES:
                found.add(_OS_TYPES[str(os_type).lower()])
    return found


def systems(graph: StackGraph, vm: ResourceView) -> set[str]:
    """The sources (LINUX, WINDOWS) that hold the sign-ins of a VM or scale set; empty when not stated."""
    pre = "virtualMachineProfile." if vm.type.endswith("ScaleSet") else ""
    found = set()
    os_type = str(vm.get(f"{pre}storageProfile.osDisk.osType") or "").lower()
    if os_type in _OS_TYPES:
        found.add(_OS_TYPES[os_type])
    if vm.get(f"{pre}osProfile.linuxConfiguration") is not None:
        found.add(LINUX)
    if vm.get(f"{pre}osProfile.windowsConfiguration") is not None:
        found.add(WINDOWS)
    found |= _booted_from(graph, vm, pre)
    if image := _image(vm.get(f"{pre}storageProfile.imageReference")):
        found.add(image)
    return found  # both when the places disagree (an Ubuntu image declared `osType` Windows: r93p-18)
