"""Round-33 blind probe classes (docs/pia-conditions.md, round 33): Key Vault Secrets Officer, Reader and
Certificate User transcribed, credentials exported as stack outputs, AppSync Event APIs judged, Data Factory
SAP OData links and integration runtimes. One failing mutation per message, exact text."""

import copy

from ruletest import case, patch, run, with_
from ruletest import messages_of as _of

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the engine's value of an output not yet known

MFA = "require-admin-mfa"
PUB = "disallow-public-data-access"
SIEM = "require-siem-logging"
TLS = "require-tls-1-2"
ROLES = "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/"
_FIX = (
    "keep the credential in a Key Vault or Secrets Manager secret of this stack whose readers the gate "
    "weighs and export its name or ARN, or give the reader an Entra or IAM identity instead"
)
_MODES = "use AWS_IAM, AMAZON_COGNITO_USER_POOLS, OPENID_CONNECT or AWS_LAMBDA only"
_KV = (
    "reads the Key Vault secret sql-pw-secret, which holds the administrator password the program gives "
    "sql: everyone it admits signs in as the shared administrator with a password alone; keep people on "
    "Entra authentication as themselves and the password to the workload (or switch password "
    "authentication off)"
)


def _plain(names: str) -> list[str]:
    return [
        f"the stack exports output(s) {names} in clear: whoever reads the stack's state reads them, and an "
        "invoke's result (listKeys, listStorageAccountSAS, listDatabaseAccountKeys) is not secret unless the "
        f"program marks it; do not export credentials: {_FIX}"
    ]


def test_key_vault_roles_transcribed():
    role = "a person or group holding this role " + _KV
    assert _of(run(MFA, case("r33p-01")), "ra-dba-secrets-officer") == [role]
    assert _of(run(MFA, case("r33p-02")), "ra-dba-cert-user") == [role]
    assert _of(run(MFA, case("r33p-16")), "ra-dba-officer-rg") == [role]
    assert run(MFA, case("r33p-51")) == []
    assert run(MFA, case("r33p-58")) == []
    reader = patch(case("r33p-58"), "ra-auditor-reader",
                   roleDefinitionId=ROLES + "b86a8fe4-44ce-4948-aee5-eccb2c155cd7")  # fmt: skip
    assert _of(run(MFA, reader), "ra-auditor-reader") == [role]  # Secrets Officer in Reader's place
    assert run("require-separation-of-duties", case("r33p-52")) == []


def test_secret_stack_output_without_a_database_password():
    assert run(MFA, case("r33p-57")) == []
    secret = (
        "the stack exports secret output(s) {}: outputs carry no dependencies, so what they hold (a "
        "password, key or token) cannot be judged, and whoever reads the stack's state (`pulumi stack output "
        f"--show-secrets`) holds it with no second factor; do not export secrets: {_FIX}"
    )
    assert _of(run(MFA, case("r33p-09")), "corpus-corpus") == [secret.format("`ginaSecretAccessKey`")]
    assert _of(run(MFA, case("r33p-12")), "corpus-corpus") == [secret.format("`reportingPassword`")]


def test_plain_credential_outputs():
    assert run(MFA, case("r33p-56")) == []
    assert _of(run(MFA, case("r33p-10")), "corpus-corpus") == _plain("`exportSas` (a SAS signature)")
    assert _of(run(MFA, case("r33p-11")), "corpus-corpus") == _plain(
        "`cosmosPrimaryKey` (base64 key material; a digest is read as one under a name ending in hash, "
        "digest, sha256, checksum, thumbprint or fingerprint whose stem names no key, secret, password or "
        "token, a certificate or public key as its PEM)"  # round 35 wording
    )
    assert _of(run(MFA, case("r33p-17")), "corpus-corpus") == _plain(
        "`importStorage` (a key or password in a connection string)"
    )
    named = patch(case("r33p-56"), "corpus-corpus", db={"adminPassword": "Welkom2026"})
    assert _of(run(MFA, named), "corpus-corpus") == _plain(
        "`db.adminPassword` (its name says it is a password, key or token)"
    )
    arn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db"
    ref = patch(case("r33p-56"), "corpus-corpus", dbPasswordSecretArn=arn)
    assert run(MFA, ref) == []  # a reference to a secret, not the secret


def test_event_api_modes():
    assert run(PUB, case("r33p-53")) == []
    assert run(PUB, case("r33p-54")) == []
    assert _of(run(PUB, case("r33p-03")), "events") == [
        "the Event API accepts API_KEY: a key handed to the front end identifies no one, so anyone who "
        f"copies it connects, publishes and subscribes to the API's channels; {_MODES}"
    ]
    assert _of(run(PUB, case("r33p-04")), "events-ns") == [
        "the channel namespace overrides its API's modes with API_KEY: anyone who copies the key publishes "
        f"or subscribes to its channels; {_MODES}"
    ]
    assert _of(run(PUB, case("r33p-14")), "events-ns") == [
        "the channel namespace's `apiId` is not an output of a GraphQL or Event API of this stack, so who "
        "may call the API cannot be judged; create it with `api_id=<the stack's GraphQLApi or Api>.id`"
    ]
    key = case("r33p-03")
    next(r for r in key if r["name"] == "events-key")["refs"] = {}
    assert _of(run(PUB, key), "events-key") == [
        "the API key's `apiId` is not an output of a GraphQL or Event API of this stack, so who may call the "
        "API cannot be judged; create it with `api_id=<the stack's GraphQLApi or Api>.id`"
    ]
    bare = copy.deepcopy(case("r33p-53"))
    next(r for r in bare if r["name"] == "events")["inputs"].pop("eventConfig")
    assert _of(run(PUB, bare), "events") == [
        "the Event API lists no `eventConfig.authProviders`, so who may connect, publish and subscribe "
        "cannot be judged; list its modes"
    ]
    odd = patch(case("r33p-53"), "events-ns", publishAuthModes="AWS_IAM")
    assert _of(run(PUB, odd), "events-ns") == [
        "`publishAuthModes` is not a list of `authType` modes, so who may publish and subscribe on the "
        "namespace cannot be judged; list each mode"
    ]
    unknown = patch(case("r33p-53"), "events-ns", subscribeAuthModes=[{"authType": UNKNOWN}])
    assert _of(run(PUB, unknown), "events-ns") == [
        "`subscribeAuthModes` is unknown during preview, so who may publish and subscribe on the namespace "
        "cannot be judged; the resource is treated as non-compliant (fail closed)"
    ]


def test_event_api_logs():
    assert run(SIEM, case("r33p-53")) == []
    assert run(SIEM, case("r33p-54")) == []
    tail = (
        ": who connected, published or subscribed to which dossier's channel is recorded nowhere the SOC "
        "sees; set a logConfig at INFO or ALL"
    )
    assert _of(run(SIEM, case("r33p-05")), "events") == [
        "the Event API logs at `eventConfig.logConfig.logLevel` 'ERROR'" + tail
    ]
    assert _of(run(SIEM, case("r33p-15")), "events") == ["the Event API has no `logConfig`" + tail]


def test_data_factory_sap_odata_and_runtimes():
    assert run(TLS, case("r33p-55")) == []
    assert run(TLS, case("r33p-59")) == []
    assert _of(run(TLS, case("r33p-08")), "ls-sapecc") == [
        "`properties.url` is 'http://sapecc.example.be:8000/sap/opu/odata/sap/ZCUSTOMERS_SRV/': use https://"
    ]
    fix = (
        ": what it keeps and how it reaches the stores cannot be judged; use a Managed runtime without "
        "`ssisProperties` or a SelfHosted runtime of this factory, whose linked services are judged one by "
        "one"
    )
    assert _of(run(TLS, case("r33p-18")), "ir-ssis") == ["the integration runtime is running SSIS" + fix]
    shared = copy.deepcopy(case("r33p-59"))
    ir = next(r for r in shared if r["name"] == "ir-shir")
    linked = {"authorizationType": "RBAC", "resourceId": "/subscriptions/s/x"}
    ir["inputs"]["properties"]["linkedInfo"] = linked
    assert _of(run(TLS, shared), "ir-shir") == [
        "the integration runtime is shared from another factory (`linkedInfo`)" + fix
    ]
    ir["inputs"]["properties"] = {"type": "Elastic"}
    assert _of(run(TLS, shared), "ir-shir") == ["the integration runtime is of type 'Elastic'" + fix]
    ir["inputs"]["properties"] = UNKNOWN
    assert _of(run(TLS, with_(shared)), "ir-shir") == [
        "`properties` is unknown during preview, so how the runtime reaches the stores cannot be judged; the "
        "resource is treated as non-compliant (fail closed)"
    ]
