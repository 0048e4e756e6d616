"""TLS on links the stores' own types do not show (require-tls-1-2, round 16): EFS mounts (a file system's
TLS is the client's mount option, so the task or job definition that mounts it and the file system policy
that can demand it are judged), and the classic Azure Front Door's routing rules and frontend endpoints."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from policies.core.iam.statements import as_list, principals
from policies.core.view import ResourceView, get_path, is_unknown, json_document, unknown_message

_EFS_ALL = frozenset({"*", "elasticfilesystem:*", "elasticfilesystem:clientmount"})


def _efs_volumes(volumes: Any, where: str) -> list[str]:
    out = []
    for vol in as_list(volumes):
        efs = vol.get("efsVolumeConfiguration") if isinstance(vol, dict) else None
        if not isinstance(efs, dict):
            continue
        mode = efs.get("transitEncryption")
        if is_unknown(mode):
            out.append(unknown_message("efsVolumeConfiguration.transitEncryption", "the mount's TLS"))
        elif mode != "ENABLED":
            out.append(
                f"{where} mounts EFS volume {vol.get('name')!r} with `transitEncryption` {mode!r}: NFS "
                "without TLS (set ENABLED)"
            )
    return out


def ecs_task(v: ResourceView) -> list[str]:
    """Every EFS volume of the task mounted with `transitEncryption` ENABLED (the default is DISABLED)."""
    volumes = v.input("volumes")
    if is_unknown(volumes):
        return [unknown_message("volumes", "whether EFS is mounted over TLS")]
    return _efs_volumes(volumes, "the task")


def batch_job(v: ResourceView) -> list[str]:
    """The same for an AWS Batch job definition's container (its properties are a JSON document)."""
    raw = v.input("containerProperties")
    if raw is None:
        return []
    doc, err = json_document(raw)
    if err:
        return [f"`containerProperties` is {err}: whether EFS is mounted over TLS cannot be judged"]
    return _efs_volumes(doc.get("volumes") if isinstance(doc, dict) else None, "the job")


def _denies_plain(stmt: dict[str, Any]) -> bool:
    """A Deny of mounting to everyone whose only condition is plain transport: what makes TLS required."""
    cond = stmt.get("Condition")
    if stmt.get("Effect") != "Deny" or principals(stmt) != {"*": ["*"]} or "NotPrincipal" in stmt:
        return False
    if not {str(a).lower() for a in as_list(stmt.get("Action"))} & _EFS_ALL:
        return False
    if not isinstance(cond, dict) or list(cond) != ["Bool"] or not isinstance(cond["Bool"], dict):
        return False
    tests = {str(k).lower(): as_list(val) for k, val in cond["Bool"].items()}
    values = [str(x).lower() for x in tests.get("aws:securetransport", [])]
    return list(tests) == ["aws:securetransport"] and values == ["false"]


def efs_policy(v: ResourceView) -> list[str]:
    """A file system policy must Deny every principal every mount when `aws:SecureTransport` is false."""
    doc, err = json_document(v.input("policy"))
    if err:
        return [f"`policy` is {err}: whether the file system requires TLS cannot be judged"]
    body = doc.get("Statement") if isinstance(doc, dict) else None
    stmts = [s for s in as_list(body) if isinstance(s, dict)]
    if any(_denies_plain(s) for s in stmts):
        return []
    return [
        "the file system policy does not deny mounts without TLS: add a Deny of elasticfilesystem:* (or *) "
        'to Principal "*" with only the condition {"Bool": {"aws:SecureTransport": "false"}}'
    ]


def _route(rule: dict[str, Any]) -> list[str]:
    name, accepted = rule.get("name"), rule.get("acceptedProtocols") or ["Http", "Https"]
    rc = rule.get("routeConfiguration") if isinstance(rule.get("routeConfiguration"), dict) else {}
    fields = (accepted, rc.get("odataType"), rc.get("redirectProtocol"), rc.get("forwardingProtocol"))
    if any(is_unknown(f) for f in fields):
        return [unknown_message(f"routingRules[{name}]", "the protocols of the Front Door")]
    if str(rc.get("odataType", "")).endswith("RedirectConfiguration"):
        proto = rc.get("redirectProtocol") or "MatchRequest"
        if proto == "HttpsOnly" or (proto == "MatchRequest" and "Http" not in accepted):
            return []
        return [f"routing rule {name!r} redirects with `redirectProtocol` {proto!r}: HTTP stays HTTP"]
    out = []
    if "Http" in accepted:
        out.append(f"routing rule {name!r} accepts plain HTTP and serves it (redirect HTTP in its own rule)")
    forwarding = rc.get("forwardingProtocol") or "MatchRequest"
    if forwarding == "HttpOnly" or (forwarding == "MatchRequest" and "Http" in accepted):
        out.append(
            f"routing rule {name!r} reaches the backend over plain HTTP (use `forwardingProtocol` HttpsOnly)"
        )
    return out


def front_door(v: ResourceView) -> list[str]:
    """The classic Front Door: every routing rule serves HTTPS only (HTTP only redirected to HTTPS), forwards
    over HTTPS, and every frontend endpoint's custom HTTPS needs TLS 1.2."""
    rules, ends = v.input("routingRules"), v.input("frontendEndpoints")
    if is_unknown(rules) or is_unknown(ends):
        return [unknown_message("routingRules/frontendEndpoints", "the protocols of the Front Door")]
    out = [m for r in as_list(rules) if isinstance(r, dict) for m in _route(r)]
    for e in as_list(ends):
        low = get_path(e, "customHttpsConfiguration.minimumTlsVersion") if isinstance(e, dict) else None
        if is_unknown(low) or (low is not None and low != "1.2"):
            out.append(f"frontend endpoint {e.get('name')!r} accepts TLS {low} (`minimumTlsVersion` 1.2)")
    return out


def msk_connector(v: ResourceView) -> list[str]:
    """An MSK Connect connector reaches its Kafka cluster in plain text unless told TLS (round 37; the
    SDK's default is PLAINTEXT)."""
    kind = v.get("kafkaClusterEncryptionInTransit.encryptionType")
    if is_unknown(kind):
        where = "kafkaClusterEncryptionInTransit.encryptionType"
        return [unknown_message(where, "the connector's transport")]
    if kind != "TLS":
        return [
            f"`kafkaClusterEncryptionInTransit.encryptionType` is {kind or 'PLAINTEXT (the default)'}: the "
            "connector reads and writes records over plain text; set TLS"
        ]
    return []


TLS_CHECKS: dict[str, Callable[[ResourceView], list[str]]] = {
    "aws:mskconnect/connector:Connector": msk_connector,
    "aws:ecs/taskDefinition:TaskDefinition": ecs_task,
    "aws:batch/jobDefinition:JobDefinition": batch_job,
    "aws:efs/fileSystemPolicy:FileSystemPolicy": efs_policy,
    "azure-native:network:FrontDoor": front_door,
}
