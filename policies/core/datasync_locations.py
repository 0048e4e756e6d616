"""DataSync locations' credentials and transport. Round 50: an SMB share's password is an input DataSync
requires and never returns, so it sits in the program and the state unless the program feeds it, as a
secret, from a secret store of the stack (a Secrets Manager secret, judged as a store). Round 52: the same
for every location that takes a credential (an object store's secret key, an Azure Blob SAS token, an HDFS
Kerberos keytab, an FSx for Windows or ONTAP SMB password), and the transport of the two whose encryption is
a setting of the location (object storage over HTTPS, HDFS with Kerberos privacy). Round 53: the SMB version
of SMB and FSx for ONTAP locations (only SMB 3 encrypts) and the scheme of an Azure Blob container URL."""

from __future__ import annotations

from typing import Any

from policies.core.references import REDACTED
from policies.core.secret_versions import VERSION
from policies.core.view import ResourceView, StackGraph, get_path, is_unknown, unknown_message

SMB = "aws:datasync/locationSmb:LocationSmb"
OBJECT_STORAGE = "aws:datasync/locationObjectStorage:LocationObjectStorage"
HDFS = "aws:datasync/locationHdfs:LocationHdfs"
AZURE_BLOB = "aws:datasync/locationAzureBlob:LocationAzureBlob"
FSX_ONTAP = "aws:datasync/locationFsxOntapFileSystem:LocationFsxOntapFileSystem"
# type -> the inputs (dotted paths, the SDK's names) holding the credential DataSync signs in with, and what
# it is; Pulumi records where a value comes from per top-level field only.
_KEYTAB = "the Kerberos principal's keytab"
CREDENTIALS: dict[str, dict[str, str]] = {
    SMB: {"password": "the share user's password"},
    OBJECT_STORAGE: {"secretKey": "the object store's secret key"},
    AZURE_BLOB: {"sasConfiguration.token": "the container's SAS"},
    HDFS: {"kerberosKeytab": _KEYTAB, "kerberosKeytabBase64": _KEYTAB},
    "aws:datasync/locationFsxWindows:LocationFsxWindows": {"password": "the file system user's password"},
    FSX_ONTAP: {"protocol.smb.password": "the SVM user's SMB password"},
}
CONTROLS = frozenset(CREDENTIALS)
# Where a program keeps a credential it feeds to a location: the secret's value, read back as a secret output.
SECRET_STORES = frozenset({VERSION})


def _value(r: ResourceView, path: str) -> Any:
    """The input at `path`, or the first secret or unknown value on the way (a secret parent hides its
    children)."""
    head, _, rest = path.partition(".")
    value = r.input(head)
    for part in rest.split(".") if rest else ():
        if value == REDACTED or is_unknown(value) or not isinstance(value, dict):
            break
        value = get_path(value, part)
    return value


def _clear(r: ResourceView, graph: StackGraph) -> list[str]:
    out = []
    for path in CREDENTIALS[r.type]:
        value = _value(r, path)
        if value is None and r.type != SMB:  # no credential given (SMB requires its password: round 50)
            continue
        head = path.split(".", 1)[0]
        fed = [d for u in r.property_dependencies.get(head, ()) if (d := graph.get(u)) is not None]
        if any(d.type in SECRET_STORES for d in fed) and (value == REDACTED or is_unknown(value)):
            continue
        out.append(path)
    return out


def _message(type_: str, path: str) -> str:
    return (
        f"`{path}` ({CREDENTIALS[type_][path]}) is not fed from a secret store of this stack: it sits in the "
        "program and the state, and whoever reads either reads the storage DataSync copies from, with no "
        "second factor of their own; keep it in a Secrets Manager secret of this stack "
        f"(`aws:secretsmanager/SecretVersion`) and feed its value, a secret, into `{path.split('.', 1)[0]}`"
    )


def clear_passwords(graph: StackGraph) -> list[tuple[str, str]]:
    """(urn, message) for each location whose credential is not fed, as a secret, from a secret store of the
    stack: a literal, a config value or a `random` credential is held by whoever reads the program or the
    state, with no second factor of their own."""
    return [(r.urn, _message(r.type, p)) for r in graph.by_type(*CREDENTIALS) for p in _clear(r, graph)]


def object_storage_transport(r: ResourceView) -> list[str]:
    """The key and the objects cross the network in clear unless the location speaks HTTPS; the SDK names
    no default, so it must be said."""
    protocol = r.input("serverProtocol")
    if is_unknown(protocol):
        return [unknown_message("serverProtocol", "the transport security")]
    if str(protocol or "").upper() != "HTTPS":
        return [
            f"`serverProtocol` is {protocol or 'not set'!r}: the access key's secret and the objects may "
            "cross the network in clear; set HTTPS"
        ]
    return []


def hdfs_transport(r: ResourceView) -> list[str]:
    """Hadoop protects RPC and block transfers with SASL, which needs Kerberos: SIMPLE (the provider's
    default) sends both in clear. `qopConfiguration` left out is PRIVACY for both (the SDK); one set makes
    the other the same, so every value set must be PRIVACY."""
    auth, qop = r.input("authenticationType"), r.input("qopConfiguration")
    if is_unknown(auth) or is_unknown(qop) or (isinstance(qop, dict) and any(map(is_unknown, qop.values()))):
        return [unknown_message("authenticationType or qopConfiguration", "the transport security")]
    if str(auth or "").upper() != "KERBEROS":
        return [
            f"`authenticationType` is {auth or 'not set (SIMPLE)'!r}: without Kerberos, Hadoop's RPC and "
            "block transfers have no SASL privacy and cross the network in clear; use KERBEROS"
        ]
    weak = {k: v for k, v in (qop or {}).items() if v is not None and str(v).upper() != "PRIVACY"}
    return [
        f"`qopConfiguration.{k}` is {v!r}: HDFS traffic is not encrypted (only PRIVACY is); set PRIVACY"
        for k, v in weak.items()
    ]


def _smb_version(r: ResourceView, path: str) -> list[str]:
    """SMB encrypts from version 3 only. The API's AUTOMATIC (the default) negotiates the highest version
    both ends speak from 2.1 up, so the program cannot tell whether the share's files are encrypted; SMB3
    pins 3.0.2, the one value that says they can be (SMB2, SMB2_0 and SMB1 never are)."""
    version = _value(r, path)
    if version == REDACTED or is_unknown(version):
        return [unknown_message(path, "the SMB version, and so the transport security,")]
    if str(version or "").upper() != "SMB3":
        return [
            f"`{path}` is {version or 'not set (AUTOMATIC)'!r}: DataSync may reach the share over an SMB "
            "version without encryption (only SMB 3 encrypts; AUTOMATIC may negotiate 2.1), so the files and "
            "the share user's session may cross the network in clear; set SMB3"
        ]
    return []


def smb_transport(r: ResourceView) -> list[str]:
    """An SMB location's files cross the network as its SMB version allows."""
    return _smb_version(r, "mountOptions.version")


def ontap_transport(r: ResourceView) -> list[str]:
    """An FSx for ONTAP location reached over SMB is judged as an SMB location (NFS: see the docs' leads)."""
    smb = _value(r, "protocol.smb")
    if smb is None:
        return []
    return _smb_version(r, "protocol.smb.mountOptions.version")


def azure_blob_transport(r: ResourceView) -> list[str]:
    """The SAS and the blobs travel as the container URL says: its scheme must be https (schemes are
    case-insensitive); anything else is not known to be TLS."""
    url = r.input("containerUrl")
    if is_unknown(url) or url == REDACTED:
        return [unknown_message("containerUrl", "the transport security")]
    if not str(url or "").lower().startswith("https://"):
        return [
            f"`containerUrl` is {url!r}: the SAS and the blobs may cross the network in clear; use the "
            "container's https:// URL"
        ]
    return []


TLS_CHECKS = {
    OBJECT_STORAGE: object_storage_transport,
    HDFS: hdfs_transport,
    SMB: smb_transport,  # round 53
    FSX_ONTAP: ontap_transport,  # round 53
    AZURE_BLOB: azure_blob_transport,  # round 53
}
