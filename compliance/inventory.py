"""Every resource of a scan, indexed for cross-resource rules.

Lookups go through (kind, namespace) buckets so rules stay linear in the number
of resources even when a corpus repeats the same namespaces and labels.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from .model import Resource


class Inventory:
    def __init__(self, resources: Iterable[Resource]):
        self.resources: list[Resource] = list(resources)
        self._by_kind_ns: dict[tuple[str, str], list[Resource]] = defaultdict(list)
        for resource in self.resources:
            self._by_kind_ns[(resource.type, namespace_of(resource))].append(resource)

    def of_kind(self, kind: str, namespace: str) -> Sequence[Resource]:
        """Resources of a kind in a namespace (a missing namespace counts as "default")."""
        return self._by_kind_ns.get((kind, namespace), ())

    def related(self, kind: str, resource: Resource) -> list[Resource]:
        """Resources of a kind that can act on `resource`: same namespace, and the same environment
        or a shared base with none (a dev overlay's PodDisruptionBudget never covers production)."""
        return [other for other in self.of_kind(kind, namespace_of(resource))
                if other.environment in (resource.environment, None)]

    def __len__(self) -> int:
        return len(self.resources)


def namespace_of(resource: Resource) -> str:
    return resource.namespace or "default"
