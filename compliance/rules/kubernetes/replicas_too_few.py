"""K8S-054 replicas-too-few: a production workload that can run fewer replicas than required.

## What it does
Reads the fewest replicas a production Deployment, StatefulSet, ReplicaSet or
ReplicationController runs: the `minReplicas` of a HorizontalPodAutoscaler (or the
`minReplicaCount` of a KEDA ScaledObject) that targets it, else `spec.replicas`
(1 when unset). Reports it when that is below `min_replicas` (default 2).

## Why it matters
With one replica, every node failure, drain, eviction or rollout is an outage. The
reference platform's 99.99% availability target needs at least two replicas on
different nodes at all times.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...inventory import Inventory
from ...model import Resource, Violation
from ..registry import rule
from ._platform import SCALABLE_KINDS, as_dict, index_of, is_owned


@rule(
    id="K8S-054",
    title="Production workload with too few replicas",
    description="A production workload can run fewer replicas than min_replicas, so the loss of one pod or "
    "node, a drain or a rollout leaves the service down. Decisions: when a HorizontalPodAutoscaler or KEDA "
    "ScaledObject in the scan targets the workload, its minimum (minReplicas, default 1; minReplicaCount, "
    "default 0) is what counts, not spec.replicas, which the autoscaler overrides; an autoscaler is matched "
    "by namespace, kind and name, and only within the workload's environment or a shared base, so a dev "
    "overlay's autoscaler never speaks for production; two manifests without a namespace (placed at deploy "
    "time) are related only within one directory. Without one, an unset spec.replicas is 1, except "
    "in a partial manifest without spec.selector (a Kustomize patch), whose count comes from its base. "
    "DaemonSets, Jobs and CronJobs are not replicated services and are out of scope, and objects with "
    "ownerReferences (a Deployment's ReplicaSets in a cluster export) are judged through their owner.",
    severity="medium",
    remediation="""Run at least two replicas, and keep an autoscaler's minimum at two or more.

```yaml
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: payment-service}
  minReplicas: 3
  maxReplicas: 30
```""",
    applies_to={"family": "kubernetes", "types": list(SCALABLE_KINDS)},
    environments=["production"],
    params={"min_replicas": 2},
    references=[
        "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#replicas",
        "https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/",
    ],
    needs_inventory=True,
)
def replicas_too_few(resource: Resource, *, inventory: Inventory, params: dict) -> Iterator[Violation]:
    required = params.get("min_replicas", 2)
    if not isinstance(required, int) or isinstance(required, bool):
        raise ValueError(f"parameter min_replicas must be an integer, got {required!r}")
    if is_owned(resource):
        return
    count, why = index_of(inventory).min_replicas(resource)
    spec = as_dict(resource.body.get("spec"))
    if why == "spec.replicas not set" and "selector" not in spec and resource.type != "ReplicationController":
        return  # a partial manifest (Kustomize patch): the replica count comes from its base
    if count >= required:
        return
    noun = "replica" if count == 1 else "replicas"
    verb = "can scale down to" if "minReplica" in why else "runs"
    path = ("spec", "replicas") if "replicas" in spec else ("spec",)
    yield Violation(
        f'{resource.type} "{resource.name}" {verb} {count} {noun} ({why}), fewer than the {required} required',
        path,
    )
