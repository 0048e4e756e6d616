"""Ids and ARNs the offline engine gives pulumi-aws resources, shaped as AWS and the provider give them.

Policies place a resource by what a program or another resource names it: a literal ARN of the stack's own
database, secret or vault must name what the recorded graph holds, or a compliant grant reads as one to a
store nobody records (and a wrong shape as a store the rules cannot place). Formats: the Service
Authorization Reference's resource types; ids: what `pulumi import` takes (the provider's id).
"""

from __future__ import annotations

import re
from typing import Any

from gate.aws_arn_formats import (
    ARN_FORMATS,
    EXECUTION_ARN,
    GENERATED_ID,
    IAM_ID_IS_ARN,
    IAM_KINDS,
    ID_IS,
    ID_PREFIX,
    INPUT_DEFAULTS,
    LB_KINDS,
    NAME_INPUT,
    NAMED_ID,
    NAMED_ID_MODULES,
)
from gate.mock_base import ACCOUNT_ID, UNKNOWN, plain, stable_hex, stable_uuid


def _kebab(word: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", word).lower()


_KMS_KEYS = ("Key", "ExternalKey", "ReplicaKey", "ReplicaExternalKey")


def _kms_key_id(typ: str, name: str, cls: str, inputs: dict[str, Any]) -> str:
    """A key's id as KMS gives it: `mrk-` and 32 hex for a multi-Region key, a UUID otherwise; a replica
    shares its primary's id (the key policy and grants of a multi-Region key name it by that id, round 71
    reads the prefix)."""
    if cls.startswith("Replica"):
        primary = plain(inputs.get("primaryKeyArn"))
        tail = primary.rsplit(":key/", 1)[-1] if isinstance(primary, str) and ":key/" in primary else ""
        return tail if tail.startswith("mrk-") else UNKNOWN
    if plain(inputs.get("multiRegion")) is True:
        return f"mrk-{stable_hex(typ, name, length=32)}"
    return stable_uuid(typ, name)


def _physical_name(typ: str, mod_type: str, name: str, inputs: dict[str, Any]) -> tuple[str, str]:
    """(input key, value) of the resource's physical name: the given one, one under the given prefix
    (`namePrefix`, `identifierPrefix`), else the provider's autoname."""
    key = NAME_INPUT.get(mod_type, "name")
    given, prefix = plain(inputs.get(key)), plain(inputs.get(f"{key}Prefix"))
    if isinstance(given, str):
        return key, given
    if isinstance(prefix, str) and prefix != UNKNOWN:  # the provider's unique suffix: 18 digits, 8 hex
        digits = str(int(stable_hex(typ, name, "prefix", length=16), 16)).zfill(18)[-18:]
        return key, f"{prefix}{digits}{stable_hex(typ, name, 'counter', length=8)}"
    return key, f"{name}-{stable_hex(typ, name, length=7)}"


class _Fields(dict):   # type: ignore[type-arg]
    """Placeholders of a format; one that is missing (an input not given or not yet known) is unknown."""

    def __missing__(self, key: str) -> str:
        return UNKNOWN


def _arn_fields(typ: str, name: str, inputs: dict[str, Any], phys_name: str, rid: str,
                account: str) -> _Fields:
    """The placeholders of `ARN_FORMATS` and `ID_IS` beyond region: the name, generated parts, and every
    input given as text (`in_<key>`), defaults of `INPUT_DEFAULTS` first."""
    h = stable_hex(typ, name, "arn", length=38)
    given = {**INPUT_DEFAULTS.get(typ.split(":", 1)[1], {}), **inputs}
    texts = {f"in_{k}": v for k, v in ((k, plain(v)) for k, v in given.items()) if isinstance(v, str)}
    function = texts.get("in_functionName", UNKNOWN)
    return _Fields(
        texts, name=phys_name, id=rid, bare_name=phys_name.lstrip("/"), account=account,
        guid=stable_uuid(typ, name, "arn"), ms=str(int(h[:10], 16))[:13].zfill(13), hex17=h[:17],
        hex32=stable_hex(typ, name, "arn32", length=32), lower6=h[:6], function=function.rsplit(":", 1)[-1],
        # Secrets Manager appends six random characters; MSK a cluster UUID and a revision.
        suffix=h[:6], uuid=f"{h[6:14]}-{h[14:18]}-{h[18:22]}-{h[22:26]}-{h[26:38]}-1")


def _id_of(mod_type: str, arn: str, fields: _Fields, rid: str) -> str:
    """The provider's id of a type `ID_IS` lists (what `pulumi import` takes), else `rid`."""
    kind = ID_IS.get(mod_type)
    if kind == "arn":
        return arn
    return kind.format_map(fields) if kind else rid


def _iam_resource(cls: str, inputs: dict[str, Any], phys_name: str) -> str:
    """The resource part of an IAM ARN: `role/<path>/<name>`, `saml-provider/<name>`, `oidc-provider/<url
    without scheme>` (the issuer a trust policy's conditions are keyed by), a service-linked role under
    `role/aws-service-role/<service>/`."""
    if cls == "OpenIdConnectProvider":
        url = plain(inputs.get("url"))
        return f"oidc-provider/{url.split('://', 1)[-1].rstrip('/')}" if isinstance(url, str) else UNKNOWN
    if cls == "ServiceLinkedRole":
        service, suffix = plain(inputs.get("awsServiceName")), plain(inputs.get("customSuffix"))
        if not isinstance(service, str) or service == UNKNOWN:
            return UNKNOWN
        role = f"AWSServiceRoleFor{service.split('.')[0].capitalize()}" + (f"_{suffix}" if suffix else "")
        return f"role/aws-service-role/{service}/{role}"
    path = plain(inputs.get("path"))
    path = path if isinstance(path, str) and path.startswith("/") and path.endswith("/") else "/"
    return f"{IAM_KINDS.get(cls, _kebab(cls))}{path}{phys_name}"


def _derived_arn(typ: str, name: str, mod_type: str, inputs: dict[str, Any], region: str, account: str,
                 phys_name: str) -> str | None:
    """ARNs that carry a generated id or the ARN of a resource they belong to (a listener's load balancer,
    a service's cluster); each is also the provider's id but for the web ACL (whose id is the UUID)."""
    elb = f"arn:aws:elasticloadbalancing:{region}:{account}"
    h = stable_hex(typ, name, "arn", length=32)
    _, _, cls = mod_type.partition(":")
    if cls == "LoadBalancer" and mod_type.split("/")[0] in ("lb", "alb"):
        kind = LB_KINDS.get(str(plain(inputs.get("loadBalancerType")) or "application"), UNKNOWN)
        return f"{elb}:loadbalancer/{kind}/{phys_name}/{h[:16]}"
    if cls == "TargetGroup":
        return f"{elb}:targetgroup/{phys_name}/{h[:16]}"
    parent = plain(inputs.get("loadBalancerArn" if cls == "Listener" else "listenerArn"))
    if cls in ("Listener", "ListenerRule"):   # `listener[-rule]/app/<lb>/<lb id>/<listener id>[/<rule id>]`
        path = parent.split(":", 5)[-1].split("/", 1)[-1] if isinstance(parent, str) else UNKNOWN
        return f"{elb}:{_kebab(cls)}/{path}/{h[:16]}" if UNKNOWN not in path else UNKNOWN
    if mod_type == "ecs/service:Service":   # `service/<cluster name>/<name>`; no cluster: `default`
        cluster = plain(inputs.get("cluster")) or "default"
        return UNKNOWN if cluster == UNKNOWN else \
            f"arn:aws:ecs:{region}:{account}:service/{str(cluster).rsplit('/', 1)[-1]}/{phys_name}"
    if mod_type == "wafv2/webAcl:WebAcl":   # CloudFront's are global, kept in us-east-1
        scope = "global" if plain(inputs.get("scope")) == "CLOUDFRONT" else "regional"
        return f"arn:aws:wafv2:{region}:{account}:{scope}/webacl/{phys_name}/{stable_uuid(typ, name)}"
    return None


def aws_outputs(typ: str, name: str, inputs: dict[str, Any], region: str | None, rid: str,
                account: str = ACCOUNT_ID) -> dict[str, Any]:
    """id, arn and generated names for a pulumi-aws resource in `account` (the one its provider pins)."""
    _, mod_path, cls = typ.split(":", 2)
    mod_type = f"{mod_path}:{cls}"
    module = mod_path.split("/")[0]
    region = region or "unknown-region"
    name_key, phys_name = _physical_name(typ, mod_type, name, inputs)
    out: dict[str, Any] = {"name": phys_name, name_key: phys_name}
    prefix = ID_PREFIX.get(mod_type)
    if prefix:
        rid = f"{prefix}-{stable_hex(typ, name, length=17)}"
    elif mod_type in GENERATED_ID:
        h = stable_hex(typ, name, "id", length=32)
        rid = GENERATED_ID[mod_type].format(h=h, H=h.upper(), region=region, guid=stable_uuid(typ, name),
                                            GUID=stable_uuid(typ, name).upper())
    elif mod_type == "route53/zone:Zone":   # `Z` and up to 20 upper-case letters and digits
        rid = f"Z{stable_hex(typ, name, length=20).upper()}"
        out["zoneId"] = rid
    elif module == "kms" and cls in _KMS_KEYS:
        rid = _kms_key_id(typ, name, cls, inputs)
    elif module == "s3" and "bucket" not in inputs and mod_type.lower().endswith("bucket:bucket"):
        rid = phys_name
        out["bucket"] = phys_name
    elif module in ("s3",) and isinstance(plain(inputs.get("bucket")), str):
        rid = plain(inputs["bucket"])
    elif module in NAMED_ID_MODULES or mod_type in NAMED_ID:
        rid = phys_name
    kind = _kebab(cls)
    if module == "s3":
        arn = f"arn:aws:s3:::{rid}"
    elif module == "iam":
        resource = _iam_resource(cls, inputs, phys_name)
        arn = UNKNOWN if resource == UNKNOWN else f"arn:aws:iam::{account}:{resource}"
        rid = arn if cls in IAM_ID_IS_ARN else rid
    elif module == "kms":
        # an alias's name holds its `alias/` (the ARN is `alias/<name>` once); a replica of an unknown primary
        # has no id yet
        alias = phys_name if phys_name.startswith("alias/") else f"alias/{phys_name}"
        part = alias if "alias" in kind else f"key/{rid}"
        arn = UNKNOWN if rid == UNKNOWN else f"arn:aws:kms:{region}:{account}:{part}"
    elif module in ("sns", "sqs"):
        arn = f"arn:aws:{module}:{region}:{account}:{phys_name}"
    elif module == "cloudwatch" and kind == "log-group":
        arn = f"arn:aws:logs:{region}:{account}:log-group:{phys_name}"
    elif (derived := _derived_arn(typ, name, mod_type, inputs, region, account, phys_name)) is not None:
        arn = derived
        rid = arn.rsplit("/", 1)[-1] if mod_type == "wafv2/webAcl:WebAcl" else arn
    elif mod_type in ARN_FORMATS:  # ARNs other resources name (relays: policies/core/destinations.py)
        fields = _arn_fields(typ, name, inputs, phys_name, rid, account)
        arn = ARN_FORMATS[mod_type].format_map(_Fields(fields, region=region))
        rid = _id_of(mod_type, arn, fields, rid)
        if UNKNOWN in arn:  # a table of a database not yet known: its ARN is not known either
            arn = UNKNOWN
    else:
        arn = f"arn:aws:{module}:{region}:{account}:{kind}/{rid}"
    bus = plain(inputs.get("eventBusName"))  # a rule on a custom bus (name or ARN): `rule/<bus>/<name>`
    if mod_type.endswith(":EventRule") and isinstance(bus, str) and bus not in ("default", UNKNOWN):
        arn = f"arn:aws:events:{region}:{account}:rule/{bus.rsplit('/', 1)[-1]}/{phys_name}"
    if isinstance(plain(inputs.get("arn")), str):  # an input `arn` (an event target's target) is echoed
        arn = plain(inputs["arn"])               # by the provider like every input, not generated
    out.update(id=rid, arn=arn)
    if mod_type in EXECUTION_ARN:  # an API's stages are invoked under it (`<executionArn>/<stage>/…`)
        out["executionArn"] = f"arn:aws:execute-api:{region}:{account}:{rid}"
    if mod_type == "cloudwatch/eventEndpoint:EventEndpoint":  # `<EndpointId>.endpoints.event.amazonaws.com`
        h = stable_hex(typ, name, length=8)
        out["endpointUrl"] = f"https://{h[:5]}.{h[5:]}.endpoints.event.amazonaws.com"
    if mod_type == "ecr/repository:Repository":   # read by deploy-time code (image references)
        out.update(repositoryUrl=f"{account}.dkr.ecr.{region}.amazonaws.com/{phys_name}",
                   registryId=account)
    if mod_type == "rds/instance:Instance":  # the id is the DBI resource id (provider v5+), not the name
        out["resourceId"] = rid
    if module == "ec2" or module == "rds":
        out.setdefault("ownerId", account)
    return out
