"""One entry per loader: feed it bytes, check that only the documented outcome comes out.

The documented outcome of a loader is a Loaded whose resources, skipped and
issues are Resource, Skipped and InputIssue; its locate function answers a
span or None for any resource and path. Anything raised is a bug: the scan
calls loaders without a catch-all, so an exception there is a crash.
"""

from __future__ import annotations

from pathlib import Path

from compliance.discover import Target
from compliance.loaders import LoadContext, Loaded
from compliance.loaders import kubernetes as k8s
from compliance.loaders import terraform_hcl as hcl
from compliance.loaders import terraform_plan as plan
from compliance.loaders._text import LoadError, decode
from compliance.model import InputIssue, Resource, Skipped

# Field paths the rules locate findings at; locate must answer each without raising.
_PATHS = [(), ("spec",), ("spec", "template", "spec", "containers", 0, "image"), ("values", "tags", "Env"),
          ("metadata", "name"), ("items", 3), ("values", "server_side_encryption_configuration", 0, "rule")]


def check(loaded: Loaded) -> Loaded:
    """Assert the documented outcome types and that locate answers for every resource."""
    assert isinstance(loaded, Loaded)
    assert all(isinstance(r, Resource) for r in loaded.resources)
    assert all(isinstance(s, Skipped) for s in loaded.skipped)
    assert all(isinstance(i, InputIssue) and i.message for i in loaded.issues)
    assert all(isinstance(w, str) for w in loaded.warnings)
    if loaded.locate is not None:
        for resource in loaded.resources[:20]:
            for path in _PATHS:
                span = loaded.locate(resource, path)
                assert span is None or (isinstance(span, tuple) and len(span) == 2), span
    return loaded


def k8s_text(text: str, *, is_json: bool) -> Loaded:
    """kubernetes.load_text on decoded text."""
    return check(k8s.load_text(text, "fuzz.json" if is_json else "fuzz.yaml", is_json=is_json))


def k8s_bytes(data: bytes, *, is_json: bool) -> Loaded | None:
    """Bytes as read from disk: decoding may refuse them (LoadError, documented), else load_text."""
    try:
        text = decode(data)
    except LoadError as exc:
        assert exc.message
        return None
    return k8s_text(text, is_json=is_json)


def plan_file(data: bytes, directory: Path) -> Loaded:
    """A `.json` file in `directory` through the plan loader (plan or Kubernetes JSON), and as an explicit plan."""
    path = directory / "plan.json"
    path.write_bytes(data)
    target = Target(path, "plan.json", "json")
    check(plan.load_json(target, LoadContext()))
    return check(plan.load(Target(path, "plan.json", "terraform-plan"), LoadContext()))


def hcl_dir(data: bytes, directory: Path, *, tfvars: bytes | None = None) -> Loaded:
    """A directory with one main.tf (and optionally terraform.tfvars) through the HCL loader."""
    (directory / "main.tf").write_bytes(data)
    if tfvars is not None:
        (directory / "terraform.tfvars").write_bytes(tfvars)
    return check(hcl.load(Target(directory, ".", "terraform-hcl"), LoadContext()))
