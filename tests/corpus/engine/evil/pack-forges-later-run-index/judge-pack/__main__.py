"""Round 49: a later run's index made up over the set (pack-rewrites-published-set's pack)."""
import runpy
import sys
from pathlib import Path

sys.corpus_r49_case = "later"
runpy.run_path(str(Path(__file__).resolve().parents[2] / "pack-rewrites-published-set" / "judge-pack"
                   / "__main__.py"), run_name="__main__")
