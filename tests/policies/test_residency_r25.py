"""Red-team round 25 of the residency pack: the classes its fixes close, tested at their boundary (the corpus
cases are tests/corpus/residency/{evil,good}/r25-*.yaml)."""

from __future__ import annotations

from policy_testlib import ALLOWED, REPLICATION, RESOLVED, azure_rg, graph, messages, pinned_res, res

from policies.core.account_hosts import account_host, label_problem, owner_problem
from policies.core.references import scan

PATH = "environment.variables.TARGET"
IOT = "a3k7odshaiipe8-ats.iot.eu-west-1.amazonaws.com"
INFLUX = "k2x9m4p7qz-3yb7lr5kcd2vwa.timestream-influxdb.eu-west-1.on.aws"
TRANSFER = "s-0a1b2c3d4e5f60718.server.transfer.eu-west-1.amazonaws.com"
ECR_THEIRS = "999988887777.dkr.ecr.eu-west-1.amazonaws.com"
ECR_OURS = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
KUSTO = "partnerlake.westeurope.kusto.windows.net"
APPS = "intake.kindbay-7f3a9c21.westeurope.azurecontainerapps.io"


def _fn(value: str) -> object:
    return pinned_res("aws:lambda/function:Function", "fn", {
        "name": "fn", "role": "arn:aws:iam::123456789012:role/fn",
        "arn": "arn:aws:lambda:eu-west-1:123456789012:function:fn",
        "environment": {"variables": {"TARGET": value}}})


def _app(value: str) -> object:
    return res("azure-native:web:WebApp", "app", {
        "resourceGroupName": "rg-weu", "name": "app", "location": "westeurope",
        "siteConfig": {"appSettings": [{"name": "TARGET", "value": value}]}})


# ------------------------------------------------------------------ the shape of a regional host


def test_api_endpoints_and_front_ends_are_placed_by_their_region():
    for host in ("sqs.eu-west-1.amazonaws.com", "data-ats.iot.eu-west-1.amazonaws.com",
                 "api.ecr.eu-west-1.amazonaws.com", "runtime.sagemaker.eu-west-1.amazonaws.com",
                 "s3-website-eu-west-1.amazonaws.com", "sqs.eu-west-1.api.aws",
                 "vpce-0a1b2c3d4e5f6a7b8-abcdefgh.execute-api.eu-west-1.vpce.amazonaws.com",
                 "westeurope-5.in.applicationinsights.azure.com", "prod-12.westeurope.logic.azure.com",
                 "westeurope.api.cognitive.microsoft.com"):
        assert account_host(host) is None, host
        assert messages(RESOLVED, graph(_fn(f"https://{host}/x")), ALLOWED) == []


def test_hosts_of_one_accounts_resource_say_whose():
    assert account_host(IOT) == account_host(INFLUX) == account_host(TRANSFER) == "resource"
    assert account_host(KUSTO) == account_host(APPS) == "resource"
    assert account_host(ECR_THEIRS) == "account:999988887777"
    assert account_host("partner-exports.s3.eu-west-1.amazonaws.com") == "bucket:partner-exports"
    assert account_host("site.s3-website-eu-west-1.amazonaws.com") == "bucket:site"


# ------------------------------------------------------------------ resolved over the stack, else blocked


def test_a_host_of_another_accounts_resource_blocks():
    for host in (IOT, INFLUX, TRANSFER):
        assert messages(RESOLVED, graph(_fn(f"https://{host}/")), ALLOWED) == [
            ("fn", owner_problem(PATH, host, frozenset()))]
    assert messages(REPLICATION, _fn(f"https://{IOT}/"), ALLOWED) == []  # placed by the graph, not locally
    assert "iot.get_endpoint" in owner_problem(PATH, IOT, frozenset())


def test_a_host_that_carries_an_account_is_the_stacks_only_in_its_account():
    assert messages(RESOLVED, graph(_fn(ECR_OURS)), ALLOWED) == []
    assert messages(RESOLVED, graph(_fn(ECR_THEIRS)), ALLOWED) == [
        ("fn", owner_problem(PATH, ECR_THEIRS, frozenset({"123456789012"})))]
    assert "account 999988887777, not the stack's own" in owner_problem(PATH, ECR_THEIRS, frozenset())


def test_a_recorded_endpoint_places_the_host():
    influx = pinned_res("aws:timestreaminfluxdb/dbInstance:DbInstance", "db", {
        "name": "m", "bucket": "usage", "endpoint": INFLUX})
    assert messages(RESOLVED, graph(influx, _fn(f"https://{INFLUX}:8086")), ALLOWED) == []
    assert [r for r in scan({"bucket": "usage"}) if r.kind == "bucket"]  # any other `bucket`: an S3 bucket
    assert messages(RESOLVED, graph(influx), ALLOWED) == []  # its own InfluxDB bucket is no S3 bucket


def test_a_bucket_host_is_the_stacks_bucket_or_blocks():
    own = pinned_res("aws:s3/bucketV2:BucketV2", "b", {"bucket": "site"})
    for host in ("site.s3.eu-west-1.amazonaws.com", "site.s3-website-eu-west-1.amazonaws.com"):
        assert messages(RESOLVED, graph(own, _fn(f"http://{host}/")), ALLOWED) == []
        other = host.replace("site", "partner-site")
        assert messages(RESOLVED, graph(own, _fn(f"http://{other}/")), ALLOWED) == [
            ("fn", owner_problem(PATH, other, frozenset({"123456789012"})))]


def test_a_regional_azure_resource_host_is_the_stacks_or_blocks():
    for host in (KUSTO, APPS):
        assert messages(RESOLVED, graph(azure_rg(), _app(f"https://{host}/")), ALLOWED) == [
            ("app", owner_problem("siteConfig.appSettings.0.TARGET", host, frozenset()))]
    cluster = res("azure-native:kusto:Cluster", "adx", {
        "resourceGroupName": "rg-weu", "clusterName": "partnerlake", "location": "westeurope",
        "id": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-weu/providers/"
              "Microsoft.Kusto/clusters/partnerlake", "name": "partnerlake"})
    for host in (KUSTO, f"ingest-{KUSTO}"):
        assert messages(RESOLVED, graph(azure_rg(), cluster, _app(f"https://{host}")), ALLOWED) == []


# ------------------------------------------------------------------ a name match needs the account's label

OURS = "dossiers.c9akciq32abc.eu-west-1.rds.amazonaws.com"


def test_a_first_deployment_name_match_blocks_until_recorded():
    db = pinned_res("aws:rds/instance:Instance", "db", {"identifier": "dossiers"})
    assert messages(RESOLVED, graph(db, _fn(OURS)), ALLOWED) == [
        ("fn", label_problem(PATH, OURS, "c9akciq32abc"))]
    assert "`*.c9akciq32abc.eu-west-1.rds.amazonaws.com`" in label_problem(PATH, OURS, "c9akciq32abc")
    recorded = pinned_res("aws:rds/instance:Instance", "db", {"identifier": "dossiers", "address": OURS})
    assert messages(RESOLVED, graph(recorded, _fn(OURS)), ALLOWED) == []


def test_a_redshift_serverless_label_is_its_account():
    wg = pinned_res("aws:redshiftserverless/workgroup:Workgroup", "wg", {"workgroupName": "dw"})
    ours = "dw.123456789012.eu-west-1.redshift-serverless.amazonaws.com"
    assert messages(RESOLVED, graph(wg, _fn(ours)), ALLOWED) == []
    theirs = ours.replace("123456789012", "999988887777")
    assert messages(RESOLVED, graph(wg, _fn(theirs)), ALLOWED) == [
        ("fn", label_problem(PATH, theirs, "999988887777"))]


def test_a_dax_host_carries_its_accounts_label():
    dax = pinned_res("aws:dax/cluster:Cluster", "dax", {"clusterName": "cache"})
    host = "cache.w2e4r6.dax-clusters.eu-west-1.amazonaws.com"
    assert messages(RESOLVED, graph(dax, _fn(host)), ALLOWED) == [("fn", label_problem(PATH, host, "w2e4r6"))]


# ------------------------------------------------------------------ sign-in names


def test_a_sign_in_name_is_no_mail_destination():
    user = {"userPrincipalName": "jan@dosis.onmicrosoft.com", "displayName": "Jan"}
    assert messages(REPLICATION, res("azuread:index/user:User", "u", user), ALLOWED) == []
    admin = {"resourceGroupName": "rg-weu", "serverName": "s", "principalName": "jan@dosis.onmicrosoft.com"}
    assert messages(REPLICATION, res("azure-native:dbforpostgresql:Administrator", "a", admin), ALLOWED) == []
    sneaky = {**admin, "principalName": "https://hooks.acme-crm.com/in"}  # only a mail address is skipped
    assert messages(REPLICATION, res("azure-native:dbforpostgresql:Administrator", "a", sneaky), ALLOWED)
    mail = {"name": "a", "emailReceivers": [{"name": "x", "emailAddress": "jan@dosis.onmicrosoft.com"}]}
    assert messages(REPLICATION, res("azure-native:monitor:ActionGroup", "g", mail), ALLOWED)  # a mailbox


def test_a_resources_own_regional_address_is_its_own():
    env = res("azure-native:app:ManagedEnvironment", "env", {
        "resourceGroupName": "rg-weu", "environmentName": "env", "location": "westeurope",
        "defaultDomain": APPS.split(".", 1)[1]})
    assert messages(RESOLVED, graph(azure_rg(), env), ALLOWED) == []  # its recorded output: its own
    assert messages(RESOLVED, graph(azure_rg(), env, _app(f"https://{APPS}/")), ALLOWED) == []  # an app of it
    aks = res("azure-native:containerservice:ManagedCluster", "aks", {
        "resourceGroupName": "rg-weu", "resourceName": "aks", "location": "westeurope",
        "fqdn": "dosis-aks-1a2b3c4d.hcp.westeurope.azmk8s.io"})
    assert messages(RESOLVED, graph(azure_rg(), aks), ALLOWED) == []
    other = "partner-aks-9f8e7d6c.hcp.westeurope.azmk8s.io"
    assert messages(RESOLVED, graph(azure_rg(), aks, _app(f"https://{other}")), ALLOWED) == [
        ("app", owner_problem("siteConfig.appSettings.0.TARGET", other, frozenset()))]


def test_own_outputs_of_listed_types_never_block_their_resource():
    efs = pinned_res("aws:efs/fileSystem:FileSystem", "efs",
                     {"dnsName": "fs-0a1b2c3d.efs.eu-west-1.amazonaws.com"})
    assert messages(RESOLVED, graph(efs), ALLOWED) == []
    assert messages(RESOLVED, graph(efs, _fn("fs-0a1b2c3d.efs.eu-west-1.amazonaws.com")), ALLOWED) == []
    other = "fs-9f8e7d6c.efs.eu-west-1.amazonaws.com"
    assert messages(RESOLVED, graph(efs, _fn(other)), ALLOWED) == [
        ("fn", owner_problem(PATH, other, frozenset({"123456789012"})))]
    topic = res("azure-native:eventgrid:Topic", "t", {
        "resourceGroupName": "rg-weu", "topicName": "events", "location": "westeurope", "name": "events",
        "endpoint": "https://events.westeurope-1.eventgrid.azure.net/api/events"})
    assert messages(RESOLVED, graph(azure_rg(), topic), ALLOWED) == []
    ip = res("azure-native:network:PublicIPAddress", "ip", {
        "resourceGroupName": "rg-weu", "location": "westeurope",
        "dnsSettings": {"domainNameLabel": "dosis", "fqdn": "dosis.westeurope.cloudapp.azure.com"}})
    assert messages(RESOLVED, graph(azure_rg(), ip, _app("https://dosis.westeurope.cloudapp.azure.com")),
                    ALLOWED) == []
    theirs = "https://partner-events.westeurope-1.eventgrid.azure.net/api/events"
    assert messages(RESOLVED, graph(azure_rg(), topic, _app(theirs)), ALLOWED) == [
        ("app", owner_problem("siteConfig.appSettings.0.TARGET", theirs[8:].split("/")[0], frozenset()))]
