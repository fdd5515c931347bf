"""Remote OPA without its optional extra: `--opa-url` says how to install it; nothing else needs it."""

from __future__ import annotations

import json
import sys

from typer.testing import CliRunner

from compliance.cli import app

POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec: {}\n"


def test_missing_extra_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "opa_client", None)  # `import opa_client` now raises ImportError
    (tmp_path / "pod.yaml").write_text(POD)
    result = CliRunner().invoke(app, ["scan", str(tmp_path / "pod.yaml"), "--opa-url", "http://127.0.0.1:1"])
    assert result.exit_code == 2
    assert result.output == ("error: --opa-url needs opa-python-client, which is not installed: "
                             "pip install 'compliance[opa]'\n")
    # Without --opa-url the extra is never imported: the in-process scan runs.
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "ok.rego").write_text(
        'package custom.ok\nimport rego.v1\n\ndeny contains "always" if { input.kind }\n')
    result = CliRunner().invoke(app, ["scan", str(tmp_path / "pod.yaml"), "--format", "json", "--no-builtin",
                                      "--policy", str(tmp_path / "policies")])
    assert result.exit_code == 1
    assert [(r["rule_id"], r["resource"]["id"], r["status"], r["message"])
            for r in json.loads(result.stdout)["results"]] == [("custom.ok.deny", "Pod/p", "fail", "always")]
