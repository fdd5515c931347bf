"""K8S-063 velero-backup-missing: persistent data that no Velero Schedule backs up.

## What it does
For each PersistentVolumeClaim, and each StatefulSet with `volumeClaimTemplates`,
looks for an active Velero Schedule in the scan whose backups would contain the
claim: its namespace is included and not excluded, PersistentVolumeClaims are not
filtered out by the resource filters, the label selector matches the claim (or a pod
that mounts it, when pods are backed up), and volume data is actually captured
(snapshots, or file-system backup). Reports the claim otherwise, naming the Schedule
that came closest and why it misses.

## Why it matters
A namespace whose volumes are not backed up cannot be restored after data loss,
corruption or ransomware: the reference platform's 5-minute RPO and PCI-DSS 12.10.1,
SOC 2 A1.2 and GDPR Art. 32(1)(c) all need restorable backups.
"""

from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatchcase
from typing import Any

from ...inventory import Inventory
from ...model import Resource, Violation
from ..registry import rule
from ._platform import PlatformIndex, as_dict, as_list, compatible, index_of, scope_key
from ._workloads import pod_labels, selector_matches

_PVC_NAMES = {"persistentvolumeclaims", "persistentvolumeclaim", "pvc"}
_POD_NAMES = {"pods", "pod", "po"}


@rule(
    id="K8S-063",
    title="Persistent data without a Velero backup schedule",
    description="A PersistentVolumeClaim (or a StatefulSet's volumeClaimTemplates) is backed up by no Velero "
    "Schedule in the scan, so its data cannot be restored after loss or corruption. Decisions: a Schedule "
    "covers a claim when it is not paused; its includedNamespaces is empty, '*' or matches the namespace "
    "(glob patterns as Velero 1.14 accepts) and excludedNamespaces does not; its resource filters "
    "(included/excludedResources and the namespace-scoped variants) keep persistentvolumeclaims; its "
    "labelSelector or any orLabelSelectors match the claim's labels, or the pod labels of a workload that "
    "mounts it when pods are backed up (Velero follows pod volumes); and it captures volume data "
    "(snapshotVolumes not false, or defaultVolumesToFsBackup / defaultVolumesToRestic true). StatefulSet "
    "claims carry the template labels plus the StatefulSet's selector labels, as the controller sets them. "
    "A claim without metadata.namespace gets its namespace at deploy time, so only a Schedule of every "
    "namespace covers it. "
    "A Schedule in another environment's overlay does not count, nor pods of an unrelated directory when "
    "neither names a namespace. Applies in every environment; switch it "
    "off for dev in compliance.yaml if dev data is disposable. Backups made outside Velero are invisible "
    "here: waive with the reason.",
    severity="high",
    remediation="""Add a Velero Schedule that includes the namespace and its volumes.

```yaml
apiVersion: velero.io/v1
kind: Schedule
metadata:
  name: payments-hourly
  namespace: velero
spec:
  schedule: "0 * * * *"
  template:
    includedNamespaces: [payments]
    snapshotVolumes: true
    ttl: 720h0m0s
```""",
    applies_to={"family": "kubernetes", "types": ["PersistentVolumeClaim", "StatefulSet"]},
    references=[
        "https://velero.io/docs/main/api-types/schedule/",
        "https://velero.io/docs/main/resource-filtering/",
        "https://velero.io/docs/main/file-system-backup/",
    ],
    needs_inventory=True,
)
def velero_backup_missing(resource: Resource, *, inventory: Inventory, params: dict) -> Iterator[Violation]:
    index = index_of(inventory)
    # Without metadata.namespace the namespace is chosen at deploy time: only a
    # Schedule of every namespace is sure to include it.
    namespace = resource.namespace
    where = f' in namespace "{namespace}"' if namespace else ""
    if resource.type == "StatefulSet":
        spec = as_dict(resource.body.get("spec"))
        selector_labels = {str(k): str(v) for k, v in as_dict(as_dict(spec.get("selector")).get("matchLabels")).items()}
        for i, template in enumerate(as_list(spec.get("volumeClaimTemplates"))):
            meta = as_dict(as_dict(template).get("metadata"))
            labels = {**{str(k): str(v) for k, v in as_dict(meta.get("labels")).items()}, **selector_labels}
            claim = f'volumeClaimTemplate "{meta.get("name", i)}" of StatefulSet "{resource.name}"'
            miss = _miss(index, resource, namespace, labels, [pod_labels(resource)])
            if miss is not None:
                yield Violation(f"{claim}{where} is backed up by no Velero Schedule{miss}",
                                ("spec", "volumeClaimTemplates", i))
        return
    users = [w for w in index.claim_users.get((resource.namespace, resource.name), ()) if compatible(resource, w)]
    miss = _miss(index, resource, namespace, dict(resource.labels), [pod_labels(w) for w in users])
    if miss is not None:
        yield Violation(f'PersistentVolumeClaim "{resource.name}"{where} is backed up by no Velero Schedule{miss}',
                        ("metadata", "name"))


def _miss(index: PlatformIndex, resource: Resource, namespace: str | None, labels: dict[str, str],
          pods: list[dict[str, str]]) -> str | None:
    """None when some Schedule covers the claim; else why the closest one does not (may be "")."""
    key = ("velero", namespace, scope_key(resource), tuple(sorted(labels.items())),
           tuple(tuple(sorted(p.items())) for p in pods))

    def compute() -> str | None:
        reasons = []
        for schedule in _schedules_for(index, namespace):
            if not compatible(resource, schedule):
                continue
            reason = _why_not(schedule, labels, pods)
            if reason is None:
                return None
            reasons.append(f' (Schedule "{schedule.name}" includes the namespace but {reason})')
        return reasons[0] if reasons else ""

    return index.memo(key, compute)


def _schedules_for(index: PlatformIndex, namespace: str | None) -> list[Resource]:
    """Active Velero Schedules whose namespace filters include the namespace, in file order.

    namespace None (decided at deploy time) is included only by Schedules of every namespace.
    """
    def compute() -> dict[str, Any]:
        exact: dict[str, list[Resource]] = {}
        patterns: list[tuple[list[str], Resource]] = []
        for schedule in index.by_kind.get("Schedule", ()):
            if not (schedule.api_version or "").startswith("velero.io/"):
                continue
            spec = as_dict(schedule.body.get("spec"))
            if spec.get("paused") is True:
                continue
            included = [str(n) for n in as_list(as_dict(spec.get("template")).get("includedNamespaces"))]
            if included and all(not _is_glob(n) for n in included):
                for name in included:
                    exact.setdefault(name, []).append(schedule)
            else:
                patterns.append((included, schedule))
        return {"exact": exact, "patterns": patterns}

    table = index.memo("velero-schedules", compute)
    if namespace is None:
        return [s for included, s in table["patterns"] if not included or "*" in included]
    found = list(table["exact"].get(namespace, ()))
    found += [s for included, s in table["patterns"]
              if not included or any(fnmatchcase(namespace, pattern) for pattern in included)]
    kept = [s for s in found if not any(
        fnmatchcase(namespace, str(p))
        for p in as_list(as_dict(as_dict(s.body.get("spec")).get("template")).get("excludedNamespaces")))]
    return sorted(kept,
                  key=lambda s: (s.source.file, s.source.start_line, s.source.document))


def _why_not(schedule: Resource, labels: dict[str, str], pods: list[dict[str, str]]) -> str | None:
    template = as_dict(as_dict(schedule.body.get("spec")).get("template"))
    if not _keeps(template, _PVC_NAMES):
        return "its resource filters leave out persistentvolumeclaims"
    selectors = [s for s in [template.get("labelSelector"), *as_list(template.get("orLabelSelectors"))]
                 if isinstance(s, dict)]
    if selectors:
        candidates = [labels] + (pods if _keeps(template, _POD_NAMES) else [])
        if not any(selector_matches(s, c, empty_matches_all=True) for s in selectors for c in candidates):
            return "its label selector matches neither the claim nor a pod that mounts it"
    fs_backup = template.get("defaultVolumesToFsBackup") is True or template.get("defaultVolumesToRestic") is True
    if template.get("snapshotVolumes") is False and not fs_backup:
        return "it takes no volume snapshots and no file-system backup (snapshotVolumes: false)"
    return None


def _keeps(template: dict, names: set[str]) -> bool:
    """Whether Velero's resource filters keep a resource known by any of these names."""
    def listed(field: str) -> list[str]:
        return [str(r).lower().split(".")[0] for r in as_list(template.get(field))]

    for field in ("includedResources", "includedNamespaceScopedResources"):
        included = listed(field)
        if included and "*" not in included and not names & set(included):
            return False
    return all(not names & set(listed(field)) for field in ("excludedResources", "excludedNamespaceScopedResources"))


def _is_glob(name: str) -> bool:
    return any(ch in name for ch in "*?[")
