"""Round-18 stores judged only by the closed world before (docs/pia-conditions.md, round 18): SageMaker
notebooks and Studio domains, EMR clusters and security configurations, Redis Enterprise, Managed Instance
for Apache Cassandra. One failing mutation per message, exact text."""

import copy
import json

from ruletest import KEY, TAGS, base, res, run, with_

from policies.core.view import UNKNOWN, unknown_message

AWS = base("aws")
AZURE = base("azure")
PUBLIC = "disallow-public-data-access"
CMK = "require-customer-managed-keys"
ENTRA = "require-entra-only-authentication"


TLS = "require-tls-1-2"
EMR_CONF = {
    "EncryptionConfiguration": {
        "EnableInTransitEncryption": True,
        "EnableAtRestEncryption": True,
        "AtRestEncryptionConfiguration": {
            "S3EncryptionConfiguration": {"EncryptionMode": "SSE-KMS", "AwsKmsKey": KEY},
            "LocalDiskEncryptionConfiguration": {
                "EncryptionKeyProviderType": "AwsKms",
                "AwsKmsKey": KEY,
                "EnableEbsEncryption": True,
            },
        },
    }
}


def _emr(conf=None, name="dossier-emr", fed=True):
    out = []
    if conf is not None:
        text = conf if isinstance(conf, str) or conf is UNKNOWN else json.dumps(conf)
        out.append(
            res(
                "emr-sec",
                "aws:emr/securityConfiguration:SecurityConfiguration",
                {"name": "dossier-emr", "configuration": text},
            )
        )
    inputs = {"name": "analytics", "releaseLabel": "emr-7.2.0", "tags": TAGS}
    if name is not None:
        inputs["securityConfiguration"] = name
    refs = {"refs": {"securityConfiguration": "emr-sec"}} if fed and conf is not None else {}
    out.append(res("emr", "aws:emr/cluster:Cluster", copy.deepcopy(inputs), protect=True, **refs))
    return with_(AWS, *out)


def _conf(**at_rest):
    conf = copy.deepcopy(EMR_CONF)
    rest = conf["EncryptionConfiguration"]["AtRestEncryptionConfiguration"]
    for k, v in at_rest.items():
        rest[k] = {**rest[k], **v}
    return conf


def test_an_emr_cluster_is_encrypted_by_a_security_configuration_of_the_stack():
    assert run(CMK, _emr(EMR_CONF)) == [] and run(CMK, _emr(EMR_CONF, fed=False)) == []
    assert run(CMK, _emr(name=None)) == [
        (
            "emr",
            "no `securityConfiguration`: local disks, EBS volumes and EMRFS writes are not encrypted with a "
            "customer-managed key and nodes talk in clear; name a security configuration of the stack",
        )
    ]
    assert run(CMK, _emr(name="by-hand")) == [
        (
            "emr",
            "`securityConfiguration` 'by-hand' is not a security configuration of this stack, so its "
            "encryption cannot be judged; declare it (emr.SecurityConfiguration) and pass its name",
        )
    ]
    assert run(CMK, _emr(name=UNKNOWN)) == [
        ("emr", unknown_message("securityConfiguration", "how the cluster encrypts"))
    ]


def test_an_emr_security_configuration_keeps_data_under_the_customer_key():
    assert run(CMK, _emr(_conf(S3EncryptionConfiguration={"EncryptionMode": "SSE-S3"}))) == [
        (
            "emr-sec",
            "EMRFS `EncryptionMode` is 'SSE-S3': S3 data is not under a customer-managed key (use SSE-KMS or "
            "CSE-KMS with AwsKmsKey)",
        )
    ]
    assert run(CMK, _emr(_conf(LocalDiskEncryptionConfiguration={"EnableEbsEncryption": False}))) == [
        (
            "emr-sec",
            "local disks are not encrypted with AwsKms including EBS (EncryptionKeyProviderType AwsKms, "
            "EnableEbsEncryption true)",
        )
    ]
    assert run(CMK, _emr(_conf(S3EncryptionConfiguration={"AwsKmsKey": "alias/aws/s3"}))) == [
        (
            "emr-sec",
            "`S3EncryptionConfiguration.AwsKmsKey` is the AWS-managed key 'alias/aws/s3'; use a "
            "customer-managed key",
        )
    ]
    off = {
        "EncryptionConfiguration": {**EMR_CONF["EncryptionConfiguration"], "EnableAtRestEncryption": False}
    }
    assert run(CMK, _emr(off)) == [
        ("emr-sec", "`EnableAtRestEncryption` is not true: local disks and EMRFS data are not encrypted")
    ]
    assert run(CMK, _emr(UNKNOWN)) == [
        (
            "emr-sec",
            "`configuration` is unknown during preview, so the cluster's encryption cannot be judged (fail "
            "closed)",
        )
    ]


def test_an_emr_security_configuration_encrypts_in_transit():
    assert run(TLS, _emr(EMR_CONF)) == []
    off = {
        "EncryptionConfiguration": {**EMR_CONF["EncryptionConfiguration"], "EnableInTransitEncryption": False}
    }
    assert run(TLS, _emr(off)) == [
        (
            "emr-sec",
            "`EnableInTransitEncryption` is not true: shuffle, HDFS and application traffic go in clear",
        )
    ]


def _notebook(**inputs):
    base_inputs = {"name": "nb", "kmsKeyId": KEY, "subnetId": "subnet-a", "directInternetAccess": "Disabled"}
    merged = {k: v for k, v in {**base_inputs, **inputs, "tags": TAGS}.items() if v is not None}
    return with_(AWS, res("nb", "aws:sagemaker/notebookInstance:NotebookInstance", merged, protect=True))


def test_a_sagemaker_notebook_stays_in_the_vpc():
    assert run(PUBLIC, _notebook()) == [] and run(CMK, _notebook()) == []
    assert run(PUBLIC, _notebook(directInternetAccess=None)) == [
        (
            "nb",
            "`directInternetAccess` is 'Enabled': the notebook reaches the "
            "internet outside the VPC; set it to "
            "'Disabled'",
        )
    ]
    assert run(PUBLIC, _notebook(subnetId=None)) == [
        ("nb", "no `subnetId`: the notebook runs on SageMaker's internet-facing network, not in the VPC")
    ]
    assert run(PUBLIC, _notebook(directInternetAccess=UNKNOWN)) == [
        ("nb", unknown_message("directInternetAccess", "who can reach the store"))
    ]
    assert run(CMK, _notebook(kmsKeyId=None)) == [
        ("nb", "`kmsKeyId` is not set: the data would be encrypted with a provider-managed key")
    ]


def test_a_studio_domain_is_vpc_only():
    inputs = {"domainName": "d", "kmsKeyId": KEY, "appNetworkAccessType": "VpcOnly", "tags": TAGS}
    domain = res("studio", "aws:sagemaker/domain:Domain", inputs, protect=True)
    assert run(PUBLIC, with_(AWS, domain)) == []
    public = res(
        "studio", "aws:sagemaker/domain:Domain", {**inputs, "appNetworkAccessType": None}, protect=True
    )
    assert run(PUBLIC, with_(AWS, public)) == [
        (
            "studio",
            "`appNetworkAccessType` is 'PublicInternetOnly': Studio apps reach the "
            "internet, not the VPC; set "
            "it to 'VpcOnly'",
        )
    ]


def _redis(public="Disabled", key="https://kv-corpus.vault.azure.net/keys/cmk", access="Disabled"):
    cluster = {
        "clusterName": "redis-corpus",
        "publicNetworkAccess": public,
        "encryption": {"customerManagedKeyEncryption": {"keyEncryptionKeyUrl": key}},
        "tags": TAGS,
    }
    db = {"clusterName": "redis-corpus", "databaseName": "default", "accessKeysAuthentication": access}
    return with_(
        AZURE,
        res("redis", "azure-native:redisenterprise:RedisEnterprise", cluster, protect=True),
        res("redis-db", "azure-native:redisenterprise:Database", db, protect=True),
    )


def test_redis_enterprise_is_private_keyed_and_entra_only():
    assert run(PUBLIC, _redis()) == [] and run(CMK, _redis()) == [] and run(ENTRA, _redis()) == []
    assert run(PUBLIC, _redis(public="Enabled")) == [
        (
            "redis",
            "`publicNetworkAccess` is 'Enabled': the cluster answers on a public "
            "endpoint; set it to 'Disabled'",
        )
    ]
    assert run(CMK, _redis(key=None)) == [
        (
            "redis",
            "`encryption.customerManagedKeyEncryption.keyEncryptionKeyUrl` is not set: the data would be "
            "encrypted with a provider-managed key",
        )
    ]
    assert run(ENTRA, _redis(access="Enabled")) == [
        (
            "redis-db",
            "`accessKeysAuthentication` is 'Enabled' (absent: access keys / SAS "
            "tokens bypass Entra ID); set it "
            "to 'Disabled'",
        )
    ]


def _cassandra(method="Cassandra", disk="https://kv-corpus.vault.azure.net/keys/cmk"):
    cluster = {"clusterName": "cass", "properties": {"authenticationMethod": method}, "tags": TAGS}
    dc = {
        "clusterName": "cass",
        "dataCenterName": "dc",
        "properties": {
            "managedDiskCustomerKeyUri": disk,
            "backupStorageCustomerKeyUri": "https://kv-corpus.vault.azure.net/keys/cmk",
        },
    }
    return with_(
        AZURE,
        res("cassandra", "azure-native:cosmosdb:CassandraCluster", cluster, protect=True),
        res("dc", "azure-native:cosmosdb:CassandraDataCenter", dc, protect=True),
    )


def test_cassandra_managed_instance_signs_clients_in_and_keys_its_disks():
    assert run(PUBLIC, _cassandra()) == [] and run(CMK, _cassandra()) == []
    assert run(PUBLIC, _cassandra(method="None")) == [
        (
            "cassandra",
            "`properties.authenticationMethod` is 'None': anything that reaches port 9042 reads and writes",
        )
    ]
    assert run(PUBLIC, _cassandra(method=UNKNOWN)) == [
        ("cassandra", unknown_message("properties.authenticationMethod", "whether clients must sign in"))
    ]
    assert run(CMK, _cassandra(disk=None)) == [
        (
            "dc",
            "`properties.managedDiskCustomerKeyUri` is not set: the data would be encrypted with a "
            "provider-managed key",
        )
    ]
