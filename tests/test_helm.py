"""Helm charts: rendered for real with helm, per environment, findings at the template line."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from render_tools import FIXTURES, REPO, require, tools_path
from typer.testing import CliRunner

from compliance.cli import app
from compliance.discover import discover
from compliance.loaders import LoadContext, _render
from compliance.loaders import helm as helm_loader
from compliance.model import InputIssue, Origin, Skipped, Status
from compliance.scan import ScanOptions, scan

CHARTS = FIXTURES / "helm"
# The rules these tests pin down; other rules may be added to the library without breaking them.
RULES = {"K8S-001", "K8S-007", "K8S-010", "K8S-011", "K8S-040"}


@pytest.fixture()
def helm_on_path(monkeypatch):
    require("helm")
    monkeypatch.setenv("PATH", tools_path())
    monkeypatch.delenv("COMPLIANCE_HELM", raising=False)
    monkeypatch.setattr(_render, "beside_interpreter", lambda: [])


def _scan(*paths: str, root: Path = CHARTS, **loader_options):
    environment = loader_options.pop("environment", None)
    return scan(ScanOptions(paths=list(paths), root=root, jobs=1, environment=environment,
                            loader_options=loader_options))


def _fails(report, rules=RULES):
    return sorted((
        (r.rule.id, f"{r.resource.source.file}:{r.line}", r.resource.id, r.resource.environment, r.message)
        for r in report.results if r.status is Status.failed and r.rule.id in rules
    ), key=str)


def test_discover_chart_directory_is_one_target():
    found = discover([str(CHARTS / "web")], root=CHARTS)
    assert [(t.display, t.kind) for t in found.targets] == [("web", "helm-chart")]
    assert found.skipped == []


def test_helm_chart_renders_each_environment_at_template_lines(helm_on_path):
    report = _scan(str(CHARTS / "web"))
    deployment = "web/templates/deployment.yaml"
    assert _fails(report) == sorted([
        # values-production.yaml sets cpu: null -> the `resources:` key of the template.
        ("K8S-010", f"{deployment}:21", "Deployment/web-web", "production", 'container "web" has no CPU limit'),
        # production-only rule: 4 replicas, no PodDisruptionBudget; at `replicas:`.
        ("K8S-040", f"{deployment}:9", "Deployment/web-web", "production",
         'Deployment "web-web" runs 4 replicas but no PodDisruptionBudget in namespace "default" selects its pods'),
        # values.staging.yaml (dotted convention) sets the tag; at the `image:` line.
        ("K8S-011", f"{deployment}:20", "Deployment/web-web", "staging",
         'container "web" uses the mutable tag latest (image: "registry.example.com/web:latest")'),
        # the log-shipper's securityContext is literal in the template: its `securityContext:` line,
        # once per render (defaults, production, staging).
        *[("K8S-007", f"{deployment}:31", "Deployment/web-web", env,
           'container "log-shipper" has a writable root filesystem (readOnlyRootFilesystem not set)')
          for env in (None, "production", "staging")],
    ], key=str)
    assert report.issues == []


def test_helm_origin_names_chart_values_and_environment(helm_on_path):
    report = _scan(str(CHARTS / "web"))
    deployments = sorted((r for r in report.resources if r.type == "Deployment"),
                         key=lambda r: str(r.environment))
    assert [r.source.origin for r in deployments] == [
        Origin("helm", "web/templates/deployment.yaml", 2, "chart web, values values.yaml"),
        Origin("helm", "web/templates/deployment.yaml", 2, "chart web, values values.yaml, values-production.yaml, "
               "env production"),
        Origin("helm", "web/templates/deployment.yaml", 2, "chart web, values values.yaml, values.staging.yaml, "
               "env staging"),
    ]
    # Each render is its own object: keys differ although file and id are the same.
    assert len({r.key for r in deployments}) == 3
    # No --helm-namespace: helm's stand-in namespace is not reported as "default".
    assert {r.namespace for r in deployments} == {None}
    assert all("namespace" not in r.body["metadata"] for r in deployments)


def test_helm_values_option_replaces_convention(helm_on_path):
    report = _scan(str(CHARTS / "web"), helm_values=[str(CHARTS / "web" / "values-production.yaml")],
                   helm_namespace="shop", helm_release="edge")
    assert _fails(report) == [
        ("K8S-007", "web/templates/deployment.yaml:31", "Deployment/shop/edge-web", "production",
         'container "log-shipper" has a writable root filesystem (readOnlyRootFilesystem not set)'),
        ("K8S-010", "web/templates/deployment.yaml:21", "Deployment/shop/edge-web", "production",
         'container "web" has no CPU limit'),
        ("K8S-040", "web/templates/deployment.yaml:9", "Deployment/shop/edge-web", "production",
         'Deployment "edge-web" runs 4 replicas but no PodDisruptionBudget in namespace "shop" selects its pods'),
    ]


def test_helm_set_applies_to_every_render_and_hides_values(helm_on_path):
    report = _scan(str(CHARTS / "web"), helm_set=["image.tag=latest"], environment="dev")
    assert _fails(report) == [
        ("K8S-007", "web/templates/deployment.yaml:31", "Deployment/web-web", "dev",
         'container "log-shipper" has a writable root filesystem (readOnlyRootFilesystem not set)'),
        ("K8S-011", "web/templates/deployment.yaml:20", "Deployment/web-web", "dev",
         'container "web" uses the mutable tag latest (image: "registry.example.com/web:latest")'),
    ]
    origin = next(r for r in report.resources if r.type == "Deployment").source.origin
    assert origin.detail == "chart web, values values.yaml, env dev, set image.tag"


def test_helm_env_option_renders_that_environment_only(helm_on_path):
    report = _scan(str(CHARTS / "web"), environment="production")
    assert sorted({r.source.origin.detail for r in report.resources}) == [
        "chart web, values values.yaml, values-production.yaml, env production"]


def test_helm_vendored_subchart_points_at_its_template(helm_on_path):
    report = _scan(str(CHARTS / "vendored"))
    assert _fails(report) == [
        ("K8S-001", "vendored/charts/cache/templates/pod.yaml:10", "Pod/cache", None,
         'container "redis" runs privileged (securityContext.privileged: true)'),
        ("K8S-007", "vendored/charts/cache/templates/pod.yaml:9", "Pod/cache", None,
         'container "redis" has a writable root filesystem (readOnlyRootFilesystem not set)'),
        ("K8S-010", "vendored/charts/cache/templates/pod.yaml:7", "Pod/cache", None,
         'container "redis" has no CPU limit'),
    ]


def test_helm_render_error_names_template_and_line(helm_on_path):
    report = _scan(str(CHARTS / "broken"), str(CHARTS / "web"))
    assert report.issues == [InputIssue(
        "broken/templates/pod.yaml",
        "helm template failed (chart broken, values values.yaml): execution error at "
        "(broken/templates/pod.yaml:8:16): image.repository is required", 8)]
    # The rest of the scan goes on: the other chart is checked.
    assert {r.source.file for r in report.resources} == {"web/templates/deployment.yaml",
                                                          "web/templates/networkpolicy.yaml"}


def test_helm_missing_dependencies_reported_at_chart_yaml(helm_on_path):
    report = _scan(str(CHARTS / "needs-deps"))
    assert report.issues == [InputIssue(
        "needs-deps/Chart.yaml",
        "chart dependencies not vendored in charts/: postgresql; run `helm dependency build` where the chart "
        "repositories are reachable, then scan again (chart needs-deps, values values.yaml)", 4)]
    assert report.resources == []


def test_helm_missing_binary_skips_chart_and_scan_goes_on(tmp_path, monkeypatch):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("COMPLIANCE_HELM", raising=False)
    monkeypatch.setattr(_render, "beside_interpreter", lambda: [])
    plain = tmp_path / "scan"
    shutil.copytree(CHARTS / "web", plain / "web")
    (plain / "pod.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n"
                                    "  containers:\n    - name: c\n      image: nginx:1.27\n"
                                    "      securityContext:\n        privileged: true\n")
    report = _scan(str(plain), root=plain)
    assert [s for s in report.skipped if s.path == "web"] == [Skipped(
        "web", "Helm chart not rendered: helm not found on PATH: " + _render.INSTALL_HINTS["helm"])]
    assert [(r.rule.id, r.resource.source.file, r.line) for r in report.results
            if r.status is Status.failed and r.rule.id == "K8S-001"] == [("K8S-001", "pod.yaml", 10)]


def test_helm_binary_inside_scanned_repo_is_never_run(tmp_path, monkeypatch):
    chart = tmp_path / "repo" / "chart"
    shutil.copytree(CHARTS / "web", chart)
    trap = chart / "bin" / "helm"
    trap.parent.mkdir()
    trap.write_text("#!/bin/sh\ntouch " + str(tmp_path / "pwned") + "\n")
    trap.chmod(0o755)
    monkeypatch.setenv("PATH", f"{trap.parent}:bin")
    monkeypatch.delenv("COMPLIANCE_HELM", raising=False)
    monkeypatch.setattr(_render, "beside_interpreter", lambda: [])
    assert _render.find_tool("helm", untrusted=chart) is None
    report = _scan(str(chart), root=tmp_path / "repo")
    assert report.skipped[0].reason.startswith("Helm chart not rendered: helm not found on PATH")
    assert not (tmp_path / "pwned").exists()


def test_helm_runs_without_plugins_or_user_environment(helm_on_path, monkeypatch, tmp_path):
    # A post-renderer/plugin set up through the environment must not reach helm.
    monkeypatch.setenv("HELM_PLUGINS", str(tmp_path / "evil-plugins"))
    monkeypatch.setenv("SECRET_TOKEN", "s3cr3t")
    done = _render.run([str(_render.require_tool("helm")), "env"], cwd=tmp_path, max_output=1 << 20)
    assert done.returncode == 0
    assert "evil-plugins" not in done.stdout and "s3cr3t" not in done.stdout
    plugins = next(line for line in done.stdout.splitlines() if line.startswith("HELM_PLUGINS="))
    assert plugins.startswith('HELM_PLUGINS="' + tempfile.gettempdir() + "/compliance-render-")


def test_render_output_limit_and_timeout(tmp_path):
    python = sys.executable
    with pytest.raises(_render.RenderError, match="output is larger than the 0 MiB limit"):
        _render.run([python, "-c", "print('x' * 5000)"], cwd=tmp_path, max_output=100)
    with pytest.raises(_render.RenderError, match=r"did not finish within 0\.5 s \(killed\)"):
        _render.run([python, "-c", "import time; time.sleep(5)"], cwd=tmp_path, max_output=100, timeout=0.5)
    # The renderer sees an empty PATH: it cannot start git, helm plugins or anything else.
    done = _render.run([python, "-c", "import os; print(os.environ['PATH'])"], cwd=tmp_path, max_output=100)
    assert done.stdout.strip().endswith("/empty-path") and done.returncode == 0


def test_helm_locate_relocator_matches_loader(helm_on_path):
    loaded = helm_loader.load(discover([str(CHARTS / "web")], root=CHARTS).targets[0],
                              LoadContext(environment="production"))
    deployment = next(r for r in loaded.resources if r.type == "Deployment")
    path = ("spec", "template", "spec", "containers", 1, "securityContext", "readOnlyRootFilesystem")
    assert loaded.locate(deployment, path) == (31, 31)
    from compliance.discover import Target

    relocate = helm_loader.relocator(Target(CHARTS / "web/templates/deployment.yaml",
                                            "web/templates/deployment.yaml", "helm-chart"), LoadContext())
    assert relocate(deployment, path) == (31, 31)


def test_cli_scan_chart_with_helm_options(helm_on_path, monkeypatch):
    monkeypatch.chdir(CHARTS)
    result = CliRunner().invoke(app, [
        "scan", "web", "--helm-values", "web/values-production.yaml", "--helm-namespace", "shop",
        "--helm-set", "replicaCount=1", "--format", "json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    failed = sorted((r["rule_id"], r["file"], r["line"]) for r in report["results"]
                    if r["status"] == "fail" and r["rule_id"] in RULES)
    # replicaCount=1 on top of the production values: no PDB finding any more.
    assert failed == [("K8S-007", "web/templates/deployment.yaml", 31),
                      ("K8S-010", "web/templates/deployment.yaml", 21)]


def test_cli_rejects_malformed_helm_set(monkeypatch):
    monkeypatch.chdir(CHARTS)
    result = CliRunner().invoke(app, ["scan", "web", "--helm-set", "novalue"])
    assert result.exit_code == 2
    assert "--helm-set expects KEY=VALUE, got 'novalue'" in result.output


def test_example_chart_production_only_rules_fire_only_for_production(helm_on_path):
    example = REPO / "examples" / "payment-platform"
    report = _scan(str(example / "helm"), root=example)
    production_only = {"K8S-040", "K8S-056"}
    fired = sorted((r.rule.id, f"{r.resource.source.file}:{r.line}", r.resource.environment)
                   for r in report.results if r.status is Status.failed and r.rule.id in production_only)
    deployment = "helm/payment-service/templates/deployment.yaml"
    assert fired == [("K8S-040", f"{deployment}:11", "production"),
                     ("K8S-056", f"{deployment}:42", "production"),
                     ("K8S-056", f"{deployment}:42", "production")]
    passed = {(r.rule.id, r.resource.environment) for r in report.results
              if r.status is Status.passed and r.rule.id in production_only}
    assert passed == set()  # the default render is not production: those rules do not apply to it
    assert report.issues == []


def test_helm_release_name_cannot_smuggle_a_flag(helm_on_path):
    report = _scan(str(CHARTS / "web"), helm_release="--post-renderer=/bin/true")
    assert report.issues == [InputIssue(
        "web", "--helm-release '--post-renderer=/bin/true' is not a valid name (lower-case letters, digits and "
        "'-', at most 63, starting with a letter or digit)")]
    assert report.resources == []
