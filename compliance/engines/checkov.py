"""Checkov's built-in checks as an extra rule source (`--engine checkov`).

Checkov runs once, after our own per-file pass, on the same files our loaders read:
Kubernetes manifests, Terraform .tf files and Terraform plan JSON. It runs in a process
of its own (compliance/engines/checkov_worker.py, a standalone script run with `-I`),
as a library there, under the interpreter `--checkov-python` names (or
COMPLIANCE_CHECKOV_PYTHON, or `checkov_python:` in compliance.yaml), by default this
one when it can import Checkov. A separate process lets Checkov live in a venv of its
own: its Terraform parser installs a module named `hcl2` over the python-hcl2 our
loaders need, and it pins an older `packaging`. Rendered Helm/Kustomize output and
standard input are not given to it (it would render or read them differently) and a
warning says so. Its records become our Results on our own Resource objects (a plan
finding is located at the .tf block our plan loader found), so waivers, controls,
baselines and every reporter treat them like ours. Severity comes from
controls/checkov-map.yml (Checkov's own severities need a paid API key). A failed check
that finds the same problem as one of our failed rules on the same resource is dropped
and named in our Result.details["corroborated_by"] (ScanOptions.show_duplicates keeps both).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..errors import EngineError
from ..model import AppliesTo, Resource, Result, Rule, Severity, Source, Status
from .checkov_map import CheckMapping, builtin_map

ENV_PYTHON = "COMPLIANCE_CHECKOV_PYTHON"
INSTALL_HINT = ("python -m venv ~/.venvs/checkov && ~/.venvs/checkov/bin/pip install checkov, then pass "
                "--checkov-python ~/.venvs/checkov/bin/python (or set COMPLIANCE_CHECKOV_PYTHON, or "
                "checkov_python: in compliance.yaml)")
DEFAULT_SEVERITY = Severity.medium  # checks not in our table
DEFAULT_TIMEOUT = 600.0  # seconds for the whole Checkov run; compliance.yaml checkov_timeout
WORKER = Path(__file__).with_name("checkov_worker.py")
_EXIT_NO_CHECKOV = 3  # checkov_worker.EXIT_NO_CHECKOV (not imported: the worker stays standalone)
_TAIL_LINES = 6  # of the worker's stderr, in a crash message


def resolve_python(explicit: str | os.PathLike | None = None) -> str:
    """The interpreter Checkov runs under: explicit, else $COMPLIANCE_CHECKOV_PYTHON, else this one.

    Args:
        explicit: --checkov-python or compliance.yaml checkov_python (a path, or a command on PATH).

    Returns:
        The interpreter's path.

    Raises:
        EngineError: the named interpreter does not exist or cannot be run, or none was named
            and this interpreter cannot import Checkov (with the install commands).
    """
    named = str(explicit) if explicit else os.environ.get(ENV_PYTHON, "").strip()
    if named:
        path = os.path.expanduser(named)
        if os.sep not in path:  # a bare command name, e.g. python3.12
            path = shutil.which(path) or path
        if not os.path.isfile(path):
            raise EngineError(f"Checkov interpreter not found: {named} (--checkov-python, {ENV_PYTHON} or "
                              f"checkov_python:); to make one: {INSTALL_HINT}")
        if not os.access(path, os.X_OK):
            raise EngineError(f"Checkov interpreter is not executable: {named}")
        return path
    if importlib.util.find_spec("checkov") is None:
        raise EngineError(f"--engine checkov needs Checkov, which this Python ({sys.executable}) cannot import: "
                          f"{INSTALL_HINT}")
    return sys.executable


def require(python: str | os.PathLike | None = None, *, named_in: Path | None = None,
            scanned: Sequence[Path] = ()) -> str:
    """Check that Checkov can be run before any file is read; return its interpreter.

    Args:
        python: the interpreter asked for (--checkov-python, its variable, or compliance.yaml).
        named_in: the compliance.yaml that named it, when it came from there. That file is part
            of the scanned repository, so the interpreter must lie outside the repository: a pull
            request must not be able to plant a program that the scan then runs.
        scanned: the scan root and scanned directories, for that check.

    Raises:
        EngineError: as resolve_python, or an interpreter from compliance.yaml inside the
            scanned tree. Whether Checkov imports in a named interpreter is known only when
            the scan runs it (importing Checkov takes seconds).
    """
    path = resolve_python(python)
    if named_in is not None:
        # Both the path as named and its target: a venv's bin/python is a link out of the venv.
        candidates = {Path(os.path.abspath(path)), Path(path).resolve()}
        for tree in [named_in.parent, *scanned]:
            trees = {Path(os.path.abspath(tree)), Path(tree).resolve()}
            if any(c == t or t in c.parents for c in candidates for t in trees):
                raise EngineError(
                    f"{named_in.as_posix()}: checkov_python {python} is inside the scanned tree "
                    f"({Path(tree).as_posix()}); compliance runs no program from the repository it scans: name "
                    "an interpreter outside it (e.g. ~/.venvs/checkov/bin/python), or pass --checkov-python")
    return path


def run(options, resources: list[Resource], results: list[Result], warnings: list[str]) -> list[Rule]:
    """Run Checkov over the files our loaders read; add its Results to `results`, de-duplicated.

    Args:
        options: the scan's ScanOptions (root, show_duplicates, and loader_options["checkov"]:
            {"python": interpreter, "timeout": seconds}).
        resources: every resource our loaders found; Checkov's records are attached to them.
        results: our results so far; Checkov's are appended, corroborated ones are annotated.
        warnings: where notes for the user go (files not given to Checkov, its parse errors).

    Returns:
        The Rule of every Checkov check that produced a result.

    Raises:
        EngineError: no Checkov interpreter, Checkov not importable there, the worker crashed
            or did not finish in time.
    """
    settings = dict((options.loader_options or {}).get("checkov") or {})
    python = resolve_python(settings.get("python"))
    root = Path(options.root)
    # Rendered Helm and Kustomize resources reach Checkov's Kubernetes runner as files in a private
    # scratch folder (removed afterwards); their findings are reported at our template or patch line.
    with tempfile.TemporaryDirectory(prefix="compliance-checkov-") as scratch:
        rendered: dict[str, Resource] = {}
        inputs = _inputs(resources, root, warnings, rendered=rendered, scratch=Path(scratch))
        answer = (run_worker(python, inputs, timeout=float(settings.get("timeout") or DEFAULT_TIMEOUT))
                  if inputs else {})
    for framework, reason in sorted(answer.get("unavailable", {}).items()):
        why = ("Checkov's Terraform parser (bc-python-hcl2) installs a module named `hcl2` that clashes with the "
               "python-hcl2 compliance uses: install Checkov in a venv of its own" if framework.startswith("terraform")
               else "reinstall Checkov, or install it in a venv of its own")
        warnings.append(f"checkov: {framework} checks unavailable under {python} ({reason}); "
                        f"{len(inputs[framework])} file(s) were checked by our rules only. {why}: {INSTALL_HINT}")
    for framework, errors in sorted(answer.get("parsing_errors", {}).items()):
        for error in sorted(errors):
            warnings.append(f"checkov: could not parse {_shown(error, root)} ({framework})")
    index = _ResourceIndex(resources, root, rendered)
    table = builtin_map()
    ours = _our_rules()
    rules: dict[str, Rule] = {}
    found: list[Result] = []
    skipped: list[str] = []
    for record in answer.get("records", []):
        status = {"PASSED": Status.passed, "FAILED": Status.failed}.get(record["result"])
        resource, line, end = index.match(record)
        if status is None:  # SKIPPED: a checkov:skip comment in the scanned file
            skipped.append(f"{record['check_id']} on {resource.id} ({resource.source.file}:{line})")
            continue
        rule = rules.get(record["check_id"]) or rules.setdefault(
            record["check_id"], _rule(record, resource.family, table.get(record["check_id"]), ours))
        details = {"engine": "checkov", "check": record["check_name"]}
        found.append(Result(rule, resource, status, record["check_name"] if status is Status.failed else "",
                            (), line, end, details))
    if skipped:
        warnings.append(f"checkov: {len(skipped)} check(s) skipped by checkov:skip comments in the scanned "
                        f"files: {', '.join(sorted(skipped))}")
    results.extend(_deduplicate(found, results, table, keep_both=bool(options.show_duplicates)))
    return sorted(rules.values(), key=lambda r: r.id)


def _inputs(resources: list[Resource], root: Path, warnings: list[str], *, rendered: dict[str, Resource],
            scratch: Path) -> dict[str, list[str]]:
    """Files per Checkov framework, from where our loaders found resources.

    A resource rendered from a Helm chart or Kustomize overlay is written alone to a file in
    `scratch`, recorded in `rendered` (file -> resource), and given to the Kubernetes runner.
    """
    out: dict[str, set[str]] = {"kubernetes": set(), "terraform": set(), "terraform_plan": set()}
    unchecked = 0
    for resource in resources:
        origin = resource.source.origin
        if origin is not None and origin.kind == "terraform-plan" and origin.detail:
            out["terraform_plan"].add(str(root / origin.detail.rsplit(":", 1)[0]))
        elif origin is not None and origin.kind in ("helm", "kustomize") and resource.family == "kubernetes":
            file = scratch / f"rendered-{len(rendered):05d}.json"
            try:
                file.write_text(json.dumps(resource.body, default=str), encoding="utf-8")
            except (TypeError, ValueError, OSError):
                unchecked += 1
                continue
            rendered[str(file)] = resource
            out["kubernetes"].add(str(file))
        elif origin is not None or resource.source.file in ("-", "<stdin>"):
            unchecked += 1
        elif resource.family == "kubernetes":
            out["kubernetes"].add(str(root / resource.source.file))
        elif resource.family == "terraform":
            out["terraform"].add(str(root / resource.source.file))
    # Checkov evaluates a module from all its files (variables.tf, locals.tf), as our loader does.
    for tf in list(out["terraform"]):
        out["terraform"].update(str(p) for p in Path(tf).parent.glob("*.tf") if p.is_file() and not p.is_symlink())
    if unchecked:
        warnings.append(f"checkov: {unchecked} resource(s) read from standard input were checked by our rules "
                        "only, not by Checkov")
    return {framework: sorted(files) for framework, files in out.items() if files}


def run_worker(python: str, inputs: dict[str, list[str]], *, timeout: float = DEFAULT_TIMEOUT) -> dict:
    """Run checkov_worker.py under `python` on the files per framework; return its answer.

    The worker gets a scratch directory as its working and home directory and an
    environment without the caller's variables (no Prisma Cloud API key, no proxies), so
    it neither writes into the scanned tree nor talks to anyone.

    Args:
        python: an interpreter that can import Checkov.
        inputs: framework (kubernetes, terraform, terraform_plan) -> absolute file paths.
        timeout: seconds before the worker and its children are killed.

    Returns:
        The worker's JSON answer (see checkov_worker.py).

    Raises:
        EngineError: the interpreter cannot be started, Checkov cannot be imported there, the
            worker crashed (with the last lines of its stderr) or ran out of time.
    """
    request = json.dumps({"protocol": 1, "inputs": inputs}).encode()
    with tempfile.TemporaryDirectory(prefix="compliance-checkov-") as scratch:
        env = {"PATH": os.environ.get("PATH", os.defpath), "HOME": scratch, "TMPDIR": scratch,
               "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "LOG_LEVEL": "ERROR"}
        try:
            # A session of its own, so a timeout can kill Checkov's own worker processes too.
            proc = subprocess.Popen([python, "-I", str(WORKER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, cwd=scratch, env=env, start_new_session=True)
        except OSError as exc:
            raise EngineError(f"cannot run the Checkov interpreter {python}: {exc.strerror or exc}") from None
        try:
            out, err = proc.communicate(request, timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(proc)
            raise EngineError(f"Checkov did not finish within {timeout:g} s (interpreter {python}); "
                              "raise checkov_timeout in compliance.yaml for a larger tree") from None
    if proc.returncode == _EXIT_NO_CHECKOV:
        reason = _json(out).get("message") or _tail(err)
        raise EngineError(f"Checkov cannot be imported by {python} ({reason}); install it there "
                          f"({python} -m pip install checkov), or: {INSTALL_HINT}")
    answer = _json(out) if proc.returncode == 0 else {}
    if proc.returncode != 0 or answer.get("protocol") != 1:
        how = (f"killed by signal {-proc.returncode}" if proc.returncode < 0 else f"exit {proc.returncode}")
        raise EngineError(f"Checkov failed under {python} ({how}): {_tail(err) or 'no error output'}")
    return answer


def _kill(proc: subprocess.Popen) -> None:
    with contextlib.suppress(OSError):  # already gone
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()


def _json(data: bytes) -> dict:
    try:
        value = json.loads(data.decode("utf-8", "replace"))
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _tail(err: bytes) -> str:
    lines = [line for line in err.decode("utf-8", "replace").splitlines() if line.strip()]
    return " | ".join(line.strip() for line in lines[-_TAIL_LINES:])


def _shown(file: str, root: Path) -> str:
    try:
        return Path(file).relative_to(root).as_posix()
    except ValueError:
        return Path(file).as_posix()


class _ResourceIndex:
    """Finds our Resource for a Checkov record (same file and name), else makes one."""

    def __init__(self, resources: list[Resource], root: Path, rendered: dict[str, Resource] | None = None):
        self.root = root
        self.rendered = rendered or {}
        self.by_key: dict[tuple, Resource] = {}
        for resource in resources:
            origin = resource.source.origin
            if origin is not None and origin.kind == "terraform-plan" and origin.detail:
                key = ("terraform_plan", str(root / origin.detail.rsplit(":", 1)[0]), resource.address or resource.id)
            elif resource.family == "kubernetes":
                key = ("kubernetes", str(root / resource.source.file), resource.type, resource.name)
            else:
                key = ("terraform", str(root / resource.source.file), resource.address or resource.id)
            self.by_key.setdefault(key, resource)

    def match(self, record: dict) -> tuple[Resource, int, int]:
        framework, name = record["framework"], record["resource"]
        file = str(Path(record["file"]))
        start, end = record["start_line"], record["end_line"]
        resource = self.rendered.get(file)
        if resource is not None:  # a rendered resource: at our template or patch line, not the scratch file's
            return resource, resource.source.start_line, resource.source.end_line
        if framework == "kubernetes":
            parts = name.split(".")
            key: tuple = ("kubernetes", file, parts[0], parts[-1])
        else:
            key = (framework, file, name)
        resource = self.by_key.get(key)
        if resource is not None:
            if framework == "terraform_plan":  # ours points at the .tf block, not the plan's JSON lines
                return resource, resource.source.start_line, resource.source.end_line
            return resource, start or resource.source.start_line, end or resource.source.end_line
        # Checkov checks things our loaders do not make resources of (providers, module calls).
        family = "kubernetes" if framework == "kubernetes" else "terraform"
        synthetic = Resource(family, name.split(".")[0], name.split(".")[-1], name, {},
                             Source(_shown(file, self.root), start, end))
        self.by_key[key] = synthetic
        return synthetic, start, end


def _our_rules() -> dict[str, Rule]:
    from ..scan import ScanOptions, load_rules

    policies, python_rules = load_rules(ScanOptions(paths=[], engines=("rego", "python")))
    return {r.id: r for r in [*policies.rules, *python_rules]}


def _rule(record: dict, family: str, mapping: CheckMapping | None, ours: dict[str, Rule]) -> Rule:
    severity = DEFAULT_SEVERITY
    if mapping is not None:
        related = [ours[r].severity for r in (*mapping.same_as, *mapping.like) if r in ours]
        severity = mapping.severity or max(related, key=lambda s: s.rank, default=DEFAULT_SEVERITY)
    check_id, guideline = record["check_id"], record.get("guideline") or ""
    return Rule(id=check_id, name=check_id, title=record["check_name"],
                description=f"Checkov check {check_id}: {record['check_name']}", severity=severity,
                remediation=guideline or f"See Checkov's documentation for {check_id}.",
                engine="checkov", applies_to=AppliesTo(family=family), source="checkov",
                references=(guideline,) if guideline else ())


def _deduplicate(found: Sequence[Result], ours: list[Result], table: dict[str, CheckMapping],
                 *, keep_both: bool) -> list[Result]:
    """Checkov failures minus those one of our failed rules found on the same resource."""
    failing: dict[tuple, list[Result]] = {}
    for result in ours:
        if result.status in (Status.failed, Status.waived):
            failing.setdefault((result.resource.key, result.rule.id), []).append(result)
    out = []
    for result in found:
        mapping = table.get(result.rule.id)
        same = [r for rule_id in (mapping.same_as if mapping else ())
                for r in failing.get((result.resource.key, rule_id), [])]
        if result.status is Status.failed and same:
            for mine in same:
                mine.details = dict(mine.details or {})
                mine.details["corroborated_by"] = sorted({*mine.details.get("corroborated_by", []), result.rule.id})
            if not keep_both:
                continue
            result.details = {**(result.details or {}), "duplicate_of": sorted({r.rule.id for r in same})}
        out.append(result)
    return out
