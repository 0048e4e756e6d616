"""require-eea-state-backend: the state backend and secrets provider, read from the project's files."""

from __future__ import annotations

import pytest
from policy_testlib import graph, messages

ALLOWED = ["westeurope", "northeurope", "eu-west-1"]


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):
    monkeypatch.setenv("PULUMI_PROJECT", "proj")
    monkeypatch.delenv("PULUMI_BACKEND_URL", raising=False)


def project(tmp_path, backend: str | None, stack_file: str = "config: {}\n", stack: str = "dosis-prod"):
    text = "name: proj\nruntime: python\n" + (f"backend:\n  url: {backend}\n" if backend else "")
    (tmp_path / "Pulumi.yaml").write_text(text, encoding="utf-8")
    (tmp_path / f"Pulumi.{stack}.yaml").write_text(stack_file, encoding="utf-8")
    return {"allowedRegions": ALLOWED, "projectDirs": {"proj": str(tmp_path)}}


KMS = "secretsprovider: awskms://alias/eloket/state?region=eu-west-1\nconfig: {}\n"


def judge(config, stack="dosis-prod"):
    return [m for _, m in messages("require-eea-state-backend", graph(), config, stack=stack)]


def test_the_project_itself_passes(monkeypatch):
    monkeypatch.setenv("PULUMI_PROJECT", "dosis-eloket")
    config = {"allowedRegions": ALLOWED, "projectDirs": {"dosis-eloket": "."}}
    for stack in ("dosis-prod", "portal-prod", "interconnect-prod"):
        assert judge(config, stack) == []


def test_eu_bucket_and_kms_key_pass(tmp_path):
    assert judge(project(tmp_path, "s3://state?region=eu-west-1", KMS)) == []


def test_backends_outside_or_unplaceable(tmp_path):
    assert "no state backend is chosen" in judge(project(tmp_path, None, KMS))[0]
    assert "outside the EEA" in judge(project(tmp_path, "s3://state?region=us-east-1", KMS))[0]
    assert "on whatever machine" in judge(project(tmp_path, "file://~", KMS))[0]
    assert "declared external endpoint" in judge(project(tmp_path, "https://api.pulumi.com", KMS))[0]
    assert "not a declared endpoint with a region" in judge(project(tmp_path, "s3://state", KMS))[0]


def test_the_deploy_jobs_environment_chooses_the_backend(tmp_path, monkeypatch):
    """`pulumi` uses PULUMI_BACKEND_URL of the job it runs in, and the packs inherit that environment."""
    monkeypatch.setenv("PULUMI_BACKEND_URL", "azblob://state?storage_account=ststate")
    assert "not a declared endpoint with a region" in judge(project(tmp_path, None, KMS))[0]
    monkeypatch.setenv("PULUMI_BACKEND_URL", "s3://state?region=eu-west-1")
    assert judge(project(tmp_path, None, KMS)) == []
    monkeypatch.setenv("PULUMI_BACKEND_URL", "s3://state?region=us-east-1")
    assert "environment PULUMI_BACKEND_URL" in judge(project(tmp_path, None, KMS))[0]


def test_secrets_provider_of_a_confidential_stack(tmp_path):
    found = judge(project(tmp_path, "s3://state?region=eu-west-1", "encryptionsalt: v1:abc\nconfig: {}\n"))
    assert "encrypted with a passphrase" in found[0]
    gcp = judge(project(tmp_path, "s3://state?region=eu-west-1", "secretsprovider: gcpkms://x\nconfig: {}\n"))
    assert "gcpkms:// cannot be placed" in gcp[0]
    us = judge(
        project(
            tmp_path,
            "s3://s?region=eu-west-1",
            "secretsprovider: awskms://alias/k?region=us-west-2\nconfig: {}\n",
        )
    )
    assert "outside the EEA" in us[0]


def test_unlisted_project_cannot_be_placed(tmp_path):
    assert "not in the policy config `projectDirs`" in judge({"projectDirs": {}})[0]


def test_backend_decided_outside_the_repository(tmp_path, monkeypatch):
    [found] = judge(project(tmp_path, "$STATE_URL", KMS))
    assert found == (
        f"state backend '$STATE_URL' ({tmp_path}/Pulumi.yaml backend.url) is decided outside the repository; "
        "set it in Pulumi.yaml backend.url"
    )
    monkeypatch.setenv("PULUMI_BACKEND_URL", "${{ vars.STATE }}")
    [found] = judge(project(tmp_path, None, KMS))
    assert "(environment PULUMI_BACKEND_URL) is decided outside the repository" in found


def test_locations_that_name_no_region(tmp_path):
    assert judge(project(tmp_path, "s3://state?region=mars-1", KMS)) == [
        f"state backend 's3://state?region=mars-1' ({tmp_path}/Pulumi.yaml backend.url): 'mars-1' is no "
        "region"
    ]
    no_region = "secretsprovider: awskms://alias/eloket/state\nconfig: {}\n"
    assert judge(project(tmp_path, "s3://state?region=eu-west-1", no_region)) == [
        f"secrets provider 'awskms://alias/eloket/state' ({tmp_path}/Pulumi.dosis-prod.yaml): the awskms "
        "location states no region, so the state cannot be placed"
    ]


def test_default_secrets_key_of_a_confidential_stack(tmp_path):
    [found] = judge(project(tmp_path, "s3://state?region=eu-west-1"))
    assert found == (
        f"{tmp_path}/Pulumi.dosis-prod.yaml: secrets of this vertrouwelijk stack are encrypted with the "
        "backend's default key, not a key the controller holds; set `secretsprovider` to an awskms:// or "
        "azurekeyvault:// key in the EEA"
    )


def test_unreadable_project_files_block(tmp_path):
    config = project(tmp_path, "s3://state?region=eu-west-1", KMS)
    assert judge(config, stack="other") == [f"{tmp_path}/Pulumi.other.yaml: not found"]
    (tmp_path / "Pulumi.yaml").write_text("name: [", encoding="utf-8")
    found = judge(config)
    assert f"{tmp_path}/Pulumi.yaml: cannot be read (" in found[0], found


def test_a_stack_tagged_vertrouwelijk_needs_a_controller_key_without_a_pia_record(tmp_path):
    from policy_testlib import res

    config = project(tmp_path, "s3://state?region=eu-west-1", "encryptionsalt: v1:abc\nconfig: {}\n",
                     stack="corpus")
    tagged = res("aws:s3/bucket:Bucket", "b", {"tags": {"classification": "vertrouwelijk"}})
    plain = res("aws:s3/bucket:Bucket", "c", {"tags": {"classification": "intern"}})
    def found(*views):
        return [m for _, m in messages("require-eea-state-backend", graph(*views), config, stack="corpus")]

    [message] = found(plain, tagged)
    assert "secrets of this vertrouwelijk stack are encrypted with a passphrase" in message
    assert found(plain) == []


def test_an_endpoint_override_decides_where_the_state_goes(tmp_path):
    url = "s3://state?region=eu-west-1&endpoint=https://s3.us-east-1.amazonaws.com"
    [found] = judge(project(tmp_path, url, KMS))
    assert "us-east-1" in found
    assert judge(project(tmp_path, "s3://state?region=eu-west-1&endpoint=s3.eu-west-1.amazonaws.com",
                         KMS)) == []
