"""Round 49: a process forked at exit rewrites the set once the gate's parent let its lock go (pack-rewrites-published-set's pack)."""
import runpy
import sys
from pathlib import Path

sys.corpus_r49_case = "daemon"
runpy.run_path(str(Path(__file__).resolve().parents[2] / "pack-rewrites-published-set" / "judge-pack"
                   / "__main__.py"), run_name="__main__")
