"""Red-team round 99 of the residency pack: a Lambda asset path climbing above the project's root
(lambda_code, backend.program_depth), an option's value that may be a command an entry point or a program of
the image runs (entry_options, shell_programs), `--` after options (a note saying how to name the
application), and health checks, probes and hooks run in a container (containers, manifests); corpus:
tests/corpus/residency/*/r99-*.yaml, evil/r98-23.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pulumi.asset import AssetArchive, FileArchive, FileAsset

from policies.core.backend import program_depth
from policies.core.entry_options import option_commands
from policies.core.image_programs import image_programs
from policies.core.lambda_code import CLIMB_WHY, UNPLACED_CLIMB_WHY, climb, lambda_code
from policies.core.manifests import manifest_commands
from policies.core.rule import RuleContext
from policies.core.shell_programs import DASHDASH_NOTE, OPTION_NOTE, PROGRAM_WHY, TRANSFER_WHY, exec_problems
from policies.core.view import ResourceView

LAMBDA = "aws:lambda/function:Function"
CORPUS_DIRS = {"projectDirs": {"corpus": "tests/corpus/residency/project"}}


def _code(path: str, ctx: RuleContext, typ: str = LAMBDA) -> list[str]:
    view = ResourceView(type=typ, raw={"code": FileArchive(path)}, urn=f"urn:pulumi:s::p::{typ}::f", name="f")
    return lambda_code(view, ctx)


@pytest.mark.parametrize("path, up", [
    ("build/app.zip", 0), ("./build/./app.zip", 0), ("dist/../dist/app.zip", 0), ("..build/app.zip", 0),
    (".build/app..v2.zip", 0), ("..", 1), ("../partner-sync/build", 1), ("build/../../partner-sync/build", 1),
    ("src/../../../opt/partner/push.py", 2), ("build\\..\\..\\partner-sync.zip", 1), ("a//..//..//b", 1),
    ("../components/aws/rotation_code/x.zip", 1)])
def test_how_far_a_relative_path_climbs(path, up):
    """The highest level a path reaches above where it starts, lexically, `/` and `\\` alike."""
    assert climb(path) == up


def test_the_programs_depth_comes_from_pulumi_yaml_main(monkeypatch):
    """The repository's project runs in `main: stacks/` (1 level), the bootstrap in its own directory (`main:
    __main__.py`, a file: 0), the corpus's project with no `main` (0); an unlisted project has no depth."""
    dirs = {"projectDirs": {"dosis-eloket-bootstrap": "stacks/bootstrap", **CORPUS_DIRS["projectDirs"]}}
    for project, depth in (("dosis-eloket", 1), ("dosis-eloket-bootstrap", 0), ("corpus", 0)):
        monkeypatch.setenv("PULUMI_PROJECT", project)
        assert program_depth(dirs) == depth
    monkeypatch.setenv("PULUMI_PROJECT", "partner")
    assert "'partner' is not in the policy config `projectDirs`" in program_depth(dirs)


def test_a_main_outside_the_project_has_no_depth(monkeypatch, tmp_path):
    """Pulumi refuses a `main` outside the project's root or missing; so does the depth (a message)."""
    monkeypatch.setenv("PULUMI_PROJECT", "x")
    for main in ("../elsewhere", "missing/"):
        (tmp_path / "Pulumi.yaml").write_text(f"name: x\nmain: {main}\n", encoding="utf-8")
        assert "is not a path under the project" in program_depth({"projectDirs": {"x": str(tmp_path)}})


def test_a_climb_above_the_project_root_blocks(monkeypatch):
    """r98-23, r99-01..05: the corpus's program is its project's root, so any climb leaves the checkout."""
    monkeypatch.setenv("PULUMI_PROJECT", "corpus")
    ctx = RuleContext(config=CORPUS_DIRS)
    path = "build/../../partner-sync/build"
    assert _code(path, ctx) == [CLIMB_WHY.format("code", path, 1, 0)]
    layer = _code("./layers/../../partner/layer.zip", ctx, "aws:lambda/layerVersion:LayerVersion")
    assert layer == [CLIMB_WHY.format("code", "./layers/../../partner/layer.zip", 1, 0)]
    member = AssetArchive({"main.py": FileAsset("src/main.py"), "push.py": FileAsset("src/../../x.py")})
    view = ResourceView(type=LAMBDA, raw={"code": member}, urn="urn:pulumi:s::p::x::f", name="f")
    assert lambda_code(view, ctx) == [CLIMB_WHY.format("code.push.py", "src/../../x.py", 1, 0)]
    assert _code("dist/../dist/app.zip", ctx) == []


def test_the_stacks_rotation_function_climbs_within_the_project(monkeypatch):
    """The portal's rotation function, `../components/…` from `stacks/`, passes; a second level blocks."""
    monkeypatch.setenv("PULUMI_PROJECT", "dosis-eloket")
    ctx = RuleContext()
    assert _code("../components/aws/rotation_code/mysql-multi-user.zip", ctx) == []
    assert _code("../../partner/sync.zip", ctx) == [CLIMB_WHY.format("code", "../../partner/sync.zip", 2, 1)]


def test_a_climb_of_an_unlisted_project_blocks(monkeypatch):
    """A project not in `projectDirs` cannot be placed: a climb blocks, saying how to list it; a path that
    does not climb needs no project."""
    monkeypatch.setenv("PULUMI_PROJECT", "partner")
    ctx = RuleContext()
    reason = ("project 'partner' is not in the policy config `projectDirs`, so where its program runs is "
              "unknown")
    assert _code("../x.zip", ctx) == [UNPLACED_CLIMB_WHY.format("code", "../x.zip", reason)]
    assert _code("build/app.zip", ctx) == []


@pytest.mark.parametrize("argv, program, option", [
    (["--exec=croc send /data/d.json"], "croc", "--exec"),  # r99-07
    (["--cmd", "croc send /data/d.json"], "croc", "--cmd"),  # r99-08
    (["--command", "wormhole send d"], "wormhole", "--command"),  # r99-09
    (["--run=ffsend upload d", "--verbose"], "ffsend", "--run"),  # r99-10
    (["-x", "croc send d"], "croc", "-x"),  # r99-11
    (["--on-start-exec", "partner-sync --push /data"], "partner-sync", "--on-start-exec"),  # r99-12
    (["--script", "partner-sync --push /data"], "partner-sync", "--script"),  # r99-26
    (["--verbose", "--then=partner-sync /data"], "partner-sync", "--then"),  # r99-27
    (["--exec", "serve"], "serve", "--exec"),
])
def test_an_options_value_that_may_be_a_command_is_judged(argv, program, option):
    assert exec_problems(argv) == [PROGRAM_WHY.format(program) + OPTION_NOTE.format(option)]


def test_an_option_of_a_program_of_the_image_is_judged_too():
    """r99-24, r99-28: `["/app/runner", "--exec", …]` runs the image's application, whose option runs croc."""
    assert exec_problems(["/app/runner", "--exec", "croc send d"]) == [
        PROGRAM_WHY.format("croc") + OPTION_NOTE.format("--exec")]
    assert exec_problems(["/app/runner", "--upload-cmd", "/opt/partner/bin/croc send"]) == [
        TRANSFER_WHY.format("/opt/partner/bin/croc") + OPTION_NOTE.format("--upload-cmd")]
    assert exec_problems(["/app/server", "--config", "/etc/app.yaml", "--", "serve"]) == []  # good/r99-25


@pytest.mark.parametrize("argv", [
    ["--config", "/etc/app.yaml", "--log-level", "info"], ["--mode=sync", "--workers", "4"],
    ["--name", "Dossier Sync", "--user", "node"], ["--exec", "/app/bin/migrate"], ["--dry-run", "serve"],
    ["--exec-timeout", "30", "--command-retries", "3"], ["--hook", "/app/hooks/pre.sh"],
    ["--log-cmd", "tee /var/log/app.log"], ["--health-check-command", "curl -sf http://localhost:8080/health"],
    ["--message", "sync done"]])
def test_options_handing_over_no_program_pass(argv):
    """good/r99-21, good/r99-30: data, a file of the image, a program that stays local or is read."""
    assert exec_problems(argv) == []


def test_which_option_values_are_read_as_commands():
    """`-c`/`-e` stay shell_programs' (a script), the words after `--` a runner's, a value that is an option
    is none."""
    assert option_commands(["-c", "croc send d"]) == []
    assert option_commands(["--exec", "--", "croc"]) == []
    assert option_commands(["--", "--exec", "croc"]) == []
    assert option_commands(["--exec=croc", "--cmd", "wormhole send"]) == [
        ("--exec", "croc"), ("--cmd", "wormhole send")]


def test_after_dashdash_a_note_says_how_to_name_the_application():
    """limits/r99-22: `["--config", "x", "--", "serve"]` stays blocked, saying how to make it judgeable."""
    assert exec_problems(["--config", "/etc/app.yaml", "--", "serve"]) == [
        PROGRAM_WHY.format("serve") + DASHDASH_NOTE]
    assert "name that application by its path" in DASHDASH_NOTE


def _task(container: dict) -> ResourceView:
    typ = "aws:ecs/taskDefinition:TaskDefinition"
    defs = json.dumps([{"name": "api", "image": "eloket/api:3", "command": ["/app/server"], **container}])
    return ResourceView(type=typ, raw={"containerDefinitions": defs}, urn=f"urn:pulumi:s::p::{typ}::t",
                        name="t")


def test_an_ecs_health_check_runs_in_the_container():
    """r99-31 (`CMD-SHELL`, the container's shell), r99-32 (`CMD`, an exec form); good/r99-36: curl to the
    container itself, a file of the image, `NONE`; a command that is no list blocks as a program unknown."""
    where = "`containerDefinitions[api].healthCheck.command` "
    shell = _task({"healthCheck": {"command": ["CMD-SHELL", "croc send d || true"]}})
    assert image_programs(shell) == [where + PROGRAM_WHY.format("croc")]
    exec_form = _task({"healthCheck": {"command": ["CMD", "wormhole", "send", "d"]}})
    assert image_programs(exec_form) == [where + PROGRAM_WHY.format("wormhole")]
    for command in (["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"],
                    ["CMD", "/app/healthcheck"], ["NONE"]):
        assert image_programs(_task({"healthCheck": {"command": command}})) == []
    named = image_programs(_task({"healthCheck": {"command": "croc send d"}}))
    assert len(named) == 1 and "runs a program named by `$(healthCheck.command:`" in named[0]


def test_a_container_groups_exec_probe_runs_in_the_container():
    """r99-35; good/r99-37 (`cat /tmp/healthy`)."""
    typ = "azure-native:containerinstance:ContainerGroup"

    def group(probe: list[str]) -> ResourceView:
        c = {"name": "app", "image": "dosisacr.azurecr.io/api:5.1", "command": ["/app/server"],
             "livenessProbe": {"exec": {"command": probe}}}
        return ResourceView(type=typ, raw={"containers": [c]}, urn=f"urn:pulumi:s::p::{typ}::g", name="g")

    assert image_programs(group(["croc", "send", "d"])) == [
        "`containers[app].livenessProbe.exec.command` " + PROGRAM_WHY.format("croc")]
    assert image_programs(group(["cat", "/tmp/healthy"])) == []


def test_a_manifests_probes_and_hooks_are_exec_forms():
    """r99-33 (`lifecycle.postStart`), r99-34 (`livenessProbe`); good/r99-36 (`cat`, a `preStop` sleep)."""
    pod = "\n".join([
        "apiVersion: v1", "kind: Pod", "spec:", "  containers:", "  - name: api", "    image: eloket/api:3",
        '    command: ["/app/server"]', "    livenessProbe:", "      exec:",
        '        command: ["croc", "send"]', "    lifecycle:", "      postStart:", "        exec:",
        '          command: ["sh", "-c", "wormhole send d"]',
        "      preStop:", "        exec:", "          command: 5", ""])
    argvs, why = manifest_commands(pod, read=True)
    assert (argvs, why) == ([["/app/server"], ["croc", "send"], ["sh", "-c", "wormhole send d"],
                             ["$(lifecycle.preStop: 5)"]], [])


def test_both_rules_that_place_a_project_read_the_same_project_dirs():
    """CrossGuard hands each policy its own config, so `projectDirs` is written twice in the pack config:
    a project moved in one and not the other would judge the state backend and the asset paths of two
    different directories."""
    config = json.loads((Path(__file__).parents[2] / "policies/config/eu-residency.json").read_text("utf-8"))
    backend, code = (config[rule]["projectDirs"]
                     for rule in ("require-eea-state-backend", "disallow-non-eea-replication"))
    assert backend == code and backend
