"""Small helpers for writing fixture trees and reading scan results in tests."""

from __future__ import annotations

import io
import json
import textwrap
from pathlib import Path

from compliance import __version__
from compliance.model import Status
from compliance.reporters import json_report
from compliance.reporters.json_report import resource_dict, result_dict, rule_dict
from compliance.scan import ScanOptions, ScanReport, scan
from compliance.summary import summarize


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


def reference_json(report: ScanReport) -> str:
    """The JSON report as one document through json.dump: the bytes the streamed writer must give
    (the writer before it was streamed, kept as the golden)."""
    document = {
        "schema": json_report.SCHEMA,
        "tool": {"name": "compliance", "version": __version__},
        "summary": summarize(report).as_dict(),
        "rules": [{**rule_dict(r), "controls": report.controls.get(r.id, [])} for r in report.rules],
        "resources": [resource_dict(r) for r in report.resources],
        "results": [result_dict(r, report.controls) for r in report.results],
        "frameworks": report.frameworks,
        "skipped": [{"path": s.path, "reason": s.reason, "line": s.line} for s in report.skipped],
        "errors": [{"path": i.path, "line": i.line, "message": i.message} for i in report.issues],
        "warnings": list(report.warnings),
        "waivers": report.waiver_register,
        "disabled_rules": report.disabled_rules,
    }
    if report.baseline_fixed is not None:
        document["baseline"] = {"fixed": report.baseline_fixed}
    out = io.StringIO()
    json.dump(document, out, indent=2, sort_keys=True, ensure_ascii=False)
    return out.getvalue() + "\n"


# A ConfigMap and a Deployment of namespace shop with no NetworkPolicy, ServiceAccount or
# PodDisruptionBudget: cross-resource rules (K8S-028, K8S-041, K8S-050) fail on them.
INVENTORY_DEPLOYMENT = """
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: settings, namespace: shop}
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      namespace: shop
    spec:
      replicas: 1
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          containers:
            - name: app
              image: nginx
    """
