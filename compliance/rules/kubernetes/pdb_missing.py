"""K8S-040 pdb-missing: a replicated production workload no PodDisruptionBudget protects.

## What it does
Flags a Deployment or StatefulSet in production that runs more than one replica
(by `spec.replicas` or a HorizontalPodAutoscaler's `maxReplicas`) when no
PodDisruptionBudget in its namespace selects its pods.

## Why it matters
Without a budget, a node drain or cluster upgrade may evict every replica at
once: the service is down although it was deployed to stay up.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...inventory import Inventory, namespace_of
from ...model import Resource, Violation
from ..registry import rule
from ._workloads import pod_labels, selector_matches


@rule(
    id="K8S-040",
    title="Replicated workload without a PodDisruptionBudget",
    description="A replicated production workload has no PodDisruptionBudget, so voluntary "
    "disruptions such as node drains can take every replica down at once.",
    severity="medium",
    remediation="Add a PodDisruptionBudget (policy/v1) in the same namespace whose selector matches "
    "the pod template labels, with minAvailable or maxUnavailable set.",
    applies_to={"family": "kubernetes", "types": ["Deployment", "StatefulSet"]},
    environments=["production"],
    references=["https://kubernetes.io/docs/tasks/run-application/configure-pdb/"],
    needs_inventory=True,
)
def pdb_missing(resource: Resource, *, inventory: Inventory, params: dict) -> Iterator[Violation]:
    namespace = namespace_of(resource)
    replicas = _replicas(resource, inventory, namespace)
    if replicas <= 1:
        return
    labels = pod_labels(resource)
    for pdb in inventory.related("PodDisruptionBudget", resource):
        # policy/v1: an empty selector selects every pod in the namespace.
        if selector_matches((pdb.body.get("spec") or {}).get("selector"), labels, empty_matches_all=True):
            return
    spec = resource.body.get("spec") or {}
    path = ("spec", "replicas") if "replicas" in spec else ("spec",)
    yield Violation(
        f'{resource.type} "{resource.name}" runs {replicas} replicas but no PodDisruptionBudget '
        f'in namespace "{namespace}" selects its pods',
        path,
    )


def _replicas(resource: Resource, inventory: Inventory, namespace: str) -> int:
    spec = resource.body.get("spec") or {}
    replicas = spec.get("replicas", 1)
    count = replicas if isinstance(replicas, int) else 1
    for hpa in inventory.related("HorizontalPodAutoscaler", resource):
        hspec = hpa.body.get("spec") or {}
        target = hspec.get("scaleTargetRef") or {}
        if target.get("kind") == resource.type and target.get("name") == resource.name:
            maximum = hspec.get("maxReplicas")
            if isinstance(maximum, int):
                count = max(count, maximum)
    return count
