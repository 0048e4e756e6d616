"""Red-team round 24 of the residency pack: the classes its fixes close, tested at their boundary (the corpus
cases are tests/corpus/residency/{evil,good}/r24-*.yaml)."""

from __future__ import annotations

from policy_testlib import ALLOWED, graph, messages, res

LOCATION = "require-eea-location"
INHERITED = "require-eea-inherited-location"
EMAIL = "azure-native:communication:EmailService"
DOMAIN = "azure-native:communication:Domain"
NOT_IN_STACK = (
    "the resource has no location of its own (or one its service ignores): it lives in its parent "
    "(`emailServiceName` = 'partner-mail', `domainName` = 'AzureManagedDomain'), which is not a resource of "
    "this stack, so where its data is cannot be judged; create the parent in this stack (and pass its "
    "output) or create the resource in a parent of this stack"
)


def _domain(service: str, location: str = "global") -> object:
    return res(DOMAIN, "domain", {
        "resourceGroupName": "rg", "emailServiceName": service, "domainName": "AzureManagedDomain",
        "location": location, "domainManagement": "AzureManaged"})


# ------------------------------------------------------------ a `global` email domain lives in its service


def test_a_global_email_domain_is_placed_by_its_email_service_of_the_stack():
    mail = res(EMAIL, "mail", {
        "resourceGroupName": "rg", "name": "dosis-mail", "emailServiceName": "dosis-mail",
        "location": "global", "dataLocation": "Europe"})
    assert messages(LOCATION, _domain("dosis-mail"), ALLOWED) == []  # round 23: "`location` is 'global'"
    assert messages(INHERITED, graph(mail, _domain("dosis-mail")), ALLOWED) == []


def test_a_global_email_domain_of_no_service_of_the_stack_blocks():
    found = messages(INHERITED, graph(_domain("partner-mail")), ALLOWED)
    assert [m for _, m in found] == [NOT_IN_STACK]


def test_a_regional_location_on_an_email_domain_is_still_judged_as_its_own():
    assert messages(LOCATION, _domain("partner-mail", "eastus"), ALLOWED)
    assert messages(LOCATION, _domain("partner-mail", "westeurope"), ALLOWED) == []
