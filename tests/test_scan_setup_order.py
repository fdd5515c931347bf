"""What a scan checks before it reads any file; the pool maps the same controls as one process."""

from __future__ import annotations

from pathlib import Path

import pytest

import compliance.evaluate as evaluate_module
import compliance.scan as scan_module
from compliance.controls import CatalogError
from compliance.errors import InputError
from compliance.scan import ScanOptions, scan

POD = """apiVersion: v1
kind: Pod
metadata:
  name: app-{i}
  namespace: shop
spec:
  containers:
    - name: app
      image: nginx:1.25
"""


def _pods(root: Path, count: int) -> None:
    for i in range(count):
        (root / f"pod-{i:02}.yaml").write_text(POD.format(i=i))


def test_a_wrong_framework_or_catalog_stops_the_scan_before_any_file_is_read(tmp_path, monkeypatch):
    pods = tmp_path / "k8s"
    pods.mkdir()
    _pods(pods, 3)
    read: list[str] = []
    real = evaluate_module.Checker.check_target
    monkeypatch.setattr(evaluate_module.Checker, "check_target",
                        lambda self, target: read.append(target.display) or real(self, target))
    with pytest.raises(InputError, match="unknown framework 'iso27001'"):
        scan(ScanOptions(paths=[str(pods)], root=tmp_path, frameworks=["iso27001"], jobs=1))
    broken = tmp_path / "ours.yml"
    broken.write_text("id: ours\nrequirements: [\n")
    with pytest.raises(CatalogError, match="ours.yml:3: invalid YAML"):
        scan(ScanOptions(paths=[str(pods)], root=tmp_path, controls_files=[broken], jobs=1))
    assert read == []
    scan(ScanOptions(paths=[str(pods)], root=tmp_path, jobs=1))
    assert read == ["k8s/pod-00.yaml", "k8s/pod-01.yaml", "k8s/pod-02.yaml"]  # the scan put right reads them


def test_a_pooled_scan_maps_the_same_controls_as_one_process(tmp_path, monkeypatch):
    _pods(tmp_path, 6)
    monkeypatch.setattr(scan_module, "POOL_MIN_FILES", 2)
    pooled = scan(ScanOptions(paths=[str(tmp_path)], root=tmp_path, jobs=2))
    serial = scan(ScanOptions(paths=[str(tmp_path)], root=tmp_path, jobs=1))
    assert pooled.frameworks == serial.frameworks == [
        "gdpr", "hipaa-security-rule", "nist-800-53-r5", "pci-dss-4.0.1", "soc2-tsc-2017"]
    assert pooled.controls == serial.controls
    assert pooled.controls["K8S-001"] == [
        "gdpr:Art.32(1)(b)", "hipaa-security-rule:164.312(a)(1)", "nist-800-53-r5:AC-6", "nist-800-53-r5:CM-6",
        "nist-800-53-r5:SC-39", "pci-dss-4.0.1:2.2.1", "pci-dss-4.0.1:2.2.6", "pci-dss-4.0.1:7.2.5",
        "soc2-tsc-2017:CC6.1"]
    assert [(r.rule.id, r.resource.id, r.status) for r in pooled.results] == [
        (r.rule.id, r.resource.id, r.status) for r in serial.results]
