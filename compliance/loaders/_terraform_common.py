"""Pieces both Terraform loaders share: references, module paths, environment from tags."""

from __future__ import annotations

import re

from .. import environment as env

_KEYS = re.compile(r"\[[^\]]*\]")
_NOT_RESOURCES = {"var", "local", "module", "each", "count", "path", "terraform", "self"}
_ENV_TAGS = ("environment", "env", "stage", "tier")


def module_names(prefix: str) -> tuple[str, ...]:
    """`module.a["x"].module.b` -> ("a", "b"): the module path without instance keys."""
    parts = _KEYS.sub("", prefix).split(".")
    return tuple(parts[i + 1] for i in range(0, len(parts) - 1, 2) if parts[i] == "module")


def resource_ref(reference: str) -> str | None:
    """`aws_kms_key.k[0].arn` -> `aws_kms_key.k`; `data.x.y.z` -> `data.x.y`; None for var/local/..."""
    parts = _KEYS.sub("", reference).split(".")
    if parts[0] == "data" and len(parts) >= 3:
        return ".".join(parts[:3])
    if parts[0] in _NOT_RESOURCES or len(parts) < 2:
        return None
    return ".".join(parts[:2])


def _collect(expr: object, out: set[str]) -> None:
    if isinstance(expr, dict):
        refs = expr.get("references")
        if isinstance(refs, list) and all(isinstance(r, str) for r in refs):
            out.update(r for r in refs)
            return
        for value in expr.values():
            _collect(value, out)
    elif isinstance(expr, list):
        for value in expr:
            _collect(value, out)


def references_of(expressions: dict, prefix: str) -> dict[str, list[str]]:
    """Attribute -> sorted addresses of the resources its expression refers to.

    Args:
        expressions: a configuration resource's `expressions` (plan JSON shape:
            {"bucket": {"references": ["aws_s3_bucket.b.id", "aws_s3_bucket.b"]}}).
        prefix: the referring resource's module address (`module.x[0]`, or ""), since a
            reference names a resource of the same module instance.
    """
    out: dict[str, list[str]] = {}
    for attr, expr in expressions.items():
        raw: set[str] = set()
        _collect(expr, raw)
        targets = {ref for ref in (resource_ref(r) for r in raw) if ref}
        if targets:
            out[attr] = sorted(f"{prefix}.{t}" if prefix else t for t in targets)
    return out


def environment_of(values: dict) -> str | None:
    """The environment a resource's tags name (Environment = "prod" and the like)."""
    for field in ("tags", "tags_all"):
        tags = values.get(field)
        if not isinstance(tags, dict):
            continue
        lowered = {str(k).lower(): v for k, v in tags.items()}
        for key in _ENV_TAGS:
            value = lowered.get(key)
            if isinstance(value, str) and value:
                return env.from_path(value) or value.lower()
    return None
