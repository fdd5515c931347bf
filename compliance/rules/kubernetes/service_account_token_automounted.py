"""K8S-028 service-account-token-automounted: the pod gets an API token it may not need.

## What it does
Flags a workload whose pods mount a ServiceAccount token: `automountServiceAccountToken`
is `true` on the pod, or it is not set on the pod and the pod's ServiceAccount in
the scan does not set it to `false` (or is not in the scan at all).

## Why it matters
Most applications never call the Kubernetes API, yet the mounted token lets anyone
who compromises the container do so with the ServiceAccount's permissions, often
more than intended, and use it to move through the cluster.

## Decisions
- The pod's own setting wins over the ServiceAccount's, as in the API: `true` on the
  pod fails even when the ServiceAccount disables automounting, and `false` passes.
- When the pod does not set it, the ServiceAccount named by `serviceAccountName`
  (or the deprecated `serviceAccount`, else `default`) in the same namespace decides;
  one that is not in the scan cannot be shown to disable it, so the pod fails and
  the message says so.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...inventory import Inventory
from ...model import Resource, Violation
from ..registry import rule
from ._workloads import WORKLOAD_KINDS, pod_spec_path


@rule(
    id="K8S-028",
    title="ServiceAccount token automounted",
    description="The pod mounts a ServiceAccount token, so a compromised container can call the Kubernetes "
    "API with the ServiceAccount's permissions. Decision: the pod's automountServiceAccountToken wins over "
    "its ServiceAccount's; when the pod does not set it, the pod passes only if its ServiceAccount is in "
    "the scan (same namespace) and sets automountServiceAccountToken: false.",
    severity="medium",
    remediation="""Disable automounting on the ServiceAccount (or the pod), and mount a projected token only
in workloads that call the API.

```yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: payments-api
  namespace: payments
automountServiceAccountToken: false
```""",
    applies_to={"family": "kubernetes", "types": list(WORKLOAD_KINDS)},
    references=[
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/"
        "#opt-out-of-api-credential-automounting",
        "https://kubernetes.io/docs/concepts/security/service-accounts/",
    ],
    needs_inventory=True,
)
def service_account_token_automounted(resource: Resource, *, inventory: Inventory,
                                      params: dict) -> Iterator[Violation]:
    base = pod_spec_path(resource)
    spec = _pod_spec(resource.body, base)
    if not spec:
        return
    own = spec.get("automountServiceAccountToken")
    if own is False:
        return
    if own is True:
        yield Violation("pod mounts the ServiceAccount token (automountServiceAccountToken: true)",
                        (*base, "automountServiceAccountToken"))
        return
    account, field = _account(spec)
    found = [sa for sa in inventory.related("ServiceAccount", resource) if sa.name == account]
    if any(sa.body.get("automountServiceAccountToken") is False for sa in found):
        return
    if found:
        why = f'ServiceAccount "{account}" does not disable it'
    else:
        why = f'ServiceAccount "{account}" is not in the scan'
    path = (*base, field) if field else base
    yield Violation(f"pod mounts the ServiceAccount token (automountServiceAccountToken not set on the pod "
                    f"and {why})", path)


def _account(spec: dict) -> tuple[str, str | None]:
    """The ServiceAccount the pod runs as and the field that names it."""
    for field in ("serviceAccountName", "serviceAccount"):
        name = spec.get(field)
        if isinstance(name, str) and name:
            return name, field
    return "default", None


def _pod_spec(body: dict, path: tuple[str, ...]) -> dict:
    node: object = body
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else {}
