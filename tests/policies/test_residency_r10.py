"""Red-team round 10 of the residency pack: the classes its fixes close, tested at their boundary (the corpus
cases are tests/corpus/residency/{evil,good}/r10-*.yaml)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import zlib
from urllib.parse import quote

from policy_testlib import ALLOWED, graph, messages, res

from policies.core.encodings import decoded_text
from policies.core.references import scan
from policies.core.view import ProviderView

REPL, RESOLVED = "disallow-non-eea-replication", "require-resolved-references"
EDGE = "disallow-global-edge-services"
URL = "https://ingest.analytics-us.example/v1"


def _hosts(value: object, key: str = "v") -> set[str]:
    return {r.value for r in scan({key: value}) if r.kind in ("url", "host")}


# ------------------------------------------------------------------ encodings


def test_every_layer_of_an_encoding_is_read():
    doc = json.dumps({"sink": URL}).encode()
    for hidden in (
        base64.b64encode(gzip.compress(doc)).decode(),           # gzip, then base64
        base64.b64encode(zlib.compress(doc)).decode(),           # zlib, then base64
        URL.encode().hex(), URL.encode().hex().upper(),          # hex, either case
        quote(quote(URL, safe=""), safe=""),                     # percent-encoded twice
        base64.b64encode(quote(URL, safe="").encode()).decode(), # percent-encoded, then base64
    ):
        assert "ingest.analytics-us.example" in _hosts(hidden), hidden


def test_binary_values_are_no_text():
    digest = hashlib.sha256(b"x").hexdigest()
    assert decoded_text(digest) is None and decoded_text(digest.upper()) is None
    assert decoded_text("1234567890123456") is None  # a long number is even-length hex of no text
    assert decoded_text(base64.b64encode(bytes(range(48))).decode()) is None
    assert decoded_text(base64.b64encode(b"\x78\x9cnot-zlib-data-at-all").decode()) is None


# ------------------------------------------------------------------ anycast frontends


def test_global_tier_network_frontends_are_edge():
    for typ in ("LoadBalancer", "PublicIPAddress", "PublicIPPrefix"):
        t = f"azure-native:network:{typ}"
        base = {"resourceGroupName": "rg", "location": "westeurope"}
        glob = {**base, "sku": {"name": "Standard", "tier": "Global"}}
        assert "anycast" in messages(EDGE, res(t, "x", glob))[0]
        assert messages(EDGE, res(t, "x", {**base, "sku": {"name": "Standard", "tier": "Regional"}})) == []
        assert messages(EDGE, res(t, "x", base)) == []  # Regional is the default


# ------------------------------------------------------------------ grants by a schedule or a pipeline


def _dlm(accounts: list[str]) -> dict:
    return {"executionRoleArn": "arn:aws:iam::123456789012:role/dlm", "policyDetails": {"schedules": [
        {"name": "a", "createRule": {"interval": 24}},
        {"name": "b", "createRule": {"interval": 24}, "shareRule": {"targetAccounts": accounts}}]}}


def test_dlm_share_rules_are_grants():
    t = "aws:dlm/lifecyclePolicy:LifecyclePolicy"
    pinned = ProviderView("pulumi:providers:aws", {"region": "eu-west-1",
                          "allowedAccountIds": ["123456789012"]}, "urn:prov:aws", "default")
    found = messages(REPL, res(t, "p", _dlm(["123456789012", "444455556666"]), provider=pinned))
    assert len(found) == 1 and "schedules.1.shareRule.targetAccounts.1" in found[0]
    assert messages(REPL, res(t, "p", _dlm(["123456789012"]), provider=pinned)) == []  # the own account


def test_image_builder_launch_permissions_are_grants():
    t = "aws:imagebuilder/distributionConfiguration:DistributionConfiguration"
    for key, value in (("userIds", "444455556666"), ("userGroups", "all"),
                       ("organizationArns", "arn:aws:organizations::444455556666:organization/o-abc")):
        dist = {"region": "eu-west-1", "amiDistributionConfiguration": {"launchPermission": {key: [value]}}}
        assert messages(REPL, res(t, "d", {"distributions": [dist]})), key
    plain = {"region": "eu-west-1", "amiDistributionConfiguration": {"name": "eloket-ami"}}
    assert messages(REPL, res(t, "d", {"distributions": [plain]})) == []


# ------------------------------------------------------------------ destinations kept in a store


def _stored(value: str, key: str = "EXPORT_URL") -> set[str]:
    return {r.value for r in scan({"variables": {key: value}}) if r.kind == "stored"}


def test_store_pointers_under_destination_names():
    ssm = "aws:ssm/parameter:Parameter|eloket/export-url"
    assert _stored("arn:aws:ssm:eu-west-1:123456789012:parameter/eloket/export-url") == {ssm}
    assert _stored("/eloket/export-url", "EXPORT_URL_PARAMETER") == {ssm}
    assert _stored("arn:aws:secretsmanager:eu-west-1:1:secret:partner/url-AbCdEf") == {
        "aws:secretsmanager/secret:Secret|partner/url"}
    assert _stored("@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/sink/)", "SINK") == {
        "azure-native:keyvault:Secret|sink"}
    assert _stored("@Microsoft.KeyVault(VaultName=kv;SecretName=sink)", "SINK") == {
        "azure-native:keyvault:Secret|sink"}
    assert _stored("@Microsoft.AppConfiguration(Endpoint=https://c.azconfig.io; Key=export:url)", "HOOK") == {
        "azure-native:appconfiguration:KeyValue|export:url"}
    # not a destination name, or a schema field naming credentials: no store to judge
    assert _stored("arn:aws:ssm:eu-west-1:1:parameter/db/password", "DB_PASSWORD") == set()
    assert _stored("arn:aws:secretsmanager:eu-west-1:1:secret:hub-AbCdEf", "credentialArn") == set()
    assert _stored("/data/out", "EXPORT_PATH") == set()


def test_a_store_of_the_stack_with_a_plain_value_is_judged_there():
    env = {"environment": {"variables": {"EXPORT_URL": "arn:aws:ssm:eu-west-1:1:parameter/eloket/url"}}}
    fn = res("aws:lambda/function:Function", "fn", env)
    param = {"name": "/eloket/url", "type": "String", "value": "https://api.eloket.vlaanderen.be/v1"}
    alone = messages(RESOLVED, graph(fn), ALLOWED)
    assert len(alone) == 1 and "no resource of this stack" in alone[0][1]
    assert messages(RESOLVED, graph(fn, res("aws:ssm/parameter:Parameter", "p", param)), ALLOWED) == []
    secure = res("aws:ssm/parameter:Parameter", "p", {**param, "type": "SecureString", "value": "[secret]"})
    assert "secret or unknown" in messages(RESOLVED, graph(fn, secure), ALLOWED)[0][1]


# ------------------------------------------------------------------ data geographies of global resources


def test_communication_data_location_is_its_geography():
    t = "azure-native:communication:CommunicationService"
    base = {"resourceGroupName": "rg", "communicationServiceName": "acs", "location": "global"}
    assert messages(REPL, res(t, "acs", {**base, "dataLocation": "Europe"}), ALLOWED) == []
    assert messages("require-eea-location", res(t, "acs", {**base, "dataLocation": "Europe"}), ALLOWED) == []
    for outside in ("UK", "United States", "Switzerland", "France"):  # France: EEA, not an allowed region
        assert messages(REPL, res(t, "acs", {**base, "dataLocation": outside}), ALLOWED), outside
    # without a data location the resource is `global` like any regional type
    assert messages("require-eea-location", res(t, "acs", base), ALLOWED)


def test_short_values_of_region_fields_are_places():
    assert {r.value for r in scan({"dataLocation": "UK"}) if r.kind == "region"} == {"UK"}
    assert {r.value for r in scan({"x": {"regions": ["us"]}}) if r.kind == "region"} == {"us"}
    assert scan({"x": {"mode": "on"}}) == []  # any other short value holds nothing
    # round 73: an empty region field is a reference that names no region (it blocks); the resource's own
    # top-level `region` is judged by the location rules, not scanned
    assert [(r.kind, r.value) for r in scan({"x": {"region": ""}})] == [("region", "")]
    assert scan({"region": ""}) == []


# ------------------------------------------------------------------ sites reached through a DataSync agent


def test_datasync_private_servers_are_sites():
    agent = ["arn:aws:datasync:eu-west-1:1:agent/agent-0"]
    cases = (
        ("aws:datasync/nfsLocation:NfsLocation", {"serverHostname": "10.20.0.5", "subdirectory": "/x"}),
        ("aws:datasync/locationSmb:LocationSmb", {"serverHostname": "nas01", "subdirectory": "/x"}),
        ("aws:datasync/locationObjectStorage:LocationObjectStorage",
         {"serverHostname": "minio.corp", "bucketName": "b"}),
        ("aws:datasync/locationHdfs:LocationHdfs", {"nameNodes": [{"hostname": "fd00::5", "port": 8020}]}),
    )
    for t, inputs in cases:
        assert "DataSync agent" in messages(REPL, res(t, "l", {**inputs, "agentArns": agent}))[0], t
    declared = {"serverHostname": "nfs01.dosis.vlaanderen.be", "subdirectory": "/x", "agentArns": agent}
    assert not [m for m in messages(REPL, res(cases[0][0], "l", declared)) if "DataSync" in m]


def test_sign_in_conditions_and_paths_are_no_region_fields():
    ca = {"conditions": {"locations": {"includedLocations": ["All"], "excludedLocations": ["81e8c206-682d"]}}}
    assert scan(ca) == []
    assert scan({"x": {"staticContentLocations": ["/static"], "kubeManifestLocations": ["k8s/"]}}) == []
