"""Fixtures: a small catalogue, a gate verdict and a checkpoint with planted secrets."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evidence.model import StackEvidence
from gate.model import PolicyRun, StackReport, Violation

PSK = "Planted-Psk-7f3a9c1e55"  # a VPN pre-shared key that must never reach the bundle
DB_PASSWORD = "Planted-DbPw-91bd0c2e"  # a database password that must never reach the bundle
SIG = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}
PROJECT = Path(__file__).resolve().parents[2]


def gate_preview(out: Path, stack: str, *args: str, as_of: str) -> int:
    """`gate preview` of this project's STACK into OUT in a subprocess, as CI runs it: its exit code."""
    env = {**os.environ, "PYTHONPATH": f"{PROJECT}{os.pathsep}{PROJECT / 'scripts'}"}
    cmd = [sys.executable, "-m", "gate", "preview", "--stack", stack, "--out", str(out), "--format", "json",
           "--as-of", as_of, *args]
    return subprocess.run(cmd, cwd=PROJECT, env=env, capture_output=True, check=False).returncode


def copy_gate_dir(run: Path, tmp_path: Path) -> Path:
    """A gate dir's published files, copied for a test to edit (not its caches, run dirs or lock)."""
    dest = tmp_path / "gate"
    shutil.copytree(run, dest, symlinks=True, ignore=shutil.ignore_patterns("cache", ".runs", ".gate.lock"))
    return dest


@dataclass
class Source:
    doc: str
    paragraph: str
    seed_file: str = ""
    quote: str = ""


@dataclass
class Control:
    id: str
    title: str
    statement: str
    kind: str
    sources: list[Source]
    gdpr: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    components: list[str] = field(default_factory=list)
    checkov: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)


@dataclass
class Catalogue:
    controls: list[Control]

    def control(self, cid: str) -> Control:
        return next(c for c in self.controls if c.id == cid)

    def rules_for(self, cid: str) -> list[str]:
        return list(self.control(cid).rules)


@dataclass
class Rule:
    id: str
    resource_types: frozenset[str]


def catalogue() -> Catalogue:
    """Five controls, one per status the report shows."""
    return Catalogue(
        [
            Control(
                "ENC-KEY-ROTATION",
                "Customer keys rotate",
                "Keys are rotated regularly.",
                "technical",
                [Source("R2016", "Encryption", "002_9949e56b2ba5ecc9.txt", "regelmatige her-encryptie")],
                gdpr=["art. 32"],
                rules=["require-kms-rotation"],
                evidence=["enableKeyRotation"],
            ),
            Control(
                "LOC-EEA",
                "EEA regions only",
                "Data stays in the EEA <b>backups</b> included.",
                "technical",
                [Source("CLOUD", "Servers")],
                rules=["require-eea-location"],
                components=["aws:rds/instance:Instance"],
            ),
            Control(
                "VPN-IPSEC",
                "IPsec between clouds",
                "Site-to-site IPsec.",
                "technical",
                [Source("DPA", "annex 3 a.ii")],
                rules=["require-ipsec-crypto"],
                checkov=["CKV_AWS_1"],
            ),
            Control(
                "LOG-TRAIL",
                "CloudTrail validated",
                "Log file validation on.",
                "technical",
                [Source("DPA", "annex 3 b.vii")],
                rules=["require-cloudtrail-validation"],
            ),
            Control(
                "ORG-PIA",
                "Residual risk accepted",
                "The leading official accepts the residual risk.",
                "organisational",
                [Source("D36", "§101 (7th)")],
            ),
        ]
    )


def rule_meta() -> dict[str, Rule]:
    return {
        "require-kms-rotation": Rule("require-kms-rotation", frozenset({"aws:kms/key:Key"})),
        "require-eea-location": Rule("require-eea-location", frozenset({"aws:rds/instance:Instance"})),
        "require-ipsec-crypto": Rule(
            "require-ipsec-crypto", frozenset({"aws:ec2/vpnConnection:VpnConnection"})
        ),
        "require-cloudtrail-validation": Rule(
            "require-cloudtrail-validation", frozenset({"aws:cloudtrail/trail:Trail"})
        ),
    }


def checkpoint(stack: str = "portal-prod") -> dict[str, Any]:
    """A small `pulumi stack export` document with secrets both signed and merely named like secrets."""
    pre = f"urn:pulumi:{stack}::dosis-eloket::"
    return {
        "version": 3,
        "deployment": {
            "manifest": {},
            "resources": [
                {
                    "urn": pre + "pulumi:pulumi:Stack::dosis-eloket-" + stack,
                    "custom": False,
                    "type": "pulumi:pulumi:Stack",
                    "outputs": {"region": "eu-west-1"},
                },
                {
                    "urn": pre + "aws:kms/key:Key::data",
                    "custom": True,
                    "type": "aws:kms/key:Key",
                    "id": "k-1",
                    "inputs": {"enableKeyRotation": True, "description": "data <script>alert(1)</script>"},
                },
                {
                    "urn": pre + "aws:rds/instance:Instance::db",
                    "custom": True,
                    "type": "aws:rds/instance:Instance",
                    "id": "db-1",
                    "inputs": {
                        "storageEncrypted": True,
                        "identifier": "db <script>alert(1)</script>",
                        "password": {**SIG, "value": DB_PASSWORD},
                        "masterPassword": DB_PASSWORD,
                    },
                },
                {
                    "urn": pre + "aws:ec2/vpnConnection:VpnConnection::link",
                    "custom": True,
                    "type": "aws:ec2/vpnConnection:VpnConnection",
                    "id": "vpn-1",
                    "inputs": {"tunnel1PresharedKey": PSK, "tunnel2PresharedKey": {**SIG, "value": PSK}},
                },
            ],
        },
    }


def report(stack: str = "portal-prod") -> StackReport:
    pre = f"urn:pulumi:{stack}::dosis-eloket::"
    return StackReport(
        stack=stack,
        resources=3,
        violations=[
            Violation(
                "eu-residency",
                "require-eea-location",
                "mandatory",
                "high",
                pre + "aws:rds/instance:Instance::db",
                "aws:rds/instance:Instance",
                f"EEA only\nregion us-east-1 (debug {DB_PASSWORD})",
            ),
            Violation(
                "pia-conditions",
                "require-ipsec-crypto",
                "advisory",
                "high",
                pre + "aws:ec2/vpnConnection:VpnConnection::link",
                "aws:ec2/vpnConnection:VpnConnection",
                "[waived: require-ipsec-crypto until 2027-01-31, owner ciso@vlaio.be] weak DH",
                {
                    "rule": "require-ipsec-crypto",
                    "resource": "link",
                    "reason": "AWS lacks DH21",
                    "owner": "ciso@vlaio.be",
                    "expires": "2027-01-31",
                },
            ),
            Violation(
                "checkov",
                "CKV_AWS_79",
                "advisory",
                "medium",
                pre + "aws:kms/key:Key::data",
                "aws:kms/key:Key",
                "Ensure <instance> metadata v2",
            ),
        ],
        policies=[
            PolicyRun("pia-conditions", "require-kms-rotation", "mandatory", "high", "rotate", 1, 0),
            PolicyRun("eu-residency", "require-eea-location", "mandatory", "high", "eea", 3, 1),
            PolicyRun("pia-conditions", "require-ipsec-crypto", "mandatory", "high", "ipsec", 1, 1),
        ],
        resource_types={"aws:kms/key:Key": 1},
        regions={"eu-west-1": 3},
    )


def fake_collect(project: Path, stacks: list[str] | None, state_file: Path | None) -> list[StackEvidence]:
    names = stacks or ["portal-prod", "dosis-prod"]
    return [
        StackEvidence(
            stack=s,
            report=report(s),
            state=checkpoint(s),
            source="fixture",
            sarif='{"version": "2.1.0", "runs": []}',
        )
        for s in names
    ]
