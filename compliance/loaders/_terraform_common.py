"""Pieces both Terraform loaders share: references, module paths, environment from tags."""

from __future__ import annotations

import re
import zlib

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


def document_for(configuration: str) -> int:
    """A Source.document number for resources one configuration maps onto shared `.tf` lines.

    The dev and production plans (or `.tf` roots) both point `module.net.aws_vpc.this`
    at the module's file and line; a document number of their own keeps the two
    deployed resources apart in Resource.key, so coverage and reports count both.
    """
    return (zlib.crc32(configuration.encode("utf-8")) % 100_000) * 10_000 + 1
