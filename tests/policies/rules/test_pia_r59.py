"""Round-59 classes (docs/pia-conditions.md, round 59). Security Lake subscribers, subscriber notifications
and AWS log sources were refused by the closed world: a subscriber of another account and a notification
posted to an undeclared host got past their rule, and the stack's own SIEM subscriber was blocked. Chaos
Studio's network security group fault was read by the parameter names round 56 wrote from memory; the fault
library spells the access `access` in its own sample and keys in more than one case, so a second spelling or
a repeated key decided what the fault opens unread. Each test of a fix fails on the code before the round."""

from __future__ import annotations

from ruletest import case, only, run

PUBLIC = "disallow-public-data-access"
CMK = "require-customer-managed-keys"
JUDGEABLE = "require-judgeable-data-types"


def test_a_security_lake_subscriber_is_an_account_of_the_stack():
    only(run(PUBLIC, case("r59p-01")), "siem-partner", "'999988887777', which is no account a provider")
    only(run(PUBLIC, case("r59p-02")), "siem-partner-role", "role/partner-siem', which is no account")
    for rule in (PUBLIC, CMK, JUDGEABLE):
        assert run(rule, case("r59p-50")) == [], rule


def test_a_subscriber_notification_leaves_only_for_a_declared_host():
    only(run(PUBLIC, case("r59p-03")), "siem-notify", "no HTTPS host the endpoints record declares")
    for rule in (PUBLIC, JUDGEABLE):
        assert run(rule, case("r59p-51")) == [], rule


def test_a_log_source_collects_only_where_the_stack_has_a_lake():
    only(run(CMK, case("r59p-04")), "trail-source", "collects records in 'eu-central-1'")


def test_chaos_nsg_fault_parameters_as_the_fault_library_writes_them():
    only(run(PUBLIC, case("r59p-10")), "experiment", "a rule whose action 'Deny' or direction 'Inbound'")
    only(run(PUBLIC, case("r59p-11")), "experiment", "gives sourceaddresses more than once")
    only(run(PUBLIC, case("r59p-12")), "experiment", "gives direction more than once")
    assert run(PUBLIC, case("r59p-52")) == []
