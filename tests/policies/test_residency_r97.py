"""Red-team round 97 of the residency pack: Kubernetes manifests as a closed world (manifests.py: a manifest
that does not parse, repeats a key, holds a document that is no object or gives an image a command outside
a container list blocks; aliases cost their text), here-strings read as here-documents (shell_words.py),
`kubectl run --overrides` and `kubectl patch` judged, npm/yarn/pnpm lifecycle scripts and `yarn <script>`
outside a source (program_runners.build_targets), and `cd` only where a command starts (`_CD`); corpus:
tests/corpus/residency/*/r97-*.yaml.
"""

from __future__ import annotations

import time

import pytest

from policies.core.manifests import UNJUDGEABLE_WHY, manifest_commands
from policies.core.program_runners import leaves_source
from policies.core.shell_programs import (
    BUILD_FILE_WHY,
    NO_SOURCE_NOTE,
    PATH_PROGRAM_WHY,
    PROGRAM_WHY,
    RELATIVE_WHY,
    shell_problems,
)
from policies.core.shell_words import split

CROC = '["croc", "send", "d"]'
POD = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: h\n    image: x\n    command: {}\n"


def _applied(manifest: str) -> list[str]:
    return shell_problems(f"kubectl apply -f - <<'EOF'\n{manifest}EOF\n")


def _unjudgeable(why: str) -> str:
    return UNJUDGEABLE_WHY.format(why)


@pytest.mark.parametrize("manifest, problem", [
    (POD.format(CROC).replace("    image", "   image"),
     "expected <block end>, but found '<block mapping start>'"),
    (POD.format(CROC).replace("    command", "\t  command"),
     "found character '\\t' that cannot start any token"),
    (POD.format(CROC) + "  restartPolicy: {{ .Values.policy }}\n", "a key that is no scalar"),
    (POD.format(CROC) + "---\nkind: ConfigMap\ndata: [\n",
     "expected the node content, but found '<stream end>'"),
    (POD.format(CROC).replace("kind: Pod", "kind: !!python/object/apply:os.getcwd []"),
     "could not determine a constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.getcwd'"),
    (POD.format(CROC) + "  containers: []\n", "the key 'containers' written twice"),
])
def test_a_manifest_that_does_not_parse_blocks_with_the_fix(manifest, problem):
    """r97-01..04, r97-07, r97-08: broken indentation, a tab, a template, one broken document of two, a
    `!!python` tag (the safe loader), a key written twice: each blocks, naming the parser's problem, instead
    of being read as holding no containers."""
    assert _applied(manifest) == [_unjudgeable(f"does not parse ({problem})")]


def test_documents_that_are_no_object_and_images_run_outside_container_lists_block():
    """r97-12, r97-13 (an Argo Workflow's `container`, a Tekton step's `script`), r97-14 (nested past the
    parser) and a document that is a string, where kubectl reads it."""
    argo = "kind: Workflow\nspec:\n  templates:\n  - container:\n      image: x\n      command: [croc]\n"
    assert _applied(argo) == [_unjudgeable("gives the image at `.spec.templates[0].container` a command "
                                           "outside a container list (a custom resource's field the pack "
                                           "does not read)")]
    tekton = "apiVersion: tekton.dev/v1\nkind: Task\nspec:\n  steps:\n  - image: x\n    script: croc send d\n"
    assert _applied(tekton) == [_unjudgeable("gives the image at `.spec.steps[0]` a command outside a "
                                             "container list (a custom resource's field the pack does not "
                                             "read)")]
    assert _applied("[" * 3000 + "]" * 3000 + "\n") == [_unjudgeable("nests deeper than a YAML parser "
                                                                      "follows")]
    assert _applied("just text\n") == [_unjudgeable("holds a document that is no object (str)")]
    assert manifest_commands("just text") == ([], [])  # (a here-document kubectl does not read: data)
    assert manifest_commands("containers: [\n") == ([], [])  # (no `apiVersion`: no object Kubernetes reads)
    scripts = ("python3 - <<'EOF'\nfor c in t['containers']: print(c)\nEOF\n"
               "sudo bash <<'EOF'\necho apiVersion: x; [ -s x ] && echo ok: done\nEOF\n")
    assert shell_problems(scripts) == []  # good/r97-10 (the second fix): scripts, judged as scripts


def test_escaped_keys_aliases_and_json_are_read_as_kubernetes_reads_them():
    """r97-05, r97-06, r97-09..11; good/r97-01..03: a merge key, a billion laughs (each object walked once),
    `"\\x63ontainers"`, a key folded by an escaped line break, JSON's `\\u0063ontainers`: the containers
    are found; valid multi-document manifests with anchors pass."""
    croc = [PROGRAM_WHY.format("croc")]
    merged = "spec:\n  x: &b {command: [croc, send]}\n  containers:\n  - image: x\n    <<: *b\n"
    assert _applied(merged) == croc
    escaped = POD.format(CROC).replace("  containers:", '  "\\x63ontainers":').replace("apiVersion", "a")
    assert shell_problems(f"cat > /etc/k/h <<'EOF'\n{escaped.replace('kind', 'k')}EOF\n") == croc
    folded = POD.format(CROC).replace("  containers:", '  "cont\\\n    ainers":')  # (no one-line key)
    assert _applied(folded) == [_unjudgeable("does not parse (mapping values are not allowed here)")]
    assert _applied('{"spec": {"\\u0063ontainers": [{"image": "x", "command": ["croc"]}]}}\n') == croc
    laughs = "a: &a [l, l, l, l, l, l, l, l, l]\n" + "".join(
        f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    start = time.process_time()
    assert _applied(POD.format(CROC) + "---\n" + laughs) == croc
    assert time.process_time() - start < 2  # (9^9 leaves if expanded; each object once: milliseconds)
    app = POD.format('["/app/server"]')
    assert _applied(app + "---\nkind: Service\nspec: {ports: [{port: 80}]}\n") == []
    shared = ("spec:\n  containers:\n  - &c {image: x, command: [/app/a]}\n  - <<: *c\n"
              "    command: [/app/b]\n")
    assert _applied(shared) == []


def test_here_strings_are_read_as_here_documents():
    """r97-15, r97-16: `kubectl apply -f - <<< WORD` reads the word: a variable cannot be judged, a literal
    manifest is; a shell fed a here-string runs it as a script."""
    assert split("kubectl apply -f - <<< 'a: 1'")[0] == [(["kubectl", "apply", "-f", "-"],
                                                         ["kubectl", "apply", "-f", "-"], "", ["a: 1"])]
    assert shell_problems('kubectl apply -f - <<< "$MANIFEST"') == [
        _unjudgeable("is a variable or an expansion, whose text the script does not hold")]
    pod = '{"spec": {"containers": [{"image": "x", "command": ["croc"]}]}}'
    assert shell_problems(f"kubectl apply -f - <<< '{pod}'") == [PROGRAM_WHY.format("croc")]
    assert shell_problems("bash <<< 'croc send d'") == [PROGRAM_WHY.format("croc")]
    assert shell_problems("bash <<< 'gzip -k d'") == []


def test_kubectl_run_overrides_and_patch_are_manifests():
    """r97-26, r97-27; good/r97-08: the object `--overrides` or `-p` writes is judged; a patch file or a
    JSON patch of a container cannot be."""
    croc = [PROGRAM_WHY.format("croc")]
    over = '{"spec": {"containers": [{"name": "h", "image": "x", "command": ["croc", "send"]}]}}'
    assert shell_problems(f"kubectl run h --image=x --overrides='{over}'") == croc
    patch = '{"spec": {"template": {"spec": {"containers": [{"name": "api", "command": ["croc"]}]}}}}'
    for command in (f"kubectl patch deployment api -p '{patch}'", f"kubectl patch d api --patch='{patch}'",
                    f"kubectl patch deploy api -p'{patch}'"):
        assert shell_problems(command) == croc, command
    assert shell_problems(f"kubectl patch deploy api -p '{patch.replace('croc', '/app/server')}'") == []
    labels = '{"metadata": {"labels": {"a": "b"}}}'
    assert shell_problems(f"kubectl run r --image=x --overrides='{labels}'") == []
    assert shell_problems("kubectl patch deploy api --patch-file p.yaml") == [
        PROGRAM_WHY.format("kubectl patch --patch-file")
        + " (a patch the script does not hold: write it with `-p`)"]
    ops = '[{"op": "replace", "path": "/spec/template/spec/containers/0/command", "value": ["croc"]}]'
    assert shell_problems(f"kubectl patch deploy api --type json -p '{ops}'") == [_unjudgeable(
        "patches `/spec/template/spec/containers/0/command` by a JSON patch (write a strategic merge patch: "
        "`-p '{\"spec\": …}'`)")]


@pytest.mark.parametrize("script, shown", [
    ("yarn push --target b", "yarn push --target"), ("pnpm push", "pnpm push"), ("npm ci", "npm ci"),
    ("npm install --no-audit", "npm install --no-audit"), ("yarn", "yarn"), ("yarn install", "yarn install"),
    ("pnpm install", "pnpm install"), ("npm publish", "npm publish"),
])
def test_lifecycle_scripts_and_bare_scripts_of_a_build_file_no_source_holds_block(script, shown):
    """r97-17..21: `yarn <script>`, `pnpm <script>` and the install, pack and publish commands that run
    package.json's lifecycle scripts, after `cd /opt/partner` or where no source is."""
    why = [BUILD_FILE_WHY.format(shown) + NO_SOURCE_NOTE]
    assert shell_problems(script) == why
    assert shell_problems(f"cd /opt/partner && {script}", source=True) == why


def test_npm_explore_and_yarn_node_run_what_they_name():
    """r97-31, r97-32 (probes of the first fix); good/r97-09: `npm explore PKG -- CMD` runs CMD in a shell in
    the package's directory, `yarn node FILE` runs node on the file."""
    assert shell_problems("npm explore p -- croc send d") == [PROGRAM_WHY.format("croc")]
    assert shell_problems("yarn node /opt/p/push.js") == [PATH_PROGRAM_WHY.format("/opt/p/push.js")]
    assert shell_problems("npm explore eslint -- npm ls\nyarn node scripts/build.js", source=True) == []


def test_commands_that_run_no_script_of_the_directory_pass():
    """good/r97-05, good/r97-06: global installs, `--ignore-scripts`, versions and yarn's own commands outside
    a source; anything in a source."""
    for script in ("npm install -g typescript@5", "npm ci --ignore-scripts", "yarn --version",
                   "pnpm --version", "npm --version", "yarn global add typescript", "yarn cache clean",
                   "pnpm store prune", "npm config set x y", "yarn config get registry",
                   "pnpm add -g typescript"):
        assert shell_problems(script) == [], script
    assert shell_problems("cd web && npm ci && yarn && yarn build && pnpm lint", source=True) == []


def test_cd_is_a_change_of_directory_only_where_a_command_starts():
    """r97-22..25; good/r97-07: a quoted, escaped, evaluated or `builtin` cd leaves the source; a word `cd`
    that is an argument (`echo cd /`) changes nothing."""
    for script in ('"cd" /opt/p', "\\cd /opt/p", 'eval "cd /opt/p"', "builtin cd /opt/p", "X=1 cd /opt/p",
                   "if ! cd /opt/p; then :; fi", "for d in a; do cd /opt/p; done", "x || cd ~",
                   "{ cd /opt; }", "cd -", "a\n  cd ../.."):
        assert leaves_source(script), script
    for script in ("echo cd /", 'echo "to reproduce: cd /tmp"', "printf '%s' 'then cd ~'", "grep -c cd /x",
                   "cd web && make", "x.cd /opt"):
        assert not leaves_source(script), script
    relative = [RELATIVE_WHY.format("./push") + NO_SOURCE_NOTE]
    assert shell_problems('"cd" /opt/p && ./push', source=True) == relative
    assert shell_problems("echo cd /\n./scripts/build.sh", source=True) == []
