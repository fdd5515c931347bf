"""Kustomize overlays: built for real with kubectl, each overlay as its environment, findings in base or patch."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from render_tools import FIXTURES, REPO, require, tools_path
from typer.testing import CliRunner

from compliance.cli import app
from compliance.discover import discover
from compliance.loaders import LoadContext, _render
from compliance.loaders import kustomize as kustomize_loader
from compliance.model import InputIssue, Origin, Skipped, Status
from compliance.scan import ScanOptions, scan

TREE = FIXTURES / "kustomize"
APP = TREE / "app"
RULES = {"K8S-007", "K8S-010", "K8S-011", "K8S-040", "K8S-041"}


@pytest.fixture()
def kubectl_on_path(monkeypatch):
    require("kubectl")
    monkeypatch.setenv("PATH", tools_path())
    for name in ("COMPLIANCE_KUBECTL", "COMPLIANCE_KUSTOMIZE"):
        monkeypatch.delenv(name, raising=False)
    if _render.find_tool("kustomize") is not None:  # the tests pin "built with kubectl kustomize"
        monkeypatch.setenv("COMPLIANCE_KUSTOMIZE", "/nonexistent/kustomize")


def _scan(*paths: str, root: Path = TREE, environment: str | None = None, **loader_options):
    return scan(ScanOptions(paths=list(paths), root=root, jobs=1, environment=environment,
                            loader_options=loader_options))


def _fails(report, rules=RULES):
    return sorted(((r.rule.id, f"{r.resource.source.file}:{r.line}", r.resource.id, r.resource.environment,
                    r.message) for r in report.results if r.status is Status.failed and r.rule.id in rules),
                  key=str)


DEV_FINDINGS = [
    # the image tag comes from `images:`; the resource's file is the dev patch, at the container.
    ("K8S-011", "app/overlays/dev/patch-resources.yaml:9", "Deployment/shop-dev/api", "dev",
     'container "api" uses the mutable tag latest (image: "registry.example.com/api:latest")'),
    # `cpu: null` in the patch removed the limit: at that line.
    ("K8S-010", "app/overlays/dev/patch-resources.yaml:12", "Deployment/shop-dev/api", "dev",
     'container "api" has no CPU limit'),
]
PRODUCTION_FINDINGS = [
    # the sidecar added by the production patch, at its securityContext.
    ("K8S-007", "app/overlays/production/patch-sidecar.yaml:15", "Deployment/shop/prod-api", "production",
     'container "proxy" has a writable root filesystem (readOnlyRootFilesystem not set)'),
]


def test_discover_overlays_not_bases_nor_their_files():
    found = discover([str(APP)], root=TREE)
    assert [(t.display, t.kind) for t in found.targets] == [
        ("app/overlays/dev", "kustomize"), ("app/overlays/production", "kustomize")]
    assert found.skipped == [
        Skipped("app/base", "Kustomize base, built through app/overlays/dev, app/overlays/production "
                "(--include-bases builds it alone too)"),
        Skipped("app/base/deployment.yaml", "used by Kustomize app/base (scanned as built)"),
        Skipped("app/base/networkpolicy.yaml", "used by Kustomize app/base (scanned as built)"),
        Skipped("app/overlays/dev/patch-resources.yaml", "used by Kustomize app/overlays/dev (scanned as built)"),
        Skipped("app/overlays/production/patch-replicas.json.yaml",
                "used by Kustomize app/overlays/production (scanned as built)"),
        Skipped("app/overlays/production/patch-sidecar.yaml",
                "used by Kustomize app/overlays/production (scanned as built)"),
        Skipped("app/overlays/production/pdb.yaml", "used by Kustomize app/overlays/production (scanned as built)"),
    ]


def test_kustomize_overlays_built_per_environment_at_patch_lines(kubectl_on_path):
    report = _scan(str(APP))
    assert _fails(report) == sorted(DEV_FINDINGS + PRODUCTION_FINDINGS, key=str)
    assert report.issues == []


def test_kustomize_origin_names_overlay_tool_and_environment(kubectl_on_path):
    report = _scan(str(APP / "overlays" / "production"))
    by_id = {r.id: r for r in report.resources}
    assert sorted(by_id) == ["Deployment/shop/prod-api", "NetworkPolicy/shop/prod-api",
                             "PodDisruptionBudget/shop/prod-api"]
    detail = "overlay app/overlays/production, built with kubectl kustomize, env production"
    # Untouched by a patch: the file in the base (or overlay) that declares it.
    assert by_id["NetworkPolicy/shop/prod-api"].source.origin == Origin(
        "kustomize", "app/base/networkpolicy.yaml", 2, detail)
    assert by_id["PodDisruptionBudget/shop/prod-api"].source.origin == Origin(
        "kustomize", "app/overlays/production/pdb.yaml", 2, detail)
    # Patched: the first patch of the overlay that targets it.
    assert by_id["Deployment/shop/prod-api"].source.origin == Origin(
        "kustomize", "app/overlays/production/patch-sidecar.yaml", 2, detail)
    # The origin annotation asked for to learn the files never reaches the rules.
    assert all("annotations" not in r.body["metadata"] for r in report.resources)
    assert by_id["Deployment/shop/prod-api"].body["spec"]["replicas"] == 6  # the JSON 6902 patch applied


def test_kustomize_include_bases_builds_base_alone(kubectl_on_path):
    report = _scan(str(APP), include_bases=True)
    assert _fails(report) == sorted([
        ("K8S-011", "app/base/deployment.yaml:23", "Deployment/api", None,
         'container "api" has no image tag or digest (image: "registry.example.com/api")'),
        *DEV_FINDINGS, *PRODUCTION_FINDINGS], key=str)


def test_kustomize_env_option_overrides_path(kubectl_on_path):
    report = _scan(str(APP / "overlays" / "dev"), environment="staging")
    assert {r.environment for r in report.resources} == {"staging"}


def test_kustomize_remote_base_refused_offline(kubectl_on_path):
    report = _scan(str(TREE / "remote"), str(APP / "overlays" / "dev"))
    assert report.issues == [InputIssue(
        "remote/kustomization.yaml",
        "remote Kustomize base 'github.com/example-org/platform//k8s/base?ref=v1.2.0' refused: scans run "
        "offline and fetch nothing; vendor it into the repository", 2)]
    assert _fails(report) == sorted(DEV_FINDINGS, key=str)  # the rest of the scan goes on


def test_kustomize_helm_charts_not_inflated(kubectl_on_path):
    report = _scan(str(TREE / "inflate"))
    assert report.issues == [InputIssue(
        "inflate/kustomization.yaml",
        "helmCharts needs `--enable-helm`, which runs helm from inside kustomize; not done: scan the chart "
        "directory instead", 1)]


def test_kustomize_build_error_reported_and_scan_goes_on(kubectl_on_path, tmp_path):
    shutil.copytree(APP, tmp_path / "app")
    bad = tmp_path / "app" / "overlays" / "broken"
    bad.mkdir()
    (bad / "kustomization.yaml").write_text("resources:\n  - ../../base\npatches:\n  - path: missing.yaml\n")
    report = _scan(str(tmp_path / "app"), root=tmp_path)
    assert [(i.path, i.line) for i in report.issues] == [("app/overlays/broken/kustomization.yaml", None)]
    message = report.issues[0].message
    assert message.startswith("kubectl kustomize failed (overlay app/overlays/broken, built with kubectl "
                              "kustomize): ")
    assert "missing.yaml" in message
    assert _fails(report) == sorted(DEV_FINDINGS + PRODUCTION_FINDINGS, key=str)


def test_kustomize_missing_binary_skips_overlay_and_scan_goes_on(tmp_path, monkeypatch):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    for name in ("COMPLIANCE_KUBECTL", "COMPLIANCE_KUSTOMIZE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(_render, "beside_interpreter", lambda: [])
    shutil.copytree(APP, tmp_path / "app")
    (tmp_path / "pod.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n"
                                       "  containers:\n    - name: c\n      image: nginx:latest\n")
    report = _scan(str(tmp_path / "app"), str(tmp_path / "pod.yaml"), root=tmp_path)
    reason = "Kustomize overlay not built: kubectl not found on PATH: " + _render.INSTALL_HINTS["kubectl"]
    assert [s for s in report.skipped if s.reason == reason] == [
        Skipped("app/overlays/dev", reason), Skipped("app/overlays/production", reason)]
    assert [(r.rule.id, r.resource.source.file, r.line) for r in report.results
            if r.status is Status.failed and r.rule.id == "K8S-011"] == [("K8S-011", "pod.yaml", 8)]


def test_kustomize_json_patch_op_located():
    lines = (APP / "overlays/production/patch-replicas.json.yaml").read_text().splitlines()
    assert kustomize_loader._json_patch_line(lines, ("spec", "replicas"), 0, len(lines) - 1) == 2
    assert kustomize_loader._json_patch_line(lines, ("spec", "template"), 0, len(lines) - 1) is None


def test_kustomize_relocator_matches_loader(kubectl_on_path):
    target = discover([str(APP / "overlays" / "dev")], root=TREE).targets[0]
    loaded = kustomize_loader.load(target, LoadContext())
    deployment = next(r for r in loaded.resources if r.type == "Deployment")
    path = ("spec", "template", "spec", "containers", 0, "resources", "limits", "cpu")
    assert loaded.locate(deployment, path) == (12, 12)
    from compliance.discover import Target

    relocate = kustomize_loader.relocator(
        Target(APP / "overlays/dev/patch-resources.yaml", "app/overlays/dev/patch-resources.yaml", "kustomize"),
        LoadContext())
    assert relocate(deployment, path) == (12, 12)


def test_cli_scan_overlays_with_include_bases(kubectl_on_path, monkeypatch):
    monkeypatch.chdir(TREE)
    result = CliRunner().invoke(app, ["scan", "app", "--include-bases", "--format", "json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    failed = sorted((r["rule_id"], r["file"], r["line"]) for r in report["results"]
                    if r["status"] == "fail" and r["rule_id"] in RULES)
    assert failed == [("K8S-007", "app/overlays/production/patch-sidecar.yaml", 15),
                      ("K8S-010", "app/overlays/dev/patch-resources.yaml", 12),
                      ("K8S-011", "app/base/deployment.yaml", 23),
                      ("K8S-011", "app/overlays/dev/patch-resources.yaml", 9)]


def test_example_overlays_findings(kubectl_on_path):
    example = REPO / "examples" / "payment-platform"
    report = _scan(str(example / "k8s" / "overlays"), root=example)
    assert _fails(report, {"K8S-007", "K8S-010", "K8S-011", "K8S-012"}) == sorted([
        ("K8S-010", "k8s/overlays/dev/patch-resources.yaml:19", "Deployment/payments/payment-service", "dev",
         'container "payment-service" has no CPU limit'),
        ("K8S-011", "k8s/overlays/dev/patch-resources.yaml:11", "Deployment/payments/payment-service", "dev",
         'container "payment-service" uses the mutable tag latest '
         '(image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/payment-service:latest")'),
        *[(rule, f"k8s/overlays/{env}/patch-deployment.yaml:{line}", "Deployment/payments/payment-service", env,
           message)
          for env, line in (("staging", 36), ("production", 67))
          for rule, message in (
              ("K8S-007", 'container "otel-agent" has a writable root filesystem (readOnlyRootFilesystem not set)'),
              ("K8S-012", 'container "otel-agent" has no seccomp profile (seccompProfile not set on container '
               "or pod)"))],
    ], key=str)
    assert report.issues == []
