"""Cross-resource Terraform rules look candidates up in data.compliance.inventory_index.

The index (positions in data.compliance.inventory by type, then configuration) must decide
exactly what the walk over the whole inventory decides; here two plans share every address
(dev and prod of one module), the case the per-configuration match exists for.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compliance.engines import rego as rego_engine
from compliance.engines import rego_data
from compliance.engines.rego import PolicySet, RegoEvaluator, load_policies
from compliance.engines.rego_data import inventory_index, modules_for
from compliance.engines.rego_metadata import parse_module
from compliance.errors import PolicyError
from compliance.model import Resource, Source, Status
from compliance.scan import ScanOptions, scan

REPO = Path(__file__).resolve().parents[1]


def _resource(address: str, values: dict) -> dict:
    kind, name = address.split(".")
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/hashicorp/aws", "values": values}


def _plan(resources: list[dict]) -> str:
    doc = {"format_version": "1.2", "planned_values": {"root_module": {"resources": resources}},
           "resource_changes": [{"address": r["address"], "mode": "managed", "type": r["type"], "name": r["name"],
                                 "change": {"actions": ["create"], "after_unknown": {}}} for r in resources]}
    return json.dumps(doc, indent=2) + "\n"


_BLOCK = {"bucket": "acme-logs", "block_public_acls": True, "block_public_policy": True,
          "ignore_public_acls": True, "restrict_public_buckets": True}


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    """dev/plan.json and prod/plan.json: the same addresses; only dev has the companion resources."""
    (tmp_path / "dev").mkdir()
    (tmp_path / "prod").mkdir()
    (tmp_path / "dev" / "plan.json").write_text(_plan([
        _resource("aws_s3_bucket.logs", {"bucket": "acme-logs"}),
        _resource("aws_s3_bucket_versioning.logs",
                  {"bucket": "acme-logs", "versioning_configuration": [{"status": "Enabled"}]}),
        _resource("aws_s3_bucket_public_access_block.logs", _BLOCK),
        _resource("aws_vpc.main", {"id": "vpc-0abc", "cidr_block": "10.0.0.0/16"}),
        _resource("aws_flow_log.main", {"vpc_id": "vpc-0abc", "traffic_type": "ALL"}),
    ]))
    (tmp_path / "prod" / "plan.json").write_text(_plan([
        _resource("aws_s3_bucket.logs", {"bucket": "acme-logs"}),
        _resource("aws_vpc.main", {"id": "vpc-0abc", "cidr_block": "10.0.0.0/16"}),
    ]))
    return tmp_path


def _rows(root: Path) -> list[tuple]:
    report = scan(ScanOptions(paths=[str(root)], root=root, jobs=1))
    assert report.issues == []
    return [(r.rule.id, r.resource.source.file, r.resource.id, r.line, r.status.value, r.message)
            for r in report.results]


_CROSS = {"AWS-002", "AWS-003", "AWS-032"}


def test_index_keeps_configurations_apart(plans):
    rows = _rows(plans)
    assert [row for row in rows if row[0] in _CROSS] == [
        ("AWS-002", "dev/plan.json", "aws_s3_bucket.logs", 6, "pass", ""),
        ("AWS-003", "dev/plan.json", "aws_s3_bucket.logs", 6, "pass", ""),
        ("AWS-003", "dev/plan.json", "aws_s3_bucket_public_access_block.logs", 31, "pass", ""),
        ("AWS-032", "dev/plan.json", "aws_vpc.main", 45, "pass", ""),
        ("AWS-003", "prod/plan.json", "aws_s3_bucket.logs", 6, "fail",
         'aws_s3_bucket "logs" has no aws_s3_bucket_public_access_block and no account-level block'),
        ("AWS-002", "prod/plan.json", "aws_s3_bucket.logs", 12, "fail",  # the `values` line: no versioning key
         'aws_s3_bucket "logs" has versioning disabled (no versioning block and no aws_s3_bucket_versioning for it)'),
        ("AWS-032", "prod/plan.json", "aws_vpc.main", 16, "fail", 'aws_vpc "main" has no aws_flow_log'),
    ]


def test_walk_without_index_decides_the_same(plans, monkeypatch):
    indexed = _rows(plans)
    monkeypatch.setattr(rego_engine, "inventory_index", lambda inventory: None)
    walked = _rows(plans)
    assert walked == indexed
    assert {row[0] for row in indexed if row[4] == "fail"} >= _CROSS


def test_index_shape():
    inventory = [
        {"type": "aws_s3_bucket", "configuration": "dev.json"},
        {"type": "aws_s3_bucket", "configuration": "prod.json"},
        {"kind": "ConfigMap"},  # no type: never a candidate
        {"type": "aws_s3_bucket_versioning"},  # no configuration: filed under ""
        {"type": "aws_s3_bucket", "configuration": "dev.json"},
    ]
    assert inventory_index(inventory) == {
        "aws_s3_bucket": {"dev.json": [0, 4], "prod.json": [1]},
        "aws_s3_bucket_versioning": {"": [3]},
    }


@pytest.mark.parametrize("body", [
    "not an object",
    {"type": 3},
    {"type": None},
    {"type": "aws_s3_bucket", "configuration": None},
    {"type": "aws_s3_bucket", "configuration": ["dev.json"]},
])
def test_no_index_when_a_body_cannot_be_filed(body):
    # The walk's answer for these could differ from any lookup: the rules walk instead.
    assert inventory_index([{"type": "aws_s3_bucket", "configuration": "dev.json"}, body]) is None


def test_evaluator_loads_index_beside_inventory():
    policies = load_policies([REPO / "rego"], labels=["rego"])
    rules = [r for r in policies.rules if r.needs_inventory]
    bucket = {"address": "aws_s3_bucket.logs", "type": "aws_s3_bucket", "name": "logs", "values": {"bucket": "b"},
              "configuration": "prod.json"}
    evaluator = RegoEvaluator(PolicySet(policies.modules, rules), inventory=[bucket])
    answer = json.loads(evaluator._engine.eval_query_as_json("x := data.compliance.inventory_index"))
    assert answer["result"][0]["bindings"]["x"] == {"aws_s3_bucket": {"prod.json": [0]}}
    resource = Resource(family="terraform", type="aws_s3_bucket", name="logs", id="aws_s3_bucket.logs", body=bucket,
                        source=Source("prod.json", 1, 9))
    found = evaluator.evaluate(resource, [r for r in rules if r.id == "AWS-002"])
    assert [v.msg for v in found["AWS-002"]] == [
        'aws_s3_bucket "logs" has versioning disabled (no versioning block and no aws_s3_bucket_versioning for it)']


def test_library_reading_the_index_still_shares_params():
    # data.compliance.inventory_index in the library must not make every rule take its
    # parameters through `with` (which recomputes the shared helpers for each rule).
    policies = load_policies([REPO / "rego"], labels=["rego"])
    library = next(m for m in policies.modules if m.path == "rego/lib/terraform.rego")
    assert "data.compliance.inventory_index" in library.source
    assert rego_data._reads(library.source) == set()
    evaluator = RegoEvaluator(policies)
    assert "AWS-002" in evaluator._shared


def test_cross_resource_evaluator_compiles_only_what_its_rules_reach():
    policies = load_policies([REPO / "rego"], labels=["rego"])
    rules = [r for r in policies.rules if r.needs_inventory and r.engine == "rego"]
    kept = [m.path for m in modules_for(policies.modules, rules)]
    assert kept == sorted({r.source for r in rules} | {"rego/lib/terraform.rego"},
                          key=[m.path for m in policies.modules].index)


def test_modules_for_follows_packages_and_keeps_all_on_dynamic_data():
    rule_module = parse_module("p/rule.rego", "package custom.rule\nimport rego.v1\nimport data.custom.lib.util\n"
                               "# data[x] in a comment and \"data[x]\" in a string are no references\n"
                               'deny contains "x" if { util.bad; input.data.items[_] }\n')
    lib = parse_module("p/lib.rego", "package custom.lib.util\nimport rego.v1\nbad if helper\n")
    lib_part = parse_module("p/lib2.rego", "package custom.lib.util\nimport rego.v1\nhelper if input.x\n")
    other = parse_module("p/other.rego", "package custom.other\nimport rego.v1\ndeny contains 1 if input.y\n")
    modules = [other, lib, rule_module, lib_part]
    rules = [r for r in load_rules(modules) if r.package == "custom.rule"]
    assert [m.path for m in modules_for(modules, rules)] == ["p/lib.rego", "p/rule.rego", "p/lib2.rego"]
    dynamic = parse_module("p/rule.rego", "package custom.rule\nimport rego.v1\n"
                           'deny contains "x" if { data[input.kind].bad }\n')
    assert modules_for([other, lib, dynamic, lib_part], rules) == [other, lib, dynamic, lib_part]


def test_broken_module_no_rule_reaches_still_stops_the_scan(plans, tmp_path):
    # The cross-resource evaluator compiles only what its rules reach; the scan still compiles
    # every module first, so a broken helper nobody imports is a usage error naming its line.
    policy = tmp_path / "policy"
    policy.mkdir()
    (policy / "helpers.rego").write_text("package custom.helpers\nimport rego.v1\nhelper if {\n  x := \n}\n")
    with pytest.raises(PolicyError) as info:
        scan(ScanOptions(paths=[str(plans)], root=plans, jobs=1, policy_dirs=[policy]))
    assert f"cannot compile {policy.as_posix()}/helpers.rego" in str(info.value)
    assert "helpers.rego:4:5" in str(info.value)


def load_rules(modules):
    from compliance.engines.rego_metadata import rules_of

    return [rule for module in modules for rule in rules_of(module)]


def test_rule_library_tests_pass():
    from compliance.policytest import run

    outcomes = run([REPO / "rego" / "lib"])
    names = {f"{o.package}.{o.name}": o.status for o in outcomes if o.package == "compliance.lib.terraform_test"}
    assert names and set(names.values()) == {"PASS"}, names
    assert {"compliance.lib.terraform_test.test_success_index_is_read",
            "compliance.lib.terraform_test.test_success_other_list_is_walked",
            "compliance.lib.terraform_test.test_success_related_index_matches_walk_per_configuration"} <= set(names)


def test_failing_cross_resource_rows_unchanged_by_index_on_fixture_repo(monkeypatch):
    root = REPO / "tests" / "fixtures" / "terraform" / "plan-repo"
    indexed = _rows(root)
    monkeypatch.setattr(rego_engine, "inventory_index", lambda inventory: None)
    assert _rows(root) == indexed
    assert any(row[4] == Status.failed.value for row in indexed)


def test_remote_opa_gets_the_index_and_decides_the_same(plans):
    pytest.importorskip("opa_bindings", reason="the test OPA server needs opa-golib-python-bindings")
    pytest.importorskip("opa_client", reason="remote OPA needs the opa extra: pip install 'compliance[opa]'")
    from test_engine_opa_remote import Server  # a server process of its own, stopped below

    from compliance.engines.opa_remote import OpaSettings

    server = Server()
    try:
        local = scan(ScanOptions(paths=[str(plans)], root=plans, jobs=1))
        remote = scan(ScanOptions(paths=[str(plans)], root=plans, jobs=1, opa=OpaSettings(server.url, keep=True)))
        state = server.state()
        [wrappers] = state["data"]["compliance"]["scans"].values()
        [uploaded] = wrappers.values()
        assert uploaded["inventory_index"] == inventory_index(uploaded["inventory"])
        assert uploaded["inventory_index"]["aws_s3_bucket"] == {"dev/plan.json": [0], "prod/plan.json": [5]}
        assert [(r.rule.id, r.resource.source.file, r.line, r.status, r.message) for r in remote.results] == \
            [(r.rule.id, r.resource.source.file, r.line, r.status, r.message) for r in local.results]
        assert any(r.rule.id == "AWS-032" and r.status is Status.failed for r in remote.results)
    finally:
        server.stop()


def test_rule_sets_are_those_rule_applies_gives():
    from types import SimpleNamespace

    from compliance.engines.rego import _rule_sets

    policies = load_policies([REPO / "rego"], labels=["rego"])
    rules = policies.rules
    expected: dict[tuple, list] = {}
    for family in sorted({r.applies_to.family for r in rules if r.applies_to.family} | {""}):
        for kind in sorted({t for r in rules for t in r.applies_to.types} | {""}):
            for environment in [*sorted({e for r in rules for e in r.environments}), None]:
                probe = SimpleNamespace(family=family, type=kind, environment=environment)
                chosen = [r for r in rules if r.applies(probe)]
                expected.setdefault(tuple(r.id for r in chosen), chosen)
    assert [[r.id for r in s] for s in _rule_sets(rules)] == [[r.id for r in s] for s in expected.values()]
    assert len(expected) > 10


def test_per_resource_rules_run_in_an_engine_of_their_family():
    # A read of a data document costs the engine a pass over every module it holds, so the
    # Terraform rules of a resource run where no Kubernetes module is, and decide the same.
    policies = load_policies([REPO / "rego"], labels=["rego"])
    evaluator = RegoEvaluator(policies)
    packages = {family: set(engine.get_packages()) for family, engine in evaluator._engines.items()}
    assert sorted(packages) == ["", "kubernetes", "terraform"]
    assert "data.compliance.lib.k8s" in packages["kubernetes"]
    assert not any(p.startswith("data.compliance.rules.kubernetes.") for p in packages["terraform"])
    assert not any(p.startswith("data.compliance.rules.terraform.") for p in packages["kubernetes"])
    assert len(packages[""]) == len(policies.modules)  # every module compiled: a broken one is reported
    body = {"address": "aws_s3_bucket.logs", "type": "aws_s3_bucket", "name": "logs", "values": {
        "bucket": "logs", "acl": "public-read", "tags": {"Environment": "production"}}}
    resource = Resource(family="terraform", type="aws_s3_bucket", name="logs", id="aws_s3_bucket.logs", body=body,
                        source=Source("main.tf", 1, 9), environment="production")
    rules = [r for r in policies.rules if r.applies(resource) and not r.needs_inventory]
    found = evaluator.evaluate(resource, rules)
    assert found == evaluator._one_by_one(rules)
    assert [v.msg for v in found["AWS-004"]] == ['aws_s3_bucket "logs" uses the public canned ACL "public-read"']
