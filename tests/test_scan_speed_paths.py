"""The fast paths of the scan (issue #10) decide exactly what the slow, generic paths decide.

Rego rules run through generated batch rules and share one params object where that is
safe; plain YAML is built without PyYAML's generic constructor; JSON text is located
without composing it as YAML; pool workers take the largest files first. Each test
compares the fast path with the generic one on inputs chosen to tell them apart.
"""

from __future__ import annotations

import textwrap

import pytest
import yaml
from helpers import fails, run, write

from compliance.engines.rego import RegoEvaluator, load_policies
from compliance.loaders import kubernetes as k8s_loader
from compliance.locate import Locator, _JsonLines
from compliance.model import Resource, Source

POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
       "spec": {"containers": [{"name": "app", "image": "nginx", "ports": [{"hostPort": 80}]}]}}


def _rules(tmp_path, files: dict[str, str]):
    for name, text in files.items():
        write(tmp_path / "p", name, text)
    return load_policies([tmp_path / "p"])


def _pod(body: dict) -> Resource:
    return Resource("kubernetes", body["kind"], "web", "Pod/web", body, Source("pod.yaml", 1, 9))


def _meta(rule_id: str, params: str = "") -> str:
    lines = ["# METADATA", "# title: t", "# custom:", f"#   id: {rule_id}",
             "#   applies_to: {family: kubernetes, types: [Pod]}"]
    if params:
        lines.append(f"#   params: {params}")
    return "\n".join(lines) + "\n"


READS_OWN = _meta("T-1", "{allowed: [8080]}") + textwrap.dedent("""\
    package t.own
    import rego.v1
    deny contains {"msg": sprintf("port %v", [p]), "path": ["spec"]} if {
    \tsome c in input.spec.containers
    \tsome port in c.ports
    \tp := port.hostPort
    \tnot p in data.compliance.params.allowed
    }
    """)
# Reads the whole params object: under a shared object it would see other rules' keys.
READS_ALL = _meta("T-2", "{limit: 1}") + textwrap.dedent("""\
    package t.whole
    import rego.v1
    deny contains {"msg": sprintf("%d params", [count(data.compliance.params)])} if true
    """)
NO_PARAMS = _meta("T-3") + textwrap.dedent("""\
    package t.none
    import rego.v1
    deny contains {"msg": sprintf("%d params seen", [count(object.keys(data.compliance.params))])} if true
    """)


def test_rules_reading_only_their_own_params_share_them_and_others_keep_with(tmp_path):
    policies = _rules(tmp_path, {"own.rego": READS_OWN, "whole.rego": READS_ALL, "none.rego": NO_PARAMS})
    evaluator = RegoEvaluator(policies, params={"T-1": {"allowed": [80]}})
    assert evaluator._shared == {"T-1"}
    found = evaluator.evaluate(_pod(POD), policies.rules)
    # T-1 sees its configured value (80 allowed); T-2 sees only its own one param; T-3,
    # which declares none, sees an empty object, as with one query per rule.
    assert {k: [(v.msg, v.path) for v in vs] for k, vs in found.items()} == {
        "T-1": [], "T-2": [("1 params", ())], "T-3": [("0 params seen", ())]}
    assert found == evaluator._one_by_one(policies.rules)


def test_batch_and_one_query_per_rule_agree_on_every_built_in_rule(tmp_path):
    from compliance.resources import data_dir

    policies = load_policies([data_dir("rego")])
    evaluator = RegoEvaluator(policies)
    body = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api", "namespace": "default"},
            "spec": {"replicas": 1, "template": {"metadata": {"labels": {"app": "api"}}, "spec": {
                "hostNetwork": True, "containers": [{"name": "app", "image": "nginx:latest",
                                                      "securityContext": {"privileged": True},
                                                      "ports": [{"containerPort": 80, "hostPort": 80}]}]}}}}
    resource = Resource("kubernetes", "Deployment", "api", "Deployment/default/api", body,
                        Source("d.yaml", 1, 20), namespace="default", environment="production")
    rules = [r for r in policies.rules if r.applies(resource) and not r.needs_inventory]
    assert len(rules) > 20
    batched = evaluator.evaluate(resource, rules)
    assert batched == evaluator._one_by_one(rules)
    assert [v.msg for v in batched["K8S-001"]] == ['container "app" runs privileged (securityContext.privileged: true)']


def test_an_undefined_entrypoint_or_an_error_falls_back_to_one_rule_at_a_time(tmp_path):
    complete = _meta("T-4") + 'package t.complete\nimport rego.v1\ndeny := "no" if input.kind == "Service"\n'
    broken = _meta("T-5") + 'package t.broken\nimport rego.v1\ndeny contains "x" if 1 / 0 > 0\n'
    policies = _rules(tmp_path, {"own.rego": READS_OWN, "complete.rego": complete, "broken.rego": broken})
    evaluator = RegoEvaluator(policies)
    found = evaluator.evaluate(_pod(POD), policies.rules)
    assert [v.msg for v in found["T-1"]] == ["port 80"]
    assert found["T-4"] == []
    assert isinstance(found["T-5"], str) and found["T-5"].startswith("rule T-5 failed:")
    assert "divide by zero" in found["T-5"]


def test_rule_sets_not_known_up_front_are_generated_when_first_met(tmp_path):
    policies = _rules(tmp_path, {"own.rego": READS_OWN, "none.rego": NO_PARAMS})
    evaluator = RegoEvaluator(policies)
    only = [r for r in policies.rules if r.id == "T-3"]
    # Every set a (family, type, environment) gives is generated up front (before workers fork).
    assert list(evaluator._batches) == [("T-3", "T-1")]
    assert [v.msg for v in evaluator.evaluate(_pod(POD), only)["T-3"]] == ["0 params seen"]
    assert evaluator._batches[("T-3",)] is not None


YAML_CASES = {
    "plain": "a: 1\nb: [true, null, 1.5, '2', 2026-01-02]\nc: {d: e}\n",
    "merge": "base: &b {x: 1}\nuse:\n  <<: *b\n  y: 2\n",
    "duplicates": "a: 1\nb:\n  c: 1\n  c: 2\na: 3\n",
    "scalar alias": "a: &v hello\nb: *v\n",
    "tagged": "a: !!str 12\nb: !!binary aGk=\n",
    "int keys": "1: one\ntrue: yes\nnull: none\n",
    "set": "s: !!set {a, b}\n",
    "unknown tag": "a: !Ref thing\n",
    "many docs": "a: 1\n---\n- x\n- y\n---\n",
}


@pytest.mark.parametrize("name", sorted(YAML_CASES))
def test_plain_yaml_builds_exactly_what_pyyaml_builds(name):
    text = YAML_CASES[name]
    duplicates: list = []
    docs, spans, error = k8s_loader._parse_yaml(text, duplicates=duplicates)
    try:
        expected = list(yaml.load_all(text, Loader=yaml.CSafeLoader))
    except yaml.YAMLError:
        expected = None
    if expected is None:
        assert error is not None
    else:
        assert error is None
        assert repr(docs) == repr(expected)  # repr: 1 and True, 1.0 and 1 stay apart
    if name == "duplicates":
        assert duplicates == [(5, "duplicate key 'a': YAML keeps only this value, the one on line 1 is ignored"),
                              (4, "duplicate key 'c': YAML keeps only this value, the one on line 3 is ignored")]


def test_alias_bombs_and_recursive_anchors_are_still_refused():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(6))
    _, _, error = k8s_loader._parse_yaml(bomb)
    assert error is not None and error.message.startswith("YAML aliases expand to more than 1,000,000 nodes")
    _, _, error = k8s_loader._parse_yaml("a: &a [*a]\n")
    assert error is not None and "recursive structure" in error.message


PLAN = """{
  "format_version": "1.2",
  "planned_values": {"root_module": {"resources": [
    {"address": "aws_s3_bucket.a", "values": {"bucket": "a", "tags": {"k\\u00e9y": "v"}}},
    {"address": "aws_s3_bucket.b",
     "values": {"bucket": "b", "bucket": "b2", "list": [1, [2, 3], {}]}}
  ]}},
  "empty": [], "one": {"x": null}
}
"""


@pytest.mark.parametrize("path", [
    (), ("format_version",), ("planned_values", "root_module", "resources", 1),
    ("planned_values", "root_module", "resources", 0, "values", "tags", "k\u00e9y"),
    ("planned_values", "root_module", "resources", 1, "values", "bucket"),
    ("planned_values", "root_module", "resources", 1, "values", "list", 1, 0),
    ("planned_values", "root_module", "resources", 1, "values", "list", 2, "missing"),
    ("planned_values", "root_module", "resources", 9), ("empty", 0), ("one", "x", "deeper"), ("nope",),
])
def test_json_lines_match_yaml_composition(path):
    walked = Locator(PLAN)
    composed = Locator(PLAN, nodes=list(yaml.compose_all(PLAN, Loader=yaml.CSafeLoader)))
    assert walked.span(0, path) == composed.span(0, path)
    assert isinstance(walked._json, _JsonLines)
    assert walked.span(1, path) is None


@pytest.mark.parametrize("text", [
    '{"a":\t1}', '{"a": 1}\r\n', '{"a": "\\ud83d\\ude00"}', '{"' + "k" * 1100 + '": 1}', '{"a"\n: 1}',
    '{"a": 1', "a: 1", '"just a string"',
])
def test_json_lines_step_aside_where_yaml_could_read_json_differently(text):
    assert _JsonLines.of(text) is None


def test_pool_gives_the_same_report_as_one_process(tmp_path):
    # Enough files for the pool, of very different sizes, so largest-first changes the order.
    for i in range(60):
        containers = "".join(f"    - name: c{j}\n      image: nginx:1.{j}\n" for j in range(1 + (i * 7) % 23))
        (tmp_path / "m").mkdir(exist_ok=True)
        (tmp_path / "m" / f"{i:02d}.yaml").write_text(
            f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}, namespace: n}}\nspec:\n"
            f"  hostNetwork: true\n  containers:\n{containers}")
    pooled = run(tmp_path, str(tmp_path / "m"), jobs=2)
    single = run(tmp_path, str(tmp_path / "m"), jobs=1)
    assert fails(pooled) == fails(single)
    assert [(r.rule.id, r.resource.id, r.status, r.line, r.message) for r in pooled.results] == [
        (r.rule.id, r.resource.id, r.status, r.line, r.message) for r in single.results]
    assert [r.id for r in pooled.resources] == [f"Pod/n/p{i}" for i in range(60)]
    assert fails(pooled, "K8S-002")[7] == (
        "K8S-002", "Pod/n/p7", "m/07.yaml:5", "pod shares the host network namespace (hostNetwork: true)")
