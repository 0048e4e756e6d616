"""Red-team round 94 of the residency pack: the shell as a closed world (every program of a held script is
read, known to stay local, or blocks) and the endpoint a custom build image may set (policies/core/
shell_words.py, shell_programs.py, local_programs.py, image_endpoints.py; corpus: tests/corpus/residency/*/
r94-*.yaml and round 93's two limits it closes, evil/r93-21 and evil/r93-22).
"""

from __future__ import annotations

from policy_testlib import ALLOWED, REPLICATION, codebuild_running, messages, pinned_res

from policies.core.image_endpoints import ENDPOINT_WHY
from policies.core.local_programs import LOCAL, PREFIXES, READ, SHELLS
from policies.core.shell_programs import (
    NAMED_WHY,
    PATH_WHY,
    PROGRAM_WHY,
    exec_script,
    held_scripts,
    shell_problems,
)
from policies.core.shell_words import split

_PROGRAM = PROGRAM_WHY.split("{}")[1][:40]
_NAMED = NAMED_WHY.split("{}")[1][:40]


def _blocked(script: str) -> list[str]:
    """The programs a script runs that block (the name in the message's first backticks)."""
    return [p.split("`")[1] for p in shell_problems(script)]


def test_split_names_every_command_of_pipelines_lists_subshells_and_substitutions():
    commands, nested = split("a x | b 'y z' && (c; d) || e \"$(f g)\" > out 2>&1\ncat <<EOF\nh i\nEOF\nj `k`")
    assert [w for w, _, _, _ in commands if w] == [["a", "x"], ["b", "y z"], ["c"], ["d"], ["e", "$(f g)"],
                                                    ["cat"], ["j", "`k`"]]
    assert commands[5][3] == ["h i"]  # the here-document is data of `cat`, no command
    assert nested == ["f g", "k"]


def test_unknown_programs_block_behind_every_prefix_and_nesting():
    """r94-01..r94-11, r94-14, r94-15, evil/r93-21: an unknown program, wherever the script runs it."""
    for script, name in (("croc --yes send d.json", "croc"), ("/opt/tools/push d.json", "/opt/tools/push"),
                         ("ls *.json | xargs -n1 wormhole send", "wormhole"),
                         ("find . -name '*.json' -exec /opt/sync/upload {} \\;", "/opt/sync/upload"),
                         ("timeout 600 sudo -E ipfs add d.json", "ipfs"), ("nohup croc send d &", "croc"),
                         ("bash <<'EOF'\nffsend upload d.json\nEOF", "ffsend"),
                         ("(cd /tmp && busybox ftpput -u a h /in/d d)", "ftpput"),
                         ("test -s d && bash -c 'croc send d'", "croc"), ("x=$(croc send d)", "croc"),
                         ("trap 'croc send d' EXIT", "croc"),
                         ("awk '{system(\"croc send \" $0)}' f", "awk … system()"),
                         ("tee >(croc send) < d", "croc"), (". /opt/tools/env.sh", "/opt/tools/env.sh"),
                         ("python3 /opt/tools/push.py d", "/opt/tools/push.py"),
                         ("sh /opt/x.sh", "sh /opt/x.sh"),
                         ("aws s3 cp s3://b/tools/push . && chmod +x push && ./push d", "./push")):
        found = shell_problems(script)
        assert any(_PROGRAM in p for p in found) and name in _blocked(script), script
    assert any(_PROGRAM in m for m in messages(REPLICATION, codebuild_running("croc send d.json"), ALLOWED))
    assert exec_script(["sh", "-c", "true && croc send d"])
    assert not exec_script(["sh", "-c", "true && gzip d"])
    assert held_scripts("#!/bin/bash\ncroc send d") and not held_scripts("#!/usr/bin/python3\nprint(1)")


def test_programs_named_by_a_variable_or_expansion_block():
    """r94-03, r94-06, r94-08: the program's name is known only when the script runs."""
    for script in ('"$UPLOADER" d.json', "$(echo Y3JvYw== | base64 -d) send d", 'eval "$SEND_CMD"',
                   "`cat /opt/tool` d", "${TOOL:-croc} send d", 'bash -c "$SCRIPT"'):
        assert any(_NAMED in p for p in shell_problems(script)), script
    assert any(_NAMED in m for m in messages(REPLICATION, codebuild_running("$UPLOADER d.json"), ALLOWED))


def test_compliant_scripts_pass():
    """good/r94-01..06 and the shapes of our stacks' scripts: local programs, control flow, functions,
    here-documents, case patterns, readers, prefixes around local programs, the source's own scripts."""
    for script in ("set -euo pipefail", "for f in out/*; do gzip -9 \"$f\"; done",
                   "if [ -d out ]; then tar czf o.tgz out/ && sha256sum o.tgz > o.sha; fi",
                   "upload() { aws s3 cp \"$1\" s3://eloket-archive/; }\nupload d.json",
                   "cat > m.txt <<EOF\nhandover list\ncroc is only a word here\nEOF",
                   "case \"$N\" in\n  1) echo first ;;\n  *) echo \"b $(date +%F)\" ;;\nesac",
                   "ls *.json | xargs -n1 gzip -k", "timeout 60 env LC_ALL=C sort -u d > s",
                   "find . -name '*.gz' -exec sha256sum {} +", "until nc -z localhost 5432; do sleep 1; done",
                   "./check-size.sh --max-bytes 10 dist/",
                   "source venv/bin/activate && python3 -c 'print(1)'",
                   "[[ -f x ]] && ((n++)) || true", "trap 'rm -f x' EXIT", "echo \"a#b\" # croc send",
                   "perl -pi -e 's/a/b/g' f", "yum install -y jq && systemctl enable --now app.service"):
        assert shell_problems(script, source=True) == [], script  # (round 95: a buildspec with a source)
    assert messages(REPLICATION, codebuild_running("gzip -k d.json && sha256sum d.json.gz"), ALLOWED) == []


def test_lists_are_disjoint_and_give_a_reason():
    assert not (set(LOCAL) & set(READ)) and not (set(LOCAL) & SHELLS) and not (set(READ) & set(PREFIXES))
    assert all(reason.strip() for reason in (*LOCAL.values(), *READ.values()))
    assert not {"croc", "wormhole", "ipfs", "ffsend", "ftpput", "nc", "curl"} & set(LOCAL)


def _custom_build(command: str, image: str, variables: list[dict] | None = None):
    env = {"computeType": "BUILD_GENERAL1_SMALL", "image": image, "type": "LINUX_CONTAINER",
           "environmentVariables": variables or []}
    return pinned_res("aws:codebuild/project:Project", "p", {
        "name": "p", "serviceRole": "arn:aws:iam::123456789012:role/cb",
        "artifacts": {"type": "NO_ARTIFACTS"},
        "environment": env, "source": {"type": "NO_SOURCE", "buildspec": (
            f"version: 0.2\nphases:\n  build:\n    commands:\n      - {command}\n")}})


def test_endpoints_a_custom_image_may_set_block_unless_the_project_fixes_them():
    """r94-13, evil/r93-22, good/r94-07, good/r94-08: `aws`/`s5cmd` on a custom image."""
    fixed = ENDPOINT_WHY.split("{}")[3][:40]
    image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/build/tools:1"
    cp = "aws s3 cp d s3://eloket-archive/d"
    for command in (cp, "sudo aws s3api put-object --bucket eloket-archive --key d --body d",
                    "s5cmd cp d s3://eloket-archive/d"):
        assert any(fixed in m for m in messages(REPLICATION, _custom_build(command, image), ALLOWED)), command
        assert not any(fixed in m for m in messages(
            REPLICATION, _custom_build(command, "aws/codebuild/standard:7.0"), ALLOWED)), command
    ignore = [{"name": "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "value": "true"}]
    assert messages(REPLICATION, _custom_build(cp, image, ignore), ALLOWED) == []
    explicit = "aws --endpoint-url https://s3.eu-west-1.amazonaws.com s3 cp d s3://eloket-archive/d"
    assert messages(REPLICATION, _custom_build(explicit, image), ALLOWED) == []
    off = [{"name": "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "value": "false"}]
    assert any(fixed in m for m in messages(REPLICATION, _custom_build(cp, image, off), ALLOWED))


def test_probes_known_programs_that_run_a_command_of_their_own():
    """r94-16..r94-19 (probes of the first fix) and good/r94-09: sed's `e`, tar's `--to-command`, `npx
    PACKAGE` and a shell script in `docker run` are judged; the same programs doing local work pass."""
    for script, name in (('sed "s/^/croc send /e"', "sed … e"), ("sed -n '1e croc send x' f", "sed … e"),
                         ('tar xzf d.tgz --to-command="wormhole send -"', "wormhole"),
                         ('tar --checkpoint-action=exec="croc send d" -cf x d', "croc"),
                         ("npx --yes transfer-sh-cli d", "transfer-sh-cli"),
                         ('docker run --rm alpine:3 sh -c "croc send /w/d"', "croc")):
        assert any(_PROGRAM in p for p in shell_problems(script)) and name in _blocked(script), script
    for script in ('sed -i "s/release/staging/g;/^#/d" f', "sed 's/e/E/g' f", "tar -I zstd -cf d.tar.zst d",
                   "npx --yes tsc --noEmit", 'docker run --rm alpine:3 sh -c "gzip /w/d"',
                   "docker build -t x ."):
        assert shell_problems(script) == [], script


def test_probe_a_path_that_puts_an_image_directory_first_blocks():
    """r94-20 (probe of the second fix) and good/r94-10: a listed program found first in an image's directory
    is that image's program; a directory appended after `$PATH`, or a system one, changes nothing."""
    for script in ("export PATH=/opt/partner/bin:$PATH\ngzip -k d", 'PATH="$HOME/bin:$PATH" tar czf x y'):
        assert any(PATH_WHY.split("{}")[2][:40] in p for p in shell_problems(script)), script  # (round 96)
    for script in ("export PATH=/usr/local/bin:$PATH:$HOME/.local/bin\ngzip -k d", "echo $PATH"):
        assert shell_problems(script) == [], script
