"""Read grants to another party: access that copies nothing in the program, yet lets the grantee read the
data from wherever it runs. A Lake Formation permission or a RAM share to another account, a resource policy
of a data store allowing another account to read, an Azure Lighthouse delegation or a Key Vault access policy
for another tenant. Judged like the copy grants of policies/core/outside_parties.py: the stack's own account
(pinned by the provider's allowedAccountIds) passes, another account or tenant must be declared with its
region in the endpoints record.

Writes into the stack's stores by another account (a log archive receiving objects) bring data in: a policy
statement that allows only writing grants nothing here. `Principal: *` without a condition (public access)
is access control, judged by pia-conditions; narrowed by `aws:PrincipalAccount` it grants those accounts, by
`aws:PrincipalOrgID`/`aws:PrincipalOrgPaths` every account of an organisation (round 20), which blocks; by
conditions that name no account (a negation, a key without the account) every other account (round 75:
policies/core/caller_conditions.py, which reads a service principal's grant too).

Round 74: a KMS key policy is such a policy. Round 17 left a principal ARN of another account in it to
pia-conditions as access control, yet the key is what the stack's stores are encrypted under: an account that
may decrypt with it reads whatever ciphertext of the stack it obtains (a shared snapshot, a replicated object,
an export it is handed), from wherever it runs, as round 35 decided for a KMS grant to another account.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from policies.core.accounts import account_of
from policies.core.caller_conditions import grant_grantees, narrowed
from policies.core.documents import json_doc, yaml_doc
from policies.core.iam.catalogue import all_actions, expand
from policies.core.iam.statements import as_list, principals
from policies.core.pia_key_material import KEY_POLICY_TYPES
from policies.core.policy_text import (
    STATEMENT_KEY,
    by_contract,
    decoded,
    embedded_docs,
    literal_principals,
    may_hold,
)
from policies.core.runtime_grants import SSM_VALUE, may_call, runtime_grants
from policies.core.script_grants import python_docs
from policies.core.view import ResourceView, get_path, is_unknown

# type -> inputs naming the grantee directly (an account id, an IAM or Organizations ARN)
PRINCIPAL_INPUTS: dict[str, str] = {
    "aws:lakeformation/permissions:Permissions": "principal",
    "aws:ram/principalAssociation:PrincipalAssociation": "principal",
    "aws:s3control/accessGrant:AccessGrant": "grantee.granteeIdentifier",  # IAM type; a directory user is not
}
# OpenSearch Serverless data access policies: a list of rule sets, each with its `Principal` list.
_AOSS_ACCESS = "aws:opensearch/serverlessAccessPolicy:ServerlessAccessPolicy"
# Key policies (round 74): the key, its stand-alone policy, replicas and external keys.
KEY_POLICY_INPUTS = dict.fromkeys(KEY_POLICY_TYPES, "policy")
# Resource policies of data stores, standalone or inline: type -> the input holding the policy document.
POLICY_INPUTS: dict[str, str] = {
    **KEY_POLICY_INPUTS,
    **dict.fromkeys((
        "aws:s3/bucketPolicy:BucketPolicy", "aws:s3control/bucketPolicy:BucketPolicy",
        "aws:s3control/accessPointPolicy:AccessPointPolicy", "aws:glue/resourcePolicy:ResourcePolicy",
        "aws:dynamodb/resourcePolicy:ResourcePolicy", "aws:kinesis/resourcePolicy:ResourcePolicy",
        "aws:secretsmanager/secretPolicy:SecretPolicy", "aws:sqs/queuePolicy:QueuePolicy",
        "aws:sns/topicPolicy:TopicPolicy", "aws:backup/vaultPolicy:VaultPolicy",
        "aws:efs/fileSystemPolicy:FileSystemPolicy", "aws:redshift/resourcePolicy:ResourcePolicy",
        "aws:msk/clusterPolicy:ClusterPolicy", "aws:dsql/clusterPolicy:ClusterPolicy",
        "aws:s3/bucket:Bucket", "aws:sqs/queue:Queue", "aws:sns/topic:Topic",
        "aws:secretsmanager/secret:Secret"), "policy"),
    "aws:s3control/accessGrantsInstanceResourcePolicy:AccessGrantsInstanceResourcePolicy": "policy",
    "aws:s3tables/tableBucketPolicy:TableBucketPolicy": "resourcePolicy",
    "aws:s3tables/tablePolicy:TablePolicy": "resourcePolicy",
    "aws:opensearch/domainPolicy:DomainPolicy": "accessPolicies",
    "aws:elasticsearch/domainPolicy:DomainPolicy": "accessPolicies",
}
# The KMS actions that hand out the plaintext (Decrypt; ReEncryptFrom decrypts inside KMS for a key of the
# caller's choosing; DeriveSharedSecret with the key's private half) or the power to hand it out to anyone
# (CreateGrant, PutKeyPolicy, ReplicateKey: a replica in any region). Every other action of the catalogue
# encrypts (data coming in), signs, describes or runs the key's life cycle. A pattern reads when it matches
# one of these; an action the catalogue does not know reads, since what it does cannot be told.
_KEY_READS = frozenset({
    "kms:decrypt", "kms:reencryptfrom", "kms:derivesharedsecret", "kms:creategrant", "kms:putkeypolicy",
    "kms:replicatekey"})
# Round 77: types whose resource policies let no one read stored data of the stack. Images and packages are
# code others pull (an image reference is not scanned either); a private CA issues certificates, a firewall
# policy is configuration; an endpoint policy, SCP or RCP is a ceiling that grants nothing.
NOT_READ = frozenset({
    "aws:ecr/repositoryPolicy:RepositoryPolicy", "aws:ecr/registryPolicy:RegistryPolicy",
    "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate",
    "aws:ecrpublic/repositoryPolicy:RepositoryPolicy", "aws:codeartifact/domainPermissions:DomainPermissions",
    "aws:codeartifact/repositoryPermissionsPolicy:RepositoryPermissionsPolicy",
    "aws:acmpca/policy:Policy", "aws:networkfirewall/resourcePolicy:ResourcePolicy",
    "aws:ec2/vpcEndpoint:VpcEndpoint", "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy",
    "aws:organizations/policy:Policy"})
# API front doors: their policy says who may call the API, which returns what its integration reads. Another
# account named as a caller is read as a Lambda permission to it is (round 29), and `*` by the accounts its
# conditions name; `*` bounded to no account leaves the API open (a public or address-bound API is access
# control, pia-conditions', as public access is).
FRONT_DOORS = frozenset({
    "aws:apigateway/restApi:RestApi", "aws:apigateway/restApiPolicy:RestApiPolicy",
    "aws:vpclattice/authPolicy:AuthPolicy", "aws:vpclattice/resourcePolicy:ResourcePolicy",
    "aws:bedrock/agentcoreResourcePolicy:AgentcoreResourcePolicy"})
_ROLE = "aws:iam/role:Role"
LIGHTHOUSE = "azure-native:managedservices:RegistrationDefinition"
KEY_VAULT = "azure-native:keyvault:Vault"
# A Synapse workspace's managed private endpoints may reach stores of the tenants it allows for linking (round
# 21): its pipelines copy data into them, whatever exfiltration protection says of other tenants.
SYNAPSE = "azure-native:synapse:Workspace"
_LINKED_TENANTS = "managedVirtualNetworkSettings.allowedAadTenantIdsForLinking"
# A storage account's data share (round 54) lets each access policy's managed identity read its assets, in the
# identity's tenant: the one the provider pins, or another that must be declared.
DATA_SHARE = "azure-native:storage:DataShare"
GRANT_TYPES = frozenset(PRINCIPAL_INPUTS) | frozenset(POLICY_INPUTS) | {
    LIGHTHOUSE, KEY_VAULT, _AOSS_ACCESS, SYNAPSE, DATA_SHARE}
# Verbs that only bring data in (CopyIntoBackupVault too) or change settings, and reads of a container's
# configuration (a replication source checks the destination bucket's versioning); any other action
# (GetObject, Receive*, Subscribe, `*`) reads the data.
_NOT_DATA = re.compile(
    r"^(put|send|publish|write|append|upload|ingest|create|update|delete|tag|untag|abort|replicate|"
    r"objectowneroverride|copyinto|getbucket|getencryption|getqueue|gettopic|getaccesspoint|describe)", re.I)
# Round 78: writes that hand back stored data. An S3 Express `CreateSession` returns the session that reads a
# directory bucket's objects (S3 user guide, "Example bucket policies for directory buckets"); a DynamoDB item
# write or condition check returns the item as it was (`ReturnValues ALL_OLD`, `UPDATED_OLD`,
# `ReturnValuesOnConditionCheckFailure`: DynamoDB API reference, PutItem/UpdateItem/DeleteItem).
_WRITES_THAT_READ = frozenset({
    "s3express:createsession", "dynamodb:putitem", "dynamodb:updateitem", "dynamodb:deleteitem",
    "dynamodb:conditioncheckitem", "dynamodb:partiqlinsert", "dynamodb:partiqlupdate",
    "dynamodb:partiqldelete"})
_POLICY_KEY = re.compile(r"(?i:.*polic(?:y|ies)(?:document|text)?)")
Found = tuple[str, str, str]


def _grantee(value: object, own: str | None) -> tuple[str, str] | None:
    """(kind, value) of one principal: another account, an Organizations ARN, or an unknown value."""
    if not isinstance(value, str) or is_unknown(value):
        return ("unknown", "")
    account = account_of(value)
    if account is not None:
        return None if account == own else ("grantee", account)
    if value.startswith("arn:aws:organizations:"):
        return ("grantee", value)
    return None  # a service principal, IAM_ALLOWED_PRINCIPALS, a QuickSight/SAML ARN (scanned as an ARN)


def _reads(stmt: dict[str, Any]) -> bool:
    if "NotAction" in stmt:
        return True
    return any(not _NOT_DATA.match(a.split(":", 1)[-1]) or expand(a) & _WRITES_THAT_READ
               for a in map(str, as_list(stmt.get("Action"))))


def _key_reads(stmt: dict[str, Any]) -> bool:
    if "NotAction" in stmt:
        return True
    actions = [str(a) for a in as_list(stmt.get("Action"))]
    return any(expand(a) & _KEY_READS or ("*" not in a and "?" not in a and a.lower() not in all_actions())
               for a in actions)


def _policy_grants(doc: Any, key: str, own: str | None,
                   reads: Callable[[dict[str, Any]], bool] = _reads, open_calls: bool = False) -> list[Found]:
    if isinstance(doc, str):
        try:
            doc = json.loads(doc)
        except ValueError:
            return []  # not JSON: the scanner reads it as text
    out: list[Found] = []
    for i, s in enumerate(as_list(get_path(doc, "Statement"))):
        if not isinstance(s, dict) or s.get("Effect") != "Allow" or not reads(s):
            continue
        for who in principals(s).get("AWS", ()):
            found = _grantee(who, own)
            if found is not None:
                out.append((f"{key}.Statement.{i}.Principal", *found))
        who = principals(s)
        where, judge = f"{key}.Statement.{i}.Condition", lambda account: _grantee(account, own)
        if "*" in who or "Service" in who:
            out += narrowed(s.get("Condition"), where, judge, service="*" not in who, open_calls=open_calls)
        elif "AWS" in who:
            out += grant_grantees(s.get("Condition"), where, judge)
    return out


def _rule_sets(doc: Any, own: str | None) -> list[Found]:
    if isinstance(doc, str) and not is_unknown(doc):
        try:
            doc = json.loads(doc)
        except ValueError:
            return []
    out: list[Found] = []
    for i, rules in enumerate(doc if isinstance(doc, list) else ()):
        for who in as_list(get_path(rules, "Principal")):
            found = _grantee(who, own)
            if found is not None:
                out.append((f"policy.{i}.Principal", *found))
    return out


def _tenants(view: ResourceView) -> list[Found]:
    if view.type == LIGHTHOUSE:
        tenant = view.get("properties.managedByTenantId")
        return [("properties.managedByTenantId", *_tenant(tenant))]
    if view.type == SYNAPSE:
        tenants = view.get(_LINKED_TENANTS)
        if tenants is None or isinstance(tenants, list):
            return [(f"{_LINKED_TENANTS}.{i}", *_tenant(t)) for i, t in enumerate(tenants or ())]
        return [(_LINKED_TENANTS, "unknown", "")]
    if view.type == DATA_SHARE:
        return _share_tenants(view)
    own = view.get("properties.tenantId")
    out: list[Found] = []
    for i, p in enumerate(view.get("properties.accessPolicies") or ()):
        tenant = get_path(p, "tenantId")
        if tenant != own:
            out.append((f"properties.accessPolicies.{i}.tenantId", *_tenant(tenant)))
    return out


def _share_tenants(view: ResourceView) -> list[Found]:
    """A data share's grantee tenants other than the one the provider pins (none pinned: each blocks); in
    the pinned tenant, its grantee principals (round 55): a managed identity of the stack, resolved by its
    recorded principal id (an unknown one by its dependencies), since a vendor's multi-tenant application
    or a guest of the own tenant reads the assets from wherever it runs."""
    own = view.provider.inputs.get("tenantId") if view.provider is not None else None
    out: list[Found] = []
    for i, p in enumerate(view.get("properties.accessPolicies") or ()):
        base = f"properties.accessPolicies.{i}"
        tenant, at, who = get_path(p, "tenantId"), f"{base}.tenantId", get_path(p, "principalId")
        if isinstance(own, str) and isinstance(tenant, str) and tenant.strip().lower() == own.strip().lower():
            known = isinstance(who, str) and not is_unknown(who)
            out.append((f"{base}.principalId", "guid", who.strip().lower()) if known else
                       (f"{base}.principalId", "unknown", ""))
            continue
        if isinstance(own, str) or not isinstance(tenant, str) or is_unknown(tenant):
            out.append((at, *_tenant(tenant)))
        else:
            out.append((at, "site", f"a data share lets the managed identities of tenant {tenant!r} read "
                        "its assets, and the provider pins no tenant (`azure-native:tenantId`) to tell "
                        "whether it is the stack's own; pin the tenant, or declare this one with its "
                        "jurisdiction"))
    return out


def principal_problem(path: str, principal: str) -> str:
    """Why a data share's grantee in the own tenant blocks: no managed identity of the stack has that id."""
    return (f"`{path}` shares the assets with principal {principal!r} of the stack's tenant, which is no "
            "managed identity of this stack (matched by its recorded principal id): a multi-tenant "
            "application's service principal or a guest reads them from wherever its owner runs it; grant a "
            "user-assigned or system-assigned identity the stack creates")


def _tenant(tenant: object) -> tuple[str, str]:
    if not isinstance(tenant, str) or is_unknown(tenant):
        return ("unknown", "")
    return ("azure-id", f"/tenants/{tenant.lower()}")  # judged as a tenant (declared by azureIds)


def _statement_doc(value: Any) -> dict[str, Any] | None:
    """A resource policy document held by an input: a JSON object (or its text) with a `Statement` of which
    some statement names a `Principal` or `NotPrincipal` (an identity policy names none and grants nothing
    here)."""
    if isinstance(value, str):  # parsed only when it may name one (a key may be spelt with JSON escapes)
        maybe = ("Principal" in value or "\\u" in value) and not is_unknown(value)
        value = json_doc(value) if maybe else None
    stmts = as_list(get_path(value, "Statement")) if isinstance(value, dict) else []
    named = any(isinstance(s, dict) and ("Principal" in s or "NotPrincipal" in s) for s in stmts)
    return value if named else None


def _nested_docs(value: Any, key: str) -> list[tuple[str, dict[str, Any] | None]]:
    """Round 78: (path, document) of every resource policy below an input's top level, in nested fields and in
    JSON or YAML text inside them (a Step Functions task's, a Scheduler target's or an SSM runbook's
    `PutBucketPolicy` `Policy`, put at run time). Text is parsed only when it may name a principal; text that
    holds a statement's keys yet parses as neither (a `States.Format` template) is (path, None). Iterative,
    paths joined only on a hit: it walks every input of every AWS resource."""
    out: list[tuple[str, dict[str, Any] | None]] = []
    todo: list[tuple[Any, tuple[Any, ...]]] = [(value, (key,))]
    while todo:
        value, at = todo.pop()
        if isinstance(value, str):
            if not (may_hold(value) or by_contract(at[-1])) or is_unknown(value) or len(at) > 12:
                continue
            text, value = value, json_doc(value)
            if value is None and "\n" in text:
                value = yaml_doc(text)
            if not isinstance(value, dict | list):  # round 79: encoded, or inside a script
                plain = decoded(text, at[-1])
                docs, left = ([], False) if plain or not STATEMENT_KEY.search(text) else embedded_docs(text)
                if left and (python := python_docs(text)) is not None:  # round 80: a Python dict literal
                    docs, left = python
                todo += [(v, (*at, "(decoded)")) for v in plain] + [(d, (*at, "(text)")) for d in docs]
                if left:
                    out.append((".".join(map(str, at)), None))
                continue
        if isinstance(value, dict):
            doc = _statement_doc(value) if len(at) > 1 and "Statement" in value else None
            if doc is not None:  # round 79: a placeholder principal is filled in when the code runs
                out.append((".".join(map(str, at)), doc if literal_principals(doc) else None))
                continue
            later = [k for k, v in value.items() if _filled_later(k, v)]
            out += [(".".join(map(str, (*at, k))), None) for k in later]
            todo += [(v, (*at, k)) for k, v in value.items()
                     if isinstance(v, str | dict | list) and k not in later]
        elif isinstance(value, list):
            todo += [(v, (*at, i)) for i, v in enumerate(value) if isinstance(v, str | dict | list)]
    return out


def _filled_later(key: object, value: object) -> bool:
    """A policy field filled in at run time: a Step Functions path or intrinsic (`Policy.$`), a JSONata
    expression or a runbook parameter (`{% … %}`, `{{ … }}`)."""
    if not isinstance(key, str) or not _POLICY_KEY.fullmatch(key.removesuffix(".$")):
        return False
    if isinstance(value, str) and SSM_VALUE.match(value):
        return False  # round 80: a runbook's Parameter Store value, judged in the store (runtime_grants.py)
    return key.endswith(".$") or (isinstance(value, str) and value.strip().startswith(("{{", "{%")))


def _unread(path: str) -> Found:
    return (path, "site", "the policy here is filled in at run time (a `.$` path, States.Format, JSONata, a "
            "runbook parameter), is text holding a statement's `Statement` and `Principal` that is no JSON "
            "or YAML document, or names a principal by a placeholder (round 79): whom it lets read cannot "
            "be told; write the policy out as a JSON document naming the stack's own or a declared account")


def other_policy_grants(view: ResourceView, own: str | None) -> list[Found]:
    """Round 77, closed world: the parties a resource policy held by any input of an AWS type outside
    POLICY_INPUTS lets read (an OpenSearch domain's `accessPolicies`, an access point's `policy`, an S3
    Vectors, MediaStore, Prometheus or CloudSearch policy, a type a later SDK adds; round 78: one nested below
    the top level), read as those are, but for the types of NOT_READ. A role's trust policy lets its
    principals act as the role, which reads what the role reads: there only a `*` statement is read here (a
    named account is `_trusted`'s in outside_parties.py, a federated one trust_parties.py's; a service assumes
    a role only when its own account passes it)."""
    if not view.type.startswith("aws:") or view.type in NOT_READ:
        return []
    out: list[Found] = []
    for key, value in view.inputs.items():
        doc = _statement_doc(value)
        if doc is None:
            text = value if isinstance(value, str) else repr(value)  # repr: one C pass, not a Python walk
            if may_call(text):  # round 79: grants an SDK call makes from the run, under any key
                seen = {f[0] for f in out}
                out += [f for f in runtime_grants(key, value) if f[0] not in seen]
            if not isinstance(value, str) and not may_hold(text) and "serData" not in text:
                continue  # nothing below can hold a policy
            found = [f for at, nested in _nested_docs(value, key)
                     for f in ([_unread(at)] if nested is None else
                               _policy_grants(nested, at, own, open_calls=view.type in FRONT_DOORS))]
            seen = {f[0] for f in found}
            out = [f for f in out if f[0] not in seen] + found
        elif view.type == _ROLE:
            out += [f for i, s in enumerate(as_list(doc.get("Statement")))
                    if isinstance(s, dict) and s.get("Effect") == "Allow" and "*" in principals(s)
                    for f in narrowed(s.get("Condition"), f"{key}.Statement.{i}.Condition",
                                      lambda account: _grantee(account, own))]
        else:
            out += _policy_grants(doc, key, own, open_calls=view.type in FRONT_DOORS)
    return out


def read_grants(view: ResourceView, own: str | None) -> list[Found]:
    """The parties a resource of GRANT_TYPES lets read its data (`own`: the stack's pinned account)."""
    t = view.type
    if t in PRINCIPAL_INPUTS:
        key = PRINCIPAL_INPUTS[t]
        found = _grantee(view.get(key), own)
        return [] if found is None else [(key, *found)]
    if t == _AOSS_ACCESS:
        return _rule_sets(view.input("policy"), own)
    if t in POLICY_INPUTS:
        key = POLICY_INPUTS[t]
        doc = view.input(key)
        reads = _key_reads if t in KEY_POLICY_INPUTS else _reads
        # an unknown document is judged by provenance
        return [] if is_unknown(doc) else _policy_grants(doc, key, own, reads)
    return _tenants(view)
