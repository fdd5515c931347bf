"""Each rule's fixtures, scanned end to end, give exactly the findings in fixtures/expected.json.

This checks the rule, the loader's line numbers and the engine adapter together.
Regenerate after a deliberate change with `python scripts/update_rule_fixtures.py`
and review the diff.
"""

from __future__ import annotations

import json

import pytest
from rule_fixtures import expected_path, observed, rule_folders

FOLDERS = rule_folders()


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_fixtures_match_expected(folder):
    expected_file = expected_path(folder)
    assert expected_file.is_file(), f"{expected_file} is missing: run scripts/update_rule_fixtures.py"
    expected = json.loads(expected_file.read_text())
    assert observed(folder) == expected


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_fixtures_fail_and_pass_files_behave(folder):
    result = observed(folder)
    assert result["errors"] == []
    failing_files = {f["file"] for f in result["findings"]}
    fixtures = sorted(p.name for p in (folder / "fixtures").iterdir() if p.suffix in (".yaml", ".yml", ".json")
                      and p.name != "expected.json")
    for name in fixtures:
        if name.startswith("fail-"):
            assert name in failing_files, f"{name} should fail {result['rule']}"
        elif name.startswith("pass-"):
            assert name not in failing_files, f"{name} should pass {result['rule']}"
