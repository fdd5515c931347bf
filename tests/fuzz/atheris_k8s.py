"""atheris harness: Kubernetes YAML/JSON bytes -> kubernetes.load_text (see README.md; not run by pytest).

    /work/venv/bin/python tests/fuzz/atheris_k8s.py -max_total_time=600 -timeout=10 -rss_limit_mb=4096
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from _mutate import K8S_SEEDS
    from _targets import k8s_bytes

import _corpus


def test_one(data: bytes) -> None:
    """One input, as YAML and as JSON; AssertionError or any exception is a finding."""
    k8s_bytes(data, is_json=False)
    k8s_bytes(data, is_json=True)


if __name__ == "__main__":
    atheris.Setup(_corpus.with_seeds(sys.argv, "k8s", K8S_SEEDS), test_one)
    atheris.Fuzz()
