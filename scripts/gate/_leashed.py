"""`python -m gate._leashed DIR CMD ARGS...`, started on a leash by `gate.procs.run_steps`: a command that is
no Python module (an installer: uv, its wrapper, pip's console) run as a child in this process group, the
group the leash kills when the gate ends, SIGKILL included (round 26: an install ran on after the gate).
CMD runs in DIR ("": here); this process stays where the gate is, where its PYTHONPATH finds `gate`."""

import subprocess
import sys

if __name__ == "__main__":
    sys.exit(subprocess.call(sys.argv[2:], cwd=sys.argv[1] or None))
