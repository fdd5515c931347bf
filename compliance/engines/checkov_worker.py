"""Run Checkov's runners on the files named on stdin; print their records as JSON on stdout.

A standalone script, run by compliance/engines/checkov.py as `PYTHON -I checkov_worker.py`
with an interpreter that can import Checkov (`--checkov-python`). It imports nothing from
the `compliance` package and only the standard library besides Checkov, so that other
environment needs no `compliance` install: Checkov's Terraform parser (bc-python-hcl2)
installs a module named `hcl2` that clashes with the python-hcl2 our loaders use, and it
pins an older `packaging`, so the two rarely live in one environment.

Request (stdin, JSON): {"protocol": 1, "inputs": {"kubernetes" | "terraform" |
"terraform_plan": [absolute file paths]}}.

Answer (stdout, JSON): {"protocol": 1, "checkov_version": str, "records": [{"framework",
"check_id", "check_name", "result", "resource", "file", "start_line", "end_line",
"guideline"}], "parsing_errors": {framework: [files]}, "unavailable": {framework: reason}}.

Exit codes: 0 answered; 3 Checkov cannot be imported (stdout: {"error": "import",
"message"}); anything else is a crash, with Python's traceback on stderr.
"""

from __future__ import annotations

import json
import logging
import sys

PROTOCOL = 1
EXIT_NO_CHECKOV = 3
_RUNNERS = {
    "kubernetes": "checkov.kubernetes.runner",
    "terraform": "checkov.terraform.runner",
    "terraform_plan": "checkov.terraform.plan_runner",
}


def main() -> int:
    """Read the request, run each framework's runner, write the answer."""
    answer_to = sys.stdout
    # Checkov writes notes to stdout here and there; only our JSON may go there.
    sys.stdout = sys.stderr
    request = json.load(sys.stdin)
    if request.get("protocol") != PROTOCOL:
        raise SystemExit(f"checkov_worker: unsupported request protocol {request.get('protocol')!r}")
    logging.disable(logging.WARNING)  # Checkov's INFO/WARNING lines are noise for our users
    try:
        import checkov  # noqa: F401
        from checkov.runner_filter import RunnerFilter
        from checkov.version import version
    except Exception as exc:  # absent, or broken: the parent says how to install it
        answer_to.write(json.dumps({"error": "import", "message": f"{type(exc).__name__}: {exc}"}))
        return EXIT_NO_CHECKOV
    answer: dict = {"protocol": PROTOCOL, "checkov_version": version, "records": [], "parsing_errors": {},
                    "unavailable": {}}
    for framework, files in sorted(request.get("inputs", {}).items()):
        if framework not in _RUNNERS or not files:
            continue
        try:
            module = __import__(_RUNNERS[framework], fromlist=["Runner"])
        except Exception as exc:  # e.g. python-hcl2 >= 8 in place of bc-python-hcl2: no Terraform runner
            answer["unavailable"][framework] = f"{type(exc).__name__}: {exc}"
            continue
        report = module.Runner().run(root_folder=None, files=list(files),
                                     runner_filter=RunnerFilter(framework=[framework], show_progress_bar=False))
        for item in report if isinstance(report, list) else [report]:
            errors = sorted(str(e) for e in item.parsing_errors)
            if errors:
                answer["parsing_errors"].setdefault(framework, []).extend(errors)
            for record in [*item.failed_checks, *item.passed_checks, *item.skipped_checks]:
                answer["records"].append(_record(framework, record))
    answer["records"].sort(key=lambda r: (r["file"], r["start_line"], r["check_id"], r["resource"], r["framework"]))
    answer_to.write(json.dumps(answer, sort_keys=True))
    return 0


def _record(framework: str, record) -> dict:
    lines = [int(n) for n in (record.file_line_range or [])][:2] + [0, 0]
    result = record.check_result.get("result")
    return {
        "framework": framework,
        "check_id": str(record.check_id),
        "check_name": str(record.check_name),
        "result": str(getattr(result, "name", result)),  # PASSED | FAILED | SKIPPED
        "resource": str(record.resource),
        "file": str(record.file_abs_path or ""),
        "start_line": lines[0],
        "end_line": lines[1],
        "guideline": str(getattr(record, "guideline", None) or ""),
    }


if __name__ == "__main__":
    sys.exit(main())
