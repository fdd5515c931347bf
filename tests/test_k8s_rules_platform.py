"""Network, availability, namespace, GitOps and DR rules (K8S-050..K8S-065) through the pipeline.

The Python rules are checked here with exact findings (rule, resource, file:line,
message); the Rego rules' fixtures are checked by test_rule_fixtures.py, and this
file adds the cases that need several files, environments or parameters.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import fails, run, write

from compliance.engines.rego import load_policies, new_engine, package_ref
from compliance.model import Status
from compliance.resources import data_dir

MY_RULES = [f"K8S-0{n}" for n in range(50, 66)]


def results_of(report, rule_id):
    """(status, resource id, file:line, message) of every result of one rule, failures first."""
    rows = [(r.status.value, r.resource.id, f"{r.resource.source.file}:{r.line}", r.message)
            for r in report.results if r.rule.id == rule_id]
    return sorted(rows, key=lambda row: (row[0] != "fail", row))


# --- K8S-050 namespace-default-deny-missing -------------------------------------------------

def test_namespace_default_deny_missing_reports_on_namespace_object(tmp_path):
    write(tmp_path, "ns.yaml", """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: payments
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: deny-ingress
          namespace: payments
        spec:
          podSelector: {}
        """)
    write(tmp_path, "app.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: cfg
          namespace: payments
        """)
    report = run(tmp_path)
    assert fails(report, "K8S-050") == [(
        "K8S-050", "Namespace/payments", "ns.yaml:4",
        'namespace "payments" has no default-deny NetworkPolicy for egress '
        "(no policy with an empty podSelector isolates all its pods)",
    )]


def test_namespace_default_deny_missing_first_resource_when_no_namespace_object(tmp_path):
    write(tmp_path, "a.yaml", """
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: api
          namespace: orders
        """)
    write(tmp_path, "b.yaml", """
        apiVersion: v1
        kind: Service
        metadata:
          name: api
          namespace: orders
        spec:
          ports: [{port: 80}]
        """)
    report = run(tmp_path)
    assert fails(report, "K8S-050") == [(
        "K8S-050", "ServiceAccount/orders/api", "a.yaml:5",
        'namespace "orders" has no default-deny NetworkPolicy for ingress or egress '
        "(no policy with an empty podSelector isolates all its pods)",
    )]
    assert [r[0] for r in results_of(report, "K8S-050")] == ["fail", "pass"]


def test_namespace_default_deny_allows_dns_exception_but_not_allow_all(tmp_path):
    write(tmp_path, "ok.yaml", """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: default-deny
          namespace: payments
        spec:
          podSelector: {}
          policyTypes: [Ingress, Egress]
          egress:
            - ports:
                - {protocol: UDP, port: 53}
        """)
    write(tmp_path, "open.yaml", """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: looks-like-deny
          namespace: ledger
        spec:
          podSelector: {}
          policyTypes: [Ingress, Egress]
          ingress:
            - {}
        """)
    report = run(tmp_path)
    assert fails(report, "K8S-050") == [(
        "K8S-050", "NetworkPolicy/ledger/looks-like-deny", "open.yaml:5",
        'namespace "ledger" has no default-deny NetworkPolicy for ingress '
        "(no policy with an empty podSelector isolates all its pods)",
    )]


def test_namespace_default_deny_judged_per_environment(tmp_path):
    deny = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: default-deny
          namespace: payments
        spec:
          podSelector: {}
          policyTypes: [Ingress, Egress]
        """
    app = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: cfg
          namespace: payments
        """
    write(tmp_path, "overlays/dev/deny.yaml", deny)
    write(tmp_path, "overlays/dev/app.yaml", app)
    write(tmp_path, "overlays/production/app.yaml", app)
    report = run(tmp_path)
    assert fails(report, "K8S-050") == [(
        "K8S-050", "ConfigMap/payments/cfg", "overlays/production/app.yaml:5",
        'namespace "payments" in production has no default-deny NetworkPolicy for ingress or egress '
        "(no policy with an empty podSelector isolates all its pods)",
    )]


def test_namespace_default_deny_skips_exempt_placeholder_and_unnamespaced(tmp_path):
    write(tmp_path, "x.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: a
          namespace: kube-system
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: b
          namespace: ${NAMESPACE}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: c
        """)
    report = run(tmp_path)
    assert fails(report, "K8S-050") == []
    assert len(results_of(report, "K8S-050")) == 3


# --- K8S-053 istio-mtls-not-strict ----------------------------------------------------------

_INJECTED = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: {name}
      namespace: {namespace}
    spec:
      replicas: 2
      selector: {{matchLabels: {{app: {name}}}}}
      template:
        metadata:
          labels:
            app: {name}
            sidecar.istio.io/inject: "{inject}"
        spec:
          containers: [{{name: app, image: "app:1"}}]
    """


def test_istio_workload_in_mesh_without_peer_authentication(tmp_path):
    write(tmp_path, "app.yaml", _INJECTED.format(name="pay", namespace="payments", inject="true"))
    write(tmp_path, "optout.yaml", _INJECTED.format(name="batch", namespace="payments", inject="false"))
    report = run(tmp_path)
    assert fails(report, "K8S-053") == [(
        "K8S-053", "Deployment/payments/pay", "app.yaml:13",
        'Deployment "pay" runs in the Istio mesh but no PeerAuthentication sets an mTLS mode for its pods '
        "(Istio defaults to PERMISSIVE)",
    )]


def test_istio_permissive_policy_reported_on_itself_not_on_workloads(tmp_path):
    write(tmp_path, "app.yaml", _INJECTED.format(name="pay", namespace="payments", inject="true"))
    write(tmp_path, "pa.yaml", """
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata:
          name: default
          namespace: payments
        spec:
          mtls:
            mode: PERMISSIVE
          portLevelMtls:
            "9090":
              mode: DISABLE
        """)
    report = run(tmp_path)
    assert fails(report, "K8S-053") == [
        ("K8S-053", "PeerAuthentication/payments/default", "pa.yaml:8",
         'PeerAuthentication "default" sets mTLS mode PERMISSIVE, so its workloads accept plaintext traffic'),
        ("K8S-053", "PeerAuthentication/payments/default", "pa.yaml:11",
         'PeerAuthentication "default" sets mTLS mode DISABLE for port 9090, so that port accepts plaintext traffic'),
    ]


def test_istio_namespace_injection_and_mesh_wide_strict_pass(tmp_path):
    write(tmp_path, "ns.yaml", """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: orders
          labels: {istio-injection: enabled}
        """)
    write(tmp_path, "mesh.yaml", """
        apiVersion: security.istio.io/v1beta1
        kind: PeerAuthentication
        metadata:
          name: default
          namespace: istio-system
        spec:
          mtls: {mode: STRICT}
        """)
    write(tmp_path, "app.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api, namespace: orders}
        spec:
          template:
            metadata: {labels: {app: api}}
            spec: {containers: [{name: app, image: "app:1"}]}
        """)
    report = run(tmp_path)
    assert fails(report, "K8S-053") == []
    assert results_of(report, "K8S-053") == [
        ("pass", "Deployment/orders/api", "app.yaml:1", ""),
        ("pass", "PeerAuthentication/istio-system/default", "mesh.yaml:1", ""),
    ]


def test_istio_mesh_wide_policy_without_mode_and_namespace_label_membership(tmp_path):
    write(tmp_path, "mesh.yaml", """
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata:
          name: default
          namespace: istio-system
        spec: {}
        ---
        apiVersion: v1
        kind: Namespace
        metadata:
          name: orders
          labels: {istio.io/rev: stable}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api, namespace: orders}
        spec:
          template:
            metadata: {labels: {app: api}}
            spec: {containers: [{name: app, image: "app:1"}]}
        """)
    report = run(tmp_path)
    assert fails(report, "K8S-053") == [
        ("K8S-053", "PeerAuthentication/istio-system/default", "mesh.yaml:6",
         'PeerAuthentication "default" is mesh-wide but leaves the mTLS mode unset (Istio defaults to PERMISSIVE)'),
        ("K8S-053", "Deployment/orders/api", "mesh.yaml:16",
         'Deployment "api" runs in the Istio mesh but no PeerAuthentication sets an mTLS mode for its pods '
         "(Istio defaults to PERMISSIVE)"),
    ]


# --- K8S-054 replicas-too-few ---------------------------------------------------------------

def _deployment(name: str, *, replicas: str = "", namespace: str = "payments") -> str:
    replicas_line = f"\n  replicas: {replicas}" if replicas else ""
    return f"""
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {namespace}
spec:{replicas_line}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec: {{containers: [{{name: app, image: "app:1"}}]}}
"""


def _hpa(target: str, minimum: int) -> str:
    return f"""
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {{name: {target}, namespace: payments}}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: {target}}}
  minReplicas: {minimum}
  maxReplicas: 10
"""


def test_replicas_too_few_single_replica_in_production_only(tmp_path):
    write(tmp_path, "production/pay.yaml", _deployment("pay", replicas="1"))
    write(tmp_path, "dev/pay.yaml", _deployment("pay", replicas="1"))
    write(tmp_path, "production/ledger.yaml", _deployment("ledger"))
    report = run(tmp_path)
    assert fails(report, "K8S-054") == [
        ("K8S-054", "Deployment/payments/ledger", "production/ledger.yaml:6",
         'Deployment "ledger" runs 1 replica (spec.replicas not set), fewer than the 2 required'),
        ("K8S-054", "Deployment/payments/pay", "production/pay.yaml:7",
         'Deployment "pay" runs 1 replica (spec.replicas: 1), fewer than the 2 required'),
    ]


def test_replicas_too_few_skips_owned_replica_sets_of_cluster_exports(tmp_path):
    write(tmp_path, "production/export.yaml", """
        apiVersion: apps/v1
        kind: ReplicaSet
        metadata:
          name: pay-5d8f
          namespace: payments
          ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: pay, uid: 1f0c}]
        spec:
          replicas: 0
          template: {metadata: {labels: {app: pay}}, spec: {containers: [{name: app, image: "app:1"}]}}
        """)
    report = run(tmp_path)
    assert results_of(report, "K8S-054") == [("pass", "ReplicaSet/payments/pay-5d8f", "production/export.yaml:1", "")]


def test_replicas_too_few_judges_patches_only_on_what_they_set(tmp_path):
    write(tmp_path, "overlays/production/patch-strategy.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: pay}
        spec:
          strategy: {rollingUpdate: {maxUnavailable: 0, maxSurge: 1}}
        """)
    write(tmp_path, "overlays/production/patch-replicas.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api}
        spec:
          replicas: 1
        """)
    report = run(tmp_path)
    assert fails(report, "K8S-054") == [(
        "K8S-054", "Deployment/api", "overlays/production/patch-replicas.yaml:5",
        'Deployment "api" runs 1 replica (spec.replicas: 1), fewer than the 2 required',
    )]
    assert fails(report, "K8S-057") == []


def test_replicas_too_few_uses_autoscaler_of_same_environment(tmp_path):
    write(tmp_path, "overlays/production/pay.yaml", _deployment("pay"))
    write(tmp_path, "overlays/production/hpa.yaml", _hpa("pay", 3))
    write(tmp_path, "overlays/dev/hpa.yaml", _hpa("pay", 1))
    write(tmp_path, "overlays/production/api.yaml", _deployment("api", replicas="4"))
    write(tmp_path, "overlays/production/api-hpa.yaml", _hpa("api", 1))
    report = run(tmp_path)
    assert fails(report, "K8S-054") == [(
        "K8S-054", "Deployment/payments/api", "overlays/production/api.yaml:7",
        'Deployment "api" can scale down to 1 replica (HorizontalPodAutoscaler "api" minReplicas: 1), '
        "fewer than the 2 required",
    )]


def test_replicas_too_few_param_and_keda_default(tmp_path):
    write(tmp_path, "pay.yaml", _deployment("pay", replicas="2"))
    write(tmp_path, "worker.yaml", _deployment("worker", replicas="5"))
    write(tmp_path, "scaled.yaml", """
        apiVersion: keda.sh/v1alpha1
        kind: ScaledObject
        metadata: {name: worker, namespace: payments}
        spec:
          scaleTargetRef: {name: worker}
        """)
    report = run(tmp_path, environment="production", params={"K8S-054": {"min_replicas": 3}})
    assert fails(report, "K8S-054") == [
        ("K8S-054", "Deployment/payments/pay", "pay.yaml:7",
         'Deployment "pay" runs 2 replicas (spec.replicas: 2), fewer than the 3 required'),
        ("K8S-054", "Deployment/payments/worker", "worker.yaml:7",
         'Deployment "worker" can scale down to 0 replicas (ScaledObject "worker" minReplicaCount: not set: 0), '
         "fewer than the 3 required"),
    ]


# --- K8S-055 pdb-disruption-all-or-none -----------------------------------------------------

def _pdb(name: str, field: str, value: str, app: str) -> str:
    return f"""
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {{name: {name}, namespace: payments}}
spec:
  {field}: {value}
  selector: {{matchLabels: {{app: {app}}}}}
"""


def test_pdb_disruption_static_values(tmp_path):
    write(tmp_path, "zero.yaml", _pdb("zero", "maxUnavailable", "0", "pay"))
    write(tmp_path, "all.yaml", _pdb("all", "maxUnavailable", '"100%"', "pay"))
    write(tmp_path, "none.yaml", _pdb("none", "minAvailable", "0", "pay"))
    report = run(tmp_path, environment="production")
    assert fails(report, "K8S-055") == [
        ("K8S-055", "PodDisruptionBudget/payments/all", "all.yaml:5",
         'PodDisruptionBudget "all" allows every selected pod to be disrupted at once (maxUnavailable: 100%)'),
        ("K8S-055", "PodDisruptionBudget/payments/none", "none.yaml:5",
         'PodDisruptionBudget "none" allows every selected pod to be disrupted at once (minAvailable: 0)'),
        ("K8S-055", "PodDisruptionBudget/payments/zero", "zero.yaml:5",
         'PodDisruptionBudget "zero" allows no voluntary disruption (maxUnavailable: 0), so node drains block'),
    ]


def test_pdb_disruption_against_selected_workload_replicas(tmp_path):
    write(tmp_path, "apps.yaml", _deployment("three", replicas="3") + "---" + _deployment("one", replicas="1")
          + "---" + _deployment("ten", replicas="10"))
    write(tmp_path, "min-three.yaml", _pdb("min-three", "minAvailable", "3", "three"))
    write(tmp_path, "max-three.yaml", _pdb("max-three", "maxUnavailable", "3", "three"))
    write(tmp_path, "majority-one.yaml", _pdb("majority-one", "minAvailable", '"51%"', "one"))
    write(tmp_path, "max-one.yaml", _pdb("max-one", "maxUnavailable", "1", "one"))
    write(tmp_path, "majority-ten.yaml", _pdb("majority-ten", "minAvailable", '"51%"', "ten"))
    report = run(tmp_path, environment="production")
    assert fails(report, "K8S-055") == [
        ("K8S-055", "PodDisruptionBudget/payments/majority-one", "majority-one.yaml:5",
         'PodDisruptionBudget "majority-one" allows no voluntary disruption of Deployment "one": '
         "minAvailable 51% of 1 rounds up to 1, and it runs 1 (spec.replicas: 1)"),
        ("K8S-055", "PodDisruptionBudget/payments/max-three", "max-three.yaml:5",
         'PodDisruptionBudget "max-three" allows all pods of Deployment "three" to be disrupted at once: '
         "maxUnavailable 3, and it runs 3 (spec.replicas: 3)"),
        ("K8S-055", "PodDisruptionBudget/payments/min-three", "min-three.yaml:5",
         'PodDisruptionBudget "min-three" allows no voluntary disruption of Deployment "three": '
         "minAvailable 3, and it runs 3 (spec.replicas: 3)"),
    ]
    assert ("pass", "PodDisruptionBudget/payments/majority-ten", "majority-ten.yaml:1", "") in results_of(
        report, "K8S-055")


def test_pdb_without_namespace_relates_only_to_workloads_in_its_directory(tmp_path):
    write(tmp_path, "redis-sample/pdb.yaml", _pdb("redis", "minAvailable", "2", "redis").replace(
        ", namespace: payments", ""))
    unnamespaced = "  namespace: payments\n"
    write(tmp_path, "redis-sample/redis.yaml", _deployment("redis", replicas="3").replace(unnamespaced, ""))
    write(tmp_path, "other-sample/redis.yaml", _deployment("redis", replicas="1").replace(unnamespaced, ""))
    report = run(tmp_path, environment="production")
    assert results_of(report, "K8S-055") == [("pass", "PodDisruptionBudget/redis", "redis-sample/pdb.yaml:1", "")]


# --- K8S-063 velero-backup-missing ----------------------------------------------------------

_PVC = """
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: ledger-data
  namespace: payments
  labels: {app: ledger}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 10Gi}}
"""

_POD_MOUNTING = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: ledger, namespace: payments}
spec:
  selector: {matchLabels: {app: ledger}}
  template:
    metadata: {labels: {app: ledger, backup: "yes"}}
    spec:
      containers: [{name: app, image: "app:1"}]
      volumes: [{name: data, persistentVolumeClaim: {claimName: ledger-data}}]
"""


def _schedule(template: str, *, name: str = "daily", paused: bool = False) -> str:
    return f"""
apiVersion: velero.io/v1
kind: Schedule
metadata: {{name: {name}, namespace: velero}}
spec:
  schedule: "0 * * * *"
  paused: {str(paused).lower()}
  template: {template}
"""


def test_velero_backup_missing_without_schedule(tmp_path):
    write(tmp_path, "pvc.yaml", _PVC)
    write(tmp_path, "paused.yaml", _schedule("{includedNamespaces: [payments]}", paused=True))
    report = run(tmp_path)
    assert fails(report, "K8S-063") == [(
        "K8S-063", "PersistentVolumeClaim/payments/ledger-data", "pvc.yaml:4",
        'PersistentVolumeClaim "ledger-data" in namespace "payments" is backed up by no Velero Schedule',
    )]


def test_velero_backup_covered_through_pod_selector_unless_pods_excluded(tmp_path):
    write(tmp_path, "pvc.yaml", _PVC + "---" + _POD_MOUNTING)
    write(tmp_path, "s.yaml", _schedule(
        "{includedNamespaces: [payments], labelSelector: {matchLabels: {backup: 'yes'}}}"))
    assert fails(run(tmp_path), "K8S-063") == []
    write(tmp_path, "s.yaml", _schedule(
        "{includedNamespaces: [payments], excludedResources: [pods], labelSelector: {matchLabels: {backup: 'yes'}}}"))
    assert fails(run(tmp_path), "K8S-063") == [(
        "K8S-063", "PersistentVolumeClaim/payments/ledger-data", "pvc.yaml:4",
        'PersistentVolumeClaim "ledger-data" in namespace "payments" is backed up by no Velero Schedule '
        '(Schedule "daily" includes the namespace but its label selector matches neither the claim nor a pod '
        "that mounts it)",
    )]


def test_velero_statefulset_claims_and_volume_data(tmp_path):
    write(tmp_path, "sts.yaml", """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db, namespace: payments}
        spec:
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec: {containers: [{name: db, image: "postgres:16"}]}
          volumeClaimTemplates:
            - metadata: {name: data}
              spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}
        """)
    write(tmp_path, "s.yaml", _schedule("{includedNamespaces: ['pay*'], snapshotVolumes: false}"))
    assert fails(run(tmp_path), "K8S-063") == [(
        "K8S-063", "StatefulSet/payments/db", "sts.yaml:10",
        'volumeClaimTemplate "data" of StatefulSet "db" in namespace "payments" is backed up by no Velero '
        'Schedule (Schedule "daily" includes the namespace but it takes no volume snapshots and no file-system '
        "backup (snapshotVolumes: false))",
    )]
    write(tmp_path, "s.yaml", _schedule(
        "{includedNamespaces: ['pay*'], snapshotVolumes: false, defaultVolumesToFsBackup: true}"))
    assert fails(run(tmp_path), "K8S-063") == []
    write(tmp_path, "s.yaml", _schedule("{includedResources: [deployments, statefulsets]}"))
    assert fails(run(tmp_path), "K8S-063") == [(
        "K8S-063", "StatefulSet/payments/db", "sts.yaml:10",
        'volumeClaimTemplate "data" of StatefulSet "db" in namespace "payments" is backed up by no Velero '
        'Schedule (Schedule "daily" includes the namespace but its resource filters leave out '
        "persistentvolumeclaims)",
    )]


def test_velero_claim_without_namespace_needs_all_namespace_schedule(tmp_path):
    write(tmp_path, "pvc.yaml", _PVC.replace("  namespace: payments\n", ""))
    write(tmp_path, "s.yaml", _schedule("{includedNamespaces: [default]}"))
    assert fails(run(tmp_path), "K8S-063") == [(
        "K8S-063", "PersistentVolumeClaim/ledger-data", "pvc.yaml:4",
        'PersistentVolumeClaim "ledger-data" is backed up by no Velero Schedule',
    )]
    write(tmp_path, "s.yaml", _schedule("{includedNamespaces: ['*'], excludedNamespaces: [kube-system]}"))
    assert fails(run(tmp_path), "K8S-063") == []


# --- K8S-065 chaos-experiment-unwindowed ----------------------------------------------------

def test_chaos_experiments_on_production(tmp_path):
    write(tmp_path, "chaos.yaml", """
        apiVersion: chaos-mesh.org/v1alpha1
        kind: PodChaos
        metadata: {name: pod-failure, namespace: chaos-testing}
        spec:
          action: pod-failure
          mode: one
          duration: 5m
          selector:
            namespaces: [production]
            labelSelectors: {app: payment-service}
          scheduler:
            cron: "@every 24h"
        ---
        apiVersion: chaos-mesh.org/v1alpha1
        kind: NetworkChaos
        metadata: {name: network-delay, namespace: chaos-testing}
        spec:
          action: delay
          mode: all
          selector:
            namespaces: [production]
          delay: {latency: 100ms}
          duration: 10m
          scheduler:
            cron: "0 2 * * 1"
        ---
        apiVersion: chaos-mesh.org/v1alpha1
        kind: StressChaos
        metadata: {name: stress-once, namespace: chaos-testing}
        spec:
          mode: one
          selector:
            namespaces: [payments, sandbox]
          stressors: {cpu: {workers: 1}}
        ---
        apiVersion: chaos-mesh.org/v1alpha1
        kind: Schedule
        metadata: {name: hourly-kill, namespace: chaos-testing}
        spec:
          schedule: "*/30 * * * *"
          type: PodChaos
          podChaos:
            action: pod-kill
            mode: one
            selector: {namespaces: [payments]}
        ---
        apiVersion: chaos-mesh.org/v1alpha1
        kind: Schedule
        metadata: {name: tuesday-kill, namespace: chaos-testing}
        spec:
          schedule: "CRON_TZ=UTC 0 10 * * 2"
          type: PodChaos
          podChaos:
            action: pod-kill
            mode: one
            selector: {namespaces: [payments]}
        """)
    write(tmp_path, "overlays/production/app.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: cfg, namespace: payments}
        """)
    write(tmp_path, "overlays/dev/chaos.yaml", """
        apiVersion: chaos-mesh.org/v1alpha1
        kind: PodChaos
        metadata: {name: dev-kill, namespace: payments}
        spec:
          action: pod-kill
          mode: one
          selector: {}
        """)
    report = run(tmp_path)
    assert fails(report, "K8S-065") == [
        ("K8S-065", "PodChaos/chaos-testing/pod-failure", "chaos.yaml:12",
         "PodChaos \"pod-failure\" targets production namespace \"production\" on schedule '@every 24h', "
         "which fires at any hour"),
        ("K8S-065", "StressChaos/chaos-testing/stress-once", "chaos.yaml:30",
         'StressChaos "stress-once" targets production namespace "payments" with no schedule window '
         "(it runs whenever it is applied)"),
        ("K8S-065", "Schedule/chaos-testing/hourly-kill", "chaos.yaml:40",
         "Schedule \"hourly-kill\" runs chaos in production namespace \"payments\" on schedule '*/30 * * * *', "
         "which fires at any hour"),
    ]


# --- Rego rules: environment scoping and parameters through the pipeline -------------------

def test_production_only_rego_rules_skip_other_environments(tmp_path):
    service = """
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec: {type: NodePort, ports: [{port: 80}]}
        """
    write(tmp_path, "staging/svc.yaml", service)
    write(tmp_path, "prod/svc.yaml", service)
    report = run(tmp_path)
    assert fails(report, "K8S-051") == [(
        "K8S-051", "Service/shop/web", "prod/svc.yaml:4",
        'Service "web" is type NodePort, so its port is open on every node',
    )]
    assert [row[2] for row in results_of(report, "K8S-051")] == ["prod/svc.yaml:4"]


def test_rego_rule_param_from_scan_options(tmp_path):
    write(tmp_path, "s.yaml", _schedule("{includedNamespaces: [payments], ttl: 720h0m0s}"))
    report = run(tmp_path, params={"K8S-064": {"min_ttl": "2160h"}})
    assert fails(report, "K8S-064") == [(
        "K8S-064", "Schedule/velero/daily", "s.yaml:7",
        'Schedule "daily" keeps backups for 720h0m0s (spec.template.ttl), less than the required 2160h',
    )]


@pytest.mark.parametrize("slug", [
    "service-externally-exposed", "pods-not-spread", "argocd-revision-unpinned", "argocd-auto-sync-ungated",
    "velero-backup-ttl-short",
])
def test_rego_fallback_defaults_equal_metadata_params(slug):
    """Without data.compliance.params (Conftest, Gatekeeper) a rule decides as with its METADATA defaults."""
    folder = data_dir("rego") / "kubernetes" / slug
    policies = load_policies([data_dir("rego")], labels=["rego"])
    rule = next(r for r in policies.rules if Path(r.source).parent.name == slug)
    assert rule.params
    engine = new_engine(policies.modules)
    import yaml

    for fixture in sorted((folder / "fixtures").glob("*.yaml")):
        for doc in yaml.safe_load_all(fixture.read_text()):
            engine.set_input(doc)
            query = f"x := {package_ref(rule.package)}.deny"
            plain = json.loads(engine.eval_query_as_json(query))["result"][0]["bindings"]["x"]
            with_params = json.loads(engine.eval_query_as_json(
                f"{query} with data.compliance.params as {json.dumps(rule.params)}"))["result"][0]["bindings"]["x"]
            assert plain == with_params, fixture.name


def test_rules_list_shows_environment_scoping(tmp_path):
    report = run(tmp_path)
    by_id = {r.id: r for r in report.rules}
    assert {i for i in MY_RULES if by_id[i].environments == ("production",)} == {
        "K8S-051", "K8S-054", "K8S-055", "K8S-056", "K8S-057", "K8S-059", "K8S-060", "K8S-061"}
    assert all(by_id[i].remediation and by_id[i].references and "Decision" in by_id[i].description
               for i in MY_RULES)


# --- scale: cross-resource rules stay linear on a repeated corpus ---------------------------

_SCALE_DOCS = "---".join([
    _deployment("pay", replicas="3").replace("app: pay}}", "app: pay, sidecar.istio.io/inject: 'true'}}"),
    _hpa("pay", 2), _pdb("pay", "maxUnavailable", "1", "pay"), _PVC, _POD_MOUNTING,
    _schedule("{includedNamespaces: [payments], labelSelector: {matchLabels: {backup: 'yes'}}}"),
    """
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: pay, namespace: payments}
spec: {selector: {matchLabels: {app: pay}}, mtls: {mode: STRICT}}
""",
])


@pytest.mark.parametrize("copies", [1, 10])
def test_platform_rules_do_not_compare_resources_pairwise(tmp_path, monkeypatch, copies):
    """A corpus repeated 10 times costs the cross-resource rules at most 10 times the selector matches."""
    from compliance.rules.kubernetes import _platform, istio_mtls_not_strict, velero_backup_missing

    calls = []
    for module in (_platform, istio_mtls_not_strict, velero_backup_missing):
        original = module.selector_matches

        def counting(*args, _original=original, **kwargs):
            calls.append(1)
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, "selector_matches", counting)
    for i in range(copies):
        write(tmp_path, f"production/copy{i}.yaml", _SCALE_DOCS)
    report = run(tmp_path)
    mine = [r for r in report.results if r.rule.id in ("K8S-053", "K8S-054", "K8S-055", "K8S-063")]
    assert {(r.rule.id, r.status) for r in mine} == {
        ("K8S-053", Status.passed), ("K8S-054", Status.passed), ("K8S-055", Status.passed),
        ("K8S-063", Status.passed), ("K8S-054", Status.failed)}  # ledger runs 1 replica
    assert len(mine) == 7 * copies
    # Each distinct (namespace, labels, selector) question is answered once; copies only add candidates.
    assert len(calls) <= 6 * copies, len(calls)
