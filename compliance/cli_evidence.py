"""`compliance evidence`: build, verify and sign the auditor evidence bundle.

Registered by cli.py as a sub-app. Exit codes: build and keygen 0 done, 2 usage or
input error; verify 0 every check holds, 1 a check failed, 2 usage error.
"""


import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from .errors import ComplianceError, InputError

evidence_app = typer.Typer(
    help="The auditor evidence bundle: signed, chained, verifiable results with coverage, OSCAL and a report.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)

_err = Console(stderr=True, highlight=False, soft_wrap=True)
_out = Console(highlight=False, soft_wrap=True)
PANEL = "Evidence"


def _fail(exc: ComplianceError) -> None:
    _err.print(f"[bold red]error:[/] {escape(str(exc))}")
    raise typer.Exit(code=exc.exit_code)


@evidence_app.command("build")
def build_command(
    paths: Annotated[list[str] | None, typer.Argument(
        help="Files or directories to scan (not needed with --from-results)", show_default=False)] = None,
    period: Annotated[str, typer.Option(
        "--period", help="Evidence period: 2026-Q4, 2026-H2, 2026-11, 2026 or 2026-10-01..2026-12-31",
        rich_help_panel=PANEL, show_default=False)] = ...,
    out: Annotated[Path, typer.Option(
        "--out", "-o", help="Bundle directory to create; must not exist or be empty (see --force)",
        rich_help_panel=PANEL, show_default=False)] = ...,
    previous: Annotated[Path | None, typer.Option(
        "--previous", help="The previous period's bundle: its manifest hash is chained into this one",
        rich_help_panel=PANEL, show_default=False)] = None,
    sign_key: Annotated[Path | None, typer.Option(
        "--sign-key", help="Ed25519 private key (PEM) from `compliance evidence keygen`; passphrase from "
        "$COMPLIANCE_SIGNING_KEY_PASSPHRASE", rich_help_panel=PANEL, show_default=False)] = None,
    from_results: Annotated[list[Path] | None, typer.Option(
        "--from-results", help="JSON reports of the period's CI runs (`compliance scan --format json`), oldest "
        "first, instead of scanning; repeatable, the last is the final run", rich_help_panel="Input",
        show_default=False)] = None,
    framework: Annotated[list[str] | None, typer.Option(
        "--framework", help="Framework in scope (repeatable) (default: compliance.yaml frameworks, else all)",
        rich_help_panel=PANEL, show_default=False)] = None,
    controls: Annotated[list[Path] | None, typer.Option(
        "--controls", help="Extra framework file or directory (repeatable)", rich_help_panel="Policy")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Replace an earlier bundle in --out (never a directory without manifest.json)",
        rich_help_panel=PANEL)] = False,
    config: Annotated[Path | None, typer.Option(
        "--config", "-c", help="Settings file (default: compliance.yaml in the current or scanned directory)",
        rich_help_panel="Policy", show_default=False)] = None,
    root: Annotated[Path | None, typer.Option(
        "--root", help="Directory that recorded paths are relative to (default: current directory)",
        rich_help_panel="Input", show_default=False)] = None,
    env: Annotated[str | None, typer.Option(
        "--env", help="Treat every resource as this environment", rich_help_panel="Input")] = None,
    policy: Annotated[list[Path] | None, typer.Option(
        "--policy", "-p", help="Extra directory of Rego policies (repeatable)", rich_help_panel="Policy")] = None,
    no_builtin: Annotated[bool, typer.Option(
        "--no-builtin", help="Use only the policies given with --policy", rich_help_panel="Policy")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=0, help="Worker processes; 0 means one per CPU",
                                      rich_help_panel="Input")] = 0,
) -> None:
    """Build the evidence bundle for a period.

    Scans PATHS (or reads the JSON reports given with --from-results) and writes
    one directory: every result including passes, the inventory of what was scanned
    with content hashes, coverage per framework and requirement, the exceptions
    register, rule and config changes since --previous, SARIF, OSCAL
    assessment-results, report.html and report.md, SHA256SUMS and manifest.json,
    signed with --sign-key. No secret value is written: only locations and hashes.

    Examples:

      compliance evidence build k8s/ --period 2026-Q4 --out evidence/2026-Q4 --sign-key keys/signing-key.pem

      compliance evidence build --from-results ci/*.json --period 2026-Q4 --out ev/2026-Q4 --previous ev/2026-Q3

    Exit codes: 0 bundle written (whatever the results); 2 usage error, an unusable
    --out, --previous or key, or an input that could not be read.
    """
    from .controls import load_catalogs
    from .evidence import BuildOptions, build, parse_period, signing
    from .evidence.build import check_out
    from .evidence.runs import results_runs, scan_run
    from .settings import scan_options

    try:
        if not paths and not from_results:
            raise InputError("give PATHS to scan or --from-results FILE...")
        if paths and from_results:
            raise InputError("give either PATHS to scan or --from-results, not both")
        span = parse_period(period)
        # Refuse a busy --out or an unusable key before spending a scan on them.
        check_out(out, force=force, previous=previous)
        if sign_key is not None:
            signing.load_private(sign_key)
        scan_paths = list(paths or ["."])
        options, settings = scan_options(
            scan_paths, config=config, root=root, environment=env, policy=policy or [], builtin=not no_builtin,
            jobs=jobs, max_file_size_mib=None)
        catalogs = load_catalogs(controls or [])
        catalogs.select(framework or settings.frameworks or None)  # an unknown name fails before the scan
        runs = results_runs(from_results, root=options.root) if from_results else [_scan(scan_run, options)]
        built = build(BuildOptions(
            period=span, out=out, runs=runs, settings=settings, catalogs=catalogs, frameworks=framework or [],
            previous=previous, sign_key=sign_key, force=force, paths=list(paths or []),
            from_results=[p.as_posix() for p in from_results or []], environment=env,
            policy_dirs=list(options.policy_dirs)))
    except ComplianceError as exc:
        _fail(exc)
        return
    for message in built.warnings:
        _err.print(f"warning: {escape(message)}")
    manifest = built.manifest
    signed = manifest["signature"]["key_fingerprint"] if manifest.get("signature") else "NOT signed"
    _out.print(f"wrote {escape(str(built.out))}: bundle {manifest['bundle_id']}, {len(manifest['files'])} files, "
               f"{len(manifest['runs'])} run(s), signature {signed}")
    _out.print(f"check it: compliance evidence verify {escape(str(built.out))}"
               + (f" --previous {escape(str(previous))}" if previous else ""))


def _scan(scan_run, options):
    if not _err.is_terminal:
        return scan_run(options)
    with _err.status("scanning"):
        return scan_run(options)


@evidence_app.command("verify")
def verify_command(
    bundle: Annotated[Path, typer.Argument(help="The bundle directory", show_default=False)],
    key: Annotated[Path | None, typer.Option(
        "--key", help="The signer's public key (PEM) (default: the copy in the bundle, integrity only)",
        rich_help_panel=PANEL, show_default=False)] = None,
    previous: Annotated[Path | None, typer.Option(
        "--previous", help="The previous bundle, to check the chain link", rich_help_panel=PANEL,
        show_default=False)] = None,
    allow_unsigned: Annotated[bool, typer.Option(
        "--allow-unsigned", help="Accept a bundle built without --sign-key", rich_help_panel=PANEL)] = False,
) -> None:
    """Verify a bundle: signature, every file's hash, no file added or removed, the chain.

    Prints each check with what it found; a failure names the file. Without --key
    the public key inside the bundle is used, which proves the bundle is intact
    but not who signed it. Without --previous the chain link is reported, not checked.

    Examples:

      compliance evidence verify evidence/2026-Q4 --key signing-key.pub.pem

      compliance evidence verify evidence/2026-Q4 --key signing-key.pub.pem --previous evidence/2026-Q3

    Exit codes: 0 every check holds; 1 a check failed; 2 usage error (no such directory or key file).
    """
    from .evidence import verify

    for path, what in ((bundle, "bundle directory"), (previous, "--previous bundle")):
        if path is not None and not path.is_dir():
            _fail(InputError(f"{path}: no such {what}"))
    if key is not None and not key.is_file():
        _fail(InputError(f"{key}: no such public key file"))
    outcome = verify(bundle, key=key, previous=previous, allow_unsigned=allow_unsigned)
    for check in outcome.checks:
        mark = "[green]ok[/]  " if check.ok else "[bold red]FAIL[/]"
        _out.print(f"{mark} {check.name}: {escape(check.message)}")
    failed = [c for c in outcome.checks if not c.ok]
    if failed:
        _out.print(f"[bold red]verification failed[/]: {len(failed)} problem(s) in {escape(str(bundle))}")
        raise typer.Exit(code=1)
    _out.print(f"[green]verified[/]: {escape(str(bundle))}")


@evidence_app.command("keygen")
def keygen_command(
    out: Annotated[Path, typer.Option(
        "--out", "-o", help="Directory for the key files", rich_help_panel=PANEL)] = Path("."),
    name: Annotated[str, typer.Option(
        "--name", help="File name stem: NAME.pem (private) and NAME.pub.pem (public)",
        rich_help_panel=PANEL)] = "signing-key",
    force: Annotated[bool, typer.Option("--force", help="Replace existing key files", rich_help_panel=PANEL)] = False,
) -> None:
    """Create an Ed25519 key pair for signing bundles.

    Writes NAME.pem (private, mode 0600; encrypted when
    $COMPLIANCE_SIGNING_KEY_PASSPHRASE is set) and NAME.pub.pem (public; give it
    to the auditor out of band) and prints the public key's fingerprint.

    Examples:

      compliance evidence keygen --out keys/

      openssl pkey -pubin -in keys/signing-key.pub.pem -outform DER | sha256sum

    Exit codes: 0 written; 2 a key file exists (without --force) or cannot be written.
    """
    from .evidence import signing

    if "/" in name or name.startswith("."):
        _fail(InputError(f"--name {name!r}: a plain file name stem, without '/' or leading '.'"))
    passphrase = os.environ.get(signing.PASSPHRASE_ENV)
    pair = signing.generate(passphrase=passphrase.encode() if passphrase else None)
    private_path, public_path = out / f"{name}.pem", out / f"{name}.pub.pem"
    try:
        signing.write_pair(pair, private_path, public_path, force=force)
    except ComplianceError as exc:
        _fail(exc)
    _out.print(f"wrote {escape(str(private_path))} (private: keep it secret; CI reads it as --sign-key)")
    _out.print(f"wrote {escape(str(public_path))} (public: give it to the auditor)")
    _out.print(f"fingerprint {pair.fingerprint}")
