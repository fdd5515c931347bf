"""Terraform modules: `.tf` roots follow local module calls; plans follow references
through module variables and outputs; unresolved links are unknown, never findings."""

from __future__ import annotations

import json
import os
from pathlib import Path

from compliance.discover import Target, discover
from compliance.loaders import LoadContext, terraform_hcl
from compliance.loaders import terraform_plan as tp
from compliance.model import Skipped, Source, Status
from compliance.scan import ScanOptions, scan

REPO = Path(__file__).resolve().parents[1]
TREE = Path(__file__).parent / "fixtures" / "terraform" / "hcl-modules"
EXAMPLE = REPO / "examples" / "payment-platform"


def _load_root(display: str, root: Path = TREE):
    found = discover([str(root)], root=root)
    target = next(t for t in found.targets if t.display == display)
    return terraform_hcl.load(target, LoadContext())


def _failed(report, rules: set[str] | None = None) -> list[tuple]:
    return [(r.rule.id, r.resource.id, r.resource.source.file, r.line, r.resource.environment, r.message)
            for r in report.results if r.status is Status.failed and (rules is None or r.rule.id in rules)]


def test_hcl_root_loads_local_module_resources_at_module_lines():
    loaded = _load_root("environments/production")
    assert loaded.issues == []
    doc = loaded.resources[2].source.document
    assert doc != 0  # resources reached through a call: a document of this root
    got = [(r.id, r.source, r.environment, r.body.get("region")) for r in loaded.resources]
    assert got == [
        ("aws_vpc.main", Source("environments/production/main.tf", 9, 11), "production", "eu-west-1"),
        ("aws_vpc.shared", Source("environments/production/main.tf", 13, 15), "production", "eu-west-1"),
        ("module.edge_logs.aws_flow_log.edge", Source("modules/flow-logs/main.tf", 5, 8, document=doc),
         "production", "eu-west-1"),
        ("module.loop.module.b.aws_cloudwatch_log_group.b", Source("modules/loop-b/main.tf", 5, 8, document=doc),
         "production", "eu-west-1"),
        ("module.net.aws_security_group.app", Source("modules/networking/main.tf", 1, 17, document=doc),
         "production", "eu-west-1"),
        ("module.net.aws_flow_log.vpc", Source("modules/networking/main.tf", 19, 24, document=doc),
         "production", "eu-west-1"),
    ]


def test_hcl_module_variables_bound_from_call_else_default_else_unknown():
    loaded = _load_root("environments/production")
    by_id = {r.id: r.body for r in loaded.resources}
    group = by_id["module.net.aws_security_group.app"]
    # name = "${var.name}-app", the call passing "payments-${local.environment}" (a root local).
    assert group["values"]["name"] == "payments-production-app"
    assert group["after_unknown"] == {"vpc_id": True}  # aws_vpc.main.id: known after apply
    flow = by_id["module.net.aws_flow_log.vpc"]
    # traffic_type: not passed, the variable's default; log_bucket_arn: no default, not passed.
    assert flow["values"] == {"traffic_type": "ALL", "log_destination_type": "s3"}
    assert flow["after_unknown"] == {"vpc_id": True, "log_destination": True}


def test_hcl_module_references_follow_variables_and_outputs():
    loaded = _load_root("environments/production")
    by_id = {r.id: r.body for r in loaded.resources}
    # vpc_id = var.vpc_id, the call passing aws_vpc.main.id: the root's VPC.
    assert by_id["module.net.aws_flow_log.vpc"]["references"] == {"vpc_id": ["aws_vpc.main"]}
    assert by_id["module.net.aws_flow_log.vpc"]["unresolved_references"] == {}
    # vpc_id = var.vpc_id <- module.vpc.vpc_id, an output of a registry module never read.
    edge = by_id["module.edge_logs.aws_flow_log.edge"]
    assert edge["references"] == {}
    assert edge["unresolved_references"] == {"vpc_id": [{"scope": "module.vpc", "reference": "output.vpc_id"}]}
    assert {b["configuration"] for b in by_id.values()} == {"environments/production"}


def test_hcl_remote_module_and_cycle_are_skipped_with_file_line_and_reason():
    loaded = _load_root("environments/production")
    assert loaded.skipped == [
        Skipped("environments/production/main.tf", 'remote module never downloaded, its resources not checked: '
                'module "vpc" (module.vpc) source "terraform-aws-modules/vpc/aws"', 25),
        Skipped("modules/loop-b/main.tf", 'module call cycle, not followed: module "a" '
                '(module.loop.module.b.module.a) source "../loop-a" calls a module already in this chain of calls', 1),
    ]


def test_hcl_module_findings_at_module_lines_and_unknown_links_pass():
    report = scan(ScanOptions(paths=[str(TREE / "environments" / "production")], root=TREE.absolute(), jobs=1))
    assert report.issues == []
    assert _failed(report, {"AWS-031", "AWS-032"}) == [
        # No flow log refers to aws_vpc.shared; aws_vpc.main has one through module.net's var.vpc_id.
        ("AWS-032", "aws_vpc.shared", "environments/production/main.tf", 13, "production",
         'aws_vpc "shared" has no aws_flow_log'),
        ("AWS-031", "module.net.aws_security_group.app", "modules/networking/main.tf", 10, "production",
         'aws_security_group "app" (PCI scope: Compliance = "pci-dss,soc2") egress #0 allows all traffic to '
         '0.0.0.0/0'),
    ]
    passed = {(r.rule.id, r.resource.id) for r in report.results if r.status is Status.passed}
    assert ("AWS-032", "aws_vpc.main") in passed


def test_hcl_module_scanned_alone_and_through_a_call_are_two_resources():
    report = scan(ScanOptions(paths=[str(TREE)], root=TREE.absolute(), jobs=1))
    groups = [(r.id, r.environment, r.source.document != 0) for r in report.resources
              if r.source.file == "modules/networking/main.tf" and r.type == "aws_security_group"]
    # The directory as its own root (unbound, no environment) and module.net of production.
    assert groups == [("aws_security_group.app", None, False),
                      ("module.net.aws_security_group.app", "production", True)]
    assert len({r.key for r in report.resources}) == len(report.resources)


def test_hcl_module_count_for_each_depth_and_outside_root(tmp_path):
    (tmp_path / "root").mkdir()
    (tmp_path / "mod").mkdir()
    (tmp_path / "mod" / "main.tf").write_text('variable "n" {}\nresource "aws_s3_bucket" "b" {\n  bucket = var.n\n}\n')
    (tmp_path / "root" / "main.tf").write_text(
        'module "two" {\n  source = "../mod"\n  count  = 2\n  n      = "x"\n}\n\n'
        'module "each" {\n  source   = "../mod"\n  for_each = toset(["b", "a"])\n  n        = "y"\n}\n\n'
        'module "keys" {\n  source   = "../mod"\n  for_each = { k = 1 }\n  n        = "z"\n}\n\n'
        'module "none" {\n  source = "../mod"\n  count  = 0\n}\n')
    loaded = _load_root("root", tmp_path)
    assert [(r.id, r.body["values"]) for r in loaded.resources] == [
        ('module.each.aws_s3_bucket.b', {'bucket': 'y'}),  # toset(...) is a function: loaded once
        ('module.keys["k"].aws_s3_bucket.b', {'bucket': 'z'}),
        ("module.two[0].aws_s3_bucket.b", {"bucket": "x"}),
        ("module.two[1].aws_s3_bucket.b", {"bucket": "x"}),
    ]
    assert loaded.warnings == ['root/main.tf:7: module "each" (module.each): count or for_each is known only at '
                               'apply time; its resources are loaded once, without an instance key']
    # Scanning only root/: ../mod is outside the scanned directory and is not read.
    outside = terraform_hcl.load(Target(tmp_path / "root", ".", "terraform-hcl"), LoadContext())
    assert outside.resources == []
    assert [(s.path, s.line, s.reason.split(":")[0]) for s in outside.skipped] == [
        ("main.tf", 1, "module source outside the scanned directory, not read"),
        ("main.tf", 7, "module source outside the scanned directory, not read"),
        ("main.tf", 13, "module source outside the scanned directory, not read"),
        ("main.tf", 19, "module source outside the scanned directory, not read"),
    ]


def test_hcl_module_nesting_is_bounded(tmp_path):
    for i in range(terraform_hcl.MAX_DEPTH + 3):
        directory = tmp_path / f"m{i}"
        directory.mkdir()
        (directory / "main.tf").write_text(f'module "next" {{\n  source = "../m{i + 1}"\n}}\n'
                                           f'resource "aws_sqs_queue" "q" {{\n  name = "q{i}"\n}}\n')
    loaded = _load_root("m0", tmp_path)
    assert len(loaded.resources) == terraform_hcl.MAX_DEPTH + 1
    deep = [s for s in loaded.skipped if s.reason.startswith("module calls nested deeper")]
    assert [(s.path, s.line) for s in deep] == [(f"m{terraform_hcl.MAX_DEPTH}/main.tf", 1)]


def test_hcl_root_with_its_own_plan_is_read_from_the_plan():
    loaded = _load_root("terraform/environments/production", EXAMPLE)
    assert loaded.resources == []
    assert loaded.skipped == [Skipped("terraform/environments/production", "Terraform root read from its plan JSON "
                                      "(plan.json), which has the values the .tf files leave unknown")]
    # A plan of another configuration beside .tf files does not hide them (rule fixture folders).
    folder = REPO / "rego" / "terraform" / "aws" / "vpc-flow-logs-missing" / "fixtures"
    loaded = _load_root(".", folder)
    assert [r.id for r in loaded.resources] == ["aws_vpc.payments", "aws_vpc.ledger", "aws_flow_log.ledger"]


def test_plan_references_follow_module_variables_and_outputs():
    target = Target(EXAMPLE / "terraform/environments/production/plan.json",
                    "terraform/environments/production/plan.json", "json")
    cwd = os.getcwd()
    os.chdir(EXAMPLE)
    try:
        loaded = tp.load_json(target, LoadContext())
    finally:
        os.chdir(cwd)
    by_id = {r.id: r.body for r in loaded.resources}
    vpc = "module.eks_cluster.module.vpc.aws_vpc.this"
    # networking's var.vpc_id <- module.eks_cluster.vpc_id <- module.vpc.vpc_id <- aws_vpc.this[0].id
    assert by_id["module.networking.aws_vpc_endpoint.s3"]["references"]["vpc_id"] == [vpc]
    assert by_id["module.eks_cluster.aws_security_group.pods"]["references"]["vpc_id"] == [vpc]
    # The registry module's flow log names the VPC through local.vpc_id: not in plan JSON.
    flow = by_id["module.eks_cluster.module.vpc.aws_flow_log.this[0]"]
    assert "vpc_id" not in flow["references"]
    assert flow["unresolved_references"]["vpc_id"] == [
        {"scope": "module.eks_cluster.module.vpc", "reference": "local.vpc_id"}]


def test_example_terraform_reports_only_true_findings():
    report = scan(ScanOptions(paths=[str(EXAMPLE / "terraform")], root=EXAMPLE.absolute(), jobs=1))
    assert report.issues == []
    assert _failed(report) == [
        ("AWS-043", "module.eks_cluster.module.eks.aws_eks_cluster.this[0]", "terraform/environments/dev/plan.json",
         202, "dev", 'aws_eks_cluster "this" runs Kubernetes 1.28 (oldest supported 1.30)'),
        ("AWS-054", "module.eks_cluster.module.vpc.aws_cloudwatch_log_group.flow_log[0]",
         "terraform/environments/dev/plan.json", 336, "dev",
         'aws_cloudwatch_log_group "flow_log" is not encrypted with a customer managed KMS key (no kms_key_id)'),
        ("AWS-043", "module.eks_cluster.module.eks.aws_eks_cluster.this[0]",
         "terraform/environments/production/plan.json", 202, "production",
         'aws_eks_cluster "this" runs Kubernetes 1.28 (oldest supported 1.30)'),
        ("AWS-054", "module.eks_cluster.module.vpc.aws_cloudwatch_log_group.flow_log[0]",
         "terraform/environments/production/plan.json", 336, "production",
         'aws_cloudwatch_log_group "flow_log" is not encrypted with a customer managed KMS key (no kms_key_id)'),
        ("AWS-013", "module.eks_cluster.aws_kms_key.ebs", "terraform/modules/eks-cluster/main.tf", 168, "production",
         'aws_kms_key "ebs" is a single-region key (multi_region: false)'),
        # The module directory read as a root of its own (unbound): its tags are merge(local.common_tags, ...).
        ("AWS-031", "aws_security_group.pods", "terraform/modules/eks-cluster/main.tf", 186, None,
         'aws_security_group "pods" (PCI scope: Compliance = "pci-dss,soc2") egress #0 allows all traffic to '
         '0.0.0.0/0'),
        ("AWS-031", "module.eks_cluster.aws_security_group.pods", "terraform/modules/eks-cluster/main.tf", 186,
         "production", 'aws_security_group "pods" (PCI scope: Compliance = "pci-dss,soc2") egress #0 allows all '
         'traffic to 0.0.0.0/0'),
        # Same line: results sort by the plan's document number, then rule and resource.
        ("AWS-031", "module.eks_cluster.aws_security_group.pods", "terraform/modules/eks-cluster/main.tf", 186, "dev",
         'aws_security_group "pods" (PCI scope: Compliance = "pci-dss,soc2") egress #0 allows all traffic to '
         '0.0.0.0/0'),
    ]
    vpc_rules = [(r.rule.id, r.resource.source.file, r.status) for r in report.results
                 if r.rule.id in ("AWS-032", "AWS-035")]
    assert vpc_rules == [
        ("AWS-032", "terraform/environments/dev/plan.json", Status.passed),
        ("AWS-035", "terraform/environments/dev/plan.json", Status.passed),
        ("AWS-032", "terraform/environments/production/plan.json", Status.passed),
        ("AWS-035", "terraform/environments/production/plan.json", Status.passed),
    ]


def test_plan_reference_cycles_end(tmp_path):
    # module.a's argument is module.b's output, which is module.b's argument, module.a's output...
    def call(other: str) -> dict:
        return {"source": "./m", "expressions": {"x": {"references": [f"module.{other}.out", f"module.{other}"]}},
                "module": {"outputs": {"out": {"expression": {"references": ["var.x"]}}},
                           "resources": [{"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket",
                                          "name": "b", "expressions": {"bucket": {"references": ["var.x"]}}}]}}
    planned = [{"address": f"module.{m}", "resources": [
        {"address": f"module.{m}.aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
         "provider_name": "registry.terraform.io/hashicorp/aws", "values": {}}]} for m in ("a", "b")]
    doc = {"format_version": "1.2", "terraform_version": "1.6.6",
           "planned_values": {"root_module": {"child_modules": planned}},
           "configuration": {"root_module": {"module_calls": {"a": call("b"), "b": call("a")}}}}
    (tmp_path / "plan.json").write_text(json.dumps(doc))
    loaded = tp.load_json(Target(tmp_path / "plan.json", "plan.json", "json"), LoadContext())
    assert loaded.issues == []
    assert [(r.id, r.body["references"], r.body["unresolved_references"]) for r in loaded.resources] == [
        ("module.a.aws_s3_bucket.b", {}, {}), ("module.b.aws_s3_bucket.b", {}, {})]


def test_hcl_local_cycle_and_missing_local_are_unresolved(tmp_path):
    (tmp_path / "main.tf").write_text(
        'locals {\n  a = local.b\n  b = local.a\n}\n\n'
        'resource "aws_flow_log" "f" {\n  vpc_id = local.a\n  log_group_name = local.missing\n}\n')
    loaded = terraform_hcl.load(Target(tmp_path, ".", "terraform-hcl"), LoadContext())
    body = loaded.resources[0].body
    assert body["after_unknown"] == {"vpc_id": True, "log_group_name": True}
    assert body["references"] == {}
    assert body["unresolved_references"] == {"log_group_name": [{"scope": "", "reference": "local.missing"}]}


def test_hcl_module_inherits_provider_regions_and_providers_map(tmp_path):
    (tmp_path / "root").mkdir()
    (tmp_path / "mod").mkdir()
    (tmp_path / "root" / "main.tf").write_text(
        'provider "aws" {\n  region = "eu-west-1"\n}\n\n'
        'provider "aws" {\n  alias  = "us"\n  region = "us-east-1"\n}\n\n'
        'module "dr" {\n  source = "../mod"\n  providers = {\n    aws = aws.us\n  }\n}\n\n'
        'module "main" {\n  source = "../mod"\n}\n')
    (tmp_path / "mod" / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n')
    loaded = _load_root("root", tmp_path)
    assert [(r.id, r.body.get("region")) for r in loaded.resources] == [
        ("module.dr.aws_s3_bucket.b", "us-east-1"), ("module.main.aws_s3_bucket.b", "eu-west-1")]


def test_hcl_merge_of_maps_is_a_map_with_unknown_entries(tmp_path):
    (tmp_path / "main.tf").write_text(
        'variable "environment" {}\n\n'
        'locals {\n  tags = { Environment = var.environment, Compliance = "pci-dss" }\n}\n\n'
        'resource "aws_security_group" "a" {\n  tags = merge(local.tags, {\n    Name = "a"\n  })\n}\n\n'
        'resource "aws_security_group" "b" {\n  tags = merge(local.tags, data.x.y.tags)\n}\n')
    loaded = terraform_hcl.load(Target(tmp_path, ".", "terraform-hcl"), LoadContext())
    a, b = (r.body for r in loaded.resources)
    assert (a["values"], a["after_unknown"]) == ({"tags": {"Compliance": "pci-dss", "Name": "a"}},
                                                 {"tags": {"Environment": True}})
    assert (b["values"], b["after_unknown"]) == ({}, {"tags": True})  # one argument is not a known map


def test_each_value_link_is_unresolved(tmp_path):
    (tmp_path / "main.tf").write_text(
        'resource "aws_flow_log" "f" {\n  for_each = { a = aws_vpc.a.id }\n  vpc_id = each.value\n'
        '  traffic_type = each.key\n}\n')
    loaded = terraform_hcl.load(Target(tmp_path, ".", "terraform-hcl"), LoadContext())
    assert loaded.resources[0].body["unresolved_references"] == {
        "vpc_id": [{"scope": "", "reference": "each.value"}]}
