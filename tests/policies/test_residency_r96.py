"""Red-team round 96 of the residency pack: exec forms judged by their program (shell_programs.exec_problems),
the containers of Azure container groups, Container Apps, App Runner and every Batch shape (containers.py),
Kubernetes manifests in here-documents (manifests.py), directories left by `cd ../..`, `popd` and CDPATH and
build files outside a source (program_runners.py), podman and nerdctl read as docker, SDK libraries over
boto3 (image_endpoints.py), and each message in its own terms; corpus: tests/corpus/residency/*/r96-*.yaml
and round 95's limit it closes, evil/r95-32.
"""

from __future__ import annotations

import json

from policy_testlib import ALLOWED, REPLICATION, messages, pinned_res, res

from policies.core.image_endpoints import ENDPOINT_WHY
from policies.core.manifests import manifest_commands
from policies.core.program_runners import leaves_source
from policies.core.shell_programs import (
    BUILD_FILE_WHY,
    FETCHED_WHY,
    LOADER_WHY,
    NO_SOURCE_NOTE,
    PATH_PROGRAM_WHY,
    PATH_WHY,
    PROGRAM_WHY,
    RELATIVE_WHY,
    TRANSFER_WHY,
    exec_problems,
    shell_problems,
)

PARTNER = "registry.partner-archive.example/tools/handover:2"
OWN = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/eloket/api:3"
_APP = ["/app/server", "--port", "8080"]


def _task(container: dict):
    return pinned_res("aws:ecs/taskDefinition:TaskDefinition", "t",
                      {"family": "t", "containerDefinitions": json.dumps([container])})


def test_an_exec_form_s_program_on_path_is_judged_and_a_path_is_the_image_s_application():
    """evil/r95-32, r96-01..05, good/r96-01: a first word found on PATH (a bare name or a system `bin` path)
    is judged as a script's program; a file of the image named by its path is its application, unless it
    names a transfer tool."""
    for argv, why in ((["croc", "send", "d"], PROGRAM_WHY.format("croc")),
                      (["/usr/local/bin/croc", "send", "d"], PROGRAM_WHY.format("croc")),
                      (["tini", "--", "wormhole", "send", "d"], PROGRAM_WHY.format("wormhole")),
                      (["env", "LC_ALL=C", "ffsend", "upload", "d"], PROGRAM_WHY.format("ffsend")),
                      (["/opt/partner/bin/croc", "send", "d"], TRANSFER_WHY.format("/opt/partner/bin/croc")),
                      (["sh", "/opt/partner/aws"], TRANSFER_WHY.format("/opt/partner/aws"))):
        assert exec_problems(argv) == [why], argv
    assert "python3 -m partner_sync" in exec_problems(["python3", "-m", "partner_sync"])[0]
    assert exec_problems(["croc send d"]) == [PROGRAM_WHY.format("croc")]  # (a command line in one word)
    assert exec_problems(["aws s3 cp d s3://b/d"]) == [] and exec_problems(["x 'y"]) == [
        PROGRAM_WHY.format("x 'y")]
    for argv in (_APP, ["java", "-jar", "/app/app.jar"], ["python3", "/app/main.py"], ["node", "server.js"],
                 ["tini", "--", "/app/server"], ["sh", "/app/entrypoint.sh"], ["bash", "run.sh"],
                 ["./server"], ["gunicorn", "app:app"], ["/usr/bin/env", "LC_ALL=C", "/app/server"],
                 ["aws", "--version"], []):
        assert exec_problems(argv) == [], argv
    assert messages(REPLICATION, _task({"name": "h", "image": OWN, "command": _APP}), ALLOWED) == []
    view = _task({"name": "h", "image": PARTNER, "command": ["croc", "send", "d"]})
    croc = PROGRAM_WHY.format("croc")
    assert messages(REPLICATION, view, ALLOWED) == [f"`containerDefinitions[h].command` {croc}"]


def test_containers_of_azure_app_runner_and_every_batch_shape_are_read():
    """r96-06..09, r96-22, r96-23, r96-27..29; good/r96-03..05, good/r96-11, good/r96-14: each passes with
    the image's application and blocks, at its own field, with a transfer tool."""
    def aci(command):
        return res("azure-native:containerinstance:ContainerGroup", "cg", {
            "location": "westeurope", "containers": [{"name": "a", "image": OWN, "command": command}]})

    def job(command, args):
        return res("azure-native:app:Job", "j", {"location": "westeurope", "template": {"containers": [
            {"name": "a", "image": OWN, "command": command, "args": args}]}})

    def runner(start):
        return pinned_res("aws:apprunner/service:Service", "s", {"sourceConfiguration": {"imageRepository": {
            "imageIdentifier": OWN, "imageRepositoryType": "ECR",
            "imageConfiguration": {"startCommand": start}}}})

    def batch(**inputs):
        return pinned_res("aws:batch/jobDefinition:JobDefinition", "b", {"type": "container", **inputs})

    def eks(commands, args):
        return batch(eksProperties={"podProperties": {"containers": [
            {"image": OWN, "commands": commands, "args": args}]}})

    def ecs(command):
        return batch(ecsProperties=json.dumps({"taskProperties": [{"containers": [
            {"name": "a", "image": OWN, "command": command}]}]}))

    def nodes(command):
        return batch(nodeProperties=json.dumps({"nodeRangeProperties": [
            {"targetNodes": "0:", "container": {"image": OWN, "command": command}}]}))

    croc = ["croc", "send", "d"]
    for make, good, evil, where in (
            (aci, (_APP,), (croc,), "containers[a].command"),
            (job, (["python3"], ["/app/job.py"]), (["croc"], ["send", "d"]),
             "template.containers[a].command"),
            (job, (["sh"], ["-c", "gzip -k d"]), (["/bin/sh"], ["-c", "croc send d"]),
             "template.containers[a].command"),
            (runner, ("node server.js",), ("croc send d",), "sourceConfiguration.imageRepository."
                                                            "imageConfiguration.startCommand"),
            (runner, ("/app/server",), ("gzip d && croc send d",), "sourceConfiguration.imageRepository."
                                                                   "imageConfiguration.startCommand"),
            (eks, (["/app/job"], ["--once"]), (["croc"], ["send", "d"]),
             "eksProperties.podProperties.containers[0].command"),
            (ecs, (_APP,), (croc,), "ecsProperties.taskProperties[0].containers[a].command"),
            (nodes, (_APP,), (croc,), "nodeProperties.nodeRangeProperties[0].container.command")):
        assert messages(REPLICATION, make(*good), ALLOWED) == [], where
        assert messages(REPLICATION, make(*evil), ALLOWED) == [f"`{where}` {PROGRAM_WHY.format('croc')}"], (
            where)
    split = _task({"name": "h", "image": PARTNER, "entryPoint": ["sh"], "command": ["-c", "croc send d"]})
    assert messages(REPLICATION, split, ALLOWED) == [
        f"`containerDefinitions[h].command` {PROGRAM_WHY.format('croc')}"]


def test_an_app_runner_service_built_from_a_repository_runs_its_source_s_commands():
    """r96-31 (probe of the second fix), good/r96-16: `buildCommand` and `startCommand` are a script of the
    repository (its relative programs pass; a module the build installs is judged)."""
    def runner(start):
        values = {"runtime": "PYTHON_311", "buildCommand": "pip install -r r.txt", "startCommand": start}
        return pinned_res("aws:apprunner/service:Service", "s", {"sourceConfiguration": {"codeRepository": {
            "repositoryUrl": "https://github.com/eloket/h", "codeConfiguration": {
                "configurationSource": "API", "codeConfigurationValues": values}}}})

    for start in ("gunicorn app:app", "./start.sh", "python3 app.py"):
        assert messages(REPLICATION, runner(start), ALLOWED) == [], start
    where = "sourceConfiguration.codeRepository.codeConfiguration.codeConfigurationValues"
    croc = PROGRAM_WHY.format("croc")
    assert messages(REPLICATION, runner("croc send d"), ALLOWED) == [f"`{where}` {croc}"]


def test_kubernetes_manifests_in_here_documents_are_judged_as_exec_forms():
    """r96-10, r96-11, r96-26, good/r96-09: a pod spec's `command` + `args` in a here-document, and `kubectl
    create … -- COMMAND`."""
    pod = ("kubectl apply -f - <<'EOF'\nkind: Pod\nspec:\n  containers:\n  - name: h\n    image: x\n"
           "    command: [{}]\n    args: [send, d]\nEOF")
    assert shell_problems(pod.format("croc")) == [PROGRAM_WHY.format("croc")]
    assert shell_problems(pod.format("/app/server")) == []
    assert manifest_commands("a: [\n") == ([], [])
    assert manifest_commands("containers: [{image: x}]") == ([[]], [])
    assert manifest_commands("---\nx: 1\n---\nspec: {initContainers: [{image: i, command: c}]}") == (
        [["$(command: 'c')"]], [])  # (round 97: a manifest that does not parse blocks, test_residency_r97)
    assert "croc" in shell_problems("kubectl create job h --image=x -- croc send d")[0]
    assert shell_problems("kubectl create job h --image=x") == []


def test_leaving_the_source_and_build_files_no_source_holds():
    """r96-13..16, r96-24, r96-25; good/r96-08, good/r96-12: `cd ../..` above the start, `popd` back before
    a climb, CDPATH; `make`/`npm run` after leaving the source run the image's build file."""
    for script in ("cd ../..", "cd web\ncd ../..", "cd web/../..", "pushd web/app && popd && cd ..",
                   "(cd a/b/c && make); cd ../..", "export CDPATH=/opt; cd partner", "cd -",
                   'cd "$CODEBUILD_SRC_DIR/.."', "cd web/a; cd ${CODEBUILD_SRC_DIR}; cd .."):
        assert leaves_source(script), script
    for script in ("cd web/app && cd ../..", "pushd web && make && popd", "cd a && cd ..",
                   'cd "$CODEBUILD_SRC_DIR/web" && cd ..',
                   "cd ./docs && cd .. && cd web"):
        assert not leaves_source(script), script
    assert shell_problems("cd /opt/partner && make push", source=True) == [
        BUILD_FILE_WHY.format("make push") + NO_SOURCE_NOTE]
    assert shell_problems("cd ../.. && npm run push", source=True) == [
        BUILD_FILE_WHY.format("npm run push") + NO_SOURCE_NOTE]
    assert shell_problems("make -C /opt/x push")[0].startswith(BUILD_FILE_WHY.format("make … /opt/x"))
    for script in ("cd web && npm run build && make --version", "npm ci && npm run build", "make test"):
        assert shell_problems(script, source=True) == [], script


def test_podman_and_nerdctl_are_read_as_docker():
    """r96-17, r96-18, good/r96-06: their `run` judges the command run in the container."""
    for script in ("podman build -t x .", "podman run --rm -v a:/w alpine:3 gzip -k /w/d",
                   "nerdctl run --rm h:1"):
        assert shell_problems(script, source=True) == [], script
    assert shell_problems("nerdctl run --rm img croc send d") == [PROGRAM_WHY.format("croc")]
    assert shell_problems("podman run --entrypoint /opt/p/x img") == [PATH_PROGRAM_WHY.format("/opt/p/x")]


def test_each_message_says_its_own_fix():
    """Lead 4: a PATH, a loader variable, a relative, fetched or image-path program is no name `LOCAL` could
    list, so none of their messages advises it."""
    cases = {"export PATH=/opt/p/bin:$PATH\ngzip d": PATH_WHY.format("/opt/p/bin:$PATH", "the script"),
             "export LD_PRELOAD=/opt/x.so": LOADER_WHY.format("LD_PRELOAD=/opt/x.so"),
             "./push d": RELATIVE_WHY.format("./push") + NO_SOURCE_NOTE,
             "/opt/tools/push d": PATH_PROGRAM_WHY.format("/opt/tools/push"),
             "aws s3 cp s3://b/push . && ./push": FETCHED_WHY.format("./push")}
    for script, why in cases.items():
        assert shell_problems(script) == [why], script
        assert "LOCAL" not in why, script


def test_sdk_libraries_over_boto3_take_the_image_s_endpoint():
    """r96-19, r96-20, good/r96-10: s3fs, pandas on an `s3://` URL; local code and a set endpoint pass."""
    for code in ("import s3fs; s3fs.S3FileSystem().put('d', 'b/d')",
                 "import pandas as p; p.DataFrame().to_csv('s3://eloket-archive/d.csv')",
                 "import awswrangler as w", "from smart_open import open"):  # (the last two also block as
        # imports code_imports does not know)
        why = ENDPOINT_WHY.format("containerDefinitions[h].command", "python3 … (an AWS SDK)", PARTNER,
                                  "AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>",
                                  "`AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`", "")
        view = _task({"name": "h", "image": PARTNER, "command": ["python3", "-c", code]})
        assert why in messages(REPLICATION, view, ALLOWED), code
        ignore = [{"name": "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "value": "true"}]
        view = _task({"name": "h", "image": PARTNER, "command": ["python3", "-c", code],
                      "environment": ignore})
        assert why not in messages(REPLICATION, view, ALLOWED), code
    code = "import json; json.load(open('d'))"
    assert messages(REPLICATION, _task({"name": "h", "image": PARTNER, "command": ["python3", "-c", code]}),
                    ALLOWED) == []
