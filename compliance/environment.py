"""Which environment (dev, staging, production) a resource belongs to."""

from __future__ import annotations

import fnmatch
import re

ENVIRONMENTS = ("dev", "staging", "production")

_TOKENS = {
    "dev": "dev", "development": "dev",
    "staging": "staging", "stage": "staging", "stg": "staging",
    "production": "production", "prod": "production", "prd": "production",
}
_LABEL_KEYS = ("compliance.dev/environment", "app.kubernetes.io/environment", "environment", "env")
_SPLIT = re.compile(r"[-_.]")


def from_path(path: str) -> str | None:
    """The environment named by the deepest path segment that names one.

    Segments are split on - _ . so `overlays/prod-eu`, `values-production.yaml`
    and `k8s/overlays/production/us-east-1` all count.
    """
    found = None
    for segment in path.replace("\\", "/").split("/"):
        for token in _SPLIT.split(segment.lower()):
            if token in _TOKENS:
                found = _TOKENS[token]
    return found


def from_labels(labels: dict, annotations: dict) -> str | None:
    for source in (labels, annotations):
        for key in _LABEL_KEYS:
            value = source.get(key)
            if isinstance(value, str):
                return _TOKENS.get(value.lower(), value.lower())
    return None


def from_globs(path: str, globs: tuple[tuple[str, str], ...] | list[tuple[str, str]]) -> str | None:
    """The environment of the first configured glob matching path (compliance.yaml `environments`)."""
    for pattern, environment in globs:
        if fnmatch.fnmatchcase(path, pattern):
            return environment
    return None


def for_path(path: str, *, forced: str | None = None, globs: tuple[tuple[str, str], ...] = ()) -> str | None:
    """--env, else a configured glob, else path segments (labels are the caller's last resort)."""
    return forced or from_globs(path, globs) or from_path(path)
