"""The driver's fast JSON readers build exactly what checkov's YAML loaders build from the same file."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from checkov_states import scenarios
from gate.checkov import runner, toolenv

HERE = Path(runner.__file__).parent

# Run in checkov's environment: each document read both ways, compared by type, value, key order, marks.
COMPARE = """
import json, sys
sys.path.insert(0, sys.argv[1])
import fastparse
from checkov.cloudformation.parser import cfn_yaml
from checkov.common.parsers.yaml import loader

def shape(x):
    line = getattr(getattr(x, "start_mark", None), "line", None)
    if isinstance(x, dict):
        return (type(x).__name__, [(shape(k), shape(v)) for k, v in x.items()], line)
    if isinstance(x, list):
        return (type(x).__name__, [shape(v) for v in x], line)
    return (type(x).__name__, x if x == x else "nan", sorted(getattr(x, "__dict__", {})))

out = []
for name in sys.argv[2:]:
    text = open(name).read()
    if "planned_values" in text:
        slow, fast = cfn_yaml.loads(text, name, cfn_yaml.ContentType.TFPLAN), fastparse.plan_loads(text, name)
    else:
        slow, fast = loader.loads(text), fastparse.arm_loads(text)
    out.append([fastparse.one_line_json(text), shape(slow) == shape(fast)])
print(json.dumps(out))
"""


def _compare(files: list[Path]) -> list[list[bool]]:
    done = subprocess.run([str(toolenv.ensure()), "-c", COMPARE, str(HERE), *map(str, files)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_fast_readers_equal_checkovs_loaders(tmp_path: Path) -> None:
    files = [tmp_path / d.name for stack, state in scenarios().items()
             for d in runner.export_stack(stack, state, tmp_path / stack).documents]
    for f in files:   # as the shards hold them: one line, no final newline
        f.write_text(json.dumps(json.loads((tmp_path / f.name.split(".")[0] / f.name).read_text()),
                                separators=(",", ":")))
    edge = {"format_version": "1.2", "terraform_version": "1", "$schema": "x", "contentVersion": "1",
            "planned_values": {"root_module": {"resources": [{"address": "a.b", "values": {
                "numbers": [1e20, 1.5, -0.0, float("nan"), float("inf"), 1.5e-05, 0, -3, 10**30],
                "text": 'caf\u00e9 "q" \\ \n\t', "empty": {}, "none": [], "null": None, "yes": True,
                "nested": [[1, ["x"]], {"k": "v"}]}}]}}}
    (tmp_path / "edge.tfplan.json").write_text(json.dumps(edge))
    arm = {k: v for k, v in edge.items() if k != "planned_values"} | {"resources": [edge["planned_values"]]}
    (tmp_path / "edge.arm.json").write_text(json.dumps(arm) + "\n")
    files += [tmp_path / "edge.tfplan.json", tmp_path / "edge.arm.json"]
    assert len(files) >= 4 and _compare(files) == [[True, True]] * len(files)


def test_other_files_go_to_checkovs_loader() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("fastparse", HERE / "fastparse.py")
    assert spec and spec.loader
    fastparse = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fastparse)
    assert fastparse.one_line_json('{"a": 1}\n')
    assert not fastparse.one_line_json('{"a":\n 1}')                  # several lines: line numbers differ
    assert not fastparse.one_line_json('{"a": "\u00e9"}')             # non-ASCII
    assert not fastparse.one_line_json('{"a": "\\ud83d\\ude00"}')     # YAML keeps the two halves apart
    assert not fastparse.one_line_json("a: 1")
