"""Indexes over one scan's inventory for the platform rules (network, availability, DR).

Each index is built once per Inventory and cached, so a rule looks related resources
up by namespace, kind, name or label instead of scanning lists: a corpus can repeat
the same namespaces and labels many times over, and pairwise scans would then grow
with the square of the repetition.
"""

from __future__ import annotations

import json
import weakref
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from ...inventory import Inventory
from ...model import Resource
from ._workloads import WORKLOAD_KINDS, pod_labels, selector_matches

# Kinds whose replica count a HorizontalPodAutoscaler or KEDA ScaledObject may own.
SCALABLE_KINDS = ("Deployment", "StatefulSet", "ReplicaSet", "ReplicationController")


def compatible(a: Resource, b: Resource) -> bool:
    """Whether two resources can meet in one cluster and namespace.

    A dev overlay's HorizontalPodAutoscaler does not scale the production Deployment
    of the same name; a resource with no environment (a shared base) meets all. Two
    manifests without a namespace get theirs at deploy time, so they are related only
    when they sit in the same directory: unrelated sample apps in one repository do
    not share a namespace just because neither names one.
    """
    if a.environment is not None and b.environment is not None and a.environment != b.environment:
        return False
    if a.namespace is None and b.namespace is None:
        return _directory(a) == _directory(b)
    return True


def scope_key(resource: Resource) -> tuple:
    """What compatible() depends on, for memo keys: environment, and the directory if unnamespaced."""
    return (resource.environment, _directory(resource) if resource.namespace is None else None)


def _directory(resource: Resource) -> str:
    return resource.source.file.rsplit("/", 1)[0] if "/" in resource.source.file else ""


def prefer_same_environment(resource: Resource, candidates: Iterable[Resource]) -> list[Resource]:
    """The candidates in resource's environment, else those without one, else all compatible."""
    compatible_ones = [c for c in candidates if compatible(resource, c)]
    same = [c for c in compatible_ones if c.environment == resource.environment]
    if same:
        return same
    unset = [c for c in compatible_ones if c.environment is None]
    return unset or compatible_ones


def source_order(resource: Resource) -> tuple:
    src = resource.source
    return (src.file, src.start_line, src.document, resource.id)


def is_owned(resource: Resource) -> bool:
    """Whether a controller manages the object (a Deployment's ReplicaSet or Pod in a cluster export).

    Its owner is checked instead: judging both would report one problem twice.
    """
    return bool(as_list(as_dict(resource.body.get("metadata")).get("ownerReferences")))


def as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


class PlatformIndex:
    """Lookups the platform rules share, all keyed; built lazily per inventory."""

    def __init__(self, inventory: Inventory):
        self.inventory = inventory
        self.by_kind: dict[str, list[Resource]] = defaultdict(list)
        self.by_ns_kind_name: dict[tuple[str | None, str, str], list[Resource]] = defaultdict(list)
        # Namespaces named explicitly (metadata.namespace, or a Namespace object).
        self.namespace_objects: dict[str, list[Resource]] = defaultdict(list)
        self.namespaced: dict[str, list[Resource]] = defaultdict(list)
        self.workloads_by_ns: dict[str | None, list[Resource]] = defaultdict(list)
        self.workloads_by_label: dict[tuple[str | None, str, str], list[Resource]] = defaultdict(list)
        self.claim_users: dict[tuple[str | None, str], list[Resource]] = defaultdict(list)
        self._memo: dict[Hashable, Any] = {}
        for resource in sorted(inventory.resources, key=source_order):
            self._add(resource)

    def _add(self, resource: Resource) -> None:
        self.by_kind[resource.type].append(resource)
        self.by_ns_kind_name[(resource.namespace, resource.type, resource.name)].append(resource)
        if resource.type == "Namespace" and resource.name:
            self.namespace_objects[resource.name].append(resource)
        if resource.namespace:
            self.namespaced[resource.namespace].append(resource)
        if resource.type in WORKLOAD_KINDS:
            self.workloads_by_ns[resource.namespace].append(resource)
            for key, value in pod_labels(resource).items():
                self.workloads_by_label[(resource.namespace, key, value)].append(resource)
            for claim in claim_names(resource):
                self.claim_users[(resource.namespace, claim)].append(resource)

    def memo(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """compute() once per key: repeated copies of a resource share one answer."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def selected_workloads(self, namespace: str | None, selector: Any, *,
                           empty_matches_all: bool) -> list[Resource]:
        """Workloads in the namespace whose pod labels the selector selects.

        Candidates come from the label index through the selector's first matchLabels
        pair; only selectors with no matchLabels look at the whole namespace.
        """
        key = ("selected", namespace, _freeze(selector), empty_matches_all)

        def compute() -> list[Resource]:
            match_labels = as_dict(as_dict(selector).get("matchLabels"))
            if match_labels:
                first_key, first_value = sorted(match_labels.items(), key=lambda kv: str(kv[0]))[0]
                candidates = self.workloads_by_label.get((namespace, str(first_key), str(first_value)), [])
            else:
                candidates = self.workloads_by_ns.get(namespace, [])
            return [w for w in candidates
                    if selector_matches(selector, pod_labels(w), empty_matches_all=empty_matches_all)]

        return self.memo(key, compute)

    def scalers_of(self, resource: Resource) -> list[tuple[Resource, int, str]]:
        """HorizontalPodAutoscalers and KEDA ScaledObjects that own the workload's replicas.

        Each as (scaler, its minimum replicas, "HorizontalPodAutoscaler \"x\" minReplicas: 2").
        """
        targets = self.memo("scaler-targets", self._scaler_targets)
        candidates = targets.get((resource.namespace, resource.type, resource.name), [])
        chosen = {id(c) for c in prefer_same_environment(resource, [c for c, _, _ in candidates])}
        return [entry for entry in candidates if id(entry[0]) in chosen]

    def _scaler_targets(self) -> dict[tuple[str | None, str, str], list[tuple[Resource, int, str]]]:
        targets: dict[tuple[str | None, str, str], list[tuple[Resource, int, str]]] = defaultdict(list)
        for hpa in self.by_kind.get("HorizontalPodAutoscaler", ()):
            spec = as_dict(hpa.body.get("spec"))
            ref = as_dict(spec.get("scaleTargetRef"))
            minimum = spec.get("minReplicas", 1)
            if isinstance(ref.get("kind"), str) and isinstance(ref.get("name"), str) and _is_int(minimum):
                shown = spec.get("minReplicas", "not set: 1")
                targets[(hpa.namespace, ref["kind"], ref["name"])].append(
                    (hpa, minimum, f'HorizontalPodAutoscaler "{hpa.name}" minReplicas: {shown}'))
        for scaled in self.by_kind.get("ScaledObject", ()):
            if not (scaled.api_version or "").startswith("keda.sh/"):
                continue
            spec = as_dict(scaled.body.get("spec"))
            ref = as_dict(spec.get("scaleTargetRef"))
            minimum = spec.get("minReplicaCount", 0)
            if isinstance(ref.get("name"), str) and _is_int(minimum):
                shown = spec.get("minReplicaCount", "not set: 0")
                kind = ref.get("kind") if isinstance(ref.get("kind"), str) else "Deployment"
                targets[(scaled.namespace, kind, ref["name"])].append(
                    (scaled, minimum, f'ScaledObject "{scaled.name}" minReplicaCount: {shown}'))
        return targets

    def min_replicas(self, resource: Resource) -> tuple[int, str]:
        """The fewest replicas the workload runs, and where that number comes from."""
        scalers = self.scalers_of(resource)
        if scalers:
            return min(((count, why) for _, count, why in scalers), key=lambda cw: (cw[0], cw[1]))
        replicas = as_dict(resource.body.get("spec")).get("replicas")
        if replicas is None:
            return 1, "spec.replicas not set"
        if _is_int(replicas):
            return replicas, f"spec.replicas: {replicas}"
        return 1, f"spec.replicas: {replicas}"


_CACHE: weakref.WeakKeyDictionary[Inventory, PlatformIndex] = weakref.WeakKeyDictionary()


def index_of(inventory: Inventory) -> PlatformIndex:
    """The PlatformIndex of this inventory, built on first use."""
    index = _CACHE.get(inventory)
    if index is None:
        index = PlatformIndex(inventory)
        _CACHE[inventory] = index
    return index


def claim_names(resource: Resource) -> list[str]:
    """PersistentVolumeClaim names the workload's pod volumes mount."""
    body = resource.body
    spec = as_dict(body.get("spec"))
    if resource.type == "Pod":
        pod = spec
    elif resource.type == "CronJob":
        pod = as_dict(as_dict(as_dict(as_dict(spec.get("jobTemplate")).get("spec")).get("template")).get("spec"))
    else:
        pod = as_dict(as_dict(spec.get("template")).get("spec"))
    names = []
    for volume in as_list(pod.get("volumes")):
        claim = as_dict(as_dict(volume).get("persistentVolumeClaim")).get("claimName")
        if isinstance(claim, str) and claim:
            names.append(claim)
    return names


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _freeze(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)
