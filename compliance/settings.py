"""Turn command-line flags plus compliance.yaml into ScanOptions (flags win)."""

from __future__ import annotations

from pathlib import Path

from . import config as config_file
from .errors import InputError
from .scan import ENGINES, ScanOptions

KNOWN_ENGINES = ("rego", "python", "checkov")


def scan_options(paths: list[str], *, config: Path | None, root: Path | None, environment: str | None,
                 policy: list[Path], builtin: bool, jobs: int, max_file_size_mib: int | None,
                 follow_symlinks: bool = False, allow_python_rules: bool = False,
                 frameworks: list[str] | None = None, controls: list[Path] | None = None,
                 engines: list[str] | None = None, opa: dict | None = None, show_duplicates: bool = False,
                 checkov_python: str | None = None, cache: bool = False, cache_dir: Path | None = None,
                 ) -> tuple[ScanOptions, config_file.Config]:
    """ScanOptions for a scan, and the settings file they were merged with.

    Raises:
        InputError: the settings file is missing (when named), unreadable or invalid.
        EngineError: an engine asked for (checkov) is not installed.
    """
    settings = config_file.load(config_file.find(paths, config))
    engine_names = _engines(engines or settings.engines or list(ENGINES))
    options = ScanOptions(
        paths=paths,
        root=(root or Path.cwd()).absolute(),
        environment=environment,
        policy_dirs=[*settings.policy_dirs, *policy],
        builtin=builtin,
        jobs=jobs,
        max_file_size=(max_file_size_mib or settings.max_file_size_mib or 32) * 1024 * 1024,
        params=settings.params,
        follow_symlinks=follow_symlinks,
        environment_globs=tuple(settings.environments),
        disabled_rules=settings.disabled_rules,
        waivers=settings.waivers,
        max_waiver_days=settings.max_waiver_days,
        python_rule_files=settings.python_rules if allow_python_rules else (),
        frameworks=frameworks or settings.frameworks,
        controls_files=[*settings.controls, *(controls or [])],
        engines=engine_names,
        opa=_opa_settings({**settings.opa, **{k: v for k, v in (opa or {}).items() if v not in (None, False)}}),
        show_duplicates=show_duplicates,
    )
    if "checkov" in engine_names:
        # --checkov-python (or COMPLIANCE_CHECKOV_PYTHON) wins over compliance.yaml checkov_python.
        from .engines.checkov import require

        from_file = settings.checkov_python is not None and not checkov_python
        python = require(checkov_python or settings.checkov_python, named_in=settings.path if from_file else None,
                         scanned=[options.root, *(Path(p) for p in paths if p != "-" and Path(p).is_dir())])
        options.loader_options["checkov"] = {"python": python, "timeout": settings.checkov_timeout}
    from .cache import choose_dir

    # cache: use the results cache (compliance scan without --no-cache). The notice about a refused
    # cache_dir is given with or without it, so the report is the same either way.
    directory, notice = choose_dir(flag=cache_dir, configured=settings.cache_dir, config_path=settings.path,
                                   paths=paths)
    options.cache_dir = directory if cache else None
    if notice:
        options.notices.append(notice)
    if settings.python_rules and not allow_python_rules:
        options.notices.append(
            f"{settings.path}: python_rules not loaded: they run code from the repository; "
            "pass --allow-python-rules to load them")
    return options, settings


def _engines(names: list[str]) -> list[str]:
    """Engine names split on commas, validated."""
    out = [n.strip() for name in names for n in str(name).split(",") if n.strip()]
    unknown = [n for n in out if n not in KNOWN_ENGINES]
    if unknown or not out:
        raise InputError(f"unknown engine {(unknown or [''])[0]!r}: expected a comma-separated list of "
                         f"{', '.join(KNOWN_ENGINES)}")
    return list(dict.fromkeys(out))


def _opa_settings(values: dict):
    """OpaSettings when an OPA URL is given (flag or compliance.yaml `opa.url`), else None."""
    if not values.get("url"):
        # The token may come from COMPLIANCE_OPA_TOKEN, set for every job of a CI: not an error alone.
        extra = sorted(set(values) - {"keep", "token"})
        if extra:
            raise InputError(f"--opa-{extra[0].replace('_', '-')} needs --opa-url")
        return None
    from .engines.opa_remote import OpaSettings

    return OpaSettings(url=values["url"], token=values.get("token"), ca_cert=values.get("ca_cert"),
                       timeout=float(values.get("timeout", 10.0)), keep=bool(values.get("keep", False)))
