"""Policy pack `pia-conditions` (run by `pulumi preview --policy-pack policies/pia_conditions` and by the "
"gate)."""

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from policies.packs import build  # noqa: E402

build("pia-conditions")
