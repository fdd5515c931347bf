"""Rego engines and generated rules are prepared up front only for the resource families a
scan's targets can hold (issue #10); a resource of another family is still checked the same."""

from __future__ import annotations

from pathlib import Path

from compliance.discover import Target
from compliance.engines.rego import RegoEvaluator
from compliance.evaluate import applicable, families_of
from compliance.loaders.kubernetes import load_text
from compliance.scan import ScanOptions, load_rules


def test_families_of_target_kinds():
    def t(kind: str, path: str | None = "x") -> Target:
        return Target(Path(path) if path else None, "x", kind)

    assert families_of([t("kubernetes"), t("helm-chart"), t("kustomize")]) == {"kubernetes"}
    assert families_of([t("terraform-plan"), t("terraform-hcl")]) == {"terraform"}
    assert families_of([t("json")]) == {"kubernetes", "terraform"}  # a plan or a manifest
    assert families_of([t("kubernetes"), t("kubernetes", None)]) is None  # standard input: any
    assert families_of([]) == set()


POD = """\
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  hostNetwork: true
  containers:
    - {name: app, image: "nginx:latest", securityContext: {privileged: true}}
"""


def test_a_family_left_out_is_checked_the_same_in_the_full_engine():
    policies, _ = load_rules(ScanOptions(paths=[]))
    [pod] = load_text(POD, "pod.yaml").resources
    rules = applicable([r for r in policies.rules if not r.needs_inventory], pod, {})
    everything = RegoEvaluator(policies).evaluate(pod, rules)
    terraform_only = RegoEvaluator(policies, families={"terraform"})
    assert "kubernetes" not in terraform_only._engines  # not prepared for this scan
    assert terraform_only.evaluate(pod, rules) == everything
    assert sorted(rule for rule, found in everything.items() if found) == [
        "K8S-001", "K8S-002", "K8S-005", "K8S-006", "K8S-007", "K8S-008", "K8S-009", "K8S-010", "K8S-011",
        "K8S-012", "K8S-020", "K8S-023", "K8S-024", "K8S-025", "K8S-027", "K8S-029"]
