"""require-tls-1-2: allow-lists of TLS policies per service, not substrings."""

import pytest
from ruletest import res, run

RULE = "require-tls-1-2"


def one(type_, inputs):
    return run(RULE, [res("x", type_, inputs)])


LISTENER = "aws:lb/listener:Listener"


def test_listener():
    assert one(LISTENER, {"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06"}) == []
    assert (
        one(
            LISTENER,
            {"protocol": "HTTP", "defaultActions": [{"type": "redirect", "redirect": {"protocol": "HTTPS"}}]},
        )
        == []
    )
    fixed = [{"type": "fixed-response", "fixedResponse": {"contentType": "text/plain", "statusCode": "404"}}]
    assert one(LISTENER, {"protocol": "HTTP", "defaultActions": fixed}) == []
    assert one(LISTENER, {"protocol": "HTTP"}) == [
        (
            "x",
            "listener protocol 'HTTP' serves traffic without TLS; only an HTTP→HTTPS redirect or a fixed "
            "response is allowed",
        )
    ]


@pytest.mark.parametrize(
    "policy",
    [
        "ELBSecurityPolicy-TLS13-1-0-2021-06",
        "ELBSecurityPolicy-TLS13-1-1-2021-06",
        "ELBSecurityPolicy-2016-08",
        "ELBSecurityPolicy-FS-2018-06",
    ],
)
def test_listener_policies_below_tls12(policy):
    assert one(LISTENER, {"protocol": "HTTPS", "sslPolicy": policy}) == [
        (
            "x",
            f"`sslPolicy` is {policy!r}, not a policy with minimum TLS 1.2 "
            "(e.g. ELBSecurityPolicy-TLS13-1-2-2021-06)",
        )
    ]


def test_parameter_groups():
    cpg = "aws:rds/clusterParameterGroup:ClusterParameterGroup"
    ok = [
        {"name": "require_secure_transport", "value": "ON"},
        {"name": "tls_version", "value": "TLSv1.2,TLSv1.3"},
    ]
    assert one(cpg, {"family": "aurora-mysql8.0", "parameters": ok}) == []
    assert [
        m
        for _, m in one(
            cpg,
            {"family": "aurora-mysql8.0", "parameters": [{"name": "tls_version", "value": "TLSv1,TLSv1.2"}]},
        )
    ] == [
        "parameter `require_secure_transport` must be ON",
        "parameter `tls_version` is 'TLSv1,TLSv1.2'; allow only TLSv1.2,TLSv1.3",
    ]
    assert (
        one(cpg, {"family": "aurora-postgresql16", "parameters": [{"name": "rds.force_ssl", "value": "1"}]})
        == []
    )
    assert [
        m
        for _, m in one(
            cpg,
            {
                "family": "aurora-postgresql16",
                "parameters": [
                    {"name": "rds.force_ssl", "value": "0"},
                    {"name": "ssl_min_protocol_version", "value": "TLSv1"},
                ],
            },
        )
    ] == [
        "parameter `rds.force_ssl` is '0'; it must be 1",
        "parameter `ssl_min_protocol_version` is 'TLSv1'; use TLSv1.2 or TLSv1.3",
    ]


def test_application_gateway():
    agw = "azure-native:network:ApplicationGateway"
    assert (
        one(agw, {"sslPolicy": {"policyType": "Predefined", "policyName": "AppGwSslPolicy20220101S"}}) == []
    )
    assert one(agw, {"sslPolicy": {"policyType": "CustomV2", "minProtocolVersion": "TLSv1_2"}}) == []
    assert one(agw, {}) == [("x", "no `sslPolicy`: the gateway's default policy is not pinned to TLS 1.2")]
    assert (
        "does not pin minimum TLS 1.2"
        in one(agw, {"sslPolicy": {"policyType": "Predefined", "policyName": "AppGwSslPolicy20170401"}})[0][1]
    )


def test_web_apps_slots_and_stores():
    for t in ("azure-native:web:WebApp", "azure-native:web:WebAppSlot"):
        assert one(t, {"httpsOnly": True, "siteConfig": {"minTlsVersion": "1.2"}}) == []
        assert one(t, {"httpsOnly": True, "siteConfig": {"minTlsVersion": "1.0"}}) == [
            ("x", "`siteConfig.minTlsVersion` is '1.0'; expected '1.2' or '1.3'")
        ]
    assert one("azure-native:storage:StorageAccount", {"minimumTlsVersion": "TLS1_0"}) == [
        ("x", "`minimumTlsVersion` is 'TLS1_0'; expected 'TLS1_2' or 'TLS1_3'")
    ]
    assert one("aws:apigateway/domainName:DomainName", {"securityPolicy": "TLS_1_2"}) == []
    assert (
        "`securityPolicy` is 'TLS_1_0'"
        in one("aws:apigateway/domainName:DomainName", {"securityPolicy": "TLS_1_0"})[0][1]
    )
    assert one("aws:elasticache/cluster:Cluster", {}) == [
        ("x", "`transitEncryptionEnabled` is None; expected True")
    ]


def test_rds_on_the_engines_default_parameter_group():
    rds = "aws:rds/instance:Instance"
    assert one(rds, {"engine": "mysql", "parameterGroupName": "mysql-tls"}) == []
    assert one(rds, {"engine": "postgres", "engineVersion": "16.3"}) == []  # PG 15+: force_ssl by default
    for inputs in ({"engine": "mysql"}, {"engine": "mysql", "parameterGroupName": "default.mysql8.0"}):
        found = one(rds, inputs)
        assert len(found) == 1 and "the engine's default parameter group does not force TLS" in found[0][1]
    found = one("aws:rds/cluster:Cluster", {"engine": "aurora-mysql"})
    assert len(found) == 1 and found[0][1].startswith("`dbClusterParameterGroupName` is None")


def test_plaintext_still_accepted():
    rg = "aws:elasticache/replicationGroup:ReplicationGroup"
    assert one(rg, {"transitEncryptionEnabled": True, "transitEncryptionMode": "required"}) == []
    assert one(rg, {"transitEncryptionEnabled": True, "transitEncryptionMode": "preferred"}) == [
        ("x", "`transitEncryptionMode` is 'preferred': plaintext connections are still accepted")
    ]
    msk = "aws:msk/cluster:Cluster"
    assert one(msk, {}) == []
    assert one(msk, {"encryptionInfo": {"encryptionInTransit": {"clientBroker": "TLS_PLAINTEXT"}}}) == [
        ("x", "`encryptionInfo.encryptionInTransit.clientBroker` is 'TLS_PLAINTEXT'; expected 'TLS'")
    ]
    assert one("aws:memorydb/cluster:Cluster", {"tlsEnabled": False}) == [
        ("x", "`tlsEnabled` is False; expected True")
    ]
    web = {"httpsOnly": True, "siteConfig": {"minTlsVersion": "1.2", "ftpsState": "AllAllowed"}}
    assert one("azure-native:web:WebApp", web) == [
        ("x", "`siteConfig.ftpsState` is 'AllAllowed'; expected 'FtpsOnly' or 'Disabled'")
    ]


@pytest.mark.parametrize(
    ("name", "value", "ok"),
    [
        ("require_secure_transport", "ON", True),
        ("require_secure_transport", "off", False),
        ("ssl_min_protocol_version", "TLSv1.1", False),
        ("tls_version", "TLSv1.2,TLSv1.3", True),
        ("tls_version", "TLSv1,TLSv1.2", False),
        ("max_connections", "100", True),
    ],
)
def test_azure_database_server_parameters(name, value, ok):
    for t in ("azure-native:dbforpostgresql:Configuration", "azure-native:dbformysql:Configuration"):
        assert (one(t, {"configurationName": name, "value": value}) == []) is ok


def test_other_endpoints_that_accept_old_tls():
    api = "aws:apigateway/restApi:RestApi"
    assert one(api, {"securityPolicy": "TLS_1_2"}) == []
    assert one(api, {"disableExecuteApiEndpoint": True}) == []
    assert one(api, {"securityPolicy": "TLS_1_0"})[0][1].startswith("`securityPolicy` is 'TLS_1_0'")
    assert one(api, {})[0][1].startswith("`securityPolicy` is None")
    assert one("aws:dax/cluster:Cluster", {"clusterEndpointEncryptionType": "NONE"}) == [
        ("x", "`clusterEndpointEncryptionType` is 'NONE'; expected 'TLS'")
    ]
    web = {"httpsOnly": True, "siteConfig": {"minTlsVersion": "1.2", "scmMinTlsVersion": "1.0"}}
    assert one("azure-native:web:WebApp", web) == [
        ("x", "`siteConfig.scmMinTlsVersion` is '1.0'; expected '1.2' or '1.3'")
    ]
    wg = "aws:redshiftserverless/workgroup:Workgroup"
    off = {"configParameters": [{"parameterKey": "require_ssl", "parameterValue": "false"}]}
    assert len(one(wg, off)) == 1 and one(wg, {}) == []


def _msgs(type_, inputs):
    return [m for _, m in one(type_, inputs)]


def test_cloudfront_by_policy_name():
    cdn = "aws:cloudfront/distribution:Distribution"
    good = {
        "viewerCertificate": {"acmCertificateArn": "arn:acm", "minimumProtocolVersion": "TLSv1.2_2021"},
        "defaultCacheBehavior": {"viewerProtocolPolicy": "redirect-to-https"},
        "origins": [
            {
                "originId": "o",
                "customOriginConfig": {
                    "originProtocolPolicy": "https-only",
                    "originSslProtocols": ["TLSv1.2"],
                },
            }
        ],
    }
    assert one(cdn, good) == []
    for bad in ("TLSv1", "TLSv1.1_2016", "TLSv1_2016"):
        assert (
            "minimumProtocolVersion"
            in _msgs(cdn, {**good, "viewerCertificate": {"minimumProtocolVersion": bad}})[0]
        )
    assert _msgs(cdn, {**good, "viewerCertificate": {"cloudfrontDefaultCertificate": True}})
    assert (
        "allow-all" in _msgs(cdn, {**good, "defaultCacheBehavior": {"viewerProtocolPolicy": "allow-all"}})[0]
    )
    http_origin = [{"originId": "o", "customOriginConfig": {"originProtocolPolicy": "http-only"}}]
    assert "origin 'o'" in _msgs(cdn, {**good, "origins": http_origin})[0]


def test_classic_elb_cannot_be_judged():
    listeners = [{"lbPort": 443, "lbProtocol": "https", "instancePort": 80, "instanceProtocol": "http"}]
    assert "cannot be judged" in _msgs("aws:elb/loadBalancer:LoadBalancer", {"listeners": listeners})[0]


@pytest.mark.parametrize(
    ("type_", "fld"),
    [
        ("aws:docdb/cluster:Cluster", "dbClusterParameterGroupName"),
        ("aws:redshift/cluster:Cluster", "clusterParameterGroupName"),
    ],
)
def test_clusters_on_default_parameter_groups(type_, fld):
    assert "default" in _msgs(type_, {})[0]
    assert "default" in _msgs(type_, {fld: "default.docdb5.0"})[0]
    assert one(type_, {fld: "own-tls"}) == []


def test_rds_families_beyond_mysql_and_postgres():
    group = "aws:rds/parameterGroup:ParameterGroup"
    ok = [
        {"name": "rds.force_ssl", "value": "1"},
        {"name": "rds.tls10", "value": "disabled"},
        {"name": "rds.tls11", "value": "disabled"},
    ]
    assert one(group, {"family": "sqlserver-se-15.0", "parameters": ok}) == []
    assert _msgs(group, {"family": "sqlserver-se-15.0", "parameters": ok[:1]}) == [
        "parameter `rds.tls10` must be 'disabled'",
        "parameter `rds.tls11` must be 'disabled'",
    ]
    assert "cannot be judged" in _msgs(group, {"family": "oracle-ee-19", "parameters": []})[0]


def test_app_gateway_plain_listener_must_only_redirect():
    base_id = "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/applicationGateways/g"
    gw = {
        "sslPolicy": {"policyType": "Predefined", "policyName": "AppGwSslPolicy20220101S"},
        "httpListeners": [{"name": "plain", "protocol": "Http"}],
        "requestRoutingRules": [
            {
                "name": "r",
                "httpListener": {"id": f"{base_id}/httpListeners/plain"},
                "backendAddressPool": {"id": f"{base_id}/backendAddressPools/app"},
            }
        ],
    }
    assert "http listener 'plain'" in _msgs("azure-native:network:ApplicationGateway", gw)[0]
    gw["requestRoutingRules"] = [
        {
            "name": "r",
            "httpListener": {"id": f"{base_id}/httpListeners/plain"},
            "redirectConfiguration": {"id": f"{base_id}/redirectConfigurations/https"},
        }
    ]
    assert one("azure-native:network:ApplicationGateway", gw) == []


def test_api_management_redis_enterprise_mysql_single_server():
    apim = "azure-native:apimanagement:ApiManagementService"
    on = "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10"
    assert "Tls10" in _msgs(apim, {"customProperties": {on: "True"}})[0]
    assert one(apim, {"customProperties": {on: "False"}}) == []
    assert _msgs("azure-native:redisenterprise:Database", {"clientProtocol": "Plaintext"})
    assert one("azure-native:redisenterprise:Database", {}) == []
    single = "azure-native:dbformysql:SingleServer"
    assert (
        len(_msgs(single, {"properties": {"sslEnforcement": "Disabled", "minimalTlsVersion": "TLS1_0"}})) == 2
    )
    assert one(single, {"properties": {"sslEnforcement": "Enabled", "minimalTlsVersion": "TLS1_2"}}) == []


# ---- round-7 probe: RDS Proxy, Transfer Family, DMS endpoints

PROXY = "aws:rds/proxy:Proxy"
TRANSFER = "aws:transfer/server:Server"
_SSH = {"securityPolicyName": "TransferSecurityPolicy-2025-03"}
DMS_ENDPOINT = "aws:dms/endpoint:Endpoint"


@pytest.mark.parametrize(
    "type_, good, bad, fragment",
    [
        (PROXY, {"requireTls": True}, {"requireTls": False}, "`requireTls` is False (default false)"),
        (PROXY, {"requireTls": True}, {}, "`requireTls` is None (default false)"),
        (
            TRANSFER,
            {"protocols": ["SFTP", "FTPS"], **_SSH},
            {"protocols": ["FTP", "FTPS"], **_SSH},
            "includes 'FTP'",
        ),
        (TRANSFER, _SSH, {"protocols": ["AS2"], **_SSH}, "includes 'AS2'"),
        # round 13: the SSH/TLS algorithm policy (unset = TransferSecurityPolicy-2018-11, SHA-1)
        (TRANSFER, _SSH, {}, "unset (TransferSecurityPolicy-2018-11)"),
        (TRANSFER, _SSH, {"securityPolicyName": "TransferSecurityPolicy-2020-06"}, "SHA-1/ssh-rsa"),
        (
            TRANSFER,
            {"securityPolicyName": "TransferSecurityPolicy-FIPS-2024-01"},
            {"securityPolicyName": "TransferSecurityPolicy-FIPS-2020-06"},
            "SHA-1",
        ),
        (
            DMS_ENDPOINT,
            {"engineName": "postgres", "sslMode": "verify-full"},
            {"engineName": "postgres", "sslMode": "none"},
            "`sslMode` is 'none'",
        ),
        (DMS_ENDPOINT, {"engineName": "s3"}, {"engineName": "mysql"}, "`sslMode` is None"),
        (
            DMS_ENDPOINT,
            {"engineName": "kafka", "kafkaSettings": {"securityProtocol": "sasl-ssl"}},
            {"engineName": "kafka", "kafkaSettings": {"securityProtocol": "plaintext"}},
            "`kafkaSettings.securityProtocol` is 'plaintext'",
        ),
    ],
)
def test_round7_tls_controls(type_, good, bad, fragment):
    assert one(type_, good) == []
    found = one(type_, bad)
    assert len(found) == 1 and fragment in found[0][1], found
