"""Round-34 blind probe classes (docs/pia-conditions.md, round 34): credentials of other shapes exported in
clear (an AWS secret access key, a PEM private key plain or base64, a password in a URL, keys in App
Configuration connection strings, documented token prefixes and JWTs), and public material or digests no
longer read as keys. One failing mutation per message, exact text."""

import base64

from ruletest import case, patch, run
from ruletest import messages_of as _of

MFA = "require-admin-mfa"
_FIX = (
    "keep the credential in a Key Vault or Secrets Manager secret of this stack whose readers the gate "
    "weighs and export its name or ARN, or give the reader an Entra or IAM identity instead"
)
_B64 = (  # round 35 wording: thumbprint, and a stem naming a credential declares no digest
    "base64 key material; a digest is read as one under a name ending in hash, digest, sha256, checksum, "
    "thumbprint or fingerprint whose stem names no key, secret, password or token, a certificate or public "
    "key as its PEM"
)


def _plain(names: str) -> list[str]:
    return [
        f"the stack exports output(s) {names} in clear: whoever reads the stack's state reads them, and an "
        "invoke's result (listKeys, listStorageAccountSAS, listDatabaseAccountKeys) is not secret unless the "
        f"program marks it; do not export credentials: {_FIX}"
    ]


def _out(stem: str, **outputs: object) -> list[str]:
    return _of(run(MFA, patch(case(stem), "corpus-corpus", **outputs)), "corpus-corpus")


def test_compliant_outputs_pass():
    for stem in ("r34p-51", "r34p-52", "r34p-53", "r34p-54", "r34p-55", "r34p-56", "r34p-57", "r34p-61"):
        assert run(MFA, case(stem)) == [], stem


def test_aws_secret_access_key_under_a_neutral_name():
    assert _of(run(MFA, case("r34p-01")), "corpus-corpus") == _plain(f"`ci.value` ({_B64})")
    key_id = "AKIAIOSFODNN7EXAMPLE"  # checkov:skip=CKV_SECRET_2: AWS documentation example id
    assert _out("r34p-01", ci={"id": key_id, "value": "dossiers-ci-deployer"}) == []


def test_private_keys_plain_or_base64():
    private = _plain("`bastionIdentity` (a private key)")
    assert _of(run(MFA, case("r34p-02")), "corpus-corpus") == private
    assert _of(run(MFA, case("r34p-05")), "corpus-corpus") == _plain("`kube.clientKeyData` (a private key)")
    pem = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUZmFrZQ\n-----END CERTIFICATE-----\n"
    ca = base64.b64encode(pem.encode()).decode()
    assert _out("r34p-05", kube={"clientCertificateData": ca}) == []  # a certificate is public


def test_passwords_in_urls():
    assert _of(run(MFA, case("r34p-03")), "corpus-corpus") == _plain(
        "`reportingDsn` (a password or token in a URL)"
    )
    dsn = "postgresql://bi_reader@psql-corpus.postgres.database.azure.com:5432/rapportage?sslmode=require"
    assert _out("r34p-03", reportingDsn=dsn) == []  # Entra token at connect time, no password
    query = "https://api.example.be/export?format=csv&api_key=Zk3vP9qLm2"
    assert _out("r34p-03", reportingDsn=query) == _plain("`reportingDsn` (a password or token in a URL)")


def test_connection_string_secrets():
    assert _of(run(MFA, case("r34p-04")), "corpus-corpus") == _plain(
        "`featureFlags` (a key or password in a connection string)"
    )
    assert run(MFA, case("r34p-61")) == []  # Endpoint= only


def test_documented_token_shapes():
    assert _of(run(MFA, case("r34p-06")), "corpus-corpus") == _plain(
        "`dashboardBearer` (a token of a documented shape)"
    )
    pat = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
    assert _out("r34p-06", dashboardBearer=pat) == _plain("`dashboardBearer` (a token of a documented shape)")


def test_digest_only_under_a_digest_name():
    digest = "zREhCtTWzGciu9/dxX7IYnlK2GELWWb1PhkhmkjdGOc="  # checkov:skip=CKV_SECRET_6: a SHA-256 digest
    assert _out("r34p-56", apiCodeSha256=digest) == []
    assert _out("r34p-56", apiCodeSha256=None, apiCodeVersion=digest) == _plain(f"`apiCodeVersion` ({_B64})")
