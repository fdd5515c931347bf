#!/usr/bin/env python3
"""Compare `compliance scan` with Checkov on the same input: wall, CPU, peak RSS, ratios.

Usage:
    python benchmarks/compare_checkov.py --checkov /tmp/ck/bin/checkov [--corpus k8s|tfplan|PATH]
        [--kind kubernetes|terraform_plan] [--runs N] [--copies N] [--checkov-timeout S] [--json]

It installs nothing. Get a Checkov in its own virtual environment (its ~95 dependencies
pin versions that clash with ours):

    python -m venv /tmp/ck && /tmp/ck/bin/pip install checkov==3.3.30

Each run starts both tools as fresh processes, alternating (ours, Checkov, ours, ...),
each writing its JSON report to a file in a temporary folder, as a CI step would:

    compliance scan DIR --format json=OUT --jobs J --soft-fail --no-cache
    checkov -d DIR --framework kubernetes -o json --quiet --skip-download > OUT
    checkov -d DIR --framework terraform_plan -o json --quiet --skip-download > OUT

Measured from outside with os.wait4: wall seconds, CPU seconds (user + system of the
process and every process it waited for: our pool workers, Checkov's parse workers)
and the peak RSS of the largest single process. The parse floor (PyYAML CSafeLoader,
json.loads for .json, one process, no rules) runs once per run through
benchmarks/scan_corpus.py. Printed: the median of each figure and the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPORA = {"k8s": REPO.parent / "shared" / "corpus" / "k8s", "tfplan": REPO.parent / "shared" / "corpus" / "tfplan"}
KIND_OF_CORPUS = {"k8s": "kubernetes", "tfplan": "terraform_plan"}


def measure(command: list[str], *, stdout: Path | None = None, timeout: float | None = None) -> dict:
    """Run a command to completion; its wall s, CPU s, peak RSS MiB and exit code.

    With a timeout the whole process group is killed when it runs out, and the
    result says so (`finished` False): wait4 then still gives the CPU and RSS so far.
    """
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL  # noqa: SIM115 - closed below
    try:
        started = time.perf_counter()
        # A session of its own, so a timeout kills Checkov's workers too, and nothing else.
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL, cwd=REPO,
                                start_new_session=True, env={**os.environ, "PYTHONHASHSEED": "0"})
        finished = True
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if timeout is not None and time.perf_counter() - started > timeout:
                os.killpg(proc.pid, signal.SIGKILL)
                _, status, usage = os.wait4(proc.pid, 0)
                finished = False
                break
            time.sleep(0.05)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if stdout:
            out.close()  # type: ignore[union-attr]
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "rss_mib": usage.ru_maxrss / 1024,
            "exit": proc.returncode, "finished": finished}


def ours_command(path: Path, out: Path, jobs: int) -> list[str]:
    # --no-cache: every run is a full scan (a warm results cache would answer in about a second).
    return [sys.executable, "-m", "compliance", "scan", str(path), "--root", str(path),
            "--format", f"json={out}", "--jobs", str(jobs), "--soft-fail", "--no-cache"]


def checkov_command(checkov: str, path: Path, kind: str) -> list[str]:
    # -d over the directory is Checkov's fastest form for many plans too: one process, one
    # start-up (about 2 s of imports and check registration), instead of one per `-f` file.
    return [checkov, "-d", str(path), "--framework", kind, "-o", "json", "--quiet", "--skip-download"]


def _floor(path: Path) -> dict:
    """The parse floor, through scan_corpus.py (a fresh process, timed inside)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import scan_corpus

    floor, process_wall, cpu, rss = scan_corpus._spawn("--child", "floor", str(path))
    return {"wall_s": floor["floor_wall_s"], "cpu_s": floor["floor_cpu_s"], "rss_mib": floor["floor_rss_mib"],
            "process_wall_s": process_wall, "documents": floor["floor_documents"], "files": floor["floor_files"]}


def _ours_counts(report: Path) -> dict:
    summary = json.loads(report.read_text(encoding="utf-8"))["summary"]
    return {"resources": summary.get("resources"), "results": summary.get("results"),
            "failed": summary.get("failed")}


def _checkov_counts(report: Path) -> dict:
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    parts = data if isinstance(data, list) else [data]
    passed = sum(p.get("summary", {}).get("passed", 0) for p in parts if isinstance(p, dict))
    failed = sum(p.get("summary", {}).get("failed", 0) for p in parts if isinstance(p, dict))
    return {"results": passed + failed, "failed": failed}


def _median(runs: list[dict], key: str) -> float | None:
    values = [run[key] for run in runs if run.get("finished", True)]
    return statistics.median(values) if values else None


def compare(path: Path, *, checkov: str | None, kind: str, runs: int, jobs: int, checkov_timeout: float | None,
            floor: bool, scratch: Path) -> dict:
    """Alternate our scan and Checkov's `runs` times on `path`; every run and the medians."""
    ours_runs: list[dict] = []
    checkov_runs: list[dict] = []
    floor_runs: list[dict] = []
    for index in range(runs):
        out = scratch / f"ours-{index}.json"
        ours = measure(ours_command(path, out, jobs))
        if ours["exit"] != 0:
            raise SystemExit(f"compliance scan exited {ours['exit']} on {path}")
        ours["report"] = out
        ours_runs.append(ours)
        print(f"run {index + 1}/{runs}: ours    wall {ours['wall_s']:.2f} s, CPU {ours['cpu_s']:.2f} s, "
              f"peak RSS {ours['rss_mib']:.0f} MiB", file=sys.stderr)
        if checkov:
            out = scratch / f"checkov-{index}.json"
            theirs = measure(checkov_command(checkov, path, kind), stdout=out, timeout=checkov_timeout)
            if theirs["finished"] and theirs["exit"] not in (0, 1):  # 1: Checkov found failures
                raise SystemExit(f"checkov exited {theirs['exit']} on {path}")
            theirs["report"] = out
            checkov_runs.append(theirs)
            if theirs["finished"]:
                print(f"run {index + 1}/{runs}: checkov wall {theirs['wall_s']:.2f} s, CPU {theirs['cpu_s']:.2f} s, "
                      f"peak RSS {theirs['rss_mib']:.0f} MiB", file=sys.stderr)
            else:
                print(f"run {index + 1}/{runs}: checkov killed: did not finish in {checkov_timeout:g} s",
                      file=sys.stderr)
            if not theirs["finished"]:
                checkov = None  # one timed-out run says enough; the rest measure ours only
        if floor:
            floor_runs.append(_floor(path))
    # Reports are read only now: a child forked from this process starts with this process's peak
    # RSS as its own (Linux copies the high-water mark), so reading a 78 MB report between runs
    # would show up as the next child's peak.
    for runs_of, counts in ((ours_runs, _ours_counts), (checkov_runs, _checkov_counts)):
        for run in runs_of:
            report = run.pop("report")
            if run["finished"]:
                run.update(counts(report))
            report.unlink(missing_ok=True)
    summary: dict = {"ours": {k: _median(ours_runs, k) for k in ("wall_s", "cpu_s", "rss_mib")}}
    summary["ours"].update({k: ours_runs[-1].get(k) for k in ("resources", "results", "failed")})
    if checkov_runs:
        done = [r for r in checkov_runs if r["finished"]]
        summary["checkov"] = {k: _median(checkov_runs, k) for k in ("wall_s", "cpu_s", "rss_mib")}
        summary["checkov"]["finished"] = bool(done)
        if done:
            summary["checkov"].update({k: done[-1].get(k) for k in ("results", "failed")})
            summary["ratio"] = {k: summary["checkov"][k] / summary["ours"][k] for k in ("wall_s", "cpu_s", "rss_mib")}
        else:
            # A killed Checkov never reaps its workers, so wait4 gives its main process only: its CPU
            # and RSS say nothing about the run and are not reported.
            summary["checkov"] = {"finished": False, "timeout_s": checkov_timeout}
            summary["ratio"] = {"wall_s_at_least": checkov_timeout / summary["ours"]["wall_s"]}
    if floor_runs:
        summary["floor"] = {k: statistics.median(r[k] for r in floor_runs)
                            for k in ("wall_s", "cpu_s", "rss_mib", "process_wall_s")}
        summary["floor"]["documents"] = floor_runs[-1]["documents"]
        # Ours is timed as a whole process (start-up and report included), the floor inside its
        # process (parsing only), as perf-baseline.md quotes it; the floor's whole process is given too.
        summary["ours_over_floor"] = {k: summary["ours"][k] / summary["floor"][k] for k in ("wall_s", "cpu_s")}
        summary["ours_over_floor"]["process_wall_s"] = summary["ours"]["wall_s"] / summary["floor"]["process_wall_s"]
    return {"runs": {"ours": ours_runs, "checkov": checkov_runs, "floor": floor_runs}, "median": summary}


def _print(summary: dict, *, label: str, runs: int) -> None:
    print(f"{label}: median of {runs} run(s), {os.cpu_count()} CPUs")
    rows = [("ours (compliance scan)", summary["ours"])]
    if "checkov" in summary:
        rows.append(("checkov", summary["checkov"]))
    if "floor" in summary:
        rows.append(("parse floor (in-process)", summary["floor"]))
    for name, row in rows:
        if name == "checkov" and not row.get("finished"):
            print(f"  {name:<26} did not finish in {row['timeout_s']:g} s (killed)")
            continue
        counts = f", {row['failed']:,} failed of {row['results']:,} results" if row.get("results") else ""
        # The floor's RSS is left out: a forked child can report its parent's high-water mark.
        rss = f"peak RSS {row['rss_mib']:6.0f} MiB" if "documents" not in row else f"{row['documents']:,} documents"
        print(f"  {name:<26} wall {row['wall_s']:8.2f} s   CPU {row['cpu_s']:8.2f} s   {rss}{counts}")
    ratio = summary.get("ratio", {})
    if "wall_s" in ratio:
        print(f"  checkov / ours             wall {ratio['wall_s']:.1f}x   CPU {ratio['cpu_s']:.1f}x   "
              f"peak RSS {ratio['rss_mib']:.1f}x")
    elif "wall_s_at_least" in ratio:
        print(f"  checkov / ours             wall > {ratio['wall_s_at_least']:.1f}x")
    if "ours_over_floor" in summary:
        over = summary["ours_over_floor"]
        print(f"  ours / parse floor         wall {over['wall_s']:.2f}x   CPU {over['cpu_s']:.2f}x   "
              f"(wall / the floor's whole process, start-up included: {over['process_wall_s']:.2f}x)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkov", help="the checkov executable (not installed by this script); "
                        "without it only ours and the floor are measured")
    parser.add_argument("--corpus", default="k8s", help="k8s, tfplan (../shared/corpus/...) or a directory [k8s]")
    parser.add_argument("--kind", choices=("kubernetes", "terraform_plan"),
                        help="Checkov --framework [from --corpus; kubernetes for a directory]")
    parser.add_argument("--runs", type=int, default=3, help="alternating runs; medians are reported [3]")
    parser.add_argument("--jobs", type=int, default=0, help="our worker processes, 0 = one per CPU [0]")
    parser.add_argument("--copies", type=int, default=1, help="scan N copies of the corpus (copy0..copyN-1 in a "
                        "temporary folder) [1]")
    parser.add_argument("--checkov-timeout", type=float, help="kill Checkov after this many seconds and report "
                        "that it did not finish (Checkov is quadratic on --copies 10)")
    parser.add_argument("--no-floor", action="store_true", help="skip the parse floor")
    parser.add_argument("--json", action="store_true", help="print every run and the medians as JSON")
    args = parser.parse_args(argv)

    corpus = CORPORA.get(args.corpus, Path(args.corpus))
    kind = args.kind or KIND_OF_CORPUS.get(args.corpus, "kubernetes")
    if not corpus.is_dir():
        print(f"error: corpus directory not found: {corpus}", file=sys.stderr)
        return 2
    if args.checkov and not shutil.which(args.checkov):
        print(f"error: no checkov executable at {args.checkov} (python -m venv /tmp/ck && "
              "/tmp/ck/bin/pip install checkov==3.3.30)", file=sys.stderr)
        return 2
    if args.runs < 1 or args.copies < 1:
        print("error: --runs and --copies must be at least 1", file=sys.stderr)
        return 2
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import scan_corpus

    scan_corpus.compile_package()  # Checkov's bytecode was written when pip installed it; ours too
    with tempfile.TemporaryDirectory(prefix="compare-checkov-") as scratch_name:
        scratch = Path(scratch_name)
        path = corpus.resolve()
        if args.copies > 1:
            for index in range(args.copies):
                shutil.copytree(path, scratch / "corpus" / f"copy{index}", symlinks=True)
            path = scratch / "corpus"
        result = compare(path, checkov=args.checkov, kind=kind, runs=args.runs, jobs=args.jobs,
                         checkov_timeout=args.checkov_timeout, floor=not args.no_floor, scratch=scratch)
    label = f"{corpus.resolve()}{f' x{args.copies}' if args.copies > 1 else ''} ({kind})"
    if args.json:
        print(json.dumps({"corpus": str(corpus.resolve()), "copies": args.copies, "kind": kind,
                          "cpus": os.cpu_count(), **result}, indent=2, sort_keys=True))
    else:
        _print(result["median"], label=label, runs=args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
