"""`python -m gate` = the `gate` console script."""

import sys

from gate.cli import main

sys.exit(main())
