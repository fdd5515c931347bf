"""The results cache (compliance/cache.py): served when nothing changed, re-evaluated when anything did."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import pytest
from helpers import HARDENED_POD, fails, write
from typer.testing import CliRunner

import compliance.scan as scan_module
from compliance.cache import open_cache
from compliance.cli import app
from compliance.reporters import json_report, sarif
from compliance.scan import ScanOptions, scan

SECRET = "hunter2-planted-Secret-Value"
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "payment-platform"


@pytest.fixture(autouse=True)
def _steady_package(monkeypatch):
    """The installed package and shipped rules hashed once per test: in a working copy that others edit
    while the tests run, an edit would (rightly) miss the cache between two scans of one test."""
    import compliance._cache_keys as keys

    memo: dict[tuple, str] = {}
    original = keys.stat_digest

    def steady(top: Path, suffix: str = "") -> str:
        return memo.setdefault((str(top), suffix), original(top, suffix))

    monkeypatch.setattr(keys, "stat_digest", steady)


def _tree(root: Path) -> Path:
    """Two pods (one privileged) and a Secret carrying a planted secret value, in two folders."""
    write(root, "apps/web.yaml", HARDENED_POD.format(name="web", namespace="shop").replace(
        "      resources:", f"      env: [{{name: DB_PASSWORD, value: {SECRET}}}]\n      resources:"))
    write(root, "apps/api.yaml", HARDENED_POD.format(name="api", namespace="shop").replace(
        "allowPrivilegeEscalation: false", "allowPrivilegeEscalation: false\n        privileged: true"))
    encoded = base64.b64encode(SECRET.encode()).decode()
    write(root, "config/secret.yaml", f"""
        apiVersion: v1
        kind: Secret
        metadata: {{name: db, namespace: shop}}
        type: Opaque
        data: {{password: {encoded}}}
        stringData: {{token: {SECRET}}}
        """)
    return root


def _options(root: Path, cache: Path | None, **extra) -> ScanOptions:
    extra.setdefault("jobs", 1)
    return ScanOptions(paths=[str(root / "tree")], root=root, cache_dir=cache, **extra)


def _json(report) -> str:
    out = io.StringIO()
    json_report.render(report, out)
    return out.getvalue()


def _sarif(report, root: Path) -> str:
    out = io.StringIO()
    sarif.render(report, out, root=root, category="compliance/tree", controls=report.controls)
    return out.getvalue()


def _forbid_scanning(monkeypatch) -> None:
    def refuse(*_args, **_kwargs):
        raise AssertionError("the scan ran although the cache had this run")

    monkeypatch.setattr(scan_module, "_scan", refuse)


def _record_evaluated(monkeypatch) -> list[str]:
    """The files whose resources go through per-resource evaluation (not served by the per-file cache)."""
    evaluated: list[str] = []
    original = scan_module.Checker.check_loaded

    def check_loaded(self, loaded):
        evaluated.extend(sorted({r.source.file for r in loaded.resources}))
        return original(self, loaded)

    monkeypatch.setattr(scan_module.Checker, "check_loaded", check_loaded)
    return evaluated


PRIVILEGED = ("K8S-001", "Pod/shop/api", "tree/apps/api.yaml:18", 'container "app" runs privileged '
              "(securityContext.privileged: true)")


def test_cache_unchanged_rescan_is_served_without_scanning(tmp_path, monkeypatch):
    _tree(tmp_path / "tree")
    cache = tmp_path / "cache"
    fresh = scan(_options(tmp_path, None))
    first = scan(_options(tmp_path, cache))
    assert len(list((cache / "v1" / "runs").iterdir())) == 1
    _forbid_scanning(monkeypatch)
    again = scan(_options(tmp_path, cache))
    assert fails(again, "K8S-001") == [PRIVILEGED]
    assert _json(again) == _json(first) == _json(fresh)
    assert _sarif(again, tmp_path) == _sarif(first, tmp_path) == _sarif(fresh, tmp_path)


def test_cache_changed_file_re_evaluates_only_that_file(tmp_path, monkeypatch):
    tree = _tree(tmp_path / "tree")
    cache = tmp_path / "cache"
    scan(_options(tmp_path, cache))
    api = tree / "apps" / "api.yaml"
    api.write_text(api.read_text().replace("privileged: true", "privileged: false"))
    evaluated = _record_evaluated(monkeypatch)
    report = scan(_options(tmp_path, cache))
    assert evaluated == ["tree/apps/api.yaml"]
    assert fails(report, "K8S-001") == []
    monkeypatch.undo()
    assert _json(report) == _json(scan(_options(tmp_path, None)))


def test_cache_added_and_removed_files_change_the_run(tmp_path):
    tree = _tree(tmp_path / "tree")
    cache = tmp_path / "cache"
    scan(_options(tmp_path, cache))
    write(tree, "apps/extra.yaml", HARDENED_POD.format(name="extra", namespace="shop").replace(
        "allowPrivilegeEscalation: false", "allowPrivilegeEscalation: false\n        privileged: true"))
    (tree / "apps" / "api.yaml").unlink()
    report = scan(_options(tmp_path, cache))
    assert fails(report, "K8S-001") == [("K8S-001", "Pod/shop/extra", "tree/apps/extra.yaml:18",
                                         PRIVILEGED[3])]
    assert _json(report) == _json(scan(_options(tmp_path, None)))


def test_cache_changed_user_rule_re_evaluates(tmp_path):
    _tree(tmp_path / "tree")
    policy = write(tmp_path, "policies/team_label.rego", """
        # METADATA
        # title: Team label missing
        # description: Nobody owns an object without a team label.
        # custom:
        #   id: ACME-001
        #   severity: low
        #   remediation: Add a team label.
        #   applies_to: {family: kubernetes, types: [Pod]}
        package acme.team_label

        import rego.v1

        deny contains {"msg": "pod has no team label", "path": ["metadata", "labels"]} if {
            not input.metadata.labels.team
        }
        """)
    cache = tmp_path / "cache"
    options = {"policy_dirs": [tmp_path / "policies"]}
    first = scan(_options(tmp_path, cache, **options))
    assert [f[3] for f in fails(first, "ACME-001")] == ["pod has no team label"] * 2
    policy.write_text(policy.read_text().replace('"pod has no team label"', '"pod lacks metadata.labels.team"'))
    second = scan(_options(tmp_path, cache, **options))
    assert fails(second, "ACME-001") == [
        ("ACME-001", "Pod/shop/api", "tree/apps/api.yaml:6", "pod lacks metadata.labels.team"),
        ("ACME-001", "Pod/shop/web", "tree/apps/web.yaml:6", "pod lacks metadata.labels.team")]


def test_cache_changed_params_and_settings_re_evaluate(tmp_path):
    _tree(tmp_path / "tree")
    cache = tmp_path / "cache"
    assert fails(scan(_options(tmp_path, cache)), "K8S-021") == []
    restricted = scan(_options(tmp_path, cache, params={"K8S-021": {"allowed_registries": ["ghcr.io/acme"]}}))
    assert [(f[0], f[1]) for f in fails(restricted, "K8S-021")] == [("K8S-021", "Pod/shop/api"),
                                                                   ("K8S-021", "Pod/shop/web")]
    disabled = scan(_options(tmp_path, cache, disabled_rules={"K8S-001": "tested elsewhere"}))
    assert fails(disabled, "K8S-001") == []
    assert disabled.disabled_rules == {"K8S-001": "tested elsewhere"}
    waived = scan(_options(tmp_path, cache, waivers=[{
        "rule": "K8S-001", "resource": "Pod/shop/api", "reason": "vendor image needs it", "owner": "team-shop",
        "approved_by": "security-lead", "ticket": "SHOP-1", "expires": "2099-01-01", "_where": "compliance.yaml:3"}],
        max_waiver_days=100000))
    assert fails(waived, "K8S-001") == []
    assert [(r.rule.id, r.resource.id, r.status.value) for r in waived.results
            if r.rule.id == "K8S-001" and r.resource.id == "Pod/shop/api"] == [("K8S-001", "Pod/shop/api", "waived")]
    # And back: the first settings are still served from their own entry.
    assert fails(scan(_options(tmp_path, cache)), "K8S-001") == [PRIVILEGED]


def test_cache_corrupt_entries_are_ignored_and_replaced(tmp_path, monkeypatch):
    _tree(tmp_path / "tree")
    cache = tmp_path / "cache"
    expected = _json(scan(_options(tmp_path, cache)))
    entries = sorted(p for p in cache.rglob("*.json"))
    assert len(entries) == 4  # one run, three files
    for index, entry in enumerate(entries):
        text = entry.read_text()
        entry.write_text([text[: len(text) // 2], "{}", '{"format": "compliance-cache/v0"}', "\x00\xff"][index % 4])
    evaluated = _record_evaluated(monkeypatch)
    assert _json(scan(_options(tmp_path, cache))) == expected
    assert evaluated == ["tree/apps/api.yaml", "tree/apps/web.yaml", "tree/config/secret.yaml"]
    evaluated.clear()
    for entry in entries:  # each bad entry was replaced by a good one
        assert json.loads(entry.read_text())["format"] == "compliance-cache/v1", entry
    assert _json(scan(_options(tmp_path, cache))) == expected  # served again
    assert evaluated == []


def test_cache_never_stores_secret_values(tmp_path):
    _tree(tmp_path / "tree")
    cache = tmp_path / "cache"
    report = scan(_options(tmp_path, cache))
    assert [f[1:] for f in fails(report) if "literal" in f[3]] == [
        ("Pod/shop/web", "tree/apps/web.yaml:20", 'container "app" sets env DB_PASSWORD to a literal value')]
    files = sorted(cache.rglob("*"))
    assert [p for p in files if p.is_file()]
    encoded = base64.b64encode(SECRET.encode())
    for path in files:
        if path.is_file():
            data = path.read_bytes()
            assert SECRET.encode() not in data and encoded not in data, path


def test_cache_is_bypassed_for_stdin_remote_opa_and_checkov(tmp_path):
    cache = tmp_path / "cache"
    for extra in ({"paths": ["-"]}, {"engines": ["rego", "python", "checkov"]}, {"opa": object()}):
        options = ScanOptions(**{"paths": [str(tmp_path)], "cache_dir": cache, **extra})
        assert open_cache(options) is None
    assert open_cache(ScanOptions(paths=[str(tmp_path)], cache_dir=None)) is None
    stdin = io.BytesIO(HARDENED_POD.format(name="web", namespace="shop").encode())
    scan(ScanOptions(paths=["-"], root=tmp_path, stdin=stdin, cache_dir=cache, jobs=1))
    assert not cache.exists()


def _cli(args: list[str], cwd: Path, monkeypatch) -> tuple[int, str]:
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(app, ["scan", *args])
    return result.exit_code, result.output


def test_cli_no_cache_and_cache_dir(tmp_path, monkeypatch):
    _tree(tmp_path / "tree")
    env_dir = Path(str(tmp_path / "env-cache"))
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(env_dir))
    code, _ = _cli(["tree", "-f", "json=plain.json", "--no-cache"], tmp_path, monkeypatch)
    assert code == 1 and not env_dir.exists()
    code, _ = _cli(["tree", "-f", "json=env.json"], tmp_path, monkeypatch)
    assert code == 1 and len(list((env_dir / "v1" / "runs").iterdir())) == 1
    code, _ = _cli(["tree", "-f", "json=flag.json", "--cache-dir", "flag-cache"], tmp_path, monkeypatch)
    assert code == 1 and len(list((tmp_path / "flag-cache" / "v1" / "runs").iterdir())) == 1
    _forbid_scanning(monkeypatch)
    code, _ = _cli(["tree", "-f", "json=again.json", "-f", "sarif=again.sarif", "--cache-dir", "flag-cache"],
                   tmp_path, monkeypatch)
    assert code == 1
    plain = (tmp_path / "plain.json").read_bytes()
    assert plain == (tmp_path / "env.json").read_bytes() == (tmp_path / "flag.json").read_bytes()
    assert plain == (tmp_path / "again.json").read_bytes()


def test_config_cache_dir_outside_the_repository_is_used_inside_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv("COMPLIANCE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    repo = _tree(tmp_path / "repo")
    write(repo, "compliance.yaml", f"cache_dir: {tmp_path / 'outside'}\n")
    code, _ = _cli(["repo", "-f", "json=a.json"], tmp_path, monkeypatch)
    assert code == 1 and len(list((tmp_path / "outside" / "v1" / "runs").iterdir())) == 1
    write(repo, "compliance.yaml", "cache_dir: planted\n")
    code, _ = _cli(["repo", "-f", "json=b.json"], tmp_path, monkeypatch)
    assert code == 1 and not (repo / "planted").exists()
    assert len(list((tmp_path / "xdg" / "compliance" / "v1" / "runs").iterdir())) == 1
    warnings = json.loads((tmp_path / "b.json").read_text())["warnings"]
    assert warnings == ["repo/compliance.yaml: cache_dir repo/planted is inside the scanned repository, "
                        "where a planted entry could forge results; using the default cache directory"]
    code, _ = _cli(["repo", "-f", "json=c.json", "--no-cache"], tmp_path, monkeypatch)
    assert (tmp_path / "c.json").read_bytes() == (tmp_path / "b.json").read_bytes()


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_cli_output_is_byte_identical_with_and_without_cache_on_the_example(tmp_path, monkeypatch, fmt):
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "cache"))
    outputs = []
    for name, extra in (("plain", ["--no-cache"]), ("first", []), ("second", [])):
        code, _ = _cli([str(EXAMPLE), "-f", f"{fmt}={tmp_path / name}", "--root", str(EXAMPLE.parent), *extra],
                       EXAMPLE.parent, monkeypatch)
        assert code == 1
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    assert list((tmp_path / "cache" / "v1" / "files").rglob("*.json"))  # its Kubernetes files were cached


def test_cache_kustomize_base_outside_the_scanned_overlay_invalidates(tmp_path, monkeypatch):
    from render_tools import require, tools_path

    require("kubectl")
    monkeypatch.setenv("PATH", tools_path())
    write(tmp_path, "base/kustomization.yaml", "resources: [pod.yaml]\n")
    write(tmp_path, "base/pod.yaml", HARDENED_POD.format(name="web", namespace="shop"))
    write(tmp_path, "tree/overlay/kustomization.yaml", "resources: [../../base]\n")
    cache = tmp_path / "cache"
    assert fails(scan(_options(tmp_path, cache)), "K8S-001") == []
    pod = tmp_path / "base" / "pod.yaml"
    pod.write_text(pod.read_text().replace("allowPrivilegeEscalation: false",
                                           "allowPrivilegeEscalation: false\n        privileged: true"))
    report = scan(_options(tmp_path, cache))
    assert [(f[0], f[1], f[2]) for f in fails(report, "K8S-001")] == [("K8S-001", "Pod/shop/web", "base/pod.yaml:18")]
    assert _json(report) == _json(scan(_options(tmp_path, None)))


ACME = """
schema_version: 1
framework:
  id: acme-baseline
  name: ACME Platform Baseline
  version: "2026.1"
  aliases: [acme]
  id_pattern: '^AB-[0-9]+$'
sections:
  - {id: AB, title: Platform hardening}
requirements:
  - id: AB-1
    section: AB
    title: Workloads never run privileged
    rules:
      - {rule: K8S-001, fit: direct, why: Privileged mode is forbidden by the baseline.}
"""


def test_cache_changed_control_catalog_changes_the_mapping(tmp_path, monkeypatch):
    _tree(tmp_path / "tree")
    catalog = write(tmp_path, "acme.yaml", ACME)
    cache = tmp_path / "cache"
    options = {"controls_files": [catalog], "frameworks": ["acme"]}
    assert scan(_options(tmp_path, cache, **options)).controls["K8S-001"] == ["acme-baseline:AB-1"]
    catalog.write_text(catalog.read_text().replace("id: AB-1", "id: AB-7"))
    evaluated = _record_evaluated(monkeypatch)
    report = scan(_options(tmp_path, cache, **options))
    assert report.controls["K8S-001"] == ["acme-baseline:AB-7"]
    assert evaluated == []  # a catalog bears on the mapping only: every file's results came from the cache


def test_cache_directory_stays_within_its_bound_newest_kept(tmp_path, monkeypatch):
    import compliance.cache as cache_module

    _tree(tmp_path / "tree")
    cache = tmp_path / "cache"
    scan(_options(tmp_path, cache))
    one_run = sum(max(p.stat().st_size, p.stat().st_blocks * 512) for p in cache.rglob("*.json"))
    monkeypatch.setattr(cache_module, "MAX_BYTES", int(one_run * 1.5))
    for days in (30, 60, 90):  # each a new run entry and new per-file entries (params change both keys)
        scan(_options(tmp_path, cache, params={"K8S-021": {"allowed_registries": [f"r{days}.example.com"]}}))
        used = sum(max(p.stat().st_size, p.stat().st_blocks * 512) for p in cache.rglob("*.json"))
        assert used <= cache_module.MAX_BYTES
    _forbid_scanning(monkeypatch)  # the newest run is still there
    report = scan(_options(tmp_path, cache, params={"K8S-021": {"allowed_registries": ["r90.example.com"]}}))
    assert [(f[0], f[1]) for f in fails(report, "K8S-021")] == [("K8S-021", "Pod/shop/api"),
                                                               ("K8S-021", "Pod/shop/web")]


HELPER_RULE = '''
import acme_wording
from compliance.model import Violation
from compliance.rules.registry import rule


@rule(id="ORG-200", title="Team label missing", description="Every workload names its team.",
      severity="low", remediation="Add metadata.labels.team.", applies_to={"family": "kubernetes"})
def team_label_missing(resource, *, inventory, params):
    if "team" not in resource.labels:
        yield Violation(acme_wording.MESSAGE.format(name=resource.name), ("metadata", "labels"))
'''


def test_cache_changed_helper_of_a_python_rule_re_evaluates(tmp_path):
    """A helper module a Python rule imports decides as much as the rule file: changing it misses
    the cache. Each scan is a process of its own, as on the command line."""
    import os
    import subprocess
    import sys

    _tree(tmp_path / "tree")
    write(tmp_path, "rules/team.py", HELPER_RULE)
    helper = write(tmp_path, "lib/acme_wording.py", 'MESSAGE = "{name} has no team label"\n')
    write(tmp_path, "compliance.yaml", "python_rules: [rules/team.py]\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path / "lib"), *sys.path])}

    def messages() -> list[str]:
        out = tmp_path / "out.json"
        done = subprocess.run([sys.executable, "-m", "compliance", "scan", "tree", "--allow-python-rules",
                               "--cache-dir", str(tmp_path / "cache"), "-f", f"json={out}", "--soft-fail"],
                              cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return sorted(r["message"] for r in json.loads(out.read_text())["results"]
                      if r["rule_id"] == "ORG-200" and r["status"] == "fail")

    assert messages() == ["api has no team label", "db has no team label", "web has no team label"]
    assert list((tmp_path / "cache").iterdir())  # the run was stored
    helper.write_text('MESSAGE = "{name}: metadata.labels.team is missing"\n')
    assert messages() == ["api: metadata.labels.team is missing", "db: metadata.labels.team is missing",
                          "web: metadata.labels.team is missing"]
