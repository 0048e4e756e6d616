"""Policy pack `eu-residency`: run by `pulumi preview --policy-pack policies/eu_residency` and the gate."""

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from policies.packs import build  # noqa: E402

build("eu-residency")
