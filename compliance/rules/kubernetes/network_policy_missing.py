"""K8S-041 network-policy-missing: a workload no NetworkPolicy selects.

## What it does
Flags a workload when no NetworkPolicy in its namespace selects its pods (an
empty `podSelector` selects every pod of the namespace).

## Why it matters
Pods no NetworkPolicy selects accept traffic from anywhere in the cluster and may
connect anywhere: there is no segmentation around them.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...inventory import Inventory, namespace_of
from ...model import Resource, Violation
from ..registry import rule
from ._workloads import WORKLOAD_KINDS, pod_labels, pod_spec_path, selector_matches


@rule(
    id="K8S-041",
    title="Workload without a NetworkPolicy",
    description="No NetworkPolicy selects the workload's pods, so they accept traffic from anywhere "
    "in the cluster and may connect anywhere.",
    severity="medium",
    remediation="Add a NetworkPolicy in the workload's namespace whose podSelector matches its pod "
    "labels (a default-deny policy with an empty podSelector plus explicit allow rules).",
    applies_to={"family": "kubernetes", "types": list(WORKLOAD_KINDS)},
    references=["https://kubernetes.io/docs/concepts/services-networking/network-policies/"],
    needs_inventory=True,
)
def network_policy_missing(resource: Resource, *, inventory: Inventory, params: dict) -> Iterator[Violation]:
    namespace = namespace_of(resource)
    labels = pod_labels(resource)
    for policy in inventory.related("NetworkPolicy", resource):
        selector = (policy.body.get("spec") or {}).get("podSelector")
        if selector_matches(selector, labels, empty_matches_all=True):
            return
    path = pod_spec_path(resource)[:-1] + ("metadata", "labels")
    if resource.type == "Pod":
        path = ("metadata", "labels")
    yield Violation(
        f'{resource.type} "{resource.name}" in namespace "{namespace}" is selected by no NetworkPolicy',
        path,
    )
