"""The programs a shell script may run (round 94): data of shell_programs, one home, a reason per entry.

`READ`: programs a reader of the pack judges (where they send is read from the command). `LOCAL`: programs
known to work on the machine's own files, processes and packages only; a program that can send (a network
client, a transfer tool, a binary of the image) is never listed here. `PREFIXES`: programs that run the
program after them (with their options that take a value). `SHELLS`: shells, whose script is split again.
Add a program with the reason it stays local (the programs of the corpus `good/` and of our stacks' scripts
were listed first); anything else blocks with `shell_programs.PROGRAM_WHY`. Round 96: `TRANSFER`, transfer
tools that block even by a path of the image in an exec form; `BUILD_TARGETS`, a build tool's commands that
run the current directory's build file (the image's, outside a source).
"""

from __future__ import annotations

_R_HOSTS = "its destination is read (script_tools, upload_targets, script_languages: hosts, URLs, variables)"
_R_CLOUD = "its commands are read (command_names, command_places, script_sites: stores, regions, deploys)"
_R_CODE = "its inline code is read (code_imports, code_uploads, client_calls); a language not read blocks"
READ: dict[str, str] = {
    **dict.fromkeys(("aws", "az", "azcopy", "gsutil", "kubectl", "helm", "kustomize", "terraform",
                     "pulumi", "docker", "podman", "nerdctl", "npm", "yarn", "pnpm", "twine", "dotnet"),
                    _R_CLOUD),  # (round 96: podman and nerdctl are docker's CLI, read as it is)
    **dict.fromkeys(("curl", "wget", "mc", "s5cmd", "s3cmd", "restic", "borg", "duplicity", "duply",
                     "smbclient", "mount", "lftp", "scp", "rsync", "sftp", "ssh", "nc", "ncat", "netcat",
                     "telnet", "socat", "openssl", "psql", "pg_restore", "mysql", "mongorestore",
                     "mongoimport", "mongosh", "redis-cli", "sqlcmd", "cqlsh", "rclone"), _R_HOSTS),
    **dict.fromkeys(("python", "python3", "node", "pwsh", "powershell", "go", "java", "perl", "ruby",
                     "php", "lua", "Rscript", "gcc", "cc", "clang", "rustc", "cargo"), _R_CODE),
}
_FILES = "works on local files only (no network)"
_TEXT = "filters text or data on stdin or local files"
_SHELL = "a shell builtin or utility of the script's own process"
_PACKAGES = "installs packages from the image's configured repositories (data comes in, nothing is sent)"
_BUILD = "builds or tests the project's own source (reviewed with the source; its publish steps are read)"
_SERVES = ("serves the image's own application (requests come in); the application's code is the image's, "
           "judged as the image is (an inert site)")
_SYSTEM = "manages the machine's own services, users or settings"
LOCAL: dict[str, str] = {
    **dict.fromkeys(("tar", "gzip", "gunzip", "zcat", "bzip2", "xz", "unxz", "zstd", "zip", "unzip",
                     "cp", "mv", "rm", "mkdir", "rmdir", "ls", "ln", "touch", "chmod", "chown", "chgrp",
                     "install", "mktemp", "stat", "du", "df", "file", "find", "split", "truncate", "dd",
                     "sha256sum", "sha1sum", "sha512sum", "md5sum", "cksum", "base64", "gpg", "tee",
                     "realpath", "readlink", "basename", "dirname", "sync", "shred", "unlink"), _FILES),
    **dict.fromkeys(("cat", "echo", "printf", "jq", "yq", "sed", "awk", "gawk", "grep", "egrep", "head",
                     "tail", "wc", "sort", "uniq", "cut", "tr", "paste", "join", "comm", "diff", "rev",
                     "column", "fold", "fmt", "nl", "od", "xxd", "hexdump", "envsubst", "iconv", "seq",
                     "yes", "tac", "expand", "csplit", "cmp", "xmllint", "less", "more"), _TEXT),
    **dict.fromkeys(("cd", "pwd", "export", "set", "unset", "read", "test", "[", "true", "false", "exit",
                     "return", "shift", "local", "declare", "typeset", "readonly", "trap", "wait",
                     "sleep", "date", "source", ".", ":", "umask", "ulimit", "hash", "type", "which",
                     "whoami", "id", "hostname", "uname", "printenv", "getopts", "break",
                     "continue", "kill", "pushd", "popd", "dirs", "shopt", "let", "caller", "jobs",
                     "disown", "eval", "alias", "unalias", "history", "logger", "tput", "clear", "nproc",
                     "arch", "ps", "pgrep", "free", "uptime", "lsblk", "mountpoint"), _SHELL),
    **dict.fromkeys(("yum", "dnf", "apt", "apt-get", "apk", "rpm", "dpkg", "pip", "pip3", "gem",
                     "amazon-linux-extras", "update-ca-certificates"), _PACKAGES),
    **dict.fromkeys(("make", "mvn", "gradle", "gradlew", "mvnw", "tsc", "pytest", "tox",
                     "uv", "poetry", "gofmt", "javac"), _BUILD),
    **dict.fromkeys(("systemctl", "service", "useradd", "groupadd", "usermod", "sysctl", "modprobe",
                     "mkfs", "mkfs.ext4", "mkfs.xfs", "swapon", "swapoff", "timedatectl", "hostnamectl",
                     "chkconfig", "setenforce", "ldconfig", "cloud-init"), _SYSTEM),
    **dict.fromkeys(("pg_dump", "pg_dumpall", "mysqldump", "mongodump", "mongoexport"),
                    "reads a database into a local file or stdout (data comes in; writing clients are read)"),
    **dict.fromkeys(("gunicorn", "uvicorn", "nginx", "httpd", "caddy"), _SERVES),
}
# prefixes: the options that take a value (the program follows the options)
PREFIXES: dict[str, frozenset[str]] = {
    "sudo": frozenset({"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T"}),
    "env": frozenset({"-u", "-C", "--unset", "--chdir"}),
    "timeout": frozenset({"-s", "-k", "--signal", "--kill-after"}),
    "nohup": frozenset(), "exec": frozenset({"-a"}), "command": frozenset(), "builtin": frozenset(),
    "time": frozenset({"-f", "-o"}), "nice": frozenset({"-n", "--adjustment"}),
    "ionice": frozenset({"-c", "-n", "-p"}), "setsid": frozenset(), "stdbuf": frozenset({"-i", "-o", "-e"}),
    "xargs": frozenset({"-n", "-I", "-L", "-P", "-d", "-E", "-s", "-a", "--max-args", "--replace",
                        "--max-procs", "--delimiter", "--arg-file"}),
    "busybox": frozenset(), "toybox": frozenset(), "doas": frozenset({"-u"}), "chroot": frozenset(),
    "flock": frozenset({"-w", "-E", "--timeout"}), "runuser": frozenset({"-u", "-g"}),
    "strace": frozenset({"-o", "-e", "-p"}), "tini": frozenset(), "dumb-init": frozenset(),
    "npx": frozenset({"-p", "--package", "-c", "--call"}),  # (round 94's probe: `npx PACKAGE` runs PACKAGE)
}
SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh"})
# round 96: transfer tools known by name, which block even when an exec form names them by a path of the
# image (`["/opt/partner/bin/croc", "send", …]`; any other path there is the image's own application)
TRANSFER = frozenset({"croc", "wormhole", "ffsend", "transfersh", "ipfs", "syncthing", "rclone",
                      "s5cmd", "aws", "azcopy", "gsutil", "curl", "wget", "scp", "sftp", "rsync", "lftp",
                      "ncat", "nc", "socat", "mc", "restic", "rustic", "kopia", "duplicity", "sendme",
                      "onionshare", "magic-wormhole", "pcloud", "gdrive", "dropbox_uploader", "megacmd"})


def image_tool(image: object) -> str | None:
    """The transfer tool an image is named for (`docker.io/schollz/croc:10`, `rclone/rclone`): a container
    that does not replace the image's entry point runs it (round 98), with its arguments."""
    if not isinstance(image, str):
        return None
    name = image.split("@", 1)[0].rsplit("/", 1)[-1].split(":", 1)[0].lower()
    return name if name in TRANSFER else None


# a build tool's commands that run the targets of the build file of the current directory (round 96: after
# `cd /opt/partner`, or in a script no source holds, that file is the image's)
BUILD_TARGETS: dict[str, frozenset[str]] = {
    "make": frozenset(), "mvn": frozenset(), "gradle": frozenset(),
    **dict.fromkeys(("npm", "yarn", "pnpm"), frozenset({"run", "run-script", "start", "test", "t",
                                                         "restart", "stop", "rum", "urn"})),
}
# round 97: commands that run the current directory's package.json lifecycle scripts (`preinstall`,
# `install`, `postinstall`, `prepare`, `prepack`, …; none with `--ignore-scripts`, none for a global install;
# npm's "scripts" docs, yarn's and pnpm's CLI docs), and yarn's and pnpm's own commands: any other word is a
# script's name (`yarn push` runs `yarn run push`; pnpm runs an unknown command in the project)
LIFECYCLE: dict[str, frozenset[str]] = {
    "npm": frozenset({"ci", "clean-install", "ic", "install-clean", "isntall-clean", "install", "i", "in",
                      "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal", "isntall", "add",
                      "install-test", "it", "install-ci-test", "cit", "rebuild", "rb", "pack", "publish",
                      "version", "link", "ln"}),
    "yarn": frozenset({"", "install", "add", "upgrade", "up", "remove", "rebuild", "pack", "publish",
                       "version", "link", "import", "workspace", "workspaces"}),
    "pnpm": frozenset({"install", "i", "add", "update", "up", "upgrade", "remove", "rm", "uninstall", "un",
                       "rebuild", "rb", "pack", "publish", "install-test", "it", "link", "ln", "deploy",
                       "import", "recursive", "multi", "m"}),
}
OWN_COMMANDS: dict[str, frozenset[str]] = {
    "yarn": frozenset({"audit", "autoclean", "bin", "cache", "check", "config", "create", "dedupe", "dlx",
                       "exec", "explain", "constraints", "generate-lock-entry", "global", "help", "info",
                       "init", "licenses", "list", "lockfile", "login", "logout", "node", "npm", "outdated",
                       "owner", "patch", "patch-commit", "plugin", "policies", "prune", "run", "search",
                       "self-update", "set", "stage", "tag", "team", "unlink", "unplug",
                       "upgrade-interactive", "versions", "why"}),
    "pnpm": frozenset({"", "audit", "bin", "cache", "config", "c", "create", "dedupe", "dlx", "doctor",
                       "env", "exec", "fetch", "help", "init", "licenses", "list", "ls", "ll", "la",
                       "outdated", "patch", "patch-commit", "patch-remove", "prune", "root", "run",
                       "run-script", "server", "setup", "store", "unlink", "why", "self-update"}),
}
# `python3 -m MODULE` (round 95): modules of the standard library or the build that work locally; a module
# named after a listed program (`pip`, `pytest`, `twine`) is judged as that program
MODULES: dict[str, str] = {
    **dict.fromkeys(("venv", "ensurepip", "compileall", "py_compile", "unittest", "doctest", "build",
                     "json.tool", "zipfile", "tarfile", "timeit", "mypy", "ruff", "black"), _BUILD),
}
# `docker|podman|nerdctl run|exec` options (round 95): those that take a value, and flags (long ones, and
# the letters of a short cluster such as `-it`); any other option blocks (the image cannot be told apart)
CONTAINER_VALUED = frozenset({
    "-v", "--volume", "-e", "--env", "--env-file", "-w", "--workdir", "-p", "--publish", "-u", "--user",
    "--name", "--network", "--net", "-h", "--hostname", "-l", "--label", "--label-file", "-m", "--memory",
    "--mount", "--platform", "--add-host", "--dns", "--cpus", "--cpu-shares", "-c", "--restart",
    "--log-driver", "--log-opt", "--pull", "--cidfile", "--device", "--gpus", "--ipc", "--pid", "--tmpfs",
    "--ulimit", "--security-opt", "--cap-add", "--cap-drop", "--shm-size", "--stop-signal", "--stop-timeout",
    "--entrypoint", "--expose", "--volumes-from", "--runtime", "--userns", "--group-add", "--memory-swap",
    "--network-alias", "--detach-keys", "-a", "--attach"})
CONTAINER_FLAGS = frozenset({
    "--rm", "--init", "--privileged", "--read-only", "--detach", "--interactive", "--tty", "--quiet",
    "--no-healthcheck", "--publish-all", "d", "i", "t", "q", "P"})
