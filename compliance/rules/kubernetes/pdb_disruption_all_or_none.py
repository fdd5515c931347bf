"""K8S-055 pdb-disruption-all-or-none: a PodDisruptionBudget that allows no disruption, or all.

## What it does
Checks a production PodDisruptionBudget on its own values (`maxUnavailable: 0`,
`minAvailable: 100%` allow none; `minAvailable: 0`, `maxUnavailable: 100%` allow
all) and against each workload it selects in the scan, at that workload's fewest
replicas (autoscaler minimum or `spec.replicas`): `minAvailable` at or above the
replicas allows none, `maxUnavailable` at or above them allows all. Percentages
round up, as the disruption controller rounds them.

## Why it matters
A budget that allows no disruption blocks every node drain, so cluster upgrades and
security patching of nodes stall (PCI-DSS 6.3.3). A budget that allows every pod
to go at once protects nothing, and the service goes down during maintenance.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

from ...inventory import Inventory
from ...model import Resource, Violation
from ..registry import rule
from ._platform import SCALABLE_KINDS, as_dict, compatible, index_of

_PERCENT = re.compile(r"^([0-9]+)%$")


@rule(
    id="K8S-055",
    title="PodDisruptionBudget allows no disruption or all",
    description="A production PodDisruptionBudget either allows no voluntary disruption, which blocks node "
    "drains and so cluster upgrades and node patching, or allows every selected pod to be evicted at once, "
    "which protects nothing. Decisions: the budget is judged on its own values and against each workload "
    "it selects (same namespace, policy/v1 selector semantics, only workloads of its environment or a "
    "shared base, and for manifests without a namespace only those in the same directory) at the workload's fewest "
    "replicas, the autoscaler minimum when one targets it, because "
    "that is when the budget bites; percentages round up as the disruption controller does, so "
    "minAvailable 51% of 1 replica blocks drains. 'Allows all' is not reported for a single-replica "
    "workload, where any disruption is total and replicas-too-few reports the cause. A budget with neither "
    "field is left alone.",
    severity="medium",
    remediation="""Let some but not all pods go at once: for example keep a majority, or one pod unavailable.

```yaml
apiVersion: policy/v1
kind: PodDisruptionBudget
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app: payment-service}
```""",
    applies_to={"family": "kubernetes", "types": ["PodDisruptionBudget"]},
    environments=["production"],
    references=[
        " "
        "https://kubernetes.io/docs/tasks/run-application/configure-pdb/#think-about-how-your-application-reacts-to-disruptions",
        "https://kubernetes.io/docs/concepts/workloads/pods/disruptions/#pod-disruption-budgets",
    ],
    needs_inventory=True,
)
def pdb_disruption_all_or_none(resource: Resource, *, inventory: Inventory, params: dict) -> Iterator[Violation]:
    spec = as_dict(resource.body.get("spec"))
    name = f'PodDisruptionBudget "{resource.name}"'
    for field in ("minAvailable", "maxUnavailable"):
        if field not in spec:
            continue
        value = spec[field]
        parsed = _int_or_percent(value)
        if parsed is None:
            continue
        amount, percent = parsed
        path = ("spec", field)
        none = (field == "maxUnavailable" and amount == 0) or (field == "minAvailable" and percent and amount >= 100)
        every = (field == "minAvailable" and amount == 0) or (field == "maxUnavailable" and percent and amount >= 100)
        if none:
            yield Violation(f"{name} allows no voluntary disruption ({field}: {value}), so node drains block", path)
            continue
        if every:
            yield Violation(f"{name} allows every selected pod to be disrupted at once ({field}: {value})", path)
            continue
        yield from _against_workloads(resource, inventory, field, value, amount, percent)


def _against_workloads(resource: Resource, inventory: Inventory, field: str, value: Any, amount: int,
                       percent: bool) -> Iterator[Violation]:
    index = index_of(inventory)
    selector = as_dict(resource.body.get("spec")).get("selector")
    name = f'PodDisruptionBudget "{resource.name}"'
    for workload in index.selected_workloads(resource.namespace, selector, empty_matches_all=True):
        if workload.type not in SCALABLE_KINDS or not compatible(resource, workload):
            continue
        replicas, why = index.min_replicas(workload)
        if replicas < 1:
            continue
        pods = math.ceil(amount * replicas / 100) if percent else amount
        target = f'{workload.type} "{workload.name}"'
        shown = f"{value} of {replicas} rounds up to {pods}" if percent else str(value)
        if field == "minAvailable" and pods >= replicas:
            yield Violation(f"{name} allows no voluntary disruption of {target}: minAvailable {shown}, "
                            f"and it runs {replicas} ({why})", ("spec", field))
        elif field == "maxUnavailable" and pods >= replicas >= 2:
            yield Violation(f"{name} allows all pods of {target} to be disrupted at once: maxUnavailable {shown}, "
                            f"and it runs {replicas} ({why})", ("spec", field))


def _int_or_percent(value: Any) -> tuple[int, bool] | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value, False
    if isinstance(value, str):
        match = _PERCENT.match(value.strip())
        if match:
            return int(match.group(1)), True
    return None
