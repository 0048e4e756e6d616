"""checkov as a library, run by checkov's own tool environment: ``python driver.py DIR FRAMEWORK...|-``.

The same scan as ``checkov -d DIR --framework ... --skip-download`` (checkov's own ``Checkov`` entry point
with those arguments), minus two costs that do not change a result: checkov keeps every debug message
in memory (15 % of a 10k-resource scan) and prints a JSON report with every resource's code (20 %),
and it reads the gate's one-line JSON files through a YAML loader (a third; see fastparse.py).
Prints one JSON list of ``{"check_type", "results": {"failed_checks", "passed_checks"}}`` holding only
the fields the gate reads. Runs in checkov's environment: imports nothing of the gate.
"""

from __future__ import annotations

import json
import logging
import os
import sys

FIELDS = ("check_id", "check_name", "resource", "file_path")


def _record(record: object) -> dict[str, object]:
    out = {k: getattr(record, k, None) for k in FIELDS}
    severity = getattr(record, "severity", None)
    out["severity"] = getattr(severity, "name", None) if severity is not None else None
    return out


def main(argv: list[str]) -> int:
    """``DIR FRAMEWORK...``, or ``-``: import checkov first, then read ``{"directory", "frameworks"}``
    as one JSON line from stdin (end of input: exit without scanning). The gate starts a driver that
    way before it knows what to scan, so checkov's imports (most of a small scan) overlap its export."""
    os.environ.update({"LOG_LEVEL": "ERROR", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false",
                       "BC_SKIP_MAPPING": "TRUE", "CKV_NO_TELEMETRY": "1"})
    os.environ.pop("BC_API_KEY", None)
    logging.disable(logging.INFO)   # checkov formats and buffers every debug message otherwise
    import fastparse  # beside this file (the script's directory is on sys.path)
    from checkov.main import Checkov

    fastparse.install()
    Checkov.print_results = lambda self, *a, **k: 0   # type: ignore[method-assign]  # results read below
    if argv == ["-"]:
        line = sys.stdin.readline()
        if not line.strip():
            return 0
        job = json.loads(line)
        directory, frameworks = str(job["directory"]), [str(f) for f in job["frameworks"]]
        os.chdir(directory)   # where a plain run starts
    else:
        directory, frameworks = argv[0], argv[1:]
    ckv = Checkov(argv=["-d", directory, "--framework", *frameworks, "-o", "json", "--compact",
                        "--skip-download", "--no-fail-on-crash", "--soft-fail", "--quiet"])
    ckv.run()
    reports = [{"check_type": r.check_type,
                "results": {"failed_checks": [_record(c) for c in r.failed_checks],
                            "passed_checks": [_record(c) for c in r.passed_checks]}}
               for r in ckv.scan_reports]
    # one write to the real stdout: checkov wraps sys.stdout in colorama, and json.dump streams through
    # the pure-Python encoder in small pieces (together a seventh of a large scan)
    sys.__stdout__.write(json.dumps(reports, separators=(",", ":")) + "\n")
    sys.__stdout__.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
