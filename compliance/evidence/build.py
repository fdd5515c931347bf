"""Write an evidence bundle: stage every file in a temporary sibling directory, then move it into place.

Order matters: content files first, then the OSCAL document (it lists their hashes),
the reports, SHA256SUMS, manifest.json and last the signature over manifest.json.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..coverage import coverage, coverage_dict, write_csv
from ..errors import InputError
from . import exceptions, oscal, report, scope, signing, tooling
from ._files import canonical_hash, dumps, dumps_lines, inside, media_type, sha256_bytes
from .manifest import MANIFEST, PUBLIC_KEY, SIGNATURE, SUMS, manifest_text, read_manifest, sums_text
from .period import Period
from .runs import Run, now_utc, rfc3339


@dataclass(slots=True)
class BuildOptions:
    period: Period
    out: Path
    runs: list[Run]
    settings: object
    catalogs: object
    frameworks: Sequence[str] = ()
    previous: Path | None = None
    sign_key: Path | None = None
    force: bool = False
    paths: Sequence[str] = ()
    from_results: Sequence[str] = ()
    environment: str | None = None
    policy_dirs: Sequence[Path] = ()


@dataclass(slots=True)
class Built:
    out: Path
    manifest: dict
    files: dict[str, tuple[str, int, str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


class _Writer:
    """Writes bundle files under a root, refusing paths that escape it, and records their hashes."""

    def __init__(self, root: Path):
        self.root = root
        self.files: dict[str, tuple[str, int, str]] = {}

    def text(self, rel: str, text: str) -> None:
        self.bytes(rel, text.encode("utf-8"))

    def bytes(self, rel: str, data: bytes, *, record: bool = True) -> None:
        path = inside(self.root, rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if record:
            self.files[rel] = (sha256_bytes(data), len(data), media_type(rel))


def check_out(out: Path, *, force: bool, previous: Path | None) -> None:
    """Refuse an output directory that is not empty (unless --force on an earlier bundle).

    Raises:
        InputError: out is a file, a non-empty directory without --force, a non-empty directory that is
            not an evidence bundle (never deleted, even with --force), or the --previous bundle.
    """
    if previous is not None and out.resolve() == previous.resolve():
        raise InputError(f"--out {out} is the --previous bundle")
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise InputError(f"--out {out} exists and is not a directory")
    if not out.exists() or not any(out.iterdir()):
        return
    if not force:
        raise InputError(f"--out {out} exists and is not empty; use --force to replace the bundle in it")
    try:
        read_manifest(out)
    except InputError:
        raise InputError(f"--out {out} is not empty and holds no evidence bundle (manifest.json); "
                         "refusing to replace it even with --force") from None


def build(options: BuildOptions) -> Built:
    """Build the bundle described by options into options.out.

    Raises:
        InputError: unusable --out, --previous, --sign-key or framework names.
    """
    check_out(options.out, force=options.force, previous=options.previous)
    private_key = signing.load_private(options.sign_key) if options.sign_key else None
    if options.previous is not None:
        from .verify import verify

        # Chaining to a tampered bundle would launder it: its files must still match its manifest.
        prior = verify(options.previous, allow_unsigned=True)
        failed = [c.message for c in prior.checks if not c.ok]
        if failed:
            raise InputError(f"--previous {options.previous} does not verify: {failed[0]}")
    previous_manifest, previous_raw = read_manifest(options.previous) if options.previous else (None, None)
    parent = options.out.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{options.out.name}.", dir=parent))
    try:
        built = _write(options, stage, private_key, previous_manifest, previous_raw)
        if options.out.exists():
            shutil.rmtree(options.out)
        os.replace(stage, options.out)
        os.chmod(options.out, 0o755)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    built.out = options.out
    return built


def _write(options: BuildOptions, stage: Path, private_key, previous_manifest: dict | None,
           previous_raw: bytes | None) -> Built:
    w = _Writer(stage)
    runs = options.runs
    final = runs[-1]
    generated_at = rfc3339(now_utc())
    frameworks = list(options.frameworks) or list(getattr(options.settings, "frameworks", []) or [])
    coverages = coverage(final.report.results, options.catalogs, frameworks=frameworks or None)

    # scope/
    config = tooling.config_document(options.settings, paths=list(options.paths), frameworks=frameworks,
                                     environment=options.environment, policy_dirs=list(options.policy_dirs),
                                     from_results=list(options.from_results))
    w.text("scope/config.json", dumps(config))
    source_rows = {run.id: scope.sources(run) for run in runs}
    w.text("scope/sources.jsonl", dumps_lines(row for run in runs for row in source_rows[run.id]))
    w.text("scope/inventory.jsonl",
           dumps_lines(row for run in runs for row in scope.inventory(run, source_rows[run.id])))
    w.text("scope/reconciliation.json", dumps(scope.reconciliation(runs, source_rows)))

    # tool/ and runs/
    tool = tooling.tool_info()
    w.text("tool/tool.json", dumps(tool))
    rules = tooling.rule_rows(final.report.rules, final.report.disabled_rules, hash_sources=final.kind == "scan")
    w.text("tool/rules.jsonl", dumps_lines(rules))
    previous_rules, previous_config = _previous_tooling(options.previous) if options.previous else (None, None)
    changes = tooling.changes(previous_rules, rules, previous_config, config)
    if previous_manifest is not None:
        changes["previous"] = {"bundle_id": previous_manifest.get("bundle_id"),
                               "period": previous_manifest.get("period")}
    w.text("tool/changes.json", dumps(changes))
    w.text("runs/runs.jsonl", dumps_lines(run.record() for run in runs))

    # results/
    for run in runs:
        w.text(f"results/by-run/{run.id}.jsonl", dumps_lines(scope.results(run)))
    w.text("results/results.jsonl", dumps_lines(scope.results(final)))
    from ..reporters import sarif

    buffer = io.StringIO()
    warnings = sarif.render(final.report, buffer, root=final.root,
                            category=f"compliance-evidence/{options.period.label}")
    w.text("results/findings.sarif", buffer.getvalue())

    # controls/ and exceptions/
    w.text("controls/coverage.json", dumps(coverage_dict(coverages)))
    for fc in coverages:
        buffer = io.StringIO()
        write_csv([fc], buffer)
        w.text(f"controls/coverage-{fc.framework.id}.csv", buffer.getvalue())
    waivers = exceptions.register(final)
    w.text("exceptions/waivers.jsonl", dumps_lines(waivers))
    w.text("exceptions/expired.jsonl", dumps_lines(exceptions.expired(waivers)))
    manual = exceptions.manual_requirements(coverages)
    w.text("exceptions/manual-evidence.json", dumps({"schema": "compliance/manual-evidence/v1",
                                                     "requirements": manual}))

    rule_library = tooling.library_hash(rules)
    # From what the bundle attests (rules, runs, results), never from the clock: rebuilding gives the same id.
    basis = [options.period.label, rule_library, canonical_hash(config), [[r.id, r.input_sha256] for r in runs]]
    bundle_id = f"{options.period.label}-{canonical_hash(basis)[:12]}"
    oscal_doc = oscal.document(bundle_id=bundle_id, period=options.period, generated_at=generated_at, run=final,
                               coverages=coverages, waivers=waivers, files=dict(w.files), tool=tool)
    w.text("oscal/assessment-results.json", dumps(oscal_doc))

    signature = None
    if private_key is not None:
        public_pem = signing.public_pem_of(private_key.public_key())
        w.bytes(PUBLIC_KEY, public_pem)
        signature = {"file": SIGNATURE, "algorithm": signing.ALGORITHM, "public_key": PUBLIC_KEY,
                     "key_fingerprint": signing.fingerprint_pem(public_pem)}
    header = {
        "bundle_id": bundle_id,
        "period": options.period.as_dict(),
        "generated_at": generated_at,
        "tool": {"name": tool["name"], "version": tool["version"]},
        "rule_library_sha256": rule_library,
        "config_sha256": canonical_hash(config),
        "runs": [{"id": r.id, "kind": r.kind, "source": r.source, "input_sha256": r.input_sha256,
                  "started_at": r.started_at, "finished_at": r.finished_at} for r in runs],
        "final_run": final.id,
        "sources": [{"path": row["path"], "sha256": row["sha256"], "size": row["size"], "run": row["run"]}
                    for run in runs for row in source_rows[run.id]],
        "previous": {"bundle_id": previous_manifest.get("bundle_id"), "period": previous_manifest.get("period"),
                     "manifest_sha256": sha256_bytes(previous_raw)} if previous_manifest is not None else None,
        "signature": signature,
    }
    ctx = report.context(manifest=header, run=final, coverages=coverages, waivers=waivers, changes=changes,
                         manual=manual, sources=sum(len(v) for v in source_rows.values()))
    w.text("report.html", report.render_html(ctx))
    w.text("report.md", report.render_markdown(ctx))
    w.text("README.md", report.render_readme(ctx))

    sums = sums_text(w.files)
    content_files = dict(w.files)
    w.bytes(SUMS, sums.encode("utf-8"), record=False)
    text = manifest_text(header=header, files=content_files, sums_sha256=sha256_bytes(sums.encode("utf-8")))
    w.bytes(MANIFEST, text.encode("utf-8"), record=False)
    if private_key is not None:
        w.bytes(SIGNATURE, signing.sign(private_key, text.encode("utf-8")), record=False)
    else:
        warnings.append("the bundle is not signed (no --sign-key): verify will refuse it unless --allow-unsigned")
    import json

    return Built(out=stage, manifest=json.loads(text), files=content_files, warnings=warnings)


def _previous_tooling(previous: Path) -> tuple[list[dict] | None, dict | None]:
    import json

    rules = config = None
    rules_path, config_path = previous / "tool/rules.jsonl", previous / "scope/config.json"
    try:
        if rules_path.is_file():
            rules = [json.loads(line) for line in rules_path.read_text(encoding="utf-8").splitlines() if line]
        if config_path.is_file():
            config = json.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"--previous {previous}: cannot read its rules or config: {exc}") from None
    return rules, config
