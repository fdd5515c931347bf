"""The built-in inventory rules: PodDisruptionBudget and NetworkPolicy coverage."""

from __future__ import annotations

from helpers import fails, run, write

DEPLOY = """
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: {ns}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata:
      labels: {{app: {name}, tier: backend}}
    spec:
      containers: [{{name: app, image: "x:1"}}]
"""


def test_replicated_production_workload_without_pdb(tmp_path):
    write(tmp_path, "production/api.yaml", DEPLOY.format(name="api", ns="pay", replicas=3))
    write(tmp_path, "production/pdb.yaml", """
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: other, namespace: pay}
        spec: {minAvailable: 1, selector: {matchLabels: {app: other}}}
        """)
    assert fails(run(tmp_path), "K8S-040") == [
        ("K8S-040", "Deployment/pay/api", "production/api.yaml:5",
         'Deployment "api" runs 3 replicas but no PodDisruptionBudget in namespace "pay" selects its pods'),
    ]


def test_pdb_rule_passes_with_matching_pdb_and_ignores_other_envs(tmp_path):
    write(tmp_path, "production/api.yaml", DEPLOY.format(name="api", ns="pay", replicas=3))
    write(tmp_path, "production/pdb.yaml", """
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: api, namespace: pay}
        spec:
          maxUnavailable: 1
          selector:
            matchExpressions: [{key: tier, operator: In, values: [backend]}]
        """)
    write(tmp_path, "staging/api.yaml", DEPLOY.format(name="api", ns="pay-staging", replicas=3))
    write(tmp_path, "production/single.yaml", DEPLOY.format(name="single", ns="solo", replicas=1))
    report = run(tmp_path)
    assert fails(report, "K8S-040") == []
    checked = sorted({r.resource.id for r in report.results if r.rule.id == "K8S-040"})
    assert checked == ["Deployment/pay/api", "Deployment/solo/single"]  # staging is not production


def test_hpa_makes_a_workload_replicated(tmp_path):
    write(tmp_path, "prod/api.yaml", DEPLOY.format(name="api", ns="pay", replicas=1))
    write(tmp_path, "prod/hpa.yaml", """
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: api, namespace: pay}
        spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}, minReplicas: 2, maxReplicas: 6}
        """)
    assert [f[3] for f in fails(run(tmp_path), "K8S-040")] == [
        'Deployment "api" runs 6 replicas but no PodDisruptionBudget in namespace "pay" selects its pods']


def test_network_policy_coverage(tmp_path):
    write(tmp_path, "a.yaml", DEPLOY.format(name="covered", ns="pay", replicas=1))
    write(tmp_path, "b.yaml", DEPLOY.format(name="bare", ns="open", replicas=1))
    write(tmp_path, "np.yaml", """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: api, namespace: pay}
        spec: {podSelector: {matchLabels: {app: covered}}}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: wrong-labels, namespace: open}
        spec: {podSelector: {matchLabels: {app: someone-else}}}
        """)
    assert fails(run(tmp_path), "K8S-041") == [
        ("K8S-041", "Deployment/open/bare", "b.yaml:9",
         'Deployment "bare" in namespace "open" is selected by no NetworkPolicy'),
    ]


def test_a_dev_pdb_never_covers_a_production_workload(tmp_path):
    write(tmp_path, "overlays/production/api.yaml", DEPLOY.format(name="api", ns="pay", replicas=3))
    write(tmp_path, "overlays/dev/pdb.yaml", """
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: api, namespace: pay}
        spec: {maxUnavailable: 1, selector: {matchLabels: {app: api}}}
        """)
    assert [f[1] for f in fails(run(tmp_path), "K8S-040")] == ["Deployment/pay/api"]
    write(tmp_path, "base/pdb.yaml", """
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: api, namespace: pay}
        spec: {maxUnavailable: 1, selector: {matchLabels: {app: api}}}
        """)
    assert fails(run(tmp_path), "K8S-040") == []  # a shared base with no environment covers every overlay
