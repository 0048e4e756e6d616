"""Round-54 classes (docs/pia-conditions.md, round 54): a WorkSpaces directory and its IP access control
groups, still refused by the closed world, now say how to make the program judgeable, as the WorkSpace
itself has since round 53. Fails on the code before the round (they got the generic text)."""

from __future__ import annotations

from ruletest import case, run
from ruletest import messages_of as _of

JUDGEABLE = "require-judgeable-data-types"


def test_workspaces_directories_and_ip_groups_say_how_to_make_them_judgeable():
    want = "stream the work from an AppStream 2.0 fleet"
    for name in ("r54p-01", "r54p-02", "r54p-03", "r54p-60"):
        found = run(JUDGEABLE, case(name))
        for where in ("desk", "wsdir", "wsips"):
            mine = _of(found, where)
            assert len(mine) == 1 and want in mine[0], (name, where)
