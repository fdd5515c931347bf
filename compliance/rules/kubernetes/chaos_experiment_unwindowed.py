"""K8S-065 chaos-experiment-unwindowed: a Chaos Mesh experiment on production outside a window.

## What it does
Finds Chaos Mesh experiments (PodChaos, NetworkChaos, IOChaos, StressChaos,
TimeChaos, DNSChaos, HTTPChaos, JVMChaos, KernelChaos, BlockChaos), Schedules and
Workflows whose pod selectors target a production namespace, and reports them when
they do not run inside a time window: a one-off experiment runs whenever it is
applied (by every GitOps sync that recreates it), and a cron such as `@every 24h`
or `*/30 * * * *` fires at any hour.

## Why it matters
Fault injection in production is valuable only when the people who can stop it are
watching. An experiment that can start at any hour turns a resilience test into an
unplanned outage of the payment service (SOC 2 A1.2, CC8.1 change control).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ... import environment as env
from ...inventory import Inventory
from ...model import Resource, Violation
from ..registry import rule
from ._platform import PlatformIndex, as_dict, as_list, index_of

# Chaos kinds that pick pods with a selector; cloud chaos (AWSChaos, ...) picks instances.
POD_CHAOS_KINDS = ("PodChaos", "NetworkChaos", "IOChaos", "StressChaos", "TimeChaos", "DNSChaos",
                   "HTTPChaos", "JVMChaos", "KernelChaos", "BlockChaos")
_DESCRIPTOR_WINDOWS = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight"}
_TZ = re.compile(r"^(CRON_TZ|TZ)=\S+\s+")


@rule(
    id="K8S-065",
    title="Chaos experiment on production without a schedule window",
    description="A Chaos Mesh experiment targets a production namespace without a schedule window, so faults "
    "can be injected into production at any hour, or again on every GitOps sync, when nobody is watching to "
    "abort it. Decisions: a target namespace is production when the experiment itself is in production, or, "
    "when the experiment has no environment, when the namespace name says so (prod, production, prd as a "
    "word) or resources of that namespace in the scan are production; an empty selector.namespaces means "
    "the experiment's own namespace, as Chaos Mesh defaults it. An experiment of a dev or staging overlay "
    "never targets production. A window is a cron whose hour field does not cover every hour (\"0 2 * * 1\", "
    "\"*/10 9-16 * * 1-5\", @daily, @weekly); @every, @hourly and crons with * or */n hours fire at any time. "
    "Chaos Mesh 1.x spec.scheduler.cron, 2.x Schedule objects and Workflows wrapped in a Schedule count; a "
    "standalone experiment or Workflow has no window. Paused experiments (experiment.chaos-mesh.org/pause) "
    "are skipped.",
    severity="medium",
    remediation="""Wrap the experiment in a Chaos Mesh Schedule that fires inside staffed hours.

```yaml
apiVersion: chaos-mesh.org/v1alpha1
kind: Schedule
metadata:
  name: payment-pod-failure
  namespace: chaos-testing
spec:
  schedule: "0 10 * * 2"   # Tuesdays 10:00, while SRE is on shift
  type: PodChaos
  historyLimit: 5
  concurrencyPolicy: Forbid
  podChaos:
    action: pod-failure
    mode: one
    duration: 5m
    selector:
      namespaces: [payments]
      labelSelectors: {app: payment-service}
```""",
    applies_to={"family": "kubernetes", "types": [*POD_CHAOS_KINDS, "Schedule", "Workflow"]},
    references=[
        "https://chaos-mesh.org/docs/define-scheduling-rules/",
        "https://chaos-mesh.org/docs/define-chaos-experiment-scope/",
    ],
    needs_inventory=True,
)
def chaos_experiment_unwindowed(resource: Resource, *, inventory: Inventory, params: dict) -> Iterator[Violation]:
    if not (resource.api_version or "").startswith("chaos-mesh.org/"):
        return
    meta = as_dict(resource.body.get("metadata"))
    if str(as_dict(meta.get("annotations")).get("experiment.chaos-mesh.org/pause", "")).lower() == "true":
        return
    index = index_of(inventory)
    spec = as_dict(resource.body.get("spec"))
    targets = _production_targets(resource, index)
    if not targets:
        return
    label = f'{resource.type} "{resource.name}"'
    where = ", ".join(f'"{t}"' for t in targets)
    noun = "namespace" if len(targets) == 1 else "namespaces"
    if resource.type == "Schedule":
        cron = spec.get("schedule")
        if not _is_window(cron):
            yield Violation(f"{label} runs chaos in production {noun} {where} on schedule {cron!r}, "
                            "which fires at any hour", ("spec", "schedule"))
        return
    cron = as_dict(spec.get("scheduler")).get("cron")
    if cron is None:
        yield Violation(f"{label} targets production {noun} {where} with no schedule window "
                        "(it runs whenever it is applied)", ("spec",))
    elif not _is_window(cron):
        yield Violation(f"{label} targets production {noun} {where} on schedule {cron!r}, which fires at any hour",
                        ("spec", "scheduler", "cron"))


def _production_targets(resource: Resource, index: PlatformIndex) -> list[str]:
    if resource.environment not in (None, "production"):
        return []
    namespaces: list[str] = []
    for selector in _selectors(resource):
        listed = [str(n) for n in as_list(selector.get("namespaces"))]
        namespaces += listed or [resource.namespace or "default"]
    targets = sorted(set(namespaces))
    if resource.environment == "production":
        return targets
    production = index.memo("production-namespaces", lambda: _production_namespaces(index))
    return [n for n in targets if n in production or env.from_path(n) == "production"]


def _selectors(resource: Resource) -> list[dict]:
    """Every pod selector of the experiment, whichever object wraps it."""
    spec = as_dict(resource.body.get("spec"))
    if resource.type in POD_CHAOS_KINDS:
        return _experiment_selectors(spec)
    if resource.type == "Schedule":
        kind = spec.get("type")
        if kind in POD_CHAOS_KINDS:
            return _experiment_selectors(as_dict(spec.get(kind[0].lower() + kind[1:])))
        if kind == "Workflow":
            return _workflow_selectors(as_dict(spec.get("workflow")))
        return []
    return _workflow_selectors(spec)


def _experiment_selectors(spec: dict) -> list[dict]:
    out = [as_dict(spec.get("selector"))]
    target = as_dict(as_dict(spec.get("target")).get("selector"))  # NetworkChaos partition target
    if target:
        out.append(target)
    return out


def _workflow_selectors(spec: dict) -> list[dict]:
    out = []
    for template in as_list(spec.get("templates")):
        kind = as_dict(template).get("templateType")
        if kind in POD_CHAOS_KINDS:
            out += _experiment_selectors(as_dict(as_dict(template).get(kind[0].lower() + kind[1:])))
    return out


def _production_namespaces(index: PlatformIndex) -> set[str]:
    found = set()
    for namespace, members in index.namespaced.items():
        if any(m.environment == "production" for m in members):
            found.add(namespace)
    for namespace, objects in index.namespace_objects.items():
        if any(o.environment == "production" for o in objects):
            found.add(namespace)
    return found


def _is_window(cron: object) -> bool:
    """Whether a cron expression fires only in some hours of the day."""
    if not isinstance(cron, str):
        return False
    text = _TZ.sub("", cron.strip())
    if text.startswith("@"):
        return text.lower() in _DESCRIPTOR_WINDOWS
    fields = text.split()
    if len(fields) not in (5, 6):
        return False
    hour_field = fields[-4]
    if any(part.startswith(("*", "?")) for part in hour_field.split(",")):
        return False
    hours = _hours(hour_field)
    return hours is not None and 0 < len(hours) < 24


def _hours(field: str) -> set[int] | None:
    """The hours a cron hour field selects; None when it cannot be read."""
    hours: set[int] = set()
    for part in field.split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text.isdigit() and int(step_text) > 0 else (None if step_text else 1)
        if step is None:
            return None
        if "-" in base:
            a, _, b = base.partition("-")
            if not (a.isdigit() and b.isdigit()):
                return None
            low, high = int(a), int(b)
        elif base.isdigit():
            low = int(base)
            high = 23 if step_text else low
        else:
            return None
        if not (0 <= low <= 23 and 0 <= high <= 23):
            return None
        hours.update(range(low, high + 1, step))
    return hours
