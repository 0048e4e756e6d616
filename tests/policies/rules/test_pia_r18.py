"""Round-18 blind probe classes (docs/pia-conditions.md, round 18): wildcards in pinning conditions, key
policies open to anyone, unauthenticated API methods and routes, master-password secrets on the AWS-managed
key, Redshift datashares and storage local users. One failing mutation per message, exact text."""

from ruletest import KEY, TAGS, base, doc, patch, res, run, says, with_

from policies.core.view import UNKNOWN, unknown_message

AWS = base("aws")
AZURE = base("azure")
PUBLIC = "disallow-public-data-access"
CMK = "require-customer-managed-keys"
ENTRA = "require-entra-only-authentication"
OPEN = (
    "`policy` statement {} allows anyone (Principal '*') without a condition pinning the caller's account, "
    "organisation or source"
)


def _queue_policy(condition):
    stmt = {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*"}
    if condition:
        stmt["Condition"] = condition
    return res("qp", "aws:sqs/queuePolicy:QueuePolicy", {"queueUrl": "q", "policy": doc(stmt)})


def test_a_wildcard_in_a_pinning_value_names_no_one():
    for condition in (
        {"StringLike": {"aws:SourceVpce": "vpce-*"}},
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/soc-*"}},
        {"ArnLike": {"aws:SourceArn": "arn:aws:codebuild:eu-west-1:*:project/*"}},
        {"StringLike": {"aws:SourceAccount": "1111222233*"}},
        {"StringLike": {"aws:SourceArn": "arn:aws:s3:::corpus-*"}},
        {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "*/r-ab12/*"}},
        {"Bool": {"aws:SecureTransport": "true"}},
        {"StringLike": {"aws:userid": "*:dba"}},
    ):
        assert run(PUBLIC, with_(AWS, _queue_policy(condition))) == [("qp", OPEN.format(0))], condition
    for condition in (
        {"StringEquals": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f60718"}},
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/etl-*"}},
        {"ArnEquals": {"aws:SourceArn": "arn:aws:s3:::corpus-audit"}},
        {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-abc123def4/r-ab12/*"}},
    ):  # the endpoint is the stack's, by its recorded id (round 76)
        endpoint = res("vpce", "aws:ec2/vpcEndpoint:VpcEndpoint", {"id": "vpce-0a1b2c3d4e5f60718"})
        assert run(PUBLIC, with_(AWS, endpoint, _queue_policy(condition))) == [], condition


def test_a_key_policy_open_to_anyone_through_a_service_blocks():
    anyone = {
        "Sid": "ViaSecrets",
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": "kms:Decrypt",
        "Resource": "*",
        "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com"}},
    }
    policy = res("key-policy", "aws:kms/keyPolicy:KeyPolicy", {"keyId": KEY, "policy": doc(anyone)})
    assert run(PUBLIC, with_(AWS, policy)) == [("key-policy", OPEN.format("ViaSecrets"))]
    assert run(
        PUBLIC,
        with_(AWS, res("key-policy", "aws:kms/keyPolicy:KeyPolicy", {"keyId": KEY, "policy": UNKNOWN})),
    ) == [
        ("key-policy", "`policy` is unknown during preview, so who it lets in cannot be judged (fail closed)")
    ]


FIX = "use AWS_IAM, a Cognito user-pool or JWT authorizer, or a custom (Lambda) authorizer"


def _method(verb="GET", auth="NONE", **kw):
    inputs = {"restApi": "api", "resourceId": "res", "httpMethod": verb, "authorization": auth, **kw}
    return res("m", "aws:apigateway/method:Method", inputs)


def _integration(kind, verb="GET"):
    inputs = {"restApi": "api", "resourceId": "res", "httpMethod": verb, "type": kind}
    return res("i", "aws:apigateway/integration:Integration", inputs)


def test_a_rest_method_without_authorization_blocks():
    reads = f"anyone who reaches the API gets what its integration reads; {FIX}"
    tail = "(only the CORS preflight OPTIONS and MOCK integrations may be open)"
    assert run(PUBLIC, with_(AWS, _method())) == [("m", f"method GET has authorization NONE: {reads} {tail}")]
    assert run(PUBLIC, with_(AWS, _method(apiKeyRequired=True))) == [
        (
            "m",
            "method GET has authorization NONE (`apiKeyRequired` identifies a caller by a key that is handed "
            f"around; it does not authenticate): {reads} {tail}",
        )
    ]
    assert run(PUBLIC, with_(AWS, _method(auth=UNKNOWN))) == [
        ("m", unknown_message("authorization", "who may call the method"))
    ]
    assert run(PUBLIC, with_(AWS, _method(), _integration("AWS_PROXY"))) != []
    assert run(PUBLIC, with_(AWS, _method(), _integration("MOCK"))) == []
    # round 97: an open OPTIONS is the CORS preflight only when a MOCK integration of the stack answers it
    assert says(run(PUBLIC, with_(AWS, _method(verb="OPTIONS"))), "method OPTIONS has authorization NONE")
    assert run(PUBLIC, with_(AWS, _method(verb="OPTIONS"), _integration("MOCK", "OPTIONS"))) == []
    assert run(PUBLIC, with_(AWS, _method(auth="AWS_IAM"))) == []


def _route(key, auth=None, api=None):
    inputs = {"apiId": "a", "routeKey": key, **({"authorizationType": auth} if auth else {})}
    return res("r", "aws:apigatewayv2/route:Route", inputs, **({"refs": {"apiId": api}} if api else {}))


def test_an_http_route_without_authorization_blocks():
    reads = f"anyone who reaches the API gets what its integration reads; {FIX}"
    tail = "(only the CORS preflight OPTIONS may be open)"
    assert run(PUBLIC, with_(AWS, _route("GET /dossiers"))) == [
        ("r", f"route 'GET /dossiers' has authorizationType unset (NONE): {reads} {tail}")
    ]
    assert run(PUBLIC, with_(AWS, _route("ANY /{proxy+}", "NONE"))) == [
        ("r", f"route 'ANY /{{proxy+}}' has authorizationType NONE: {reads} {tail}")
    ]
    assert run(PUBLIC, with_(AWS, _route(UNKNOWN))) == [
        ("r", unknown_message("authorizationType", "who may call the route"))
    ]
    assert run(PUBLIC, with_(AWS, _route("OPTIONS /dossiers"))) == []
    assert run(PUBLIC, with_(AWS, _route("GET /dossiers", "AWS_IAM"))) == []
    # round 98: a JWT route is judged by its authorizer's issuer, which must be an authorizer of the stack
    assert "`authorizerId` is not an output" in run(PUBLIC, with_(AWS, _route("GET /dossiers", "JWT")))[0][1]
    ws = res("ws", "aws:apigatewayv2/api:Api", {"name": "ws", "protocolType": "WEBSOCKET"})
    assert run(PUBLIC, with_(AWS, ws, _route("sendmessage", api="ws"))) == []
    assert run(PUBLIC, with_(AWS, ws, _route("$connect", api="ws"))) != []


def _rds(**secret):
    inputs = {
        "engine": "postgres",
        "storageEncrypted": True,
        "kmsKeyId": KEY,
        "publiclyAccessible": False,
        "manageMasterUserPassword": True,
        **secret,
        "tags": TAGS,
    }
    return res("db", "aws:rds/instance:Instance", inputs, protect=True)


def test_a_managed_master_password_needs_the_customer_key():
    assert (
        "db",
        "`masterUserSecretKmsKeyId` is not set: the data would be encrypted with a provider-managed key",
    ) in run(CMK, with_(AWS, _rds()))
    assert (
        "db",
        "`masterUserSecretKmsKeyId` is the AWS-managed key 'alias/aws/secretsmanager'; "
        "use a customer-managed key",
    ) in run(CMK, with_(AWS, _rds(masterUserSecretKmsKeyId="alias/aws/secretsmanager")))
    assert ("db", unknown_message("manageMasterUserPassword", "where the master password is kept")) in run(
        CMK, with_(AWS, _rds(manageMasterUserPassword=UNKNOWN))
    )
    assert run(CMK, with_(AWS, _rds(masterUserSecretKmsKeyId=KEY))) == []
    assert run(CMK, with_(AWS, _rds(manageMasterUserPassword=False))) == []


def _share(consumer):
    inputs = {
        "dataShareArn": "arn:aws:redshift:eu-west-1:111122223333:datashare:x/s",
        "consumerIdentifier": consumer,
    }
    return res("share", "aws:redshift/dataShareAuthorization:DataShareAuthorization", inputs)


def test_a_datashare_for_another_party_blocks():
    found = run(PUBLIC, with_(AWS, _share("999988887777")))
    assert len(found) == 1 and found[0][0] == "share"
    assert (
        found[0][1].startswith("`consumerIdentifier` lets ") and "query the datashare's tables" in found[0][1]
    )
    assert run(PUBLIC, with_(AWS, _share("ADX"))) == [
        (
            "share",
            "`consumerIdentifier` is 'ADX', not an account id: a marketplace or unknown consumer would query "
            "the shared tables; authorise an account the stack's PIA record names (`aws_accounts`)",
        )
    ]
    assert run(PUBLIC, with_(AWS, _share(UNKNOWN))) == [
        ("share", unknown_message("consumerIdentifier", "who may query the datashare"))
    ]
    assert run(PUBLIC, with_(AWS, _share("111122223333"))) == []


LOCAL = ": local users (SFTP passwords, SSH and shared keys) sign in outside Entra ID; keep them off"


def test_storage_local_users_sign_in_outside_entra():
    assert run(ENTRA, patch(AZURE, "store", isLocalUserEnabled=True)) == [
        ("store", f"`isLocalUserEnabled` is true{LOCAL}")
    ]
    assert run(ENTRA, patch(AZURE, "store", isLocalUserEnabled=UNKNOWN)) == [
        ("store", f"`isLocalUserEnabled` is unknown{LOCAL}")
    ]
    user = res("u", "azure-native:storage:LocalUser", {"accountName": "stcorpus", "username": "partner"})
    assert run(ENTRA, with_(AZURE, user)) == [("u", f"local user 'partner'{LOCAL}")]
    assert run(ENTRA, patch(AZURE, "store", isLocalUserEnabled=False)) == []
