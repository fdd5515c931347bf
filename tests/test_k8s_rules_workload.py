"""K8S-013..035 through the whole pipeline: the inventory rules (K8S-026 readiness probe
behind a Service, K8S-028 ServiceAccount token automount) and the Rego rules whose
behaviour depends on parameters or on never printing a value."""

from __future__ import annotations

import io
import json

from helpers import fails, run, write

from compliance.reporters.json_report import render as render_json

WEB = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web, tier: frontend}
    spec:
      initContainers:
        - name: migrate
          image: registry.example.com/web:1.0.0
      containers:
        - name: app
          image: registry.example.com/web:1.0.0
        - name: metrics
          image: registry.example.com/exporter:2.1.0
          readinessProbe: {httpGet: {path: /ready, port: 9100}}
"""


def _service(name: str, selector: str, *, namespace: str = "shop", extra: str = "") -> str:
    return f"""
apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: {namespace}}}
spec:
  selector: {selector}
  ports: [{{port: 80}}]
{extra}"""


def _statuses(report, rule_id: str) -> list[tuple[str, str]]:
    return sorted((r.resource.id, r.status.value) for r in report.results if r.rule.id == rule_id)


# --- K8S-026 readiness-probe-missing --------------------------------------------------


def test_readiness_probe_missing_when_a_service_selects_the_pod(tmp_path):
    write(tmp_path, "web.yaml", WEB)
    write(tmp_path, "svc.yaml", _service("web", "{app: web}"))
    assert fails(run(tmp_path), "K8S-026") == [
        ("K8S-026", "Deployment/shop/web", "web.yaml:17",
         'container "app" has no readiness probe, but Service "web" selects the pod'),
    ]


def test_readiness_probe_names_every_selecting_service(tmp_path):
    write(tmp_path, "web.yaml", WEB)
    write(tmp_path, "svc.yaml", _service("web", "{app: web}") + "---" + _service("web-admin", "{tier: frontend}"))
    write(tmp_path, "copy/svc.yaml", _service("web", "{app: web}"))  # the same Service declared twice
    assert fails(run(tmp_path), "K8S-026") == [
        ("K8S-026", "Deployment/shop/web", "web.yaml:17",
         'container "app" has no readiness probe, but Services "web", "web-admin" select the pod'),
    ]


def test_readiness_probe_not_required_without_a_selecting_service(tmp_path):
    write(tmp_path, "web.yaml", WEB)
    write(tmp_path, "svc.yaml", "---".join([
        _service("other-ns", "{app: web}", namespace="shop-staging"),
        _service("mismatch", "{app: web, tier: backend}"),
        _service("empty", "{}"),
        _service("external", "{app: web}", extra="  type: ExternalName\n  externalName: web.example.com\n"),
        _service("not-ready-too", "{app: web}", extra="  publishNotReadyAddresses: true\n"),
    ]))
    report = run(tmp_path)
    assert fails(report, "K8S-026") == []
    assert _statuses(report, "K8S-026") == [("Deployment/shop/web", "pass")]


def test_readiness_probe_rule_skips_jobs_and_passes_probed_pods(tmp_path):
    write(tmp_path, "job.yaml", """
        apiVersion: batch/v1
        kind: Job
        metadata: {name: report, namespace: shop}
        spec:
          template:
            metadata: {labels: {app: web}}
            spec:
              restartPolicy: Never
              containers: [{name: report, image: "registry.example.com/report:1.0.0"}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: probed, namespace: shop, labels: {app: web}}
        spec:
          containers:
            - name: app
              image: registry.example.com/web:1.0.0
              readinessProbe: {tcpSocket: {port: 8080}}
        """)
    write(tmp_path, "svc.yaml", _service("web", "{app: web}"))
    report = run(tmp_path)
    assert _statuses(report, "K8S-026") == [("Pod/shop/probed", "pass")]


# --- K8S-028 service-account-token-automounted ----------------------------------------

POD = """
apiVersion: v1
kind: Pod
metadata:
  name: api
  namespace: pay
spec:
{extra}  containers:
    - name: app
      image: registry.example.com/api:1.0.0
"""


def _sa(name: str, automount: str | None, *, namespace: str = "pay") -> str:
    line = f"automountServiceAccountToken: {automount}\n" if automount is not None else ""
    return f"""
apiVersion: v1
kind: ServiceAccount
metadata: {{name: {name}, namespace: {namespace}}}
{line}"""


def test_automount_fails_when_service_account_not_in_scan(tmp_path):
    write(tmp_path, "pod.yaml", POD.format(extra=""))
    assert fails(run(tmp_path), "K8S-028") == [
        ("K8S-028", "Pod/pay/api", "pod.yaml:6",
         'pod mounts the ServiceAccount token (automountServiceAccountToken not set on the pod and '
         'ServiceAccount "default" is not in the scan)'),
    ]


def test_automount_passes_when_the_pods_service_account_disables_it(tmp_path):
    write(tmp_path, "pod.yaml", POD.format(extra="  serviceAccountName: api\n"))
    write(tmp_path, "sa.yaml", _sa("api", "false") + "---" + _sa("default", "true"))
    report = run(tmp_path)
    assert fails(report, "K8S-028") == []
    assert _statuses(report, "K8S-028") == [("Pod/pay/api", "pass")]


def test_automount_service_account_that_does_not_disable_it(tmp_path):
    write(tmp_path, "pod.yaml", POD.format(extra="  serviceAccountName: api\n"))
    # Same name in another namespace does not count; the one in "pay" leaves it unset.
    write(tmp_path, "sa.yaml", _sa("api", None) + "---" + _sa("api", "false", namespace="other"))
    assert fails(run(tmp_path), "K8S-028") == [
        ("K8S-028", "Pod/pay/api", "pod.yaml:7",
         'pod mounts the ServiceAccount token (automountServiceAccountToken not set on the pod and '
         'ServiceAccount "api" does not disable it)'),
    ]


def test_automount_pod_setting_wins_over_service_account(tmp_path):
    write(tmp_path, "on.yaml", POD.format(extra="  serviceAccountName: api\n  automountServiceAccountToken: true\n"))
    write(tmp_path, "off.yaml", POD.replace("name: api\n", "name: worker\n", 1).format(
        extra="  serviceAccount: legacy\n  automountServiceAccountToken: false\n"))
    write(tmp_path, "sa.yaml", _sa("api", "false") + "---" + _sa("legacy", "true"))
    report = run(tmp_path)
    assert fails(report, "K8S-028") == [
        ("K8S-028", "Pod/pay/api", "on.yaml:8",
         "pod mounts the ServiceAccount token (automountServiceAccountToken: true)"),
    ]
    assert _statuses(report, "K8S-028") == [("Pod/pay/api", "fail"), ("Pod/pay/worker", "pass")]


def test_automount_deprecated_service_account_field_and_cronjob(tmp_path):
    write(tmp_path, "cron.yaml", """
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: nightly, namespace: pay}
        spec:
          schedule: "0 2 * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  serviceAccount: reporter
                  restartPolicy: Never
                  containers: [{name: job, image: "registry.example.com/report:1.0.0"}]
        """)
    assert fails(run(tmp_path), "K8S-028") == [
        ("K8S-028", "CronJob/pay/nightly", "cron.yaml:10",
         'pod mounts the ServiceAccount token (automountServiceAccountToken not set on the pod and '
         'ServiceAccount "reporter" is not in the scan)'),
    ]


# --- Rego rules through the pipeline ----------------------------------------------------

IMAGES = """
apiVersion: v1
kind: Pod
metadata: {name: mixed, namespace: pay}
spec:
  containers:
    - name: approved
      image: registry.example.com/pay/api:1.0.0
    - name: hub
      image: nginx:1.27
    - name: lookalike
      image: registry.example.com.evil.io/pay/api:1.0.0
"""


def test_registry_allow_list_from_params(tmp_path):
    write(tmp_path, "pod.yaml", IMAGES)
    report = run(tmp_path, params={"K8S-021": {"allowed_registries": ["registry.example.com"]}})
    assert fails(report, "K8S-021") == [
        ("K8S-021", "Pod/pay/mixed", "pod.yaml:9",
         'container "hub" pulls from registry "docker.io", which is not in allowed_registries (image: "nginx:1.27")'),
        ("K8S-021", "Pod/pay/mixed", "pod.yaml:11",
         'container "lookalike" pulls from registry "registry.example.com.evil.io", which is not in '
         'allowed_registries (image: "registry.example.com.evil.io/pay/api:1.0.0")'),
    ]


def test_registry_rule_passes_without_an_allow_list(tmp_path):
    write(tmp_path, "pod.yaml", IMAGES)
    report = run(tmp_path)
    assert fails(report, "K8S-021") == []
    assert _statuses(report, "K8S-021") == [("Pod/pay/mixed", "pass")]


def test_host_path_allowed_paths_from_params(tmp_path):
    write(tmp_path, "ds.yaml", """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: shipper, namespace: logging}
        spec:
          selector: {matchLabels: {app: shipper}}
          template:
            metadata: {labels: {app: shipper}}
            spec:
              containers: [{name: shipper, image: "registry.example.com/shipper:3.1.0"}]
              volumes:
                - name: logs
                  hostPath: {path: /var/log}
                - name: sock
                  hostPath: {path: /run/containerd/containerd.sock}
        """)
    report = run(tmp_path, params={"K8S-013": {"allowed_host_paths": ["/var/log"]}})
    assert fails(report, "K8S-013") == [
        ("K8S-013", "DaemonSet/logging/shipper", "ds.yaml:14",
         'volume "sock" mounts the host path "/run/containerd/containerd.sock" (hostPath.path)'),
    ]


SECRET_VALUE = "Zq7-not-a-real-secret-9xK"


def test_literal_secret_value_never_reaches_any_output(tmp_path):
    write(tmp_path, "pod.yaml", f"""
        apiVersion: v1
        kind: Pod
        metadata: {{name: api, namespace: pay}}
        spec:
          containers:
            - name: app
              image: registry.example.com/api:1.0.0
              env:
                - name: STRIPE_API_KEY
                  value: {SECRET_VALUE}
                - name: DB_PASSWORD
                  valueFrom: {{secretKeyRef: {{name: pay-db, key: password}}}}
        """)
    report = run(tmp_path)
    assert fails(report, "K8S-031") == [
        ("K8S-031", "Pod/pay/api", "pod.yaml:10", 'container "app" sets env STRIPE_API_KEY to a literal value'),
    ]
    # The Secret reference is K8S-030's finding, never a literal one.
    assert fails(report, "K8S-030") == [
        ("K8S-030", "Pod/pay/api", "pod.yaml:12",
         'container "app" reads Secret "pay-db" key "password" into env DB_PASSWORD'),
    ]
    stream = io.StringIO()
    render_json(report, stream)
    document = json.loads(stream.getvalue())
    assert [r["message"] for r in document["results"] if r["rule_id"] == "K8S-031"] == [
        'container "app" sets env STRIPE_API_KEY to a literal value']
    assert SECRET_VALUE not in stream.getvalue()
