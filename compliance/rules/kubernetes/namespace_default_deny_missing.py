"""K8S-050 namespace-default-deny-missing: a namespace no default-deny NetworkPolicy isolates.

## What it does
For every namespace the scan knows (a Namespace object, or any resource whose
`metadata.namespace` names it), looks for NetworkPolicies in that namespace whose
empty `podSelector` selects every pod and that isolate them for ingress and for
egress without allowing everything back. It reports once per namespace, on the
Namespace object when the scan has one, otherwise on the first resource of that
namespace in file order, naming the directions left open.

## Why it matters
Pods that no policy isolates accept connections from every pod in the cluster and
may connect anywhere. A default-deny policy makes every allowed flow an explicit,
reviewable rule: PCI-DSS 1.2 and 1.3 restrict traffic into and out of the
cardholder data environment to what is necessary.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...inventory import Inventory
from ...model import Resource, Violation
from ..registry import rule
from ._platform import PlatformIndex, as_dict, as_list, index_of

DIRECTIONS = ("ingress", "egress")
# A namespace name is a DNS-1123 label.
_NAMESPACE_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


@rule(
    id="K8S-050",
    title="Namespace without a default-deny NetworkPolicy",
    description="A namespace has no default-deny NetworkPolicy, so its pods accept traffic from every pod "
    "in the cluster and may connect anywhere unless each workload happens to be covered by its own policy. "
    "Decisions: a policy denies by default in a direction when its podSelector is empty (it selects every "
    "pod), its policyTypes include that direction (without policyTypes: Ingress, plus Egress when it has "
    "egress rules) and none of its rules for that direction is empty ({} allows everything); allow rules "
    "in the same policy are fine, since a pod once isolated only gets what some policy allows, so "
    "'deny all egress except DNS' counts. Ingress and egress may come from different policies. A namespace "
    "is known from a Namespace object or an explicit metadata.namespace; manifests without a namespace are "
    "placed at deploy time and make no namespace known. One finding per namespace, on its Namespace object "
    "or else on the first resource in it. The same namespace name in several environments' overlays is "
    "several clusters' namespaces: each environment is judged with the policies of that environment and "
    "of shared bases (no environment). Namespaces in exempt_namespaces (the control plane's) and names "
    "that are unrendered placeholders (${NAMESPACE}) are skipped.",
    severity="medium",
    remediation="""Add a default-deny policy to the namespace, then allow each needed flow explicitly.

```yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-all
  namespace: payments
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
```""",
    applies_to={"family": "kubernetes"},
    params={"exempt_namespaces": ["kube-system", "kube-public", "kube-node-lease"]},
    references=[
        "https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies",
        "https://kubernetes.io/docs/concepts/services-networking/network-policies/#isolated-and-non-isolated-pods",
    ],
    needs_inventory=True,
)
def namespace_default_deny_missing(resource: Resource, *, inventory: Inventory,
                                   params: dict) -> Iterator[Violation]:
    namespace = resource.name if resource.type == "Namespace" else resource.namespace
    if not namespace or namespace in (params.get("exempt_namespaces") or ()):
        return
    if not _NAMESPACE_NAME.match(namespace):
        return  # a template placeholder such as ${NAMESPACE}, not a namespace
    index = index_of(inventory)
    groups = index.memo(("default-deny-groups", namespace), lambda: _groups(index, namespace))
    for environment, representative, open_directions in groups:
        if representative is not resource or not open_directions:
            continue
        # Name the environment only when the namespace exists in several.
        where = f" in {environment}" if environment and len(groups) > 1 else ""
        path = ("metadata", "name") if resource.type == "Namespace" else ("metadata", "namespace")
        yield Violation(
            f'namespace "{namespace}"{where} has no default-deny NetworkPolicy for {" or ".join(open_directions)} '
            "(no policy with an empty podSelector isolates all its pods)",
            path,
        )


def _groups(index: PlatformIndex, namespace: str) -> list[tuple[str | None, Resource, tuple[str, ...]]]:
    """(environment, the resource to report on, directions left open) per environment of the namespace.

    The same namespace name in dev and production overlays is two namespaces in two
    clusters; resources with no environment (a shared base) belong to each of them.
    """
    members = [*index.namespace_objects.get(namespace, ()), *index.namespaced.get(namespace, ())]
    environments = sorted({m.environment for m in members if m.environment}) or [None]
    policies = index.inventory.of_kind("NetworkPolicy", namespace)
    out = []
    for environment in environments:
        def belongs(r: Resource, env: str | None = environment) -> bool:
            return r.environment is None or r.environment == env

        representative = next((m for m in members if belongs(m)), None)
        if representative is None:
            continue
        denied: set[str] = set()
        for policy in policies:
            if belongs(policy):
                denied |= default_denied_directions(policy.body)
        out.append((environment, representative, tuple(d for d in DIRECTIONS if d not in denied)))
    return out


def default_denied_directions(policy: dict) -> set[str]:
    """The directions ("ingress", "egress") a NetworkPolicy isolates every pod of its namespace in."""
    spec = as_dict(policy.get("spec"))
    selector = spec.get("podSelector")
    # A missing podSelector decodes as the empty selector: every pod.
    if selector is not None and not _empty_selector(selector):
        return set()
    types = spec.get("policyTypes")
    if isinstance(types, list):
        directions = {str(t).lower() for t in types}
    else:
        directions = {"ingress"} | ({"egress"} if as_list(spec.get("egress")) else set())
    denied = set()
    for direction in DIRECTIONS:
        if direction not in directions:
            continue
        rules = as_list(spec.get(direction))
        if not any(_allows_everything(r, direction) for r in rules):
            denied.add(direction)
    return denied


def _empty_selector(selector: object) -> bool:
    return isinstance(selector, dict) and not selector.get("matchLabels") and not selector.get("matchExpressions")


def _allows_everything(rule_body: object, direction: str) -> bool:
    peers_key = "from" if direction == "ingress" else "to"
    body = as_dict(rule_body)
    return not as_list(body.get(peers_key)) and not as_list(body.get("ports"))
