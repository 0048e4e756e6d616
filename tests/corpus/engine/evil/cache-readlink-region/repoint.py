"""The link settings/region of the program beside the cache dir (argv[1]) made, to us-east-1."""
import os
import sys
from pathlib import Path

os.symlink("us-east-1", Path(sys.argv[1]).parent / "program" / "settings" / "region")
