"""Small helpers for writing fixture trees and reading scan results in tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

from compliance.model import Status
from compliance.scan import ScanOptions, ScanReport, scan


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return path


def run(root: Path, *paths: str, **options) -> ScanReport:
    options.setdefault("jobs", 1)
    return scan(ScanOptions(paths=list(paths) or [str(root)], root=root, **options))


def count_file_relocations(monkeypatch) -> list[str]:
    """Record the file of every cross-resource finding located by reading its manifest again
    (not by the loader's own locator, nor by an outline); the list fills as scans run."""
    import compliance.evaluate as evaluate_module

    located: list[str] = []
    inner = evaluate_module.k8s_loader.locator

    def counting(text, **kwargs):
        locate = inner(text, **kwargs)
        if "nodes" in kwargs or "lines" in kwargs:  # the loader's own locator (per-resource findings)
            return locate

        def spy(resource, path):
            located.append(resource.source.file)
            return locate(resource, path)

        return spy

    monkeypatch.setattr(evaluate_module.k8s_loader, "locator", counting)
    return located


def fails(report: ScanReport, rule_id: str | None = None) -> list[tuple[str, str, int, str]]:
    """(rule id, resource id, file:line, message) of every failure, in report order."""
    return [
        (r.rule.id, r.resource.id, f"{r.resource.source.file}:{r.line}", r.message)
        for r in report.results
        if r.status is Status.failed and (rule_id is None or r.rule.id == rule_id)
    ]


HARDENED_POD = """
apiVersion: v1
kind: Pod
metadata:
  name: {name}
  namespace: {namespace}
  labels: {{app: {name}}}
spec:
  serviceAccountName: {name}
  automountServiceAccountToken: false
  securityContext:
    runAsNonRoot: true
    seccompProfile: {{type: RuntimeDefault}}
  containers:
    - name: app
      image: registry.example.com/app:1.2.3@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities: {{drop: [ALL]}}
      resources:
        limits: {{cpu: 100m, memory: 64Mi, ephemeral-storage: 1Gi}}
        requests: {{cpu: 100m, memory: 64Mi, ephemeral-storage: 1Gi}}
      livenessProbe: {{httpGet: {{path: /healthz, port: 8080}}}}
      readinessProbe: {{httpGet: {{path: /ready, port: 8080}}}}
"""
