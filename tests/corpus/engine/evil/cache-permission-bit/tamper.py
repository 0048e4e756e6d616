"""Makes the program copy's deploy.sh executable (the cache dir is argv[1], the copy beside it)."""
import os
import sys
from pathlib import Path

os.chmod(Path(sys.argv[1]).parent / "program" / "deploy.sh", 0o755)
