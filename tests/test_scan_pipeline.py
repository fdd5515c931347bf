"""The pipeline end to end on small trees: discovery, loading, lines, environments, ordering."""

from __future__ import annotations

import json
import os

from helpers import HARDENED_POD, fails, run, write

from compliance.model import Status
from compliance.reporters import json_report


def test_privileged_container_reported_at_its_line(tmp_path):
    write(tmp_path, "app/deploy.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
        spec:
          template:
            spec:
              containers:
                - name: ok
                  image: nginx:1.27
                - name: bad
                  image: nginx:1.27
                  securityContext:
                    privileged: true
        """)
    report = run(tmp_path)
    assert fails(report, "K8S-001") == [
        ("K8S-001", "Deployment/shop/web", "app/deploy.yaml:15",
         'container "bad" runs privileged (securityContext.privileged: true)'),
    ]
    result = next(r for r in report.results if r.rule.id == "K8S-001" and r.status is Status.failed)
    assert result.path == ("spec", "template", "spec", "containers", 1, "securityContext", "privileged")


def test_multi_document_file_and_list_kinds_keep_lines(tmp_path):
    write(tmp_path, "all.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings}
        ---
        # a comment before the list
        apiVersion: v1
        kind: List
        items:
          - apiVersion: v1
            kind: Pod
            metadata: {name: first}
            spec:
              hostPID: true
              containers: [{name: c, image: "busybox:1.36"}]
          - apiVersion: v1
            kind: Pod
            metadata: {name: second}
            spec:
              hostIPC: true
              containers: [{name: c, image: "busybox:1.36"}]
        """)
    report = run(tmp_path)
    spans = [(r.id, r.source.start_line, r.source.end_line) for r in report.resources]
    assert spans == [("ConfigMap/settings", 1, 3), ("Pod/first", 9, 14), ("Pod/second", 15, 20)]
    assert fails(report, "K8S-003") == [
        ("K8S-003", "Pod/first", "all.yaml:13", "pod shares the host process ID namespace (hostPID: true)")]
    assert fails(report, "K8S-004") == [
        ("K8S-004", "Pod/second", "all.yaml:19", "pod shares the host IPC namespace (hostIPC: true)")]


def test_json_manifest_is_loaded(tmp_path):
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "j"},
           "spec": {"hostNetwork": True, "containers": [{"name": "c", "image": "x:1"}]}}
    (tmp_path / "pod.json").write_text(json.dumps(pod, indent=2))
    report = run(tmp_path)
    assert fails(report, "K8S-002") == [
        ("K8S-002", "Pod/j", "pod.json:8", "pod shares the host network namespace (hostNetwork: true)")]


def test_discovery_skips_and_counts(tmp_path):
    write(tmp_path, "ok.yaml", HARDENED_POD.format(name="a", namespace="ns"))
    write(tmp_path, ".git/config.yaml", "x: 1\n")
    write(tmp_path, "node_modules/pkg/pod.yaml", HARDENED_POD.format(name="b", namespace="ns"))
    write(tmp_path, ".terraform/mod.json", "{}")
    write(tmp_path, ".hidden/pod.yaml", HARDENED_POD.format(name="c", namespace="ns"))
    write(tmp_path, "notes.md", "# notes\n")
    write(tmp_path, "workflow.yaml", "on: push\njobs: {}\n")
    report = run(tmp_path)
    assert [r.id for r in report.resources] == ["Pod/ns/a"]
    assert [(s.path, s.reason) for s in report.skipped] == [
        (".git", "directory .git is never scanned"),
        (".hidden", "directory .hidden is never scanned"),
        (".terraform", "directory .terraform is never scanned"),
        ("node_modules", "directory node_modules is never scanned"),
        ("notes.md", "not a manifest (.yaml, .yml, .json)"),
        ("workflow.yaml", "document has no apiVersion/kind (not a Kubernetes object)"),
    ]
    assert report.files_scanned == 2


def test_explicit_file_is_read_whatever_its_name(tmp_path):
    write(tmp_path, "pod.txt", HARDENED_POD.format(name="t", namespace="ns"))
    report = run(tmp_path, str(tmp_path / "pod.txt"))
    assert [r.id for r in report.resources] == ["Pod/ns/t"]


def test_environment_from_path_then_labels(tmp_path):
    write(tmp_path, "overlays/production/us-east-1/a.yaml", HARDENED_POD.format(name="a", namespace="n"))
    write(tmp_path, "overlays/prod-eu/b.yaml", HARDENED_POD.format(name="b", namespace="n"))
    write(tmp_path, "envs/values-staging.yaml", HARDENED_POD.format(name="c", namespace="n"))
    write(tmp_path, "plain/d.yaml", HARDENED_POD.format(name="d", namespace="n").replace(
        "labels: {app: d}", "labels: {app: d, environment: dev}"))
    write(tmp_path, "plain/e.yaml", HARDENED_POD.format(name="e", namespace="n"))
    envs = {r.name: r.environment for r in run(tmp_path).resources}
    assert envs == {"a": "production", "b": "production", "c": "staging", "d": "dev", "e": None}
    forced = {r.name: r.environment for r in run(tmp_path, environment="staging").resources}
    assert set(forced.values()) == {"staging"}


def test_hardened_pod_passes_every_rule(tmp_path):
    write(tmp_path, "pod.yaml", HARDENED_POD.format(name="p", namespace="ns"))
    write(tmp_path, "netpol.yaml", """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: default-deny, namespace: ns}
        spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
        """)
    report = run(tmp_path)
    assert fails(report) == []
    pod_results = [r for r in report.results if r.resource.id == "Pod/ns/p"]
    assert {r.status for r in pod_results} == {Status.passed}
    assert len(pod_results) == len([r for r in report.rules if r.applies(pod_results[0].resource)])


def _json(report) -> str:
    import io

    buffer = io.StringIO()
    json_report.render(report, buffer)
    return buffer.getvalue()


def test_json_is_byte_identical_across_runs_and_process_pool(tmp_path, monkeypatch):
    for i in range(60):  # above the pool threshold
        write(tmp_path, f"d{i:02}/pod.yaml", HARDENED_POD.format(name=f"p{i}", namespace=f"ns{i % 3}").replace(
            "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false"))
    first = _json(run(tmp_path, jobs=1))
    second = _json(run(tmp_path, jobs=1))
    pooled = _json(run(tmp_path, jobs=2))
    assert first == second == pooled
    data = json.loads(first)
    assert data["summary"]["files"] == 60
    failed = [(r["rule_id"], r["resource"]["id"]) for r in data["results"] if r["status"] == "fail"]
    assert sorted(f for f in failed if f[0] == "K8S-007") == sorted(("K8S-007", f"Pod/ns{i % 3}/p{i}")
                                                                    for i in range(60))
    statuses = {r["status"] for r in data["results"]}
    assert statuses == {"pass", "fail"}


def test_results_are_sorted_by_file_then_line(tmp_path):
    pod = HARDENED_POD.format(name="b", namespace="n")
    write(tmp_path, "b.yaml", pod.replace("runAsNonRoot: true", "runAsNonRoot: false"))
    write(tmp_path, "a.yaml", pod.replace("name: b", "name: a").replace("ReadOnly", "ReadOnly").replace(
        "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false"))
    keys = [(r.resource.source.file, r.line) for r in run(tmp_path).results]
    assert keys == sorted(keys)


def test_symlinks_are_not_followed_by_default(tmp_path):
    outside = tmp_path / "outside"
    write(outside, "pod.yaml", HARDENED_POD.format(name="o", namespace="n"))
    scan_root = tmp_path / "repo"
    write(scan_root, "pod.yaml", HARDENED_POD.format(name="in", namespace="n"))
    os.symlink(outside, scan_root / "linked-dir")
    os.symlink(outside / "pod.yaml", scan_root / "linked.yaml")
    report = run(scan_root)
    assert [r.name for r in report.resources] == ["in"]
    assert [(s.path, s.reason) for s in report.skipped] == [
        ("linked-dir", "symlinked directory not followed"), ("linked.yaml", "symlink not followed")]
