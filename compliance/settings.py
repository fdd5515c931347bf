"""Turn command-line flags plus compliance.yaml into ScanOptions (flags win)."""

from __future__ import annotations

from pathlib import Path

from . import config as config_file
from .scan import ScanOptions


def scan_options(paths: list[str], *, config: Path | None, root: Path | None, environment: str | None,
                 policy: list[Path], builtin: bool, jobs: int, max_file_size_mib: int | None,
                 follow_symlinks: bool = False, allow_python_rules: bool = False,
                 frameworks: list[str] | None = None, controls: list[Path] | None = None,
                 ) -> tuple[ScanOptions, config_file.Config]:
    """ScanOptions for a scan, and the settings file they were merged with.

    Raises:
        InputError: the settings file is missing (when named), unreadable or invalid.
    """
    settings = config_file.load(config_file.find(paths, config))
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
    )
    if settings.python_rules and not allow_python_rules:
        options.notices.append(
            f"{settings.path}: python_rules not loaded: they run code from the repository; "
            "pass --allow-python-rules to load them")
    return options, settings
