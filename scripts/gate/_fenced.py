"""`python -m gate._fenced DIR TREES CMD ARGS...`: `gate._leashed` under the kernel's write fence (round 46).

CMD is a program's own Python (its environment's pulumi version probe, a recording worker): its startup
code (`sitecustomize`, a `.pth` import line) runs before any code of the gate in it, and it ran before the
worker's own fence (round 44), free to write anywhere. This process, the gate's Python, installs the fence
(gate.write_fence: writes only beneath TREES, `os.pathsep`-separated, and to /dev/null) and then starts
CMD in DIR ("": here); Landlock holds for the children of the fenced thread and across `exec`. Without
Landlock CMD runs as under `gate._leashed` (the worker's result says why, and the gate warns)."""

import os
import subprocess
import sys

from gate import write_fence

if __name__ == "__main__":
    write_fence.install([t for t in sys.argv[2].split(os.pathsep) if t])
    sys.exit(subprocess.call(sys.argv[3:], cwd=sys.argv[1] or None))
