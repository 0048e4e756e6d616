"""Round-24 blind probe classes (docs/pia-conditions.md, round 24): directory roles the gate does not know
held permanently, EKS log groups named from the cluster, service principals reading data for any account,
Flex Consumption deployment storage signing in with a key, and Kubernetes rights for principals outside the
stack. One failing mutation per message, exact text."""

from ruletest import KEY, TAGS, base, doc, res, run, with_

from policies.core.view import UNKNOWN, unknown_message

AWS = base("aws")
AZURE = base("azure")
MFA = "require-admin-mfa"
PUB = "disallow-public-data-access"
RET = "require-audit-log-retention"
ENTRA = "require-entra-only-authentication"


def _of(found, name):
    return [m for n, m in found if n == name]


# ------------------------------------------------------------------ directory roles the gate does not know


def _grant(role_id):
    inputs = {"roleId": role_id, "principalObjectId": "c7", "directoryScopeId": "/"}
    return with_(AZURE, res("grant", "azuread:index/directoryRoleAssignment:DirectoryRoleAssignment", inputs))


def test_unknown_directory_role_held_permanently_blocks():
    assert _of(run(MFA, _grant("f2ef992c-3afb-46b9-b7cf-a126ee74c451")), "grant") == []  # Global Reader
    role = "7c1f9a52-3e4d-4b8a-9f21-6d0e5c3b2a17"
    assert _of(run(MFA, _grant(role)), "grant") == [
        f"a permanent DirectoryRoleAssignment holds the directory role {role}, which is neither a built-in "
        "role the gate knows nor a CustomDirectoryRole of this stack, so what it may change cannot be "
        "judged; declare the custom role in this stack (or feed the template from a DirectoryRole) or make "
        "the grant PIM-eligible"
    ]


# ------------------------------------------------------------------ EKS log group named from the cluster


def _fed_group(days):
    cluster = res(
        "eks",
        "aws:eks/cluster:Cluster",
        {"roleArn": "arn:aws:iam::111122223333:role/eks", "enabledClusterLogTypes": ["audit"], "tags": TAGS},
        protect=True,
    )
    inputs = {"retentionInDays": days, "kmsKeyId": KEY, "tags": TAGS}
    group = res("eks-logs", "aws:cloudwatch/logGroup:LogGroup", inputs, protect=True, refs={"name": "eks"})
    return with_(AWS, cluster, group)


def test_eks_log_group_named_from_the_cluster_keeps_ten_years():
    assert _of(run(RET, _fed_group(3653)), "eks-logs") == []
    assert _of(run(RET, _fed_group(30)), "eks-logs") == [
        "the log group named from the cluster eks holds the EKS control plane's audit log and keeps 30 days; "
        "keep it at least 3650 days (or leave retentionInDays unset: never expire)"
    ]


# ------------------------------------------------------------------ service principals reading for anyone


def _assets(condition):
    stmt = {
        "Sid": "OAC",
        "Effect": "Allow",
        "Principal": {"Service": "cloudfront.amazonaws.com"},
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::corpus-audit/*",
    }
    if condition:
        stmt["Condition"] = {"StringEquals": {"AWS:SourceArn": condition}}
    policy = res(
        "assets-policy",
        "aws:s3/bucketPolicy:BucketPolicy",
        {"bucket": "corpus-audit", "policy": doc(stmt)},
        refs={"bucket": "audit"},
    )
    return with_(AWS, policy)


def test_service_principal_reads_only_for_the_stack():
    own = "arn:aws:cloudfront::111122223333:distribution/E1"
    assert _of(run(PUB, _assets(own)), "assets-policy") == []
    assert _of(run(PUB, _assets(None)), "assets-policy") == [
        "`policy` statement OAC lets cloudfront.amazonaws.com read the data with no condition naming the "
        "source: that service acts for every account, so any account's resource of it (a CloudFront "
        "distribution, a job) reaches the data; pin `aws:SourceArn` or `aws:SourceAccount` to the stack's"
    ]


# ------------------------------------------------------------------ Flex Consumption deployment storage


def _flex(auth):
    storage = {"type": "blobContainer", "value": "https://stcorpus.blob.core.windows.net/deploy"}
    if auth is not None:
        storage["authentication"] = {"type": auth}
    inputs = {
        "resourceGroupName": "rg-corpus",
        "name": "func",
        "kind": "functionapp,linux",
        "functionAppConfig": {"deployment": {"storage": storage}},
    }
    ref = {"name": "func"}
    return with_(
        AZURE,
        res("func", "azure-native:web:WebApp", inputs, protect=True),
        *(
            res(n, f"azure-native:web:WebApp{n.title()}Allowed", {"name": "func", "allow": False}, refs=ref)
            for n in ("ftp", "scm")
        ),
    )


def test_flex_deployment_storage_signs_in_with_an_identity():
    assert _of(run(ENTRA, _flex("UserAssignedIdentity")), "func") == []
    fld = "functionAppConfig.deployment.storage.authentication.type"
    assert _of(run(ENTRA, _flex("StorageAccountConnectionString")), "func") == [
        "the deployment storage signs in with StorageAccountConnectionString, not an identity: a storage "
        f"account key bypasses Entra ID; set `{fld}` to SystemAssignedIdentity or UserAssignedIdentity"
    ]
    assert _of(run(ENTRA, _flex(UNKNOWN)), "func") == [unknown_message(fld, "how it signs in")]


# ------------------------------------------------------------------ Kubernetes rights outside the stack


def _entry(principal, kind="STANDARD", fed=False):
    inputs = {"clusterName": "dossiers", "principalArn": principal, "type": kind}
    refs = {"principalArn": "app"} if fed else {}
    return with_(AWS, res("entry", "aws:eks/accessEntry:AccessEntry", inputs, refs=refs))


def test_eks_access_goes_to_roles_of_the_stack():
    assert _of(run(MFA, _entry(UNKNOWN, fed=True)), "entry") == []  # fed from the stack's role
    assert _of(run(MFA, _entry("arn:aws:iam::111122223333:role/app")), "entry") == []  # its name
    nodes = "arn:aws:iam::111122223333:role/nodes"
    assert _of(run(MFA, _entry(nodes, kind="EC2_LINUX")), "entry") == []
    assert _of(run(MFA, _entry(nodes)), "entry") == [
        f"`principalArn` {nodes} is no role of this stack: it gets Kubernetes rights (an admin policy reads "
        "every secret) while whether it signs in with MFA cannot be judged; grant them to a role of this "
        "stack that people assume with MFA"
    ]
    assert _of(run(MFA, _entry(UNKNOWN)), "entry") == [
        unknown_message("principalArn", "who gets Kubernetes rights")
    ]
