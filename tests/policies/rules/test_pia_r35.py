"""Round-35 blind probe classes (docs/pia-conditions.md, round 35): credentials in clear in workload
settings (Lambda, ECS task definitions, container apps, App Service), hex key material and digest names whose
stem names a credential in stack outputs, exportable Key Vault keys, KMS key material imported by the
program, and credentials inline in Data Factory links. One failing mutation per message, exact text."""

import json

from ruletest import case, patch, res, run
from ruletest import messages_of as _of
from ruletest import settings_message as _settings

MFA, CMK = "require-admin-mfa", "require-customer-managed-keys"
_DIGEST = (
    "a digest is read as one under a name ending in hash, digest, sha256, checksum, thumbprint or "
    "fingerprint whose stem names no key, secret, password or token"
)
_FIX = (
    "keep the credential in a Key Vault or Secrets Manager secret of this stack whose readers the gate "
    "weighs and export its name or ARN, or give the reader an Entra or IAM identity instead"
)
_HEX64 = "9c4b1e7f0a3d5c8e2b6f4a1d7e9c0b3f5a8d2e6c1f4b7a0d3e9c5b8f2a6d1e4c"  # checkov:skip=CKV_SECRET_6: fake


def _plain(names: str) -> list[str]:
    return [
        f"the stack exports output(s) {names} in clear: whoever reads the stack's state reads them, and an "
        "invoke's result (listKeys, listStorageAccountSAS, listDatabaseAccountKeys) is not secret unless the "
        f"program marks it; do not export credentials: {_FIX}"
    ]


def _inline(where: str, why: str) -> list[str]:
    return [
        f"`{where}` holds a credential inline ({why}): it sits in the program, its configuration and the "
        "state under no customer-managed key (the service encrypts only its own copy); reference a Key Vault "
        "secret instead (a Data Factory `{type: AzureKeyVaultSecret, store: <a Key Vault linked service>, "
        "secretName}`, a container app secret's `keyVaultUrl` with an identity) or sign in with a managed "
        "identity"
    ]


_LAMBDA = "lambda:GetFunctionConfiguration"
_NAMED = "its name says it is a password, key or token"


def test_compliant_programs_pass():
    for stem in ("r35p-51", "r35p-52", "r35p-54", "r35p-55", "r35p-56"):
        assert run(MFA, case(stem)) == [], stem
    for stem in ("r35p-53", "r35p-57"):
        assert run(CMK, case(stem)) == [], stem


def test_lambda_environment_credentials():
    found = _settings(f"`environment.variables.MAGDA_CLIENT_SECRET` ({_NAMED})", _LAMBDA)
    assert _of(run(MFA, case("r35p-11")), "fn") == found
    env = {"variables": {"MAGDA_CLIENT_ID": "eloket-prod", "MAGDA_SECRET_ARN": "arn:aws:secretsmanager:x"}}
    assert _of(run(MFA, patch(case("r35p-11"), "fn", environment=env)), "fn") == []
    shaped = {
        "variables": {"EXPORT": "postgresql://bi:Welkom2026@db.example.be/x"}
    }  # checkov:skip=CKV_SECRET_4
    assert _of(run(MFA, patch(case("r35p-11"), "fn", environment=shaped)), "fn") == _settings(
        "`environment.variables.EXPORT` (a password or token in a URL)", _LAMBDA
    )


def test_random_credentials_and_secret_values():
    found = _settings(
        "`environment.variables.WEBHOOK_AUTH` (a secret value written in clear), a value computed from "
        "webhook-token, a random credential of the program",
        _LAMBDA,
    )
    assert _of(run(MFA, case("r35p-16")), "fn") == found
    fed_only = patch(case("r35p-16"), "fn", environment={"variables": {"WEBHOOK_AUTH": "x"}})
    assert _of(run(MFA, fed_only), "fn") == _settings(
        "a value computed from webhook-token, a random credential of the program", _LAMBDA
    )
    assert _of(run(MFA, case("r35p-56")), "fn") == []  # a four-byte RandomId is a name suffix


def test_task_definition_container_app_and_web_app_settings():
    assert _of(run(MFA, case("r35p-12")), "api-task") == _settings(
        f"`containerDefinitions[0].environment[1]` (MAGDA_API_KEY: {_NAMED})", "ecs:DescribeTaskDefinition"
    )
    assert _of(run(MFA, case("r35p-06")), "capp") == _settings(
        f"`template.containers[0].env[2]` (SMTP_PASSWORD: {_NAMED})", "the container app's GET (Reader)"
    )
    web = "Microsoft.Web/sites/config/list/action"
    assert _of(run(MFA, case("r35p-07")), "app") == _settings(
        f"`siteConfig.appSettings[2]` (MAGDA_CLIENT_SECRET: {_NAMED})", web
    )
    assert _of(run(MFA, case("r35p-17")), "app-settings") == _settings(
        f"`properties.SMTP_PASSWORD` ({_NAMED})", web
    )
    conn = (
        "Server=tcp:sql.example,1433;Database=d;User ID=app;Password=Welkom2026"  # checkov:skip=CKV_SECRET_6
    )
    strings = res(
        "conns",
        "azure-native:web:WebAppConnectionStrings",
        {
            "name": "app-corpus",
            "resourceGroupName": "rg-corpus",
            "properties": {"dossiers": {"value": conn, "type": "SQLAzure"}},
        },
    )
    assert _of(run(MFA, [*case("r35p-52"), strings]), "conns") == _settings(
        "`properties.dossiers` (a key or password in a connection string)", web
    )


def test_hex_key_material_and_credential_stems_in_outputs():
    assert _of(run(MFA, case("r35p-04")), "corpus-corpus") == _plain(
        f"`exportKeySha256` (hex key material; {_DIGEST})"
    )
    ok = patch(case("r35p-04"), "corpus-corpus", exportKeySha256=None, exportSha256=_HEX64)
    assert _of(run(MFA, ok), "corpus-corpus") == []
    assert _of(run(MFA, case("r35p-15")), "corpus-corpus") == _plain(
        f"`webhookSecretSha256` (base64 key material; {_DIGEST}, a certificate or public key as its PEM)"
    )
    host = patch(
        case("r35p-15"),
        "corpus-corpus",
        webhookSecretSha256=None,
        sshHostKeyFingerprint="q2Vx8RbT0mZp4LcN7yHs1KdW9fJg3QaE6uXo5iBv+tA=",  # checkov:skip=CKV_SECRET_6
    )
    assert _of(run(MFA, host), "corpus-corpus") == []  # a host key's fingerprint


def test_exportable_key_vault_key():
    msg = (
        "the key is exportable (`properties.attributes.exportable` true or a `properties.releasePolicy`): "
        "Key Vault releases its private key to any environment its release policy's attestation authority "
        "vouches for, outside the vault the controller holds; leave exportable false and set no release "
        "policy"
    )
    assert _of(run(CMK, case("r35p-02")), "cmk") == [msg]
    props = json.loads(
        json.dumps(next(r for r in case("r35p-02") if r["name"] == "cmk")["inputs"]["properties"])
    )
    props.pop("releasePolicy")
    assert _of(run(CMK, patch(case("r35p-02"), "cmk", properties=props)), "cmk") == [msg]  # exportable alone
    props["attributes"]["exportable"] = False
    assert _of(run(CMK, patch(case("r35p-02"), "cmk", properties=props)), "cmk") == []


def test_imported_key_material():
    msg = (
        "`keyMaterialBase64` imports key material the program holds: it sits in the program, its "
        "configuration and the state, whoever reads them decrypts outside KMS, and imported material does "
        "not rotate automatically; leave it unset and import material generated and wrapped in the "
        "controller's HSM outside the program, or use a KMS key with rotation"
    )
    assert _of(run(CMK, case("r35p-03")), "table-key") == [msg]
    unset = [
        r
        for r in patch(case("r35p-03"), "table-key", keyMaterialBase64=None)
        if r["name"] != "table-key-material"
    ]
    for r in unset:
        r.get("refs", {}).pop("keyMaterialBase64", None)
    assert _of(run(CMK, unset), "table-key") == []
    replica = res(
        "replica",
        "aws:kms/replicaExternalKey:ReplicaExternalKey",
        {"primaryKeyArn": "arn:aws:kms:eu-west-1:111122223333:key/mrk-1", "keyMaterialBase64": "[secret]"},
    )
    assert _of(run(CMK, [*unset, replica]), "replica") == [msg]


def test_data_factory_inline_credentials():
    assert _of(run(CMK, case("r35p-01")), "ls-onprem-sql") == _inline(
        "properties.password", "a SecureString written in the program"
    )
    assert _of(run(CMK, case("r35p-13")), "ls-s3") == _inline(
        "properties.secretAccessKey", "a SecureString written in the program"
    )
    assert _of(run(CMK, case("r35p-14")), "ls-blob") == _inline(
        "properties.connectionString", "a key or password in a connection string"
    )
    link = next(r for r in case("r35p-13") if r["name"] == "ls-s3")
    fake = "wJalrXUtnFEMI-K7MDENG-bPxRfiCY"  # checkov:skip=CKV_SECRET_6: fake
    props = {**link["inputs"]["properties"], "secretAccessKey": fake}
    assert _of(run(CMK, patch(case("r35p-13"), "ls-s3", properties=props)), "ls-s3") == _inline(
        "properties.secretAccessKey", _NAMED
    )
    props["secretAccessKey"] = {
        "type": "AzureKeyVaultSecret",
        "store": {"referenceName": "ls-kv"},
        "secretName": "s3",
    }
    props["encryptedCredential"] = (
        "ew0KICAiVmVyc2lvbiI6ICIyMDE3LTExLTMwIiwNCiAgIlByb3RlY3Rpb25Nb2RlIjogIktleSIsDQo="
    )
    assert _of(run(CMK, patch(case("r35p-13"), "ls-s3", properties=props)), "ls-s3") == []


def test_container_app_secret_by_value():
    assert _of(run(CMK, case("r35p-18")), "capp") == _inline(
        "configuration.secrets[1].value", "a secret value written in the program"
    )
    assert _of(run(CMK, case("r21p-54")), "capp") == []  # by keyVaultUrl only
