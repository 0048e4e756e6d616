"""Red-team round 95 of the residency pack: containers judged with their image (policies/core/containers.py,
image_endpoints.py, image_programs.py), programs run by other programs (program_runners.py) and relative
programs outside a build's source (shell_programs.py); corpus: tests/corpus/residency/*/r95-*.yaml and round
94's two limits it closes, evil/r94-21 and evil/r94-22.
"""

from __future__ import annotations

import json

from policy_testlib import ALLOWED, REPLICATION, codebuild_running, messages, pinned_res

from policies.core.image_endpoints import ENDPOINT_WHY
from policies.core.program_runners import code_loader, leaves_source, scheduled
from policies.core.shell_programs import (
    LOADER_WHY,
    NO_SOURCE_NOTE,
    PATH_WHY,
    PROGRAM_WHY,
    RELATIVE_WHY,
    buildspec_script,
    shell_problems,
)

PARTNER = "registry.partner-archive.example/tools/handover:2"
_FIXED = ENDPOINT_WHY.split("{}")[3][:30]  # " in the resource's environment"
_UNKNOWN_OPTION = "an option the pack does not know"


def _blocked(script: str, source: bool = False) -> list[str]:
    """The programs a script runs that block (the name in the message's first backticks)."""
    return [p.split("`")[1] for p in shell_problems(script, source=source)]


def _task(container: dict, type_: str = "aws:ecs/taskDefinition:TaskDefinition"):
    if type_.startswith("aws:batch"):
        return pinned_res(type_, "j", {"type": "container", "containerProperties": json.dumps(container)})
    return pinned_res(type_, "t", {"family": "t", "containerDefinitions": json.dumps([container])})


def _build(command: str, source: str = "NO_SOURCE", image: str = "aws/codebuild/standard:7.0",
           variables: list[dict] | None = None):
    spec = f"version: 0.2\nphases:\n  build:\n    commands:\n      - {command}\n"
    src = {"type": source, "buildspec": spec}
    if source != "NO_SOURCE":
        src["location"] = "https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/eloket"
    env = {"computeType": "BUILD_GENERAL1_SMALL", "image": image, "type": "LINUX_CONTAINER",
           "environmentVariables": variables or []}
    return pinned_res("aws:codebuild/project:Project", "p", {
        "name": "p", "serviceRole": "arn:aws:iam::123456789012:role/cb",
        "artifacts": {"type": "NO_ARTIFACTS"}, "environment": env, "source": src})


def test_relative_programs_are_the_source_s_only_in_a_sourced_buildspec():
    """r95-01..03, r95-15, r95-24, evil/r94-21; good/r95-01, good/r95-08: a relative program outside a
    build's source (no source, user data, a container, after `cd /opt/…`) is the image's."""
    assert any(p.endswith(NO_SOURCE_NOTE) for p in shell_problems("./push d"))
    assert shell_problems("./push d", source=True) == []
    for script, name in (("cd /opt/partner && ./push d", "./push"), ("pushd ~/tools; bin/push d", "bin/push"),
                         ("cd; ./push", "./push"), ('cd "$X" && ./p', "./p")):
        assert leaves_source(script) and name in _blocked(script, source=True), script
    for script in ("cd web && ./build.sh && cd ..", 'cd "$CODEBUILD_SRC_DIR/web" && ./build.sh'):
        assert not leaves_source(script) and shell_problems(script, source=True) == [], script
    source_less = messages(REPLICATION, codebuild_running("./handover.sh d"), ALLOWED)
    assert any(NO_SOURCE_NOTE in m for m in source_less)
    assert messages(REPLICATION, _build("./handover.sh d", source="CODECOMMIT"), ALLOWED) == []
    held = {"name": "h", "image": PARTNER, "entryPoint": ["sh", "-c"], "command": ["./push /data/d.json"]}
    assert any(NO_SOURCE_NOTE in m for m in messages(REPLICATION, _task(held), ALLOWED))


def test_endpoints_of_ecs_and_batch_containers_and_of_sdks_in_inline_code():
    """r95-04, r95-05, r95-16, evil/r94-22, good/r95-02: the AWS CLI or an SDK on an image that may set its
    endpoint blocks in any container; the resource's AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true fixes it."""
    cp = ["aws", "s3", "cp", "/d", "s3://eloket-archive/d"]
    for type_ in ("aws:ecs/taskDefinition:TaskDefinition", "aws:batch/jobDefinition:JobDefinition"):
        for command in (cp, ["sh", "-c", " ".join(cp)]):
            view = _task({"name": "h", "image": PARTNER, "command": command}, type_)
            assert any(_FIXED in m for m in messages(REPLICATION, view, ALLOWED)), (type_, command)
        ignore = [{"name": "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "value": "true"}]
        view = _task({"name": "h", "image": PARTNER, "command": cp, "environment": ignore}, type_)
        assert messages(REPLICATION, view, ALLOWED) == []
    sdk = "python3 -c \"import boto3; boto3.client('s3').upload_file('d', 'eloket-archive', 'd')\""
    found = messages(REPLICATION, _build(sdk, "CODECOMMIT", PARTNER), ALLOWED)
    assert any(_FIXED in m and "an AWS SDK" in m for m in found)
    assert not any(_FIXED in m for m in messages(REPLICATION, _build(sdk, "CODECOMMIT"), ALLOWED))
    with_endpoint = sdk.replace("client('s3')", "client('s3', endpoint_url='https://s3.eu-west-1.amazonaws.com')")
    assert not any(_FIXED in m for m in messages(REPLICATION, _build(with_endpoint, "CODECOMMIT", PARTNER),
                                                 ALLOWED))


def test_programs_run_by_other_programs_are_judged():
    """r95-06..10, r95-14, r95-17..23, good/r95-03..05, good/r95-07..09."""
    for script, name in (("docker run --rm -v x:/w reg/img:1 croc send /w/d", "croc"),
                         ("docker run --rm --entrypoint /opt/push alpine:3 /w/d", "/opt/push"),
                         ("docker container run -it reg/img croc send d", "croc"),
                         ("docker compose -f c.yml run --rm tools croc send d", "croc"),
                         ("docker exec -u 0 box ./push d", "./push"),
                         ("kubectl exec -i deploy/t -- croc send d", "croc"),
                         ("python3 -m partner_sync push d", "python3 -m partner_sync"),
                         ("python3 -Impartner_sync push d", "python3 -m partner_sync"),
                         ("npm exec --yes -- transfer-sh-cli d", "transfer-sh-cli"),
                         ("npx -c 'croc send d'", "croc"), ("yarn dlx ffsend upload d", "ffsend"),
                         ("uv tool run --from partner-sync push d", "push"), ("poetry run push d", "push"),
                         ("cat > h.service <<'EOF'\n[Service]\nExecStart=/opt/push d\nEOF", "/opt/push"),
                         ("printf '[Service]\\nExecStart=-/opt/push d\\n' > h.service", "/opt/push"),
                         ("echo '0 2 * * * root /opt/push /var/d' > /etc/cron.d/h", "/opt/push"),
                         ("echo '@reboot croc send d' | crontab -", "send")):
        why = RELATIVE_WHY if name[:2] == "./" else PROGRAM_WHY  # (round 96: a relative program's own words)
        assert any(why.split("{}")[1][:40] in p for p in shell_problems(script)), script
        assert name in _blocked(script), (script, _blocked(script))
    for script in ("docker run --rm -v x:/w alpine:3 gzip -k /w/d", "docker run --rm hello-world:latest",
                   "docker compose run --rm web python3 -m pytest -q", "python3 -m pip install -r r.txt",
                   "python3 -W error -m venv .venv", "python3 -c 'print(1)'", "npm exec -- tsc -p .",
                   "npm run build", "uv run pytest -q", "kubectl run t --image=alpine:3 -- gzip -k /d",
                   "echo '0 3 * * * root /usr/bin/find /tmp -mtime +7 -delete' > /etc/cron.d/clean",
                   "printf '[Service]\\nExecStart=/usr/bin/gzip -k /var/log/a\\n' > p.service",
                   "for i in 1 2 3 4 5; do echo $i; done"):
        assert shell_problems(script, source=True) == [], script
    assert any(_UNKNOWN_OPTION in p for p in shell_problems("docker run --weird reg/img croc send d"))
    assert any("write the command after `--`" in p for p in shell_problems("kubectl exec pod croc send d"))
    assert scheduled("ExecStart=/opt/a\necho '*/5 * * * * ec2-user gzip x'") == ["/opt/a", "gzip x"]


def test_path_and_code_loaders_set_by_the_environment_block():
    """r95-11..13, r95-25..27, good/r95-06, good/r95-10: a PATH with an image directory first, and variables
    that load a file first, set by the resource's environment or by the script."""
    gz = ["sh", "-c", "gzip -k /d"]
    for name, value in (("PATH", "/opt/partner/bin:/usr/bin:/bin"), ("LD_PRELOAD", "/opt/partner/l.so"),
                        ("NODE_OPTIONS", "--require /opt/partner/send.js"), ("BASH_ENV", "/opt/p/h.sh")):
        note = PATH_WHY.format(value, "the resource's environment") if name == "PATH" else (
            LOADER_WHY.format(f"{name}={value}"))  # (round 96: each in its own terms)
        view = _task({"name": "h", "image": PARTNER, "environment": [{"name": name, "value": value}],
                      "command": gz})
        assert any(m.endswith(note) for m in messages(REPLICATION, view, ALLOWED)), name
        build = _build("gzip -k d", "CODECOMMIT", variables=[{"name": name, "value": value}])
        assert any(m.endswith(note) for m in messages(REPLICATION, build, ALLOWED)), name
    for name, value in (("PATH", "/usr/local/bin:/usr/bin:/bin"), ("PATH", "$PATH:/opt/tools/bin"),
                        ("NODE_OPTIONS", "--max-old-space-size=2048"), ("JAVA_TOOL_OPTIONS", "-Xmx1g"),
                        ("LD_PRELOAD", "")):
        view = _task({"name": "h", "image": PARTNER, "environment": [{"name": name, "value": value}],
                      "command": gz})
        assert messages(REPLICATION, view, ALLOWED) == [], (name, value)
    assert LOADER_WHY.format("LD_PRELOAD=/opt/x.so") in shell_problems("export LD_PRELOAD=/opt/x.so\ngzip d")
    assert code_loader("JAVA_TOOL_OPTIONS", "-javaagent:/opt/a.jar") and not code_loader("LANG", "C")


def test_buildspec_script_is_every_phase_in_order():
    """The tidy-up: one reader of a buildspec's lines (image endpoints and the source-less check)."""
    doc = {"phases": {"install": {"commands": ["a", 1]}, "build": {"commands": ["b"], "finally": ["c"]}}}
    assert buildspec_script(doc) == "a\nb\nc"
    assert buildspec_script({"phases": "x"}) == "" and buildspec_script(None) == ""


def test_probe_directories_outside_the_source_and_env_s_program():
    """r95-28..31 (probes of the second fix) and good/r95-11: `env -C /opt/x ./push`, `make -C /opt/x`, `npm
    --prefix /opt/x` work in the image's directory; `env PROG` runs PROG (env was listed local)."""
    for script, name in (("env -C /opt/partner ./push d", "./push"), ("env LC_ALL=C croc send d", "croc"),
                         ("make -C /opt/partner push", "make … /opt/partner"),
                         ("make -f/opt/partner/Makefile", "make … /opt/partner/Makefile"),
                         ("npm --prefix=/opt/partner run push", "npm … /opt/partner"),
                         ("gradle -p $HOME/tools push", "gradle … $HOME/tools")):
        assert name in _blocked(script, source=True), (script, _blocked(script, source=True))
    assert "outside the source is the image's" in shell_problems("make -C /opt/partner push")[0]
    for script in ("make -C docs html", "env -C web ./build.sh", "npm --prefix web run build", "env",
                   'make -C "$CODEBUILD_SRC_DIR/docs"', "env -u X LC_ALL=C sort d", "tar -C /opt -xzf d.tgz"):
        assert shell_problems(script, source=True) == [], script
