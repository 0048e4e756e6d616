"""Red-team round 98 of the residency pack: Lambda code fetched by the engine or from a file outside the
checkout (lambda_code.py), an exec form of options as the image's entry point's arguments, an image named for
a transfer tool running it (local_programs.image_tool, containers.py, manifests.py) and rclone remotes on an
exec form's line (shell_programs.exec_problems); corpus: tests/corpus/residency/*/r98-*.yaml.
"""

from __future__ import annotations

import json

import pytest
from pulumi.asset import AssetArchive, FileArchive, FileAsset, RemoteArchive, RemoteAsset, StringAsset

from policies.core.lambda_code import FETCHED_CODE_WHY, OUTSIDE_CODE_WHY, lambda_code, outside
from policies.core.local_programs import image_tool
from policies.core.manifests import manifest_commands
from policies.core.rule import RuleContext
from policies.core.script_languages import REMOTE_WHY
from policies.core.shell_programs import DASHDASH_NOTE, PROGRAM_WHY, exec_problems
from policies.core.view import ResourceView

LAMBDA = "aws:lambda/function:Function"
URL = "https://partner-archive.example/sync.zip"
CTX = RuleContext()


@pytest.fixture(autouse=True)
def _the_repositorys_project(monkeypatch):
    """The repository's own project (`main: stacks/`, known without pack config), as its stacks run."""
    monkeypatch.setenv("PULUMI_PROJECT", "dosis-eloket")


def _view(inputs: dict, typ: str = LAMBDA) -> ResourceView:
    return ResourceView(type=typ, raw=inputs, urn=f"urn:pulumi:s::p::{typ}::f", name="f")


def test_code_the_engine_fetches_blocks_wherever_it_sits():
    """r98-10 (a RemoteArchive), r98-11, r98-25 (a RemoteAsset in an AssetArchive), r98-14 (nested), r98-26
    (a layer version)."""
    assert lambda_code(_view({"code": RemoteArchive(URL)}), CTX) == [FETCHED_CODE_WHY.format("code", URL)]
    vendor = AssetArchive({"s.py": RemoteAsset(URL)})
    nested = AssetArchive({"main.py": StringAsset("x = 1"), "vendor": vendor})
    assert lambda_code(_view({"code": nested}), CTX) == [FETCHED_CODE_WHY.format("code.vendor.s.py", URL)]
    layer = _view({"code": RemoteArchive(URL)}, "aws:lambda/layerVersion:LayerVersion")
    assert lambda_code(layer, CTX) == [FETCHED_CODE_WHY.format("code", URL)]
    assert lambda_code(_view({"source": RemoteAsset(URL)}, "aws:s3/bucketObjectv2:BucketObjectv2"), CTX) == []


@pytest.mark.parametrize("path", ["/opt/partner/sync.zip", "~/partner/sync.py",
                                  "\\\\partner-fs\\drop\\sync.zip", "C:\\partner\\sync.zip"])
def test_a_file_outside_the_checkout_blocks(path):
    """r98-22, r98-24, r98-31: absolute, home and Windows paths."""
    assert lambda_code(_view({"code": FileArchive(path)}), CTX) == [OUTSIDE_CODE_WHY.format("code", path)]
    assert lambda_code(_view({"code": AssetArchive({"s.py": FileAsset(path)})}), CTX) == [
        OUTSIDE_CODE_WHY.format("code.s.py", path)]


@pytest.mark.parametrize("path", ["build/app.zip", "./dist/app.zip", "components/aws/rotation_code",
                                  "src/../src/handler.py", ".", "../components/aws/rotation_code/x.zip"])
def test_files_of_the_checkout_pass(path):
    """good/r98-16, good/r98-29, the stacks' rotation function (`os.path.relpath` from `stacks/`: one level up
    stays under the project's root, round 99)."""
    assert not outside(path)
    assert lambda_code(_view({"code": FileArchive(path), "imageUri": "x"}), CTX) == []


def test_an_exec_form_of_options_is_the_entry_points_arguments():
    """good/r98-21, good/r98-33: `["--port", "8080"]` is judged as the image is; r98-27, r98-28: a `-c`/`-ec`
    script is judged; r98-30: what follows `--` is a runner's program."""
    assert exec_problems(["--port", "8080"]) == []
    assert exec_problems(["--config", "/etc/app.yaml", "-v"]) == []
    assert exec_problems(["-c", "croc send d"]) == [PROGRAM_WHY.format("croc")]
    assert exec_problems(["-ec", "wormhole send d"]) == [PROGRAM_WHY.format("wormhole")]
    assert exec_problems(["--", "croc", "send", "d"]) == [PROGRAM_WHY.format("croc") + DASHDASH_NOTE]
    assert exec_problems(["-c", "gzip -k /data/x"]) == []


@pytest.mark.parametrize("image, tool", [
    ("docker.io/schollz/croc:10", "croc"), ("rclone/rclone", "rclone"),
    ("registry:5000/tools/croc@sha256:" + "a" * 64, "croc"),
    ("123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:3", None), (None, None)])
def test_an_image_named_for_a_transfer_tool(image, tool):
    assert image_tool(image) == tool


def test_a_manifest_container_with_no_command_runs_the_tool_its_image_is_named_for():
    """r98-18 (the croc image given `--yes send …`), r98-34 (the rclone image's `copy /data partner:drop`):
    both readings, the tool with the args and the args alone (an image with no entry point)."""
    pod = ("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: h\n    image: {}\n    args: {}\n")
    argvs, why = manifest_commands(pod.format("schollz/croc:10", '["--yes", "send", "d"]'), read=True)
    assert (argvs, why) == ([["croc", "--yes", "send", "d"], ["--yes", "send", "d"]], [])
    assert exec_problems(argvs[0]) == [PROGRAM_WHY.format("croc")]
    argvs, _ = manifest_commands(pod.format("rclone/rclone", '["copy", "/data", "partner:drop"]'), read=True)
    assert exec_problems(argvs[0]) == [REMOTE_WHY.format("rclone copy /data partner:drop", "partner")]
    own, _ = manifest_commands(pod.format("eloket/api:3", '["--port", "8080"]'), read=True)
    assert own == [["--port", "8080"]]


def test_an_ecs_container_on_a_tool_image_is_judged_both_ways():
    """r98-32: the rclone image's `command` is rclone's arguments (Docker's CMD under its ENTRYPOINT)."""
    from policies.core.image_programs import image_programs

    defs = [{"name": "h", "image": "rclone/rclone:1.68", "command": ["sync", "/data", "partner:drop"]}]
    view = _view({"containerDefinitions": json.dumps(defs)}, "aws:ecs/taskDefinition:TaskDefinition")
    assert image_programs(view) == ["`containerDefinitions[h].command` " + REMOTE_WHY.format(
        "rclone sync /data partner:drop", "partner")]
    defs[0]["entryPoint"] = ["/app/server"]  # (an entry point the container sets replaces the image's)
    view = _view({"containerDefinitions": json.dumps(defs)}, "aws:ecs/taskDefinition:TaskDefinition")
    assert image_programs(view) == []


def test_yarn_or_pnpm_given_a_transfer_tools_name_runs_it():
    """r98-35, r97-40 (closed): `yarn wormhole send …`, `pnpm croc send …` in a source are judged as the tool;
    good/r98-36: the source's scripts by name (`pnpm build`, `yarn test`, `yarn tsc`) pass as before."""
    from policies.core.shell_programs import shell_problems

    assert shell_problems("pnpm croc send d", source=True) == [PROGRAM_WHY.format("croc")]
    assert shell_problems("yarn wormhole send d", source=True) == [PROGRAM_WHY.format("wormhole")]
    assert shell_problems("pnpm build && yarn test && yarn tsc --noEmit && pnpm eslint .", source=True) == []
