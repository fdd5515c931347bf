#!/usr/bin/env python3
"""Benchmark `compliance scan` on a corpus against the YAML-parse floor.

Usage:
    python benchmarks/scan_corpus.py [PATH] [--jobs N] [--repeat N] [--copies N] [--json]

PATH defaults to ../shared/corpus/k8s next to the repository. Each run starts a
fresh interpreter for the scan (the real pipeline, `compliance.scan.scan`) and
another for the parse floor (`yaml.load_all` with CSafeLoader over the same
files, one process), so each run's peak RSS is its own. Peak RSS is that of the
largest single process: the scan's main process or one of its pool workers
(wait4 reports the maximum over a child and the children it reaped).

Printed per run and as the median of the runs: files, resources, results,
resources/s, scan wall seconds (inside the process, imports excluded), process
wall seconds (start-up included), CPU seconds, peak RSS MiB, the parse floor and
the ratio scan wall / parse floor.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "k8s"


def compile_package() -> None:
    """Write the package's bytecode once, as `pip install` does for an installed package.

    An editable install run with PYTHONDONTWRITEBYTECODE=1 (set on some machines) never
    writes it, so every measured process would compile every module again: about 0.1 s
    that no installed copy pays. Compiling is skipped for files already up to date.
    """
    import compileall

    compileall.compile_dir(str(REPO / "compliance"), quiet=1)


def _child_scan(path: str, jobs: int) -> dict:
    """Runs in the child: the real pipeline, timed from just before scan() to just after."""
    import resource

    from compliance.scan import ScanOptions, scan
    from compliance.summary import summarize

    root = Path(path).absolute()
    main_before, workers_before = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    report = scan(ScanOptions(paths=[str(root)], root=root, jobs=jobs))
    wall = time.perf_counter() - started
    main_cpu = _cpu(resource.RUSAGE_SELF) - main_before
    workers_cpu = _cpu(resource.RUSAGE_CHILDREN) - workers_before
    cpu = main_cpu + workers_cpu
    summary = summarize(report)
    return {
        "files": summary.files,
        "resources": summary.resources,
        "results": summary.results,
        "failed": summary.failed,
        "input_errors": summary.input_errors,
        "skipped": summary.skipped,
        "scan_wall_s": wall,
        "scan_cpu_s": cpu,  # main process plus its pool workers
        # The split shows what runs serially: with --jobs N the wall time is at least
        # main + workers / N on an idle machine.
        "main_cpu_s": main_cpu,
        "worker_cpu_s": workers_cpu,
        "main_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        # Pool workers have been joined (reaped) when scan() returns.
        "worker_rss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def _cpu(who: int) -> float:
    import resource

    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _files(path: str) -> list[str]:
    """The files the scan reads: what discovery turns into file targets."""
    from compliance.discover import discover

    root = Path(path).absolute()
    found = discover([str(root)], root=root)
    return sorted(str(t.path) for t in found.targets if t.path is not None)


def _child_floor(path: str) -> dict:
    """Runs in the child: read and parse every file once, one process, no rules."""
    import yaml

    files = _files(path)
    cpu_before = time.process_time()
    started = time.perf_counter()
    documents = 0
    failures = 0
    for name in files:
        with open(name, "rb") as stream:
            data = stream.read()
        try:
            if name.endswith(".json"):
                json.loads(data)
                documents += 1
            else:
                documents += sum(1 for d in yaml.load_all(data, Loader=yaml.CSafeLoader) if d is not None)
        except (ValueError, yaml.YAMLError, RecursionError):
            failures += 1  # the scan reports these as input errors; the floor just counts them
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    import resource

    return {"floor_files": len(files), "floor_documents": documents, "floor_failures": failures,
            "floor_wall_s": wall, "floor_cpu_s": cpu,
            "floor_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _spawn(*args: str) -> tuple[dict, float, float, float]:
    """Run this script as a child; its JSON result, process wall s, CPU s, peak RSS MiB (largest process)."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE, cwd=REPO,
                            env={**os.environ, "PYTHONHASHSEED": "0"})
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark child {' '.join(args)} failed with exit code {proc.returncode}")
    # Linux: ru_maxrss in KiB, the max over the child and every descendant it reaped.
    return json.loads(out), wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def run_once(path: str, jobs: int) -> dict:
    """One measured run: the scan in a fresh process, then the parse floor in another."""
    scan, process_wall, cpu, rss = _spawn("--child", "scan", path, "--jobs", str(jobs))
    floor, floor_process_wall, floor_cpu, floor_rss = _spawn("--child", "floor", path)
    return {
        **scan,
        "process_wall_s": process_wall,
        "cpu_s": cpu,
        "peak_rss_mib": rss,
        **floor,
        "floor_process_wall_s": floor_process_wall,
        "floor_process_cpu_s": floor_cpu,
        "resources_per_s": scan["resources"] / scan["scan_wall_s"],
        "ratio": scan["scan_wall_s"] / floor["floor_wall_s"],
        # CPU is the steadier figure on a shared machine; with N jobs it is N processes' work.
        "cpu_ratio": scan["scan_cpu_s"] / floor["floor_cpu_s"],
    }


COLUMNS = (
    ("files", "files", "{:,.0f}"),
    ("resources", "resources", "{:,.0f}"),
    ("results", "results", "{:,.0f}"),
    ("resources_per_s", "resources/s", "{:,.0f}"),
    ("scan_wall_s", "scan wall s", "{:.2f}"),
    ("scan_cpu_s", "scan CPU s", "{:.2f}"),
    ("main_cpu_s", "  main process", "{:.2f}"),
    ("worker_cpu_s", "  pool workers", "{:.2f}"),
    ("process_wall_s", "process wall s", "{:.2f}"),
    ("cpu_s", "process CPU s", "{:.2f}"),
    ("peak_rss_mib", "peak RSS MiB", "{:.0f}"),
    ("floor_wall_s", "parse floor s", "{:.2f}"),
    ("floor_cpu_s", "floor CPU s", "{:.2f}"),
    ("ratio", "scan/floor wall", "{:.2f}x"),
    ("cpu_ratio", "scan/floor CPU", "{:.2f}x"),
)


def _median(runs: list[dict]) -> dict:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]
            if isinstance(runs[0][key], int | float)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT_CORPUS), help="corpus directory [%(default)s]")
    parser.add_argument("--jobs", type=int, default=2, help="scan worker processes, 0 = one per CPU [2]")
    parser.add_argument("--repeat", type=int, default=3, help="measured runs; the median is reported [3]")
    parser.add_argument("--warmup", type=int, default=1, help="uncounted runs first (page cache) [1]")
    parser.add_argument("--copies", type=int, default=1,
                        help="scan N copies of the corpus (copy0..copyN-1 in a temporary folder) to see how "
                        "cost grows: same namespaces and labels, so cross-resource rules get N times the "
                        "matches [1]")
    parser.add_argument("--json", action="store_true", help="print every run and the median as JSON")
    parser.add_argument("--child", choices=("scan", "floor"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child == "scan":
        print(json.dumps(_child_scan(args.path, args.jobs)))
        return 0
    if args.child == "floor":
        print(json.dumps(_child_floor(args.path)))
        return 0

    corpus = Path(args.path)
    if not corpus.is_dir():
        hint = " (the shared corpus is expected next to the repository: ../shared/corpus/k8s)" \
            if corpus == DEFAULT_CORPUS else ""
        print(f"error: corpus directory not found: {corpus}{hint}", file=sys.stderr)
        return 2
    if args.repeat < 1:
        print("error: --repeat must be at least 1", file=sys.stderr)
        return 2
    compile_package()
    with tempfile.TemporaryDirectory(prefix="scan-corpus-") as scratch:
        path = str(corpus.resolve())
        if args.copies > 1:
            for index in range(args.copies):
                shutil.copytree(path, Path(scratch) / f"copy{index}", symlinks=True)
            path = scratch
        for _ in range(args.warmup):
            run_once(path, args.jobs)
        runs = []
        for index in range(args.repeat):
            runs.append(run_once(path, args.jobs))
            if not args.json:
                print(f"run {index + 1}/{args.repeat}: " + ", ".join(
                    f"{label} {fmt.format(runs[-1][key])}" for key, label, fmt in COLUMNS[3:]), file=sys.stderr)
    median = _median(runs)
    if args.json:
        print(json.dumps({"corpus": str(corpus.resolve()), "copies": args.copies, "jobs": args.jobs,
                          "cpus": os.cpu_count(), "python": sys.version.split()[0],
                          "runs": runs, "median": median}, indent=2, sort_keys=True))
        return 0
    copies = f" x{args.copies}" if args.copies > 1 else ""
    print(f"corpus {corpus.resolve()}{copies}, --jobs {args.jobs}, median of {args.repeat} run(s), "
          f"{os.cpu_count()} CPUs")
    for key, label, fmt in COLUMNS:
        print(f"  {label:<16} {fmt.format(median[key])}")
    print(f"  (input errors {median['input_errors']:.0f}, skipped {median['skipped']:.0f}; floor parsed "
          f"{median['floor_documents']:,.0f} documents, {median['floor_failures']:.0f} files failed to parse)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
