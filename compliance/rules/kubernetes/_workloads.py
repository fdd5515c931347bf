"""Kubernetes helpers shared by the Python rules: pod templates and label selectors."""

from __future__ import annotations

from typing import Any

from ...model import Resource

WORKLOAD_KINDS = ("Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
                  "ReplicationController", "Job", "CronJob")


def pod_labels(resource: Resource) -> dict[str, str]:
    """The labels the workload's pods carry."""
    body = resource.body
    if resource.type == "Pod":
        meta = body.get("metadata")
    else:
        spec = _dict(body.get("spec"))
        if resource.type == "CronJob":
            spec = _dict(_dict(spec.get("jobTemplate")).get("spec"))
        meta = _dict(spec.get("template")).get("metadata")
    labels = _dict(meta).get("labels")
    return {str(k): str(v) for k, v in _dict(labels).items()}


def selector_matches(selector: Any, labels: dict[str, str], *, empty_matches_all: bool) -> bool:
    """A metav1.LabelSelector (matchLabels + matchExpressions) against labels."""
    if not isinstance(selector, dict):
        return False
    match_labels = _dict(selector.get("matchLabels"))
    expressions = selector.get("matchExpressions") or []
    if not match_labels and not expressions:
        return empty_matches_all
    for key, value in match_labels.items():
        if labels.get(str(key)) != str(value):
            return False
    for expr in expressions if isinstance(expressions, list) else []:
        if not isinstance(expr, dict):
            return False
        key, op = str(expr.get("key")), expr.get("operator")
        values = [str(v) for v in expr.get("values") or []]
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
        if op not in ("In", "NotIn", "Exists", "DoesNotExist"):
            return False
    return True


def pod_spec_path(resource: Resource) -> tuple[str, ...]:
    if resource.type == "Pod":
        return ("spec",)
    if resource.type == "CronJob":
        return ("spec", "jobTemplate", "spec", "template", "spec")
    return ("spec", "template", "spec")


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}
