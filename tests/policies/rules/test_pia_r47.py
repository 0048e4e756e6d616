"""Round-47 classes (docs/pia-conditions.md, round 47): EC2 Instance Connect's shells counted as data
access and as a person's, its endpoints judged; Amazon Managed Grafana's SAML admin role values and its
key; Azure Automation accounts as a judged store. Each test fails on the code before the round."""

from __future__ import annotations

import json

from ruletest import case, patch, run, with_
from ruletest import messages_of as _of

from policies.core.iam.catalogue import data_access

MFA = "require-admin-mfa"
SOD = "require-separation-of-duties"
PUBLIC = "disallow-public-data-access"
CMK = "require-customer-managed-keys"
JUDGEABLE = "require-judgeable-data-types"
SHELLS = "ec2-instance-connect:opentunnel, ec2-instance-connect:sendsshpublickey"


def test_instance_connect_shells_are_data_access():
    assert {"ec2-instance-connect:opentunnel", "ec2-instance-connect:sendsshpublickey"} <= data_access()
    # an MFA Deny sparing ec2-instance-connect:* no longer enforces MFA
    assert len(_of(run(MFA, case("r47p-01")), "gina")) == 1
    assert run(MFA, case("r6-user-mfa-aws-documented")) == []


def test_a_key_that_may_open_a_shell_is_a_persons():
    assert _of(run(MFA, case("r47p-02")), "tunnel-user") == [
        f"the IAM user signs in with a long-term access key and may open shells ({SHELLS}): a shell is a "
        "person at the hosts' data, and whoever holds the key gets one without a second factor; deny its "
        "actions without MFA (Deny … BoolIfExists aws:MultiFactorAuthPresent false) or give shells to a "
        "role people assume with MFA"
    ]
    deny = {"Effect": "Deny", "Action": "*", "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}
    allow = {"Effect": "Allow", "Action": ["ec2-instance-connect:OpenTunnel"], "Resource": "*"}
    policy = json.dumps({"Version": "2012-10-17", "Statement": [allow, deny]})
    assert run(MFA, patch(case("r47p-02"), "tunnel-policy", policy=policy)) == []
    reads = json.dumps({"Version": "2012-10-17", "Statement": [{**allow, "Action": ["s3:GetObject"]}]})
    assert run(MFA, patch(case("r47p-02"), "tunnel-policy", policy=reads)) == []  # a workload's key


def test_instance_connect_endpoints_are_judged():
    assert run(PUBLIC, case("r46p-53")) == [] and run(JUDGEABLE, case("r46p-53")) == []
    assert _of(run(PUBLIC, case("r47p-03")), "eice") == [
        "the endpoint names no `securityGroupIds`: it takes the VPC's default group and a tunnel reaches "
        "every host and port of the VPC; name a group allowing SSH/RDP to the admin hosts"
    ]
    assert _of(run(PUBLIC, patch(case("r46p-53"), "eice", preserveClientIp=False)), "eice") == [
        "`preserveClientIp` is false: the hosts see the endpoint's address, not the client's, so their "
        "security groups admit every tunnel; keep the client's IP (the default)"
    ]
    assert run(PUBLIC, patch(case("r46p-53"), "eice", preserveClientIp=None)) == []  # AWS's default: true


def test_amazon_managed_grafana_saml_admin_role_values():
    assert _of(run(SOD, case("r47p-04")), "grafana-saml") == [
        "`adminRoleValues` (dba-and-keys) make members of IdP groups Grafana Admins (access rights over the "
        "dashboards), and whether they also hold another function is in the IdP, not in the program: give "
        "Grafana Admin through a role association of an Identity Center group of the stack"
    ]
    assert run(SOD, case("r47p-50")) == []  # editors only
    assert run(SOD, patch(case("r47p-04"), "grafana-saml", adminRoleValues=[])) == []


def test_amazon_managed_grafana_key():
    assert _of(run(CMK, case("r47p-05")), "grafana") == [
        "`kmsKeyId` is not set: the data would be encrypted with a provider-managed key"
    ]
    assert run(CMK, case("r45p-52")) == [] and run(CMK, case("r47p-50")) == []


def test_automation_accounts_are_a_judged_store():
    assert run(JUDGEABLE, case("r46p-50")) == [] and run(CMK, case("r46p-50")) == []
    assert run(PUBLIC, case("r46p-50")) == []
    assert _of(run(CMK, case("r47p-06")), "automation") == [
        "`encryption.keySource` is 'Microsoft.Automation'; encryption with a customer-managed key requires "
        "'Microsoft.Keyvault'",
        "`encryption.keyVaultProperties.keyName` is not set: the data would be encrypted with a "
        "provider-managed key",
    ]
    assert _of(run(PUBLIC, case("r47p-07")), "automation") == [
        "`publicNetworkAccess` is True (the default): the account's webhook and hybrid-worker endpoints "
        "answer the internet"
    ]
    unlogged = with_(case("r46p-50"), drop=("diag-automation",))
    assert _of(run("require-siem-logging", unlogged), "automation") == [
        "no diagnostic setting sends this resource's logs to the SIEM workspace"
    ]
