"""How a setting read from Secrets Manager is placed: by the secret's name in the ARN AWS gives (six random
characters appended) and an ECS `valueFrom`'s `:<json-key>:<version-stage>:<version-id>` after it; and which
setting names read a credential (a user name only at the end: `DB_USER`, not `USER_EXPORT_URL`)."""

from __future__ import annotations

import pytest

from policies.core.stored_refs import SM_SECRET, credential_name, stored_ref

ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:eloket/drupal/db_credentials-Ab12Cd"


@pytest.mark.parametrize("suffix", ["", ":username::", ":password:AWSCURRENT:", "::AWSPREVIOUS:",
                                    ":host::v-1"])
def test_a_secret_is_named_without_its_random_characters_or_what_ecs_appends(suffix):
    assert stored_ref(ARN + suffix, "EXPORT_URL_PARAMETER") == (
        "stored", f"{SM_SECRET}|eloket/drupal/db_credentials", False)


@pytest.mark.parametrize(("key", "credential"), [
    ("DB_USER", True), ("DB_USER_PARAMETER", True), ("dbUsername", True), ("DB_USER_NAME", True),
    ("SMTP_LOGIN", True), ("DB_PASSWORD", True),
    ("USER_EXPORT_URL", False), ("USER_EXPORT_URL_PARAMETER", False), ("EXPORT_TARGET", False),
    ("USERS_FEED", False), ("BROWSER", False),
])
def test_a_name_ending_in_a_user_name_reads_a_credential(key, credential):
    assert credential_name(key) is credential
