import sys
from pathlib import Path

if __package__ in (None, ""):  # `python scripts/exit_drill`: import the package by name, not its files
    here = str(Path(__file__).resolve().parent)
    sys.path[:] = [p for p in sys.path if str(Path(p or ".").resolve()) != here]
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from exit_drill.cli import main

sys.exit(main())
