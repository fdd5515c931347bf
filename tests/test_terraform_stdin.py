"""Plan JSON on standard input: `terraform show -json plan.out | compliance scan -`."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from compliance.cli import app
from compliance.model import Status
from compliance.scan import ScanOptions, scan

PLAN_REPO = Path(__file__).parent / "fixtures" / "terraform" / "plan-repo"
runner = CliRunner()


def _failed(data: dict) -> list[tuple]:
    return [(r["rule_id"], r["resource"]["id"], r["file"], r["line"]) for r in data["results"] if r["status"] == "fail"]


def test_stdin_plan_findings_match_the_file_scan_at_tf_lines(tmp_path, monkeypatch):
    # Run where `terraform show` runs: the root module's directory.
    monkeypatch.chdir(PLAN_REPO)
    text = (PLAN_REPO / "plans" / "prod.json").read_text()
    out = tmp_path / "stdin.json"
    result = runner.invoke(app, ["scan", "-", "--format", "json", "-o", str(out)], input=text,
                           catch_exceptions=False)
    assert result.exit_code == 1, result.output
    from_stdin = json.loads(out.read_text())
    file_scan = scan(ScanOptions(paths=[str(PLAN_REPO / "plans")], root=PLAN_REPO.absolute(), jobs=1))
    expected = [(r.rule.id, r.resource.id, r.resource.source.file, r.line)
                for r in file_scan.results if r.status is Status.failed]
    assert _failed(from_stdin) == expected
    assert _failed(from_stdin)[:2] == [("AWS-002", "aws_s3_bucket.logs", "main.tf", 14),
                                       ("AWS-003", "aws_s3_bucket.logs", "main.tf", 14)]
    assert from_stdin["errors"] == []


def test_stdin_one_line_plan_without_tf_points_at_stdin(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no .tf files here: findings stay in the plan
    doc = json.loads((PLAN_REPO / "plans" / "prod.json").read_text())
    out = tmp_path / "out.json"
    result = runner.invoke(app, ["scan", "-", "-f", "json", "-o", str(out)],
                           input=json.dumps(doc, separators=(",", ":")), catch_exceptions=False)
    assert result.exit_code == 1, result.output
    data = json.loads(out.read_text())
    failed = _failed(data)
    assert {f[2] for f in failed} == {"<stdin>"} and {f[3] for f in failed} == {1}
    assert [(f[0], f[1]) for f in failed][:3] == [
        ("AWS-001", "aws_s3_bucket.replica"), ("AWS-002", "aws_s3_bucket.logs"), ("AWS-002", "aws_s3_bucket.replica")]
    assert {r["id"] for r in data["resources"]} == {
        "aws_s3_bucket.logs", "aws_s3_bucket_server_side_encryption_configuration.logs", "aws_s3_bucket.replica",
        "module.kms.aws_kms_key.this"}


def test_stdin_kubernetes_json_still_reads_as_kubernetes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "ns"},
           "spec": {"containers": [{"name": "app", "image": "busybox:1.36",
                                    "securityContext": {"privileged": True}}]}}
    out = tmp_path / "out.json"
    result = runner.invoke(app, ["scan", "-", "-f", "json", "-o", str(out)], input=json.dumps(pod),
                           catch_exceptions=False)
    assert result.exit_code == 1
    data = json.loads(out.read_text())
    assert ("K8S-001", "Pod/ns/p", "<stdin>", 1) in _failed(data)


def test_stdin_plan_in_an_environment_dir_maps_to_module_lines_under_a_relative_root(tmp_path, monkeypatch):
    # CI runs `terraform show` in environments/production and scans from the Terraform root two levels up.
    production = Path(__file__).resolve().parents[1] / "examples/payment-platform/terraform/environments/production"
    monkeypatch.chdir(production)
    out = tmp_path / "out.json"
    result = runner.invoke(app, ["scan", "-", "--root", "../..", "--no-cache", "-f", "json", "-o", str(out)],
                           input=(production / "plan.json").read_text(), catch_exceptions=False)
    assert result.exit_code == 1, result.output
    # Resources declared in the module map to its .tf lines; those of registry modules (never
    # downloaded) stay at their plan lines.
    assert _failed(json.loads(out.read_text())) == [
        ("AWS-043", "module.eks_cluster.module.eks.aws_eks_cluster.this[0]", "<stdin>", 202),
        ("AWS-054", "module.eks_cluster.module.vpc.aws_cloudwatch_log_group.flow_log[0]", "<stdin>", 336),
        ("AWS-013", "module.eks_cluster.aws_kms_key.ebs", "modules/eks-cluster/main.tf", 168),
        ("AWS-031", "module.eks_cluster.aws_security_group.pods", "modules/eks-cluster/main.tf", 186)]
