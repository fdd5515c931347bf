"""Cross-resource findings are located from the outline a pool worker sends with each
resource (issue #10): the same lines the file would give if composed again, and no file
is read again to get them."""

from __future__ import annotations

import datetime as dt
import textwrap

import yaml
from helpers import INVENTORY_DEPLOYMENT, count_file_relocations, fails, run, write

from compliance.locate import Locator, outline_span, unpack_outline

TEXT = textwrap.dedent("""\
    # a comment first
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      labels: {app: web}
    spec:
      replicas: 2
      replicas: 3
      "80": port-as-key
      template:
        spec:
          containers:
            - name: app
              image: nginx
              ports:
                - containerPort: 80
            - name: side
              image: busybox
      empty: []
    ---
    kind: ConfigMap
    data:
      big: |
        line one
        line two
    """)

PATHS = [(), ("spec",), ("spec", "replicas"), ("spec", 80), ("spec", "80"), ("spec", "template", "spec"),
         ("spec", "template", "spec", "containers", 0, "ports", 0, "containerPort"),
         ("spec", "template", "spec", "containers", 1), ("spec", "template", "spec", "containers", -1, "image"),
         ("spec", "template", "spec", "containers", 2, "image"), ("spec", "template", "spec", "containers", "0"),
         ("spec", "empty", 0), ("spec", "missing", "deeper"), ("metadata", "labels", "app"), ("data", "big"),
         ("spec", "template", "spec", "containers", 0, "readinessProbe")]


def _composed(text: str) -> list:
    return list(yaml.compose_all(text, Loader=yaml.CSafeLoader))


def test_outline_gives_what_span_gives_for_every_path():
    nodes = _composed(TEXT)
    locator = Locator(TEXT, nodes=nodes)
    deep = ("spec", "template", "spec", "containers", 0, "ports", 0, "containerPort")
    for document in (0, 1):
        outline = unpack_outline(locator.outline(document))
        for path in PATHS:
            got = outline_span(outline, path)
            if document == 0 and path == deep:
                assert got is None  # below OUTLINE_DEPTH: the caller composes the document
            else:
                assert got == locator.span(document, path), (document, path)
    # The later of two repeated keys wins, as in YAML: replicas on line 9.
    assert outline_span(unpack_outline(locator.outline(0)), ("spec", "replicas")) == (9, 9)


def test_a_deeper_outline_answers_deeper_paths(monkeypatch):
    import compliance.locate as locate_module

    monkeypatch.setattr(locate_module, "OUTLINE_DEPTH", 99)
    locator = Locator(TEXT, nodes=_composed(TEXT))
    outline = unpack_outline(locator.outline(0))
    for path in PATHS:
        assert outline_span(outline, path) == locator.span(0, path), path


def test_no_outline_without_composed_nodes_or_beyond_the_limit(monkeypatch):
    import compliance.locate as locate_module

    assert Locator(TEXT).outline(0) is None  # nothing composed here: located the long way
    assert Locator(TEXT, nodes=_composed(TEXT)).outline(5) is None  # no such document
    monkeypatch.setattr(locate_module, "OUTLINE_LIMIT", 10)
    assert Locator(TEXT, nodes=_composed(TEXT)).outline(0) is None  # too many nodes


def test_cross_resource_findings_read_no_file_again_and_keep_their_lines(tmp_path, monkeypatch):
    import compliance.evaluate as evaluate_module

    write(tmp_path, "a/app.yaml", INVENTORY_DEPLOYMENT)
    write(tmp_path, "b/app.yaml", "# moved down\n\n" + textwrap.dedent(INVENTORY_DEPLOYMENT).lstrip("\n"))
    reread = count_file_relocations(monkeypatch)
    today = dt.date(2026, 11, 26)
    outlined = run(tmp_path, today=today)
    assert reread == []
    expected = [
        ("K8S-050", "ConfigMap/shop/settings", "a/app.yaml:3"),
        ("K8S-041", "Deployment/shop/web", "a/app.yaml:14"),
        ("K8S-028", "Deployment/shop/web", "a/app.yaml:15"),
        ("K8S-041", "Deployment/shop/web", "b/app.yaml:16"),
        ("K8S-028", "Deployment/shop/web", "b/app.yaml:17"),
    ]
    assert [f[:3] for f in fails(outlined) if f[0] in {"K8S-050", "K8S-041", "K8S-028"}] == expected

    monkeypatch.setattr(evaluate_module.Checker, "_outline", lambda self, loaded: None)
    composed = run(tmp_path, today=today)
    assert reread  # without outlines the files are read again, with the same lines and ends
    assert [(r.rule.id, r.resource.key, r.line, r.end_line, r.path, r.message) for r in outlined.results] == [
        (r.rule.id, r.resource.key, r.line, r.end_line, r.path, r.message) for r in composed.results]
    assert all(r.outline is None for r in outlined.resources)  # dropped once read


def test_inline_waivers_come_from_the_annotations_the_loader_kept(tmp_path, monkeypatch):
    from compliance.loaders.kubernetes import load_text
    from compliance.model import Resource

    text = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\n  namespace: pay\n  annotations:\n"
            "    compliance.dev/waive: \"K8S-007 until=2026-12-31 reason='needs /tmp'\"\n"
            "    kubectl.kubernetes.io/last-applied-configuration: '{\"big\": \"json\"}'\n"
            "spec:\n  containers:\n    - {name: app, image: nginx}\n")
    [pod] = load_text(text, "app.yaml").resources
    # Only our own annotations are kept beside the body.
    assert pod.own_annotations == {"compliance.dev/waive": "K8S-007 until=2026-12-31 reason='needs /tmp'"}

    write(tmp_path, "k8s/app.yaml", text)
    decoded: list[str] = []
    body = Resource.body.fget

    def counting(resource):
        if resource._body is None and resource._packed is not None:
            decoded.append(resource.id)
        return body(resource)

    import compliance.scan as scan_module

    inline = scan_module.waivers.inline

    def spy(resource, **kwargs):
        monkeypatch.setattr(Resource, "body", property(counting, Resource.body.fset))
        try:
            return inline(resource, **kwargs)
        finally:
            monkeypatch.setattr(Resource, "body", property(body, Resource.body.fset))

    monkeypatch.setattr(scan_module.waivers, "inline", spy)
    report = run(tmp_path, str(tmp_path / "k8s"), today=dt.date(2026, 11, 26))
    assert {r.rule.id: r.status.value for r in report.results if r.rule.id == "K8S-007"} == {"K8S-007": "waived"}
    assert decoded == []  # the waivers stage decoded no body
