"""Second pass on scan speed (issue #10): the shortcuts decide exactly what the long way decides.

METADATA blocks are read with libyaml; identical resource bodies are evaluated by the
Rego engine once per evaluator (a memo keyed by the body's exact value). Each test
compares the shortcut with the long way on inputs chosen to tell them apart.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap

import pytest
import yaml
from helpers import INVENTORY_DEPLOYMENT, count_file_relocations, fails, run, write

from compliance.engines import rego as rego_engine
from compliance.engines import rego_metadata
from compliance.engines.rego import RegoEvaluator, load_policies
from compliance.errors import PolicyError
from compliance.model import Resource, Result, Source, Status
from compliance.reporters.json_report import render as render_json
from compliance.resources import data_dir

RULE = textwrap.dedent("""\
    # METADATA
    # title: replicas
    # custom:
    #   id: T-REP
    #   applies_to: {family: kubernetes, types: [Deployment]}
    package t.rep
    import rego.v1
    deny contains {"msg": sprintf("replicas is %v (%v)", [r, type_name(r)]), "path": ["spec", "replicas"]} if {
    \tr := input.spec.replicas
    \tr != 3
    }
    """)


def _deployment(spec: dict, name: str = "web") -> Resource:
    body = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name}, "spec": spec}
    return Resource("kubernetes", "Deployment", name, f"Deployment/{name}", body, Source("d.yaml", 1, 6))


def _counting(evaluator: RegoEvaluator) -> list[dict]:
    """Record every body the engine itself is asked about (memo misses)."""
    asked: list[dict] = []
    inner = evaluator._evaluate

    def spy(body, rules, key):
        asked.append(body)
        return inner(body, rules, key)

    evaluator._evaluate = spy  # type: ignore[method-assign]
    return asked


def _msgs(found: dict) -> dict:
    return {rule_id: [(v.msg, v.path) for v in vs] for rule_id, vs in found.items()}


@pytest.fixture
def policies(tmp_path):
    write(tmp_path / "p", "rep.rego", RULE)
    return load_policies([tmp_path / "p"])


def test_metadata_read_with_libyaml_gives_the_same_rules_as_safe_load(monkeypatch):
    fast = load_policies([data_dir("rego")], labels=["rego"])
    monkeypatch.setattr(rego_metadata, "_LOADER", yaml.SafeLoader)
    slow = load_policies([data_dir("rego")], labels=["rego"])
    assert rego_metadata.yaml.CSafeLoader is not yaml.SafeLoader  # libyaml present: the fast path ran
    assert len(fast.rules) > 80
    assert fast.rules == slow.rules


@pytest.mark.parametrize(("block", "message"), [
    # libyaml words these differently and puts the first one a line lower: the
    # messages stay those of the pure-Python loader.
    ("#   id: [unclosed\n", "p/x.rego:4: METADATA is not valid YAML: expected ',' or ']', but got '<stream end>'"),
    ("#   id: a: b\n", "p/x.rego:4: METADATA is not valid YAML: mapping values are not allowed here"),
])
def test_invalid_metadata_keeps_the_pure_python_message_and_line(block, message):
    module = rego_metadata.parse_module("p/x.rego", "# METADATA\n# title: t\n# custom:\n" + block
                                        + "package x\ndeny contains \"m\" if true\n")
    with pytest.raises(PolicyError) as caught:
        rego_metadata.rules_of(module)
    assert str(caught.value) == message


def test_identical_bodies_are_evaluated_once_and_get_equal_answers(policies):
    evaluator = RegoEvaluator(policies)
    asked = _counting(evaluator)
    first = evaluator.evaluate(_deployment({"replicas": 1}), policies.rules)
    again = evaluator.evaluate(_deployment({"replicas": 1}), policies.rules)  # another object, same value
    assert _msgs(first) == _msgs(again) == {"T-REP": [("replicas is 1 (number)", ("spec", "replicas"))]}
    assert len(asked) == 1
    again["T-REP"] = "changed by a caller"  # each call gets its own dict: the memo is not touched
    assert _msgs(evaluator.evaluate(_deployment({"replicas": 1}), policies.rules)) == _msgs(first)
    assert len(asked) == 1


@pytest.mark.parametrize("other", [True, 1.0, "1", None])
def test_values_equal_in_python_but_of_another_type_are_evaluated_apart(policies, other):
    # 1 == True == 1.0 in Python; Rego tells them apart, and so must the memo key.
    evaluator = RegoEvaluator(policies)
    asked = _counting(evaluator)
    assert _msgs(evaluator.evaluate(_deployment({"replicas": 1}), policies.rules)) == {
        "T-REP": [("replicas is 1 (number)", ("spec", "replicas"))]}
    found = _msgs(evaluator.evaluate(_deployment({"replicas": other}), policies.rules))
    assert len(asked) == 2
    assert found == _msgs(RegoEvaluator(policies).evaluate(_deployment({"replicas": other}), policies.rules))


def test_a_body_marshal_cannot_write_is_never_memoized(policies, monkeypatch):
    # A date (what a YAML timestamp would be) or a recursive alias: no digest, no memo.
    looped: list = []
    looped.append(looped)
    assert rego_engine._digest({"created": dt.date(2026, 1, 2)}) is None
    assert rego_engine._digest({"items": looped}) is None
    monkeypatch.setattr(rego_engine, "_digest", lambda body: None)
    evaluator = RegoEvaluator(policies)
    asked = _counting(evaluator)
    for _ in range(2):
        assert _msgs(evaluator.evaluate(_deployment({"replicas": 2}), policies.rules)) == {
            "T-REP": [("replicas is 2 (number)", ("spec", "replicas"))]}
    assert len(asked) == 2
    assert evaluator._memo == {}


def test_the_memo_is_bounded_and_forgets_the_oldest(policies, monkeypatch):
    monkeypatch.setattr(rego_engine, "MEMO_LIMIT", 2)
    evaluator = RegoEvaluator(policies)
    asked = _counting(evaluator)
    for replicas in (1, 2, 4, 1):
        evaluator.evaluate(_deployment({"replicas": replicas}), policies.rules)
    assert len(evaluator._memo) == 2
    assert [b["spec"]["replicas"] for b in asked] == [1, 2, 4, 1]  # 1 was forgotten when 4 came


def test_memo_off_and_on_give_byte_identical_reports_with_lines_per_file(tmp_path, monkeypatch):
    deployment = """
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
                  securityContext: {privileged: true}
        """
    write(tmp_path, "a/deploy.yaml", deployment)
    # The same body further down another file: same findings, its own lines.
    write(tmp_path, "b/deploy.yaml", "# a comment\n\n" + textwrap.dedent(deployment).lstrip("\n"))
    write(tmp_path, "c/deploy.yaml", deployment.replace("replicas: 1", "replicas: 2"))

    def report(limit: int) -> tuple:
        monkeypatch.setattr(rego_engine, "MEMO_LIMIT", limit)
        result = run(tmp_path, today=dt.date(2026, 11, 25))
        stream = io.StringIO()
        render_json(result, stream)
        return stream.getvalue(), result

    with_memo, scanned = report(rego_engine.MEMO_LIMIT)
    without, _ = report(0)
    assert with_memo == without
    privileged = [f for f in fails(scanned) if "privileged" in f[3].lower()]
    assert [(f[1], f[2]) for f in privileged] == [
        ("Deployment/shop/web", "a/deploy.yaml:15"), ("Deployment/shop/web", "b/deploy.yaml:17"),
        ("Deployment/shop/web", "c/deploy.yaml:15")]


def test_copies_of_a_file_are_located_once_for_cross_resource_findings(tmp_path, monkeypatch):
    import compliance.evaluate as evaluate_module
    import compliance.scan as scan_module

    write(tmp_path, "copy0/app.yaml", INVENTORY_DEPLOYMENT)
    write(tmp_path, "copy1/app.yaml", INVENTORY_DEPLOYMENT)  # the same text: its spans are reused
    write(tmp_path, "copy2/app.yaml", "# moved down\n" + textwrap.dedent(INVENTORY_DEPLOYMENT).lstrip("\n"))
    located = count_file_relocations(monkeypatch)
    # Without the outlines workers send along, cross-resource findings are located by reading files again.
    monkeypatch.setattr(evaluate_module.Checker, "_outline", lambda self, loaded: None)
    cross = {r.id for r in scan_module._load_rules(scan_module.ScanOptions(paths=[]))[1] if r.needs_inventory}
    shared = run(tmp_path, today=dt.date(2026, 11, 25))
    found = [f for f in fails(shared) if f[0] in cross]
    shared_located = list(located)

    located.clear()
    monkeypatch.setattr(evaluate_module, "_by_text", lambda locate, text, spans: locate)
    alone = run(tmp_path, today=dt.date(2026, 11, 25))
    assert [f for f in fails(alone) if f[0] in cross] == found
    assert [(r.rule.id, r.resource.source.file, r.line, r.end_line, r.path) for r in shared.results] == [
        (r.rule.id, r.resource.source.file, r.line, r.end_line, r.path) for r in alone.results]
    # K8S-050 (no default-deny NetworkPolicy in the namespace) points at metadata.namespace.
    # K8S-050 names the namespace once; K8S-041 and K8S-028 point into each copy's own lines.
    assert [(f[0], f[1], f[2]) for f in found] == [
        ("K8S-050", "ConfigMap/shop/settings", "copy0/app.yaml:3"),
        ("K8S-041", "Deployment/shop/web", "copy0/app.yaml:14"),
        ("K8S-028", "Deployment/shop/web", "copy0/app.yaml:15"),
        ("K8S-041", "Deployment/shop/web", "copy1/app.yaml:14"),
        ("K8S-028", "Deployment/shop/web", "copy1/app.yaml:15"),
        ("K8S-041", "Deployment/shop/web", "copy2/app.yaml:15"),
        ("K8S-028", "Deployment/shop/web", "copy2/app.yaml:16"),
    ]
    # copy1 is the same text as copy0: none of its cross-resource findings is located again.
    assert "copy1/app.yaml" not in shared_located
    assert "copy1/app.yaml" in located and "copy2/app.yaml" in shared_located


def test_results_come_in_result_sort_key_order(tmp_path):
    import compliance.scan as scan_module

    write(tmp_path, "copy0/app.yaml", INVENTORY_DEPLOYMENT)
    write(tmp_path, "copy1/app.yaml", "# moved down\n" + textwrap.dedent(INVENTORY_DEPLOYMENT).lstrip("\n"))
    report = run(tmp_path, today=dt.date(2026, 11, 25))
    keys = [r.sort_key() for r in report.results]
    assert len(keys) > 20 and keys == sorted(keys)
    order = scan_module._result_order()
    assert [order(r) for r in report.results] == keys
    tuple_and_list = Result(report.rules[0], report.resources[0], Status.failed, "m", ["spec", 0])  # type: ignore[arg-type]
    assert order(tuple_and_list) == tuple_and_list.sort_key()

