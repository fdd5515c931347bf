"""K8S-026 readiness-probe-missing: a container behind a Service without a readiness probe.

## What it does
Flags every app container (`spec.containers`) without a `readinessProbe` when a
Service in the workload's namespace selects its pods. Jobs and CronJobs are not
checked: they run to completion and are not Service backends.

## Why it matters
A container without a readiness probe counts as ready as soon as it starts, so the
Service sends it traffic while it is still warming up, and keeps sending traffic
to it when it can no longer serve: requests fail during every rollout.

## Decisions
- Only where a Service selects the pod (as kube-score does): a worker nobody sends
  traffic to needs no readiness probe.
- A Service selects the pod when its non-empty `spec.selector` matches the pod
  template labels; a Service without a selector (endpoints managed by hand), an
  ExternalName Service, and one with `publishNotReadyAddresses: true` (which ignores
  readiness) do not count.
- Each app container is judged on its own; init containers, native sidecars and
  ephemeral containers are not checked.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator

from ...inventory import Inventory, namespace_of
from ...model import Resource, Violation
from ..registry import rule
from ._workloads import pod_labels, pod_spec_path, selector_matches

_LONG_RUNNING = ("Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController")


@rule(
    id="K8S-026",
    title="Missing readiness probe behind a Service",
    description="A container whose pods a Service selects has no readiness probe, so it receives traffic "
    "as soon as it starts and while it cannot serve. Decision: only where a Service with a non-empty "
    "selector (not ExternalName, not publishNotReadyAddresses) selects the pod, as kube-score does; each "
    "app container is judged on its own; Jobs, init containers and ephemeral containers are not checked.",
    severity="medium",
    remediation="""Add a readinessProbe that succeeds only when the container can serve requests.

```yaml
readinessProbe:
  httpGet:
    path: /ready
    port: 8080
  periodSeconds: 5
  failureThreshold: 3
```""",
    applies_to={"family": "kubernetes", "types": list(_LONG_RUNNING)},
    references=[
        "https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/",
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
    ],
    needs_inventory=True,
)
def readiness_probe_missing(resource: Resource, *, inventory: Inventory, params: dict) -> Iterator[Violation]:
    labels = pod_labels(resource)
    # A set: the same Service may be declared in several files of one scan (overlays, copies).
    services = sorted(
        {s.name for s in _candidates(inventory, resource, labels) if _selects(s.body.get("spec"), labels)}
    )
    if not services:
        return
    selected_by = (f'Service "{services[0]}" selects' if len(services) == 1
                   else "Services " + ", ".join(f'"{name}"' for name in services) + " select")
    base = pod_spec_path(resource)
    spec = _pod_spec(resource.body, base)
    containers = spec.get("containers")
    for index, container in enumerate(containers if isinstance(containers, list) else []):
        if not isinstance(container, dict) or isinstance(container.get("readinessProbe"), dict):
            continue
        name = container.get("name")
        label = f'container "{name}"' if isinstance(name, str) else f"container #{index}"
        yield Violation(f"{label} has no readiness probe, but {selected_by} the pod",
                        (*base, "containers", index, "readinessProbe"))


# Services per inventory, namespace and one selector pair: a workload meets only the Services
# that can select it, so the rule stays linear when a scan repeats namespaces and labels.
_INDEXES: weakref.WeakKeyDictionary[Inventory, dict[tuple[str, str, str], list[Resource]]] = (
    weakref.WeakKeyDictionary())


def _candidates(inventory: Inventory, resource: Resource, labels: dict[str, str]) -> list[Resource]:
    """Services of the workload's namespace and environment whose selector's first pair its labels carry
    (a superset of those that select it: a selector matches only if every pair does)."""
    index = _INDEXES.get(inventory)
    if index is None:
        index = _INDEXES[inventory] = {}
        for service in inventory.resources:
            if service.type != "Service":
                continue
            spec = service.body.get("spec")
            selector = spec.get("selector") if isinstance(spec, dict) else None
            if isinstance(selector, dict) and selector:
                key, value = min((str(k), str(v)) for k, v in selector.items())
                index.setdefault((namespace_of(service), key, value), []).append(service)
    namespace = namespace_of(resource)
    found: dict[int, Resource] = {}
    for key, value in labels.items():
        for service in index.get((namespace, key, value), ()):
            if service.environment in (resource.environment, None):
                found[id(service)] = service
    return list(found.values())


def _selects(spec: object, labels: dict[str, str]) -> bool:
    if not isinstance(spec, dict) or spec.get("type") == "ExternalName":
        return False
    if spec.get("publishNotReadyAddresses") is True:
        return False
    selector = spec.get("selector")
    # A Service selector is a plain label map; an empty one selects no pods.
    return isinstance(selector, dict) and bool(selector) and selector_matches(
        {"matchLabels": selector}, labels, empty_matches_all=False)


def _pod_spec(body: dict, path: tuple[str, ...]) -> dict:
    node: object = body
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else {}
