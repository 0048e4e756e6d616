"""Round-51 classes (docs/pia-conditions.md, round 51): Azure NetApp Files volumes' key (the volume's key
source and its account's encryption) and encryption in transit (NFSv4.1 krb5p, SMB encryption), so the closed
world judges a compliant volume; a Secrets Manager secret version written in the program. Each test fails
on the code before the round."""

from __future__ import annotations

from ruletest import case, run
from ruletest import messages_of as _of

CMK = "require-customer-managed-keys"
TLS = "require-tls-1-2"
JUDGEABLE = "require-judgeable-data-types"


def test_netapp_volumes_are_on_the_accounts_vault_key():
    assert "`encryptionKeySource` is 'not set (default Microsoft.NetApp)'" in (
        _of(run(CMK, case("r51p-01")), "anf-volume")[0]
    )
    assert "anf-account's `encryption.keySource` is not Microsoft.KeyVault" in (
        _of(run(CMK, case("r51p-02")), "anf-volume")[0]
    )
    assert "NetApp account is not a resource of this stack" in _of(run(CMK, case("r51p-03")), "anf-volume")[0]


def test_netapp_volumes_encrypt_in_transit():
    wants = {
        "r51p-04": "`protocolTypes` has NFSv3",
        "r51p-05": "`kerberosEnabled` is not true",
        "r51p-06": "admits NFSv3, krb5 or krb5i, or no krb5p",
        "r51p-07": "`smbEncryption` is not true",
    }
    for name, want in wants.items():
        assert want in _of(run(TLS, case(name)), "anf-volume")[0], name


def test_compliant_netapp_volumes_pass_the_closed_world():
    for name in ("r50p-netapp-volume-export-stack-subnet", "r51p-51"):
        ok = case(name)
        assert run(JUDGEABLE, ok) == [] and run(CMK, ok) == [] and run(TLS, ok) == [], name


def test_secret_versions_written_in_the_program_are_credentials_in_clear():
    found = _of(run(CMK, case("r51p-08")), "api-secret-version")
    assert len(found) == 1 and "`secretString` holds a credential inline" in found[0]
    assert "`secretStringWo`" in found[0]
    assert run(CMK, case("r50p-50")) == []  # fed, as a secret
