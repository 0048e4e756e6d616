"""The pia-conditions coverage table: generated, current, and without gaps."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "dev"))

import gen_pia_coverage  # noqa: E402


def test_every_data_store_has_every_check_or_a_reason():
    gaps = {
        t: [a for a in ("CMK", "public", "TLS", "deletion") if a not in row]
        for t, row in gen_pia_coverage.matrix().items()
    }
    assert {t: g for t, g in gaps.items() if g} == {}


def test_the_reasons_name_only_judged_types():
    from policies.core.pia_types import PIA_DATA_STORES
    from policies.rules import disallow_public_data_access as pub
    from policies.rules import require_tls_1_2 as tls

    assert set(pub.NOT_APPLICABLE) <= PIA_DATA_STORES and set(tls.TLS_ELSEWHERE) <= PIA_DATA_STORES
    assert not set(pub.NOT_APPLICABLE) & set(pub.CHECKS) and not set(tls.TLS_ELSEWHERE) & set(tls.CHECKS)


def test_the_document_is_current():
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "dev" / "gen_pia_coverage.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr


def test_curated_data_stores_are_real_sdk_data_stores():
    from policies.core.pia_types import PIA_DATA_STORES
    from policies.core.types import class_of

    assert {t: class_of(t) for t in PIA_DATA_STORES if class_of(t) not in ("data-store", "key")} == {
        "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": "flow",
        # the generated classification files the whole dms module as regional; the instance's storage keeps
        # cached changes and task logs of the replicated database
        "aws:dms/replicationInstance:ReplicationInstance": "regional",
    }
