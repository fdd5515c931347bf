import sys
from pathlib import Path

# tests/ helpers (rule_fixtures) import as top-level modules.
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _own_results_cache(tmp_path_factory, monkeypatch):
    """Each test gets an empty results cache (compliance.cache): never ~/.cache, never another test's."""
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path_factory.mktemp("results-cache")))
