"""K8S-053 istio-mtls-not-strict: Istio mTLS not enforced where the mesh is in use.

## What it does
Reports an Istio PeerAuthentication whose mTLS mode (or a port-level mode) is
PERMISSIVE or DISABLE, and a mesh-wide one (root namespace, no selector) that
leaves the mode unset. For each workload in the mesh (sidecar injection enabled on
its pod template or its Namespace, or a revision / ambient label), reports it when
no PeerAuthentication in the scan governs it: neither one selecting its pods, nor
a namespace-wide one, nor a mesh-wide one in the root namespace sets a mode.

## Why it matters
In PERMISSIVE mode sidecars still accept plaintext, so any pod, in the mesh or not,
can talk to the service unauthenticated and unencrypted. Zero-trust networking and
PCI-DSS 4.2.1 (strong cryptography for cardholder data in transit) need STRICT.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...inventory import Inventory
from ...model import Resource, Violation
from ..registry import rule
from ._platform import PlatformIndex, as_dict, compatible, index_of, is_owned, scope_key
from ._workloads import WORKLOAD_KINDS, pod_labels, pod_spec_path, selector_matches

_WEAK = ("PERMISSIVE", "DISABLE")


@rule(
    id="K8S-053",
    title="Istio mTLS not STRICT",
    description="Where the Istio mesh is in use, peer authentication is not STRICT, so sidecars accept "
    "plaintext connections that are neither encrypted nor authenticated. Decisions: a PeerAuthentication "
    "with mode PERMISSIVE or DISABLE, at the top level or for a port, is reported on itself; a mesh-wide one "
    "(root_namespace, no selector) with the mode unset is reported, since Istio then defaults to "
    "PERMISSIVE. A workload is in the mesh when its pod template label or annotation "
    "sidecar.istio.io/inject is \"true\", or its pod template carries istio.io/rev, or its Namespace in "
    "the scan has istio-injection=enabled, istio.io/rev or istio.io/dataplane-mode=ambient (a pod-level "
    "inject \"false\" opts out). Such a workload is reported only when no PeerAuthentication governs it "
    "(workload selector, namespace-wide, or mesh-wide, each with a mode other than UNSET); one governed by "
    "a weak policy is covered by that policy's own finding. Policies count only within the workload's "
    "environment or a shared base (and, when neither names a namespace, within its directory). Workloads outside "
    "the mesh are not judged, nor objects with "
    "ownerReferences, whose controller is.",
    severity="high",
    remediation="""Require mutual TLS mesh-wide (or per namespace), and fix clients that still send plaintext.

```yaml
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: istio-system
spec:
  mtls:
    mode: STRICT
```""",
    applies_to={"family": "kubernetes", "types": ["PeerAuthentication", *WORKLOAD_KINDS]},
    params={"root_namespace": "istio-system"},
    references=[
        "https://istio.io/latest/docs/reference/config/security/peer_authentication/",
        "https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/",
    ],
    needs_inventory=True,
)
def istio_mtls_not_strict(resource: Resource, *, inventory: Inventory, params: dict) -> Iterator[Violation]:
    root = str(params.get("root_namespace") or "istio-system")
    if resource.type == "PeerAuthentication":
        if (resource.api_version or "").startswith("security.istio.io/"):
            yield from _check_policy(resource, root)
        return
    if is_owned(resource):
        return  # judged through its controller
    mesh_path = _mesh_membership(resource, index_of(inventory))
    if mesh_path is None:
        return
    if _governing_mode(resource, index_of(inventory), root) is None:
        yield Violation(
            f'{resource.type} "{resource.name}" runs in the Istio mesh but no PeerAuthentication sets an mTLS '
            "mode for its pods (Istio defaults to PERMISSIVE)",
            mesh_path,
        )


def _check_policy(resource: Resource, root: str) -> Iterator[Violation]:
    spec = as_dict(resource.body.get("spec"))
    mode = _mode(spec)
    name = f'PeerAuthentication "{resource.name}"'
    if mode in _WEAK:
        yield Violation(f"{name} sets mTLS mode {mode}, so its workloads accept plaintext traffic",
                        ("spec", "mtls", "mode"))
    elif mode is None and resource.namespace == root and not _has_selector(spec):
        yield Violation(f"{name} is mesh-wide but leaves the mTLS mode unset (Istio defaults to PERMISSIVE)",
                        ("spec", "mtls"))
    for port, settings in sorted(as_dict(spec.get("portLevelMtls")).items(), key=lambda kv: str(kv[0])):
        port_mode = _mode({"mtls": settings})
        if port_mode in _WEAK:
            yield Violation(
                f"{name} sets mTLS mode {port_mode} for port {port}, so that port accepts plaintext traffic",
                ("spec", "portLevelMtls", port, "mode"))


def _mode(spec: dict) -> str | None:
    """The mTLS mode, upper-cased; None when unset or UNSET (inherits from the parent)."""
    mode = as_dict(spec.get("mtls")).get("mode")
    if not isinstance(mode, str) or mode.upper() in ("", "UNSET"):
        return None
    return mode.upper()


def _has_selector(spec: dict) -> bool:
    return bool(as_dict(as_dict(spec.get("selector")).get("matchLabels")))


def _mesh_membership(resource: Resource, index: PlatformIndex) -> tuple | None:
    """The path that puts the workload in the mesh, or None when it is not in it."""
    if resource.type == "Pod":
        meta_path: tuple = ("metadata",)
    else:
        meta_path = pod_spec_path(resource)[:-1] + ("metadata",)
    meta = resource.body
    for part in meta_path:
        meta = as_dict(meta.get(part))
    labels = as_dict(meta.get("labels"))
    annotations = as_dict(meta.get("annotations"))
    for where, values in (("labels", labels), ("annotations", annotations)):
        inject = values.get("sidecar.istio.io/inject")
        if isinstance(inject, str | bool):
            if str(inject).lower() == "true":
                return meta_path + (where, "sidecar.istio.io/inject")
            return None  # an explicit opt-out wins over the namespace
    if "istio.io/rev" in labels:
        return meta_path + ("labels", "istio.io/rev")
    for namespace in index.namespace_objects.get(resource.namespace or "", ()):
        if compatible(resource, namespace) and _namespace_in_mesh(namespace):
            return ("metadata", "namespace")
    return None


def _namespace_in_mesh(namespace: Resource) -> bool:
    labels = namespace.labels
    return (labels.get("istio-injection") == "enabled" or "istio.io/rev" in labels
            or labels.get("istio.io/dataplane-mode") == "ambient")


def _governing_mode(resource: Resource, index: PlatformIndex, root: str) -> str | None:
    """The mode of the most specific PeerAuthentication that sets one for the workload's pods."""
    labels = pod_labels(resource)
    key = ("istio-mode", resource.namespace, scope_key(resource), tuple(sorted(labels.items())), root)

    def compute() -> str | None:
        def policies(namespace: str) -> list[Resource]:
            return [p for p in index.inventory.of_kind("PeerAuthentication", namespace)
                    if (p.api_version or "").startswith("security.istio.io/") and compatible(resource, p)]

        local = policies(resource.namespace or "default")
        workload_level = [p for p in local if _has_selector(as_dict(p.body.get("spec")))
                          and selector_matches(as_dict(p.body.get("spec")).get("selector"), labels,
                                               empty_matches_all=False)]
        namespace_level = [p for p in local if not _has_selector(as_dict(p.body.get("spec")))]
        mesh_level = [p for p in policies(root) if not _has_selector(as_dict(p.body.get("spec")))]
        for level in (workload_level, namespace_level, mesh_level):
            for policy in level:
                mode = _mode(as_dict(policy.body.get("spec")))
                if mode is not None:
                    return mode
        return None

    return index.memo(key, compute)
