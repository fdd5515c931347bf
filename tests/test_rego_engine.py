"""The Rego adapter: user policies, Conftest compatibility, errors, params, inventory."""

from __future__ import annotations

import pytest
from helpers import fails, run, write

from compliance.errors import PolicyError
from compliance.model import Severity, Status

POD = """
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {team: payments}}
spec:
  containers:
    - name: app
      image: nginx:1.27
"""


def _policy(tmp_path, name, text):
    return write(tmp_path / "policies", name, text).parent


def test_conftest_v0_policy_runs_unchanged(tmp_path):
    write(tmp_path, "m/pod.yaml", POD)
    policies = _policy(tmp_path, "main.rego", """
        package main

        deny[msg] {
          input.kind == "Pod"
          not input.metadata.labels.owner
          msg := sprintf("%s has no owner label", [input.metadata.name])
        }

        warn[msg] {
          input.kind == "Pod"
          msg := "pods should be managed by a controller"
        }
        """)
    report = run(tmp_path, str(tmp_path / "m"), policy_dirs=[policies], builtin=False)
    assert fails(report) == [
        ("main.deny", "Pod/shop/web", "m/pod.yaml:1", "web has no owner label"),
        ("main.warn", "Pod/shop/web", "m/pod.yaml:1", "pods should be managed by a controller"),
    ]
    severities = {r.id: r.severity for r in report.rules}
    assert severities == {"main.deny": Severity.high, "main.warn": Severity.info}


def test_metadata_rule_with_path_and_params(tmp_path):
    write(tmp_path, "m/pod.yaml", POD)
    policies = _policy(tmp_path, "team/team.rego", """
        # METADATA
        # title: Team label not allowed
        # description: Only known teams may own workloads.
        # custom:
        #   id: ORG-001
        #   severity: critical
        #   remediation: Set metadata.labels.team to a known team.
        #   applies_to: {family: kubernetes, types: [Pod]}
        #   params: {teams: [platform]}
        package org.team

        import rego.v1

        deny contains {"msg": msg, "path": ["metadata", "labels", "team"]} if {
          team := input.metadata.labels.team
          not team in data.compliance.params.teams
          msg := sprintf("team %q is not allowed", [team])
        }
        """)
    report = run(tmp_path, str(tmp_path / "m"), policy_dirs=[policies], builtin=False)
    assert fails(report) == [("ORG-001", "Pod/shop/web", "m/pod.yaml:3", 'team "payments" is not allowed')]
    allowed = run(tmp_path, str(tmp_path / "m"), policy_dirs=[policies], builtin=False,
                  params={"ORG-001": {"teams": ["payments"]}})
    assert fails(allowed) == []
    assert [r.status for r in allowed.results] == [Status.passed]


def test_rule_that_errors_becomes_an_error_result_and_others_still_report(tmp_path):
    write(tmp_path, "m/pod.yaml", POD)
    policies = _policy(tmp_path, "p.rego", """
        # METADATA
        # title: Broken
        # custom: {id: ORG-002, severity: low, applies_to: {family: kubernetes}}
        package org.broken

        import rego.v1

        deny contains msg if {
          x := to_number(input.metadata.name)
          msg := sprintf("%v", [x])
        }
        """)
    _policy(tmp_path, "q.rego", """
        # METADATA
        # title: Pod seen
        # custom: {id: ORG-003, severity: low, applies_to: {family: kubernetes}}
        package org.seen

        import rego.v1

        deny contains "pod seen" if input.kind == "Pod"
        """)
    report = run(tmp_path, str(tmp_path / "m"), policy_dirs=[policies], builtin=False)
    by_rule = {r.rule.id: r for r in report.results}
    assert by_rule["ORG-002"].status is Status.error
    assert by_rule["ORG-002"].message.startswith("rule ORG-002 failed:")
    assert by_rule["ORG-003"].status is Status.failed
    assert by_rule["ORG-003"].message == "pod seen"


def test_inventory_is_available_to_rego_rules(tmp_path):
    write(tmp_path, "m/all.yaml", POD + """---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {team: payments}}
""")
    policies = _policy(tmp_path, "svc.rego", """
        # METADATA
        # title: Pod behind a Service
        # custom: {id: ORG-004, severity: info, applies_to: {family: kubernetes, types: [Pod]}}
        package org.svc

        import rego.v1

        deny contains msg if {
          some svc in data.compliance.inventory
          svc.kind == "Service"
          svc.spec.selector.team == input.metadata.labels.team
          msg := sprintf("selected by service %s", [svc.metadata.name])
        }
        """)
    report = run(tmp_path, str(tmp_path / "m"), policy_dirs=[policies], builtin=False)
    assert fails(report) == [("ORG-004", "Pod/shop/web", "m/all.yaml:1", "selected by service web")]


RULE_HEAD = "package x\n\nimport rego.v1\n\ndeny contains 1 if true\n"


@pytest.mark.parametrize(("text", "message"), [
    ("package x\n\ndeny contains msg if {\n", "cannot compile"),
    ("# METADATA\n# custom:\n#   id: X-1\n#   severity: urgent\n" + RULE_HEAD,
     "invalid severity 'urgent'"),
    ("# METADATA\n# custom:\n#   id: X-1\n#   colour: red\n" + RULE_HEAD,
     "unknown METADATA custom field(s): colour"),
    ("deny contains 1 if true\n", "no `package` declaration"),
])
def test_invalid_policies_are_policy_errors_naming_the_file(tmp_path, text, message):
    write(tmp_path, "m/pod.yaml", POD)
    policies = _policy(tmp_path, "bad.rego", text)
    with pytest.raises(PolicyError) as info:
        run(tmp_path, str(tmp_path / "m"), policy_dirs=[policies], builtin=False)
    assert "bad.rego" in str(info.value)
    assert message in str(info.value)


def test_duplicate_rule_ids_are_refused(tmp_path):
    meta = "# METADATA\n# custom: {{id: DUP-1}}\npackage {pkg}\n\nimport rego.v1\n\ndeny contains 1 if true\n"
    policies = _policy(tmp_path, "a.rego", meta.format(pkg="a"))
    _policy(tmp_path, "b.rego", meta.format(pkg="b"))
    write(tmp_path, "m/pod.yaml", POD)
    with pytest.raises(PolicyError, match="rule id DUP-1 is defined twice"):
        run(tmp_path, str(tmp_path / "m"), policy_dirs=[policies], builtin=False)
