"""Grants a resource makes by its inputs rather than by a policy document (round 70).

A Lambda permission is no document: `action` and `principal` are inputs, and AddPermission writes the
statement into the function's policy itself. Its action is not only `lambda:InvokeFunction`: the API takes
`lambda:*`, `*` or any `lambda:<Action>` (botocore's model: `(lambda:[*]|lambda:[a-zA-Z]+|[*])`; "most API
actions that operate on an existing function", the Lambda guide says), so a permission may hand a role of the
account `lambda:UpdateFunctionConfiguration` or `PutFunctionEventInvokeConfig` without any identity policy,
as a resource policy document may (round 69). So each type of `pulumi_aws` whose grant is inputs is read as
the statement its service adds, and that statement is judged by the one reading every resource policy gets
(redirect_grants.py), not by a second one. The types whose inputs hand out no action of the account, or whose
grantees are accounts judged as outside parties, are decided below with why; the test over the SDK
(tests/policies/test_residency_r70.py) fails on a type with such inputs that neither table names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from policies.core.iam.statements import as_list
from policies.core.view import ResourceView, is_unknown


@dataclass(frozen=True)
class _Reading:
    """Where a type's grant is: its service prefix (for actions given without one, and for `*`, which on a
    resource of the service names that service's actions), the input holding the action or actions, the
    action when that input is absent, and the input naming the principal."""

    prefix: str
    actions: str
    default: str | None
    principal: str


# Each API's own constraint on the action, from botocore's models and the SDK's docstrings.
_READ: dict[str, _Reading] = {
    # any lambda:<Action>, lambda:* or *
    "aws:lambda/permission:Permission": _Reading("lambda", "action", None, "principal"),
    # lambda:GetLayerVersion only
    "aws:lambda/layerVersionPermission:LayerVersionPermission":
        _Reading("lambda", "action", None, "principal"),
    # events:[a-zA-Z]+, default events:PutEvents; a principal is an account or `*`
    "aws:cloudwatch/eventPermission:EventPermission":
        _Reading("events", "action", "events:PutEvents", "principal"),
    # Decrypt, Encrypt, GenerateDataKey…, CreateGrant, RetireGrant, DescribeKey, Sign, Verify…
    "aws:kms/grant:Grant": _Reading("kms", "operations", None, "granteePrincipal"),
    # StartSigningJob, GetSigningProfile, RevokeSignature, SignPayload
    "aws:signer/signingProfilePermission:SigningProfilePermission":
        _Reading("signer", "action", None, "principal"),
    # IssueCertificate, GetCertificate, ListPermissions, for acm.amazonaws.com only
    "aws:acmpca/permission:Permission": _Reading("acm-pca", "actions", None, "principal"),
}

_SHARED = ("shares with whole accounts, judged as outside parties (outside_parties.py, "
           "pia_other_accounts.py), who restore or copy it where they like; grants no action of the account")
_QUICKSIGHT = ("analysis", "dashboard", "dataSet", "dataSource", "folder", "template", "theme")
# Types with grant-like inputs that hand no action of the account to a principal (each with why).
DECIDED: dict[str, str] = {
    **dict.fromkeys((
        "aws:ec2/snapshotCreateVolumePermission:SnapshotCreateVolumePermission",
        "aws:ec2/amiLaunchPermission:AmiLaunchPermission", "aws:rds/snapshot:Snapshot",
        "aws:rds/clusterSnapshot:ClusterSnapshot", "aws:rds/snapshotCopy:SnapshotCopy",
        "aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy",
        "aws:ram/principalAssociation:PrincipalAssociation",
        "aws:ram/resourceShareAssociationsExclusive:ResourceShareAssociationsExclusive",
        "aws:ssm/document:Document"), _SHARED),
    **dict.fromkeys((
        "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:s3/bucketAcl:BucketAcl",
        "aws:s3/bucketAclV2:BucketAclV2", "aws:s3/objectCopy:ObjectCopy"),
        "an ACL's READ, WRITE, READ_ACP, WRITE_ACP and FULL_CONTROL read or write the bucket's objects "
        "and ACL: data into the bucket its name says, no other place; who reads is the PIA's"),
    "aws:s3control/accessGrant:AccessGrant": "READ, WRITE or READWRITE on the objects of the grant's "
    "location, through s3:GetObject and PutObject on it: judged as that location",
    **dict.fromkeys(("aws:lakeformation/permissions:Permissions", "aws:lakeformation/optIn:OptIn"),
                    "Lake Formation's grants apply on top of the principal's IAM permissions, which must "
                    "allow the call too and are judged; a grantee of another account is an outside party"),
    **dict.fromkeys(("aws:ec2/vpcEndpointService:VpcEndpointService",
                     "aws:ec2/vpcEndpointServiceAllowedPrinciple:VpcEndpointServiceAllowedPrinciple",
                     "aws:globalaccelerator/crossAccountAttachment:CrossAccountAttachment"),
                    "lets principals connect to the stack's service or use its endpoints: requests come in"),
    "aws:ec2/networkInterfacePermission:NetworkInterfacePermission": "another account attaches the "
    "interface to its instance: an outside party (pia_other_accounts.py), no action granted",
    **dict.fromkeys(("aws:eks/accessEntry:AccessEntry",
                     "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"),
                    "Kubernetes access to the cluster: the pack reads no workload a cluster runs, as no "
                    "function's code (round 65); the PIA's access rights"),
    **dict.fromkeys((f"aws:quicksight/{t}:{t[0].upper()}{t[1:]}" for t in _QUICKSIGHT),
                    "QuickSight users' rights on one asset, QuickSight's own authorisation: a data source's "
                    "connection is read from; a data set, analysis, dashboard, folder, template or theme "
                    "names no place data goes"),
    **dict.fromkeys(("aws:quicksight/roleCustomPermission:RoleCustomPermission",
                     "aws:quicksight/userCustomPermission:UserCustomPermission"),
                    "a QuickSight custom permissions profile restricts what a role or user may do"),
    "aws:ram/permission:Permission": "the actions a resource share's principals may take on its "
    "resources: whole accounts or an organisation, judged as outside parties where they are associated",
    "aws:licensemanager/licenseGrant:LicenseGrant": "license operations (check out, extend): no data",
    "aws:servicecatalog/principalPortfolioAssociation:PrincipalPortfolioAssociation": "launching the "
    "portfolio's products, with the launch role's grants, which are judged",
    "aws:cloud9/environmentMembership:EnvironmentMembership": "a member of an IDE environment (read-only "
    "or read-write on its files): code, which the pack does not read",
    "aws:connect/securityProfile:SecurityProfile": "an Amazon Connect agent's permissions in the "
    "instance's console, not AWS actions",
    "aws:datazone/policyGrant:PolicyGrant": "DataZone's own authorisation in a domain (projects, "
    "glossaries); data reaches a project through subscriptions to the stack's assets",
    "aws:iot/thingPrincipalAttachment:ThingPrincipalAttachment": "a certificate attached to a thing: "
    "what it may publish is its IoT policy's",
    "aws:ecr/pullTimeUpdateExclusion:PullTimeUpdateExclusion": "a principal whose pulls do not update an "
    "image's last-pulled time: grants nothing",
}

_ACCOUNT = re.compile(r"\d{12}")


def input_statements(r: ResourceView) -> list[tuple[str, dict[str, Any]]]:
    """(where, statement) of the grant a resource of a `_READ` type makes by its inputs, as its service adds
    it to the resource's policy; an unknown action reads as every action of the service, an unknown principal
    as anyone (closed world). Without its action or principal, both required, the provider creates nothing."""
    how = _READ.get(r.type)
    given = r.input(how.actions, how.default) if how else None
    if how is None or given is None or r.input(how.principal) is None:
        return []
    unknown = is_unknown(given) or not given or any(not isinstance(a, str) for a in as_list(given))
    actions = [f"{how.prefix}:*"] if unknown else [_action(how.prefix, a) for a in as_list(given)]
    stmt = {"Effect": "Allow", "Principal": _principal(r.input(how.principal)), "Action": actions,
            "Resource": "*"}
    where = f"`{how.actions}` for `{how.principal}` (the statement the {how.prefix} API adds to its policy)"
    return [(where, stmt)]


def _action(prefix: str, action: str) -> str:
    """`*` on a resource of the service names the service's actions; an operation without a prefix is one."""
    if action == "*":
        return f"{prefix}:*"
    return action if ":" in action else f"{prefix}:{action}"


def _principal(value: Any) -> Any:
    """The principal as the service writes it: an account as its root, a service by name, an ARN as given."""
    if is_unknown(value) or not isinstance(value, str) or value == "*":
        return "*"
    if _ACCOUNT.fullmatch(value):
        return {"AWS": f"arn:aws:iam::{value}:root"}
    return {"AWS": value} if value.startswith("arn:") else {"Service": value}
