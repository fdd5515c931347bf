"""Secrets planted in the inputs appear in no output format: messages name keys, never values."""

from __future__ import annotations

import base64
import subprocess
import sys

from helpers import write

PASSWORD = "Planted-Passw0rd-7f3a9c"
TOKEN = "ghp_PlantedTokenValue1234567890abcdef"
KEY_BODY = "MIIEpAIBAAKCAQEAplantedprivatekeymaterial0123456789"
STRING_DATA = "planted-string-data-value-42"

INPUTS = f"""
apiVersion: apps/v1
kind: Deployment
metadata: {{name: api, namespace: pay}}
spec:
  replicas: 3
  template:
    metadata: {{labels: {{app: api}}}}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.0
          env:
            - name: DB_PASSWORD
              value: "{PASSWORD}"
            - name: GITHUB_TOKEN
              value: {TOKEN}
            - name: PLAIN
              value: hello
---
apiVersion: v1
kind: Secret
metadata: {{name: db, namespace: pay}}
data:
  password: {base64.b64encode(PASSWORD.encode()).decode()}
stringData:
  extra: {STRING_DATA}
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: tls, namespace: pay}}
data:
  key.pem: |
    -----BEGIN RSA PRIVATE KEY-----
    {KEY_BODY}
    -----END RSA PRIVATE KEY-----
"""

DB_PASSWORD = "Planted-Rds-Master-Pw-55ab"
TERRAFORM = f"""
resource "aws_db_instance" "ledger" {{
  identifier          = "ledger"
  engine              = "postgres"
  instance_class      = "db.t3.medium"
  username            = "ledger"
  password            = "{DB_PASSWORD}"
  publicly_accessible = true
  storage_encrypted   = false
}}
"""

PLANTED = [PASSWORD, TOKEN, KEY_BODY, STRING_DATA, base64.b64encode(PASSWORD.encode()).decode(), DB_PASSWORD]


def test_no_output_format_contains_a_planted_secret(tmp_path):
    write(tmp_path, "k8s/app.yaml", INPUTS)
    write(tmp_path, "k8s/tf/main.tf", TERRAFORM)
    out = tmp_path / "out"
    out.mkdir()
    formats = ["json", "sarif", "junit", "markdown", "table"]
    args = [f"--format={f}={out / ('r.' + f)}" for f in formats]
    done = subprocess.run([sys.executable, "-m", "compliance", "scan", "k8s", "--soft-fail", "-v", *args],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    outputs = {p.name: p.read_text() for p in out.iterdir()}
    outputs["stdout+stderr"] = done.stdout + done.stderr
    assert sorted(outputs) == sorted([f"r.{f}" for f in formats] + ["stdout+stderr"])
    for name, text in outputs.items():
        for secret in PLANTED:
            assert secret not in text, f"{name} leaks a planted secret"
    # The scan did look at them: the Deployment's findings are there.
    assert "Deployment/pay/api" in outputs["r.json"]
    assert "aws_db_instance.ledger" in outputs["r.json"]
