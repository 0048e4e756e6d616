"""Round-54 classes (docs/pia-conditions.md, round 54): the WorkSpaces types the closed world still refuses
say how to make the program judgeable, not the WorkSpace alone. Since round 55 the WorkSpace, its directory
and IP groups are judged (test_pia_r55.py, r54p-01 to -03 there); the pool is what is left. Failed on the code
before round 54 (the generic text)."""

from __future__ import annotations

from ruletest import case, res, run
from ruletest import messages_of as _of

JUDGEABLE = "require-judgeable-data-types"


def test_workspaces_types_still_refused_say_how_to_make_them_judgeable():
    pool = res("pool", "aws:workspaces/pool:Pool", {"bundleId": "wsb-0123456789", "directoryId": "wsd-1"})
    mine = _of(run(JUDGEABLE, [*case("r54p-60"), pool]), "pool")
    assert len(mine) == 1 and "AppStream 2.0 fleet of the stack" in mine[0]
